#include "engine/jobassembly.h"

#include "base/procstats.h"
#include "base/progressformat.h"
#include "engine/retryqueue.h"
#include "kernels/kernel.h"

#include <cmath>
#include <cstring>
#include <QJsonDocument>
#include <QJsonObject>

namespace sharedmap {

std::unique_ptr<JobAssembly> JobAssembly::create(const JobSpec& spec, std::shared_ptr<const SharedArray> input,
                                                 const ResultValues* previous, QString* error)
{
    std::unique_ptr<JobAssembly> job(new JobAssembly);
    job->m_spec = spec;
    *error = planJob(spec, input ? &input->meta() : nullptr, &job->m_plan);
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
    job->m_workers = int(qMin<qint64>(spec.effectiveWorkers(), tasks - job->m_resumed));
    *error = job->checkCopyFits();
    if (error->isEmpty())
        *error = job->createSegment();
    if (!error->isEmpty())
        return nullptr;
    if (job->m_resumed > 0)
        job->keepPrevious(*previous);
    return job;
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
    QJsonObject segmentSpec { { QStringLiteral("kernel"), m_spec.kernel },
                              { QStringLiteral("params"), QJsonObject::fromVariantMap(m_plan.params) } };
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

JobResult JobAssembly::plannedResult(quint64 jobId) const
{
    JobResult result;
    result.jobId = jobId;
    result.spec = m_spec;
    result.kernelName = m_spec.kernel;
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
    result->accumulator = readAccumulator();
}

QVariantMap JobAssembly::figures(qint64 done) const
{
    const KernelDef* def = m_plan.kernel;
    if (!def->figures || !m_segment->accumulator())
        return {};
    return def->figures(m_plan.params, *m_segment->accumulator(), done);
}

QVector<qint64> JobAssembly::readAccumulator() const
{
    const SharedAccumulator* accumulator = m_segment->accumulator();
    if (!accumulator)
        return {};
    QVector<qint64> cells(accumulator->cellCount());
    for (qint64 i = 0; i < cells.size(); ++i)
        cells[i] = accumulator->load(i);
    return cells;
}

qint64 JobAssembly::readResults(qint64 from, qint64 count, double* values, quint8* status) const
{
    if (from < 0 || from >= m_segment->taskCount())
        return 0;
    count = qMin(count, m_segment->taskCount() - from);
    const int width = m_segment->header()->resultWidth;
    for (qint64 p = from; p < from + count; ++p) {
        const quint8 s = __atomic_load_n(&m_segment->status()[p], __ATOMIC_ACQUIRE);
        if (status)
            status[p - from] = s;
        if (values)
            std::memcpy(values + (p - from) * width, m_segment->results() + p * width, sizeof(double) * size_t(width));
    }
    return count;
}

} // namespace sharedmap
