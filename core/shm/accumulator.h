#pragma once

#include <atomic>
#include <pthread.h>
#include <QtGlobal>

namespace sharedmap {

/// Header of the accumulator region of a job segment: the state that kernels whose tasks write
/// the same places share (histogram counts, the race demo's counter). Followed by `cells` int64,
/// then, for commitOnce(), a journal of `journalCapacity` (cell, new value) pairs and one bit per
/// job position (set once the position's adds are in the cells).
struct alignas(64) AccumulatorHeader
{
    pthread_mutex_t mutex; ///< process-shared and robust: a worker dying inside survives
    alignas(64) std::atomic<qint32> arrived; ///< start barrier: workers that reached their first task
    qint32 parties; ///< workers the barrier waits for
    qint64 cells;
    std::atomic<qint64> recoveredLocks; ///< locks taken over from a worker that died holding them
    qint64 journalCapacity; ///< pairs one commit may hold; 0 when the kernel never commits
    qint64 positions; ///< job positions the committed bits cover
    // The journal's state, written under the mutex only.
    qint64 journalPending; ///< 1 from a commit's journal being complete until its values are in
    qint64 journalPosition;
    qint64 journalCount;
};

/// Where a test makes commitOnce() die (SIGKILL), to check that the next locker finishes it.
enum class CommitCrash
{
    Never,
    HalfApplied
};

/// Typed access to an accumulator region; the pool initialises it, workers use it.
class SharedAccumulator
{
public:
    /// Bytes an accumulator of `cells` int64 cells takes (header included), with a journal of
    /// `journalCapacity` pairs and committed bits for `positions` positions; -1 on overflow.
    static qint64 bytesFor(qint64 cells, qint64 journalCapacity = 0, qint64 positions = 0);
    /// Initialises a zero-filled region at `base`: the robust mutex, the barrier, zero cells, an
    /// empty journal. Returns an error text.
    static QString initialise(void* base, qint64 cells, int parties, qint64 journalCapacity = 0, qint64 positions = 0);

    explicit SharedAccumulator(void* base)
        : m_header(static_cast<AccumulatorHeader*>(base))
        , m_cells(reinterpret_cast<qint64*>(static_cast<char*>(base) + sizeof(AccumulatorHeader)))
        , m_journal(m_cells + m_header->cells)
        , m_committed(reinterpret_cast<quint64*>(m_journal + 2 * m_header->journalCapacity))
    { }

    /// The region's size as its header describes it (for checking it against the segment).
    qint64 bytes() const { return bytesFor(m_header->cells, m_header->journalCapacity, m_header->positions); }

    qint64 cellCount() const { return m_header->cells; }
    qint64 journalCapacity() const { return m_header->journalCapacity; }
    qint64 positions() const { return m_header->positions; }
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

    /// Adds `deltas[k]` to cell `cells[k]` (k < count ≤ journalCapacity) for job `position`,
    /// exactly once, so a retried task never counts twice: under the mutex the new values are
    /// written to the journal first (the commit point), then into the cells, then the position
    /// is marked. A commit whose worker died after its commit point is finished by the next
    /// locker; one that died before it left the cells untouched. Returns false (adding nothing)
    /// when the position was committed before, or when the arguments do not fit.
    bool commitOnce(qint64 position, const qint64* cells, const qint64* deltas, qint64 count,
                    CommitCrash crash = CommitCrash::Never);
    /// Whether `position`'s commit is in the cells.
    bool isCommitted(qint64 position) const;

private:
    /// Under the mutex: applies a dead committer's complete journal (idempotent).
    void finishJournal();

    AccumulatorHeader* m_header;
    qint64* m_cells;
    qint64* m_journal; ///< (cell, new value) pairs
    quint64* m_committed; ///< one bit per position
};

} // namespace sharedmap
