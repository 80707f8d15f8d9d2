#include "engine/attachedjob.h"

#include "base/procstats.h"
#include "kernels/kernel.h"
#include "shm/jobsegment.h"

#include <atomic>
#include <csignal>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace sharedmap {

namespace {
/// An owner that published its outcome removes its announcement once its workers are gone
/// (within the pool's quit grace of 2 s); after this long the end is taken as it stands.
constexpr qint64 kOutcomeGraceNs = qint64(4) * 1000 * 1000 * 1000;

/// Ids of attached jobs, apart from any pool's (which count from 1): a late result of the
/// window's own pool is never taken for an attached job's, or the reverse.
std::atomic<quint64> g_nextId { quint64(1) << 62 };

bool ownerAlive(const JobAnnouncement& job)
{
    return processRunning(job.pid) && processStartTime(job.pid) == job.startTime;
}

/// Attaches read-only to the job an announcement names, checking that the segment is the
/// announcing process's own.
std::unique_ptr<JobSegment> attachSegment(const JobAnnouncement& job, QString* error)
{
    if (!job.jobSegment.contains(QStringLiteral("-%1-%2-").arg(job.pid).arg(job.startTime))) {
        *error = QStringLiteral("the job of process %1 names segment %2, which is not that process's")
                     .arg(job.pid)
                     .arg(job.jobSegment);
        return nullptr;
    }
    QString problem;
    auto segment = JobSegment::attach(job.jobSegment, &problem, false);
    if (!segment) {
        *error = QStringLiteral("cannot attach to the job of process %1: %2").arg(job.pid).arg(problem);
        return nullptr;
    }
    return segment;
}
} // namespace

AttachedJob::AttachedJob()
{
    qRegisterMetaType<sharedmap::JobResult>();
    qRegisterMetaType<sharedmap::ChunkEvent>();
    m_timer.setInterval(33);
    connect(&m_timer, &QTimer::timeout, this, &AttachedJob::sample);
}

AttachedJob::~AttachedJob() = default;

std::unique_ptr<AttachedJob> AttachedJob::attach(qint64 pid, QString* error, FindJobError* why)
{
    const JobAnnouncement job = findJob(pid, error, why);
    if (job.pid == 0)
        return nullptr;
    return attach(job, error);
}

std::unique_ptr<AttachedJob> AttachedJob::attach(const JobAnnouncement& job, QString* error)
{
    std::unique_ptr<AttachedJob> attached(new AttachedJob);
    attached->m_job = attachSegment(job, error);
    if (!attached->m_job)
        return nullptr;
    const JobSegment& segment = *attached->m_job;
    const JobSegmentHeader* header = segment.header();
    const QJsonObject spec = QJsonDocument::fromJson(segment.spec()).object();
    attached->m_announcement = job;
    attached->m_reader.reset(attached->m_job.get());
    attached->m_kernelDef = KernelRegistry::instance().find(spec.value(QStringLiteral("kernel")).toString());
    attached->m_params = spec.value(QStringLiteral("params")).toObject().toVariantMap();

    JobResult& plan = attached->m_result;
    plan.jobId = g_nextId++;
    plan.kernelName = spec.value(QStringLiteral("kernel")).toString(job.kernel);
    plan.spec.kernel = plan.kernelName;
    plan.spec.input = job.input;
    plan.spec.params = attached->m_params;
    plan.spec.workers = header->slotCount;
    plan.spec.chunkSize = header->chunkSize;
    plan.spec.mode = header->copyInput ? QStringLiteral("copy") : QStringLiteral("shared");
    plan.inputMeta = job.inputMeta;
    plan.inputPath = job.input;
    plan.indices = attached->m_reader.indices();
    plan.resultWidth = header->resultWidth;
    plan.resultShape = segment.output()->meta().shape.mid(1);
    plan.values = ResultValues(std::shared_ptr<const SharedArray>(segment.output()));
    plan.accumulatorText
        = attached->m_kernelDef ? QString::fromUtf8(attached->m_kernelDef->info.accumulatorText) : QString();
    plan.workers = header->slotCount;
    plan.chunkSize = header->chunkSize;
    plan.startedAt = job.startedAt;
    attached->m_timer.start();
    return attached;
}

JobProgress AttachedJob::peek(const JobAnnouncement& job, QString* error)
{
    const auto segment = attachSegment(job, error);
    return segment ? JobReader(segment.get()).progress() : JobProgress();
}

bool AttachedJob::cancel(QString* error)
{
    QString problem;
    if (m_end != End::Running)
        problem = QStringLiteral("the job has ended");
    else if (!ownerAlive(m_announcement))
        problem = QStringLiteral("process %1 is gone").arg(m_announcement.pid);
    else if (::kill(pid_t(m_announcement.pid), SIGINT) != 0)
        problem = QStringLiteral("cannot signal process %1: %2").arg(m_announcement.pid).arg(qt_error_string(errno));
    if (error)
        *error = problem;
    return problem.isEmpty();
}

JobProgress AttachedJob::progress() const
{
    return m_end == End::Running ? m_reader.progress() : m_final;
}

QVector<WorkerInfo> AttachedJob::workers() const
{
    return m_end == End::Running ? m_reader.workers() : m_result.workerStats;
}

qint64 AttachedJob::readResults(qint64 from, qint64 count, double* values, quint8* status) const
{
    return m_reader.readResults(from, count, values, status);
}

QVector<qint64> AttachedJob::readAccumulator() const
{
    return m_reader.readAccumulator();
}

QVariantMap AttachedJob::figures() const
{
    return m_reader.figures(m_kernelDef, m_params);
}

void AttachedJob::sample()
{
    if (m_end != End::Running)
        return;
    const JobSegmentHeader* header = m_job->header();
    for (const ChunkEvent& chunk : m_reader.takeChunks())
        emit chunkFinished(chunk);
    const JobProgress now = m_reader.progress();
    if (now.done != m_lastDone) {
        m_lastDone = now.done;
        emit progressChanged(now.done, now.total, now.rate);
    }
    const qint64 memory = header->memoryBytes.load(std::memory_order_relaxed);
    if (memory != m_lastMemory && memory > 0) {
        m_lastMemory = memory;
        emit memorySampled(memory);
    }

    // The owner withdraws its announcement once the job is over and its workers are gone; then
    // every value is final. An owner that died never does.
    const auto outcome = JobOutcome(header->outcome.load(std::memory_order_acquire));
    const bool withdrawn = !QFile::exists(m_announcement.path);
    if (outcome != JobOutcome::Running && m_outcomeSeenNs == 0)
        m_outcomeSeenNs = monotonicNs();
    const bool settled = outcome != JobOutcome::Running && monotonicNs() - m_outcomeSeenNs > kOutcomeGraceNs;
    if (withdrawn || settled || !ownerAlive(m_announcement)) {
        switch (outcome) {
        case JobOutcome::Finished:
            conclude(End::Finished);
            break;
        case JobOutcome::Cancelled:
            conclude(End::Cancelled);
            break;
        case JobOutcome::Failed:
            conclude(End::Failed);
            break;
        case JobOutcome::Running:
            // Withdrawn without an outcome: the owner's pool was destroyed mid-job (its window
            // closed); else the owner died.
            conclude(withdrawn && ownerAlive(m_announcement) ? End::Cancelled : End::OwnerGone);
            break;
        }
    }
}

void AttachedJob::conclude(End how)
{
    m_timer.stop();
    const JobSegmentHeader* header = m_job->header();
    for (const ChunkEvent& chunk : m_reader.takeChunks())
        emit chunkFinished(chunk);
    JobResult& result = m_result;
    result.status = m_reader.statuses();
    for (qint64 p = 0; p < result.status.size(); ++p) {
        if (quint8(result.status[int(p)]) == Failed)
            result.failureReasons.insert(
                p, tr("failed in process %1, which ran the job (its summary has the reason)").arg(ownerPid()));
    }
    result.cancelled = how != End::Finished;
    result.elapsedS = m_reader.elapsedS();
    const qint64 first = header->firstTaskNs.load(std::memory_order_relaxed);
    result.startupS = first > 0 ? double(first - header->startNs) / 1e9 : result.elapsedS;
    result.computeS = qMax(0.0, result.elapsedS - result.startupS);
    result.retriedChunks = header->retriedChunks.load(std::memory_order_relaxed);
    result.peakMemoryBytes = header->peakMemoryBytes.load(std::memory_order_relaxed);
    result.accumulator = m_reader.readAccumulator();
    result.figures = m_reader.figures(m_kernelDef, m_params);
    result.workerStats = m_reader.workers();
    for (WorkerInfo& info : result.workerStats)
        info.state = WorkerState::Finished;
    m_final = m_reader.progress();
    m_final.done = result.doneCount() + result.failedPositions().size();
    m_end = how;
    // Let go of the job segment; the output array stays mapped for as long as the result's
    // values are kept (export, Use results as input).
    m_reader.reset(nullptr);
    m_job.reset();
    emit progressChanged(m_final.done, m_final.total, m_final.rate);
    if (how == End::Failed)
        emit failed(tr("the job failed in process %1, which ran it").arg(ownerPid()));
    else
        emit finished(result);
    emit ended(how);
}

} // namespace sharedmap
