#pragma once

#include <QMetaType>
#include <QtGlobal>

namespace sharedmap {

// The states and figures every layer speaks of: the job segment stores them, the engine reports
// them, the monitors show them. Kept here so a front end needs no shared-memory header to read a
// status.

/// What a worker is doing, as written to its slot (and, for Crashed/Finished, by the pool).
enum class WorkerState : qint32
{
    Starting,
    Running,
    Idle,
    Crashed,
    Finished
};

/// Per-position status byte in the job segment.
enum PositionStatus : quint8
{
    Pending = 0,
    Done = 1,
    Failed = 2
};

/// A snapshot of one worker for monitors: what it holds, how far it got, what it costs.
struct WorkerInfo
{
    int slot = 0;
    qint64 pid = 0;
    WorkerState state = WorkerState::Starting;
    qint64 rangeBegin = -1; ///< claimed positions, -1 when none
    qint64 rangeEnd = -1;
    qint64 tasksDone = 0;
    qint64 chunksDone = 0;
    double heartbeatAgeS = 0;
    double busyS = 0;
    int restarts = 0;
    double cpuPercent = 0;
    qint64 rssBytes = 0;
    qint64 pssBytes = 0;
};

/// Position, count and timing of one finished chunk, seconds from the job's start.
struct ChunkEvent
{
    int slot = 0;
    qint64 begin = 0;
    qint64 count = 0;
    double startS = 0;
    double endS = 0;
};

} // namespace sharedmap

Q_DECLARE_METATYPE(sharedmap::ChunkEvent)
