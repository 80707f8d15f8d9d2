#include "engine/jobreader.h"

#include "kernels/kernel.h"
#include "shm/jobsegment.h"

#include <cstring>

namespace sharedmap {

void JobReader::reset(const JobSegment* job)
{
    m_job = job;
    m_ringRead = QVector<quint64>(job ? job->header()->slotCount : 0, 0);
}

qint64 JobReader::taskCount() const
{
    return m_job ? m_job->taskCount() : 0;
}

qint64 JobReader::countDone() const
{
    if (!m_job)
        return 0;
    const JobSegmentHeader* header = m_job->header();
    qint64 done = header->settledPositions.load(std::memory_order_relaxed);
    for (int i = 0; i < header->slotCount; ++i)
        done += m_job->slot(i)->tasksDone.load(std::memory_order_relaxed);
    return qBound<qint64>(0, done, m_job->taskCount());
}

double JobReader::elapsedS() const
{
    if (!m_job)
        return 0;
    const JobSegmentHeader* header = m_job->header();
    const qint64 end = header->endNs.load(std::memory_order_acquire);
    return double(qMax<qint64>(0, (end > 0 ? end : monotonicNs()) - header->startNs)) / 1e9;
}

JobProgress JobReader::progress() const
{
    if (!m_job)
        return {};
    return JobProgress { countDone(), m_job->taskCount(), m_job->header()->rate.load(std::memory_order_relaxed),
                         elapsedS() };
}

QVector<WorkerInfo> JobReader::workers() const
{
    QVector<WorkerInfo> infos;
    if (!m_job)
        return infos;
    const qint64 now = monotonicNs();
    for (int i = 0; i < m_job->header()->slotCount; ++i) {
        const WorkerSlot* shared = m_job->slot(i);
        WorkerInfo info;
        info.slot = i;
        info.pid = shared->pid.load(std::memory_order_relaxed);
        info.state = WorkerState(shared->state.load(std::memory_order_relaxed));
        info.rangeBegin = shared->rangeBegin.load(std::memory_order_relaxed);
        info.rangeEnd = shared->rangeEnd.load(std::memory_order_relaxed);
        info.tasksDone = shared->tasksDone.load(std::memory_order_relaxed);
        info.chunksDone = shared->chunksDone.load(std::memory_order_relaxed);
        const qint64 beat = shared->heartbeatNs.load(std::memory_order_relaxed);
        info.heartbeatAgeS = beat > 0 ? double(now - beat) / 1e9 : 0.0;
        info.busyS = double(shared->busyNs.load(std::memory_order_relaxed)) / 1e9;
        info.restarts = shared->restarts.load(std::memory_order_relaxed);
        info.cpuPercent = shared->cpuPercent.load(std::memory_order_relaxed);
        info.rssBytes = shared->rssBytes.load(std::memory_order_relaxed);
        info.pssBytes = shared->pssBytes.load(std::memory_order_relaxed);
        infos.append(info);
    }
    return infos;
}

QVector<ChunkEvent> JobReader::takeChunks()
{
    QVector<ChunkEvent> events;
    if (!m_job)
        return events;
    const qint64 jobStart = m_job->header()->startNs;
    for (int i = 0; i < m_ringRead.size(); ++i) {
        const WorkerSlot* shared = m_job->slot(i);
        const quint64 written = shared->ringWritten.load(std::memory_order_acquire);
        quint64 from
            = qMax(m_ringRead[i], written > WorkerSlot::kRingSize ? written - WorkerSlot::kRingSize : quint64(0));
        for (; from < written; ++from) {
            const ChunkRecord record = shared->ring[from % WorkerSlot::kRingSize];
            events.append(ChunkEvent { i, record.begin, record.count, double(record.startNs - jobStart) / 1e9,
                                       double(record.endNs - jobStart) / 1e9 });
        }
        m_ringRead[i] = written;
    }
    return events;
}

qint64 JobReader::readResults(qint64 from, qint64 count, double* values, quint8* status) const
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

QByteArray JobReader::statuses() const
{
    if (!m_job)
        return {};
    QByteArray status(int(m_job->taskCount()), char(Pending));
    readResults(0, m_job->taskCount(), nullptr, reinterpret_cast<quint8*>(status.data()));
    return status;
}

QVector<qint64> JobReader::readAccumulator() const
{
    const SharedAccumulator* accumulator = m_job ? m_job->accumulator() : nullptr;
    if (!accumulator)
        return {};
    QVector<qint64> cells(accumulator->cellCount());
    for (qint64 i = 0; i < cells.size(); ++i)
        cells[i] = accumulator->load(i);
    return cells;
}

QVariantMap JobReader::figures(const KernelDef* def, const QVariantMap& params) const
{
    if (!m_job || !def || !def->figures || !m_job->accumulator())
        return {};
    return def->figures(params, *m_job->accumulator(), countDone());
}

IndexList JobReader::indices() const
{
    if (!m_job)
        return {};
    const JobSegmentHeader* header = m_job->header();
    if (header->arithmetic)
        return IndexList::range(header->indexStart, header->indexStep, header->taskCount);
    QVector<qint64> list(header->taskCount);
    for (qint64 p = 0; p < header->taskCount; ++p)
        list[p] = m_job->indexAt(p);
    return IndexList::list(std::move(list));
}

} // namespace sharedmap
