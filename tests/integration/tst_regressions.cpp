// Regression tests for engine bugs found while writing the reliability tests, all
// fixed since; docs/RELIABILITY.md describes them.

#include "engine/pool.h"
#include "job/jobresult.h"
#include "job/jobspec.h"
#include "procwatch.h"
#include "shm/sharedarray.h"

#include <QSignalSpy>
#include <QTest>
#include <unistd.h>

using namespace sharedmap;

class TestRegressions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void taskTimeoutCountsIdleTime();
};

void TestRegressions::initTestCase()
{
    qputenv("SHAREDMAP_TEST_KERNELS", "1"); // test_fault, in this process and its workers
}

// Pool::checkTimeout() measures "no progress" from the last sample in which the slot's task
// count changed or it held no range, and skips idle slots without resetting that clock. A
// worker whose last sample before going idle saw its final count (the pool had not yet read its
// "idle" frame, e.g. because the GUI thread was busy) keeps that old time: when it later takes
// a retried range and the first task stalls, its idle time counts toward --task-timeout and it is
// killed early. Here the GUI thread is busy for 0.7 s once (a slot on progressChanged, as a slow
// repaint would be); the index that hangs must still be given its full timeout on every try.
void TestRegressions::taskTimeoutCountsIdleTime()
{
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = { 2000, 4 };
    QString error;
    std::shared_ptr<SharedArray> input = SharedArray::create(meta, &error);
    QVERIFY2(input, qPrintable(error));

    constexpr double kTimeoutS = 1.0;
    Pool pool;
    pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
    QSignalSpy finished(&pool, &Pool::finished);
    QElapsedTimer clock;
    QVector<qint64> killedAtMs;
    connect(&pool, &Pool::logMessage, this, [&](const QString& message) {
        if (message.contains(QLatin1String("task timeout")) && message.contains(QLatin1String("killed")))
            killedAtMs.append(clock.elapsed());
        qInfo("%5lld ms  %s", clock.elapsed(), qPrintable(message));
    });
    bool blocked = false;
    connect(&pool, &Pool::progressChanged, this, [&] {
        if (!blocked && clock.elapsed() > 100) {
            blocked = true;
            QThread::msleep(700); // the thread that runs the pool is busy (a long repaint)
        }
    });
    JobSpec spec;
    spec.input = QStringLiteral("(test array)");
    spec.kernel = QStringLiteral("test_fault");
    spec.params = { { QStringLiteral("crash_at"), QStringLiteral("7") },
                    { QStringLiteral("mode"), QStringLiteral("hang") },
                    { QStringLiteral("sleep_ms"), 0.2 } };
    spec.indices = QStringLiteral("0:1000"); // the other worker finishes these (~0.3 s) while the thread is busy
    spec.workers = 2;
    spec.chunkSize = 8;
    spec.taskTimeoutS = kTimeoutS;
    clock.start();
    QVERIFY2(pool.start(spec, input, &error), qPrintable(error));
    QVERIFY(finished.wait(20000));
    const JobResult result = finished.first().first().value<JobResult>();
    QCOMPARE(result.failedPositions(), QVector<qint64> { 7 });
    QCOMPARE(killedAtMs.size(), 3);
    // Index 7 hangs three times in a row, each time for the full timeout before the kill.
    for (int i = 1; i < killedAtMs.size(); ++i) {
        const qint64 gap = killedAtMs[i] - killedAtMs[i - 1];
        QVERIFY2(gap >= qint64(kTimeoutS * 1000) - 50,
                 qPrintable(QStringLiteral("kill %1 came %2 ms after kill %3: the worker hung only that long, "
                                           "not the %4 s timeout")
                                .arg(i + 1)
                                .arg(gap)
                                .arg(i)
                                .arg(kTimeoutS)));
    }
    QVERIFY(procwatch::children(getpid()).isEmpty());
}

QTEST_GUILESS_MAIN(TestRegressions)
#include "tst_regressions.moc"
