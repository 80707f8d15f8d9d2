#pragma once

#include "base/indexlist.h"
#include "base/status.h"
#include "shm/accumulator.h"
#include "shm/sharedarray.h"
#include "shm/sharedsegment.h"

#include <atomic>
#include <memory>

namespace sharedmap {

static_assert(std::atomic<qint64>::is_always_lock_free, "shared counters must be lock-free");

/// One finished chunk, kept in a small ring per worker so the pool can draw a timeline.
struct ChunkRecord
{
    qint64 begin;
    qint64 count;
    qint64 startNs; ///< CLOCK_MONOTONIC, comparable across processes
    qint64 endNs;
};

/// Per-worker slot, on its own cache lines: its worker writes the counters (the pool resets them
/// between worker processes), so no line is written by two workers. The pool publishes what only
/// it measures (restarts, CPU, memory) beside the ring, so a monitor in another process reads
/// the same worker table as the pool's own.
struct alignas(64) WorkerSlot
{
    static constexpr int kRingSize = 64;

    std::atomic<qint64> pid;
    std::atomic<qint32> state; ///< WorkerState
    std::atomic<qint32> generation; ///< bumped by the pool for each process started in the slot
    std::atomic<qint64> rangeBegin; ///< claimed positions [rangeBegin, rangeEnd); -1 when none
    std::atomic<qint64> rangeEnd;
    std::atomic<qint64> tasksDone; ///< positions this slot completed
    std::atomic<qint64> chunksDone;
    std::atomic<qint64> heartbeatNs;
    std::atomic<qint64> busyNs; ///< time spent inside chunks
    alignas(64) std::atomic<quint64> ringWritten; ///< records written so far (index = n % kRingSize)
    std::atomic<qint32> restarts; ///< by the pool: workers started again in this slot after a crash
    std::atomic<double> cpuPercent; ///< by the pool: CPU use over its last memory sample
    std::atomic<qint64> rssBytes; ///< by the pool, from /proc
    std::atomic<qint64> pssBytes;
    ChunkRecord ring[kRingSize];

    /// By the pool, before a worker (new, or a warm one given the job) takes the slot.
    void prepare(qint32 restartCount)
    {
        pid.store(0, std::memory_order_relaxed);
        state.store(qint32(WorkerState::Starting), std::memory_order_relaxed);
        generation.fetch_add(1, std::memory_order_relaxed);
        restarts.store(restartCount, std::memory_order_relaxed);
    }
};

/// How the pool ended a job, published in the job segment for monitors in other processes.
enum class JobOutcome : qint32
{
    Running = 0,
    Finished,
    Cancelled,
    Failed
};

/// A range of positions queued again after a worker died holding it.
struct RetryRange
{
    std::atomic<qint64> begin;
    std::atomic<qint64> end;
};

/// Header of the job segment. Followed, at the offsets it gives, by the worker slots, the retry
/// ring, the explicit index list (when not arithmetic), one status byte per position, the spec
/// and, for kernels that declare one, the shared accumulator. The results are not here: they
/// are the job's output array, a segment of their own (`outputSegment`, float64, shape
/// (taskCount, *result shape), NaN until computed) that outlives the job.
struct JobSegmentHeader
{
    static constexpr char kMagic[8] = { 'S', 'M', 'J', 'O', 'B', '0', '0', '1' };
    static constexpr quint32 kVersion = 4;

    char magic[8];
    quint32 version;
    quint32 headerBytes;
    qint64 totalBytes;
    qint32 slotCount;
    qint32 resultWidth; ///< doubles per position: the product of the kernel's result shape
    qint64 taskCount;
    qint64 chunkSize; ///< 0 = auto
    qint32 arithmetic; ///< index list is start + position * step
    qint32 copyInput; ///< copy mode: workers receive the input through their pipe, not the segment
    qint64 indexStart;
    qint64 indexStep;
    qint64 indexSpace; ///< n: every index lies in [0, n)
    qint64 slotsOffset;
    qint64 retryOffset;
    qint64 retryCapacity;
    qint64 indicesOffset;
    qint64 statusOffset;
    qint64 specOffset; ///< kernel name and typed parameters as compact JSON
    qint64 specBytes;
    qint64 accumulatorOffset; ///< 0 when the kernel has no accumulator
    qint64 accumulatorBytes;
    qint64 startNs; ///< CLOCK_MONOTONIC when the pool started the job
    char inputSegment[128]; ///< array segment name, empty when the kernel takes no input
    char outputSegment[128]; ///< the results' array segment, which workers attach writable

    alignas(64) std::atomic<qint64> nextPosition; ///< claim counter: fetch_add by workers
    alignas(64) std::atomic<qint64> retryPublished; ///< retry ranges the pool has queued
    std::atomic<qint64> retryClaimed; ///< retry ranges workers have taken
    alignas(64) std::atomic<qint32> cancel;
    std::atomic<qint64> firstTaskNs; ///< set once, by the first worker to start a task

    // Written by the pool only: the figures it alone knows, so that a monitor attached from
    // another process (engine/attachedjob.h) shows what the pool's own monitor shows.
    alignas(64) std::atomic<qint64> settledPositions; ///< completed without a worker: resumed, or failed after crashes
    std::atomic<double> rate; ///< tasks per second over the last second, as last sampled
    std::atomic<qint64> memoryBytes; ///< last memory reading of the app and its workers (PSS)
    std::atomic<qint64> peakMemoryBytes;
    std::atomic<qint64> retriedChunks;
    std::atomic<qint64> endNs; ///< CLOCK_MONOTONIC when the job ended; 0 while it runs
    std::atomic<qint32> outcome; ///< JobOutcome
};
static_assert(std::atomic<double>::is_always_lock_free, "shared figures must be lock-free");

/// Monotonic clock in nanoseconds, shared by all processes of the machine.
qint64 monotonicNs();

/// Typed access to a job segment, for the pool (which creates it) and workers (which attach).
class JobSegment
{
public:
    struct Layout
    {
        qint32 slotCount = 1;
        qint32 resultWidth = 1;
        QVector<qint64> resultShape; ///< one position's result; empty for a scalar
        qint64 chunkSize = 0;
        qint64 accumulatorCells = 0; ///< 0: none
        qint64 accumulatorJournal = 0; ///< pairs one SharedAccumulator::commitOnce() may hold
        bool copyInput = false;
        qint64 indexSpace = 0;
        IndexList indices;
        QString inputSegment;
        QByteArray spec;
    };

    /// Creates and initialises a segment for `layout` (statuses Pending) and its output array
    /// (results NaN).
    static std::unique_ptr<JobSegment> create(const Layout& layout, QString* error);
    /// Attaches to a job segment and its output array, and validates every offset, size and the
    /// output's shape before use. Read-write for workers; read-only (`SHM_RDONLY`: any write
    /// faults) for a monitor in another process.
    static std::unique_ptr<JobSegment> attach(const QString& name, QString* error, bool writable = true);

    QString name() const { return m_segment->name(); }
    bool isWritable() const { return m_segment->isWritable(); }
    qint64 bytes() const { return m_segment->size(); }
    JobSegmentHeader* header() const { return m_header; }
    /// By the pool: how and when (CLOCK_MONOTONIC) the job ended, for monitors in other processes.
    void publishEnd(JobOutcome outcome, qint64 endNs) const
    {
        m_header->endNs.store(endNs, std::memory_order_relaxed);
        m_header->outcome.store(qint32(outcome), std::memory_order_release);
    }
    WorkerSlot* slot(int i) const { return m_slots + i; }
    RetryRange* retry(qint64 i) const { return m_retry + (i % m_header->retryCapacity); }
    quint8* status() const { return m_status; }
    /// resultWidth doubles per position, in the output array.
    double* results() const { return m_results; }
    /// The output array: (taskCount, *result shape) float64. Shared, so a finished job's
    /// results stay in place for whoever keeps them.
    std::shared_ptr<SharedArray> output() const { return m_output; }
    /// The shared accumulator, null when the kernel declares none.
    SharedAccumulator* accumulator() const { return m_accumulator.get(); }
    qint64 taskCount() const { return m_header->taskCount; }
    /// The index at a position.
    qint64 indexAt(qint64 position) const
    {
        return m_header->arithmetic ? m_header->indexStart + position * m_header->indexStep : m_indices[position];
    }
    QByteArray spec() const;

private:
    JobSegment() = default;
    static QString validate(const JobSegmentHeader& header, qint64 segmentBytes);
    void bindPointers();

    std::unique_ptr<SharedSegment> m_segment;
    std::shared_ptr<SharedArray> m_output;
    JobSegmentHeader* m_header = nullptr;
    WorkerSlot* m_slots = nullptr;
    RetryRange* m_retry = nullptr;
    const qint64* m_indices = nullptr;
    quint8* m_status = nullptr;
    double* m_results = nullptr;
    std::unique_ptr<SharedAccumulator> m_accumulator;
};

} // namespace sharedmap
