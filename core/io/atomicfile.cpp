#include "io/atomicfile.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <sys/stat.h>
#include <unistd.h>

namespace sharedmap {

namespace {

QString errnoText(int code)
{
    return QString::fromLocal8Bit(std::strerror(code));
}

/// What kind of file a mode is, for messages.
QString kindOf(mode_t mode)
{
    if (S_ISDIR(mode))
        return QStringLiteral("a folder");
    if (S_ISFIFO(mode))
        return QStringLiteral("a FIFO");
    if (S_ISCHR(mode))
        return QStringLiteral("a character device");
    if (S_ISBLK(mode))
        return QStringLiteral("a block device");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket");
    return QStringLiteral("not a regular file");
}

/// Follows the symlinks of `path` (not its folders') to what they lead to, which need not
/// exist; empty with `*error` set for a loop or an unreadable link.
QString followLinks(const QString& path, QString* error)
{
    QString current = path;
    for (int depth = 0; depth < 40; ++depth) {
        const QByteArray local = QFile::encodeName(current);
        struct stat info;
        if (::lstat(local.constData(), &info) != 0 || !S_ISLNK(info.st_mode))
            return current;
        char buffer[PATH_MAX];
        const ssize_t n = ::readlink(local.constData(), buffer, sizeof buffer - 1);
        if (n < 0) {
            *error = errnoText(errno);
            return {};
        }
        const QString target = QFile::decodeName(QByteArray(buffer, int(n)));
        current = QDir::isAbsolutePath(target) ? target : QFileInfo(current).absolutePath() + QLatin1Char('/') + target;
    }
    *error = errnoText(ELOOP);
    return {};
}

/// The process's umask, read without changing it (umask(2) would, for every thread).
mode_t currentUmask()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n')) {
            if (line.startsWith("Umask:"))
                return mode_t(std::strtol(line.mid(6).trimmed().constData(), nullptr, 8));
        }
    }
    return 022;
}

} // namespace

QString checkRegularFileTarget(const QString& path, const QString& what)
{
    QString problem;
    const QString target = followLinks(path, &problem);
    if (target.isEmpty())
        return QStringLiteral("%1 %2: %3").arg(what, path, problem);
    struct stat info;
    if (::stat(QFile::encodeName(target).constData(), &info) != 0)
        return {}; // not there yet: it will be created as a regular file
    if (S_ISREG(info.st_mode))
        return {};
    const QString via = target == path ? QString() : QStringLiteral(" (through a symlink to %1)").arg(target);
    return QStringLiteral("%1 %2 is %3%4: only regular files are written").arg(what, path, kindOf(info.st_mode), via);
}

AtomicFile::AtomicFile(const QString& path)
    : m_path(path)
{ }

AtomicFile::~AtomicFile()
{
    cancel();
}

bool AtomicFile::fail(const QString& reason)
{
    if (m_error.isEmpty())
        m_error = QStringLiteral("cannot write %1: %2").arg(m_path, reason);
    cancel();
    return false;
}

void AtomicFile::cancel()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (!m_temporary.isEmpty())
        ::unlink(QFile::encodeName(m_temporary).constData());
    m_temporary.clear();
}

bool AtomicFile::open()
{
    if (m_path.isEmpty() || m_path.contains(QChar(0)))
        return fail(QStringLiteral("bad file name"));
    QString problem;
    m_target = followLinks(QFileInfo(m_path).absoluteFilePath(), &problem);
    if (m_target.isEmpty())
        return fail(problem);
    struct stat existing;
    const bool exists = ::stat(QFile::encodeName(m_target).constData(), &existing) == 0;
    if (exists && !S_ISREG(existing.st_mode))
        return fail(QStringLiteral("it is %1, and only regular files are written").arg(kindOf(existing.st_mode)));
    const QFileInfo target(m_target);
    QByteArray pattern = QFile::encodeName(target.absolutePath() + QStringLiteral("/.") + target.fileName()
                                           + QStringLiteral(".XXXXXX"));
    m_fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (m_fd < 0)
        return fail(errnoText(errno));
    m_temporary = QFile::decodeName(pattern);
    // mkostemp makes the file 0600: give it the mode (and owner) the target had, or the mode a
    // new file would get.
    if (exists) {
        ::fchmod(m_fd, existing.st_mode & 07777);
        if (::geteuid() == 0) [[maybe_unused]]
            const int ignored = ::fchown(m_fd, existing.st_uid, existing.st_gid);
    } else {
        ::fchmod(m_fd, 0666 & ~currentUmask());
    }
    m_written = 0;
    return true;
}

bool AtomicFile::write(const void* data, qint64 bytes)
{
    if (m_fd < 0)
        return fail(m_error.isEmpty() ? QStringLiteral("the file is not open") : m_error);
    const char* at = static_cast<const char*>(data);
    while (bytes > 0) {
        const ssize_t n = ::write(m_fd, at, size_t(qMin<qint64>(bytes, qint64(1) << 30)));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail(errnoText(n < 0 ? errno : ENOSPC));
        at += n;
        bytes -= n;
        m_written += n;
    }
    return true;
}

bool AtomicFile::commit()
{
    if (m_fd < 0)
        return fail(QStringLiteral("the file is not open"));
    // Some filesystems report a full disk only when the data reaches it: flush before the
    // rename, so that a file that could not be stored never replaces the old one.
    if (::fdatasync(m_fd) != 0 && errno != EINVAL && errno != EROFS)
        return fail(errnoText(errno));
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0)
        return fail(errnoText(errno));
    if (::rename(QFile::encodeName(m_temporary).constData(), QFile::encodeName(m_target).constData()) != 0)
        return fail(errnoText(errno));
    m_temporary.clear();
    return true;
}

} // namespace sharedmap
