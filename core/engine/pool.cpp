#include "engine/pool.h"

#include "base/installlayout.h"
#include "base/procstats.h"
#include "engine/jobannouncer.h"
#include "engine/jobassembly.h"
#include "engine/logging.h"
#include "engine/workerhandle.h"

#include <algorithm>
#include <QCoreApplication>
#include <QElapsedTimer>

namespace sharedmap {

namespace {
constexpr int kCancelGraceMs = 200;
constexpr int kQuitGraceMs = 2000;
constexpr int kMaxStartFailures = 3;
/// Time spent starting workers before the event loop gets a turn: QProcess::start forks and
/// execs synchronously (~5 ms each here), so hundreds of workers start in slices.
constexpr qint64 kLaunchSliceMs = 15;
} // namespace

Pool::Pool(QObject* parent)
    : JobSource(parent)
    , m_sampler({ [this] { return countDone(); }, [this](int slot) { return m_workers.probe(slot); } })
{
    qRegisterMetaType<sharedmap::JobResult>();
    qRegisterMetaType<sharedmap::ChunkEvent>();
    qRegisterMetaType<sharedmap::WorkerState>();
    qRegisterMetaType<sharedmap::Pool::State>();
    m_program = defaultWorkerProgram();
    connect(&m_sampler, &Sampler::progressChanged, this, &Pool::progressChanged);
    connect(&m_sampler, &Sampler::workerStateChanged, this, &Pool::workerStateChanged);
    connect(&m_sampler, &Sampler::chunkFinished, this, &Pool::chunkFinished);
    connect(&m_sampler, &Sampler::memorySampled, this, &Pool::memorySampled);
    connect(&m_sampler, &Sampler::stalled, this, [this](int index, double seconds) {
        WorkerHandle* handle = m_workers.handle(index);
        if (!handle)
            return;
        const QString reason = tr("worker %1 (pid %2) made no progress for %3 s (task timeout)")
                                   .arg(index)
                                   .arg(m_workers.pid(index))
                                   .arg(seconds, 0, 'f', 1);
        emit logMessage(reason + tr(": killed, its chunk goes back to the queue"));
        handle->kill(reason);
    });
    m_cancelTimer.setSingleShot(true);
    connect(&m_cancelTimer, &QTimer::timeout, this, [this] {
        // Workers had their grace to see the cancel flag: finish now, and stop the stragglers.
        if (m_state != State::Cancelling)
            return;
        finish(true);
        m_workers.killUnparked();
    });
}

Pool::~Pool()
{
    m_workers.abandonAll(); // each handle reaps its process as it goes
    m_sampler.end();
    withdrawJob(m_announcement);
    m_job.reset();
}

quint64 Pool::start(const JobSpec& spec, std::shared_ptr<const SharedArray> input, QString* error)
{
    return beginJob(spec, std::move(input), nullptr, nullptr, error);
}

quint64 Pool::resume(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const ResultValues& previous,
                     QString* error)
{
    return beginJob(spec, std::move(input), &previous, nullptr, error);
}

quint64 Pool::start(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const PythonProbeResult& probe,
                    QString* error)
{
    return beginJob(spec, std::move(input), nullptr, &probe, error);
}

quint64 Pool::resume(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const ResultValues& previous,
                     const PythonProbeResult& probe, QString* error)
{
    return beginJob(spec, std::move(input), &previous, &probe, error);
}

quint64 Pool::beginJob(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const ResultValues* previous,
                       const PythonProbeResult* probe, QString* error)
{
    if (m_job) {
        *error = QStringLiteral("a job is already running");
        return 0;
    }
    m_job = JobAssembly::create(spec, std::move(input), previous, probe, error);
    if (!m_job)
        return 0;
    ++m_jobId; // ids only grow: results of an older job are never taken for a newer one
    const quint64 id = m_jobId;
    const int workers = m_job->workers();
    const qint64 tasks = m_job->segment()->taskCount();
    m_retries.reset(m_job->segment(), spec.maxRetries, m_job->resumed() + m_job->probed(), m_job->probeFailures());
    m_idleCrashes = 0;
    m_result = m_job->plannedResult(id);
    QString announceError;
    m_announcement = announceJob(m_job->announcement(id, m_result.startedAt), &announceError);
    if (m_announcement.isEmpty()) // the job still runs: only watching it from elsewhere is lost
        emit logMessage(tr("Job %1 is not announced to other processes: %2").arg(id).arg(announceError));
    setState(State::Starting);
    m_sampler.begin(m_job->segment(), id, workers, countDone(), spec.taskTimeoutS);
    qCDebug(lcEngine, "job %llu: %s, %lld positions (%lld resumed), %d workers, segment %s", id,
            qPrintable(spec.kernel), tasks, m_job->resumed(), workers, qPrintable(m_job->segment()->name()));
    takeSlots(workers);
    launchPending(); // may fail the job (a worker that cannot start): m_job is not used below
    emit started(id);
    emit logMessage(
        tr("Job %1: %2 over %3 indices with %4 workers").arg(id).arg(spec.kernelLabel()).arg(tasks).arg(workers));
    if (workers == 0) {
        QTimer::singleShot(0, this, [this, id] {
            if (m_job && m_jobId == id && m_state != State::Finishing)
                finish(false);
        });
    }
    return id;
}

void Pool::setState(State state)
{
    if (state == m_state)
        return;
    qCDebug(lcEngine) << "job" << m_jobId << m_state << "->" << state;
    m_state = state;
    emit stateChanged(state);
}

void Pool::takeSlots(int workers)
{
    // Workers parked by the last job (warm pool) take the same slots again; others start fresh.
    // A copy-mode worker must receive its own copy: it never reuses a warm one.
    const bool sameInput = m_job->input() && m_job->input()->segmentName() == m_warmInput;
    m_workers.takeOver(workers, !m_job->copyMode(), sameInput, kQuitGraceMs);
    for (int i = 0; i < workers; ++i) {
        if (m_workers.handle(i))
            assign(i);
        else
            m_pendingLaunches.append(i);
    }
}

void Pool::launchPending()
{
    QElapsedTimer slice;
    slice.start();
    while (!m_pendingLaunches.isEmpty() && m_job && m_state != State::Finishing) {
        const int index = m_pendingLaunches.takeFirst();
        if (!m_workers.handle(index)) // a restart may have launched it already
            launch(index);
        if (slice.elapsed() >= kLaunchSliceMs && !m_pendingLaunches.isEmpty()) {
            const quint64 id = m_jobId;
            QTimer::singleShot(0, this, [this, id] {
                if (m_jobId == id)
                    launchPending();
            });
            return;
        }
    }
}

void Pool::prepareSlot(int index, bool newProcess)
{
    m_job->segment()->slot(index)->prepare(m_workers.restarts(index));
    m_sampler.workerStarting(index, newProcess);
}

void Pool::assign(int index)
{
    // A warm worker: its input is still mapped; it attaches to the new job and says hello again.
    prepareSlot(index, false);
    m_workers.handle(index)->assign(m_job->segment()->name());
}

void Pool::launch(int index)
{
    WorkerHandle* handle = m_workers.create(index);
    connectHandle(handle);
    prepareSlot(index, true);
    handle->launch(m_program, m_job->segment()->name(), m_niceness, m_job->copyMode() ? m_job->input() : nullptr);
}

void Pool::prestart(int count, bool python)
{
    if (m_job)
        return;
    count = qBound(0, count, kMaxWorkers);
    for (int index = m_workers.grow(count); index < count; ++index) {
        // Parked from the start: the next job hands it its slot as it does a warm worker's;
        // until then it gets ready (for a Python job: the interpreter and NumPy).
        WorkerHandle* handle = m_workers.create(index);
        connectHandle(handle);
        handle->launchParked(m_program, m_niceness, python);
        m_workers.setPid(index, handle->processId());
    }
}

void Pool::connectHandle(WorkerHandle* handle)
{
    const int index = handle->slot();
    connect(handle, &WorkerHandle::messageReceived, this, [this, index](const protocol::WorkerMessage& message) {
        if (std::holds_alternative<protocol::Resident>(message)) {
            // A parked worker finished mapping the whole input (it comes between jobs).
            if (isWarm())
                emit warmed();
            return;
        }
        if (!m_job)
            return; // a late message of a job that is over
        std::visit(protocol::Overloaded {
                       [&](const protocol::Hello& hello) {
                           m_workers.setPid(index, hello.pid);
                           m_idleCrashes = 0;
                           qCDebug(lcEngine, "worker %d (pid %lld) attached", index, hello.pid);
                           if (m_state == State::Starting)
                               setState(State::Running);
                       },
                       [&](const protocol::Idle&) { checkIdle(); },
                       [&](const protocol::Parked&) { maybeComplete(); },
                       [&](const protocol::Failure& failure) {
                           m_retries.noteKernelFailure(failure.position, failure.reason);
                       },
                       [&](const protocol::Error& error) { fail(error.message); },
                       [](const protocol::Resident&) {},
                   },
                   message);
    });
    connect(handle, &WorkerHandle::stderrLine, this, [this, index](const QString& line) {
        emit workerOutput(index, line);
        emit logMessage(tr("worker %1: %2").arg(index).arg(line.trimmed()));
    });
    connect(handle, &WorkerHandle::failedToStart, this, [this, handle](const QString& error) {
        if (m_job && m_workers.isCurrent(handle))
            fail(tr("cannot start worker %1: %2").arg(m_program, error));
    });
    connect(handle, &WorkerHandle::protocolError, this, [this, index](const QString& error) {
        emit logMessage(tr("worker %1 sent garbage (%2): treated as crashed").arg(index).arg(error));
    });
    connect(handle, &WorkerHandle::attachTimedOut, this, [this, index] {
        emit logMessage(
            tr("worker %1 did not start within %2 s: killed").arg(index).arg(WorkerHandle::kHelloTimeoutMs / 1000));
    });
    connect(handle, &WorkerHandle::exited, this, [this, handle](const WorkerExit& exit) { onExited(handle, exit); });
}

void Pool::onExited(WorkerHandle* handle, const WorkerExit& exit)
{
    if (!m_workers.isCurrent(handle))
        return;
    const int index = handle->slot();
    const qint64 pid = m_workers.pid(index);
    m_workers.clear(index);
    if (!m_job)
        return;
    if (m_state == State::Finishing) {
        m_job->segment()->slot(index)->state.store(qint32(WorkerState::Finished), std::memory_order_relaxed);
        m_sampler.setWorkerState(index, WorkerState::Finished);
        maybeComplete();
        return;
    }
    QString why = exit.killReason;
    if (why.isEmpty() && exit.crashed)
        why = tr("worker %1 (pid %2) crashed").arg(index).arg(pid);
    else if (why.isEmpty())
        why = tr("worker %1 (pid %2) exited with code %3").arg(index).arg(pid).arg(exit.exitCode);
    emit logMessage(why);
    if (!handle->attached() && ++m_idleCrashes > kMaxStartFailures) {
        const QString detail = QString::fromLocal8Bit(handle->stderrTail().trimmed());
        fail(tr("workers keep failing to start (%1)%2")
                 .arg(exit.crashed ? tr("crashed") : tr("exit code %1").arg(exit.exitCode),
                      detail.isEmpty() ? QString() : QStringLiteral(": ") + detail));
        return;
    }
    recover(index, why);
    if (m_state != State::Cancelling && m_retries.workRemains()) {
        m_workers.countRestart(index);
        qCDebug(lcEngine, "slot %d: replacing its worker (restart %d)", index, m_workers.restarts(index));
        launch(index);
    } else {
        checkIdle();
    }
}

void Pool::recover(int index, const QString& why)
{
    m_job->segment()->slot(index)->state.store(qint32(WorkerState::Crashed), std::memory_order_relaxed);
    m_sampler.setWorkerState(index, WorkerState::Crashed);
    const RetryQueue::Crash crash = m_retries.recover(index);
    if (crash.position < 0)
        return;
    qCDebug(lcEngine, "slot %d: crash %d at position %lld, %s", index, crash.crashes, crash.position,
            crash.failed ? "position failed, the rest of its range queued again" : "its range queued again");
    if (crash.failed) {
        m_retries.setFailureReason(crash.position, tr("%1 while computing it, %2 times").arg(why).arg(crash.crashes));
        emit logMessage(tr("index %1 (position %2) failed after %3 crashes")
                            .arg(m_job->segment()->indexAt(crash.position))
                            .arg(crash.position)
                            .arg(crash.crashes));
    }
    publishRetries();
}

void Pool::publishRetries()
{
    if (m_retries.publish())
        m_workers.wakeIdle();
}

void Pool::checkIdle()
{
    if (!m_job || m_state == State::Finishing)
        return;
    bool anyAlive = false;
    if (!m_workers.allIdle(&anyAlive))
        return;
    if (m_state == State::Cancelling) {
        finish(true);
        return;
    }
    if (m_retries.hasUnclaimed()) {
        publishRetries();
        m_workers.wakeIdle(); // also when the ranges were published earlier but not claimed yet
        return;
    }
    if (!m_retries.workRemains()) {
        finish(false);
        return;
    }
    // Everyone is idle yet positions are pending: a worker died between claiming a range and
    // announcing it. Queue every pending run of positions again.
    if (!m_retries.requeuePending())
        return; // fed mode: every range fed so far is done; feed() or endFeed() comes next
    qCDebug(lcEngine, "job %llu: every worker idle with positions pending: queued again", m_jobId);
    publishRetries();
    if (!anyAlive) {
        for (int i = 0; i < m_workers.count(); ++i)
            launch(i);
    }
}

void Pool::cancel()
{
    if (m_state != State::Starting && m_state != State::Running)
        return;
    setState(State::Cancelling);
    m_job->segment()->header()->cancel.store(1, std::memory_order_release);
    emit logMessage(tr("Job %1: cancelling").arg(m_jobId));
    m_cancelTimer.start(kCancelGraceMs);
    checkIdle();
}

qint64 Pool::countDone() const
{
    return m_job->reader().countDone(); // as a monitor attached from another process counts
}

JobProgress Pool::progress() const
{
    // Finishing: the figures are final; between jobs: the last job's.
    return m_sampler.progress(m_state == State::Starting || m_state == State::Running || m_state == State::Cancelling);
}

void Pool::finish(bool cancelled)
{
    setState(State::Finishing);
    m_cancelTimer.stop();
    const qint64 elapsedNs = m_sampler.conclude();
    m_job->complete(&m_result, m_retries, tr("the kernel failed on this index"), cancelled, elapsedNs);
    m_result.peakMemoryBytes = m_sampler.peakMemory();
    m_result.figures = figures();
    m_result.workerStats = workers();
    for (WorkerInfo& info : m_result.workerStats)
        info.state = WorkerState::Finished;
    m_sampler.settle(m_result.doneCount() + m_result.failedPositions().size());
    m_job->segment()->publishEnd(cancelled ? JobOutcome::Cancelled : JobOutcome::Finished,
                                 m_job->segment()->header()->startNs + elapsedNs);
    emit logMessage(cancelled ? tr("Job %1: cancelled after %2 s").arg(m_jobId).arg(m_result.elapsedS, 0, 'f', 3)
                              : tr("Job %1: done in %2 s").arg(m_jobId).arg(m_result.elapsedS, 0, 'f', 3));
    // A finished job parks its workers when the pool is warm; a cancelled one lets them go, so a
    // cancel always ends with no worker and no job segment left (and a misbehaving job cannot
    // leave a stuck worker behind). A copy-mode worker's private copy is not kept; of the others,
    // those that attached keep their input mapped for the next job.
    const bool park = m_keepWarm && !cancelled && !m_job->copyMode();
    if (!m_workers.stopAll(park, cancelled ? kCancelGraceMs : kQuitGraceMs)) {
        JobResult result = m_result;
        release();
        // Emitted from the event loop so callers see start() return before finished().
        QTimer::singleShot(0, this, [this, result] { emit finished(result); });
    }
}

bool Pool::isWarm() const
{
    return !m_job && m_workers.allResident();
}

void Pool::maybeComplete()
{
    if (!m_job || m_state != State::Finishing)
        return;
    if (!m_workers.allParked())
        return;
    JobResult result = m_result;
    release(); // every worker has exited or let go of the job: its segment goes now
    emit finished(result);
}

void Pool::fail(const QString& error)
{
    if (!m_job)
        return;
    m_job->segment()->header()->cancel.store(1, std::memory_order_release);
    m_job->segment()->publishEnd(JobOutcome::Failed, monotonicNs());
    m_workers.abandonAll();
    release();
    emit logMessage(tr("Job failed: %1").arg(error));
    emit failed(error);
}

void Pool::release()
{
    m_cancelTimer.stop();
    m_sampler.end();
    if (m_job->input())
        m_warmInput = m_job->input()->segmentName(); // what parked workers keep mapped (a no-input job keeps it)
    withdrawJob(m_announcement); // before the segment goes: an attached monitor then reads the end
    m_announcement.clear();
    qCDebug(lcEngine, "job %llu: segment %s removed", m_jobId, qPrintable(m_job->segment()->name()));
    m_job.reset(); // removes the job segment
    m_pendingLaunches.clear();
    m_result.values = ResultValues(); // the output array now belongs to whoever took the result
    setState(State::Idle);
}

QVector<WorkerInfo> Pool::workers() const
{
    return m_job ? m_job->reader().workers() : QVector<WorkerInfo>(); // as an attached monitor reads them
}

} // namespace sharedmap
