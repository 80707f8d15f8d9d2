#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QVector>

namespace sharedmap::mpi {

/// The MPI tag of each message between sharedmap-mpi's ranks: one tag per message type, so a
/// receiver knows what it reads before it decodes it.
enum class Tag : int
{
    Hello = 101, ///< node leader -> rank 0: the node is up, with its workers
    Request, ///< node leader -> rank 0: more ranges, please
    Grant, ///< rank 0 -> node leader: ranges to compute (none: nothing now)
    Results, ///< node leader -> rank 0: a finished range's values and statuses
    Final, ///< node leader -> rank 0: the node's job is over, its workers' figures
    Heartbeat, ///< node leader -> rank 0: still alive (sent when nothing else was)
    End, ///< rank 0 -> node leader: every position is done, finish the job
    Stop, ///< rank 0 -> node leader: cancel (rank 0 was interrupted)
    Bye, ///< rank 0 -> every rank: the run is over, finalize
};

/// Positions [begin, end) of the job's index list.
struct PositionRange
{
    qint64 begin = 0;
    qint64 end = 0;
    qint64 size() const { return end - begin; }
    bool operator==(const PositionRange& other) const { return begin == other.begin && end == other.end; }
};

/// A node leader introduces its node once its pool has started.
struct HelloMessage
{
    static constexpr Tag kTag = Tag::Hello;
    qint32 node = 0;
    qint32 ranksOnNode = 1;
    qint64 pid = 0;
    qint32 workers = 0;
    qint64 tasks = 0; ///< the job as this node planned it: must match rank 0's
    qint32 resultWidth = 1;
    QString host;

    QByteArray encode() const;
    static bool decode(const QByteArray& bytes, HelloMessage* message);
};

/// Asks for up to `wanted` ranges; `perTaskNs` is the node's measured time per task per worker
/// (0 while unknown), which sizes automatic chunks.
struct RequestMessage
{
    static constexpr Tag kTag = Tag::Request;
    qint32 wanted = 1;
    qint64 perTaskNs = 0;

    QByteArray encode() const;
    static bool decode(const QByteArray& bytes, RequestMessage* message);
};

/// Ranges for the node's workers; empty when the queue has nothing right now (the node waits:
/// ranges of a lost rank may come back to the queue).
struct GrantMessage
{
    static constexpr Tag kTag = Tag::Grant;
    QVector<PositionRange> ranges;

    QByteArray encode() const;
    static bool decode(const QByteArray& bytes, GrantMessage* message);
};

/// Values and statuses of positions [begin, begin + status.size()): a finished range, or what
/// a cancelled node computed of one (positions still Pending are not results).
struct ResultsMessage
{
    static constexpr Tag kTag = Tag::Results;
    qint64 begin = 0;
    qint32 width = 1;
    QByteArray status; ///< PositionStatus per position
    QVector<double> values; ///< width values per position

    QByteArray encode() const;
    static bool decode(const QByteArray& bytes, ResultsMessage* message);
};

/// The node's figures once its pool finished: workers, failure reasons, retries, memory.
struct FinalMessage
{
    static constexpr Tag kTag = Tag::Final;
    QJsonObject report;

    QByteArray encode() const;
    static bool decode(const QByteArray& bytes, FinalMessage* message);
};

/// A message without fields (Heartbeat, End, Stop).
template <Tag T> struct SignalMessage
{
    static constexpr Tag kTag = T;
    QByteArray encode() const { return QByteArray(); }
    static bool decode(const QByteArray& bytes, SignalMessage*) { return bytes.isEmpty(); }
};
using HeartbeatMessage = SignalMessage<Tag::Heartbeat>;
using EndMessage = SignalMessage<Tag::End>;
using StopMessage = SignalMessage<Tag::Stop>;

/// The run is over; `exitCode` is rank 0's. When a rank was lost, nobody calls MPI_Finalize:
/// Open MPI's waits there for every rank, the lost one included, for ever.
struct ByeMessage
{
    static constexpr Tag kTag = Tag::Bye;
    qint32 exitCode = 0;
    bool rankLost = false;

    QByteArray encode() const;
    static bool decode(const QByteArray& bytes, ByeMessage* message);
};

} // namespace sharedmap::mpi
