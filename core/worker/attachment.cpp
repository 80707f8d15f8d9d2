#include "worker/attachment.h"

#include "worker/logging.h"
#include "worker/pythonkernel.h"

#include <QJsonDocument>
#include <unistd.h>

namespace sharedmap {

QString Attachment::attach(const QString& jobName, int slotIndex)
{
    QString error;
    m_kernel.reset();
    m_job = JobSegment::attach(jobName, &error);
    if (!m_job)
        return error;
    if (slotIndex < 0 || slotIndex >= m_job->header()->slotCount)
        return QStringLiteral("slot %1 does not exist in job %2").arg(slotIndex).arg(jobName);
    m_slot = slotIndex;
    const QJsonObject spec = QJsonDocument::fromJson(m_job->spec()).object();
    const KernelDef* def = nullptr;
    error = findKernel(spec, &def);
    if (!error.isEmpty())
        return error;
    // A Python function's parameters are its keyword arguments, passed on as they are; a built-in
    // or plugin kernel's are resolved against its KernelInfo.
    const bool python = def == &m_pythonDef;
    QVariantMap params = spec.value(QStringLiteral("params")).toObject().toVariantMap();
    if (!python)
        error = resolveParams(def->info, spec.value(QStringLiteral("params")).toObject().toVariantMap(), &params);
    if (!error.isEmpty())
        return error;
    error = checkAccumulator(*def, params);
    if (!error.isEmpty())
        return error;
    KernelContext context;
    context.params = params;
    context.accumulator = m_job->accumulator();
    context.workers = m_job->header()->slotCount;
    error = bindInput(*def, params, &context.input);
    if (!error.isEmpty())
        return error;
    error = checkResultWidth(*def, params);
    if (!error.isEmpty())
        return error;
    m_kernel = def->create(context, &error);
    if (!m_kernel)
        return error;
    m_sleepMs = python ? 0.0 : params.value(QStringLiteral("sleep_ms")).toDouble();
    WorkerSlot* slot = m_job->slot(slotIndex);
    slot->pid.store(getpid(), std::memory_order_relaxed);
    slot->heartbeatNs.store(monotonicNs(), std::memory_order_relaxed);
    qCDebug(lcWorker, "attached to %s as slot %d (kernel %s)", qPrintable(jobName), slotIndex,
            qPrintable(def->info.name));
    return {};
}

QString Attachment::findKernel(const QJsonObject& spec, const KernelDef** def)
{
    // A Python job's kernel is the user's function (worker/pythonkernel.h).
    const QJsonObject python = spec.value(QStringLiteral("python")).toObject();
    if (!python.isEmpty()) {
        m_pythonDef = pythonKernelDef(python, m_job->header()->inputSegment[0] != 0);
        *def = &m_pythonDef;
        return {};
    }
    const QString plugin = spec.value(QStringLiteral("plugin")).toString();
    if (!plugin.isEmpty()) {
        const QString error = KernelRegistry::loadPlugin(plugin);
        if (!error.isEmpty())
            return error;
    }
    *def = KernelRegistry::instance().find(spec.value(QStringLiteral("kernel")).toString());
    if (!*def)
        return QStringLiteral("job names an unknown kernel");
    return {};
}

QString Attachment::checkAccumulator(const KernelDef& def, const QVariantMap& params) const
{
    const qint64 cells = def.accumulatorCells ? def.accumulatorCells(params) : 0;
    const SharedAccumulator* accumulator = m_job->accumulator();
    if (cells != (accumulator ? accumulator->cellCount() : 0)
        || (accumulator
            && (m_job->header()->accumulatorBytes != accumulator->bytes()
                || (accumulator->journalCapacity() > 0 && accumulator->positions() != m_job->taskCount()))))
        return QStringLiteral("job accumulator does not match the kernel");
    return {};
}

QString Attachment::bindInput(const KernelDef& def, const QVariantMap& params, ArrayView* view)
{
    if (!def.info.needsInput)
        return {};
    QString error;
    const QString inputName = QString::fromLatin1(m_job->header()->inputSegment);
    if (m_job->header()->copyInput) {
        if (m_input || m_copy)
            return QStringLiteral("a copy-mode job was given to a worker that already holds an input");
        m_copy = std::make_unique<InputCopy>();
        error = receiveCopy(m_copy.get());
        if (!error.isEmpty())
            return error;
        *view = m_copy->view();
    } else {
        // A warm worker keeps its input mapped (page tables and all) for the next job on it.
        if (!m_input || m_input->segmentName() != inputName) {
            m_input.reset();
            m_inputResident = false;
            m_input = SharedArray::attach(inputName, &error);
            if (!m_input)
                return error;
        }
        *view = m_input->view();
    }
    qint64 space = 0;
    error = def.indexCount(m_copy ? m_copy->meta : m_input->meta(), params, &space);
    if (!error.isEmpty())
        return error;
    if (space != m_job->header()->indexSpace)
        return QStringLiteral("job index space does not match the input array");
    return {};
}

QString Attachment::checkResultWidth(const KernelDef& def, const QVariantMap& params) const
{
    // The result shape follows from the input and parameters: check the job agrees before the
    // kernel writes that many values per position.
    QVector<qint64> shape;
    if (def.resultShape) {
        ArrayMeta meta;
        if (m_copy)
            meta = m_copy->meta;
        else if (m_input)
            meta = m_input->meta();
        const QString error = def.resultShape(meta, params, &shape);
        if (!error.isEmpty())
            return error;
    }
    qint64 width = 1;
    for (qint64 extent : shape)
        width *= extent;
    if (width != m_job->header()->resultWidth)
        return QStringLiteral("job result width does not match the kernel");
    return {};
}

void Attachment::detachJob()
{
    if (m_job)
        m_job->slot(m_slot)->state.store(qint32(WorkerState::Finished), std::memory_order_release);
    m_kernel.reset();
    m_job.reset();
}

void Attachment::release()
{
    detachJob();
    m_input.reset();
    m_copy.reset();
}

bool Attachment::prefault(const std::function<bool()>& interrupted)
{
    // The next job may hand this worker rows another worker read before: they should not cost a
    // page fault each.
    if (!m_input || m_inputResident)
        return m_inputResident;
    const char* data = m_input->view().data;
    const qint64 bytes = m_input->meta().byteSize();
    constexpr qint64 kStep = qint64(16) << 20; // ≈ 2–5 ms each: a new job waits at most that long
    for (qint64 at = 0; at < bytes; at += kStep) {
        if (interrupted())
            return false;
        populatePages(data + at, qMin(kStep, bytes - at));
    }
    m_inputResident = true;
    qCDebug(lcWorker, "input %s resident (%lld bytes)", qPrintable(m_input->segmentName()), bytes);
    return true;
}

} // namespace sharedmap
