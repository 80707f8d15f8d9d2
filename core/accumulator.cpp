#include "accumulator.h"

#include "jobsegment.h"

#include <QString>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace sharedmap {

qint64 SharedAccumulator::bytesFor(qint64 cells)
{
    return qint64(sizeof(AccumulatorHeader)) + cells * qint64(sizeof(qint64));
}

QString SharedAccumulator::initialise(void* base, qint64 cells, int parties)
{
    auto* header = new (base) AccumulatorHeader;
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    int rc = pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    if (rc == 0)
        rc = pthread_mutex_init(&header->mutex, &attributes);
    pthread_mutexattr_destroy(&attributes);
    if (rc != 0)
        return QStringLiteral("cannot create the shared mutex: %1").arg(QString::fromLocal8Bit(std::strerror(rc)));
    header->arrived.store(0, std::memory_order_relaxed);
    header->parties = parties;
    header->cells = cells;
    header->recoveredLocks.store(0, std::memory_order_relaxed);
    std::memset(static_cast<char*>(base) + sizeof(AccumulatorHeader), 0, size_t(cells) * sizeof(qint64));
    return {};
}

void SharedAccumulator::lock()
{
    const int rc = pthread_mutex_lock(&m_header->mutex);
    if (rc == EOWNERDEAD) {
        // The previous owner died inside its critical section. Its half-done update is the
        // kernel's to judge (the race demo's counter simply keeps what was written); the lock
        // itself is made usable again.
        pthread_mutex_consistent(&m_header->mutex);
        m_header->recoveredLocks.fetch_add(1, std::memory_order_relaxed);
    }
}

void SharedAccumulator::unlock()
{
    pthread_mutex_unlock(&m_header->mutex);
}

void SharedAccumulator::arriveAndWait(int timeoutMs)
{
    m_header->arrived.fetch_add(1, std::memory_order_acq_rel);
    const qint64 deadline = monotonicNs() + qint64(timeoutMs) * 1000000;
    // Spin (so every party leaves within a microsecond of the last arrival and the race really
    // overlaps), then sleep between checks once the wait is long.
    const qint64 spinUntil = monotonicNs() + 20000000;
    while (m_header->arrived.load(std::memory_order_acquire) < m_header->parties) {
        const qint64 now = monotonicNs();
        if (now >= deadline)
            break;
        if (now > spinUntil) {
            timespec pause { 0, 100000 };
            nanosleep(&pause, nullptr);
        }
    }
}

} // namespace sharedmap
