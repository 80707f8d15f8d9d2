#include "mpi/globalqueue.h"

namespace sharedmap::mpi {

GlobalQueue::GlobalQueue(qint64 tasks, qint64 chunkSize, const QVector<bool>& done)
    : m_chunkSize(chunkSize)
{
    for (qint64 p = 0; p < tasks;) {
        if (p < done.size() && done[p]) {
            ++p;
            continue;
        }
        qint64 end = p + 1;
        while (end < tasks && !(end < done.size() && done[end]))
            ++end;
        m_queue.push_back({ p, end });
        m_queued += end - p;
        p = end;
    }
}

qint64 GlobalQueue::chunkFor(int node, qint64 perTaskNs)
{
    if (m_chunkSize > 0)
        return m_chunkSize;
    // As a worker adapts its own chunks in sharedmap-cli: grow towards the target time (at most
    // 8 times per step, from 1), never beyond a fair share of what is left for every worker.
    qint64& last = m_lastChunk[node];
    const qint64 previous = qMax<qint64>(1, last);
    qint64 wanted = perTaskNs > 0 ? kAutoTargetNs / perTaskNs : last == 0 ? 1 : previous * 2;
    wanted = qBound<qint64>(1, wanted, previous * 8);
    const qint64 fair = qMax<qint64>(1, m_queued / (2 * qint64(m_totalWorkers)));
    last = qMax<qint64>(1, qMin(wanted, fair));
    return last;
}

QVector<PositionRange> GlobalQueue::grant(int node, int wanted, qint64 perTaskNs)
{
    QVector<PositionRange> ranges;
    while (ranges.size() < wanted && !m_queue.empty()) {
        const qint64 size = chunkFor(node, perTaskNs);
        PositionRange& front = m_queue.front();
        const PositionRange range { front.begin, qMin(front.end, front.begin + size) };
        front.begin = range.end;
        if (front.begin >= front.end)
            m_queue.pop_front();
        m_queued -= range.size();
        m_held[node][range.begin] = range;
        ranges.append(range);
    }
    return ranges;
}

bool GlobalQueue::complete(int node, const PositionRange& range)
{
    auto holder = m_held.find(node);
    if (holder == m_held.end() || range.end <= range.begin)
        return false;
    // The range may span several ranges the node holds (it sends neighbours together).
    qint64 at = range.begin;
    while (at < range.end) {
        auto it = holder->second.find(at);
        if (it == holder->second.end())
            return false;
        const PositionRange held = it->second;
        holder->second.erase(it);
        if (range.end < held.end) {
            // A first part: the node keeps the rest (keyed by where it now begins).
            holder->second[range.end] = { range.end, held.end };
            return true;
        }
        at = held.end;
    }
    return true;
}

QVector<PositionRange> GlobalQueue::reclaim(int node)
{
    QVector<PositionRange> ranges;
    auto holder = m_held.find(node);
    if (holder == m_held.end())
        return ranges;
    for (const auto& entry : holder->second)
        ranges.append(entry.second);
    m_held.erase(holder);
    return ranges;
}

void GlobalQueue::requeue(const PositionRange& range)
{
    if (range.size() <= 0)
        return;
    m_queue.push_front(range);
    m_queued += range.size();
}

qint64 GlobalQueue::heldPositions() const
{
    qint64 held = 0;
    for (const auto& holder : m_held) {
        for (const auto& entry : holder.second)
            held += entry.second.size();
    }
    return held;
}

QVector<PositionRange> GlobalQueue::held(int node) const
{
    QVector<PositionRange> ranges;
    const auto holder = m_held.find(node);
    if (holder != m_held.end()) {
        for (const auto& entry : holder->second)
            ranges.append(entry.second);
    }
    return ranges;
}

} // namespace sharedmap::mpi
