#pragma once

#include "job/jobresult.h"
#include "job/jobspec.h"
#include "shm/jobsegment.h"
#include "shm/sharedarray.h"

#include <memory>
#include <QString>

namespace sharedmap {

class RetryQueue;

/// A job put together for the pool: its spec planned and checked (partial results against the
/// plan, copy mode against the memory available), its job segment created with the positions a
/// previous run completed marked done (the resume mask), and at the end its JobResult filled in
/// from the segment. Holds the segment and the input for as long as the job runs.
class JobAssembly
{
public:
    /// Assembles `spec` on `input` (null when the kernel takes none); `previous` holds an
    /// earlier run's values to resume from, or is null. Null with `error` set when it cannot run.
    static std::unique_ptr<JobAssembly> create(const JobSpec& spec, std::shared_ptr<const SharedArray> input,
                                               const ResultValues* previous, QString* error);

    JobSegment* segment() const { return m_segment.get(); }
    const JobSpec& spec() const { return m_spec; }
    /// The input, null for a kernel that takes none.
    const std::shared_ptr<const SharedArray>& input() const { return m_input; }
    /// Workers to run: as many as asked, no more than there are positions left to compute.
    int workers() const { return m_workers; }
    /// Each worker gets a private copy of the input down its pipe (`mode: copy`).
    bool copyMode() const { return m_segment->header()->copyInput != 0; }
    /// Positions taken as done from the previous run.
    qint64 resumed() const { return m_resumed; }

    /// The JobResult as planned; its values are the output array the workers fill in.
    JobResult plannedResult(quint64 jobId) const;
    /// Fills in what the job's end decides: statuses, why positions failed (`fallbackReason`
    /// when nobody said), retries, timings, the accumulator.
    void complete(JobResult* result, const RetryQueue& retries, const QString& fallbackReason, bool cancelled,
                  qint64 elapsedNs) const;

    /// The kernel's figures from the accumulator (e.g. `counter`), given the positions done.
    QVariantMap figures(qint64 done) const;
    /// The shared accumulator's cells, empty when the kernel has none.
    QVector<qint64> readAccumulator() const;
    /// Copies results and statuses of positions [from, from + count); returns how many.
    qint64 readResults(qint64 from, qint64 count, double* values, quint8* status) const;

private:
    JobAssembly() = default;
    QString checkCopyFits() const;
    QString createSegment();
    void keepPrevious(const ResultValues& previous);

    JobSpec m_spec;
    JobPlan m_plan;
    std::shared_ptr<const SharedArray> m_input;
    std::unique_ptr<JobSegment> m_segment;
    QVector<bool> m_kept; ///< the resume mask: positions a previous run completed
    qint64 m_resumed = 0;
    int m_workers = 0;
};

} // namespace sharedmap
