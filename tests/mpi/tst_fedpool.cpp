// The Pool's fed mode, which sharedmap-mpi's node leaders use: real sharedmap-worker processes
// over real shared memory compute only the ranges fed to them, crashes included.

#include "engine/pool.h"
#include "job/jobresult.h"
#include "job/jobspec.h"
#include "shm/sharedarray.h"

#include <cmath>
#include <QSignalSpy>
#include <QTest>

using namespace sharedmap;

namespace {

constexpr qint64 kRows = 500, kCols = 20;

using Ranges = QVector<QPair<qint64, qint64>>;

std::shared_ptr<SharedArray> makeRows()
{
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = { kRows, kCols };
    QString error;
    auto array = SharedArray::create(meta, &error);
    if (!array)
        qFatal("cannot create a test array: %s", qPrintable(error));
    auto* data = reinterpret_cast<double*>(array->mutableData());
    for (qint64 i = 0; i < meta.elementCount(); ++i)
        data[i] = double((i * 37) % 101) * 0.5; // exact in any summation order
    return array;
}

double rowSum(const SharedArray& array, qint64 row)
{
    const double* data = reinterpret_cast<const double*>(array.view().data) + row * kCols;
    double sum = 0;
    for (qint64 c = 0; c < kCols; ++c)
        sum += data[c];
    return sum;
}

bool fed(const Ranges& ranges, qint64 p)
{
    for (const auto& r : ranges) {
        if (p >= r.first && p < r.second)
            return true;
    }
    return false;
}

} // namespace

class TestFedPool : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void computesOnlyFed_data();
    void computesOnlyFed();
    void feedsLaterWakeIdleWorkers();
    void crashInFedRange();
    void cancel();
    void usualModeAfterFed();

private:
    JobSpec spec(const QString& kernel, int workers, const QVariantMap& params = {}) const;

    std::shared_ptr<SharedArray> m_rows;
};

void TestFedPool::initTestCase()
{
    qputenv("SHAREDMAP_TEST_KERNELS", "1"); // test_fault, here and in the workers
    m_rows = makeRows();
}

JobSpec TestFedPool::spec(const QString& kernel, int workers, const QVariantMap& params) const
{
    JobSpec s;
    s.input = QStringLiteral("(test array)");
    s.kernel = kernel;
    s.workers = workers;
    s.params = params;
    return s;
}

void TestFedPool::computesOnlyFed_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<Ranges>("ranges");
    QTest::newRow("one range, 1 worker") << 1 << Ranges { { 10, 60 } };
    QTest::newRow("scattered, 2 workers") << 2 << Ranges { { 0, 1 }, { 400, 500 }, { 7, 9 }, { 250, 251 } };
    QTest::newRow("many small, 3 workers") << 3 << [] {
        Ranges r;
        for (qint64 b = 3; b < kRows; b += 11)
            r.append({ b, b + 4 });
        return r;
    }();
    QTest::newRow("everything") << 2 << Ranges { { 0, kRows } };
}

void TestFedPool::computesOnlyFed()
{
    QFETCH(int, workers);
    QFETCH(Ranges, ranges);
    Pool pool;
    pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
    pool.setFed(true);
    QSignalSpy finished(&pool, &Pool::finished);
    QString error;
    QVERIFY2(pool.start(spec(QStringLiteral("row_sum"), workers), m_rows, &error) != 0, qPrintable(error));
    for (const auto& r : ranges)
        pool.feed(r.first, r.second);
    QVERIFY(pool.unclaimedRanges() > 0 || pool.progress().done > 0);
    // Without endFeed() the job waits for more, however long it is idle.
    QVERIFY(!finished.wait(1500));
    pool.endFeed();
    QVERIFY(finished.wait(20000));
    const auto result = finished.first().first().value<JobResult>();
    QVERIFY(!result.cancelled);
    qint64 expectedDone = 0;
    for (qint64 p = 0; p < kRows; ++p) {
        const bool inFeed = fed(ranges, p);
        expectedDone += inFeed;
        QCOMPARE(quint8(result.status[p]), quint8(inFeed ? Done : Pending));
        if (inFeed)
            QCOMPARE(result.values[p], rowSum(*m_rows, p));
        else
            QVERIFY(std::isnan(result.values[p]));
    }
    QCOMPARE(result.doneCount(), expectedDone);
    QCOMPARE(pool.unclaimedRanges(), qint64(0));
}

void TestFedPool::feedsLaterWakeIdleWorkers()
{
    Pool pool;
    pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
    pool.setFed(true);
    QSignalSpy finished(&pool, &Pool::finished);
    QString error;
    QVERIFY2(pool.start(spec(QStringLiteral("row_sum"), 2), m_rows, &error) != 0, qPrintable(error));
    pool.feed(0, 5);
    QTRY_COMPARE_WITH_TIMEOUT(pool.progress().done, qint64(5), 20000);
    // Every worker is idle now; a later feed wakes them.
    QTest::qWait(300);
    pool.feed(100, 130);
    QTRY_COMPARE_WITH_TIMEOUT(pool.progress().done, qint64(35), 20000);
    QVERIFY(finished.isEmpty());
    pool.endFeed();
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().value<JobResult>().doneCount(), qint64(35));
}

void TestFedPool::crashInFedRange()
{
    // A worker crashes on index 42 every time: after the retries only that position fails, the
    // rest of its range is done, and nothing outside the fed ranges is computed by the recovery.
    Pool pool;
    pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
    pool.setFed(true);
    QSignalSpy finished(&pool, &Pool::finished);
    QString error;
    const JobSpec s = spec(QStringLiteral("test_fault"), 2, { { QStringLiteral("crash_at"), QStringLiteral("42") } });
    QVERIFY2(pool.start(s, m_rows, &error) != 0, qPrintable(error));
    pool.feed(40, 50);
    pool.feed(300, 310);
    QTRY_COMPARE_WITH_TIMEOUT(pool.progress().done, qint64(20), 30000);
    pool.endFeed();
    QVERIFY(finished.wait(20000));
    const auto result = finished.first().first().value<JobResult>();
    QCOMPARE(result.failedPositions(), QVector<qint64> { 42 });
    QVERIFY(result.retriedChunks >= 3);
    for (qint64 p = 0; p < kRows; ++p) {
        const bool inFeed = (p >= 40 && p < 50) || (p >= 300 && p < 310);
        if (p == 42)
            continue;
        QCOMPARE(quint8(result.status[p]), quint8(inFeed ? Done : Pending));
        if (inFeed)
            QCOMPARE(result.values[p], double(p));
    }
}

void TestFedPool::cancel()
{
    Pool pool;
    pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
    pool.setFed(true);
    QSignalSpy finished(&pool, &Pool::finished);
    QString error;
    QVERIFY2(pool.start(spec(QStringLiteral("row_sum"), 2, { { QStringLiteral("sleep_ms"), 50 } }), m_rows, &error)
                 != 0,
             qPrintable(error));
    pool.feed(0, 200);
    QTRY_VERIFY_WITH_TIMEOUT(pool.progress().done > 0, 20000);
    pool.cancel();
    QVERIFY(finished.wait(5000));
    const auto result = finished.first().first().value<JobResult>();
    QVERIFY(result.cancelled);
    QVERIFY(result.doneCount() > 0 && result.doneCount() < 200);
}

void TestFedPool::usualModeAfterFed()
{
    // setFed(false) gives the usual job back: every position, claimed from the counter.
    Pool pool;
    pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
    pool.setFed(true);
    pool.setFed(false);
    QSignalSpy finished(&pool, &Pool::finished);
    QString error;
    QVERIFY2(pool.start(spec(QStringLiteral("row_sum"), 2), m_rows, &error) != 0, qPrintable(error));
    pool.feed(0, 10); // ignored outside fed mode
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().value<JobResult>().doneCount(), kRows);
}

QTEST_GUILESS_MAIN(TestFedPool)
#include "tst_fedpool.moc"
