// Job announcements (engine/jobannouncer.h): the per-user folder and its modes, atomic writes,
// and stale files — a dead pid, a reused pid, another user's process — removed, with real
// processes from /proc.
#include "base/procstats.h"
#include "engine/cleanup.h"
#include "engine/jobannouncer.h"

#include <atomic>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <sys/stat.h>
#include <unistd.h>

using namespace sharedmap;

namespace {
JobAnnouncement sampleJob(qint64 pid, qint64 startTime)
{
    JobAnnouncement job;
    job.pid = pid;
    job.startTime = startTime;
    job.jobId = 7;
    job.program = QStringLiteral("tst_jobannouncer");
    job.kernel = QStringLiteral("row_sum");
    job.input = QStringLiteral("shm:block");
    job.inputMeta.dtype = DType::Float32;
    job.inputMeta.shape = { 20, 3 };
    job.tasks = 20;
    job.workers = 2;
    job.jobSegment = QStringLiteral("sharedmap-job-%1-%2-00000000deadbeef").arg(pid).arg(startTime);
    job.outputSegment = QStringLiteral("sharedmap-output-%1-%2-00000000deadbeef").arg(pid).arg(startTime);
    job.startedAt = QDateTime::currentDateTime();
    return job;
}

JobAnnouncement ownJob()
{
    const qint64 pid = QCoreApplication::applicationPid();
    return sampleJob(pid, processStartTime(pid));
}

int modeOf(const QString& path)
{
    struct stat info;
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 07777) : -1;
}

/// A pid that ran and is gone: a process started and reaped.
qint64 deadPid()
{
    QProcess process;
    process.start(QStringLiteral("/bin/true"), {});
    const qint64 pid = process.waitForStarted() ? process.processId() : 0;
    process.waitForFinished();
    return pid;
}

/// Writes a file into the jobs folder by hand, as a writer of another version or a crash would.
void plant(const QString& name, const QByteArray& text)
{
    QFile file(QDir(jobsFolder()).filePath(name));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}
} // namespace

class TestJobAnnouncer : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void folderUnderRuntimeDir();
    void folderWithoutRuntimeDir();
    void refusesUnsafeFolder_data();
    void refusesUnsafeFolder();
    void writesAtomically();
    void roundTrip();
    void removesStaleFiles();
    void findJobRefuses();
    void cleanupRemovesStaleFiles();

private:
    std::unique_ptr<QTemporaryDir> m_runtime;
    QProcess m_otherUser; ///< a process of user nobody, for the refusals
};

void TestJobAnnouncer::init()
{
    m_runtime = std::make_unique<QTemporaryDir>();
    QVERIFY(m_runtime->isValid());
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtime->path()));
}

void TestJobAnnouncer::cleanup()
{
    if (m_otherUser.state() != QProcess::NotRunning) {
        m_otherUser.kill();
        m_otherUser.waitForFinished();
    }
    m_runtime.reset();
}

void TestJobAnnouncer::folderUnderRuntimeDir()
{
    QCOMPARE(jobsFolder(), m_runtime->path() + QStringLiteral("/sharedmap/jobs"));
    QVERIFY(!QFileInfo::exists(jobsFolder())); // naming it creates nothing
    QVERIFY(listJobs().isEmpty()); // nor does listing
    QVERIFY(!QFileInfo::exists(jobsFolder()));
    QString error;
    QCOMPARE(prepareJobsFolder(&error), jobsFolder());
    QVERIFY2(error.isEmpty(), qPrintable(error));
    ::umask(0); // the folders are 0700 whatever the umask would have allowed
    QTemporaryDir other;
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(other.path()));
    QCOMPARE(prepareJobsFolder(&error), other.path() + QStringLiteral("/sharedmap/jobs"));
    ::umask(022);
    QCOMPARE(modeOf(other.path() + QStringLiteral("/sharedmap")), 0700);
    QCOMPARE(modeOf(other.path() + QStringLiteral("/sharedmap/jobs")), 0700);
}

void TestJobAnnouncer::folderWithoutRuntimeDir()
{
    qunsetenv("XDG_RUNTIME_DIR");
    QCOMPARE(jobsFolder(), QStringLiteral("/tmp/sharedmap-%1/jobs").arg(::geteuid()));
    qputenv("XDG_RUNTIME_DIR", "relative/path"); // not a runtime folder: ignored
    QCOMPARE(jobsFolder(), QStringLiteral("/tmp/sharedmap-%1/jobs").arg(::geteuid()));
}

void TestJobAnnouncer::refusesUnsafeFolder_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("message");
    QTest::newRow("jobs open to others") << "mode-jobs"
                                         << "open to other users (mode 0755)";
    QTest::newRow("sharedmap open to group") << "mode-base"
                                             << "open to other users (mode 0750)";
    QTest::newRow("a symlink") << "symlink"
                               << "is not a directory";
    QTest::newRow("a file") << "file"
                            << "is not a directory";
    QTest::newRow("another user's") << "owner"
                                    << "belongs to uid 65534";
}

void TestJobAnnouncer::refusesUnsafeFolder()
{
    QFETCH(QString, setup);
    QFETCH(QString, message);
    const QString base = m_runtime->path() + QStringLiteral("/sharedmap");
    const QString jobs = base + QStringLiteral("/jobs");
    QVERIFY(QDir().mkpath(jobs));
    QVERIFY(::chmod(QFile::encodeName(base).constData(), 0700) == 0);
    QVERIFY(::chmod(QFile::encodeName(jobs).constData(), 0700) == 0);
    if (setup == QLatin1String("mode-jobs")) {
        QVERIFY(::chmod(QFile::encodeName(jobs).constData(), 0755) == 0);
    } else if (setup == QLatin1String("mode-base")) {
        QVERIFY(::chmod(QFile::encodeName(base).constData(), 0750) == 0);
    } else if (setup == QLatin1String("symlink")) {
        QVERIFY(QDir(jobs).removeRecursively());
        QTemporaryDir elsewhere;
        QVERIFY(QFile::link(elsewhere.path(), jobs));
    } else if (setup == QLatin1String("file")) {
        QVERIFY(QDir(jobs).removeRecursively());
        QFile file(jobs);
        QVERIFY(file.open(QIODevice::WriteOnly));
    } else if (setup == QLatin1String("owner")) {
        if (::geteuid() != 0)
            QSKIP("making a folder of another user needs root");
        QVERIFY(::chown(QFile::encodeName(jobs).constData(), 65534, 65534) == 0);
    }
    QString error;
    QVERIFY(prepareJobsFolder(&error).isEmpty());
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY(announceJob(ownJob(), &error).isEmpty()); // nothing is written there
    QVERIFY2(error.contains(message), qPrintable(error));
    error.clear();
    QVERIFY(listJobs(&error).isEmpty()); // nor read from it
    QVERIFY2(error.contains(message), qPrintable(error));
    QCOMPARE(findJob(QCoreApplication::applicationPid(), &error).pid, 0);
    QVERIFY2(error.contains(message), qPrintable(error));
}

void TestJobAnnouncer::writesAtomically()
{
    // A reader in another thread reads every file it sees while this one announces and
    // withdraws jobs: it must never see a file that is not a whole announcement.
    QString error;
    QVERIFY(!prepareJobsFolder(&error).isEmpty());
    std::atomic<bool> stop { false };
    std::atomic<int> seen { 0 }, broken { 0 };
    QThread* reader = QThread::create([&] {
        while (!stop) {
            for (const QString& name : QDir(jobsFolder()).entryList({ QStringLiteral("job-*.json") }, QDir::Files)) {
                QFile file(QDir(jobsFolder()).filePath(name));
                if (!file.open(QIODevice::ReadOnly))
                    continue; // withdrawn meanwhile
                JobAnnouncement job;
                QString problem;
                const QJsonDocument document = QJsonDocument::fromJson(file.readAll());
                if (document.isObject() && JobAnnouncement::fromJson(document.object(), &job, &problem))
                    ++seen;
                else
                    ++broken;
            }
        }
    });
    reader->start();
    JobAnnouncement job = ownJob();
    job.input = QString(20000, QLatin1Char('x')); // a big file: several write() calls' worth
    for (int i = 0; i < 400; ++i) {
        const QString path = announceJob(job, &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        QCOMPARE(modeOf(path), 0600);
        if (i % 2 == 0)
            withdrawJob(path);
    }
    stop = true;
    reader->wait();
    delete reader;
    QCOMPARE(broken.load(), 0);
    QVERIFY(seen.load() > 0);
    // No temporary file is left, and the 200 kept files are all listed.
    QCOMPARE(QDir(jobsFolder()).entryList({ QStringLiteral(".*.tmp") }, QDir::Files | QDir::Hidden).size(), 0);
    QCOMPARE(listJobs().size(), 200);
}

void TestJobAnnouncer::roundTrip()
{
    QString error;
    const JobAnnouncement job = ownJob();
    const QString path = announceJob(job, &error);
    QVERIFY2(!path.isEmpty(), qPrintable(error));
    QVERIFY(path.startsWith(jobsFolder() + QLatin1Char('/')));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    // The fields other programs read (docs/ARCHITECTURE.md, "Attaching to running jobs").
    QCOMPARE(json.value(QStringLiteral("pid")).toInteger(), job.pid);
    QCOMPARE(json.value(QStringLiteral("start_time")).toInteger(), job.startTime);
    QCOMPARE(json.value(QStringLiteral("kernel")).toString(), QStringLiteral("row_sum"));
    QCOMPARE(json.value(QStringLiteral("input")).toString(), QStringLiteral("shm:block"));
    QCOMPARE(json.value(QStringLiteral("tasks")).toInteger(), 20);
    QCOMPARE(json.value(QStringLiteral("segments")).toObject().value(QStringLiteral("job")).toString(), job.jobSegment);
    QCOMPARE(json.value(QStringLiteral("segments")).toObject().value(QStringLiteral("output")).toString(),
             job.outputSegment);
    const QVector<JobAnnouncement> listed = listJobs(&error);
    QCOMPARE(listed.size(), 1);
    const JobAnnouncement& back = listed.first();
    QCOMPARE(back.path, path);
    QCOMPARE(back.pid, job.pid);
    QCOMPARE(back.kernel, job.kernel);
    QCOMPARE(back.input, job.input);
    QCOMPARE(back.inputMeta.dtype, DType::Float32);
    QCOMPARE(back.inputMeta.shape, QVector<qint64>({ 20, 3 }));
    QCOMPARE(back.workers, 2);
    QCOMPARE(back.startedAt, job.startedAt);
    QCOMPARE(findJob(job.pid, &error).path, path);
    withdrawJob(path);
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(listJobs().isEmpty());
}

void TestJobAnnouncer::removesStaleFiles()
{
    QString error;
    const QString live = announceJob(ownJob(), &error);
    QVERIFY2(!live.isEmpty(), qPrintable(error));
    const qint64 dead = deadPid();
    QVERIFY(dead > 0 && !processRunning(dead));
    const QString gone = announceJob(sampleJob(dead, 12345), &error);
    // Our own pid with another start time: a job of a process that had this pid before.
    const qint64 self = QCoreApplication::applicationPid();
    const QString reused = announceJob(sampleJob(self, processStartTime(self) - 1), &error);
    // A live process of another user, named by a file in our folder.
    m_otherUser.start(QStringLiteral("setpriv"),
                      { QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                        QStringLiteral("--clear-groups"), QStringLiteral("sleep"), QStringLiteral("30") });
    QVERIFY(m_otherUser.waitForStarted());
    const qint64 other = m_otherUser.processId();
    QTRY_VERIFY(processStartTime(other) > 0);
    QTest::qWait(100); // setpriv has changed its uid and become sleep
    const QString foreign = announceJob(sampleJob(other, processStartTime(other)), &error);
    for (const QString& path : { gone, reused, foreign })
        QVERIFY2(QFileInfo::exists(path), qPrintable(path));
    // Leftovers of writers that died: a temporary file and a damaged one.
    plant(QStringLiteral(".job-%1-9.json.tmp").arg(dead), "{\"pid\": ");
    plant(QStringLiteral("job-%1-8.json").arg(dead), "{\"pid\": ");
    plant(QStringLiteral("notes.txt"), "not ours"); // left alone

    QStringList removed;
    const QVector<JobAnnouncement> jobs = listJobs(&error, &removed);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(jobs.size(), 1);
    QCOMPARE(jobs.first().path, live);
    removed.sort();
    QStringList expected { QFileInfo(gone).fileName(), QFileInfo(reused).fileName(), QFileInfo(foreign).fileName(),
                           QStringLiteral(".job-%1-9.json.tmp").arg(dead), QStringLiteral("job-%1-8.json").arg(dead) };
    expected.sort();
    QCOMPARE(removed, expected);
    for (const QString& path : { gone, reused, foreign })
        QVERIFY2(!QFileInfo::exists(path), qPrintable(path));
    QVERIFY(QFileInfo::exists(live));
    QVERIFY(QFileInfo::exists(QDir(jobsFolder()).filePath(QStringLiteral("notes.txt"))));
}

void TestJobAnnouncer::findJobRefuses()
{
    QString error;
    FindJobError why = FindJobError::None;
    const qint64 dead = deadPid();
    QCOMPARE(findJob(dead, &error, &why).pid, 0);
    QCOMPARE(why, FindJobError::NoProcess);
    QCOMPARE(error, QStringLiteral("there is no process %1").arg(dead));

    const qint64 self = QCoreApplication::applicationPid();
    QCOMPARE(findJob(self, &error, &why).pid, 0);
    QCOMPARE(why, FindJobError::NotAJob);
    QVERIFY2(error.startsWith(QStringLiteral("process %1 (").arg(self)), qPrintable(error));
    QVERIFY2(error.endsWith(QStringLiteral("is not running a SharedMap job")), qPrintable(error));

    m_otherUser.start(QStringLiteral("setpriv"),
                      { QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                        QStringLiteral("--clear-groups"), QStringLiteral("sleep"), QStringLiteral("30") });
    QVERIFY(m_otherUser.waitForStarted());
    QTest::qWait(100);
    const qint64 other = m_otherUser.processId();
    QCOMPARE(findJob(other, &error, &why).pid, 0);
    QCOMPARE(why, FindJobError::OtherUser);
    QVERIFY2(error.contains(QStringLiteral("belongs to another user (uid 65534)")), qPrintable(error));

    // The newest of a process's jobs is the one found.
    JobAnnouncement older = ownJob();
    older.startedAt = QDateTime::currentDateTime().addSecs(-60);
    JobAnnouncement newer = ownJob();
    newer.jobId = 8;
    QVERIFY(!announceJob(older, &error).isEmpty());
    QVERIFY(!announceJob(newer, &error).isEmpty());
    QCOMPARE(findJob(self, &error, &why).jobId, quint64(8));
    QCOMPARE(why, FindJobError::None);
}

void TestJobAnnouncer::cleanupRemovesStaleFiles()
{
    QString error;
    const QString gone = announceJob(sampleJob(deadPid(), 1), &error);
    const QString live = announceJob(ownJob(), &error);
    QVERIFY(QFileInfo::exists(gone));
    cleanUpStaleRuns(); // what the CLI and the window call at start, and `sharedmap-cli cleanup`
    QVERIFY(!QFileInfo::exists(gone));
    QVERIFY(QFileInfo::exists(live));
    QCOMPARE(removeStaleJobFiles(), 0);
}

QTEST_GUILESS_MAIN(TestJobAnnouncer)
#include "tst_jobannouncer.moc"
