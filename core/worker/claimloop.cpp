#include "worker/claimloop.h"

#include "kernels/kernel.h"
#include "worker/pipe.h"

#include <ctime>

namespace sharedmap {

ClaimLoop::ClaimLoop(JobSegment* job, int slotIndex, const Kernel* kernel, double sleepMs, bool inputResident)
    : m_job(job)
    , m_header(job->header())
    , m_slot(job->slot(slotIndex))
    , m_kernel(kernel)
    , m_sleepNs(qint64(sleepMs * 1e6))
    , m_width(m_header->resultWidth)
    , m_chunk(m_header->chunkSize > 0 ? m_header->chunkSize : 1)
    , m_inputResident(inputResident)
{ }

/// Claims and computes chunks until nothing is left or the job is cancelled.
void ClaimLoop::work()
{
    m_slot->state.store(qint32(WorkerState::Running), std::memory_order_relaxed);
    qint64 begin = 0, end = 0;
    while (!cancelled() && claim(&begin, &end)) {
        const qint64 start = monotonicNs();
        if (!m_started) {
            qint64 unset = 0;
            m_header->firstTaskNs.compare_exchange_strong(unset, start, std::memory_order_relaxed);
            m_started = true;
        }
        m_slot->rangeBegin.store(begin, std::memory_order_relaxed);
        m_slot->rangeEnd.store(end, std::memory_order_release);
        const qint64 computed = compute(begin, end);
        const qint64 finish = monotonicNs();
        record(begin, end - begin, start, finish);
        m_slot->rangeBegin.store(-1, std::memory_order_relaxed);
        m_slot->rangeEnd.store(-1, std::memory_order_release);
        adapt(computed, finish - start);
    }
    m_slot->heartbeatNs.store(monotonicNs(), std::memory_order_relaxed);
    m_slot->state.store(qint32(WorkerState::Idle), std::memory_order_release);
}

bool ClaimLoop::claim(qint64* begin, qint64* end)
{
    // Ranges given back after a crash come first.
    qint64 taken = m_header->retryClaimed.load(std::memory_order_relaxed);
    while (taken < m_header->retryPublished.load(std::memory_order_acquire)) {
        if (m_header->retryClaimed.compare_exchange_weak(taken, taken + 1, std::memory_order_acq_rel)) {
            const RetryRange* range = m_job->retry(taken);
            *begin = qBound<qint64>(0, range->begin.load(std::memory_order_relaxed), m_header->taskCount);
            *end = qBound<qint64>(*begin, range->end.load(std::memory_order_relaxed), m_header->taskCount);
            return true;
        }
    }
    const qint64 total = m_header->taskCount;
    if (m_header->nextPosition.load(std::memory_order_relaxed) >= total)
        return false;
    *begin = m_header->nextPosition.fetch_add(m_chunk, std::memory_order_relaxed);
    if (*begin >= total)
        return false;
    *end = qMin(total, *begin + m_chunk);
    return true;
}

/// Maps the input pages a chunk will read in one call (MADV_POPULATE_READ) rather than one
/// page fault per 4 KiB: the cold first pass over a fresh mapping is dominated by faults.
void ClaimLoop::populate(qint64 begin, qint64 end)
{
    if (end - begin < 1)
        return;
    const auto first = m_kernel->footprint(m_job->indexAt(begin));
    const auto last = m_kernel->footprint(m_job->indexAt(end - 1));
    if (!first.first || !last.first)
        return;
    const char* from = qMin(first.first, last.first);
    const char* to = qMax(first.first + first.second, last.first + last.second);
    if (to - from < (qint64(1) << 20) || to - from > (qint64(1) << 30))
        return; // small chunks fault cheaply; huge spans mean scattered indices
    populatePages(from, to - from);
}

qint64 ClaimLoop::compute(qint64 begin, qint64 end)
{
    if (!m_inputResident)
        populate(begin, end); // a warm worker already mapped the whole input: nothing to gain
    quint8* status = m_job->status();
    double* results = m_job->results();
    const qint64 space = m_header->indexSpace;
    qint64 done = m_slot->tasksDone.load(std::memory_order_relaxed);
    qint64 computed = 0;
    for (qint64 p = begin; p < end; ++p) {
        if (__atomic_load_n(&status[p], __ATOMIC_ACQUIRE) != Pending)
            continue;
        if (m_sleepNs > 0 && !sleepWork())
            break;
        if (cancelled())
            break;
        const qint64 index = m_job->indexAt(p);
        bool ok = index >= 0 && index < space;
        if (ok) {
            ok = m_kernel->evaluateAt(p, index, results + p * m_width);
            if (!ok)
                reportFailure(p, index);
        }
        __atomic_store_n(&status[p], quint8(ok ? Done : Failed), __ATOMIC_RELEASE);
        m_slot->tasksDone.store(++done, std::memory_order_relaxed);
        ++computed;
        if ((computed & 1023) == 0)
            m_slot->heartbeatNs.store(monotonicNs(), std::memory_order_relaxed);
    }
    return computed;
}

/// Tells the pool why the kernel failed an index, for the first kMaxReasons failures of the
/// job only, so that a formula failing everywhere cannot flood the pipe.
void ClaimLoop::reportFailure(qint64 position, qint64 index)
{
    constexpr int kMaxReasons = 100;
    const QString reason = m_kernel->failureReason();
    if (reason.isEmpty() || m_reasonsSent >= kMaxReasons)
        return;
    ++m_reasonsSent;
    workerpipe::send(protocol::Failure { position, index, reason.left(500) });
}

/// Simulated work, in slices so a cancel is seen within a few milliseconds.
bool ClaimLoop::sleepWork()
{
    const qint64 until = monotonicNs() + m_sleepNs;
    for (;;) {
        const qint64 now = monotonicNs();
        m_slot->heartbeatNs.store(now, std::memory_order_relaxed);
        if (now >= until)
            return true;
        if (cancelled())
            return false;
        const qint64 slice = qMin<qint64>(until - now, 5000000);
        timespec ts { time_t(slice / 1000000000), long(slice % 1000000000) };
        nanosleep(&ts, nullptr);
    }
}

void ClaimLoop::record(qint64 begin, qint64 count, qint64 start, qint64 finish)
{
    const quint64 n = m_slot->ringWritten.load(std::memory_order_relaxed);
    ChunkRecord& r = m_slot->ring[n % WorkerSlot::kRingSize];
    r = { begin, count, start, finish };
    m_slot->ringWritten.store(n + 1, std::memory_order_release);
    m_slot->chunksDone.store(m_slot->chunksDone.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    m_slot->busyNs.store(m_slot->busyNs.load(std::memory_order_relaxed) + (finish - start), std::memory_order_relaxed);
    m_slot->heartbeatNs.store(finish, std::memory_order_relaxed);
}

/// Auto chunk size: grow until a chunk takes about kTargetNs, but leave enough chunks at the
/// end for every worker so the tail stays balanced.
void ClaimLoop::adapt(qint64 computed, qint64 elapsedNs)
{
    if (m_header->chunkSize > 0 || computed <= 0)
        return;
    constexpr qint64 kTargetNs = 5000000;
    const double perTask = double(qMax<qint64>(elapsedNs, 1)) / double(computed);
    qint64 wanted = qint64(kTargetNs / perTask);
    wanted = qBound<qint64>(1, wanted, m_chunk * 8);
    const qint64 remaining = m_header->taskCount - m_header->nextPosition.load(std::memory_order_relaxed);
    const qint64 fair = qMax<qint64>(1, remaining / (2 * qint64(m_header->slotCount)));
    m_chunk = qMax<qint64>(1, qMin(wanted, fair));
}

} // namespace sharedmap
