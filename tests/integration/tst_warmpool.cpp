// The warm pool (Pool::setKeepWarm): workers stay alive with the input mapped between jobs and
// the next job reuses them. Real workers, real segments.
#include "engine/pool.h"
#include "job/jobresult.h"
#include "procwatch.h"
#include "shm/sharedarray.h"

#include <QSignalSpy>
#include <QTest>
#include <signal.h>

using namespace sharedmap;

namespace {

std::shared_ptr<SharedArray> makeArray(qint64 rows, qint64 cols, double scale)
{
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = { rows, cols };
    QString error;
    auto array = SharedArray::create(meta, &error);
    auto* data = reinterpret_cast<double*>(array->mutableData());
    for (qint64 i = 0; i < rows * cols; ++i)
        data[i] = scale * double((i * 7919) % 1000);
    return array;
}

QVector<double> rowSums(const SharedArray& array)
{
    const qint64 rows = array.meta().shape[0], cols = array.meta().shape[1];
    const auto* data = reinterpret_cast<const double*>(array.view().data);
    QVector<double> sums(rows);
    for (qint64 r = 0; r < rows; ++r) {
        double s = 0;
        for (qint64 c = 0; c < cols; ++c)
            s += data[r * cols + c];
        sums[r] = s;
    }
    return sums;
}

QSet<qint64> pidsOf(const JobResult& result)
{
    QSet<qint64> pids;
    for (const WorkerInfo& info : result.workerStats)
        pids.insert(info.pid);
    return pids;
}

} // namespace

class TestWarmPool : public QObject
{
    Q_OBJECT

private:
    JobResult run(Pool& pool, std::shared_ptr<SharedArray> input, const QString& kernel, int workers, bool* ok)
    {
        JobSpec spec;
        spec.kernel = kernel;
        spec.input = QStringLiteral("in-memory array");
        spec.workers = workers;
        QSignalSpy finished(&pool, &Pool::finished);
        QString error;
        *ok = pool.start(spec, input, &error) != 0 && finished.wait(20000);
        if (!*ok) {
            qWarning("job failed to run: %s", qPrintable(error));
            return {};
        }
        return finished.first().first().value<JobResult>();
    }

private slots:
    void reusesWorkersAcrossJobsAndInputs()
    {
        const qint64 self = QCoreApplication::applicationPid();
        const int segmentsBefore = procwatch::shmSegmentsOf(self).size();
        auto first = makeArray(3000, 64, 1.0);
        auto second = makeArray(1000, 16, 0.5);
        {
            Pool pool;
            pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
            pool.setKeepWarm(true);
            bool ok = false;

            const JobResult a = run(pool, first, QStringLiteral("row_sum"), 2, &ok);
            QVERIFY(ok);
            QCOMPARE(a.values.toVector(), rowSums(*first));
            const QSet<qint64> warm = pidsOf(a);
            QCOMPARE(warm.size(), 2);
            // Between jobs: the workers are alive, the job segment is gone.
            QCOMPARE(procwatch::children(self), warm);
            QVERIFY(procwatch::keyFilesOf(self, QStringLiteral("job")).isEmpty());

            const JobResult b = run(pool, first, QStringLiteral("row_max"), 2, &ok);
            QVERIFY(ok);
            QCOMPARE(pidsOf(b), warm);
            QCOMPARE(b.doneCount(), qint64(3000));
            qInfo("second job on warm workers: start-up %.2f ms (first job %.2f ms)", b.startupS * 1e3,
                  a.startupS * 1e3);

            // Another input: the same processes attach to it.
            const JobResult c = run(pool, second, QStringLiteral("row_sum"), 2, &ok);
            QVERIFY(ok);
            QCOMPARE(pidsOf(c), warm);
            QCOMPARE(c.values.toVector(), rowSums(*second));

            // More workers: the warm ones plus a new one; fewer: the extra ones are let go.
            const JobResult d = run(pool, first, QStringLiteral("row_sum"), 3, &ok);
            QVERIFY(ok);
            QVERIFY(pidsOf(d).contains(warm));
            QCOMPARE(pidsOf(d).size(), 3);
            QCOMPARE(d.values.toVector(), rowSums(*first));
            const JobResult e = run(pool, first, QStringLiteral("row_sum"), 1, &ok);
            QVERIFY(ok);
            QCOMPARE(pidsOf(e).size(), 1);
            QVERIFY(pidsOf(d).contains(pidsOf(e)));
            QCOMPARE(e.values.toVector(), rowSums(*first));
            QTRY_COMPARE_WITH_TIMEOUT(procwatch::children(self), pidsOf(e), 5000);

            // A parked worker that dies is replaced at the next job.
            const qint64 victim = *pidsOf(e).begin();
            ::kill(pid_t(victim), SIGKILL);
            QVERIFY(procwatch::waitGone({ victim }, 3000).isEmpty());
            const JobResult f = run(pool, first, QStringLiteral("row_sum"), 2, &ok);
            QVERIFY(ok);
            QVERIFY(!pidsOf(f).contains(victim));
            QCOMPARE(f.values.toVector(), rowSums(*first));

            // A cancelled job lets its workers go (nothing is left behind); the next job starts anew.
            JobSpec slow;
            slow.kernel = QStringLiteral("row_sum");
            slow.input = QStringLiteral("in-memory array");
            slow.workers = 2;
            slow.params.insert(QStringLiteral("sleep_ms"), 20.0);
            QSignalSpy finished(&pool, &Pool::finished);
            QString error;
            QVERIFY(pool.start(slow, first, &error) != 0);
            QTest::qWait(150);
            pool.cancel();
            QVERIFY(finished.wait(5000));
            QVERIFY(finished.first().first().value<JobResult>().cancelled);
            QTRY_VERIFY_WITH_TIMEOUT(procwatch::children(self).isEmpty(), 3000);
            const JobResult g = run(pool, first, QStringLiteral("row_sum"), 2, &ok);
            QVERIFY(ok);
            QCOMPARE(pidsOf(g).size(), 2);
            QVERIFY(!pidsOf(g).intersects(pidsOf(f)));
            QCOMPARE(g.values.toVector(), rowSums(*first));
        }
        // The pool is gone: so are its workers and every segment but the test's own arrays.
        QTRY_VERIFY_WITH_TIMEOUT(procwatch::children(self).isEmpty(), 3000);
        QCOMPARE(procwatch::shmSegmentsOf(self).size(), segmentsBefore + 2);
    }
};

QTEST_GUILESS_MAIN(TestWarmPool)
#include "tst_warmpool.moc"
