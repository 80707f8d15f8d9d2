// Reliability tests (docs/RELIABILITY.md): worker crashes, retries, task timeouts, cancellation, resume,
// parent death, stale-segment clean-up and memory refusals, with the real sharedmap-cli and
// sharedmap-worker. Inputs and references are written by real NumPy (/usr/bin/python3).
//
// What is checked from outside: exit codes, stderr lines, the output .npy and the summary JSON,
// processes in /proc, System V segments in /proc/sysvipc/shm and Qt's /tmp key files.
//
// Runs with SHAREDMAP_TEST_KERNELS=1 so that the env-gated `test_fault` kernel exists (workers
// and CLIs inherit it). Registered RUN_SERIAL: every `sharedmap-cli run` removes the segments of
// dead owners at start, so a concurrent test would race the parent-kill checks below.

#include "base/procstats.h"
#include "engine/pool.h"
#include "io/npyformat.h"
#include "io/npyloader.h"
#include "job/jobspec.h"
#include "procwatch.h"
#include "shm/jobsegment.h"
#include "shm/sharedarray.h"
#include "testfiles.h"

#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <signal.h>
#include <spawn.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace sharedmap;

namespace {

constexpr qint64 kRows = 4000; // rows.npy is kRows x 16 float64, written by NumPy

const QString kCli = QStringLiteral(SHAREDMAP_CLI);

QVector<qint64> toIndexList(const QJsonArray& array)
{
    QVector<qint64> out;
    for (const QJsonValue& v : array)
        out.append(v.toInteger(-1));
    return out;
}

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

/// Non-empty lines of a text, without the "AddressSanitizer:DEADLYSIGNAL" banner that the
/// sanitizer runtime of a sanitized worker writes to stderr itself (log_path does not catch it)
/// when a test kernel crashes it on purpose; the engine forwards it as a "[worker K]" line.
QStringList lines(const QString& text)
{
    QStringList result = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    result.removeIf([](const QString& line) { return line.endsWith(QLatin1String("Sanitizer:DEADLYSIGNAL")); });
    return result;
}

struct CliRun
{
    int exitCode = -1;
    bool crashed = false;
    bool timedOut = false;
    QString out;
    QString err;
    qint64 pid = 0;
    qint64 elapsedMs = 0;
    QString describe() const
    {
        return QStringLiteral("exit %1%2 after %3 ms; stderr: %4")
            .arg(exitCode)
            .arg(timedOut      ? QStringLiteral(" (TIMED OUT)")
                     : crashed ? QStringLiteral(" (crashed)")
                               : QString())
            .arg(elapsedMs)
            .arg(err.trimmed().isEmpty() ? QStringLiteral("(empty)") : err.trimmed());
    }
};

/// Runs the CLI to the end (killed after `timeoutMs`), capturing everything.
CliRun runCli(const QStringList& arguments, int timeoutMs = 20000,
              const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    CliRun run;
    QProcess cli;
    cli.setProcessEnvironment(environment);
    QElapsedTimer clock;
    clock.start();
    cli.start(kCli, arguments);
    if (!cli.waitForStarted(5000))
        return run;
    run.pid = cli.processId();
    if (!cli.waitForFinished(timeoutMs)) {
        run.timedOut = true;
        ::kill(pid_t(run.pid), SIGKILL);
        cli.waitForFinished(2000);
    }
    run.elapsedMs = clock.elapsed();
    run.exitCode = cli.exitCode();
    run.crashed = cli.exitStatus() == QProcess::CrashExit;
    run.out = QString::fromUtf8(cli.readAllStandardOutput());
    run.err = QString::fromUtf8(cli.readAllStandardError());
    return run;
}

/// Attaches (from the test) to the job segment of a running CLI, so the test can see which
/// worker holds which range. Polls until the segment exists.
std::unique_ptr<JobSegment> attachJobOf(qint64 cli, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        const QStringList files = procwatch::keyFilesOf(cli, QStringLiteral("job"));
        if (files.size() == 1) {
            QString error;
            auto job = JobSegment::attach(files.first().mid(int(qstrlen("qipc_sharedmemory_"))), &error);
            if (job)
                return job;
        }
        QThread::msleep(5);
    }
    return nullptr;
}

/// Segment names (without the qipc_sharedmemory_ prefix) of the key files of `pid`.
QStringList segmentNamesOf(qint64 pid)
{
    QStringList names;
    for (const QString& file : procwatch::keyFilesOf(pid))
        names.append(file.mid(int(qstrlen("qipc_sharedmemory_"))));
    names.sort();
    return names;
}

/// Starts a program without Qt, so that the test decides when it is reaped: while a SIGKILLed
/// CLI is an unreaped zombie its pid and start time still exist, and no clean-up anywhere on
/// the machine treats its segments as stale. Output goes to /dev/null.
pid_t spawnUnreaped(const QString& program, const QStringList& arguments)
{
    QList<QByteArray> storage { QFile::encodeName(program) };
    for (const QString& a : arguments)
        storage.append(a.toLocal8Bit());
    std::vector<char*> argv;
    for (QByteArray& a : storage)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, storage.first().constData(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : 0;
}

/// A CLI run SIGKILLed mid-run and not yet reaped; what it left behind.
struct KilledRun
{
    pid_t pid = 0;
    QStringList names; ///< its segment names, from the key files
    QSet<qint64> shmids;
    qint64 workersGoneMs = -1;
    QString problem; ///< empty when every step went as expected
};

/// Starts a long run, waits for its workers and its three segments (input, job, output), SIGKILLs the CLI and checks
/// that its workers die within a second while its segments stay. The CLI is left unreaped.
KilledRun killCliMidRun(const QString& input)
{
    KilledRun killed;
    killed.pid = spawnUnreaped(kCli,
                               { "run", "--input", input, "--kernel", "row_sum", "--param", "sleep_ms=20", "--workers",
                                 "2", "--chunksize", "1", "--quiet" });
    if (killed.pid <= 0) {
        killed.problem = QStringLiteral("cannot start the CLI");
        return killed;
    }
    const QSet<qint64> workers = procwatch::waitForWorkers(killed.pid, 2, 5000, 5);
    QElapsedTimer clock;
    clock.start();
    while (procwatch::keyFilesOf(killed.pid).size() < 3 && clock.elapsed() < 5000)
        QThread::msleep(5);
    QThread::msleep(100); // some work gets done
    killed.names = segmentNamesOf(killed.pid);
    const auto segments = procwatch::shmSegmentsOf(killed.pid);
    killed.shmids = QSet<qint64>(segments.keyBegin(), segments.keyEnd());
    ::kill(killed.pid, SIGKILL);
    clock.restart();
    const QSet<qint64> alive = procwatch::waitGone(workers, 1000, 1);
    killed.workersGoneMs = clock.elapsed();
    for (qint64 worker : alive)
        ::kill(pid_t(worker), SIGKILL); // do not leak them into the next test
    if (workers.size() != 2)
        killed.problem = QStringLiteral("expected 2 workers, saw %1").arg(workers.size());
    else if (!alive.isEmpty())
        killed.problem
            = QStringLiteral("%1 worker(s) outlived their SIGKILLed parent by more than 1 s").arg(alive.size());
    else if (killed.names.size() != 3
             || !killed.names[0].startsWith(QStringLiteral("sharedmap-array-%1-").arg(killed.pid))
             || !killed.names[1].startsWith(QStringLiteral("sharedmap-job-%1-").arg(killed.pid))
             || !killed.names[2].startsWith(QStringLiteral("sharedmap-output-%1-").arg(killed.pid)))
        killed.problem = QStringLiteral("expected an array, a job and an output key file, got: %1")
                             .arg(killed.names.join(QLatin1Char(' ')));
    else if (killed.shmids.size() != 3)
        killed.problem = QStringLiteral("expected 3 SysV segments of the CLI, got %1").arg(killed.shmids.size());
    else if (segmentNamesOf(killed.pid) != killed.names || procwatch::shmSegmentsOf(killed.pid).size() != 3)
        killed.problem = QStringLiteral("the segments of the killed CLI vanished while it was still unreaped");
    return killed;
}

void reap(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
}

/// Lines "removed NAME (...)" of `cleanup` output, as names.
QStringList removedNames(const QString& out)
{
    static const QRegularExpression line(QStringLiteral("^removed (sharedmap-[a-z]+-\\d+-\\d+-[0-9a-f]+) \\("),
                                         QRegularExpression::MultilineOption);
    QStringList names;
    for (auto it = line.globalMatch(out); it.hasNext();)
        names.append(it.next().captured(1));
    names.sort();
    return names;
}

/// True when the owner named in a segment name (pid and start time) is gone.
bool ownerIsDead(const QString& name)
{
    static const QRegularExpression pattern(QStringLiteral("^sharedmap-[a-z]+-(\\d+)-(\\d+)-"));
    const auto match = pattern.match(name);
    return match.hasMatch() && processStartTime(match.captured(1).toLongLong()) != match.captured(2).toLongLong();
}

} // namespace

class TestReliability : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void chaosKillBusyWorkers();
    void crashingIndices_data();
    void crashingIndices();
    void kernelFailuresAreNotRetried();
    void taskTimeout();
    void stuckWorkerIsVisible();
    void hungJobEndsOnSigint();
    void cancelStopsWorkersFast();
    void cancelThenResume();
    void resumeRecomputesFailed();
    void resumeRefusesWrongPartial_data();
    void resumeRefusesWrongPartial();
    void parentKillThenCleanup();
    void nextRunRemovesStaleSegments();
    void cleanupSparesLiveRun();
    void notEnoughMemory_data();
    void notEnoughMemory();
    void workerRefusesForeignSegment_data();
    void workerRefusesForeignSegment();
    void detachLeavesOtherSegmentsAlone();
    void attachChecksTheCreator();
    void garbageWorkerFailsCleanly();

private:
    /// Checks that nothing of a finished CLI is left: workers, segments, key files.
    void checkNothingLeft(qint64 cli, const QSet<qint64>& workers);

    QTemporaryDir m_dir;
    QString m_rows; ///< kRows x 16 float64 of dyadic values: every summation order is exact
    QVector<double> m_ref; ///< NumPy's a.sum(1)
};

void TestReliability::initTestCase()
{
    qputenv("SHAREDMAP_TEST_KERNELS", "1"); // before the kernel registry is first built; inherited by CLIs
    QVERIFY2(QFileInfo(kCli).isExecutable(), qPrintable(kCli));
    QVERIFY(m_dir.isValid());
    const char* script = R"(
import sys, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(20240604)
a = rng.integers(-2**20, 2**20, size=(4000, 16)).astype(np.float64) / 4.0
np.save(d + '/rows.npy', a)
np.save(d + '/ref.npy', a.reshape(a.shape[0], -1).sum(1))
np.save(d + '/short.npy', np.full(10, np.nan))
np.save(d + '/ints.npy', np.zeros(4000, dtype=np.int64))
np.save(d + '/matrix.npy', np.full((4000, 1), np.nan))
# 160 GB that cost no disk: a header NumPy itself writes, then a sparse file of the right size.
with open(d + '/huge.npy', 'wb') as f:
    np.lib.format.write_array_header_1_0(f, {'descr': '<f8', 'fortran_order': False, 'shape': (200000, 100000)})
    f.truncate(f.tell() + 200000 * 100000 * 8)
# No data at all, but 2e10 rows: the job segment (results + statuses) would need 180 GB.
with open(d + '/manyrows.npy', 'wb') as f:
    np.lib.format.write_array_header_1_0(f, {'descr': '<f8', 'fortran_order': False, 'shape': (20000000000, 0)})
)";
    QProcess python;
    python.start(QStringLiteral(PYTHON3), { QStringLiteral("-c"), QString::fromUtf8(script), m_dir.path() });
    QVERIFY(python.waitForFinished(60000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    m_rows = m_dir.filePath(QStringLiteral("rows.npy"));
    m_ref = testfiles::readVector(m_dir.filePath(QStringLiteral("ref.npy")));
    QCOMPARE(m_ref.size(), int(kRows));
}

void TestReliability::checkNothingLeft(qint64 cli, const QSet<qint64>& workers)
{
    const QSet<qint64> alive = procwatch::waitGone(workers, 1000);
    QVERIFY2(alive.isEmpty(), "workers left running");
    QVERIFY(procwatch::children(cli).isEmpty());
    QCOMPARE(procwatch::keyFilesOf(cli), QStringList());
    QVERIFY(procwatch::shmSegmentsOf(cli).isEmpty());
}

// --- crashes ----------------------------------------------------------------------------------

void TestReliability::chaosKillBusyWorkers()
{
    constexpr int kKills = 6;
    const quint32 seed = QRandomGenerator::global()->generate();
    QRandomGenerator random(seed);
    qInfo("seed %u", seed);

    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out.npy"));
    const QString summary = dir.filePath(QStringLiteral("s.json"));
    QProcess cli;
    cli.start(kCli,
              { "run", "--input", m_rows, "--kernel", "row_sum", "--param", "sleep_ms=2", "--workers", "3",
                "--chunksize", "8", "--output", out, "--summary", summary, "--quiet" });
    QVERIFY(cli.waitForStarted());
    const qint64 pid = cli.processId();
    QSet<qint64> workers = procwatch::waitForWorkers(pid, 3, 5000, 5);
    QCOMPARE(workers.size(), 3);
    std::unique_ptr<JobSegment> job = attachJobOf(pid, 5000);
    QVERIFY(job);
    QCOMPARE(job->taskCount(), kRows);

    // Kill a random worker that holds a range with at least 3 positions still to compute (so it
    // cannot finish the range between the look and the kill), every 100-200 ms.
    int kills = 0;
    QElapsedTimer clock;
    clock.start();
    for (int k = 0; k < kKills; ++k) {
        QThread::msleep(100 + random.bounded(101));
        workers |= procwatch::children(pid);
        QElapsedTimer look;
        look.start();
        while (look.elapsed() < 500) {
            QVector<qint64> busy;
            const QSet<qint64> live = procwatch::children(pid);
            for (int s = 0; s < job->header()->slotCount; ++s) {
                const WorkerSlot* slot = job->slot(s);
                const qint64 workerPid = slot->pid.load();
                const qint64 begin = slot->rangeBegin.load(), end = slot->rangeEnd.load();
                if (workerPid <= 0 || !live.contains(workerPid) || begin < 0 || end <= begin)
                    continue;
                int pending = 0;
                for (qint64 p = begin; p < end; ++p)
                    pending += __atomic_load_n(&job->status()[p], __ATOMIC_ACQUIRE) == Pending;
                if (pending >= 3)
                    busy.append(workerPid);
            }
            if (!busy.isEmpty()) {
                const qint64 victim = busy[int(random.bounded(quint32(busy.size())))];
                QCOMPARE(::kill(pid_t(victim), SIGKILL), 0);
                ++kills;
                break;
            }
            QThread::msleep(2);
        }
    }
    qInfo("%d busy workers SIGKILLed in %lld ms", kills, clock.elapsed());
    QCOMPARE(kills, kKills);
    job.reset(); // detach: the CLI removes the segment, which goes when its last user detaches

    clock.restart();
    while (!cli.waitForFinished(20) && clock.elapsed() < 30000)
        workers |= procwatch::children(pid);
    const QString errors = QString::fromUtf8(cli.readAllStandardError());
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QVERIFY2(cli.exitCode() == 0, qPrintable(QStringLiteral("exit %1: %2").arg(cli.exitCode()).arg(errors)));
    qInfo("%lld worker processes in all (3 + replacements)", qint64(workers.size()));
    QVERIFY(workers.size() >= 3 + kKills);
    checkNothingLeft(pid, workers);

    const QVector<double> values = testfiles::readVector(out);
    QCOMPARE(values.size(), int(kRows));
    for (int p = 0; p < kRows; ++p)
        QVERIFY2(sameBits(values[p], m_ref[p]),
                 qPrintable(QStringLiteral("position %1: %2 vs NumPy %3").arg(p).arg(values[p]).arg(m_ref[p])));
    const QJsonObject json = testfiles::readJson(summary);
    QCOMPARE(json.value(QStringLiteral("tasks")).toInteger(), kRows);
    QCOMPARE(json.value(QStringLiteral("done")).toInteger(), kRows);
    QCOMPARE(json.value(QStringLiteral("failed_indices")).toArray().size(), 0);
    QCOMPARE(json.value(QStringLiteral("cancelled")).toBool(true), false);
    const qint64 retried = json.value(QStringLiteral("retried_chunks")).toInteger(-1);
    qInfo("retried_chunks %lld for %d kills of busy workers", retried, kills);
    QVERIFY2(retried >= kills, qPrintable(QString::number(retried)));
}

void TestReliability::crashingIndices_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("maxRetries"); // -1: the default (2)
    QTest::addColumn<QString>("reason"); // what the failure reason must contain

    QTest::newRow("segv, default retries") << "segv" << -1 << "crashed";
    QTest::newRow("abort, default retries") << "abort" << -1 << "crashed";
    QTest::newRow("exit(7), default retries") << "exit" << -1 << "exited with code 7";
    QTest::newRow("segv, --max-retries 0") << "segv" << 0 << "crashed";
    QTest::newRow("abort, --max-retries 5") << "abort" << 5 << "crashed";
}

void TestReliability::crashingIndices()
{
    QFETCH(QString, mode);
    QFETCH(int, maxRetries);
    QFETCH(QString, reason);

    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out.npy"));
    const QString summary = dir.filePath(QStringLiteral("s.json"));
    QStringList arguments { "run",     "--input",        m_rows,    "--kernel",     "test_fault",
                            "--param", "crash_at=5,500", "--param", "mode=" + mode, "--workers",
                            "2",       "--output",       out,       "--summary",    summary,
                            "--quiet" };
    if (maxRetries >= 0)
        arguments << "--max-retries" << QString::number(maxRetries);
    const CliRun run = runCli(arguments);
    QVERIFY2(run.exitCode == 3 && !run.crashed && !run.timedOut, qPrintable(run.describe()));
    const QStringList errorLines = lines(run.err);
    QVERIFY2(errorLines.size() == 1 && errorLines[0].startsWith(QLatin1String("sharedmap-cli: warning: 2 of 4000")),
             qPrintable(run.describe()));
    checkNothingLeft(run.pid, {});

    const QVector<double> values = testfiles::readVector(out);
    QCOMPARE(values.size(), int(kRows));
    for (int p = 0; p < kRows; ++p) {
        if (p == 5 || p == 500)
            QVERIFY2(std::isnan(values[p]), qPrintable(QString::number(p)));
        else
            QCOMPARE(values[p], double(p));
    }
    const QJsonObject json = testfiles::readJson(summary);
    QCOMPARE(toIndexList(json.value(QStringLiteral("failed_indices")).toArray()), (QVector<qint64> { 5, 500 }));
    const QJsonArray failures = json.value(QStringLiteral("failures")).toArray();
    QCOMPARE(failures.size(), 2);
    const int crashes = (maxRetries < 0 ? 2 : maxRetries) + 1; // per index, before it is given up
    for (const QJsonValue& failure : failures) {
        const QString text = failure.toObject().value(QStringLiteral("reason")).toString();
        QVERIFY2(text.contains(reason) && text.contains(QStringLiteral(", %1 times").arg(crashes)), qPrintable(text));
    }
    // Every crash of a worker holding a range is one recovery; nothing else was retried.
    QCOMPARE(json.value(QStringLiteral("retried_chunks")).toInteger(), qint64(2 * crashes));
    QCOMPARE(json.value(QStringLiteral("done")).toInteger(), kRows - 2);
}

void TestReliability::kernelFailuresAreNotRetried()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out.npy"));
    const QString summary = dir.filePath(QStringLiteral("s.json"));
    const CliRun run = runCli({ "run", "--input", m_rows, "--kernel", "test_fault", "--param", "fail_at=3,77,3999",
                                "--workers", "2", "--output", out, "--summary", summary, "--quiet" });
    QVERIFY2(run.exitCode == 3, qPrintable(run.describe()));
    const QStringList errorLines = lines(run.err);
    QVERIFY2(errorLines.size() == 1 && errorLines[0].startsWith(QLatin1String("sharedmap-cli: warning: 3 of 4000")),
             qPrintable(run.describe()));
    checkNothingLeft(run.pid, {});
    const QJsonObject json = testfiles::readJson(summary);
    QCOMPARE(toIndexList(json.value(QStringLiteral("failed_indices")).toArray()), (QVector<qint64> { 3, 77, 3999 }));
    QCOMPARE(json.value(QStringLiteral("retried_chunks")).toInteger(-1), qint64(0));
    for (const QJsonValue& failure : json.value(QStringLiteral("failures")).toArray()) {
        const QString text = failure.toObject().value(QStringLiteral("reason")).toString();
        QVERIFY2(text.contains(QLatin1String("failed")) && !text.contains(QLatin1String("crash")), qPrintable(text));
    }
    const QVector<double> values = testfiles::readVector(out);
    QCOMPARE(values.size(), int(kRows));
    for (int p = 0; p < kRows; ++p)
        QCOMPARE(std::isnan(values[p]) ? -1.0 : values[p], (p == 3 || p == 77 || p == 3999) ? -1.0 : double(p));
}

// --- hangs and timeouts -------------------------------------------------------------------------

void TestReliability::taskTimeout()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out.npy"));
    const QString summary = dir.filePath(QStringLiteral("s.json"));
    const CliRun run
        = runCli({ "run", "--input", m_rows, "--kernel", "test_fault", "--param", "crash_at=7", "--param", "mode=hang",
                   "--task-timeout", "0.5", "--workers", "2", "--output", out, "--summary", summary, "--quiet" },
                 15000);
    qInfo("hang on index 7 with --task-timeout 0.5 finished in %lld ms", run.elapsedMs);
    QVERIFY2(!run.timedOut && run.exitCode == 3, qPrintable(run.describe()));
    QCOMPARE(lines(run.err).size(), 1);
    checkNothingLeft(run.pid, {});
    const QJsonObject json = testfiles::readJson(summary);
    const QString failures = QString::fromUtf8(
        QJsonDocument(json.value(QStringLiteral("failures")).toArray()).toJson(QJsonDocument::Compact));
    // Three stalls (the first try and two retries), then the index is given up. No lower bound
    // on the time: see tst_known_bugs (a worker that was idle can be killed before the timeout).
    QVERIFY2(run.elapsedMs < 8000, qPrintable(run.describe() + QStringLiteral("; failures: ") + failures));
    QCOMPARE(toIndexList(json.value(QStringLiteral("failed_indices")).toArray()), QVector<qint64> { 7 });
    const QString reason
        = json.value(QStringLiteral("failures")).toArray().at(0).toObject().value(QStringLiteral("reason")).toString();
    QVERIFY2(reason.contains(QLatin1String("timeout")), qPrintable(reason));
    QCOMPARE(json.value(QStringLiteral("retried_chunks")).toInteger(), qint64(3));
    const QVector<double> values = testfiles::readVector(out);
    QCOMPARE(values.size(), int(kRows));
    for (int p = 0; p < kRows; ++p)
        QCOMPARE(std::isnan(values[p]) ? -1.0 : values[p], p == 7 ? -1.0 : double(p));
}

void TestReliability::stuckWorkerIsVisible()
{
    // What the GUI's worker table shows: the heartbeat age of a worker stuck in a task grows
    // while the others keep beating, before the task timeout kills it.
    std::shared_ptr<SharedArray> input;
    {
        QString error;
        input = loadNpy(m_rows, &error);
        QVERIFY2(input, qPrintable(error));
    }
    Pool pool;
    pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
    QSignalSpy finished(&pool, &Pool::finished);
    JobSpec spec;
    spec.input = m_rows;
    spec.kernel = QStringLiteral("test_fault");
    spec.params = { { QStringLiteral("crash_at"), QStringLiteral("7") },
                    { QStringLiteral("mode"), QStringLiteral("hang") },
                    { QStringLiteral("sleep_ms"), 1 } };
    spec.workers = 2;
    spec.chunkSize = 4;
    spec.taskTimeoutS = 3;
    QString error;
    QVERIFY2(pool.start(spec, input, &error), qPrintable(error));
    QTest::qWait(1200);
    const QVector<WorkerInfo> infos = pool.workers();
    QCOMPARE(infos.size(), 2);
    const auto stuck
        = std::find_if(infos.cbegin(), infos.cend(), [](const WorkerInfo& w) { return w.rangeBegin == 4; });
    QVERIFY2(stuck != infos.cend(), "no worker holds the range of index 7");
    const WorkerInfo& other = infos[1 - stuck->slot];
    qInfo("heartbeat age: stuck worker %.2f s, the other %.3f s", stuck->heartbeatAgeS, other.heartbeatAgeS);
    QVERIFY(stuck->heartbeatAgeS > 0.8);
    QVERIFY(other.heartbeatAgeS < 0.5);
    QCOMPARE(stuck->restarts, 0); // not yet killed
    pool.cancel();
    QVERIFY(finished.wait(2000));
    QVERIFY(finished.first().first().value<JobResult>().cancelled);
    QVERIFY(procwatch::children(getpid()).isEmpty());
}

void TestReliability::hungJobEndsOnSigint()
{
    // Both workers hang in their first task and no --task-timeout is set: only Ctrl-C ends it.
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out.npy"));
    const QString summary = dir.filePath(QStringLiteral("s.json"));
    QProcess cli;
    cli.start(kCli,
              { "run", "--input", m_rows, "--kernel", "test_fault", "--param", "crash_at=0,1", "--param", "mode=hang",
                "--workers", "2", "--chunksize", "1", "--output", out, "--summary", summary, "--quiet" });
    QVERIFY(cli.waitForStarted());
    const qint64 pid = cli.processId();
    const QSet<qint64> workers = procwatch::waitForWorkers(pid, 2, 5000, 5);
    QCOMPARE(workers.size(), 2);
    QTest::qWait(500);
    QVERIFY(cli.state() == QProcess::Running); // hung indeed
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(::kill(pid_t(pid), SIGINT), 0);
    QVERIFY(cli.waitForFinished(5000));
    const qint64 ms = clock.elapsed();
    qInfo("hung job: SIGINT to CLI exit %lld ms", ms);
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 130);
    QVERIFY2(ms < 1000, qPrintable(QString::number(ms)));
    checkNothingLeft(pid, workers);
    const QJsonObject json = testfiles::readJson(summary);
    QVERIFY(json.value(QStringLiteral("cancelled")).toBool());
    const QVector<qint64> missing = toIndexList(json.value(QStringLiteral("missing_indices")).toArray());
    QVERIFY(missing.contains(0) && missing.contains(1));
    QCOMPARE(testfiles::readVector(out).size(), int(kRows));
}

// --- cancel and resume ----------------------------------------------------------------------

void TestReliability::cancelStopsWorkersFast()
{
    QVector<qint64> figures;
    for (int round = 0; round < 3; ++round) {
        QProcess cli;
        cli.start(kCli,
                  { "run", "--input", m_rows, "--kernel", "row_sum", "--param", "sleep_ms=20", "--workers", "2",
                    "--chunksize", "1", "--quiet" });
        QVERIFY(cli.waitForStarted());
        const qint64 pid = cli.processId();
        const QSet<qint64> workers = procwatch::waitForWorkers(pid, 2, 5000, 5);
        QCOMPARE(workers.size(), 2);
        QTest::qWait(200);
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(::kill(pid_t(pid), SIGINT), 0);
        const QSet<qint64> alive = procwatch::waitGone(workers, 3000, 1);
        figures.append(clock.elapsed());
        QVERIFY(alive.isEmpty());
        QVERIFY(cli.waitForFinished(3000));
        QCOMPARE(cli.exitCode(), 130);
        checkNothingLeft(pid, workers);
    }
    qInfo("SIGINT to all workers gone: %lld, %lld, %lld ms (target 200 ms)", figures[0], figures[1], figures[2]);
    for (qint64 ms : figures)
        QVERIFY2(ms < 1000, qPrintable(QString::number(ms)));
}

void TestReliability::cancelThenResume()
{
    QTemporaryDir dir;
    const QString partial = dir.filePath(QStringLiteral("partial.npy"));
    const QString first = dir.filePath(QStringLiteral("first.json"));
    const QString second = dir.filePath(QStringLiteral("second.json"));
    QProcess cli;
    cli.start(kCli,
              { "run", "--input", m_rows, "--kernel", "row_sum", "--param", "sleep_ms=2", "--workers", "2",
                "--chunksize", "4", "--output", partial, "--summary", first, "--quiet" });
    QVERIFY(cli.waitForStarted());
    const qint64 pid = cli.processId();
    QCOMPARE(procwatch::waitForWorkers(pid, 2, 5000, 5).size(), 2);
    QTest::qWait(500);
    QCOMPARE(::kill(pid_t(pid), SIGINT), 0);
    QVERIFY(cli.waitForFinished(5000));
    QCOMPARE(cli.exitCode(), 130);
    const QStringList errorLines = lines(QString::fromUtf8(cli.readAllStandardError()));
    QVERIFY2(errorLines.size() == 1 && errorLines[0].contains(QLatin1String("partial results written")),
             qPrintable(errorLines.join(QLatin1Char('|'))));

    // The partial file: NumPy's values where computed, NaN exactly at the missing indices.
    const QJsonObject one = testfiles::readJson(first);
    QVERIFY(one.value(QStringLiteral("cancelled")).toBool());
    const qint64 done = one.value(QStringLiteral("done")).toInteger(-1);
    const QVector<qint64> missing = toIndexList(one.value(QStringLiteral("missing_indices")).toArray());
    qInfo("cancelled after %lld of %lld positions", done, kRows);
    QVERIFY(done > 0 && done < kRows);
    QCOMPARE(done + missing.size(), kRows);
    QVector<double> values = testfiles::readVector(partial);
    QCOMPARE(values.size(), int(kRows));
    QVector<qint64> nan;
    for (int p = 0; p < kRows; ++p) {
        if (std::isnan(values[p]))
            nan.append(p);
        else
            QVERIFY2(sameBits(values[p], m_ref[p]), qPrintable(QString::number(p)));
    }
    QCOMPARE(nan, missing);

    // Resume completes the same file (the output defaults to the partial file).
    const CliRun run = runCli({ "run", "--input", m_rows, "--kernel", "row_sum", "--workers", "2", "--resume", partial,
                                "--summary", second, "--quiet" });
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    checkNothingLeft(run.pid, {});
    const QJsonObject two = testfiles::readJson(second);
    QCOMPARE(two.value(QStringLiteral("resumed_positions")).toInteger(-1), done);
    QCOMPARE(two.value(QStringLiteral("done")).toInteger(-1), kRows);
    QCOMPARE(two.value(QStringLiteral("failed_indices")).toArray().size(), 0);
    values = testfiles::readVector(partial);
    QCOMPARE(values.size(), int(kRows));
    for (int p = 0; p < kRows; ++p)
        QVERIFY2(sameBits(values[p], m_ref[p]), qPrintable(QString::number(p)));
}

void TestReliability::resumeRecomputesFailed()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out.npy"));
    const QString summary = dir.filePath(QStringLiteral("s.json"));
    CliRun run = runCli({ "run", "--input", m_rows, "--kernel", "test_fault", "--param", "crash_at=5", "--max-retries",
                          "0", "--workers", "2", "--output", out, "--quiet" });
    QCOMPARE(run.exitCode, 3);
    QVERIFY(std::isnan(testfiles::readVector(out).value(5)));
    // The crash is gone (say, a fixed plugin): resume computes the failed position only.
    run = runCli({ "run", "--input", m_rows, "--kernel", "test_fault", "--workers", "2", "--resume", out, "--summary",
                   summary, "--quiet" });
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    const QJsonObject json = testfiles::readJson(summary);
    QCOMPARE(json.value(QStringLiteral("resumed_positions")).toInteger(-1), kRows - 1);
    const QVector<double> values = testfiles::readVector(out);
    QCOMPARE(values.size(), int(kRows));
    for (int p = 0; p < kRows; ++p)
        QCOMPARE(values[p], double(p));
}

void TestReliability::resumeRefusesWrongPartial_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("says");
    QTest::newRow("10 values for 4000 positions") << "short.npy"
                                                  << "10";
    QTest::newRow("int64 partial") << "ints.npy"
                                   << "float64";
    QTest::newRow("missing partial") << "no_such.npy"
                                     << "no such file";
}

void TestReliability::resumeRefusesWrongPartial()
{
    QFETCH(QString, file);
    QFETCH(QString, says);
    const QString path = m_dir.filePath(file);
    QFile before(path);
    const QByteArray bytes = before.open(QIODevice::ReadOnly) ? before.readAll() : QByteArray();
    const CliRun run = runCli({ "run", "--input", m_rows, "--kernel", "row_sum", "--resume", path, "--quiet" });
    QVERIFY2(run.exitCode == 2 && lines(run.err).size() == 1
                 && run.err.startsWith(QLatin1String("sharedmap-cli: error: ")) && run.err.contains(says),
             qPrintable(run.describe()));
    checkNothingLeft(run.pid, {});
    QFile after(path); // a refused resume leaves the partial file as it was
    QCOMPARE(after.open(QIODevice::ReadOnly) ? after.readAll() : QByteArray(), bytes);
}

// --- parent death and stale segments ------------------------------------------------------------

void TestReliability::parentKillThenCleanup()
{
    // Another SharedMap start anywhere on the machine removes a dead owner's segments: if one
    // does so between the reap and our `cleanup`, the scenario is tried again (at most 3 times).
    for (int attempt = 1;; ++attempt) {
        const KilledRun killed = killCliMidRun(m_rows);
        QVERIFY2(killed.problem.isEmpty(), qPrintable(killed.problem));
        qInfo("CLI SIGKILLed: its workers were gone %lld ms later; it left %s", killed.workersGoneMs,
              qPrintable(killed.names.join(QStringLiteral(", "))));
        for (const procwatch::ShmSegment& segment : procwatch::shmSegmentsOf(killed.pid))
            QCOMPARE(segment.nattch, qint64(0)); // nobody attached any more: only clean-up can free them
        reap(killed.pid);

        const CliRun cleanup = runCli({ "cleanup" });
        QVERIFY2(cleanup.exitCode == 0 && cleanup.err.isEmpty(), qPrintable(cleanup.describe()));
        const QStringList removed = removedNames(cleanup.out);
        const QStringList ours = QStringList(removed).filter(QStringLiteral("-%1-").arg(killed.pid));
        if (ours.isEmpty() && segmentNamesOf(killed.pid).isEmpty() && procwatch::shmSegmentsOf(killed.pid).isEmpty()
            && attempt < 3) {
            qWarning("attempt %d: another SharedMap process removed the segments first; trying again", attempt);
            continue;
        }
        QCOMPARE(ours, killed.names);
        for (const QString& name : removed) // anything else it removed had a dead owner too
            QVERIFY2(ownerIsDead(name), qPrintable(name));
        QVERIFY2(cleanup.out.contains(QStringLiteral("\nremoved %1 segments, ").arg(removed.size())),
                 qPrintable(cleanup.out));
        QVERIFY(segmentNamesOf(killed.pid).isEmpty());
        const auto left = procwatch::shmSegmentsOf(killed.pid);
        for (qint64 id : killed.shmids)
            QVERIFY2(!left.contains(id), qPrintable(QString::number(id)));

        const CliRun again = runCli({ "cleanup" });
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(!again.out.contains(QStringLiteral("-%1-").arg(killed.pid)), qPrintable(again.out));
        if (removedNames(again.out).isEmpty())
            QCOMPARE(again.out, QStringLiteral("nothing to remove\n"));
        else
            qWarning("second cleanup removed segments of other dead runs: %s", qPrintable(again.out));
        break;
    }
}

void TestReliability::nextRunRemovesStaleSegments()
{
    for (int attempt = 1;; ++attempt) {
        const KilledRun killed = killCliMidRun(m_rows);
        QVERIFY2(killed.problem.isEmpty(), qPrintable(killed.problem));
        reap(killed.pid);
        const CliRun run = runCli({ "run", "--input", m_rows, "--kernel", "row_sum", "--workers", "1", "--quiet" });
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
        QStringList mentioned;
        for (const QString& name : killed.names) {
            if (run.err.contains(QStringLiteral("removed %1 ").arg(name)))
                mentioned.append(name);
        }
        if (mentioned.isEmpty() && segmentNamesOf(killed.pid).isEmpty()
            && procwatch::shmSegmentsOf(killed.pid).isEmpty() && attempt < 3) {
            qWarning("attempt %d: another SharedMap process removed the segments first; trying again", attempt);
            continue;
        }
        QVERIFY2(mentioned == killed.names, qPrintable(run.describe()));
        QVERIFY(segmentNamesOf(killed.pid).isEmpty());
        QVERIFY(procwatch::shmSegmentsOf(killed.pid).isEmpty());
        checkNothingLeft(run.pid, {});
        break;
    }
}

void TestReliability::cleanupSparesLiveRun()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out.npy"));
    QProcess cli;
    cli.start(kCli,
              { "run", "--input", m_rows, "--kernel", "row_sum", "--param", "sleep_ms=1", "--workers", "2", "--output",
                out, "--quiet" });
    QVERIFY(cli.waitForStarted());
    const qint64 pid = cli.processId();
    const QSet<qint64> workers = procwatch::waitForWorkers(pid, 2, 5000, 5);
    QCOMPARE(workers.size(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(segmentNamesOf(pid).size(), 3, 5000); // input, job, output
    const QStringList names = segmentNamesOf(pid);
    const auto segments = procwatch::shmSegmentsOf(pid);
    QCOMPARE(segments.size(), 3);
    for (const procwatch::ShmSegment& segment : segments) // owner-only
        QVERIFY2(segment.perms == 0600, qPrintable(QString::number(segment.perms, 8)));

    for (int i = 0; i < 3; ++i) {
        const CliRun cleanup = runCli({ "cleanup" });
        QCOMPARE(cleanup.exitCode, 0);
        QVERIFY2(!cleanup.out.contains(QStringLiteral("-%1-").arg(pid)), qPrintable(cleanup.out));
        QCOMPARE(segmentNamesOf(pid), names);
        QCOMPARE(procwatch::shmSegmentsOf(pid).size(), 3);
        QTest::qWait(100);
    }
    QVERIFY2(cli.state() == QProcess::Running, "the run ended before the clean-up checks were done: make it longer");
    QVERIFY(cli.waitForFinished(20000));
    QCOMPARE(cli.exitCode(), 0);
    checkNothingLeft(pid, workers);
    const QVector<double> values = testfiles::readVector(out);
    QCOMPARE(values.size(), int(kRows));
    for (int p = 0; p < kRows; ++p)
        QVERIFY2(sameBits(values[p], m_ref[p]), qPrintable(QString::number(p)));
}

// --- memory -----------------------------------------------------------------------------------

void TestReliability::notEnoughMemory_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("160 GB array (sparse file)") << "huge.npy";
    QTest::newRow("180 GB job segment (2e10 empty rows)") << "manyrows.npy";
}

void TestReliability::notEnoughMemory()
{
    QFETCH(QString, file);
    const qint64 availableMiB = availableMemoryBytes() >> 20;
    // --load copy: a mapped file needs no memory of its own (the default maps a .npy); the check
    // is the copy's, and the job segment's.
    const CliRun run
        = runCli({ "run", "--input", m_dir.filePath(file), "--kernel", "row_sum", "--load", "copy", "--quiet" }, 10000);
    qInfo("%lld ms: %s", run.elapsedMs, qPrintable(run.err.trimmed()));
    QVERIFY2(run.exitCode == 2 && lines(run.err).size() == 1, qPrintable(run.describe()));
    QVERIFY2(run.elapsedMs < 5000, qPrintable(run.describe()));
    // How much is needed and how much is available, in MiB.
    static const QRegularExpression says(QStringLiteral("needs (\\d+) MiB .* only (\\d+) MiB"));
    const auto match = says.match(run.err);
    QVERIFY2(match.hasMatch(), qPrintable(run.err));
    QVERIFY(match.captured(1).toLongLong() > 150000);
    QVERIFY(qAbs(match.captured(2).toLongLong() - availableMiB) < qMax<qint64>(2048, availableMiB / 4));
    checkNothingLeft(run.pid, {});
}

// --- what workers attach to ---------------------------------------------------------------------

void TestReliability::workerRefusesForeignSegment_data()
{
    QTest::addColumn<QString>("what");
    QTest::newRow("an array segment passed as the job") << "array";
    QTest::newRow("a segment that does not exist") << "missing";
    QTest::newRow("a slot the job does not have") << "slot";
    QTest::newRow("a name with a slash") << "slash";
    QTest::newRow("a job whose output is another array") << "output";
    QTest::newRow("a job whose output segment is gone") << "output missing";
}

void TestReliability::workerRefusesForeignSegment()
{
    QFETCH(QString, what);
    QString error;
    auto array = loadNpy(m_rows, &error);
    QVERIFY2(array, qPrintable(error));
    std::unique_ptr<JobSegment> job;
    QString name = array->segmentName();
    QString slot = QStringLiteral("0");
    if (what == QLatin1String("missing")) {
        name = QStringLiteral("sharedmap-job-1-1-00000000deadbeef");
    } else if (what == QLatin1String("slash")) {
        name = QStringLiteral("../../etc/passwd");
    } else if (what != QLatin1String("array")) {
        JobSegment::Layout layout;
        layout.slotCount = 1;
        layout.indexSpace = kRows;
        layout.indices = IndexList::range(0, 1, kRows);
        layout.inputSegment = array->segmentName();
        layout.spec = R"({"kernel":"row_sum","params":{"sleep_ms":0}})";
        job = JobSegment::create(layout, &error);
        QVERIFY2(job, qPrintable(error));
        name = job->name();
        if (what == QLatin1String("slot")) {
            slot = QStringLiteral("7");
        } else {
            // The header names another output: the input (not float64 of taskCount values, and
            // read-only for the worker's purpose) or a segment that no longer exists.
            const QByteArray other = what == QLatin1String("output")
                ? array->segmentName().toLatin1()
                : QByteArray("sharedmap-output-1-1-00000000deadbeef");
            char* field = job->header()->outputSegment;
            std::memset(field, 0, sizeof job->header()->outputSegment);
            std::memcpy(field, other.constData(), size_t(other.size()));
        }
    }
    QProcess worker;
    worker.start(QStringLiteral(SHAREDMAP_WORKER), { "--job", name, "--slot", slot });
    QVERIFY(worker.waitForFinished(5000));
    const QString errors = QString::fromUtf8(worker.readAllStandardError()).trimmed();
    qInfo("worker: %s", qPrintable(errors));
    QCOMPARE(worker.exitStatus(), QProcess::NormalExit);
    QCOMPARE(worker.exitCode(), 2);
    QVERIFY(!errors.isEmpty());
    if (what == QLatin1String("array"))
        QVERIFY2(errors.contains(QLatin1String("magic")) || errors.contains(QLatin1String("too small")),
                 qPrintable(errors));
    if (what == QLatin1String("output"))
        QVERIFY2(errors.contains(QLatin1String("is not a writable float64 array")), qPrintable(errors));
    if (what == QLatin1String("output missing"))
        QVERIFY2(errors.contains(QLatin1String("sharedmap-output-1-1-00000000deadbeef")), qPrintable(errors));
    if (job) // the job it refused is untouched
        QCOMPARE(job->slot(0)->pid.load(), qint64(0));
}

void TestReliability::detachLeavesOtherSegmentsAlone()
{
    // A worker that lets go of a segment after its creator freed the key must not touch another
    // segment that took the key meanwhile (key files' inodes are reused; ftok keeps 16 bits of
    // them). QSharedMemory's detach looked the key up again and removed a segment it found with
    // no attachments there: a new run's segment between its shmget and its shmat.
    QString error;
    auto owner = SharedSegment::create(QStringLiteral("sharedmap-test"), 4096, &error);
    QVERIFY2(owner, qPrintable(error));
    const QString name = owner->name();
    const QByteArray keyPath = QFile::encodeName(QStringLiteral("/tmp/qipc_sharedmemory_") + name);
    const key_t key = ftok(keyPath.constData(), 'Q');
    QVERIFY(key != -1);
    auto worker = SharedSegment::attach(name, false, &error);
    QVERIFY2(worker, qPrintable(error));
    owner.reset(); // IPC_RMID: the key is free, the worker still attached
    const int other = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600); // someone else's, not attached yet
    QVERIFY2(other != -1, std::strerror(errno));
    worker.reset();
    shmid_ds info;
    const bool alive = shmctl(other, IPC_STAT, &info) == 0 && !(info.shm_perm.mode & SHM_DEST);
    shmctl(other, IPC_RMID, nullptr);
    QVERIFY2(alive, "the worker's detach removed another segment that had taken the key");
}

void TestReliability::attachChecksTheCreator()
{
    // A key file whose key leads to a segment another process made (two key files' inodes that
    // share their low 16 bits) is refused, not attached.
    const QString name
        = QStringLiteral("sharedmap-array-%1-1-00000000c0ffee00").arg(std::numeric_limits<int>::max() - 7);
    const QString keyPath = QStringLiteral("/tmp/qipc_sharedmemory_") + name;
    {
        QFile file(keyPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    const key_t key = ftok(QFile::encodeName(keyPath).constData(), 'Q');
    const int id = key == -1 ? -1 : shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600); // made by this process
    const int saved = errno;
    QString error;
    auto segment = id == -1 ? nullptr : SharedSegment::attach(name, false, &error);
    if (id != -1)
        shmctl(id, IPC_RMID, nullptr);
    QFile::remove(keyPath);
    QVERIFY2(id != -1, std::strerror(saved));
    QVERIFY(!segment);
    QVERIFY2(error.contains(QStringLiteral("leads to a segment of process %1").arg(getpid())), qPrintable(error));
}

void TestReliability::garbageWorkerFailsCleanly()
{
    // A "worker" that writes garbage instead of frames is killed as crashed; one that keeps
    // doing so fails the job (no hang, no endless restarts), and nothing is left behind.
    QTemporaryDir dir;
    const QString program = dir.filePath(QStringLiteral("garbage-worker"));
    {
        QFile script(program);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("#!/bin/sh\nhead -c 300000 /dev/urandom\nexec sleep 30\n");
    }
    QVERIFY(QFile::setPermissions(program, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    std::shared_ptr<SharedArray> input;
    {
        QString error;
        input = loadNpy(m_rows, &error);
        QVERIFY2(input, qPrintable(error));
    }
    const qint64 me = getpid();
    const int segmentsBefore = procwatch::shmSegmentsOf(me).size();
    Pool pool;
    pool.setWorkerProgram(program);
    QSignalSpy failed(&pool, &Pool::failed);
    QSignalSpy finished(&pool, &Pool::finished);
    JobSpec spec;
    spec.input = m_rows;
    spec.kernel = QStringLiteral("row_sum");
    spec.workers = 2;
    QString error;
    QVERIFY2(pool.start(spec, input, &error), qPrintable(error));
    QVERIFY(failed.wait(10000));
    qInfo("failed: %s", qPrintable(failed.first().first().toString()));
    QCOMPARE(finished.count(), 0);
    QVERIFY(!pool.isRunning());
    QCOMPARE(procwatch::shmSegmentsOf(me).size(), segmentsBefore); // the job segment is gone
    QTRY_VERIFY_WITH_TIMEOUT(procwatch::children(me, QByteArray()).isEmpty(), 2000); // any child at all
    QTest::qWait(100); // let the killed QProcess objects see their exit before the pool goes
}

QTEST_GUILESS_MAIN(TestReliability)
#include "tst_reliability.moc"
