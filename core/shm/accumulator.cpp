#include "shm/accumulator.h"

#include "shm/jobsegment.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <QString>

namespace sharedmap {

qint64 SharedAccumulator::bytesFor(qint64 cells, qint64 journalCapacity, qint64 positions)
{
    qint64 words = 0;
    if (cells < 0 || journalCapacity < 0 || positions < 0 || __builtin_mul_overflow(journalCapacity, 2, &words)
        || __builtin_add_overflow(words, cells, &words) || __builtin_add_overflow(words, (positions + 63) / 64, &words)
        || words > (qint64(1) << 56))
        return -1;
    return qint64(sizeof(AccumulatorHeader)) + words * qint64(sizeof(qint64));
}

QString SharedAccumulator::initialise(void* base, qint64 cells, int parties, qint64 journalCapacity, qint64 positions)
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
    header->journalCapacity = journalCapacity;
    header->positions = positions;
    header->journalPending = 0;
    header->journalPosition = 0;
    header->journalCount = 0;
    std::memset(static_cast<char*>(base) + sizeof(AccumulatorHeader), 0,
                size_t(bytesFor(cells, journalCapacity, positions)) - sizeof(AccumulatorHeader));
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

bool SharedAccumulator::isCommitted(qint64 position) const
{
    if (position < 0 || position >= m_header->positions)
        return false;
    return (__atomic_load_n(&m_committed[position / 64], __ATOMIC_ACQUIRE) >> (position % 64)) & 1;
}

void SharedAccumulator::finishJournal()
{
    if (m_header->journalPending != 1)
        return;
    const qint64 position = m_header->journalPosition;
    const qint64 count = m_header->journalCount;
    // The journal lies in memory every worker can write: never trust it to index out of bounds.
    if (position >= 0 && position < m_header->positions && count >= 0 && count <= m_header->journalCapacity) {
        for (qint64 k = 0; k < count; ++k) {
            const qint64 cell = m_journal[2 * k];
            if (cell >= 0 && cell < m_header->cells)
                __atomic_store_n(&m_cells[cell], m_journal[2 * k + 1], __ATOMIC_RELAXED);
        }
        __atomic_fetch_or(&m_committed[position / 64], quint64(1) << (position % 64), __ATOMIC_RELEASE);
    }
    m_header->journalPending = 0;
}

bool SharedAccumulator::commitOnce(qint64 position, const qint64* cells, const qint64* deltas, qint64 count,
                                   CommitCrash crash)
{
    if (position < 0 || position >= m_header->positions || count < 0 || count > m_header->journalCapacity)
        return false;
    lock();
    finishJournal(); // a committer that died after its commit point
    if (isCommitted(position)) {
        unlock();
        return false;
    }
    for (qint64 k = 0; k < count; ++k) {
        m_journal[2 * k] = cells[k];
        m_journal[2 * k + 1] = load(cells[k]) + deltas[k];
    }
    m_header->journalPosition = position;
    m_header->journalCount = count;
    __atomic_store_n(&m_header->journalPending, qint64(1), __ATOMIC_RELEASE); // the commit point
    if (crash == CommitCrash::HalfApplied && recoveredLocks() == 0) {
        for (qint64 k = 0; k < count / 2; ++k)
            __atomic_store_n(&m_cells[cells[k]], m_journal[2 * k + 1], __ATOMIC_RELAXED);
        std::raise(SIGKILL); // test only: die half way through, once
    }
    finishJournal();
    unlock();
    return true;
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
