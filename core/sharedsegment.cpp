#include "sharedsegment.h"

#include <QCoreApplication>
#include <QFile>
#include <QRandomGenerator>

#include <sys/ipc.h>
#include <sys/shm.h>

namespace sharedmap {

namespace {
constexpr int kCreateAttempts = 16;
}

SharedSegment::~SharedSegment()
{
    if (m_owner)
        removeNow();
    m_memory.detach();
}

std::unique_ptr<SharedSegment> SharedSegment::create(const QString& prefix, qint64 bytes, QString* error)
{
    std::unique_ptr<SharedSegment> segment(new SharedSegment);
    for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
        const QString name = QStringLiteral("%1-%2-%3")
                                 .arg(prefix)
                                 .arg(QCoreApplication::applicationPid())
                                 .arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
        segment->m_memory.setNativeKey(QStringLiteral("/tmp/qipc_sharedmemory_") + name);
        if (segment->m_memory.create(qMax<qint64>(bytes, 1), QSharedMemory::ReadWrite)) {
            segment->m_name = name;
            segment->m_owner = true;
            return segment;
        }
        // ftok() can map two names to one key: a collision is retried under a new name.
        if (segment->m_memory.error() == QSharedMemory::AlreadyExists)
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
    segment->m_memory.setNativeKey(QStringLiteral("/tmp/qipc_sharedmemory_") + name);
    if (!segment->m_memory.attach(writable ? QSharedMemory::ReadWrite : QSharedMemory::ReadOnly)) {
        *error = QStringLiteral("cannot attach to segment %1: %2").arg(name, segment->m_memory.errorString());
        return nullptr;
    }
    segment->m_name = name;
    return segment;
}

void SharedSegment::removeNow()
{
    // Mark the segment for removal now, so it goes away when the last process detaches even if
    // that process is killed (Qt only removes it when a QSharedMemory detaches last).
    const QByteArray keyFile = QFile::encodeName(m_memory.nativeKey());
    const key_t key = ftok(keyFile.constData(), 'Q');
    if (key != -1) {
        const int id = shmget(key, 0, 0);
        if (id != -1)
            shmctl(id, IPC_RMID, nullptr);
    }
    QFile::remove(m_memory.nativeKey());
}

} // namespace sharedmap
