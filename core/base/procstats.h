#pragma once

#include <QHash>
#include <QString>

namespace sharedmap {

/// Memory and CPU figures of one process, read from /proc.
struct ProcessStats
{
    bool valid = false;
    qint64 rssBytes = 0;
    qint64 pssBytes = 0; ///< proportional set size: shared pages divided among their users
    qint64 pssShmemBytes = 0; ///< the part of pssBytes in shared memory (our segments among it)
    qint64 cpuTimeNs = 0; ///< user + system time consumed so far
};

/// Reads /proc/PID/smaps_rollup and /proc/PID/stat; `valid` is false when the process is gone.
ProcessStats readProcessStats(qint64 pid, bool withMemory = true);

/// Resident bytes of the System V segments created by `creatorPid` (the `rss` column of
/// /proc/sysvipc/shm): shared memory counted once, however many processes map it.
qint64 sharedSegmentsResidentBytes(qint64 creatorPid);
/// The same, segment by segment: System V id -> resident bytes.
QHash<int, qint64> sharedSegmentsResidentById(qint64 creatorPid);

/// Bytes the kernel reports as available for new allocations (MemAvailable).
qint64 availableMemoryBytes();

/// The most memory this process may use: the machine's (MemTotal), or its cgroup's limit when
/// lower (cgroup v2 memory.max, v1 memory.limit_in_bytes). `fromCgroup` tells which.
qint64 memoryLimitBytes(bool* fromCgroup = nullptr);

/// Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat); -1 when the
/// process does not exist. A pid and its start time name a process uniquely, across pid reuse.
qint64 processStartTime(qint64 pid);
/// Whether `pid` is a running process (not gone, not a zombie waiting to be reaped).
bool processRunning(qint64 pid);

/// Checks that a new shared-memory segment of `bytes` fits: the kernel's per-segment and total
/// System V limits and the memory available. Returns an error saying what was needed and what is
/// available, or an empty string.
QString checkSharedMemoryFits(qint64 bytes);

} // namespace sharedmap
