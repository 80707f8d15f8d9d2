#pragma once

#include "shm/jobsegment.h"

namespace sharedmap {

class Kernel;

/// One worker's claim loop over one job: takes ranges (retries first, then the shared counter),
/// computes their pending positions in place, records each chunk in the slot's ring, and with
/// an auto chunk size adapts the size to about 5 ms a chunk.
class ClaimLoop
{
public:
    ClaimLoop(JobSegment* job, int slotIndex, const Kernel* kernel, double sleepMs, bool inputResident);

    /// Claims and computes chunks until nothing is left or the job is cancelled.
    void work();

private:
    bool cancelled() const { return m_header->cancel.load(std::memory_order_relaxed) != 0; }
    bool claim(qint64* begin, qint64* end);
    void populate(qint64 begin, qint64 end);
    qint64 compute(qint64 begin, qint64 end);
    void reportFailure(qint64 position, qint64 index);
    bool sleepWork();
    void record(qint64 begin, qint64 count, qint64 start, qint64 finish);
    void adapt(qint64 computed, qint64 elapsedNs);

    JobSegment* m_job;
    JobSegmentHeader* m_header;
    WorkerSlot* m_slot;
    const Kernel* m_kernel;
    qint64 m_sleepNs;
    qint64 m_width;
    qint64 m_chunk;
    bool m_started = false;
    bool m_inputResident = false;
    int m_reasonsSent = 0;
};

} // namespace sharedmap
