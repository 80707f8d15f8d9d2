#pragma once

#include "engine/jobassembly.h"
#include "engine/jobsource.h"
#include "engine/pythonprobe.h"
#include "engine/retryqueue.h"
#include "engine/sampler.h"
#include "engine/workerslots.h"
#include "job/jobresult.h"
#include "job/jobspec.h"
#include "shm/jobsegment.h"
#include "shm/sharedarray.h"

#include <memory>
#include <QTimer>

namespace sharedmap {

class WorkerHandle;
struct WorkerExit;

/// The worker pool: the one facade through which the CLI and the GUI run jobs. It puts the job
/// in a shared segment, starts `sharedmap-worker` processes asynchronously, lets them claim
/// chunks themselves, samples their counters on a timer (never per task) and reports through
/// signals. Workers that crash are replaced and their unfinished positions queued again. Each
/// job is announced in the per-user jobs folder while it runs, so other processes can attach;
/// the pool reads its own job through the same JobReader they do. The parts: the JobAssembly of the running job,
/// WorkerSlots holding a WorkerHandle per worker process, a RetryQueue and a Sampler; the pool holds the job's state
/// and decides what happens when a worker speaks or dies.
class Pool : public JobSource
{
    Q_OBJECT
public:
    /// Where the pool stands. Idle: no job. Starting: the job's segment exists, no worker has
    /// attached yet. Running: workers claim chunks. Cancelling: cancel() was called, workers are
    /// going idle. Finishing: workers are told to park or quit; finished() follows when every one
    /// has. Idle again once the job's segment is gone, before finished() or failed() is emitted.
    enum class State
    {
        Idle,
        Starting,
        Running,
        Cancelling,
        Finishing
    };
    Q_ENUM(State)

    explicit Pool(QObject* parent = nullptr);
    ~Pool() override;

    /// Path of the worker executable; defaults to `defaultWorkerProgram()` (beside the application,
    /// else in the installed `libexec/sharedmap`).
    void setWorkerProgram(const QString& path) { m_program = path; }
    QString workerProgram() const { return m_program; }
    /// Sampling period of the progress timer in milliseconds (default 33, about 30 Hz).
    void setSampleInterval(int ms) { m_sampler.setInterval(ms); }
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

    // Fed mode, for a scheduler outside the pool (sharedmap-mpi's node leaders): the job
    // computes only the ranges handed in with feed(); workers reach them through the RetryQueue
    // (which keeps the mode's state), crash recovery included, and the job finishes once
    // endFeed() was called and every fed position is done or failed.
    /// Puts the next start() or resume() in fed mode (true) or back in the usual mode.
    void setFed(bool fed) { m_retries.setFed(fed); }
    bool isFed() const { return m_retries.isFed(); }
    /// Fed mode: queues positions [begin, end) of the running job for the workers.
    void feed(qint64 begin, qint64 end)
    {
        if ((m_state == State::Starting || m_state == State::Running) && m_retries.feed(begin, end))
            publishRetries();
    }
    /// Fed mode: no more ranges will come; the job finishes when the fed ones are done.
    void endFeed()
    {
        if (m_job && m_retries.endFeed())
            checkIdle();
    }
    /// Ranges fed (or queued again after a crash) that no worker has claimed yet.
    qint64 unclaimedRanges() const { return m_job ? m_retries.unclaimedRanges() : 0; }

    State state() const { return m_state; }
    bool isRunning() const override { return m_state != State::Idle; }
    /// Warm pool between jobs: every worker is parked with the whole input in its page tables,
    /// so the next job on that array takes no page fault (what a second Run in the window gets).
    bool isWarm() const;
    quint64 currentJobId() const override { return m_jobId; }
    JobProgress progress() const override;
    const JobResult& currentJob() const override { return m_result; }
    QVector<WorkerInfo> workers() const override;
    qint64 readResults(qint64 from, qint64 count, double* values, quint8* status) const override
    {
        return m_job ? m_job->reader().readResults(from, count, values, status) : 0;
    }
    QVector<qint64> readAccumulator() const override
    {
        return m_job ? m_job->reader().readAccumulator() : QVector<qint64>();
    }
    QVariantMap figures() const override { return m_job ? m_job->figures() : QVariantMap(); }
    /// Name of the running job's segment (tests check it is gone afterwards).
    QString jobSegmentName() const { return m_job ? m_job->segment()->name() : QString(); }
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
    void stateChanged(sharedmap::Pool::State state);

private:
    /// start() and resume(): `previous` is null for a fresh job.
    quint64 beginJob(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const ResultValues* previous,
                     const PythonProbeResult* probe, QString* error);
    void setState(State state);
    void takeSlots(int workers);
    void launch(int slot);
    /// Starts the workers in m_pendingLaunches, yielding to the event loop every kLaunchSliceMs.
    void launchPending();
    /// The slot's shared record and its sampling start over for a worker (new or warm).
    void prepareSlot(int slot, bool newProcess);
    void assign(int slot);
    void connectHandle(WorkerHandle* handle);
    void onExited(WorkerHandle* handle, const WorkerExit& exit);
    void recover(int slot, const QString& why);
    void publishRetries();
    void checkIdle();
    qint64 countDone() const;
    void finish(bool cancelled);
    void maybeComplete();
    void fail(const QString& error);
    void release();

    QString m_program;
    int m_niceness = 0;
    bool m_keepWarm = false;
    State m_state = State::Idle;
    quint64 m_jobId = 0;
    std::unique_ptr<JobAssembly> m_job; ///< the running job, null when Idle
    QString m_announcement; ///< the job's file in the jobs folder
    QString m_warmInput; ///< segment of the input parked workers keep mapped
    WorkerSlots m_workers;
    QVector<int> m_pendingLaunches; ///< slots whose worker is still to be started
    RetryQueue m_retries;
    Sampler m_sampler;
    QTimer m_cancelTimer; ///< how long cancelled workers have to go idle
    int m_idleCrashes = 0; ///< workers in a row that died before saying hello
    JobResult m_result;
};

} // namespace sharedmap
