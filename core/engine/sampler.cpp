#include "engine/sampler.h"

#include "shm/jobsegment.h"

#include <QCoreApplication>

namespace sharedmap {

namespace {
constexpr int kMemoryEveryTicks = 6; ///< PSS walks page tables: sample it at ~5 Hz, not 30
} // namespace

/// One memory reading of the app and its workers (see sampleMemory()).
struct Sampler::MemoryReading
{
    qint64 takenNs = 0;
    qint64 costNs = 0; ///< how long the reading took (it walks every mapped page)
    qint64 totalBytes = 0;
    QVector<ProcessStats> workers; ///< per slot, invalid where no worker ran

    static MemoryReading take(const QVector<qint64>& pids)
    {
        // The sum of PSS, taken so that shared memory is counted once: each process's own
        // (non-shared-memory) PSS, plus our segments' resident bytes read in one place. Summing
        // plain PSS process by process would count a page twice when a worker maps it between
        // two reads, which happens all the time while workers fault in their rows.
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
};

Sampler::Sampler(Source source, QObject* parent)
    : QObject(parent)
    , m_source(std::move(source))
{
    m_statsThread.setMaxThreadCount(1);
    m_timer.setInterval(33);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] { sample(++m_tick % kMemoryEveryTicks == 0); });
}

Sampler::~Sampler()
{
    m_statsThread.waitForDone(); // a memory reading in flight posts back to this object
}

void Sampler::begin(JobSegment* job, quint64 jobId, int slotCount, qint64 alreadyDone, double taskTimeoutS)
{
    m_job = job;
    m_jobId = jobId;
    m_taskTimeoutS = taskTimeoutS;
    m_reader.reset(job); // a new job segment, new rings
    m_slots.resize(slotCount); // a warm worker keeps its CPU figures
    for (SlotState& slot : m_slots)
        slot.lastState = WorkerState::Starting;
    m_progress = JobProgress { alreadyDone, job->taskCount(), 0, 0 };
    m_rateWindow.clear();
    m_peakMemory = 0;
    m_tick = 0;
    m_lastCpuSampleNs = monotonicNs();
    m_clock.start();
    m_timer.start();
}

void Sampler::workerStarting(int slot, bool newProcess)
{
    SlotState& state = m_slots[slot];
    if (newProcess)
        state = SlotState();
    state.lastState = WorkerState::Starting;
    state.lastTasksDone = -1;
    state.lastRangeBegin = -1;
    emit workerStateChanged(slot, WorkerState::Starting);
}

void Sampler::setWorkerState(int slot, WorkerState state)
{
    m_slots[slot].lastState = state;
    emit workerStateChanged(slot, state);
}

qint64 Sampler::conclude()
{
    m_timer.stop();
    const qint64 elapsedNs = m_clock.nsecsElapsed(); // before the last memory sample, which is not the job's time
    sample(false);
    sampleMemory(true); // every worker is still attached: the memory figure of the whole run
    return elapsedNs;
}

void Sampler::settle(qint64 done)
{
    m_progress.done = done;
    emit progressChanged(m_progress.done, m_progress.total, m_progress.rate);
}

void Sampler::end()
{
    m_timer.stop();
    m_job = nullptr;
    m_reader.reset(nullptr);
}

JobProgress Sampler::progress(bool live) const
{
    if (!live || !m_job)
        return m_progress;
    JobProgress now = m_progress;
    now.done = m_source.doneCount();
    now.elapsedS = double(m_clock.nsecsElapsed()) / 1e9;
    return now;
}

void Sampler::sample(bool withMemory)
{
    if (!m_job)
        return;
    const qint64 total = m_job->taskCount();
    const qint64 done = m_source.doneCount();
    const double elapsed = double(m_clock.nsecsElapsed()) / 1e9;
    m_rateWindow.append({ elapsed, done });
    while (m_rateWindow.size() > 2 && elapsed - m_rateWindow.first().first > 1.0)
        m_rateWindow.removeFirst();
    const auto& oldest = m_rateWindow.first();
    const double span = elapsed - oldest.first;
    const double rate = span > 0 ? double(done - oldest.second) / span : 0.0;
    const bool changed = done != m_progress.done;
    m_progress = JobProgress { done, total, rate, elapsed };
    m_job->header()->rate.store(rate, std::memory_order_relaxed);
    if (changed || m_tick == 1)
        emit progressChanged(done, total, rate);

    for (int i = 0; i < m_slots.size(); ++i) {
        watch(i, m_source.worker(i));
        const auto state = WorkerState(m_job->slot(i)->state.load(std::memory_order_acquire));
        if (state != m_slots[i].lastState) {
            m_slots[i].lastState = state;
            emit workerStateChanged(i, state);
        }
    }
    for (const ChunkEvent& chunk : m_reader.takeChunks())
        emit chunkFinished(chunk);
    if (withMemory)
        sampleMemory(false);
}

void Sampler::watch(int index, const WorkerProbe& probe)
{
    if (m_taskTimeoutS <= 0 || probe.pid <= 0 || !probe.attached || probe.killed)
        return;
    SlotState& slot = m_slots[index];
    const WorkerSlot* shared = m_job->slot(index);
    const qint64 now = monotonicNs();
    const qint64 done = shared->tasksDone.load(std::memory_order_relaxed);
    const qint64 begin = shared->rangeBegin.load(std::memory_order_relaxed);
    // The stall clock runs only while the worker holds the same range without finishing a task:
    // idle time, and the moment a new range is claimed, start it again.
    if (probe.idle || begin < 0 || done != slot.lastTasksDone || begin != slot.lastRangeBegin) {
        slot.lastTasksDone = done;
        slot.lastRangeBegin = begin;
        slot.lastProgressNs = now;
        return;
    }
    const double stuck = double(now - slot.lastProgressNs) / 1e9;
    if (stuck >= m_taskTimeoutS)
        emit stalled(index, stuck);
}

void Sampler::sampleMemory(bool now)
{
    // Reading smaps_rollup walks the page tables of every mapping (≈ 10 ms per process with an
    // 800 MB array mapped): periodic samples are taken on a helper thread so the caller's event
    // loop (the window's) never waits for them; the last one of a job is taken here, in line.
    QVector<qint64> pids;
    for (int i = 0; i < m_slots.size(); ++i)
        pids.append(m_source.worker(i).pid);
    if (now) {
        applyMemory(MemoryReading::take(pids));
        return;
    }
    // A reading walks the page tables of every process: with gigabytes mapped it costs tens of
    // milliseconds of a core the workers could use. Space readings so they take at most ~5 %.
    if (m_memoryInFlight || monotonicNs() - m_lastMemoryReadingNs < 20 * m_lastMemoryCostNs)
        return;
    m_memoryInFlight = true;
    const quint64 jobId = m_jobId;
    m_statsThread.start([this, pids, jobId] {
        MemoryReading reading = MemoryReading::take(pids);
        QMetaObject::invokeMethod(
            this,
            [this, reading, jobId] {
                m_memoryInFlight = false;
                m_lastMemoryReadingNs = reading.takenNs;
                m_lastMemoryCostNs = reading.costNs;
                if (m_job && jobId == m_jobId)
                    applyMemory(reading);
            },
            Qt::QueuedConnection);
    });
}

void Sampler::applyMemory(const MemoryReading& reading)
{
    const double wall = double(qMax<qint64>(1, reading.takenNs - m_lastCpuSampleNs));
    m_lastCpuSampleNs = reading.takenNs;
    for (int i = 0; i < reading.workers.size() && i < m_slots.size(); ++i) {
        SlotState& slot = m_slots[i];
        const ProcessStats& stats = reading.workers[i];
        if (!stats.valid)
            continue;
        slot.cpuPercent = slot.lastCpuNs > 0 ? 100.0 * double(stats.cpuTimeNs - slot.lastCpuNs) / wall : 0.0;
        slot.lastCpuNs = stats.cpuTimeNs;
        slot.stats = stats;
        WorkerSlot* shared = m_job->slot(i);
        shared->cpuPercent.store(slot.cpuPercent, std::memory_order_relaxed);
        shared->rssBytes.store(stats.rssBytes, std::memory_order_relaxed);
        shared->pssBytes.store(stats.pssBytes, std::memory_order_relaxed);
    }
    m_peakMemory = qMax(m_peakMemory, reading.totalBytes);
    m_job->header()->memoryBytes.store(reading.totalBytes, std::memory_order_relaxed);
    m_job->header()->peakMemoryBytes.store(m_peakMemory, std::memory_order_relaxed);
    emit memorySampled(reading.totalBytes);
}

} // namespace sharedmap
