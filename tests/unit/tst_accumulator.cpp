// The shared accumulator of kernels that write the same places: cells, the robust process-shared
// mutex (a process that dies holding it) and the start barrier, with real forked processes over
// real shared memory.
#include "shm/accumulator.h"
#include "shm/jobsegment.h"

#include <csignal>
#include <cstring>
#include <QTest>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace sharedmap;

namespace {

/// Anonymous shared memory that forked children see too.
struct SharedRegion
{
    explicit SharedRegion(qint64 bytes)
        : size(size_t(bytes))
        , base(mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0))
    { }
    ~SharedRegion() { munmap(base, size); }
    size_t size;
    void* base;
};

/// Runs `child` in a forked process and waits for it; returns its exit status.
template <typename F> int inChild(F child)
{
    const pid_t pid = fork();
    if (pid == 0) {
        child();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

} // namespace

class TestAccumulator : public QObject
{
    Q_OBJECT

private slots:
    void cellsStartAtZeroAndAddAtomically_data()
    {
        QTest::addColumn<qint64>("cells");
        QTest::newRow("one") << qint64(1);
        QTest::newRow("bins") << qint64(1000);
    }

    void cellsStartAtZeroAndAddAtomically()
    {
        QFETCH(qint64, cells);
        SharedRegion region(SharedAccumulator::bytesFor(cells));
        std::memset(region.base, 0x5a, region.size); // initialise() must clear, not rely on zeroed memory
        QVERIFY(SharedAccumulator::initialise(region.base, cells, 2).isEmpty());
        SharedAccumulator accumulator(region.base);
        QCOMPARE(accumulator.cellCount(), cells);
        for (qint64 i = 0; i < cells; ++i)
            QCOMPARE(accumulator.load(i), qint64(0));
        // Two processes add 100,000 each to the last cell, atomically: nothing lost.
        const int status = inChild([&] {
            for (int k = 0; k < 100000; ++k)
                accumulator.add(cells - 1, 1);
        });
        QCOMPARE(status, 0);
        for (int k = 0; k < 100000; ++k)
            accumulator.add(cells - 1, 1);
        QCOMPARE(accumulator.load(cells - 1), qint64(200000));
    }

    void mutexSurvivesAnOwnerThatDies()
    {
        SharedRegion region(SharedAccumulator::bytesFor(1));
        QVERIFY(SharedAccumulator::initialise(region.base, 1, 1).isEmpty());
        SharedAccumulator accumulator(region.base);
        // The child takes the lock and dies without unlocking it.
        const int status = inChild([&] {
            accumulator.lock();
            accumulator.cells()[0] = 41;
            _exit(9);
        });
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 9);
        QCOMPARE(accumulator.recoveredLocks(), qint64(0));
        accumulator.lock(); // would block forever with a plain mutex
        QCOMPARE(accumulator.recoveredLocks(), qint64(1));
        QCOMPARE(accumulator.load(0), qint64(41));
        accumulator.cells()[0] += 1;
        accumulator.unlock();
        // Consistent again: a normal lock/unlock, no second recovery.
        accumulator.lock();
        accumulator.unlock();
        QCOMPARE(accumulator.recoveredLocks(), qint64(1));
        QCOMPARE(accumulator.load(0), qint64(42));
    }

    void commitCountsEachPositionOnce_data()
    {
        // Where the first committer of position 2 dies: never, or half way through its adds
        // (after its commit point: the next locker must finish it, and the retry add nothing).
        QTest::addColumn<bool>("dies");
        QTest::newRow("no crash") << false;
        QTest::newRow("the committer dies half way") << true;
    }

    void commitCountsEachPositionOnce()
    {
        QFETCH(bool, dies);
        constexpr qint64 kCells = 6, kJournal = 4, kPositions = 70; // positions past one 64-bit word
        SharedRegion region(SharedAccumulator::bytesFor(kCells, kJournal, kPositions));
        std::memset(region.base, 0x5a, region.size);
        QVERIFY(SharedAccumulator::initialise(region.base, kCells, 1, kJournal, kPositions).isEmpty());
        SharedAccumulator accumulator(region.base);
        const qint64 cells[] = { 0, 3, 5, 1 };
        const qint64 deltas[] = { 2, 7, 1, 4 };
        QVERIFY(accumulator.commitOnce(0, cells, deltas, 4));
        QVERIFY(accumulator.commitOnce(69, cells, deltas, 2));
        const int status = inChild(
            [&] { accumulator.commitOnce(2, cells, deltas, 4, dies ? CommitCrash::HalfApplied : CommitCrash::Never); });
        QVERIFY(dies ? WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL
                     : WIFEXITED(status) && WEXITSTATUS(status) == 0);
        // The retry of position 2 (another worker) adds nothing: the commit is finished either way.
        QVERIFY(!accumulator.commitOnce(2, cells, deltas, 4));
        QVERIFY(!accumulator.commitOnce(0, cells, deltas, 4)); // nor does any other repeat
        QCOMPARE(accumulator.recoveredLocks(), qint64(dies ? 1 : 0));
        for (qint64 p : { 0, 2, 69 })
            QVERIFY(accumulator.isCommitted(p));
        QVERIFY(!accumulator.isCommitted(1));
        QVERIFY(!accumulator.isCommitted(70));
        // Positions 0 and 2 added all four deltas, 69 the first two.
        const qint64 expected[kCells] = { 3 * 2, 2 * 4, 0, 3 * 7, 0, 2 * 1 };
        for (qint64 c = 0; c < kCells; ++c)
            QCOMPARE(accumulator.load(c), expected[c]);
        // Out of range: refused, nothing added.
        QVERIFY(!accumulator.commitOnce(70, cells, deltas, 1));
        QVERIFY(!accumulator.commitOnce(3, cells, deltas, kJournal + 1));
        QCOMPARE(accumulator.load(0), expected[0]);
    }

    void barrierWaitsForEveryParty()
    {
        SharedRegion region(SharedAccumulator::bytesFor(1));
        QVERIFY(SharedAccumulator::initialise(region.base, 1, 2).isEmpty());
        SharedAccumulator accumulator(region.base);
        // The second party arrives 200 ms after the first: the first leaves only then.
        const pid_t pid = fork();
        if (pid == 0) {
            usleep(200000);
            SharedAccumulator(region.base).arriveAndWait(5000);
            _exit(0);
        }
        const qint64 start = monotonicNs();
        accumulator.arriveAndWait(5000);
        const qint64 waited = monotonicNs() - start;
        waitpid(pid, nullptr, 0);
        QVERIFY2(waited >= 150000000 && waited < 4000000000, qPrintable(QString::number(waited)));
    }

    void barrierGivesUpAfterItsTimeout()
    {
        SharedRegion region(SharedAccumulator::bytesFor(1));
        QVERIFY(SharedAccumulator::initialise(region.base, 1, 3).isEmpty());
        SharedAccumulator accumulator(region.base);
        const qint64 start = monotonicNs();
        accumulator.arriveAndWait(100); // the other two never come (a worker that died)
        const qint64 waited = monotonicNs() - start;
        QVERIFY2(waited >= 100000000 && waited < 2000000000, qPrintable(QString::number(waited)));
    }
};

QTEST_APPLESS_MAIN(TestAccumulator)
#include "tst_accumulator.moc"
