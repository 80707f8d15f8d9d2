#include "engine/jobannouncer.h"

#include "base/procstats.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <sys/stat.h>
#include <unistd.h>

namespace sharedmap {

namespace {
/// Announcements are `job-<pid>-<serial>.json`; one process may run several pools (the window's
/// Compare view has its own), hence a serial per process.
const QRegularExpression& fileNamePattern()
{
    static const QRegularExpression pattern(QStringLiteral("^\\.?job-(\\d+)-(\\d+)\\.json(\\.tmp)?$"));
    return pattern;
}

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

/// Creates `path` with mode 0700 if it is missing, then checks it is a directory (not a link)
/// of this user that no one else may enter: another user could otherwise plant or read files
/// in it (`/tmp` is shared by everyone).
QString ensurePrivateDirectory(const QString& path)
{
    const QByteArray native = QFile::encodeName(path);
    if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST)
        return QStringLiteral("cannot create the jobs folder %1: %2").arg(path, errnoText());
    struct stat info;
    if (::lstat(native.constData(), &info) != 0)
        return QStringLiteral("cannot read the jobs folder %1: %2").arg(path, errnoText());
    if (!S_ISDIR(info.st_mode))
        return QStringLiteral("the jobs folder %1 is not a directory").arg(path);
    if (info.st_uid != ::geteuid())
        return QStringLiteral("the jobs folder %1 belongs to uid %2, not to you (uid %3): refusing to use it")
            .arg(path)
            .arg(info.st_uid)
            .arg(::geteuid());
    if ((info.st_mode & 077) != 0)
        return QStringLiteral("the jobs folder %1 is open to other users (mode %2): refusing to use it")
            .arg(path)
            .arg(info.st_mode & 07777, 4, 8, QLatin1Char('0'));
    return {};
}

/// The folders from the top one this code creates down to the jobs folder.
QStringList folderChain()
{
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    const QString base = !runtime.isEmpty() && QDir::isAbsolutePath(runtime)
        ? QDir(runtime).filePath(QStringLiteral("sharedmap"))
        : QStringLiteral("/tmp/sharedmap-%1").arg(::geteuid());
    return { base, base + QStringLiteral("/jobs") };
}

/// The uid owning a process (of /proc/PID); -1 when there is no such process.
qint64 processOwner(qint64 pid)
{
    struct stat info;
    if (pid <= 0 || ::stat(QFile::encodeName(QStringLiteral("/proc/%1").arg(pid)).constData(), &info) != 0)
        return -1;
    return qint64(info.st_uid);
}

/// Whether the announcement's owner is this user's live process that wrote it.
bool ownerIsAlive(const JobAnnouncement& job)
{
    return processRunning(job.pid) && processStartTime(job.pid) == job.startTime
        && processOwner(job.pid) == qint64(::geteuid());
}

QString processName(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/comm").arg(pid));
    return file.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(file.readAll().trimmed()) : QString();
}

/// Reads the folder: live announcements, and stale files removed (see listJobs()).
QVector<JobAnnouncement> scan(const QString& folder, QStringList* removed)
{
    QVector<JobAnnouncement> jobs;
    const QStringList names = QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
    for (const QString& name : names) {
        const QRegularExpressionMatch match = fileNamePattern().match(name);
        if (!match.hasMatch())
            continue; // not ours: leave it alone
        const QString path = QDir(folder).filePath(name);
        struct stat info;
        if (::lstat(QFile::encodeName(path).constData(), &info) != 0 || !S_ISREG(info.st_mode)
            || info.st_uid != ::geteuid())
            continue;
        const qint64 namePid = match.captured(1).toLongLong();
        const auto drop = [&] {
            if (QFile::remove(path) && removed)
                removed->append(name);
        };
        if (!match.captured(3).isEmpty()) {
            // A temporary file: a writer that died before its rename left it.
            if (!processRunning(namePid))
                drop();
            continue;
        }
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly) || file.size() > (1 << 20))
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
        JobAnnouncement job;
        QString error;
        if (parseError.error != QJsonParseError::NoError || !document.isObject()
            || !JobAnnouncement::fromJson(document.object(), &job, &error) || job.pid != namePid) {
            // Files are renamed into place whole, so this one was damaged: drop it once its
            // writer is gone.
            if (!processRunning(namePid))
                drop();
            continue;
        }
        job.path = path;
        if (!ownerIsAlive(job)) {
            drop();
            continue;
        }
        jobs.append(job);
    }
    return jobs;
}
} // namespace

QJsonObject JobAnnouncement::toJson() const
{
    QJsonObject json { { QStringLiteral("pid"), pid },
                       { QStringLiteral("start_time"), startTime },
                       { QStringLiteral("job_id"), qint64(jobId) },
                       { QStringLiteral("program"), program },
                       { QStringLiteral("kernel"), kernel },
                       { QStringLiteral("input"), input },
                       { QStringLiteral("tasks"), tasks },
                       { QStringLiteral("workers"), workers },
                       { QStringLiteral("started_at"), startedAt.toString(Qt::ISODateWithMs) },
                       { QStringLiteral("segments"),
                         QJsonObject { { QStringLiteral("job"), jobSegment },
                                       { QStringLiteral("output"), outputSegment },
                                       { QStringLiteral("input"), inputSegment } } } };
    if (inputMeta.dtype != DType::Invalid) {
        QJsonArray shape;
        for (qint64 extent : inputMeta.shape)
            shape.append(extent);
        json.insert(QStringLiteral("input_meta"),
                    QJsonObject { { QStringLiteral("dtype"), dtypeName(inputMeta.dtype) },
                                  { QStringLiteral("shape"), shape },
                                  { QStringLiteral("fortran_order"), inputMeta.fortranOrder } });
    }
    return json;
}

bool JobAnnouncement::fromJson(const QJsonObject& json, JobAnnouncement* out, QString* error)
{
    JobAnnouncement job;
    const QJsonObject segments = json.value(QStringLiteral("segments")).toObject();
    if (!json.value(QStringLiteral("pid")).isDouble() || !json.value(QStringLiteral("start_time")).isDouble()
        || !json.value(QStringLiteral("kernel")).isString() || !json.value(QStringLiteral("tasks")).isDouble()
        || !segments.value(QStringLiteral("job")).isString()) {
        *error = QStringLiteral("not a job announcement (pid, start_time, kernel, tasks or segments missing)");
        return false;
    }
    job.pid = json.value(QStringLiteral("pid")).toInteger();
    job.startTime = json.value(QStringLiteral("start_time")).toInteger();
    job.jobId = quint64(json.value(QStringLiteral("job_id")).toInteger());
    job.program = json.value(QStringLiteral("program")).toString();
    job.kernel = json.value(QStringLiteral("kernel")).toString();
    job.input = json.value(QStringLiteral("input")).toString();
    job.tasks = json.value(QStringLiteral("tasks")).toInteger();
    job.workers = json.value(QStringLiteral("workers")).toInt();
    job.startedAt = QDateTime::fromString(json.value(QStringLiteral("started_at")).toString(), Qt::ISODateWithMs);
    job.jobSegment = segments.value(QStringLiteral("job")).toString();
    job.outputSegment = segments.value(QStringLiteral("output")).toString();
    job.inputSegment = segments.value(QStringLiteral("input")).toString();
    const QJsonObject meta = json.value(QStringLiteral("input_meta")).toObject();
    if (!meta.isEmpty()) {
        job.inputMeta.dtype = dtypeFromName(meta.value(QStringLiteral("dtype")).toString());
        for (const QJsonValue& extent : meta.value(QStringLiteral("shape")).toArray())
            job.inputMeta.shape.append(extent.toInteger());
        job.inputMeta.fortranOrder = meta.value(QStringLiteral("fortran_order")).toBool();
    }
    if (job.pid <= 0 || job.tasks < 0 || job.jobSegment.isEmpty()) {
        *error = QStringLiteral("job announcement with a bad pid, task count or segment");
        return false;
    }
    *out = job;
    return true;
}

QString jobsFolder()
{
    return folderChain().constLast();
}

QString prepareJobsFolder(QString* error)
{
    for (const QString& folder : folderChain()) {
        *error = ensurePrivateDirectory(folder);
        if (!error->isEmpty())
            return {};
    }
    return jobsFolder();
}

QString announceJob(const JobAnnouncement& job, QString* error)
{
    static std::atomic<quint64> serial { 0 };
    const QString folder = prepareJobsFolder(error);
    if (folder.isEmpty())
        return {};
    const QString name = QStringLiteral("job-%1-%2.json").arg(job.pid).arg(++serial);
    const QString path = QDir(folder).filePath(name);
    const QString temporary = QDir(folder).filePath(QLatin1Char('.') + name + QStringLiteral(".tmp"));
    const QByteArray text = QJsonDocument(job.toJson()).toJson(QJsonDocument::Compact) + '\n';
    // Readers see either no file or a whole one: written aside, then renamed into place.
    const QByteArray native = QFile::encodeName(temporary);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = QStringLiteral("cannot write %1: %2").arg(temporary, errnoText());
        return {};
    }
    qint64 written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.constData() + written, size_t(text.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        written += n;
    }
    const bool closed = ::close(fd) == 0;
    if (written != text.size() || !closed || ::rename(native.constData(), QFile::encodeName(path).constData()) != 0) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, errnoText());
        ::unlink(native.constData());
        return {};
    }
    return path;
}

void withdrawJob(const QString& path)
{
    if (!path.isEmpty())
        QFile::remove(path);
}

QVector<JobAnnouncement> listJobs(QString* error, QStringList* removed)
{
    const QStringList chain = folderChain();
    QString problem;
    for (const QString& folder : chain) {
        struct stat info;
        if (::lstat(QFile::encodeName(folder).constData(), &info) != 0 && errno == ENOENT)
            return {}; // nobody announced anything yet (a dangling link is not "nothing": it is refused below)
    }
    for (const QString& folder : chain) {
        problem = ensurePrivateDirectory(folder);
        if (!problem.isEmpty()) {
            if (error)
                *error = problem;
            return {};
        }
    }
    return scan(chain.constLast(), removed);
}

int removeStaleJobFiles()
{
    QStringList removed;
    listJobs(nullptr, &removed);
    return int(removed.size());
}

JobAnnouncement findJob(qint64 pid, QString* error, FindJobError* why)
{
    const auto refuse = [&](FindJobError reason, const QString& text) {
        if (why)
            *why = reason;
        *error = text;
        return JobAnnouncement();
    };
    QString problem;
    const QVector<JobAnnouncement> jobs = listJobs(&problem);
    if (!problem.isEmpty())
        return refuse(FindJobError::Folder, problem);
    const JobAnnouncement* newest = nullptr;
    for (const JobAnnouncement& job : jobs) {
        if (job.pid == pid && (!newest || job.startedAt > newest->startedAt))
            newest = &job;
    }
    if (newest) {
        if (why)
            *why = FindJobError::None;
        error->clear();
        return *newest;
    }
    const qint64 owner = processOwner(pid);
    if (owner < 0 || !processRunning(pid))
        return refuse(FindJobError::NoProcess, QStringLiteral("there is no process %1").arg(pid));
    if (owner != qint64(::geteuid()))
        return refuse(FindJobError::OtherUser,
                      QStringLiteral("process %1 belongs to another user (uid %2): only its owner can attach to its "
                                     "jobs")
                          .arg(pid)
                          .arg(owner));
    const QString name = processName(pid);
    return refuse(FindJobError::NotAJob,
                  QStringLiteral("process %1%2 is not running a SharedMap job")
                      .arg(pid)
                      .arg(name.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(name)));
}

} // namespace sharedmap
