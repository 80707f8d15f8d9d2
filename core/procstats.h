#pragma once

#include <QtGlobal>

namespace sharedmap {

/// Memory and CPU figures of one process, read from /proc.
struct ProcessStats
{
    bool valid = false;
    qint64 rssBytes = 0;
    qint64 pssBytes = 0; ///< proportional set size: shared pages divided among their users
    qint64 cpuTimeNs = 0; ///< user + system time consumed so far
};

/// Reads /proc/PID/smaps_rollup and /proc/PID/stat; `valid` is false when the process is gone.
ProcessStats readProcessStats(qint64 pid, bool withMemory = true);

/// Bytes the kernel reports as available for new allocations (MemAvailable).
qint64 availableMemoryBytes();

} // namespace sharedmap
