// Running jobs announce themselves and others attach (issue 14, part 2): the real sharedmap-cli
// and sharedmap-worker over real shared memory; `sharedmap-cli jobs`, read-only attach,
// the same figures for the owner and an attached view, Cancel, an owner that dies, refusals.
#include "base/procstats.h"
#include "engine/attachedjob.h"
#include "engine/jobannouncer.h"
#include "engine/pool.h"
#include "procwatch.h"
#include "testfiles.h"

#include <cmath>
#include <csignal>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace sharedmap;

namespace {
/// Waits for `process` to end; true also when the event loop has already seen it end (where
/// QProcess::waitForFinished() would say false).
bool hasEnded(QProcess& process, int timeoutMs)
{
    return process.state() == QProcess::NotRunning || process.waitForFinished(timeoutMs);
}

constexpr qint64 kRows = 2000, kCols = 10;

/// NaN equal to NaN, else bit for bit.
bool sameValue(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

std::shared_ptr<SharedArray> makeRows()
{
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = { kRows, kCols };
    QString error;
    auto array = SharedArray::create(meta, &error);
    auto* data = reinterpret_cast<double*>(array->mutableData());
    for (qint64 i = 0; i < meta.elementCount(); ++i)
        data[i] = double(i % 97);
    return array;
}

/// The rights of this process's mappings of the System V segment `shmid` ("r--s"), from
/// /proc/self/maps, where a SysV mapping's inode column is its shmid.
QStringList mappingRights(qint64 shmid)
{
    QStringList rights;
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly))
        return rights;
    for (const QByteArray& line : maps.readAll().split('\n')) {
        const QList<QByteArray> cols = line.simplified().split(' ');
        if (cols.size() >= 6 && cols[5].startsWith("/SYSV") && cols[4].toLongLong() == shmid)
            rights.append(QString::fromLatin1(cols[1]));
    }
    return rights;
}
} // namespace

class TestAttach : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();
    void jobsListsCliJobs();
    void attachIsReadOnly();
    void attachedMatchesOwner_data();
    void attachedMatchesOwner();
    void cancelFromAttached();
    void closingOnlyDetaches();
    void ownerKilled();
    void refusals();

private:
    /// Starts `sharedmap-cli run` with `arguments` and waits until its job is announced.
    qint64 startCli(QProcess& cli, const QStringList& arguments);
    /// `sharedmap-cli jobs --json` as an array (its exit code must be 0).
    QJsonArray jobsJson(const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment());

    QTemporaryDir m_dir;
    QString m_input;
    QString m_shmBlock;
    /// A process the test starts; killed (and its leftovers removed) after each test function.
    QProcess& process();

    std::vector<std::unique_ptr<QProcess>> m_started;
};

void TestAttach::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Our own jobs folder: other programs' jobs on this machine stay out of the listings.
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("runtime"))));
    QVERIFY(::chmod(QFile::encodeName(m_dir.filePath(QStringLiteral("runtime"))).constData(), 0700) == 0);
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_dir.filePath(QStringLiteral("runtime"))));
    m_input = m_dir.filePath(QStringLiteral("rows.npy"));
    QProcess generate;
    generate.start(QStringLiteral(SHAREDMAP_CLI),
                   { QStringLiteral("generate"), QStringLiteral("--shape"),
                     QStringLiteral("%1x%2").arg(kRows).arg(kCols), QStringLiteral("--dist"), QStringLiteral("arange"),
                     QStringLiteral("--output"), m_input });
    QVERIFY(generate.waitForFinished(30000) && generate.exitCode() == 0);
    // A block in /dev/shm, as Python's multiprocessing.shared_memory makes: the input "shm:NAME".
    m_shmBlock = QStringLiteral("sharedmap-tst-attach-%1").arg(QCoreApplication::applicationPid());
    QFile block(QStringLiteral("/dev/shm/") + m_shmBlock);
    QVERIFY(block.open(QIODevice::WriteOnly));
    QVector<double> values(kRows * kCols);
    for (int i = 0; i < values.size(); ++i)
        values[i] = double(i);
    block.write(reinterpret_cast<const char*>(values.constData()), values.size() * qint64(sizeof(double)));
}

void TestAttach::cleanup()
{
    for (const auto& started : m_started) {
        const qint64 pid = started->processId();
        if (started->state() != QProcess::NotRunning) {
            started->kill();
            started->waitForFinished(5000);
        }
        if (pid > 0)
            procwatch::removeLeftovers(pid);
    }
    m_started.clear();
}

void TestAttach::cleanupTestCase()
{
    QFile::remove(QStringLiteral("/dev/shm/") + m_shmBlock);
}

QProcess& TestAttach::process()
{
    m_started.push_back(std::make_unique<QProcess>());
    return *m_started.back();
}

qint64 TestAttach::startCli(QProcess& cli, const QStringList& arguments)
{
    cli.start(QStringLiteral(SHAREDMAP_CLI), QStringList { QStringLiteral("run") } + arguments);
    if (!cli.waitForStarted(10000))
        return 0;
    const qint64 pid = cli.processId();
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 20000 && cli.state() == QProcess::Running) {
        QString error;
        if (findJob(pid, &error).pid == pid)
            return pid;
        QTest::qWait(20);
    }
    qWarning("the CLI did not announce its job: %s", cli.readAllStandardError().constData());
    return 0;
}

QJsonArray TestAttach::jobsJson(const QProcessEnvironment& environment)
{
    QProcess jobs;
    jobs.setProcessEnvironment(environment);
    jobs.start(QStringLiteral(SHAREDMAP_CLI), { QStringLiteral("jobs"), QStringLiteral("--json") });
    if (!jobs.waitForFinished(20000) || jobs.exitCode() != 0) {
        qWarning("jobs --json failed: %s", jobs.readAllStandardError().constData());
        return {};
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(jobs.readAllStandardOutput(), &error);
    if (!document.isArray())
        qWarning("jobs --json printed no array: %s", qPrintable(error.errorString()));
    return document.array();
}

void TestAttach::jobsListsCliJobs()
{
    QCOMPARE(jobsJson(), QJsonArray());
    QProcess& fromFile = process();
    QProcess& fromShm = process();
    const qint64 filePid = startCli(
        fromFile,
        { QStringLiteral("--input"), m_input, QStringLiteral("--kernel"), QStringLiteral("row_sum"),
          QStringLiteral("--param"), QStringLiteral("sleep_ms=4"), QStringLiteral("--workers"), QStringLiteral("2"),
          QStringLiteral("--indices"), QStringLiteral("0:2000"), QStringLiteral("--quiet") });
    QVERIFY(filePid > 0);
    const QString shmInput = QStringLiteral("shm:") + m_shmBlock;
    const qint64 shmPid
        = startCli(fromShm,
                   { QStringLiteral("--input"), shmInput, QStringLiteral("--dtype"), QStringLiteral("float64"),
                     QStringLiteral("--shape"), QStringLiteral("%1x%2").arg(kRows).arg(kCols),
                     QStringLiteral("--kernel"), QStringLiteral("row_max"), QStringLiteral("--param"),
                     QStringLiteral("sleep_ms=4"), QStringLiteral("--workers"), QStringLiteral("1"),
                     QStringLiteral("--indices"), QStringLiteral("0:1000"), QStringLiteral("--quiet") });
    QVERIFY(shmPid > 0);

    QHash<qint64, QJsonObject> first, second;
    for (QHash<qint64, QJsonObject>* round : { &first, &second }) {
        QTest::qWait(round == &first ? 500 : 1000);
        for (const QJsonValue& value : jobsJson())
            round->insert(value.toObject().value(QStringLiteral("pid")).toInteger(), value.toObject());
    }
    QCOMPARE(first.size(), 2);
    QCOMPARE(second.size(), 2);
    const QJsonObject file = second.value(filePid);
    QVERIFY(file.value(QStringLiteral("pid")).isDouble()); // an int, as the contract says
    QCOMPARE(file.value(QStringLiteral("pid")).toDouble(), double(filePid));
    QCOMPARE(file.value(QStringLiteral("kernel")).toString(), QStringLiteral("row_sum"));
    QCOMPARE(file.value(QStringLiteral("input")).toString(), m_input); // as given
    QCOMPARE(file.value(QStringLiteral("total")).toInteger(), 2000);
    QCOMPARE(file.value(QStringLiteral("workers")).toInt(), 2);
    QVERIFY(QDateTime::fromString(file.value(QStringLiteral("started_at")).toString(), Qt::ISODateWithMs).isValid());
    QVERIFY(file.value(QStringLiteral("rate")).toDouble() > 0);
    const QJsonObject shm = second.value(shmPid);
    QCOMPARE(shm.value(QStringLiteral("input")).toString(), shmInput);
    QCOMPARE(shm.value(QStringLiteral("kernel")).toString(), QStringLiteral("row_max"));
    QCOMPARE(shm.value(QStringLiteral("total")).toInteger(), 1000);
    QCOMPARE(shm.value(QStringLiteral("workers")).toInt(), 1);
    // done grows between the two listings and stays within the total.
    for (qint64 pid : { filePid, shmPid }) {
        const qint64 before = first.value(pid).value(QStringLiteral("done")).toInteger();
        const qint64 after = second.value(pid).value(QStringLiteral("done")).toInteger();
        QVERIFY2(before < after && after <= second.value(pid).value(QStringLiteral("total")).toInteger(),
                 qPrintable(QStringLiteral("pid %1: %2 then %3").arg(pid).arg(before).arg(after)));
    }
    // The text listing names both.
    QProcess text;
    text.start(QStringLiteral(SHAREDMAP_CLI), { QStringLiteral("jobs") });
    QVERIFY(text.waitForFinished(20000));
    const QString listing = QString::fromUtf8(text.readAllStandardOutput());
    QVERIFY2(listing.contains(QString::number(filePid)) && listing.contains(shmInput), qPrintable(listing));

    QVERIFY(hasEnded(fromFile, 60000));
    QCOMPARE(fromFile.exitCode(), 0);
    QVERIFY(hasEnded(fromShm, 60000));
    QCOMPARE(fromShm.exitCode(), 0);
    // Ended jobs are no longer listed, and their files are gone.
    QCOMPARE(jobsJson(), QJsonArray());
    QCOMPARE(QDir(jobsFolder()).entryList(QDir::Files | QDir::Hidden), QStringList());
}

void TestAttach::attachIsReadOnly()
{
    QProcess& cli = process();
    const qint64 pid = startCli(cli,
                                { QStringLiteral("--input"), m_input, QStringLiteral("--kernel"),
                                  QStringLiteral("row_sum"), QStringLiteral("--param"), QStringLiteral("sleep_ms=5"),
                                  QStringLiteral("--workers"), QStringLiteral("1"), QStringLiteral("--indices"),
                                  QStringLiteral("0:400"), QStringLiteral("--quiet") });
    QVERIFY(pid > 0);
    QString error;
    auto attached = AttachedJob::attach(pid, &error);
    QVERIFY2(attached, qPrintable(error));
    // Every segment the owner created that this process maps (the job and the output), it maps
    // without write rights.
    int mapped = 0;
    const auto segments = procwatch::shmSegmentsOf(pid);
    for (const procwatch::ShmSegment& segment : segments) {
        for (const QString& rights : mappingRights(segment.shmid)) {
            QCOMPARE(rights, QStringLiteral("r--s"));
            ++mapped;
        }
    }
    QCOMPARE(mapped, 2);
    QVERIFY(hasEnded(cli, 60000));
    QCOMPARE(cli.exitCode(), 0);
}

void TestAttach::attachedMatchesOwner_data()
{
    QTest::addColumn<QString>("kernel");
    QTest::addColumn<QString>("indices");
    QTest::newRow("row_sum") << "row_sum"
                             << "0:1200";
    QTest::newRow("race_increment (figures)") << "race_increment"
                                              << "all";
}

void TestAttach::attachedMatchesOwner()
{
    // The window's own job seen from a second window: a Pool here and an AttachedJob on this very
    // process's announcement. Between two readings of the pool (no event loop in between, so the
    // pool publishes nothing new), the attached view's counters lie between the pool's and its
    // published figures are the pool's.
    QFETCH(QString, kernel);
    QFETCH(QString, indices);
    Pool pool;
    pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
    JobSpec spec;
    spec.input = QStringLiteral("rows");
    spec.kernel = kernel;
    spec.indices = indices;
    spec.workers = 2;
    spec.chunkSize = 8;
    spec.params.insert(QStringLiteral("sleep_ms"), 2.0);
    if (kernel == QLatin1String("race_increment")) {
        spec.params.insert(QStringLiteral("tasks"), 400);
        spec.params.insert(QStringLiteral("iterations"), 1000);
        spec.params.insert(QStringLiteral("lock"), QStringLiteral("atomic"));
    }
    QSignalSpy poolFinished(&pool, &Pool::finished);
    QVector<ChunkEvent> poolChunks, attachedChunks;
    connect(&pool, &Pool::chunkFinished, this, [&](const ChunkEvent& c) { poolChunks.append(c); });
    QString error;
    QVERIFY2(pool.start(spec, makeRows(), &error), qPrintable(error));
    auto attached = AttachedJob::attach(QCoreApplication::applicationPid(), &error);
    QVERIFY2(attached, qPrintable(error));
    QSignalSpy attachedFinished(attached.get(), &AttachedJob::finished);
    connect(attached.get(), &AttachedJob::chunkFinished, this, [&](const ChunkEvent& c) { attachedChunks.append(c); });
    QCOMPARE(attached->currentJob().taskCount(), pool.currentJob().taskCount());
    QCOMPARE(attached->currentJob().kernelName, kernel);
    for (qint64 p = 0; p < pool.currentJob().taskCount(); ++p)
        QCOMPARE(attached->currentJob().indices.at(p), pool.currentJob().indices.at(p));

    int compared = 0;
    qint64 lastDone = -1;
    while (pool.isRunning() && poolFinished.isEmpty()) {
        const JobProgress before = pool.progress();
        const QVector<WorkerInfo> workersBefore = pool.workers();
        const QVariantMap figuresBefore = pool.figures();
        const JobProgress seen = attached->progress();
        const QVector<WorkerInfo> workersSeen = attached->workers();
        const QVariantMap figuresSeen = attached->figures();
        const JobProgress after = pool.progress();
        const QVector<WorkerInfo> workersAfter = pool.workers();
        if (!pool.isRunning())
            break;
        QVERIFY(before.done <= seen.done && seen.done <= after.done);
        QCOMPARE(seen.total, before.total);
        QCOMPARE(seen.rate, before.rate); // published by the pool's sampling, which did not run
        QVERIFY(qAbs(seen.elapsedS - before.elapsedS) < 0.05);
        QCOMPARE(workersSeen.size(), workersBefore.size());
        for (int i = 0; i < workersSeen.size(); ++i) {
            QCOMPARE(workersSeen[i].slot, i);
            QVERIFY(workersBefore[i].tasksDone <= workersSeen[i].tasksDone
                    && workersSeen[i].tasksDone <= workersAfter[i].tasksDone);
            QVERIFY(workersBefore[i].chunksDone <= workersSeen[i].chunksDone
                    && workersSeen[i].chunksDone <= workersAfter[i].chunksDone);
            QCOMPARE(workersSeen[i].restarts, workersBefore[i].restarts);
            QCOMPARE(workersSeen[i].cpuPercent, workersBefore[i].cpuPercent);
            QCOMPARE(workersSeen[i].rssBytes, workersBefore[i].rssBytes);
            QCOMPARE(workersSeen[i].pssBytes, workersBefore[i].pssBytes);
            if (workersBefore[i].pid == workersAfter[i].pid)
                QCOMPARE(workersSeen[i].pid, workersBefore[i].pid);
        }
        QCOMPARE(figuresSeen.keys(), figuresBefore.keys());
        if (seen.done > lastDone && seen.done > 0)
            ++compared;
        lastDone = seen.done;
        QTest::qWait(40);
    }
    QVERIFY2(compared >= 5, qPrintable(QStringLiteral("only %1 readings while it ran").arg(compared)));
    QTRY_VERIFY_WITH_TIMEOUT(!poolFinished.isEmpty(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!attachedFinished.isEmpty(), 10000);
    QCOMPARE(attached->end(), AttachedJob::End::Finished);
    QVERIFY(!attached->isRunning());

    // The final figures: the same numbers, not just similar ones.
    const JobResult owner = poolFinished.first().first().value<JobResult>();
    const JobResult seen = attachedFinished.first().first().value<JobResult>();
    QCOMPARE(seen.jobId, attached->currentJobId());
    QVERIFY(seen.jobId != owner.jobId);
    QCOMPARE(seen.cancelled, owner.cancelled);
    QCOMPARE(seen.status, owner.status);
    QCOMPARE(seen.values.size(), owner.values.size());
    for (qint64 i = 0; i < owner.values.size(); ++i)
        QVERIFY(sameValue(seen.values[i], owner.values[i]));
    QCOMPARE(seen.elapsedS, owner.elapsedS);
    QCOMPARE(seen.startupS, owner.startupS);
    QCOMPARE(seen.computeS, owner.computeS);
    QCOMPARE(seen.peakMemoryBytes, owner.peakMemoryBytes);
    QVERIFY(owner.peakMemoryBytes > 0);
    QCOMPARE(seen.retriedChunks, owner.retriedChunks);
    QCOMPARE(seen.accumulator, owner.accumulator);
    QCOMPARE(seen.figures, owner.figures);
    if (kernel == QLatin1String("race_increment"))
        QCOMPARE(seen.figures.value(QStringLiteral("counter")).toLongLong(), 400 * 1000);
    QCOMPARE(seen.workerStats.size(), owner.workerStats.size());
    for (int i = 0; i < owner.workerStats.size(); ++i) {
        const WorkerInfo& a = owner.workerStats[i];
        const WorkerInfo& b = seen.workerStats[i];
        QCOMPARE(b.pid, a.pid);
        QCOMPARE(b.state, a.state);
        QCOMPARE(b.tasksDone, a.tasksDone);
        QCOMPARE(b.chunksDone, a.chunksDone);
        QCOMPARE(b.busyS, a.busyS);
        QCOMPARE(b.restarts, a.restarts);
        QCOMPARE(b.cpuPercent, a.cpuPercent);
        QCOMPARE(b.rssBytes, a.rssBytes);
        QCOMPARE(b.pssBytes, a.pssBytes);
    }
    QCOMPARE(attached->progress().done, pool.progress().done);
    QCOMPARE(attached->progress().total, pool.progress().total);
    // Every chunk the pool reported, the attached view reported too, with the same figures.
    const auto key = [](const ChunkEvent& c) {
        return QStringLiteral("%1:%2+%3@%4-%5")
            .arg(c.slot)
            .arg(c.begin)
            .arg(c.count)
            .arg(c.startS, 0, 'g', 17)
            .arg(c.endS, 0, 'g', 17);
    };
    QStringList poolKeys, attachedKeys;
    for (const ChunkEvent& c : std::as_const(poolChunks))
        poolKeys.append(key(c));
    for (const ChunkEvent& c : std::as_const(attachedChunks))
        attachedKeys.append(key(c));
    poolKeys.sort();
    attachedKeys.sort();
    QVERIFY(poolKeys.size() > 10);
    QCOMPARE(attachedKeys, poolKeys);
}

void TestAttach::cancelFromAttached()
{
    QProcess& cli = process();
    const QString output = m_dir.filePath(QStringLiteral("cancelled.npy"));
    const qint64 pid
        = startCli(cli,
                   { QStringLiteral("--input"), m_input, QStringLiteral("--kernel"), QStringLiteral("row_sum"),
                     QStringLiteral("--param"), QStringLiteral("sleep_ms=5"), QStringLiteral("--workers"),
                     QStringLiteral("2"), QStringLiteral("--output"), output, QStringLiteral("--quiet") });
    QVERIFY(pid > 0);
    QString error;
    auto attached = AttachedJob::attach(pid, &error);
    QVERIFY2(attached, qPrintable(error));
    QSignalSpy finished(attached.get(), &AttachedJob::finished);
    QTRY_VERIFY_WITH_TIMEOUT(attached->progress().done > 40, 20000);
    QVERIFY2(attached->cancel(&error), qPrintable(error));
    QVERIFY(hasEnded(cli, 20000));
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 130);
    QVERIFY(cli.readAllStandardError().contains("interrupted"));
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 10000);
    QCOMPARE(attached->end(), AttachedJob::End::Cancelled);
    const JobResult result = finished.first().first().value<JobResult>();
    QVERIFY(result.cancelled);
    // The partial results on disk are the ones the attached view ends with.
    const QVector<double> written = testfiles::readVector(output);
    QCOMPARE(written.size(), int(kRows));
    QCOMPARE(result.values.size(), qint64(kRows));
    int nan = 0;
    for (int i = 0; i < written.size(); ++i) {
        QVERIFY2(sameValue(written[i], result.values[i]), qPrintable(QString::number(i)));
        nan += std::isnan(written[i]);
        QCOMPARE(std::isnan(written[i]), quint8(result.status[i]) != Done);
    }
    QVERIFY2(nan > 0 && nan < kRows, qPrintable(QString::number(nan)));
    QVERIFY(!attached->cancel(&error)); // ended: nothing more to signal
    QCOMPARE(jobsJson(), QJsonArray());
}

void TestAttach::closingOnlyDetaches()
{
    QProcess& cli = process();
    const QString output = m_dir.filePath(QStringLiteral("complete.npy"));
    const qint64 pid
        = startCli(cli,
                   { QStringLiteral("--input"), m_input, QStringLiteral("--kernel"), QStringLiteral("row_sum"),
                     QStringLiteral("--param"), QStringLiteral("sleep_ms=3"), QStringLiteral("--workers"),
                     QStringLiteral("2"), QStringLiteral("--indices"), QStringLiteral("0:600"),
                     QStringLiteral("--output"), output, QStringLiteral("--quiet") });
    QVERIFY(pid > 0);
    QString error;
    auto attached = AttachedJob::attach(pid, &error);
    QVERIFY2(attached, qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(attached->progress().done > 20, 20000);
    attached.reset(); // the watcher goes; the job does not
    QVERIFY(hasEnded(cli, 60000));
    QCOMPARE(cli.exitCode(), 0);
    const QVector<double> written = testfiles::readVector(output);
    QCOMPARE(written.size(), 600);
    for (int row = 0; row < 600; ++row) {
        double sum = 0;
        for (qint64 c = 0; c < kCols; ++c)
            sum += double(row * kCols + c); // arange
        QCOMPARE(written[row], sum);
    }
}

void TestAttach::ownerKilled()
{
    QProcess& cli = process();
    const qint64 pid = startCli(cli,
                                { QStringLiteral("--input"), m_input, QStringLiteral("--kernel"),
                                  QStringLiteral("row_sum"), QStringLiteral("--param"), QStringLiteral("sleep_ms=5"),
                                  QStringLiteral("--workers"), QStringLiteral("1"), QStringLiteral("--quiet") });
    QVERIFY(pid > 0);
    QString error;
    const QString announcement = findJob(pid, &error).path;
    QVERIFY(QFileInfo::exists(announcement));
    auto attached = AttachedJob::attach(pid, &error);
    QVERIFY2(attached, qPrintable(error));
    QSignalSpy finished(attached.get(), &AttachedJob::finished);
    QTRY_VERIFY_WITH_TIMEOUT(attached->progress().done > 10, 20000);
    ::kill(pid_t(pid), SIGKILL); // no chance to withdraw its announcement
    QVERIFY(hasEnded(cli, 10000));
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 5000);
    QCOMPARE(attached->end(), AttachedJob::End::OwnerGone);
    const JobResult result = finished.first().first().value<JobResult>();
    QVERIFY(result.cancelled);
    QVERIFY(result.doneCount() > 10);
    // The dead owner's file is still there until someone lists the jobs, which removes it.
    QVERIFY(QFileInfo::exists(announcement));
    QCOMPARE(jobsJson(), QJsonArray());
    QVERIFY(!QFileInfo::exists(announcement));
}

void TestAttach::refusals()
{
    QString error;
    FindJobError why = FindJobError::None;
    // A pid that is no process.
    QProcess gone;
    gone.start(QStringLiteral("/bin/true"), {});
    QVERIFY(gone.waitForStarted());
    const qint64 dead = gone.processId();
    QVERIFY(gone.waitForFinished());
    QVERIFY(!AttachedJob::attach(dead, &error, &why));
    QCOMPARE(why, FindJobError::NoProcess);
    // A process of ours that runs no job: this test.
    QVERIFY(!AttachedJob::attach(QCoreApplication::applicationPid(), &error, &why));
    QCOMPARE(why, FindJobError::NotAJob);
    QVERIFY2(error.contains(QStringLiteral("is not running a SharedMap job")), qPrintable(error));

    // A job of another user (nobody), announced in that user's own folder.
    QTemporaryDir runtime;
    QVERIFY(::chmod(QFile::encodeName(runtime.path()).constData(), 0700) == 0);
    QVERIFY(::chown(QFile::encodeName(runtime.path()).constData(), 65534, 65534) == 0);
    QProcessEnvironment nobodyEnvironment = QProcessEnvironment::systemEnvironment();
    nobodyEnvironment.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
    QProcess& other = process();
    other.setProcessEnvironment(nobodyEnvironment);
    other.setWorkingDirectory(QStringLiteral("/"));
    other.start(QStringLiteral("setpriv"),
                { QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"),
                  QStringLiteral(SHAREDMAP_CLI), QStringLiteral("run"), QStringLiteral("--kernel"),
                  QStringLiteral("monte_carlo_pi"), QStringLiteral("--param"), QStringLiteral("samples=1000"),
                  QStringLiteral("--param"), QStringLiteral("batches=2000"), QStringLiteral("--param"),
                  QStringLiteral("sleep_ms=10"), QStringLiteral("--workers"), QStringLiteral("1"),
                  QStringLiteral("--quiet") });
    QVERIFY(other.waitForStarted());
    const qint64 otherPid = other.processId();
    // It is a job: that user's own listing has it.
    QJsonArray theirs;
    QElapsedTimer clock;
    clock.start();
    while (theirs.isEmpty() && clock.elapsed() < 20000 && other.state() == QProcess::Running) {
        QProcess jobs;
        jobs.setProcessEnvironment(nobodyEnvironment);
        jobs.setWorkingDirectory(QStringLiteral("/"));
        jobs.start(QStringLiteral("setpriv"),
                   { QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"),
                     QStringLiteral(SHAREDMAP_CLI), QStringLiteral("jobs"), QStringLiteral("--json") });
        QVERIFY(jobs.waitForFinished(20000));
        theirs = QJsonDocument::fromJson(jobs.readAllStandardOutput()).array();
        if (theirs.isEmpty())
            QTest::qWait(50);
    }
    QVERIFY2(theirs.size() == 1, other.readAllStandardError().constData());
    QCOMPARE(theirs.first().toObject().value(QStringLiteral("pid")).toInteger(), otherPid);
    // Ours does not, and attaching to it is refused.
    QCOMPARE(jobsJson(), QJsonArray());
    QVERIFY(!AttachedJob::attach(otherPid, &error, &why));
    QCOMPARE(why, FindJobError::OtherUser);
    QVERIFY2(error.contains(QStringLiteral("belongs to another user (uid 65534)")), qPrintable(error));
    // Nor can this user use that user's folder as its own.
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime.path()));
    QVERIFY(!AttachedJob::attach(otherPid, &error, &why));
    QCOMPARE(why, FindJobError::Folder);
    QVERIFY2(error.contains(QStringLiteral("belongs to uid 65534")), qPrintable(error));
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_dir.filePath(QStringLiteral("runtime"))));
    ::kill(pid_t(otherPid), SIGINT);
    QVERIFY(hasEnded(other, 20000));
    QCOMPARE(other.exitCode(), 130);
}

QTEST_GUILESS_MAIN(TestAttach)
#include "tst_attach.moc"
