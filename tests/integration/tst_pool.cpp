// Integration tests of the Pool facade: real sharedmap-worker processes over real shared memory.

#include "engine/pool.h"
#include "job/jobresult.h"
#include "job/jobspec.h"
#include "procwatch.h"
#include "shm/sharedarray.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>
#include <QSignalSpy>
#include <QTest>
#include <signal.h>
#include <unistd.h>

using namespace sharedmap;

namespace {

constexpr qint64 kRows = 3000, kCols = 50; // row_sum input
constexpr qint64 kSquare = 2000; // diag input
constexpr int kRingSize = WorkerSlot::kRingSize;

std::shared_ptr<SharedArray> makeArray(const QVector<qint64>& shape, const std::function<double(qint64)>& value)
{
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = shape;
    QString error;
    auto array = SharedArray::create(meta, &error);
    if (!array)
        qFatal("cannot create a test array: %s", qPrintable(error));
    auto* data = reinterpret_cast<double*>(array->mutableData());
    for (qint64 i = 0; i < meta.elementCount(); ++i)
        data[i] = value(i);
    return array;
}

JobSpec makeSpec(const QString& kernel, const QString& indices, int workers, qint64 chunk, double sleepMs = 0)
{
    JobSpec spec;
    spec.input = QStringLiteral("(test array)"); // a label: the array is handed over already loaded
    spec.kernel = kernel;
    spec.indices = indices;
    spec.workers = workers;
    spec.chunkSize = chunk;
    if (sleepMs > 0)
        spec.params.insert(QStringLiteral("sleep_ms"), sleepMs);
    return spec;
}

QString listSpec(const QVector<qint64>& indices)
{
    QStringList parts;
    for (qint64 i : indices)
        parts.append(QString::number(i));
    return parts.join(QLatin1Char(','));
}

QSet<qint64> shmIds(const QHash<qint64, procwatch::ShmSegment>& segments)
{
    return QSet<qint64>(segments.keyBegin(), segments.keyEnd());
}

/// Position of the first value whose bits differ (so NaN matches NaN), -1 when none does; the
/// size when the lengths differ.
qint64 firstDifference(const ResultValues& a, const QVector<double>& b)
{
    if (a.size() != b.size())
        return qMin(a.size(), b.size());
    for (qint64 p = 0; p < a.size(); ++p) {
        if (std::memcmp(a.constData() + p, &b[p], sizeof(double)) != 0)
            return p;
    }
    return -1;
}

/// The pid of each slot (0 until its worker said hello).
QVector<qint64> workerPids(const Pool& pool)
{
    QVector<qint64> pids;
    for (const WorkerInfo& info : pool.workers())
        pids.append(info.pid);
    return pids;
}

bool allStarted(const Pool& pool, int count)
{
    const QVector<qint64> pids = workerPids(pool);
    return pids.size() == count && std::all_of(pids.cbegin(), pids.cend(), [](qint64 pid) { return pid > 0; });
}

} // namespace

class TestPool : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void results_data();
    void results();
    void zeroIndices();
    void cancelMidRun_data();
    void cancelMidRun();
    void destroyWhileRunning();
    void crashRecovery_data();
    void crashRecovery();
    void brokenWorkerProgram_data();
    void brokenWorkerProgram();
    void refusals_data();
    void refusals();
    void peakMemory();
    void manyWorkersStartInSlices();

private:
    /// Reference results, computed here without the engine, for the positions of `indices`.
    QVector<double> reference(const QString& kernel, const QVector<qint64>& indices) const;
    /// Runs `spec` to the end on `pool`; an empty result when it is refused or times out.
    JobResult runToEnd(Pool& pool, const JobSpec& spec, std::shared_ptr<const SharedArray> input, int timeoutMs);

    std::shared_ptr<SharedArray> m_rows; ///< kRows x kCols: dyadic values, so every summation order is exact
    std::shared_ptr<SharedArray> m_square; ///< kSquare x kSquare: arbitrary doubles
    std::shared_ptr<SharedArray> m_vector; ///< 1-D, for refusals
    QString m_worker = QStringLiteral(SHAREDMAP_WORKER);
};

void TestPool::initTestCase()
{
    QVERIFY2(QFileInfo(m_worker).isExecutable(), qPrintable(m_worker));
    m_rows = makeArray({ kRows, kCols },
                       [](qint64 i) { return double((i / kCols * 131 + i % kCols * 17) % 1009) * 0.25 - 126.0; });
    m_square = makeArray({ kSquare, kSquare },
                         [](qint64 i) { return std::sin(double(i) * 0.37) * 1000.0 + double(i / kSquare); });
    m_vector = makeArray({ 100 }, [](qint64 i) { return double(i); });
}

QVector<double> TestPool::reference(const QString& kernel, const QVector<qint64>& indices) const
{
    QVector<double> out;
    for (qint64 index : indices) {
        if (kernel == QLatin1String("diag")) {
            out.append(reinterpret_cast<const double*>(m_square->view().data)[index * kSquare + index]);
        } else {
            const double* row = reinterpret_cast<const double*>(m_rows->view().data) + index * kCols;
            double sum = 0;
            for (qint64 c = 0; c < kCols; ++c)
                sum += row[c];
            out.append(sum);
        }
    }
    return out;
}

JobResult TestPool::runToEnd(Pool& pool, const JobSpec& spec, std::shared_ptr<const SharedArray> input, int timeoutMs)
{
    QSignalSpy finished(&pool, &Pool::finished);
    QString error;
    const quint64 id = pool.start(spec, std::move(input), &error);
    if (id == 0)
        qWarning("start refused: %s", qPrintable(error));
    if (id == 0 || !finished.wait(timeoutMs))
        return JobResult();
    return finished.first().first().value<JobResult>();
}

void TestPool::results_data()
{
    QTest::addColumn<QString>("kernel");
    QTest::addColumn<QString>("indices");
    QTest::addColumn<QVector<qint64>>("expectedIndices");
    QTest::addColumn<int>("workers");
    QTest::addColumn<qint64>("chunk");

    QVector<qint64> allRows(kRows), slice, repeats;
    std::iota(allRows.begin(), allRows.end(), 0);
    for (qint64 i = 10; i < 2810; i += 7)
        slice.append(i);
    for (qint64 p = 0; p < 3000; ++p) // every third position repeats one of the last thousand indices
        repeats.append(p % 3 == 0 ? kSquare - 1 - p % 1000 : (p * 37) % kSquare);

    const struct
    {
        const char* name;
        const char* kernel;
        QString indices;
        QVector<qint64> expected;
    } jobs[] = { { "row_sum 3000", "row_sum", QStringLiteral("all"), allRows },
                 { "row_sum 10:2810:7", "row_sum", QStringLiteral("10:2810:7"), slice },
                 { "diag repeats", "diag", listSpec(repeats), repeats } };
    for (const auto& job : jobs) {
        for (int workers : { 1, 2, 4 }) {
            for (qint64 chunk : { 1, 7, 0 }) {
                QTest::addRow("%s w%d c%s", job.name, workers, chunk ? qPrintable(QString::number(chunk)) : "auto")
                    << QString::fromLatin1(job.kernel) << job.indices << job.expected << workers << chunk;
            }
        }
    }
}

void TestPool::results()
{
    QFETCH(QString, kernel);
    QFETCH(QString, indices);
    QFETCH(QVector<qint64>, expectedIndices);
    QFETCH(int, workers);
    QFETCH(qint64, chunk);

    Pool pool;
    pool.setWorkerProgram(m_worker);
    QSignalSpy progress(&pool, &Pool::progressChanged);
    QSignalSpy states(&pool, &Pool::workerStateChanged);
    QSignalSpy chunks(&pool, &Pool::chunkFinished);
    QSignalSpy finished(&pool, &Pool::finished);
    QSignalSpy failed(&pool, &Pool::failed);

    QString error;
    QVERIFY2(pool.start(makeSpec(kernel, indices, workers, chunk), kernel == QLatin1String("diag") ? m_square : m_rows,
                        &error),
             qPrintable(error));
    QVERIFY(finished.wait(10000));
    QTest::qWait(30); // a second finished() would show up here
    QCOMPARE(finished.count(), 1);
    QCOMPARE(failed.count(), 0);
    QVERIFY(!pool.isRunning());

    const JobResult result = finished.first().first().value<JobResult>();
    const qint64 tasks = expectedIndices.size();
    QVERIFY(!result.cancelled);
    QCOMPARE(result.taskCount(), tasks);
    for (qint64 p = 0; p < tasks; ++p)
        QCOMPARE(result.indices.at(p), expectedIndices[p]);
    QCOMPARE(result.doneCount(), tasks);
    const QVector<double> expected = reference(kernel, expectedIndices);
    QCOMPARE(firstDifference(result.values, expected), -1); // bit for bit

    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(0).toLongLong(), tasks);
    QCOMPARE(progress.last().at(1).toLongLong(), tasks);

    QSet<int> started, ended;
    for (const auto& args : states) {
        const int slot = args.at(0).toInt();
        QVERIFY2(slot >= 0 && slot < workers, qPrintable(QString::number(slot)));
        const auto state = args.at(1).value<WorkerState>();
        if (state == WorkerState::Starting)
            started.insert(slot);
        else if (state == WorkerState::Finished)
            ended.insert(slot);
    }
    QCOMPARE(started.size(), workers);
    QCOMPARE(ended.size(), workers);

    // The ring keeps 64 chunks per worker between samples: when a job cannot produce more than
    // that, or with auto chunks (a few dozen in all), every chunk must reach chunkFinished.
    qint64 chunkTotal = 0;
    QVector<int> covered(int(tasks), 0);
    for (const auto& args : chunks) {
        const auto event = args.first().value<ChunkEvent>();
        QVERIFY(event.slot >= 0 && event.slot < workers);
        QVERIFY(event.begin >= 0 && event.count > 0 && event.begin + event.count <= tasks);
        QVERIFY(event.endS >= event.startS);
        chunkTotal += event.count;
        for (qint64 p = event.begin; p < event.begin + event.count; ++p)
            ++covered[int(p)];
    }
    QVERIFY(chunkTotal <= tasks); // never more, even when the ring overflowed
    const bool ringCannotOverflow = chunk == 0 || (tasks + chunk - 1) / chunk <= kRingSize;
    if (ringCannotOverflow) {
        QCOMPARE(chunkTotal, tasks);
        QVERIFY(std::all_of(covered.cbegin(), covered.cend(), [](int n) { return n == 1; }));
    }
    QVERIFY(procwatch::children(getpid()).isEmpty());
}

void TestPool::zeroIndices()
{
    Pool pool;
    pool.setWorkerProgram(m_worker);
    QSignalSpy finished(&pool, &Pool::finished);
    QString error;
    QVERIFY2(pool.start(makeSpec(QStringLiteral("row_sum"), QStringLiteral("5:5"), 2, 0), m_rows, &error),
             qPrintable(error));
    QVERIFY(finished.wait(5000));
    const JobResult result = finished.first().first().value<JobResult>();
    QVERIFY(!result.cancelled);
    QCOMPARE(result.taskCount(), 0);
    QVERIFY(result.values.isEmpty());
    QVERIFY(result.status.isEmpty());
    QVERIFY(!pool.isRunning());
    QVERIFY(pool.workers().isEmpty());
    QVERIFY(procwatch::children(getpid()).isEmpty());
}

void TestPool::cancelMidRun_data()
{
    QTest::addColumn<int>("delayMs");
    QTest::newRow("while workers start") << 0;
    QTest::newRow("mid-run") << 150;
}

void TestPool::cancelMidRun()
{
    QFETCH(int, delayMs);
    const qint64 me = getpid();
    const QSet<qint64> segmentsBefore = shmIds(procwatch::shmSegmentsOf(me));
    Pool pool;
    pool.setWorkerProgram(m_worker);
    QSignalSpy finished(&pool, &Pool::finished);
    QString error;
    QVERIFY2(pool.start(makeSpec(QStringLiteral("row_sum"), QStringLiteral("0:400"), 2, 1, 20), m_rows, &error),
             qPrintable(error));
    QSet<qint64> pids;
    if (delayMs > 0) {
        QTRY_VERIFY_WITH_TIMEOUT(allStarted(pool, 2), 5000);
        QTest::qWait(delayMs);
        const QVector<qint64> reported = workerPids(pool);
        pids = QSet<qint64>(reported.cbegin(), reported.cend());
        QCOMPARE(procwatch::children(me), pids);
        // The checks after the cancel can see what they look for.
        QVERIFY(pool.jobSegmentName().startsWith(QStringLiteral("sharedmap-job-%1-").arg(me)));
        QCOMPARE(procwatch::keyFilesOf(me, QStringLiteral("job")).size(), 1);
        QCOMPARE(procwatch::keyFilesOf(me, QStringLiteral("output")).size(), 1);
        QCOMPARE(procwatch::shmSegmentsOf(me).size(), segmentsBefore.size() + 2); // the job and its output
    }

    QElapsedTimer clock;
    clock.start();
    pool.cancel();
    QVERIFY(finished.wait(1000));
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    QTest::qWait(30);
    QCOMPARE(finished.count(), 1);

    QVector<qint64> rows(400);
    std::iota(rows.begin(), rows.end(), 0);
    const QVector<double> expected = reference(QStringLiteral("row_sum"), rows);
    {
        const JobResult result = finished.takeFirst().first().value<JobResult>();
        QVERIFY(result.cancelled);
        QCOMPARE(result.taskCount(), 400);
        if (delayMs > 0)
            QVERIFY(result.doneCount() > 0);
        QVERIFY(result.doneCount() < 400);
        QVERIFY(result.failedPositions().isEmpty());
        for (qint64 p = 0; p < 400; ++p) {
            const bool pending = quint8(result.status[p]) == Pending;
            QCOMPARE(std::isnan(result.values[p]), pending);
            if (!pending)
                QCOMPARE(result.values[p], expected[p]);
        }
        for (qint64 pid : pids)
            QVERIFY2(!procwatch::isAlive(pid), qPrintable(QString::number(pid)));
        QVERIFY(procwatch::children(me).isEmpty());
        QVERIFY(procwatch::keyFilesOf(me, QStringLiteral("job")).isEmpty());
        QVERIFY(pool.jobSegmentName().isEmpty());
        // The results stay in their output segment while the result is kept, and only then.
        QVERIFY(result.values.array());
        QCOMPARE(procwatch::keyFilesOf(me, QStringLiteral("output")).size(), 1);
        QCOMPARE(shmIds(procwatch::shmSegmentsOf(me)).size(), segmentsBefore.size() + 1);
    }
    QCOMPARE(shmIds(procwatch::shmSegmentsOf(me)), segmentsBefore);
    QVERIFY(procwatch::keyFilesOf(me, QStringLiteral("output")).isEmpty());

    // The same pool runs the next job.
    const JobResult again
        = runToEnd(pool, makeSpec(QStringLiteral("row_sum"), QStringLiteral("0:400"), 2, 0), m_rows, 10000);
    QVERIFY(!again.cancelled);
    QCOMPARE(again.doneCount(), 400);
    QCOMPARE(firstDifference(again.values, expected), -1);
}

void TestPool::destroyWhileRunning()
{
    const qint64 me = getpid();
    const QSet<qint64> segmentsBefore = shmIds(procwatch::shmSegmentsOf(me));
    QSet<qint64> pids;
    {
        Pool pool;
        pool.setWorkerProgram(m_worker);
        QString error;
        QVERIFY2(pool.start(makeSpec(QStringLiteral("row_sum"), QStringLiteral("all"), 2, 1, 20), m_rows, &error),
                 qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(allStarted(pool, 2), 5000);
        const QVector<qint64> reported = workerPids(pool);
        pids = QSet<qint64>(reported.cbegin(), reported.cend());
    }
    QVERIFY(procwatch::waitGone(pids, 1000).isEmpty());
    QVERIFY(procwatch::children(me).isEmpty());
    QCOMPARE(shmIds(procwatch::shmSegmentsOf(me)), segmentsBefore);
    QVERIFY(procwatch::keyFilesOf(me, QStringLiteral("job")).isEmpty());
}

void TestPool::crashRecovery_data()
{
    QTest::addColumn<int>("tasks");
    QTest::addColumn<qint64>("chunk");
    QTest::addColumn<int>("killAfterMs");
    QTest::addColumn<int>("maxRetries");

    // Chunks of 10 x 5 ms: the victim is almost surely inside a claimed range when it dies.
    QTest::newRow("both busy") << 600 << qint64(10) << 200 << 2;
    // One chunk of 250 and one of 50: the other worker is idle when the big one dies, and must be
    // woken for the re-queued range.
    QTest::newRow("other idle") << 300 << qint64(250) << 600 << 2;
    // No retries: the position being computed when the worker died is marked failed, the rest is done.
    QTest::newRow("no retries") << 300 << qint64(10) << 200 << 0;
}

void TestPool::crashRecovery()
{
    QFETCH(int, tasks);
    QFETCH(qint64, chunk);
    QFETCH(int, killAfterMs);
    QFETCH(int, maxRetries);

    Pool pool;
    pool.setWorkerProgram(m_worker);
    QSignalSpy finished(&pool, &Pool::finished);
    QSignalSpy states(&pool, &Pool::workerStateChanged);
    QSignalSpy progress(&pool, &Pool::progressChanged);
    QString error;
    JobSpec spec = makeSpec(QStringLiteral("row_sum"), QStringLiteral("0:%1").arg(tasks), 2, chunk, 5);
    spec.maxRetries = maxRetries;
    QVERIFY2(pool.start(spec, m_rows, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(allStarted(pool, 2), 5000);
    QTest::qWait(killAfterMs);
    const QVector<WorkerInfo> infos = pool.workers();
    const auto holder
        = std::find_if(infos.cbegin(), infos.cend(), [](const WorkerInfo& info) { return info.rangeBegin >= 0; });
    QVERIFY(holder != infos.cend());
    const int victimSlot = holder->slot;
    const qint64 victim = holder->pid;
    QCOMPARE(::kill(pid_t(victim), SIGKILL), 0);

    QVERIFY(finished.wait(20000));
    const JobResult result = finished.first().first().value<JobResult>();
    QVERIFY(!result.cancelled);
    QVERIFY2(result.retriedChunks >= 1, qPrintable(QString::number(result.retriedChunks)));
    const QVector<qint64> failed = result.failedPositions();
    QCOMPARE(failed.size(), maxRetries == 0 ? 1 : 0);
    QCOMPARE(result.doneCount(), tasks - failed.size());
    QVector<qint64> rows(tasks);
    std::iota(rows.begin(), rows.end(), 0);
    QVector<double> expected = reference(QStringLiteral("row_sum"), rows);
    for (qint64 p : failed) {
        QVERIFY(p >= holder->rangeBegin && p < holder->rangeEnd); // the victim's range, not anyone's
        QVERIFY(!result.failureReasons.value(p).isEmpty());
        expected[int(p)] = result.values[int(p)];
        QVERIFY(std::isnan(expected[int(p)]));
    }
    QCOMPARE(firstDifference(result.values, expected), -1);
    QCOMPARE(progress.last().at(0).toLongLong(), qint64(tasks));
    QVERIFY(!procwatch::isAlive(victim));
    const bool sawCrash = std::any_of(states.cbegin(), states.cend(), [victimSlot](const QList<QVariant>& args) {
        return args.at(0).toInt() == victimSlot && args.at(1).value<WorkerState>() == WorkerState::Crashed;
    });
    QVERIFY(sawCrash);
    QVERIFY(procwatch::children(getpid()).isEmpty());
}

void TestPool::brokenWorkerProgram_data()
{
    QTest::addColumn<QString>("program");
    QTest::newRow("does not exist") << "/nonexistent/sharedmap-worker";
    QTest::newRow("exits at once") << "/bin/false";
}

void TestPool::brokenWorkerProgram()
{
    QFETCH(QString, program);
    const QSet<qint64> segmentsBefore = shmIds(procwatch::shmSegmentsOf(getpid()));
    Pool pool;
    pool.setWorkerProgram(program);
    QSignalSpy failed(&pool, &Pool::failed);
    QSignalSpy finished(&pool, &Pool::finished);
    QString error;
    pool.start(makeSpec(QStringLiteral("row_sum"), QStringLiteral("all"), 2, 0), m_rows, &error);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
    qInfo("failed: %s", qPrintable(failed.first().first().toString()));
    QVERIFY(!failed.first().first().toString().isEmpty());
    QTest::qWait(50);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(finished.count(), 0);
    QVERIFY(!pool.isRunning());
    QCOMPARE(shmIds(procwatch::shmSegmentsOf(getpid())), segmentsBefore);

    pool.setWorkerProgram(m_worker);
    const JobResult result
        = runToEnd(pool, makeSpec(QStringLiteral("row_sum"), QStringLiteral("all"), 2, 0), m_rows, 10000);
    QCOMPARE(result.doneCount(), kRows);
    QVector<qint64> rows(kRows);
    std::iota(rows.begin(), rows.end(), 0);
    QCOMPARE(firstDifference(result.values, reference(QStringLiteral("row_sum"), rows)), -1);
}

void TestPool::refusals_data()
{
    QTest::addColumn<QString>("kernel");
    QTest::addColumn<QString>("indices");
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("busy");

    QTest::newRow("unknown kernel") << "no_such_kernel"
                                    << "all"
                                    << "rows" << false;
    QTest::newRow("index out of range") << "row_sum"
                                        << "0,99999"
                                        << "rows" << false;
    QTest::newRow("negative listed index") << "row_sum"
                                           << "0,-1"
                                           << "rows" << false;
    QTest::newRow("diag on 1-D") << "diag"
                                 << "all"
                                 << "vector" << false;
    QTest::newRow("no input") << "row_sum"
                              << "all"
                              << "none" << false;
    QTest::newRow("second start while running") << "row_sum"
                                                << "all"
                                                << "rows" << true;
}

void TestPool::refusals()
{
    QFETCH(QString, kernel);
    QFETCH(QString, indices);
    QFETCH(QString, input);
    QFETCH(bool, busy);

    const QSet<qint64> segmentsBefore = shmIds(procwatch::shmSegmentsOf(getpid()));
    Pool pool;
    pool.setWorkerProgram(m_worker);
    QSignalSpy finished(&pool, &Pool::finished);
    QString error;
    quint64 running = 0;
    if (busy) {
        running = pool.start(makeSpec(QStringLiteral("row_sum"), QStringLiteral("0:100"), 1, 1, 50), m_rows, &error);
        QVERIFY2(running, qPrintable(error));
    }
    const std::shared_ptr<const SharedArray> array = input == QLatin1String("rows") ? m_rows
        : input == QLatin1String("vector")                                          ? m_vector
                                                                                    : nullptr;
    error.clear();
    QCOMPARE(pool.start(makeSpec(kernel, indices, 2, 0), array, &error), quint64(0));
    QVERIFY(!error.isEmpty());
    qInfo("refused: %s", qPrintable(error));
    QCOMPARE(pool.isRunning(), busy);
    if (busy) {
        QCOMPARE(pool.currentJobId(), running); // the running job is untouched
        pool.cancel();
        QVERIFY(finished.wait(2000));
        QCOMPARE(finished.first().first().value<JobResult>().jobId, running);
        finished.clear(); // the result holds its output segment
    }
    QCOMPARE(shmIds(procwatch::shmSegmentsOf(getpid())), segmentsBefore);
}

void TestPool::manyWorkersStartInSlices()
{
    // Hundreds of workers are started a slice at a time from the event loop (QProcess::start
    // forks and execs synchronously), so start() returns before most of them exist and a window
    // keeps painting; the job still runs on all of them and ends exact.
    constexpr int kWorkers = 150;
    const qint64 me = getpid();
    Pool pool;
    pool.setWorkerProgram(m_worker);
    QSignalSpy finished(&pool, &Pool::finished);
    QString error;
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(pool.start(makeSpec(QStringLiteral("row_sum"), QStringLiteral("all"), kWorkers, 1, 2), m_rows, &error),
             qPrintable(error));
    const qint64 startMs = clock.elapsed();
    const int startedAtOnce = procwatch::children(me).size();
    qInfo("start() returned after %lld ms with %d of %d workers started", startMs, startedAtOnce, kWorkers);
    QVERIFY2(startedAtOnce < kWorkers, qPrintable(QString::number(startedAtOnce)));
    QVERIFY(startedAtOnce >= 1);
    QVERIFY(finished.wait(60000));
    const JobResult result = finished.first().first().value<JobResult>();
    QCOMPARE(result.doneCount(), kRows);
    QVector<qint64> rows(kRows);
    std::iota(rows.begin(), rows.end(), 0);
    QCOMPARE(firstDifference(result.values, reference(QStringLiteral("row_sum"), rows)), -1);
    QCOMPARE(result.workerStats.size(), kWorkers);
    int helloed = 0;
    for (const WorkerInfo& info : result.workerStats)
        helloed += info.pid > 0;
    QCOMPARE(helloed, kWorkers); // every slot's worker was started and attached
    QTRY_VERIFY_WITH_TIMEOUT(procwatch::children(me).isEmpty(), 5000);
}

void TestPool::peakMemory()
{
    const qint64 cols = 25000, rows = 1000; // 200 MB of float64
    auto big = makeArray({ rows, cols }, [](qint64 i) { return double(i / cols) * 0.5; });
    const qint64 bytes = big->meta().byteSize();
    Pool pool;
    pool.setWorkerProgram(m_worker);
    const JobResult result
        = runToEnd(pool, makeSpec(QStringLiteral("row_sum"), QStringLiteral("all"), 2, 0), big, 30000);
    QCOMPARE(result.doneCount(), rows);
    for (qint64 r : { qint64(0), qint64(1), rows - 1 })
        QCOMPARE(result.values[r], double(r) * 0.5 * double(cols));
    qInfo("peak memory %.1f MB for an array of %.1f MB", result.peakMemoryBytes / 1e6, bytes / 1e6);
    QVERIFY2(result.peakMemoryBytes > bytes * 9 / 10, qPrintable(QString::number(result.peakMemoryBytes)));
    QVERIFY2(result.peakMemoryBytes < bytes * 3 / 2 + 200 * 1000 * 1000,
             qPrintable(QString::number(result.peakMemoryBytes)));
}

QTEST_GUILESS_MAIN(TestPool)
#include "tst_pool.moc"
