#include "shm/sharedsegment.h"

#include "base/procstats.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sharedmap {

namespace {
constexpr int kCreateAttempts = 16;
/// Key files live in one fixed folder, whatever TMPDIR says, so that every process (workers,
/// a later clean-up with another environment) finds the same file for the same name.
const char kKeyDirectory[] = "/tmp";

QString keyFile(const QString& name)
{
    return QStringLiteral("%1/qipc_sharedmemory_%2").arg(QLatin1String(kKeyDirectory), name);
}

/// The creator's pid and start time a SharedMap segment name carries
/// (`sharedmap-<kind>-<pid>-<start>-<random>`); false for another name.
bool parseSegmentName(const QString& name, qint64* pid, qint64* started)
{
    static const QRegularExpression pattern(QStringLiteral("^sharedmap-[a-z]+-(\\d+)-(\\d+)-[0-9a-f]+$"));
    const QRegularExpressionMatch match = pattern.match(name);
    if (!match.hasMatch())
        return false;
    *pid = match.captured(1).toLongLong();
    *started = match.captured(2).toLongLong();
    return true;
}

QString formatMiB(qint64 bytes)
{
    return QStringLiteral("%1 MiB").arg(double(bytes) / double(1 << 20), 0, 'f', 1);
}

/// The System V key of the key file at `path`, as ftok(path, 'Q') makes it, but never through a
/// symlink (ftok follows one to any file, whose key may be another program's live segment) and
/// only for a regular file; -1 otherwise. `info` receives the key file's own stat.
key_t keyOf(const QByteArray& path, struct stat* info)
{
    const int fd = ::open(path.constData(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    const bool ok = ::fstat(fd, info) == 0 && S_ISREG(info->st_mode);
    ::close(fd);
    if (!ok)
        return -1;
    // glibc's ftok(): 16 bits of the inode, 8 of the device, 8 of the project id.
    return key_t((info->st_ino & 0xffff) | ((info->st_dev & 0xff) << 16) | ((quint32('Q') & 0xff) << 24));
}

/// The System V id the key file at `path` leads to; -1 when there is none.
int segmentIdOf(const QByteArray& path, struct stat* info)
{
    const key_t key = keyOf(path, info);
    return key == -1 ? -1 : shmget(key, 0, 0);
}
} // namespace

SharedSegment::~SharedSegment()
{
    if (m_owner)
        removeNow();
    if (m_data)
        shmdt(m_data);
}

std::unique_ptr<SharedSegment> SharedSegment::create(const QString& prefix, qint64 bytes, QString* error)
{
    // Refuse up front what would not fit, rather than be OOM-killed halfway through a load.
    bytes = qMax<qint64>(bytes, 1);
    const QString tooBig = checkSharedMemoryFits(bytes);
    if (!tooBig.isEmpty()) {
        *error = tooBig;
        return nullptr;
    }
    std::unique_ptr<SharedSegment> segment(new SharedSegment);
    // The owner's pid and start time are part of the name: clean-up can tell a dead owner's
    // segment from a live one even after the pid is reused.
    static const qint64 pid = QCoreApplication::applicationPid();
    static const qint64 started = processStartTime(pid);
    for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
        const QString name = QStringLiteral("%1-%2-%3-%4")
                                 .arg(prefix)
                                 .arg(pid)
                                 .arg(started)
                                 .arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
        // What QSharedMemory does with a native key, but every step that fails undoes the ones
        // before it (Qt 6.4 leaves the segment and its key file behind when shmat fails, e.g.
        // under `ulimit -v`). The key file is made fresh and never through a symlink.
        const QByteArray path = QFile::encodeName(keyFile(name));
        const int fd = ::open(path.constData(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            if (errno == EEXIST)
                continue;
            *error = QStringLiteral("cannot create the key file %1: %2")
                         .arg(keyFile(name), QString::fromLocal8Bit(std::strerror(errno)));
            return nullptr;
        }
        ::close(fd);
        const key_t key = ftok(path.constData(), 'Q');
        const int id = key == -1 ? -1 : shmget(key, size_t(bytes), IPC_CREAT | IPC_EXCL | 0600);
        if (id == -1) {
            const int code = errno;
            ::unlink(path.constData());
            // ftok() can map two names to one key: a collision is retried under a new name.
            if (code == EEXIST)
                continue;
            *error = QStringLiteral("cannot create a shared-memory segment of %1 bytes: %2")
                         .arg(bytes)
                         .arg(systemErrorText(code));
            return nullptr;
        }
        void* address = shmat(id, nullptr, 0);
        if (address == reinterpret_cast<void*>(-1)) {
            const int code = errno;
            shmctl(id, IPC_RMID, nullptr);
            ::unlink(path.constData());
            // A segment that vanished between shmget and shmat (seen once in CI while other
            // processes cleaned up stale segments whose key file's inode ours had reused).
            if (code == EINVAL || code == EIDRM)
                continue;
            *error = QStringLiteral("cannot map a shared-memory segment of %1: %2")
                         .arg(formatMiB(bytes), systemErrorText(code));
            return nullptr;
        }
        segment->m_name = name;
        segment->m_keyFile = keyFile(name);
        segment->m_owner = true;
        segment->m_writable = true;
        segment->m_data = static_cast<char*>(address);
        segment->m_size = bytes;
        // Kept so that removing the segment later never goes through a key that may by then
        // name someone else's segment.
        segment->m_id = id;
        return segment;
    }
    *error = QStringLiteral("cannot create a shared-memory segment: every name tried was taken");
    return nullptr;
}

std::unique_ptr<SharedSegment> SharedSegment::attach(const QString& name, bool writable, QString* error)
{
    std::unique_ptr<SharedSegment> segment(new SharedSegment);
    if (name.isEmpty() || name.contains(QLatin1Char('/'))) {
        *error = QStringLiteral("bad segment name '%1'").arg(name);
        return nullptr;
    }
    struct stat keyInfo;
    const key_t key = keyOf(QFile::encodeName(keyFile(name)), &keyInfo); // fails when the key file is gone
    if (key == -1) {
        *error = QStringLiteral("cannot attach to segment %1: it does not exist").arg(name);
        return nullptr;
    }
    const int id = shmget(key, 0, 0);
    shmid_ds info;
    if (id == -1 || shmctl(id, IPC_STAT, &info) != 0) {
        *error
            = QStringLiteral("cannot attach to segment %1: %2").arg(name, QString::fromLocal8Bit(std::strerror(errno)));
        return nullptr;
    }
    // Two key files can share a key (16 bits of inode): the segment must be the one the name's
    // creator made.
    qint64 creator = 0, started = 0;
    if (parseSegmentName(name, &creator, &started) && qint64(info.shm_cpid) != creator) {
        *error = QStringLiteral("cannot attach to segment %1: its key leads to a segment of process %2")
                     .arg(name)
                     .arg(qint64(info.shm_cpid));
        return nullptr;
    }
    void* address = shmat(id, nullptr, writable ? 0 : SHM_RDONLY);
    if (address == reinterpret_cast<void*>(-1)) {
        *error
            = QStringLiteral("cannot attach to segment %1: %2").arg(name, QString::fromLocal8Bit(std::strerror(errno)));
        return nullptr;
    }
    segment->m_name = name;
    segment->m_data = static_cast<char*>(address);
    segment->m_size = qint64(info.shm_segsz);
    segment->m_id = id;
    segment->m_writable = writable;
    return segment;
}

bool populatePages(const void* data, qint64 bytes, bool forWrite)
{
    if (bytes <= 0)
        return true;
    static const quintptr page = quintptr(sysconf(_SC_PAGESIZE));
    const quintptr start = quintptr(data) & ~(page - 1);
    const quintptr end = quintptr(data) + quintptr(bytes);
    return madvise(reinterpret_cast<void*>(start), size_t(end - start),
                   forWrite ? MADV_POPULATE_WRITE : MADV_POPULATE_READ)
        == 0;
}

QVector<StaleSegment> removeStaleSegments()
{
    QVector<StaleSegment> removed;
    const QDir directory(QString::fromLatin1(kKeyDirectory));
    const QStringList keyFiles = directory.entryList({ QStringLiteral("qipc_sharedmemory_sharedmap-*") },
                                                     QDir::Files | QDir::System | QDir::Hidden);
    const uid_t me = geteuid();
    for (const QString& file : keyFiles) {
        const QString name = file.mid(int(qstrlen("qipc_sharedmemory_")));
        qint64 pid = 0, started = 0;
        if (!parseSegmentName(name, &pid, &started))
            continue;
        if (processStartTime(pid) == started)
            continue; // the owner is alive: not ours to touch
        StaleSegment stale;
        stale.name = name;
        stale.ownerPid = pid;
        const QString path = directory.filePath(file);
        const QByteArray local = QFile::encodeName(path);
        // Only a regular key file of the caller's own: a symlink (anyone can plant one in /tmp)
        // is never followed, and another user's run is not ours to judge.
        struct stat keyInfo;
        if (::lstat(local.constData(), &keyInfo) != 0 || !S_ISREG(keyInfo.st_mode) || keyInfo.st_uid != me)
            continue;
        const int id = segmentIdOf(local, &keyInfo);
        if (id != -1) {
            shmid_ds info;
            if (shmctl(id, IPC_STAT, &info) != 0 || info.shm_perm.uid != me || info.shm_perm.cuid != me)
                continue;
            // ftok() keeps only 16 bits of the key file's inode, so a dead run's key file can
            // name a live segment of someone else: remove the segment only if the dead owner
            // created it. Otherwise its own segment is long gone and only the key file is left.
            // And the pid may have been reused since, by a live process whose own new segment
            // got the same key: then leave the segment (a dead owner's leftover waits for the
            // next clean-up) rather than risk removing live data.
            if (qint64(info.shm_cpid) == pid && processStartTime(pid) <= 0) {
                // Still attached (a window showing the dead run, a worker not yet gone): in use,
                // so neither the segment nor the key file late attachers need is removed now.
                if (info.shm_nattch > 0)
                    continue;
                stale.bytes = qint64(info.shm_segsz);
                if (shmctl(id, IPC_RMID, nullptr) != 0)
                    continue;
            }
        }
        if (::unlink(local.constData()) != 0)
            continue;
        removed.append(stale);
    }
    return removed;
}

QString systemErrorText(int code)
{
    QString text = QString::fromLocal8Bit(std::strerror(code));
    struct rlimit limit;
    if (code == ENOMEM && ::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        text += QStringLiteral(" (the address-space limit, ulimit -v, is %1 MiB)").arg(qint64(limit.rlim_cur >> 20));
    return text;
}

void SharedSegment::removeNow()
{
    // Mark the segment for removal now, so it goes away when the last process detaches even if
    // that process is killed (Qt only removes it when a QSharedMemory detaches last).
    if (m_id != -1)
        shmctl(m_id, IPC_RMID, nullptr);
    ::unlink(QFile::encodeName(m_keyFile).constData());
}

} // namespace sharedmap
