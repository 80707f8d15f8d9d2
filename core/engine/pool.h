#pragma once

#include "engine/jobreader.h"
#include "engine/jobsource.h"
#include "engine/pythonprobe.h"
#include "job/jobresult.h"
#include "job/jobspec.h"
#include "protocol/framing.h"
#include "shm/jobsegment.h"
#include "shm/sharedarray.h"

#include <memory>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

class QProcess;

namespace sharedmap {

struct KernelDef;

/// The worker pool: the one facade through which the CLI and the GUI run jobs. It puts the job
/// in a shared segment, starts `sharedmap-worker` processes asynchronously, lets them claim
/// chunks themselves, samples their counters on a timer (never per task) and reports through
/// signals. Workers that crash are replaced and their unfinished positions queued again. Each
/// job is announced in the per-user jobs folder while it runs, so other processes can attach.
class Pool : public JobSource
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
    /// start() and resume() for a job that runs a Python function (`spec.python`): `probe` is
    /// what PythonProbe::probeJob() found for this spec, input and indices. Its shape is every
    /// result's shape, and its calls are those positions' results (not computed again); when
    /// none of them succeeded, the job ends after them (halted()).
    quint64 start(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const PythonProbeResult& probe,
                  QString* error);
    quint64 resume(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const ResultValues& previous,
                   const PythonProbeResult& probe, QString* error);
    /// Starts workers ahead of the next job, parked until it comes (up to `count` in all, with
    /// those already parked), so their start overlaps whatever the caller does meanwhile — e.g.
    /// the Python probe: with `python`, they start the interpreter and NumPy while it runs (not
    /// the user's file: nothing of it runs before the probe has accepted it). The next start()
    /// takes them as it takes a warm pool's workers; the pool's end stops unused ones.
    void prestart(int count, bool python = false);
    /// Stops the workers (within 200 ms: they see the cancel flag, or are killed), keeps the
    /// results computed so far, and finishes the job with `cancelled` set.
    void cancel();

    bool isRunning() const override { return m_job != nullptr; }
    /// Warm pool between jobs: every worker is parked with the whole input in its page tables,
    /// so the next job on that array takes no page fault (what a second Run in the window gets).
    bool isWarm() const;
    quint64 currentJobId() const override { return m_jobId; }
    JobProgress progress() const override;
    const JobResult& currentJob() const override { return m_result; }
    QVector<WorkerInfo> workers() const override;
    qint64 readResults(qint64 from, qint64 count, double* values, quint8* status) const override;
    QVector<qint64> readAccumulator() const override;
    QVariantMap figures() const override;
    /// Name of the running job's segment (tests check it is gone afterwards).
    QString jobSegmentName() const;
    /// The running job's announcement file (empty when none could be written).
    QString announcementPath() const { return m_announcement; }

signals:
    // progressChanged, chunkFinished, memorySampled, finished and failed come from JobSource.
    void started(quint64 jobId);
    void workerStateChanged(int slot, sharedmap::WorkerState state);
    void logMessage(const QString& message);
    /// One line a worker wrote to its stderr (what a Python function prints, tracebacks); also
    /// sent as logMessage(). The CLI prints these as `[worker K] line`.
    void workerOutput(int slot, const QString& line);
    /// Every parked worker now holds the whole input in its page tables (see isWarm()).
    void warmed();

private:
    struct Slot;

    /// start() and resume(): `previous` is null for a fresh job.
    quint64 beginJob(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const ResultValues* previous,
                     const PythonProbeResult* probe, QString* error);
    /// Emits the whole lines of a worker's stderr (a partial last line waits for the rest, or
    /// for `flush` when the worker is gone).
    void forwardOutput(int slot, const QByteArray& text, bool flush);
    void launch(int slot);
    /// A worker process for `slot` with its signals connected, not started yet.
    QProcess* newWorkerProcess(int slot, QStringList arguments);
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
    /// Publishes in the job segment what only the pool counts (positions it completed itself:
    /// resumed, failed after crashes; retried chunks), for monitors attached from elsewhere.
    void publishCounts();
    void announce();
    void finish(bool cancelled);
    void fail(const QString& error);
    void stopProcesses(int graceMs, bool park);
    void release();
    bool workRemains() const;

    QString m_program;
    int m_niceness = 0;
    bool m_keepWarm = false;
    QTimer m_timer;
    QTimer m_killTimer;
    quint64 m_jobId = 0;

    // State of the running job.
    std::unique_ptr<JobSegment> m_job;
    JobReader m_reader; ///< reads m_job as an attached monitor reads it
    QString m_announcement; ///< the job's file in the jobs folder
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
    qint64 m_probed = 0; ///< positions a Python probe computed before the job started
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
