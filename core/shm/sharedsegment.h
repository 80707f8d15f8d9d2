#pragma once

#include <memory>
#include <QSharedMemory>
#include <QString>
#include <QVector>

namespace sharedmap {

/// One System V shared-memory segment made through QSharedMemory: created owner-only under a
/// fresh random name (a collision is retried with a new name, never attached), or attached by
/// a worker from the name it was given. Only the creator ever removes the segment — by the id it
/// created, when it is destroyed. Others attach and detach with shmat/shmdt themselves, because
/// QSharedMemory's detach looks the segment up again by key and removes whatever has no
/// attachments there; once the creator has freed the key (`ftok` keeps 16 bits of the key file's
/// inode, and inodes are reused), that can be another run's brand-new segment.
class SharedSegment
{
public:
    ~SharedSegment();
    SharedSegment(const SharedSegment&) = delete;
    SharedSegment& operator=(const SharedSegment&) = delete;

    /// Creates a zero-filled segment of `bytes` (at least 1) named `<prefix>-<pid>-<random>`.
    static std::unique_ptr<SharedSegment> create(const QString& prefix, qint64 bytes, QString* error);
    /// Attaches to an existing segment, read-only unless `writable`.
    static std::unique_ptr<SharedSegment> attach(const QString& name, bool writable, QString* error);

    /// The name workers attach with.
    QString name() const { return m_name; }
    qint64 size() const { return m_size; }
    /// The System V id (the `shmid` column of /proc/sysvipc/shm), -1 when unknown.
    int id() const { return m_id; }
    char* data() { return m_data; }
    const char* constData() const { return m_data; }
    bool isOwner() const { return m_owner; }
    /// True when this process may write the segment (its creator, or attached writable).
    bool isWritable() const { return m_writable; }

private:
    SharedSegment() = default;
    void removeNow();

    QSharedMemory m_memory; ///< the creator's handle; unused when attached
    QString m_name;
    char* m_data = nullptr;
    qint64 m_size = 0;
    int m_id = -1; ///< System V id: of the segment this process created or attached
    bool m_owner = false;
    bool m_writable = false;
};

/// Maps the pages of [data, data + bytes) in one call instead of a page fault per 4 KiB
/// (`madvise` MADV_POPULATE_READ, or MADV_POPULATE_WRITE when `forWrite`); `data` need not be
/// page-aligned. A hint: failure (an older kernel) costs nothing but the faults it would save;
/// returns false (errno set) when the kernel refused it.
bool populatePages(const void* data, qint64 bytes, bool forWrite = false);

/// A segment left behind by a run whose owner died (SIGKILL, crash).
struct StaleSegment
{
    QString name;
    qint64 ownerPid = 0;
    qint64 bytes = 0; ///< 0 when only the key file was left
};

/// Removes the segments (and their `/tmp/qipc_sharedmemory_*` key files) of SharedMap runs whose
/// owner process is gone. Segment names carry the owner's pid and start time, so a live owner,
/// even one that reused a dead owner's pid, is never touched. Returns what was removed.
QVector<StaleSegment> removeStaleSegments();

} // namespace sharedmap
