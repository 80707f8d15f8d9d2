#pragma once

#include <QString>

namespace sharedmap {

struct JobSpec;

/// Why a job is refused before it starts: a hostile environment rather than a bad option
/// (docs/RELIABILITY.md). The CLI prints the message and exits 2; the window shows it.
struct PreflightError
{
    enum class Kind
    {
        None,
        NotRegularFile, ///< an output, summary or partial file is a FIFO, a device, a socket
        SameFile, ///< an output is the input (or another output), by device and inode
        NoSpace, ///< the output's filesystem has too little free space
        Descriptors, ///< RLIMIT_NOFILE leaves too few descriptors for the workers
        Processes, ///< RLIMIT_NPROC leaves too few processes for the workers
        Memory, ///< the workers' own memory does not fit (MemAvailable, the memory cgroup)
        UntrustedJobFile, ///< a job file that other users may write
        ResumeRecord, ///< a partial file with no record, or one of another run
    };
    Kind kind = Kind::None;
    QString message;

    bool isError() const { return kind != Kind::None; }
    static PreflightError make(Kind kind, const QString& message) { return { kind, message }; }
};

/// Refuses outputs (`--output`, `--summary`, the `@FILE` of `--indices`) that are the same file
/// as the input or as each other — by device and inode, so symlinks and hard links count; a run
/// would otherwise replace its own input with its results. `resumeFrom` (the partial file) is
/// compared with the input too.
PreflightError checkOutputsAreNotInputs(const JobSpec& spec, const QString& resumeFrom = QString());

/// Bytes the results take in `path`'s format: exact for `.npy`, close for HDF5, and a lower
/// bound for `.csv` (each value takes at least two characters); -1 when unknown.
qint64 estimatedOutputBytes(const QString& path, qint64 tasks, qint64 width, qint64 accumulatorCells);

/// Refuses when the filesystem that will hold `path` has fewer than `bytes` free (the blocks an
/// unprivileged user may use, or all free blocks for root); the message gives both figures.
PreflightError checkFreeSpace(const QString& path, qint64 bytes, const QString& what);

/// File descriptors the pool holds per worker: stdin, stdout and stderr pipes and the process
/// descriptor QProcess watches (measured: 4 per worker, docs/RELIABILITY.md).
constexpr int kDescriptorsPerWorker = 4;
/// Descriptors the front end needs besides its workers' while a job runs (files it writes,
/// /proc readings, a plugin or key file opened for a moment): a few, with a margin.
constexpr int kDescriptorsReserved = 16;
/// Tasks (threads) one worker process adds under RLIMIT_NPROC: measured 2 (its main and stdin
/// reader threads), twice that for the threads a kernel's libraries may start.
constexpr int kTasksPerWorker = 4;
/// A worker's own memory (its private pages, not the shared segments it maps): a built-in
/// kernel's worker was measured at 0.65 MiB private dirty and 1.5 MiB PSS among 8 workers
/// (4.1 MiB alone); this leaves room for page tables and the kernel's own structures.
constexpr qint64 kMemoryPerWorker = qint64(4) << 20;

/// Checks that `workers` worker processes can be started at all: the descriptors left under
/// RLIMIT_NOFILE (its soft limit is raised to the hard one first when that is needed), the
/// tasks left under RLIMIT_NPROC for this user, and the memory the workers take themselves
/// (MemAvailable and the memory cgroup's limit). The message gives the numbers and how many
/// workers would fit.
PreflightError checkWorkerBudget(int workers);

/// Job files are trusted like code (they name plugins and Python files that are loaded): refuses
/// one that users other than the caller (and root) may write — its owner, its mode, or its
/// folder's (a folder others may write, without the sticky bit, lets them replace it).
PreflightError checkJobFileTrusted(const QString& path);

} // namespace sharedmap
