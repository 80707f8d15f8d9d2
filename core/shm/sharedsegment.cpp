#include "shm/sharedsegment.h"

#include "base/procstats.h"

#include <cerrno>
#include <cstring>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <sys/ipc.h>
#include <sys/mman.h>
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

/// The System V id the key file at `path` leads to (ftok, then shmget); -1 when there is none.
int segmentIdOf(const QByteArray& path)
{
    const key_t key = ftok(path.constData(), 'Q');
    return key == -1 ? -1 : shmget(key, 0, 0);
}
} // namespace

SharedSegment::~SharedSegment()
{
    if (m_owner) {
        removeNow();
        // Detach here, so QSharedMemory's own detach finds nothing attached and stops before
        // it looks the (now free) key up again.
        shmdt(m_data);
        return;
    }
    if (m_data)
        shmdt(m_data);
}

std::unique_ptr<SharedSegment> SharedSegment::create(const QString& prefix, qint64 bytes, QString* error)
{
    // Refuse up front what would not fit, rather than be OOM-killed halfway through a load.
    const QString tooBig = checkSharedMemoryFits(qMax<qint64>(bytes, 1));
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
        segment->m_memory.setNativeKey(keyFile(name));
        if (segment->m_memory.create(qMax<qint64>(bytes, 1), QSharedMemory::ReadWrite)) {
            segment->m_name = name;
            segment->m_owner = true;
            segment->m_writable = true;
            segment->m_data = static_cast<char*>(segment->m_memory.data());
            segment->m_size = segment->m_memory.size();
            // The key leads to the segment just made (IPC_EXCL): keep its id, so that removing it
            // later never goes through a key that may by then name someone else's segment.
            segment->m_id = segmentIdOf(QFile::encodeName(keyFile(name)));
            return segment;
        }
        // ftok() can map two names to one key: a collision is retried under a new name. So is a
        // segment that vanished between Qt's shmget and shmat (EINVAL, seen once in CI while
        // other processes cleaned up stale segments whose key file's inode ours had reused).
        if (segment->m_memory.error() == QSharedMemory::AlreadyExists
            || segment->m_memory.error() == QSharedMemory::UnknownError
            || segment->m_memory.error() == QSharedMemory::NotFound)
            continue;
        *error = QStringLiteral("cannot create a shared-memory segment of %1 bytes: %2")
                     .arg(bytes)
                     .arg(segment->m_memory.errorString());
        return nullptr;
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
    const key_t key = ftok(QFile::encodeName(keyFile(name)).constData(), 'Q'); // fails when the key file is gone
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
    const QStringList keyFiles = directory.entryList({ QStringLiteral("qipc_sharedmemory_sharedmap-*") }, QDir::Files);
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
        struct stat keyInfo;
        if (::stat(QFile::encodeName(path).constData(), &keyInfo) != 0 || keyInfo.st_uid != geteuid())
            continue; // another user's run: not ours to judge
        const int id = segmentIdOf(QFile::encodeName(path));
        if (id != -1) {
            shmid_ds info;
            if (shmctl(id, IPC_STAT, &info) != 0 || info.shm_perm.uid != geteuid())
                continue;
            // ftok() keeps only 16 bits of the key file's inode, so a dead run's key file can
            // name a live segment of someone else: remove the segment only if the dead owner
            // created it. Otherwise its own segment is long gone and only the key file is left.
            // And the pid may have been reused since, by a live process whose own new segment
            // got the same key: then leave the segment (a dead owner's leftover waits for the
            // next clean-up) rather than risk removing live data.
            if (qint64(info.shm_cpid) == pid && processStartTime(pid) <= 0) {
                stale.bytes = qint64(info.shm_segsz);
                if (shmctl(id, IPC_RMID, nullptr) != 0)
                    continue;
            }
        }
        if (!QFile::remove(path))
            continue;
        removed.append(stale);
    }
    return removed;
}

void SharedSegment::removeNow()
{
    // Mark the segment for removal now, so it goes away when the last process detaches even if
    // that process is killed (Qt only removes it when a QSharedMemory detaches last).
    if (m_id != -1)
        shmctl(m_id, IPC_RMID, nullptr);
    QFile::remove(m_memory.nativeKey());
}

} // namespace sharedmap
