#pragma once

#include <QtGlobal>

#include <atomic>
#include <pthread.h>

namespace sharedmap {

/// Header of the accumulator region of a job segment: the state that kernels whose tasks write
/// the same places share (histogram counts, the race demo's counter). Followed by `cells` int64.
struct alignas(64) AccumulatorHeader
{
    pthread_mutex_t mutex; ///< process-shared and robust: a worker dying inside survives
    alignas(64) std::atomic<qint32> arrived; ///< start barrier: workers that reached their first task
    qint32 parties; ///< workers the barrier waits for
    qint64 cells;
    std::atomic<qint64> recoveredLocks; ///< locks taken over from a worker that died holding them
};

/// Typed access to an accumulator region; the pool initialises it, workers use it.
class SharedAccumulator
{
public:
    /// Bytes an accumulator of `cells` int64 cells takes (header included).
    static qint64 bytesFor(qint64 cells);
    /// Initialises a zero-filled region at `base`: the robust mutex, the barrier, zero cells.
    /// Returns an error text.
    static QString initialise(void* base, qint64 cells, int parties);

    explicit SharedAccumulator(void* base)
        : m_header(static_cast<AccumulatorHeader*>(base))
        , m_cells(reinterpret_cast<qint64*>(static_cast<char*>(base) + sizeof(AccumulatorHeader)))
    {
    }

    qint64 cellCount() const { return m_header->cells; }
    qint64* cells() const { return m_cells; }
    /// Atomic add to one cell (no lock).
    void add(qint64 cell, qint64 value) { __atomic_fetch_add(&m_cells[cell], value, __ATOMIC_RELAXED); }
    qint64 load(qint64 cell) const { return __atomic_load_n(&m_cells[cell], __ATOMIC_RELAXED); }

    /// Takes the shared mutex. When its last owner died holding it, the mutex is marked
    /// consistent again and the recovery counted: the job goes on.
    void lock();
    void unlock();
    qint64 recoveredLocks() const { return m_header->recoveredLocks.load(std::memory_order_relaxed); }

    /// Start barrier: waits until every party arrived, or `timeoutMs` passed (a worker that died
    /// or never got a task must not hold the others forever).
    void arriveAndWait(int timeoutMs);

private:
    AccumulatorHeader* m_header;
    qint64* m_cells;
};

} // namespace sharedmap
