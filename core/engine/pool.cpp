#include "engine/pool.h"

#include "base/installlayout.h"
#include "base/procstats.h"
#include "base/progressformat.h"
#include "kernels/kernel.h"

#include <cmath>
#include <cstring>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

namespace sharedmap {

namespace {
constexpr int kMemoryEveryTicks = 6; ///< PSS walks page tables: sample it at ~5 Hz, not 30
constexpr int kCancelGraceMs = 200;
constexpr int kQuitGraceMs = 2000;
constexpr int kMaxStartFailures = 3;
constexpr qint64 kHelloTimeoutMs = 10000; ///< a worker that has not attached by then is killed
/// Time spent starting workers before the event loop gets a turn: QProcess::start forks and
/// execs synchronously (~5 ms each here), so hundreds of workers start in slices.
constexpr qint64 kLaunchSliceMs = 15;

/// Sends one framed control message to a worker.
void send(QProcess* worker, const char* type, QJsonObject fields = {})
{
    fields.insert(QStringLiteral("type"), QLatin1String(type));
    worker->write(protocol::encode(fields));
}
} // namespace

/// What the pool keeps per worker slot besides the shared WorkerSlot.
struct Pool::Slot
{
    QProcess* process = nullptr;
    protocol::FrameReader reader;
    bool hello = false;
    bool idle = false;
    qint64 pid = 0;
    int restarts = 0;
    WorkerState lastState = WorkerState::Starting;
    quint64 ringRead = 0;
    qint64 lastCpuNs = 0;
    ProcessStats stats;
    double cpuPercent = 0;
    QByteArray stderrTail;
    QElapsedTimer launched;
    qint64 lastTasksDone = -1; ///< for the task timeout: progress seen at lastProgressNs
    qint64 lastRangeBegin = -1;
    qint64 lastProgressNs = 0;
    QString killReason; ///< why the pool killed this worker, if it did
    bool parked = false; ///< warm pool: between jobs, input still mapped
    bool resident = false; ///< parked with the whole input in its page tables
    qint64 copySent = 0; ///< copy mode: bytes of the input written to this worker's stdin
};

Pool::Pool(QObject* parent)
    : QObject(parent)
{
    m_statsThread.setMaxThreadCount(1);
    qRegisterMetaType<sharedmap::JobResult>();
    qRegisterMetaType<sharedmap::ChunkEvent>();
    qRegisterMetaType<sharedmap::WorkerState>();
    m_program = defaultWorkerProgram();
    m_timer.setInterval(33);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] { sample(++m_tick % kMemoryEveryTicks == 0); });
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        if (!m_job)
            return;
        if (!m_finishing)
            finish(true);
        for (auto& slot : m_slots) {
            if (slot->process && !slot->parked)
                slot->process->kill();
        }
    });
}

Pool::~Pool()
{
    m_statsThread.waitForDone(); // a memory reading in flight posts back to this object
    for (auto& slot : m_slots) {
        if (slot->process) {
            slot->process->disconnect(this);
            slot->process->kill();
            slot->process->waitForFinished(1000); // shutting down: nothing left to keep responsive
        }
    }
    release();
}

quint64 Pool::start(const JobSpec& spec, std::shared_ptr<const SharedArray> input, QString* error)
{
    return beginJob(spec, std::move(input), nullptr, error);
}

quint64 Pool::resume(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const ResultValues& previous,
                     QString* error)
{
    return beginJob(spec, std::move(input), &previous, error);
}

quint64 Pool::beginJob(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const ResultValues* previous,
                       QString* error)
{
    if (m_job) {
        *error = QStringLiteral("a job is already running");
        return 0;
    }
    JobPlan plan;
    QString problem = planJob(spec, input ? &input->meta() : nullptr, &plan);
    if (!problem.isEmpty()) {
        *error = problem;
        return 0;
    }
    const KernelDef* def = plan.kernel;
    if (!def->info.needsInput)
        input.reset(); // a kernel without input (mandelbrot, the race) neither holds nor reports one
    const QVariantMap& params = plan.params;
    const qint64 space = plan.indexSpace;
    const IndexList& indices = plan.indices;
    const qint64 tasks = indices.size();
    const qint64 width = plan.resultWidth;
    if (previous && previous->size() != tasks * width) {
        *error = QStringLiteral("the partial results hold %1 values, but this job has %2 positions of %3 value(s): "
                                "resume with the same kernel, input and indices")
                     .arg(previous->size())
                     .arg(tasks)
                     .arg(width);
        return 0;
    }
    // Positions a previous run completed are not computed again.
    QVector<bool> kept;
    qint64 keptCount = 0;
    if (previous) {
        kept.resize(tasks);
        for (qint64 p = 0; p < tasks; ++p) {
            bool complete = true;
            for (qint64 k = 0; k < width; ++k)
                complete = complete && !std::isnan((*previous)[p * width + k]);
            kept[p] = complete;
            keptCount += complete;
        }
    }
    const int workers = int(qMin<qint64>(spec.effectiveWorkers(), tasks - keptCount));
    const bool copy = spec.mode == QLatin1String("copy");
    if (copy && input) {
        // The tutorial's MemoryError, explained before it happens.
        const qint64 needed = qint64(workers) * input->meta().byteSize();
        const qint64 available = availableMemoryBytes();
        if (available > 0 && needed > available) { // 0: MemAvailable unreadable, as in checkSharedMemoryFits()
            *error = QStringLiteral("copy mode needs %1 × %2 = %3 for the workers' copies, but only %4 of memory is "
                                    "available: use mode shared (one copy for all workers) or fewer workers")
                         .arg(workers)
                         .arg(formatBytes(input->meta().byteSize()), formatBytes(needed), formatBytes(available));
            return 0;
        }
    }

    JobSegment::Layout layout;
    layout.slotCount = qMax(1, workers);
    layout.resultWidth = qint32(width);
    layout.resultShape = plan.resultShape;
    layout.accumulatorCells = plan.accumulatorCells;
    layout.accumulatorJournal = plan.accumulatorJournal;
    layout.copyInput = copy;
    layout.chunkSize = spec.chunkSize;
    layout.indexSpace = space;
    layout.indices = indices;
    layout.inputSegment = input ? input->segmentName() : QString();
    QJsonObject segmentSpec { { QStringLiteral("kernel"), spec.kernel },
                              { QStringLiteral("params"), QJsonObject::fromVariantMap(params) } };
    if (!def->pluginPath.isEmpty())
        segmentSpec.insert(QStringLiteral("plugin"), def->pluginPath); // the workers load the same file
    layout.spec = QJsonDocument(segmentSpec).toJson(QJsonDocument::Compact);
    m_job = JobSegment::create(layout, &problem);
    if (!m_job) {
        *error = problem;
        return 0;
    }

    m_feedEnded = false;
    m_fedMask = QBitArray(m_fed ? int(tasks) : 0);
    if (m_fed)
        m_job->header()->nextPosition.store(tasks, std::memory_order_relaxed); // nothing to claim but what is fed

    if (keptCount > 0) {
        for (qint64 p = 0; p < tasks; ++p) {
            if (!kept[p])
                continue;
            std::copy_n(previous->constData() + p * width, size_t(width), m_job->results() + p * width);
            m_job->status()[p] = Done;
        }
    }

    ++m_jobId; // ids only grow: results of an older job are never taken for a newer one
    m_input = std::move(input);
    m_spec = spec;
    m_maxRetries = spec.maxRetries;
    m_backlog.clear();
    m_crashes.clear();
    m_failureReasons.clear();
    m_kernelFailures.clear();
    m_retriedChunks = 0;
    m_resumed = keptCount;
    m_idleCrashes = 0;
    m_cancelling = false;
    m_finishing = false;
    m_progress = JobProgress { keptCount, tasks, 0, 0 };
    m_rateWindow.clear();
    m_peakMemory = 0;
    m_tick = 0;
    m_lastCpuSampleNs = monotonicNs();

    m_result = JobResult();
    m_result.jobId = m_jobId;
    m_result.spec = spec;
    m_result.kernelName = spec.kernel;
    if (m_input) {
        m_result.inputMeta = m_input->meta();
        m_result.inputPath = m_input->sourcePath().isEmpty() ? spec.input : m_input->sourcePath();
    }
    m_result.indices = indices;
    m_result.resultWidth = int(width);
    m_result.resultShape = plan.resultShape;
    m_result.values = ResultValues(m_job->output()); // filled in by the workers as positions complete
    m_result.accumulatorText = QString::fromUtf8(def->info.accumulatorText);
    m_kernelDef = def;
    m_params = params;
    m_result.workers = spec.effectiveWorkers();
    m_result.chunkSize = spec.chunkSize;
    m_result.startedAt = QDateTime::currentDateTime();
    m_clock.start();

    // Workers parked by the last job (warm pool) take the same slots again; others start fresh.
    // A warm worker given another array is no longer resident (it maps the new one first).
    const bool sameInput = m_input && m_input->segmentName() == m_warmInput;
    std::vector<std::unique_ptr<Slot>> earlier = std::move(m_slots);
    m_slots.clear();
    for (int i = 0; i < workers; ++i) {
        // A copy-mode worker must receive its own copy: it never reuses a warm one. Nor is a
        // parked worker that died reused, even before its QProcess has told (no event loop ran).
        const bool warm = !copy && i < int(earlier.size()) && earlier[i]->process && earlier[i]->parked
            && processRunning(earlier[i]->pid);
        if (warm) {
            earlier[i]->resident = earlier[i]->resident && sameInput;
            m_slots.push_back(std::move(earlier[i]));
            assign(i);
        } else {
            m_slots.push_back(std::make_unique<Slot>());
            m_pendingLaunches.append(i);
        }
    }
    for (auto& slot : earlier) {
        if (slot && slot->process)
            dismiss(slot->process);
    }
    launchPending();
    m_timer.start();
    emit started(m_jobId);
    emit logMessage(
        tr("Job %1: %2 over %3 indices with %4 workers").arg(m_jobId).arg(spec.kernel).arg(tasks).arg(workers));
    if (workers == 0) {
        const quint64 id = m_jobId;
        QTimer::singleShot(0, this, [this, id] {
            if (m_job && m_jobId == id && !m_finishing)
                finish(false);
        });
    }
    return m_jobId;
}

void Pool::launchPending()
{
    QElapsedTimer slice;
    slice.start();
    while (!m_pendingLaunches.isEmpty() && m_job && !m_finishing) {
        const int index = m_pendingLaunches.takeFirst();
        if (!m_slots[index]->process) // a restart may have launched it already
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

void Pool::resetSlot(int index)
{
    Slot& slot = *m_slots[index];
    WorkerSlot* shared = m_job->slot(index);
    shared->pid.store(0, std::memory_order_relaxed);
    shared->state.store(qint32(WorkerState::Starting), std::memory_order_relaxed);
    shared->generation.fetch_add(1, std::memory_order_relaxed);
    slot.hello = false;
    slot.idle = false;
    slot.parked = false;
    slot.lastState = WorkerState::Starting;
    slot.launched.start();
    slot.lastTasksDone = -1;
    slot.lastRangeBegin = -1;
    slot.killReason.clear();
}

void Pool::assign(int index)
{
    // A warm worker: its input is still mapped; it attaches to the new job and says hello again.
    resetSlot(index);
    Slot& slot = *m_slots[index];
    slot.ringRead = 0; // a new job segment, a new ring
    send(slot.process, protocol::kJob, { { QStringLiteral("job"), m_job->name() }, { QStringLiteral("slot"), index } });
    emit workerStateChanged(index, WorkerState::Starting);
}

void Pool::dismiss(QProcess* process)
{
    // A worker no job needs any more: ask it to quit, kill it if it does not, reap it either way.
    process->disconnect(this);
    connect(process, &QProcess::finished, process, &QObject::deleteLater);
    send(process, protocol::kQuit);
    QTimer::singleShot(kQuitGraceMs, process, [process] { process->kill(); });
}

void Pool::launch(int index)
{
    resetSlot(index);
    Slot& slot = *m_slots[index];
    slot.pid = 0;
    slot.reader = protocol::FrameReader();
    slot.copySent = 0;

    auto* process = new QProcess(this);
    slot.process = process;
    process->setProgram(m_program);
    process->setArguments({ QStringLiteral("--job"), m_job->name(), QStringLiteral("--slot"), QString::number(index),
                            QStringLiteral("--parent"), QString::number(QCoreApplication::applicationPid()) });
    const int niceness = m_niceness;
    process->setChildProcessModifier([niceness] {
        // In the child between fork and exec: die with the parent; run at a lower priority.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (niceness > 0)
            ::setpriority(PRIO_PROCESS, 0, niceness);
    });
    connect(process, &QProcess::readyReadStandardOutput, this, [this, index] { onOutput(index); });
    connect(process, &QProcess::readyReadStandardError, this, [this, process, index] {
        const QByteArray text = process->readAllStandardError();
        Slot& s = *m_slots[index];
        s.stderrTail = (s.stderrTail + text).right(2000);
        for (const QByteArray& line : text.split('\n')) {
            if (!line.trimmed().isEmpty())
                emit logMessage(tr("worker %1: %2").arg(index).arg(QString::fromLocal8Bit(line.trimmed())));
        }
    });
    connect(process, &QProcess::finished, this,
            [this, process, index](int code, QProcess::ExitStatus status) { onExited(process, index, code, status); });
    connect(process, &QProcess::errorOccurred, this, [this, process, index](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart && m_job && m_slots[index]->process == process)
            fail(tr("cannot start worker %1: %2").arg(m_program, process->errorString()));
    });
    if (m_job->header()->copyInput) {
        connect(process, &QProcess::started, this, [this, process, index] { sendCopy(process, index, true); });
        connect(process, &QProcess::bytesWritten, this, [this, process, index] { sendCopy(process, index, false); });
    }
    process->start(QIODevice::ReadWrite);
    emit workerStateChanged(index, WorkerState::Starting);
}

void Pool::sendCopy(QProcess* process, int index, bool first)
{
    // Copy mode: the input goes down the worker's stdin in slices, a few MiB in flight at a
    // time, so the pool never holds a whole extra copy in its write buffer.
    constexpr qint64 kSlice = qint64(1) << 20;
    constexpr qint64 kInFlight = qint64(8) << 20;
    if (!m_job || !m_input || index >= int(m_slots.size()) || m_slots[index]->process != process)
        return;
    Slot& slot = *m_slots[index];
    const ArrayMeta& meta = m_input->meta();
    if (first) {
        QJsonArray shape;
        for (qint64 extent : meta.shape)
            shape.append(extent);
        process->write(protocol::encode({ { QStringLiteral("type"), QLatin1String(protocol::kData) },
                                          { QStringLiteral("dtype"), dtypeName(meta.dtype) },
                                          { QStringLiteral("shape"), shape },
                                          { QStringLiteral("fortran_order"), meta.fortranOrder },
                                          { QStringLiteral("bytes"), meta.byteSize() } }));
    }
    const char* data = m_input->view().data;
    const qint64 total = meta.byteSize();
    while (slot.copySent < total && process->bytesToWrite() < kInFlight) {
        const qint64 n = qMin(kSlice, total - slot.copySent);
        process->write(data + slot.copySent, n);
        slot.copySent += n;
    }
}

void Pool::onOutput(int index)
{
    Slot& slot = *m_slots[index];
    if (!slot.process)
        return;
    slot.reader.append(slot.process->readAllStandardOutput());
    QJsonObject message;
    while (slot.reader.next(&message)) {
        const QString type = message.value(QStringLiteral("type")).toString();
        if (type == QLatin1String(protocol::kResident)) {
            // A parked worker finished mapping the whole input (it comes between jobs).
            slot.resident = true;
            if (isWarm())
                emit warmed();
            continue;
        }
        if (!m_job)
            continue; // a late message of a job that is over
        if (type == QLatin1String(protocol::kHello)) {
            slot.hello = true;
            slot.pid = message.value(QStringLiteral("pid")).toInteger();
            m_idleCrashes = 0;
        } else if (type == QLatin1String(protocol::kIdle)) {
            slot.idle = true;
            checkIdle();
        } else if (type == QLatin1String(protocol::kParked)) {
            slot.parked = true;
            maybeComplete();
        } else if (type == QLatin1String(protocol::kFailure)) {
            const qint64 position = message.value(QStringLiteral("position")).toInteger(-1);
            if (position >= 0 && position < m_job->taskCount())
                m_kernelFailures.insert(position, message.value(QStringLiteral("reason")).toString().left(500));
        } else if (type == QLatin1String(protocol::kError)) {
            fail(message.value(QStringLiteral("message")).toString());
            return;
        }
    }
    if (!slot.reader.error().isEmpty() && slot.process) {
        emit logMessage(tr("worker %1 sent garbage (%2): treated as crashed").arg(index).arg(slot.reader.error()));
        slot.process->kill();
    }
}

void Pool::onExited(QProcess* process, int index, int exitCode, int exitStatus)
{
    process->deleteLater();
    if (index >= int(m_slots.size()) || m_slots[index]->process != process)
        return;
    Slot& slot = *m_slots[index];
    slot.process = nullptr;
    if (!m_job)
        return;
    if (m_finishing) {
        m_job->slot(index)->state.store(qint32(WorkerState::Finished), std::memory_order_relaxed);
        emit workerStateChanged(index, WorkerState::Finished);
        maybeComplete();
        return;
    }
    const QString why = !slot.killReason.isEmpty() ? slot.killReason
        : exitStatus == QProcess::CrashExit
        ? tr("worker %1 (pid %2) crashed").arg(index).arg(slot.pid)
        : tr("worker %1 (pid %2) exited with code %3").arg(index).arg(slot.pid).arg(exitCode);
    emit logMessage(why);
    if (!slot.hello && ++m_idleCrashes > kMaxStartFailures) {
        const QString detail = QString::fromLocal8Bit(slot.stderrTail.trimmed());
        fail(tr("workers keep failing to start (%1)%2")
                 .arg(exitStatus == QProcess::CrashExit ? tr("crashed") : tr("exit code %1").arg(exitCode),
                      detail.isEmpty() ? QString() : QStringLiteral(": ") + detail));
        return;
    }
    recoverSlot(index, why);
    if (!m_cancelling && workRemains()) {
        ++slot.restarts;
        launch(index);
    } else {
        checkIdle();
    }
}

void Pool::recoverSlot(int index, const QString& why)
{
    WorkerSlot* shared = m_job->slot(index);
    shared->state.store(qint32(WorkerState::Crashed), std::memory_order_relaxed);
    m_slots[index]->lastState = WorkerState::Crashed;
    emit workerStateChanged(index, WorkerState::Crashed);
    const qint64 begin = shared->rangeBegin.load(std::memory_order_acquire);
    const qint64 end = qMin(shared->rangeEnd.load(std::memory_order_acquire), m_job->taskCount());
    shared->rangeBegin.store(-1, std::memory_order_relaxed);
    shared->rangeEnd.store(-1, std::memory_order_relaxed);
    if (begin < 0 || end <= begin)
        return;
    const quint8* status = m_job->status();
    qint64 p = begin;
    while (p < end && __atomic_load_n(&status[p], __ATOMIC_ACQUIRE) != Pending)
        ++p;
    if (p == end)
        return;
    // The position being computed when the worker died is the suspect: after maxRetries crashes
    // it is marked failed and the rest of the range goes on without it.
    const int crashes = ++m_crashes[p];
    ++m_retriedChunks;
    if (crashes > m_maxRetries) {
        __atomic_store_n(&m_job->status()[p], quint8(Failed), __ATOMIC_RELEASE);
        m_failureReasons.insert(p, tr("%1 while computing it, %2 times").arg(why).arg(crashes));
        emit logMessage(
            tr("index %1 (position %2) failed after %3 crashes").arg(m_job->indexAt(p)).arg(p).arg(crashes));
        ++p;
    }
    if (p < end)
        queueRange(p, end);
    publishRetries();
}

void Pool::queueRange(qint64 begin, qint64 end)
{
    m_backlog.append({ begin, end });
}

void Pool::publishRetries()
{
    JobSegmentHeader* header = m_job->header();
    qint64 published = header->retryPublished.load(std::memory_order_relaxed);
    bool any = false;
    while (!m_backlog.isEmpty()
           && published - header->retryClaimed.load(std::memory_order_acquire) < header->retryCapacity) {
        const auto range = m_backlog.takeFirst();
        RetryRange* slot = m_job->retry(published);
        slot->begin.store(range.first, std::memory_order_relaxed);
        slot->end.store(range.second, std::memory_order_relaxed);
        header->retryPublished.store(++published, std::memory_order_release);
        any = true;
    }
    if (any)
        wakeIdle();
}

void Pool::wakeIdle()
{
    for (auto& slot : m_slots) {
        if (slot->process && slot->hello && slot->idle) {
            slot->idle = false;
            send(slot->process, protocol::kRun);
        }
    }
}

bool Pool::workRemains() const
{
    const qint64 tasks = m_job->taskCount();
    if (m_fed) {
        if (!m_feedEnded)
            return true; // more ranges may come
        for (qint64 p = 0; p < tasks; ++p) {
            if (m_fedMask.testBit(p) && m_job->status()[p] == Pending)
                return true;
        }
        return false;
    }
    return tasks > 0 && std::memchr(m_job->status(), Pending, size_t(tasks)) != nullptr;
}

void Pool::feed(qint64 begin, qint64 end)
{
    if (!m_job || !m_fed || m_finishing)
        return;
    begin = qBound<qint64>(0, begin, m_job->taskCount());
    end = qBound<qint64>(begin, end, m_job->taskCount());
    if (begin == end)
        return;
    m_fedMask.fill(true, begin, end);
    queueRange(begin, end);
    publishRetries();
}

void Pool::endFeed()
{
    if (!m_job || !m_fed)
        return;
    m_feedEnded = true;
    checkIdle();
}

qint64 Pool::unclaimedRanges() const
{
    if (!m_job)
        return 0;
    const JobSegmentHeader* header = m_job->header();
    return m_backlog.size() + header->retryPublished.load(std::memory_order_relaxed)
        - header->retryClaimed.load(std::memory_order_relaxed);
}

void Pool::checkIdle()
{
    if (!m_job || m_finishing)
        return;
    bool anyAlive = false;
    for (const auto& slot : m_slots) {
        if (!slot->process)
            continue;
        anyAlive = true;
        if (!slot->hello || !slot->idle)
            return;
    }
    if (m_cancelling) {
        finish(true);
        return;
    }
    JobSegmentHeader* header = m_job->header();
    if (!m_backlog.isEmpty() || header->retryClaimed.load() < header->retryPublished.load()) {
        publishRetries();
        wakeIdle(); // also when the ranges were published earlier but not claimed yet
        return;
    }
    if (!workRemains()) {
        finish(false);
        return;
    }
    // Everyone is idle yet positions are pending: a worker died between claiming a range and
    // announcing it. Queue every pending run of positions again (in fed mode, of fed positions:
    // the others are not this pool's yet).
    const quint8* status = m_job->status();
    const qint64 tasks = m_job->taskCount();
    bool any = false;
    for (qint64 p = 0; p < tasks;) {
        if (status[p] != Pending || !isFedAt(p)) {
            ++p;
            continue;
        }
        qint64 end = p;
        while (end < tasks && status[end] == Pending && isFedAt(end))
            ++end;
        any = true;
        queueRange(p, end);
        p = end;
    }
    if (m_fed && !any)
        return; // every fed range is done: wait for the next feed() or endFeed()
    if (anyAlive) {
        publishRetries();
    } else {
        publishRetries();
        for (int i = 0; i < int(m_slots.size()); ++i)
            launch(i);
    }
}

void Pool::cancel()
{
    if (!m_job || m_cancelling || m_finishing)
        return;
    m_cancelling = true;
    m_job->header()->cancel.store(1, std::memory_order_release);
    emit logMessage(tr("Job %1: cancelling").arg(m_jobId));
    m_killTimer.start(kCancelGraceMs);
    checkIdle();
}

qint64 Pool::countDone() const
{
    qint64 done = m_failureReasons.size() + m_resumed;
    for (int i = 0; i < int(m_slots.size()); ++i)
        done += m_job->slot(i)->tasksDone.load(std::memory_order_relaxed);
    return qMin(done, m_job->taskCount());
}

JobProgress Pool::progress() const
{
    if (!m_job || m_finishing)
        return m_progress;
    JobProgress live = m_progress;
    live.done = countDone();
    live.elapsedS = double(m_clock.nsecsElapsed()) / 1e9;
    return live;
}

void Pool::sample(bool withMemory)
{
    if (!m_job)
        return;
    const qint64 total = m_job->taskCount();
    const qint64 done = countDone();
    const double elapsed = double(m_clock.nsecsElapsed()) / 1e9;
    m_rateWindow.append({ elapsed, done });
    while (m_rateWindow.size() > 2 && elapsed - m_rateWindow.first().first > 1.0)
        m_rateWindow.removeFirst();
    const auto& oldest = m_rateWindow.first();
    const double span = elapsed - oldest.first;
    const double rate = span > 0 ? double(done - oldest.second) / span : 0.0;
    const bool changed = done != m_progress.done;
    m_progress = JobProgress { done, total, rate, elapsed };
    if (changed || m_tick == 1)
        emit progressChanged(done, total, rate);

    const qint64 jobStart = m_job->header()->startNs;
    for (int i = 0; i < int(m_slots.size()); ++i) {
        Slot& slot = *m_slots[i];
        if (slot.process && !slot.hello && slot.launched.elapsed() > kHelloTimeoutMs) {
            emit logMessage(tr("worker %1 did not start within %2 s: killed").arg(i).arg(kHelloTimeoutMs / 1000));
            slot.process->kill(); // its exit counts as a failed start
        }
        checkTimeout(i);
        WorkerSlot* shared = m_job->slot(i);
        const auto state = WorkerState(shared->state.load(std::memory_order_acquire));
        if (state != slot.lastState) {
            slot.lastState = state;
            emit workerStateChanged(i, state);
        }
        const quint64 written = shared->ringWritten.load(std::memory_order_acquire);
        quint64 from = qMax(slot.ringRead, written > WorkerSlot::kRingSize ? written - WorkerSlot::kRingSize : 0);
        for (; from < written; ++from) {
            const ChunkRecord record = shared->ring[from % WorkerSlot::kRingSize];
            emit chunkFinished(ChunkEvent { i, record.begin, record.count, double(record.startNs - jobStart) / 1e9,
                                            double(record.endNs - jobStart) / 1e9 });
        }
        slot.ringRead = written;
    }

    if (withMemory)
        sampleMemory(false);
}

namespace {
/// One memory reading of the app and its workers (see Pool::sampleMemory()).
struct MemoryReading
{
    qint64 takenNs = 0;
    qint64 costNs = 0; ///< how long the reading took (it walks every mapped page)
    qint64 totalBytes = 0;
    QVector<ProcessStats> workers; ///< per slot, invalid where no worker ran
};

MemoryReading readMemory(const QVector<qint64>& pids)
{
    // The sum of PSS, taken so that shared memory is counted once: each process's own
    // (non-shared-memory) PSS, plus our segments' resident bytes read in one place. Summing plain
    // PSS process by process would count a page twice when a worker maps it between two reads,
    // which happens all the time while workers fault in their rows.
    MemoryReading reading;
    const qint64 started = monotonicNs();
    const qint64 self = QCoreApplication::applicationPid();
    const ProcessStats own = readProcessStats(self);
    reading.totalBytes = own.pssBytes - own.pssShmemBytes;
    for (qint64 pid : pids) {
        const ProcessStats stats = pid > 0 ? readProcessStats(pid) : ProcessStats();
        reading.workers.append(stats);
        if (stats.valid)
            reading.totalBytes += stats.pssBytes - stats.pssShmemBytes;
    }
    reading.totalBytes += sharedSegmentsResidentBytes(self);
    reading.takenNs = monotonicNs();
    reading.costNs = reading.takenNs - started;
    return reading;
}
} // namespace

void Pool::sampleMemory(bool now)
{
    // Reading smaps_rollup walks the page tables of every mapping (≈ 10 ms per process with an
    // 800 MB array mapped): periodic samples are taken on a helper thread so the caller's event
    // loop (the window's) never waits for them; the last one of a job is taken here, in line.
    QVector<qint64> pids;
    for (const auto& slot : m_slots)
        pids.append(slot->process ? slot->pid : 0);
    const quint64 jobId = m_jobId;
    auto apply = [this, jobId](const MemoryReading& reading) {
        if (!m_job || jobId != m_jobId)
            return;
        const double wall = double(qMax<qint64>(1, reading.takenNs - m_lastCpuSampleNs));
        m_lastCpuSampleNs = reading.takenNs;
        for (int i = 0; i < reading.workers.size() && i < int(m_slots.size()); ++i) {
            Slot& slot = *m_slots[i];
            const ProcessStats& stats = reading.workers[i];
            if (!stats.valid)
                continue;
            slot.cpuPercent = slot.lastCpuNs > 0 ? 100.0 * double(stats.cpuTimeNs - slot.lastCpuNs) / wall : 0.0;
            slot.lastCpuNs = stats.cpuTimeNs;
            slot.stats = stats;
        }
        m_peakMemory = qMax(m_peakMemory, reading.totalBytes);
        emit memorySampled(reading.totalBytes);
    };
    if (now) {
        apply(readMemory(pids));
        return;
    }
    // A reading walks the page tables of every process: with gigabytes mapped it costs tens of
    // milliseconds of a core the workers could use. Space readings so they take at most ~5 %.
    if (m_memoryInFlight || monotonicNs() - m_lastMemoryReadingNs < 20 * m_lastMemoryCostNs)
        return;
    m_memoryInFlight = true;
    m_statsThread.start([this, pids, apply] {
        const MemoryReading reading = readMemory(pids);
        QMetaObject::invokeMethod(
            this,
            [this, reading, apply] {
                m_memoryInFlight = false;
                m_lastMemoryReadingNs = reading.takenNs;
                m_lastMemoryCostNs = reading.costNs;
                apply(reading);
            },
            Qt::QueuedConnection);
    });
}

void Pool::checkTimeout(int index)
{
    Slot& slot = *m_slots[index];
    if (m_spec.taskTimeoutS <= 0 || !slot.process || !slot.hello || !slot.killReason.isEmpty())
        return;
    const WorkerSlot* shared = m_job->slot(index);
    const qint64 now = monotonicNs();
    const qint64 done = shared->tasksDone.load(std::memory_order_relaxed);
    const qint64 begin = shared->rangeBegin.load(std::memory_order_relaxed);
    // The stall clock runs only while the worker holds the same range without finishing a task:
    // idle time, and the moment a new range is claimed, start it again.
    if (slot.idle || begin < 0 || done != slot.lastTasksDone || begin != slot.lastRangeBegin) {
        slot.lastTasksDone = done;
        slot.lastRangeBegin = begin;
        slot.lastProgressNs = now;
        return;
    }
    const double stuck = double(now - slot.lastProgressNs) / 1e9;
    if (stuck < m_spec.taskTimeoutS)
        return;
    slot.killReason = tr("worker %1 (pid %2) made no progress for %3 s (task timeout)")
                          .arg(index)
                          .arg(slot.pid)
                          .arg(stuck, 0, 'f', 1);
    emit logMessage(slot.killReason + tr(": killed, its chunk goes back to the queue"));
    slot.process->kill();
}

void Pool::finish(bool cancelled)
{
    m_finishing = true;
    m_timer.stop();
    const qint64 elapsedNs = m_clock.nsecsElapsed(); // before the last memory sample, which is not the job's time
    sample(false);
    sampleMemory(true); // every worker is still attached: the memory figure of the whole run
    JobResult& result = m_result;
    const qint64 tasks = m_job->taskCount();
    // result.values is the output array since beginJob(): no copy, and it outlives the job.
    result.status = QByteArray(reinterpret_cast<const char*>(m_job->status()), int(tasks));
    result.failureReasons = m_failureReasons;
    for (auto it = m_kernelFailures.cbegin(); it != m_kernelFailures.cend(); ++it) {
        if (quint8(result.status[it.key()]) == Failed && !result.failureReasons.contains(it.key()))
            result.failureReasons.insert(it.key(), it.value());
    }
    for (qint64 p = 0; p < tasks; ++p) {
        if (quint8(result.status[p]) == Failed && !result.failureReasons.contains(p))
            result.failureReasons.insert(p, tr("the kernel failed on this index"));
    }
    result.retriedChunks = m_retriedChunks;
    result.resumedPositions = m_resumed;
    result.cancelled = cancelled;
    result.elapsedS = double(elapsedNs) / 1e9;
    const qint64 first = m_job->header()->firstTaskNs.load();
    result.startupS = first > 0 ? double(first - m_job->header()->startNs) / 1e9 : result.elapsedS;
    result.computeS = qMax(0.0, result.elapsedS - result.startupS);
    result.peakMemoryBytes = m_peakMemory;
    result.accumulator = readAccumulator();
    result.figures = figures();
    result.workerStats = workers();
    for (WorkerInfo& info : result.workerStats)
        info.state = WorkerState::Finished;
    m_progress.done = result.doneCount() + result.failedPositions().size();
    emit progressChanged(m_progress.done, m_progress.total, m_progress.rate);
    emit logMessage(cancelled ? tr("Job %1: cancelled after %2 s").arg(m_jobId).arg(result.elapsedS, 0, 'f', 3)
                              : tr("Job %1: done in %2 s").arg(m_jobId).arg(result.elapsedS, 0, 'f', 3));
    // A finished job parks its workers when the pool is warm; a cancelled one lets them go, so a
    // cancel always ends with no worker and no job segment left (and a misbehaving job cannot
    // leave a stuck worker behind).
    const bool copy = m_job->header()->copyInput; // a copy-mode worker's private copy is not kept
    stopProcesses(cancelled ? kCancelGraceMs : kQuitGraceMs, m_keepWarm && !cancelled && !copy);
}

bool Pool::isWarm() const
{
    if (m_job || m_slots.empty())
        return false;
    return std::all_of(m_slots.cbegin(), m_slots.cend(),
                       [](const auto& s) { return s->process && s->parked && s->resident; });
}

QVariantMap Pool::figures() const
{
    if (!m_job || !m_kernelDef || !m_kernelDef->figures || !m_job->accumulator())
        return {};
    return m_kernelDef->figures(m_params, *m_job->accumulator(), countDone());
}

QVector<qint64> Pool::readAccumulator() const
{
    const SharedAccumulator* accumulator = m_job ? m_job->accumulator() : nullptr;
    if (!accumulator)
        return {};
    QVector<qint64> cells(accumulator->cellCount());
    for (qint64 i = 0; i < cells.size(); ++i)
        cells[i] = accumulator->load(i);
    return cells;
}

void Pool::maybeComplete()
{
    if (!m_job || !m_finishing)
        return;
    const bool waiting
        = std::any_of(m_slots.cbegin(), m_slots.cend(), [](const auto& s) { return s->process && !s->parked; });
    if (waiting)
        return;
    JobResult result = m_result;
    release(); // every worker has exited or let go of the job: its segment goes now
    emit finished(result);
}

void Pool::stopProcesses(int graceMs, bool park)
{
    bool anyAlive = false;
    for (auto& slot : m_slots) {
        if (!slot->process)
            continue;
        anyAlive = true;
        // Warm pool: workers that attached keep their input mapped for the next job.
        const bool parkThis = park && slot->hello;
        send(slot->process, parkThis ? protocol::kPark : protocol::kQuit);
    }
    if (!anyAlive) {
        JobResult result = m_result;
        release();
        // Emitted from the event loop so callers see start() return before finished().
        QTimer::singleShot(0, this, [this, result] { emit finished(result); });
        return;
    }
    m_killTimer.start(graceMs);
}

void Pool::fail(const QString& error)
{
    if (!m_job)
        return;
    m_timer.stop();
    m_killTimer.stop();
    m_job->header()->cancel.store(1, std::memory_order_release);
    for (auto& slot : m_slots) {
        if (!slot->process)
            continue;
        QProcess* process = slot->process;
        slot->process = nullptr;
        process->disconnect(this);
        connect(process, &QProcess::finished, process, &QObject::deleteLater);
        process->kill();
    }
    release();
    emit logMessage(tr("Job failed: %1").arg(error));
    emit failed(error);
}

void Pool::release()
{
    m_timer.stop();
    m_killTimer.stop();
    m_job.reset(); // removes the job segment
    m_pendingLaunches.clear();
    m_result.values = ResultValues(); // the output array now belongs to whoever took the result
    if (m_input)
        m_warmInput = m_input->segmentName(); // what parked workers keep mapped (a no-input job keeps it)
    m_input.reset();
}

QVector<WorkerInfo> Pool::workers() const
{
    QVector<WorkerInfo> infos;
    if (!m_job)
        return infos;
    const qint64 now = monotonicNs();
    for (int i = 0; i < int(m_slots.size()); ++i) {
        const Slot& slot = *m_slots[i];
        const WorkerSlot* shared = m_job->slot(i);
        WorkerInfo info;
        info.slot = i;
        info.pid = slot.pid;
        info.state = WorkerState(shared->state.load(std::memory_order_relaxed));
        info.rangeBegin = shared->rangeBegin.load(std::memory_order_relaxed);
        info.rangeEnd = shared->rangeEnd.load(std::memory_order_relaxed);
        info.tasksDone = shared->tasksDone.load(std::memory_order_relaxed);
        info.chunksDone = shared->chunksDone.load(std::memory_order_relaxed);
        const qint64 beat = shared->heartbeatNs.load(std::memory_order_relaxed);
        info.heartbeatAgeS = beat > 0 ? double(now - beat) / 1e9 : 0.0;
        info.busyS = double(shared->busyNs.load(std::memory_order_relaxed)) / 1e9;
        info.restarts = slot.restarts;
        info.cpuPercent = slot.cpuPercent;
        info.rssBytes = slot.stats.rssBytes;
        info.pssBytes = slot.stats.pssBytes;
        infos.append(info);
    }
    return infos;
}

qint64 Pool::readResults(qint64 from, qint64 count, double* values, quint8* status) const
{
    if (!m_job || from < 0 || from >= m_job->taskCount())
        return 0;
    count = qMin(count, m_job->taskCount() - from);
    const int width = m_job->header()->resultWidth;
    for (qint64 p = from; p < from + count; ++p) {
        const quint8 s = __atomic_load_n(&m_job->status()[p], __ATOMIC_ACQUIRE);
        if (status)
            status[p - from] = s;
        if (values)
            std::memcpy(values + (p - from) * width, m_job->results() + p * width, sizeof(double) * size_t(width));
    }
    return count;
}

QString Pool::jobSegmentName() const
{
    return m_job ? m_job->name() : QString();
}

} // namespace sharedmap
