#pragma once

#include "mpi/messages.h"

#include <deque>
#include <map>
#include <QVector>

namespace sharedmap::mpi {

/// Rank 0's one queue of positions for every node (self-scheduling across nodes): a node asks
/// when its workers run low and gets ranges off the front, so a slow node takes fewer. Ranges a
/// node holds are tracked until their results come back; a lost node's go back to the front.
/// Plain logic, no MPI: the coordinator drives it.
class GlobalQueue
{
public:
    /// Time one automatic chunk should take on one worker: long enough that a round trip
    /// through rank 0 is small beside it, short enough to keep the tail balanced.
    static constexpr qint64 kAutoTargetNs = 20000000;

    /// The positions [0, tasks) to hand out, less those `done` says are complete already
    /// (a resumed run); `chunkSize` 0 is automatic.
    GlobalQueue(qint64 tasks, qint64 chunkSize, const QVector<bool>& done = {});

    /// Workers of every node together: automatic chunks leave a share of the rest for each.
    void setTotalWorkers(int workers) { m_totalWorkers = qMax(1, workers); }
    /// Up to `wanted` ranges for `node`, sized for its `perTaskNs` (0: unknown) when automatic;
    /// empty when nothing is queued.
    QVector<PositionRange> grant(int node, int wanted, qint64 perTaskNs);
    /// The node finished positions [begin, end): ranges it was granted, one after the other,
    /// the last one whole or a first part of it. Returns false when the node did not hold them.
    bool complete(int node, const PositionRange& range);
    /// Takes back every range the node holds (it is lost); the caller requeues the positions
    /// of them still to compute.
    QVector<PositionRange> reclaim(int node);
    /// Puts a range back at the front of the queue.
    void requeue(const PositionRange& range);

    qint64 queuedPositions() const { return m_queued; }
    qint64 heldPositions() const;
    /// Ranges `node` holds now.
    QVector<PositionRange> held(int node) const;

private:
    qint64 chunkFor(int node, qint64 perTaskNs);

    qint64 m_chunkSize;
    int m_totalWorkers = 1;
    std::deque<PositionRange> m_queue;
    qint64 m_queued = 0;
    std::map<int, std::map<qint64, PositionRange>> m_held; ///< node -> begin -> range
    std::map<int, qint64> m_lastChunk; ///< node -> size of its last automatic chunk
};

} // namespace sharedmap::mpi
