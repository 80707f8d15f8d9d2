#include "engine/jobassembly.h"

#include "base/procstats.h"
#include "base/progressformat.h"
#include "engine/retryqueue.h"
#include "kernels/kernel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sharedmap {

std::unique_ptr<JobAssembly> JobAssembly::create(const JobSpec& spec, std::shared_ptr<const SharedArray> input,
                                                 const ResultValues* previous, const PythonProbeResult* probe,
                                                 QString* error)
{
    if (spec.python.isSet() && !probe) {
        *error = QStringLiteral("a Python job starts from its probe (PythonProbe::probeJob, then Pool::start with it)");
        return nullptr;
    }
    if (probe && !probe->ok) {
        *error = probe->error;
        return nullptr;
    }
    std::unique_ptr<JobAssembly> job(new JobAssembly);
    job->m_spec = spec;
    *error = planJob(spec, input ? &input->meta() : nullptr, &job->m_plan).message;
    if (!error->isEmpty())
        return nullptr;
    if (probe)
        *error = job->takeProbe(*probe);
    if (!error->isEmpty())
        return nullptr;
    if (job->m_plan.kernel->info.needsInput)
        job->m_input = std::move(input); // a kernel without input neither holds nor reports one
    const qint64 tasks = job->m_plan.indices.size();
    const qint64 width = job->m_plan.resultWidth;
    if (previous && previous->size() != tasks * width) {
        *error = QStringLiteral("the partial results hold %1 values, but this job has %2 positions of %3 value(s): "
                                "resume with the same kernel, input and indices")
                     .arg(previous->size())
                     .arg(tasks)
                     .arg(width);
        return nullptr;
    }
    // Positions a previous run completed are not computed again.
    if (previous) {
        job->m_kept.resize(tasks);
        for (qint64 p = 0; p < tasks; ++p) {
            bool complete = true;
            for (qint64 k = 0; k < width; ++k)
                complete = complete && !std::isnan((*previous)[p * width + k]);
            job->m_kept[p] = complete;
            job->m_resumed += complete;
        }
    }
    // A Python probe computed the first positions already: those results are the job's.
    job->m_probeCalls.erase(std::remove_if(job->m_probeCalls.begin(), job->m_probeCalls.end(),
                                           [&](const PythonProbeCall& call) {
                                               return call.position < 0 || call.position >= tasks
                                                   || (!job->m_kept.isEmpty() && job->m_kept[call.position])
                                                   || (call.ok && call.values.size() != width)
                                                   || job->m_plan.indices.at(call.position) != call.index;
                                           }),
                            job->m_probeCalls.end());
    job->m_workers = int(qMin<qint64>(spec.effectiveWorkers(), tasks - job->m_resumed - job->m_probeCalls.size()));
    if (probe && probe->halted())
        job->m_workers = 0; // none of the probed positions gave a result: the job stops there
    *error = job->checkCopyFits();
    if (error->isEmpty())
        *error = job->createSegment();
    if (!error->isEmpty())
        return nullptr;
    if (job->m_resumed > 0)
        job->keepPrevious(*previous);
    job->keepProbed();
    job->m_reader.reset(job->m_segment.get());
    return job;
}

QString JobAssembly::takeProbe(const PythonProbeResult& probe)
{
    // The probe fixed the shape of every result (a number when none of its calls succeeded).
    m_plan.resultShape = probe.shapeKnown ? probe.resultShape : QVector<qint64>();
    m_plan.resultWidth = 1;
    for (qint64 extent : m_plan.resultShape)
        m_plan.resultWidth *= extent;
    if (m_plan.resultWidth < 1 || m_plan.resultWidth > std::numeric_limits<qint32>::max())
        return QStringLiteral("%1 returns %2 values per index: too many for one result (or none)")
            .arg(m_spec.kernelLabel())
            .arg(m_plan.resultWidth);
    m_probeCalls = probe.calls;
    return {};
}

QString JobAssembly::checkCopyFits() const
{
    if (m_spec.mode != QLatin1String("copy") || !m_input)
        return {};
    // The tutorial's MemoryError, explained before it happens.
    const qint64 bytes = m_input->meta().byteSize();
    const qint64 needed = qint64(m_workers) * bytes;
    const qint64 available = availableMemoryBytes();
    if (available > 0 && needed > available) // 0: MemAvailable unreadable, as in checkSharedMemoryFits()
        return QStringLiteral("copy mode needs %1 × %2 = %3 for the workers' copies, but only %4 of memory is "
                              "available: use mode shared (one copy for all workers) or fewer workers")
            .arg(m_workers)
            .arg(formatBytes(bytes), formatBytes(needed), formatBytes(available));
    return {};
}

QString JobAssembly::createSegment()
{
    const KernelDef* def = m_plan.kernel;
    JobSegment::Layout layout;
    layout.slotCount = qMax(1, m_workers);
    layout.resultWidth = qint32(m_plan.resultWidth);
    layout.resultShape = m_plan.resultShape;
    layout.accumulatorCells = m_plan.accumulatorCells;
    layout.accumulatorJournal = m_plan.accumulatorJournal;
    layout.copyInput = m_spec.mode == QLatin1String("copy");
    layout.chunkSize = m_spec.chunkSize;
    layout.indexSpace = m_plan.indexSpace;
    layout.indices = m_plan.indices;
    layout.inputSegment = m_input ? m_input->segmentName() : QString();
    QJsonObject segmentSpec { { QStringLiteral("kernel"), m_spec.kernelLabel() },
                              { QStringLiteral("params"), QJsonObject::fromVariantMap(m_plan.params) } };
    if (m_spec.python.isSet()) {
        QJsonArray shape;
        for (qint64 extent : m_plan.resultShape)
            shape.append(extent);
        segmentSpec.insert(QStringLiteral("python"),
                           QJsonObject { { QStringLiteral("file"), QFileInfo(m_spec.python.file).absoluteFilePath() },
                                         { QStringLiteral("display"), m_spec.python.file },
                                         { QStringLiteral("function"), m_spec.python.function },
                                         { QStringLiteral("result_shape"), shape } });
    }
    if (!def->pluginPath.isEmpty())
        segmentSpec.insert(QStringLiteral("plugin"), def->pluginPath); // the workers load the same file
    layout.spec = QJsonDocument(segmentSpec).toJson(QJsonDocument::Compact);
    QString error;
    m_segment = JobSegment::create(layout, &error);
    return m_segment ? QString() : error;
}

void JobAssembly::keepPrevious(const ResultValues& previous)
{
    const qint64 width = m_plan.resultWidth;
    for (qint64 p = 0; p < m_kept.size(); ++p) {
        if (!m_kept[p])
            continue;
        std::copy_n(previous.constData() + p * width, size_t(width), m_segment->results() + p * width);
        m_segment->status()[p] = Done;
    }
}

void JobAssembly::keepProbed()
{
    const qint64 width = m_plan.resultWidth;
    for (const PythonProbeCall& call : m_probeCalls) {
        if (call.ok) {
            std::copy_n(call.values.constData(), size_t(width), m_segment->results() + call.position * width);
            m_segment->status()[call.position] = Done;
            ++m_probed;
        } else {
            m_segment->status()[call.position] = Failed;
            m_probeFailures.insert(call.position, call.reason);
        }
    }
}

JobResult JobAssembly::plannedResult(quint64 jobId) const
{
    JobResult result;
    result.jobId = jobId;
    result.spec = m_spec;
    result.kernelName = m_spec.kernelLabel();
    if (m_input) {
        result.inputMeta = m_input->meta();
        result.inputPath = m_input->sourcePath().isEmpty() ? m_spec.input : m_input->sourcePath();
    }
    result.indices = m_plan.indices;
    result.resultWidth = int(m_plan.resultWidth);
    result.resultShape = m_plan.resultShape;
    result.values = ResultValues(m_segment->output()); // filled in by the workers as positions complete
    result.accumulatorText = QString::fromUtf8(m_plan.kernel->info.accumulatorText);
    result.workers = m_spec.effectiveWorkers();
    result.chunkSize = m_spec.chunkSize;
    result.startedAt = QDateTime::currentDateTime();
    return result;
}

JobAnnouncement JobAssembly::announcement(quint64 jobId, const QDateTime& startedAt) const
{
    JobAnnouncement job;
    job.pid = QCoreApplication::applicationPid();
    job.startTime = processStartTime(job.pid);
    job.jobId = jobId;
    job.program = QCoreApplication::applicationName();
    job.kernel = m_spec.kernel;
    job.input = m_input ? m_spec.input : QString();
    if (m_input)
        job.inputMeta = m_input->meta();
    job.tasks = m_segment->taskCount();
    job.workers = m_segment->header()->slotCount;
    job.jobSegment = m_segment->name();
    job.outputSegment = m_segment->output()->segmentName();
    job.inputSegment = m_input ? m_input->segmentName() : QString();
    job.startedAt = startedAt;
    return job;
}

void JobAssembly::complete(JobResult* result, const RetryQueue& retries, const QString& fallbackReason, bool cancelled,
                           qint64 elapsedNs) const
{
    // result->values is the output array since plannedResult(): no copy, and it outlives the job.
    result->status = QByteArray(reinterpret_cast<const char*>(m_segment->status()), int(m_segment->taskCount()));
    result->failureReasons = retries.failureReasons(result->status, fallbackReason);
    result->retriedChunks = retries.retriedChunks();
    result->resumedPositions = m_resumed;
    result->cancelled = cancelled;
    result->elapsedS = double(elapsedNs) / 1e9;
    const qint64 first = m_segment->header()->firstTaskNs.load();
    result->startupS = first > 0 ? double(first - m_segment->header()->startNs) / 1e9 : result->elapsedS;
    result->computeS = qMax(0.0, result->elapsedS - result->startupS);
    result->accumulator = m_reader.readAccumulator();
}

} // namespace sharedmap
