#include "engine/retryqueue.h"

#include "shm/jobsegment.h"

#include <cstring>

namespace sharedmap {

void RetryQueue::reset(JobSegment* job, int maxRetries, qint64 settled, const QHash<qint64, QString>& failed)
{
    m_job = job;
    m_maxRetries = maxRetries;
    m_settled = settled;
    m_backlog.clear();
    m_crashes.clear();
    m_failureReasons = failed;
    m_kernelFailures.clear();
    m_retriedChunks = 0;
    m_feedEnded = false;
    m_fedMask = QBitArray(m_fed ? job->taskCount() : 0);
    if (m_fed) // nothing to claim but what is fed
        job->header()->nextPosition.store(job->taskCount(), std::memory_order_relaxed);
    publishCounts();
}

void RetryQueue::setFailureReason(qint64 position, const QString& reason)
{
    m_failureReasons.insert(position, reason);
    publishCounts();
}

void RetryQueue::publishCounts()
{
    JobSegmentHeader* header = m_job->header();
    header->settledPositions.store(m_settled + failedCount(), std::memory_order_relaxed);
    header->retriedChunks.store(m_retriedChunks, std::memory_order_relaxed);
}

RetryQueue::Crash RetryQueue::recover(int slot)
{
    Crash crash;
    WorkerSlot* shared = m_job->slot(slot);
    const qint64 begin = shared->rangeBegin.load(std::memory_order_acquire);
    const qint64 end = qMin(shared->rangeEnd.load(std::memory_order_acquire), m_job->taskCount());
    shared->rangeBegin.store(-1, std::memory_order_relaxed);
    shared->rangeEnd.store(-1, std::memory_order_relaxed);
    if (begin < 0 || end <= begin)
        return crash;
    const quint8* status = m_job->status();
    qint64 p = begin;
    while (p < end && __atomic_load_n(&status[p], __ATOMIC_ACQUIRE) != Pending)
        ++p;
    if (p == end)
        return crash;
    // The position being computed when the worker died is the suspect: after maxRetries crashes
    // it is marked failed and the rest of the range goes on without it.
    crash.position = p;
    crash.crashes = ++m_crashes[p];
    ++m_retriedChunks;
    publishCounts();
    if (crash.crashes > m_maxRetries) {
        __atomic_store_n(&m_job->status()[p], quint8(Failed), __ATOMIC_RELEASE);
        m_failureReasons.insert(p, QString()); // counted as done from now on; the caller names the reason
        crash.failed = true;
        ++p;
    }
    if (p < end)
        m_backlog.append({ p, end });
    return crash;
}

bool RetryQueue::requeuePending()
{
    const quint8* status = m_job->status();
    const qint64 tasks = m_job->taskCount();
    const auto mine = [&](qint64 p) { return status[p] == Pending && isFedAt(p); };
    bool any = false;
    for (qint64 p = 0; p < tasks;) {
        if (!mine(p)) {
            ++p;
            continue;
        }
        qint64 end = p;
        while (end < tasks && mine(end))
            ++end;
        m_backlog.append({ p, end });
        any = true;
        p = end;
    }
    return any;
}

bool RetryQueue::feed(qint64 begin, qint64 end)
{
    if (!m_fed || m_feedEnded)
        return false;
    begin = qBound<qint64>(0, begin, m_job->taskCount());
    end = qBound<qint64>(begin, end, m_job->taskCount());
    if (begin == end)
        return false;
    m_fedMask.fill(true, begin, end);
    m_backlog.append({ begin, end });
    return true;
}

bool RetryQueue::endFeed()
{
    if (!m_fed || m_feedEnded)
        return false;
    m_feedEnded = true;
    return true;
}

bool RetryQueue::publish()
{
    JobSegmentHeader* header = m_job->header();
    qint64 published = header->retryPublished.load(std::memory_order_relaxed);
    bool any = false;
    while (!m_backlog.isEmpty()
           && published - header->retryClaimed.load(std::memory_order_acquire) < header->retryCapacity) {
        const auto range = m_backlog.takeFirst();
        RetryRange* slot = m_job->retry(published);
        slot->begin.store(range.first, std::memory_order_relaxed);
        slot->end.store(range.second, std::memory_order_relaxed);
        header->retryPublished.store(++published, std::memory_order_release);
        any = true;
    }
    return any;
}

bool RetryQueue::hasUnclaimed() const
{
    const JobSegmentHeader* header = m_job->header();
    return !m_backlog.isEmpty() || header->retryClaimed.load() < header->retryPublished.load();
}

qint64 RetryQueue::unclaimedRanges() const
{
    const JobSegmentHeader* header = m_job->header();
    return m_backlog.size() + header->retryPublished.load(std::memory_order_relaxed)
        - header->retryClaimed.load(std::memory_order_relaxed);
}

bool RetryQueue::workRemains() const
{
    const qint64 tasks = m_job->taskCount();
    if (m_fed) {
        if (!m_feedEnded)
            return true; // more ranges may come
        const quint8* status = m_job->status();
        for (qint64 p = 0; p < tasks; ++p) {
            if (m_fedMask.testBit(p) && __atomic_load_n(&status[p], __ATOMIC_ACQUIRE) == Pending)
                return true;
        }
        return false;
    }
    return tasks > 0 && std::memchr(m_job->status(), Pending, size_t(tasks)) != nullptr;
}

void RetryQueue::noteKernelFailure(qint64 position, const QString& reason)
{
    if (position >= 0 && position < m_job->taskCount())
        m_kernelFailures.insert(position, reason.left(500));
}

QHash<qint64, QString> RetryQueue::failureReasons(const QByteArray& status, const QString& fallback) const
{
    QHash<qint64, QString> reasons = m_failureReasons;
    for (auto it = m_kernelFailures.cbegin(); it != m_kernelFailures.cend(); ++it) {
        if (quint8(status[it.key()]) == Failed && !reasons.contains(it.key()))
            reasons.insert(it.key(), it.value());
    }
    for (qint64 p = 0; p < status.size(); ++p) {
        if (quint8(status[p]) == Failed && !reasons.contains(p))
            reasons.insert(p, fallback);
    }
    return reasons;
}

} // namespace sharedmap
