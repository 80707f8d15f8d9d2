#include "job/preflight.h"

#include "base/procstats.h"
#include "base/progressformat.h"
#include "job/jobspec.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace sharedmap {

namespace {

using Kind = PreflightError::Kind;

/// The file an input spec names on disk: a path, or the /dev/shm file of `shm:NAME`.
QString inputFile(const QString& input)
{
    if (input.startsWith(QLatin1String("shm:")))
        return QStringLiteral("/dev/shm/") + input.mid(4);
    return input;
}

bool statOf(const QString& path, struct stat* info)
{
    return !path.isEmpty() && ::stat(QFile::encodeName(path).constData(), info) == 0;
}

/// The number of open descriptors of this process.
int openDescriptors()
{
    int count = 0;
    if (DIR* dir = ::opendir("/proc/self/fd")) {
        while (const dirent* entry = ::readdir(dir))
            count += entry->d_name[0] != '.';
        ::closedir(dir);
        --count; // the one opendir holds
    }
    return count;
}

/// Whether this process may exceed RLIMIT_NPROC: the kernel does not apply it to root's user or
/// to a process with CAP_SYS_RESOURCE or CAP_SYS_ADMIN.
bool exemptFromProcessLimit()
{
    if (::getuid() == 0)
        return true;
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("CapEff:")) {
            const quint64 caps = line.mid(7).trimmed().toULongLong(nullptr, 16);
            return caps & ((quint64(1) << 24) | (quint64(1) << 21)); // CAP_SYS_RESOURCE, CAP_SYS_ADMIN
        }
    }
    return false;
}

/// Tasks (threads of every process) whose real user is `uid`: what RLIMIT_NPROC counts.
qint64 tasksOfUser(uid_t uid)
{
    qint64 tasks = 0;
    DIR* proc = ::opendir("/proc");
    if (!proc)
        return 0;
    while (const dirent* entry = ::readdir(proc)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        QFile status(QStringLiteral("/proc/%1/status").arg(QLatin1String(entry->d_name)));
        if (!status.open(QIODevice::ReadOnly))
            continue;
        qint64 threads = 0;
        bool mine = false;
        for (const QByteArray& line : status.readAll().split('\n')) {
            if (line.startsWith("Uid:"))
                mine = line.mid(4).simplified().split(' ').value(0).toUInt() == uid;
            else if (line.startsWith("Threads:"))
                threads = line.mid(8).trimmed().toLongLong();
        }
        if (mine)
            tasks += qMax<qint64>(1, threads);
    }
    ::closedir(proc);
    return tasks;
}

/// Every task of the machine (the 4th field of /proc/loadavg, "running/total"): a cheap upper
/// bound of one user's.
qint64 tasksOfMachine()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = file.readAll().split(' ');
    if (fields.size() < 4 || !fields[3].contains('/'))
        return -1;
    return fields[3].split('/').value(1).toLongLong();
}

/// "use --workers N or fewer", or what to change when not even one fits.
QString fitAdvice(qint64 fit, const QString& otherwise)
{
    if (fit >= 1)
        return QStringLiteral("use --workers %1 or fewer").arg(fit);
    return otherwise.startsWith(QLatin1String("ulimit")) ? QStringLiteral("raise the limit (%1)").arg(otherwise)
                                                         : otherwise;
}

} // namespace

PreflightError checkOutputsAreNotInputs(const JobSpec& spec, const QString& resumeFrom)
{
    struct Named
    {
        QString what;
        QString path;
    };
    QVector<Named> reads { { QStringLiteral("input"), inputFile(spec.input) } };
    if (spec.indices.startsWith(QLatin1Char('@')))
        reads.append({ QStringLiteral("index file"), spec.indices.mid(1) });
    const QVector<Named> writes { { QStringLiteral("output"), spec.output },
                                  { QStringLiteral("summary"), spec.summary } };
    struct stat a, b;
    if (!resumeFrom.isEmpty() && statOf(resumeFrom, &a) && statOf(inputFile(spec.input), &b) && a.st_dev == b.st_dev
        && a.st_ino == b.st_ino)
        return PreflightError::make(
            Kind::SameFile,
            QStringLiteral("--resume %1 is the input %2 itself, not a partial result").arg(resumeFrom, spec.input));
    for (int w = 0; w < writes.size(); ++w) {
        if (!statOf(writes[w].path, &a))
            continue; // not there yet: a new file is nobody's input
        for (const Named& read : reads) {
            if (statOf(read.path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
                return PreflightError::make(Kind::SameFile,
                                            QStringLiteral("%1 %2 is the same file as the %3 %4: the run would "
                                                           "replace it; choose another %1")
                                                .arg(writes[w].what, writes[w].path, read.what, read.path));
        }
        for (int other = w + 1; other < writes.size(); ++other) {
            if (statOf(writes[other].path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
                return PreflightError::make(
                    Kind::SameFile,
                    QStringLiteral("%1 %2 and %3 %4 are the same file")
                        .arg(writes[w].what, writes[w].path, writes[other].what, writes[other].path));
        }
    }
    return {};
}

qint64 estimatedOutputBytes(const QString& path, qint64 tasks, qint64 width, qint64 accumulatorCells)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const qint64 values = accumulatorCells > 0 ? accumulatorCells : tasks * qMax<qint64>(1, width);
    if (values < 0 || tasks < 0)
        return -1;
    if (suffix == QLatin1String("npy"))
        return 128 + values * 8; // a header of at most 128 bytes for one or two dimensions
    if (suffix == QLatin1String("h5") || suffix == QLatin1String("hdf5"))
        return values * 8 + (accumulatorCells > 0 ? 0 : tasks * 8); // the values, and the indices beside them
    if (suffix == QLatin1String("csv"))
        return values * 2 + tasks; // at least ",v" per value and a line break per row
    return -1;
}

PreflightError checkFreeSpace(const QString& path, qint64 bytes, const QString& what)
{
    if (bytes <= 0 || path.isEmpty())
        return {};
    const QString folder = QFileInfo(path).absolutePath();
    struct statvfs fs;
    if (::statvfs(QFile::encodeName(folder).constData(), &fs) != 0)
        return {}; // the write itself will say what is wrong
    // Root may use the blocks reserved for it; everyone else only the available ones.
    const qint64 freeBytes = qint64(::geteuid() == 0 ? fs.f_bfree : fs.f_bavail) * qint64(fs.f_frsize);
    // A file size limit (`ulimit -f`) ends a write as surely as a full disk does.
    struct rlimit size;
    if (::getrlimit(RLIMIT_FSIZE, &size) == 0 && size.rlim_cur != RLIM_INFINITY && bytes > qint64(size.rlim_cur))
        return PreflightError::make(Kind::NoSpace,
                                    QStringLiteral("%1 %2 needs %3 (%4 bytes), but files may not exceed %5 (%6 bytes, "
                                                   "ulimit -f)")
                                        .arg(what, path, formatBytes(bytes))
                                        .arg(bytes)
                                        .arg(formatBytes(qint64(size.rlim_cur)))
                                        .arg(qint64(size.rlim_cur)));
    // An existing file is replaced only once the new one is complete: both exist for a moment.
    if (bytes > freeBytes)
        return PreflightError::make(Kind::NoSpace,
                                    QStringLiteral("%1 %2 needs %3 (%4 bytes), but only %5 (%6 bytes) are free in %7")
                                        .arg(what, path, formatBytes(bytes))
                                        .arg(bytes)
                                        .arg(formatBytes(freeBytes))
                                        .arg(freeBytes)
                                        .arg(folder));
    return {};
}

PreflightError checkWorkerBudget(int workers)
{
    if (workers <= 0)
        return {};
    // Descriptors: the pool holds a few per worker for as long as the worker runs.
    struct rlimit files;
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
        const qint64 open = openDescriptors();
        const qint64 needed = open + kDescriptorsReserved + qint64(workers) * kDescriptorsPerWorker;
        if (needed > qint64(files.rlim_cur)) {
            // The soft limit is a default a program may raise up to the hard one (what every
            // program that needs many descriptors does); Qt polls, so none is too high for it.
            struct rlimit raised = files;
            raised.rlim_cur = files.rlim_max;
            if (files.rlim_max != RLIM_INFINITY && needed <= qint64(files.rlim_max)
                && ::setrlimit(RLIMIT_NOFILE, &raised) == 0)
                files = raised;
        }
        if (needed > qint64(files.rlim_cur)) {
            const qint64 fit
                = qMax<qint64>(0, (qint64(files.rlim_cur) - open - kDescriptorsReserved) / kDescriptorsPerWorker);
            return PreflightError::make(Kind::Descriptors,
                                        QStringLiteral("%1 workers need about %2 file descriptors (%3 each, %4 open "
                                                       "already), but the limit is %5 (ulimit -n, hard limit %6): %7")
                                            .arg(workers)
                                            .arg(needed)
                                            .arg(kDescriptorsPerWorker)
                                            .arg(open)
                                            .arg(qint64(files.rlim_cur))
                                            .arg(files.rlim_max == RLIM_INFINITY
                                                     ? QStringLiteral("unlimited")
                                                     : QString::number(qint64(files.rlim_max)))
                                            .arg(fitAdvice(fit, QStringLiteral("ulimit -n"))));
        }
    }
    // Processes: RLIMIT_NPROC counts every task of the user, on the whole machine.
    struct rlimit processes;
    if (::getrlimit(RLIMIT_NPROC, &processes) == 0 && processes.rlim_cur != RLIM_INFINITY
        && !exemptFromProcessLimit()) {
        const qint64 needed = qint64(workers) * kTasksPerWorker;
        const qint64 limit = qint64(processes.rlim_cur);
        const qint64 machine = tasksOfMachine();
        // Counting the user's tasks reads every /proc/PID/status: only when it can matter.
        if (machine < 0 || machine + needed > limit) {
            const qint64 used = tasksOfUser(::getuid());
            if (used + needed > limit) {
                const qint64 fit = qMax<qint64>(0, (limit - used) / kTasksPerWorker);
                return PreflightError::make(Kind::Processes,
                                            QStringLiteral("%1 workers need about %2 processes and threads (%3 each), "
                                                           "but this user may start only %4 more (ulimit -u %5, %6 in "
                                                           "use): %7")
                                                .arg(workers)
                                                .arg(needed)
                                                .arg(kTasksPerWorker)
                                                .arg(qMax<qint64>(0, limit - used))
                                                .arg(limit)
                                                .arg(used)
                                                .arg(fitAdvice(fit, QStringLiteral("ulimit -u"))));
            }
        }
    }
    // Memory: each worker's own pages (the shared segments are checked when they are made).
    const qint64 available = availableMemoryBytes();
    const qint64 needed = qint64(workers) * kMemoryPerWorker;
    if (available > 0 && needed > available) {
        const CgroupMemory cgroup = cgroupMemory();
        const bool byCgroup = cgroup.limitBytes >= 0 && cgroup.headroomBytes() <= available;
        return PreflightError::make(
            Kind::Memory,
            QStringLiteral("%1 workers need about %2 of memory of their own (%3 each), but only %4 is available%5: %6")
                .arg(workers)
                .arg(formatBytes(needed), formatBytes(kMemoryPerWorker), formatBytes(available),
                     byCgroup
                         ? QStringLiteral(" under the memory cgroup's limit of %1").arg(formatBytes(cgroup.limitBytes))
                         : QString())
                .arg(fitAdvice(available / kMemoryPerWorker, QStringLiteral("free some memory"))));
    }
    return {};
}

PreflightError checkJobFileTrusted(const QString& path)
{
    struct stat file;
    if (path.isEmpty() || ::stat(QFile::encodeName(path).constData(), &file) != 0)
        return {}; // JobSpec::load says what is wrong with it
    const uid_t me = ::geteuid();
    const auto refuse = [&path](const QString& why) {
        return PreflightError::make(Kind::UntrustedJobFile,
                                    QStringLiteral("job file %1 %2: a job file is trusted like code (it names plugins "
                                                   "and files to load), so it must be writable only by you")
                                        .arg(path, why));
    };
    if (file.st_uid != me && file.st_uid != 0)
        return refuse(QStringLiteral("belongs to another user (uid %1)").arg(file.st_uid));
    if (file.st_mode & S_IWOTH)
        return refuse(
            QStringLiteral("is writable by every user (mode %1)").arg(file.st_mode & 07777, 4, 8, QLatin1Char('0')));
    if ((file.st_mode & S_IWGRP) && file.st_gid != ::getegid())
        return refuse(QStringLiteral("is writable by the group %1 (mode %2)")
                          .arg(file.st_gid)
                          .arg(file.st_mode & 07777, 4, 8, QLatin1Char('0')));
    // Whoever may write the folder may replace the file, unless the sticky bit stops them.
    const QString folder = QFileInfo(QFileInfo(path).canonicalFilePath()).absolutePath();
    struct stat dir;
    if (::stat(QFile::encodeName(folder).constData(), &dir) == 0 && !(dir.st_mode & S_ISVTX)) {
        if ((dir.st_mode & S_IWOTH) || (dir.st_uid != me && dir.st_uid != 0)
            || ((dir.st_mode & S_IWGRP) && dir.st_gid != ::getegid()))
            return refuse(QStringLiteral("lies in %1, which other users may write").arg(folder));
    }
    return {};
}

} // namespace sharedmap
