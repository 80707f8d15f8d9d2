#pragma once

#include "engine/jobannouncer.h"
#include "engine/jobreader.h"
#include "engine/pythonprobe.h"
#include "job/jobplan.h"
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
/// from the segment. Holds the segment and the input for as long as the job runs. A Python job
/// is assembled from its probe: the probe fixed every result's shape, and the positions it
/// computed are the job's results (not computed again).
class JobAssembly
{
public:
    /// Assembles `spec` on `input` (null when the kernel takes none); `previous` holds an
    /// earlier run's values to resume from, or is null; `probe` is what PythonProbe found for a
    /// Python job (null for any other). Null with `error` set when it cannot run.
    static std::unique_ptr<JobAssembly> create(const JobSpec& spec, std::shared_ptr<const SharedArray> input,
                                               const ResultValues* previous, const PythonProbeResult* probe,
                                               QString* error);

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
    /// Positions the Python probe computed before the job started.
    qint64 probed() const { return m_probed; }
    /// Positions the Python probe failed, with why (the pool records them as failures).
    const QHash<qint64, QString>& probeFailures() const { return m_probeFailures; }
    /// Reads the segment as a monitor attached from elsewhere reads it.
    const JobReader& reader() const { return m_reader; }

    /// The JobResult as planned; its values are the output array the workers fill in.
    JobResult plannedResult(quint64 jobId) const;
    /// What the jobs folder says of this job while it runs (see announceJob()).
    JobAnnouncement announcement(quint64 jobId, const QDateTime& startedAt) const;
    /// Fills in what the job's end decides: statuses, why positions failed (`fallbackReason`
    /// when nobody said), retries, timings, the accumulator.
    void complete(JobResult* result, const RetryQueue& retries, const QString& fallbackReason, bool cancelled,
                  qint64 elapsedNs) const;

    /// The kernel's figures from the accumulator (e.g. `counter`).
    QVariantMap figures() const { return m_reader.figures(m_plan.kernel, m_plan.params); }

private:
    JobAssembly() = default;
    QString takeProbe(const PythonProbeResult& probe);
    QString checkCopyFits() const;
    QString createSegment();
    void keepPrevious(const ResultValues& previous);
    void keepProbed();

    JobSpec m_spec;
    JobPlan m_plan;
    std::shared_ptr<const SharedArray> m_input;
    std::unique_ptr<JobSegment> m_segment;
    QVector<bool> m_kept; ///< the resume mask: positions a previous run completed
    qint64 m_resumed = 0;
    QVector<PythonProbeCall> m_probeCalls; ///< the probe's calls this job takes as results
    qint64 m_probed = 0;
    QHash<qint64, QString> m_probeFailures;
    JobReader m_reader;
    int m_workers = 0;
};

} // namespace sharedmap
