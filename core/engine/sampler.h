#pragma once

#include "base/procstats.h"
#include "base/status.h"
#include "engine/jobreader.h"
#include "engine/jobsource.h"

#include <functional>
#include <QElapsedTimer>
#include <QObject>
#include <QPair>
#include <QThreadPool>
#include <QTimer>
#include <QVector>

namespace sharedmap {

class JobSegment;

/// What the sampler needs to know of a slot's worker at a tick.
struct WorkerProbe
{
    qint64 pid = 0; ///< 0 when no worker process runs in the slot
    bool attached = false; ///< said hello for this job
    bool idle = false;
    bool killed = false; ///< the pool is killing it already: the watchdog leaves it alone
};

/// The pool's eyes on a running job, on a timer (about 30 Hz) and never per task: progress and
/// its rate over the last second, the chunks each worker recorded in its ring, worker states as
/// the workers write them, memory and CPU read from /proc on a thread of their own (about 5 Hz,
/// at most ~5 % of a core), and the task-timeout watchdog. What it measures (the rate, each
/// worker's CPU and memory, the total and peak) it also publishes in the job segment, where a
/// monitor attached from another process reads it (JobReader).
class Sampler : public QObject
{
    Q_OBJECT
public:
    /// What the pool tells the sampler at each tick: positions completed, and a slot's worker.
    struct Source
    {
        std::function<qint64()> doneCount;
        std::function<WorkerProbe(int slot)> worker;
    };

    explicit Sampler(Source source, QObject* parent = nullptr);
    ~Sampler() override;

    /// Sampling period in milliseconds (default 33).
    void setInterval(int ms) { m_timer.setInterval(ms); }
    /// Starts sampling `slotCount` workers of `job`; `taskTimeoutS` > 0 arms the watchdog.
    void begin(JobSegment* job, quint64 jobId, int slotCount, qint64 alreadyDone, double taskTimeoutS);
    /// A worker starts in `slot` (a new process, or a warm one given the job): state Starting,
    /// the watchdog's clock restarted; a new process's CPU figures start over.
    void workerStarting(int slot, bool newProcess);
    /// The pool decided a slot's state (Crashed, Finished): reported now, and not again.
    void setWorkerState(int slot, WorkerState state);
    /// Stops the timer and takes the job's last sample, memory read in line while every worker
    /// is still attached. Returns the job's elapsed time up to here, in nanoseconds.
    qint64 conclude();
    /// The final count of completed positions, reported once more.
    void settle(qint64 done);
    /// The job is gone: forget it (a reading still in flight is dropped).
    void end();

    /// The last sample, or with `live` the counters as they are now.
    JobProgress progress(bool live) const;
    qint64 peakMemory() const { return m_peakMemory; }

signals:
    void progressChanged(qint64 done, qint64 total, double rate);
    void workerStateChanged(int slot, sharedmap::WorkerState state);
    void chunkFinished(const sharedmap::ChunkEvent& chunk);
    void memorySampled(qint64 totalPssBytes);
    /// The watchdog: the worker in `slot` held the same range for `seconds` without finishing a task.
    void stalled(int slot, double seconds);

private:
    struct SlotState
    {
        WorkerState lastState = WorkerState::Starting;
        qint64 lastCpuNs = 0;
        ProcessStats stats;
        double cpuPercent = 0;
        qint64 lastTasksDone = -1; ///< for the task timeout: progress seen at lastProgressNs
        qint64 lastRangeBegin = -1;
        qint64 lastProgressNs = 0;
    };
    struct MemoryReading;

    void sample(bool withMemory);
    void watch(int slot, const WorkerProbe& probe);
    void sampleMemory(bool now);
    void applyMemory(const MemoryReading& reading);

    Source m_source;
    QTimer m_timer;
    JobSegment* m_job = nullptr;
    JobReader m_reader; ///< the chunk rings' cursors
    quint64 m_jobId = 0;
    double m_taskTimeoutS = 0;
    QVector<SlotState> m_slots;
    QElapsedTimer m_clock;
    JobProgress m_progress;
    QVector<QPair<double, qint64>> m_rateWindow;
    int m_tick = 0;
    qint64 m_peakMemory = 0;
    qint64 m_lastCpuSampleNs = 0;
    QThreadPool m_statsThread; ///< one thread for /proc memory readings, off the caller's loop
    bool m_memoryInFlight = false;
    qint64 m_lastMemoryReadingNs = 0;
    qint64 m_lastMemoryCostNs = 0;
};

} // namespace sharedmap
