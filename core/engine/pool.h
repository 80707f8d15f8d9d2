#pragma once

#include "job/jobresult.h"
#include "job/jobspec.h"
#include "protocol/framing.h"
#include "shm/jobsegment.h"
#include "shm/sharedarray.h"

#include <memory>
#include <QBitArray>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

class QProcess;

namespace sharedmap {

/// Where a job stands: positions completed (done or failed) out of the total, and the rate.
struct JobProgress
{
    qint64 done = 0;
    qint64 total = 0;
    double rate = 0; ///< tasks per second over the last second
    double elapsedS = 0;
};

/// The worker pool: the one facade through which the CLI and the GUI run jobs. It puts the job
/// in a shared segment, starts `sharedmap-worker` processes asynchronously, lets them claim
/// chunks themselves, samples their counters on a timer (never per task) and reports through
/// signals. Workers that crash are replaced and their unfinished positions queued again.
class Pool : public QObject
{
    Q_OBJECT
public:
    explicit Pool(QObject* parent = nullptr);
    ~Pool() override;

    /// Path of the worker executable; defaults to `defaultWorkerProgram()` (beside the application,
    /// else in the installed `libexec/sharedmap`).
    void setWorkerProgram(const QString& path) { m_program = path; }
    QString workerProgram() const { return m_program; }
    /// Sampling period of the progress timer in milliseconds (default 33, about 30 Hz).
    void setSampleInterval(int ms) { m_timer.setInterval(ms); }
    /// Scheduling niceness of workers (0 = same as the caller).
    void setWorkerNiceness(int niceness) { m_niceness = niceness; }
    /// Warm pool: after a job, workers stay alive with the input mapped, and the next job reuses
    /// them (no process start, no page faults on an input they already read). For the window;
    /// a one-shot CLI run does not need it.
    void setKeepWarm(bool keep) { m_keepWarm = keep; }
    bool keepWarm() const { return m_keepWarm; }

    /// Starts `spec` on an already loaded input (null when the kernel takes no input). Returns
    /// the new job's id, or 0 with `error` set when the job cannot start.
    quint64 start(const JobSpec& spec, std::shared_ptr<const SharedArray> input, QString* error);
    /// Resumes a job: positions whose values in `previous` (resultWidth values per position, as
    /// written by an earlier run) are all non-NaN are kept as done; only the others are computed.
    quint64 resume(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const ResultValues& previous,
                   QString* error);
    /// Stops the workers (within 200 ms: they see the cancel flag, or are killed), keeps the
    /// results computed so far, and finishes the job with `cancelled` set.
    void cancel();

    // Fed mode, for a scheduler outside the pool (sharedmap-mpi's node leaders): the job's claim
    // counter starts exhausted, so workers compute only the ranges handed in with feed() (they
    // reach them through the retry queue, crash recovery included), and the job finishes once
    // endFeed() was called and every fed position is done or failed.
    /// Puts the next start() or resume() in fed mode (true) or back in the usual mode.
    void setFed(bool fed) { m_fed = fed; }
    /// Fed mode: queues positions [begin, end) of the running job for the workers.
    void feed(qint64 begin, qint64 end);
    /// Fed mode: no more ranges will come; the job finishes when the fed ones are done.
    void endFeed();
    /// Fed mode: ranges fed that no worker has claimed yet.
    qint64 unclaimedRanges() const;

    bool isRunning() const { return m_job != nullptr; }
    /// Warm pool between jobs: every worker is parked with the whole input in its page tables,
    /// so the next job on that array takes no page fault (what a second Run in the window gets).
    bool isWarm() const;
    quint64 currentJobId() const { return m_jobId; }
    /// Where the job stands now: counters read live, the rate from the last second of samples.
    JobProgress progress() const;
    /// The running job as planned: spec, indices, workers, input; its values are the output
    /// array as the workers fill it (a position's values are final once its status is not
    /// Pending, see readResults()).
    const JobResult& currentJob() const { return m_result; }
    QVector<WorkerInfo> workers() const;
    /// Copies results and statuses of positions [from, from + count) of the running job, for
    /// live views that pull. Returns the number of positions copied.
    qint64 readResults(qint64 from, qint64 count, double* values, quint8* status) const;
    /// The running job's shared accumulator (histogram counts, the race counter), read live;
    /// empty when its kernel has none.
    QVector<qint64> readAccumulator() const;
    /// The running job's kernel figures (e.g. `counter`, `expected_counter`), read live.
    QVariantMap figures() const;
    /// Name of the running job's segment (tests check it is gone afterwards).
    QString jobSegmentName() const;

signals:
    void started(quint64 jobId);
    void progressChanged(qint64 done, qint64 total, double rate);
    void workerStateChanged(int slot, sharedmap::WorkerState state);
    void chunkFinished(const sharedmap::ChunkEvent& chunk);
    void memorySampled(qint64 totalPssBytes);
    void logMessage(const QString& message);
    void finished(const sharedmap::JobResult& result);
    void failed(const QString& error);
    /// Every parked worker now holds the whole input in its page tables (see isWarm()).
    void warmed();

private:
    struct Slot;

    /// start() and resume(): `previous` is null for a fresh job.
    quint64 beginJob(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const ResultValues* previous,
                     QString* error);
    void launch(int slot);
    /// Starts the workers in m_pendingLaunches, yielding to the event loop every kLaunchSliceMs.
    void launchPending();
    void sendCopy(QProcess* process, int slot, bool first);
    void resetSlot(int slot);
    void assign(int slot);
    void dismiss(QProcess* process);
    void maybeComplete();
    void onOutput(int slot);
    void onExited(QProcess* process, int slot, int exitCode, int exitStatus);
    void recoverSlot(int slot, const QString& why);
    void queueRange(qint64 begin, qint64 end);
    void publishRetries();
    void wakeIdle();
    void checkIdle();
    void sample(bool withMemory);
    void checkTimeout(int slot);
    void sampleMemory(bool now);
    qint64 countDone() const;
    void finish(bool cancelled);
    void fail(const QString& error);
    void stopProcesses(int graceMs, bool park);
    void release();
    bool workRemains() const;
    /// Whether the position is the pool's to compute: always, except fed mode's unfed positions.
    bool isFedAt(qint64 position) const { return !m_fed || m_fedMask.testBit(position); }

    QString m_program;
    int m_niceness = 0;
    bool m_keepWarm = false;
    bool m_fed = false; ///< fed mode (see setFed())
    bool m_feedEnded = false;
    QBitArray m_fedMask; ///< fed mode: positions fed so far
    QTimer m_timer;
    QTimer m_killTimer;
    quint64 m_jobId = 0;

    // State of the running job.
    std::unique_ptr<JobSegment> m_job;
    std::shared_ptr<const SharedArray> m_input;
    QString m_warmInput; ///< segment of the input parked workers keep mapped
    JobSpec m_spec;
    const KernelDef* m_kernelDef = nullptr;
    QVariantMap m_params; ///< typed parameters of the running job
    int m_maxRetries = 2;
    std::vector<std::unique_ptr<Slot>> m_slots;
    QVector<int> m_pendingLaunches; ///< slots whose worker is still to be started
    QVector<QPair<qint64, qint64>> m_backlog; ///< ranges waiting for room in the retry ring
    QHash<qint64, int> m_crashes; ///< position -> crashes while it was being computed
    QHash<qint64, QString> m_failureReasons;
    QHash<qint64, QString> m_kernelFailures; ///< reasons workers sent for indices their kernel failed
    qint64 m_retriedChunks = 0;
    qint64 m_resumed = 0; ///< positions taken as done from a previous run
    int m_idleCrashes = 0;
    bool m_cancelling = false;
    bool m_finishing = false;
    JobResult m_result;
    QElapsedTimer m_clock;
    JobProgress m_progress;
    QVector<QPair<double, qint64>> m_rateWindow;
    qint64 m_firstChunkNs = 0;
    qint64 m_peakMemory = 0;
    int m_tick = 0;
    qint64 m_lastCpuSampleNs = 0;
    QThreadPool m_statsThread; ///< one thread for /proc memory readings, off the caller's loop
    bool m_memoryInFlight = false;
    qint64 m_lastMemoryReadingNs = 0;
    qint64 m_lastMemoryCostNs = 0;
};

} // namespace sharedmap
