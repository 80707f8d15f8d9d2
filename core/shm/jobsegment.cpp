#include "shm/jobsegment.h"

#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <new>

namespace sharedmap {

namespace {
constexpr qint64 kRetryCapacity = 4096;

qint64 align64(qint64 value)
{
    return (value + 63) / 64 * 64;
}

bool addOverflows(qint64 a, qint64 b, qint64* out)
{
    return __builtin_add_overflow(a, b, out);
}
} // namespace

qint64 monotonicNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::unique_ptr<JobSegment> JobSegment::create(const Layout& layout, QString* error)
{
    const qint64 tasks = layout.indices.size();
    JobSegmentHeader h;
    std::memset(static_cast<void*>(&h), 0, sizeof h);
    std::memcpy(h.magic, JobSegmentHeader::kMagic, sizeof h.magic);
    h.version = JobSegmentHeader::kVersion;
    h.headerBytes = sizeof(JobSegmentHeader);
    h.slotCount = layout.slotCount;
    h.resultWidth = layout.resultWidth;
    h.taskCount = tasks;
    h.chunkSize = layout.chunkSize;
    h.arithmetic = layout.indices.isArithmetic();
    h.copyInput = layout.copyInput;
    h.indexStart = layout.indices.start();
    h.indexStep = layout.indices.step();
    h.indexSpace = layout.indexSpace;
    h.retryCapacity = kRetryCapacity;
    qint64 offset = align64(sizeof(JobSegmentHeader));
    h.slotsOffset = offset;
    offset = align64(offset + qint64(sizeof(WorkerSlot)) * layout.slotCount);
    h.retryOffset = offset;
    offset = align64(offset + qint64(sizeof(RetryRange)) * kRetryCapacity);
    h.indicesOffset = offset;
    offset = align64(offset + (h.arithmetic ? 0 : tasks * qint64(sizeof(qint64))));
    h.statusOffset = offset;
    offset = align64(offset + tasks);
    h.specOffset = offset;
    h.specBytes = layout.spec.size();
    offset = align64(offset + h.specBytes);
    if (layout.accumulatorCells > 0) {
        h.accumulatorOffset = offset;
        h.accumulatorBytes = SharedAccumulator::bytesFor(layout.accumulatorCells, layout.accumulatorJournal, tasks);
        if (h.accumulatorBytes < 0) {
            *error = QStringLiteral("the shared accumulator would be too large");
            return nullptr;
        }
        offset = align64(offset + h.accumulatorBytes);
    }
    h.totalBytes = offset;
    const QByteArray input = layout.inputSegment.toLatin1();
    if (input.size() >= qint64(sizeof h.inputSegment)) {
        *error = QStringLiteral("input segment name is too long");
        return nullptr;
    }
    std::memcpy(h.inputSegment, input.constData(), size_t(input.size()));

    std::unique_ptr<JobSegment> job(new JobSegment);
    ArrayMeta outputMeta;
    outputMeta.dtype = DType::Float64;
    outputMeta.shape = { tasks };
    outputMeta.shape += layout.resultShape.isEmpty() && layout.resultWidth > 1 ? QVector<qint64> { layout.resultWidth }
                                                                               : layout.resultShape;
    if (outputMeta.elementCount() != tasks * layout.resultWidth) {
        *error = QStringLiteral("result shape %1 does not hold %2 values per position")
                     .arg(outputMeta.shapeText())
                     .arg(layout.resultWidth);
        return nullptr;
    }
    job->m_output = SharedArray::create(outputMeta, error, SharedArray::kOutputPrefix);
    if (!job->m_output)
        return nullptr;
    const QByteArray output = job->m_output->segmentName().toLatin1();
    std::memcpy(h.outputSegment, output.constData(), size_t(qMin<qint64>(output.size(), sizeof h.outputSegment - 1)));
    job->m_results = reinterpret_cast<double*>(job->m_output->mutableData());
    const qint64 results = tasks * layout.resultWidth;
    populatePages(job->m_results, results * qint64(sizeof(double)), true);
    std::fill(job->m_results, job->m_results + results, std::numeric_limits<double>::quiet_NaN());

    job->m_segment = SharedSegment::create(QStringLiteral("sharedmap-job"), h.totalBytes, error);
    if (!job->m_segment)
        return nullptr;
    char* base = job->m_segment->data();
    // The segment arrives zero-filled: atomics and slots start at zero, statuses at Pending.
    std::memcpy(base, &h, offsetof(JobSegmentHeader, nextPosition));
    job->bindPointers();
    for (int i = 0; i < layout.slotCount; ++i) {
        job->m_slots[i].rangeBegin.store(-1, std::memory_order_relaxed);
        job->m_slots[i].rangeEnd.store(-1, std::memory_order_relaxed);
    }
    if (!h.arithmetic) {
        std::memcpy(base + h.indicesOffset, layout.indices.explicitList().constData(), size_t(tasks) * sizeof(qint64));
    }
    std::memcpy(base + h.specOffset, layout.spec.constData(), size_t(layout.spec.size()));
    if (h.accumulatorOffset > 0) {
        const int parties = int(qMin<qint64>(layout.slotCount, qMax<qint64>(tasks, 1)));
        *error = SharedAccumulator::initialise(base + h.accumulatorOffset, layout.accumulatorCells, parties,
                                               layout.accumulatorJournal, tasks);
        if (!error->isEmpty())
            return nullptr;
        job->bindPointers();
    }
    job->m_header->startNs = monotonicNs();
    return job;
}

std::unique_ptr<JobSegment> JobSegment::attach(const QString& name, QString* error, bool writable)
{
    std::unique_ptr<JobSegment> job(new JobSegment);
    job->m_segment = SharedSegment::attach(name, writable, error);
    if (!job->m_segment)
        return nullptr;
    if (job->m_segment->size() < qint64(sizeof(JobSegmentHeader))) {
        *error = QStringLiteral("job segment %1 is too small").arg(name);
        return nullptr;
    }
    const QString problem
        = validate(*reinterpret_cast<const JobSegmentHeader*>(job->m_segment->constData()), job->m_segment->size());
    if (!problem.isEmpty()) {
        *error = QStringLiteral("job segment %1: %2").arg(name, problem);
        return nullptr;
    }
    job->bindPointers();
    const JobSegmentHeader& h = *job->m_header;
    const QString outputName = QString::fromLatin1(h.outputSegment);
    job->m_output = SharedArray::attach(outputName, error, writable);
    if (!job->m_output)
        return nullptr;
    const ArrayMeta& meta = job->m_output->meta();
    // Read-only, the pointer is only ever read through (the mapping would fault on a write).
    job->m_results = writable ? reinterpret_cast<double*>(job->m_output->mutableData())
                              : const_cast<double*>(reinterpret_cast<const double*>(job->m_output->view().data));
    if (!job->m_results || meta.dtype != DType::Float64 || meta.fortranOrder || meta.shape.isEmpty()
        || meta.shape[0] != h.taskCount || meta.elementCount() != h.taskCount * h.resultWidth) {
        *error = QStringLiteral("job segment %1: its output %2 is not a %3float64 array of %4 × %5 values")
                     .arg(name, outputName, writable ? QStringLiteral("writable ") : QString())
                     .arg(h.taskCount)
                     .arg(h.resultWidth);
        return nullptr;
    }
    return job;
}

QString JobSegment::validate(const JobSegmentHeader& h, qint64 segmentBytes)
{
    if (std::memcmp(h.magic, JobSegmentHeader::kMagic, sizeof h.magic) != 0)
        return QStringLiteral("not a SharedMap job segment (bad magic)");
    if (h.version != JobSegmentHeader::kVersion || h.headerBytes != sizeof(JobSegmentHeader))
        return QStringLiteral("job segment version %1 is not supported").arg(h.version);
    if (h.totalBytes != segmentBytes && !(h.totalBytes < segmentBytes && segmentBytes - h.totalBytes < 4096))
        return QStringLiteral("job segment size does not match its header");
    if (h.slotCount < 1 || h.resultWidth < 1 || h.taskCount < 0 || h.retryCapacity < 1)
        return QStringLiteral("job segment header has bad counts");
    if (h.inputSegment[sizeof h.inputSegment - 1] != 0 || h.outputSegment[sizeof h.outputSegment - 1] != 0)
        return QStringLiteral("job segment array names are not terminated");
    // Every region must lie inside the segment, in order, without overflow.
    struct Region
    {
        qint64 offset;
        qint64 bytes;
    };
    qint64 indexBytes = 0, resultValues = 0, slotBytes = 0, retryBytes = 0;
    if (__builtin_mul_overflow(h.slotCount, qint64(sizeof(WorkerSlot)), &slotBytes)
        || __builtin_mul_overflow(h.retryCapacity, qint64(sizeof(RetryRange)), &retryBytes)
        || __builtin_mul_overflow(h.arithmetic ? 0 : h.taskCount, qint64(sizeof(qint64)), &indexBytes)
        || __builtin_mul_overflow(h.taskCount, qint64(h.resultWidth), &resultValues))
        return QStringLiteral("job segment sizes overflow");
    const Region regions[] = { { h.slotsOffset, slotBytes },
                               { h.retryOffset, retryBytes },
                               { h.indicesOffset, indexBytes },
                               { h.statusOffset, h.taskCount },
                               { h.specOffset, h.specBytes } };
    if (h.accumulatorOffset != 0) {
        const qint64 cellBytes = h.accumulatorBytes - qint64(sizeof(AccumulatorHeader));
        if (h.accumulatorOffset % 64 != 0 || cellBytes < 0 || cellBytes % qint64(sizeof(qint64)) != 0
            || h.accumulatorOffset < h.specOffset + h.specBytes || h.accumulatorOffset > segmentBytes
            || h.accumulatorBytes > segmentBytes - h.accumulatorOffset)
            return QStringLiteral("job segment accumulator is out of bounds");
    }
    qint64 previousEnd = sizeof(JobSegmentHeader);
    for (const Region& r : regions) {
        qint64 end = 0;
        if (r.offset < previousEnd || r.offset % 64 != 0 || r.bytes < 0 || addOverflows(r.offset, r.bytes, &end)
            || end > segmentBytes)
            return QStringLiteral("job segment regions are inconsistent");
        previousEnd = end;
    }
    return {};
}

void JobSegment::bindPointers()
{
    char* base = m_segment->data();
    m_header = reinterpret_cast<JobSegmentHeader*>(base);
    m_slots = reinterpret_cast<WorkerSlot*>(base + m_header->slotsOffset);
    m_retry = reinterpret_cast<RetryRange*>(base + m_header->retryOffset);
    m_indices = reinterpret_cast<const qint64*>(base + m_header->indicesOffset);
    m_status = reinterpret_cast<quint8*>(base + m_header->statusOffset);
    if (m_header->accumulatorOffset > 0)
        m_accumulator = std::make_unique<SharedAccumulator>(base + m_header->accumulatorOffset);
}

QByteArray JobSegment::spec() const
{
    return QByteArray(m_segment->constData() + m_header->specOffset, int(m_header->specBytes));
}

} // namespace sharedmap
