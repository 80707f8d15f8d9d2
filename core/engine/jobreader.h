#pragma once

#include "base/indexlist.h"
#include "base/status.h"
#include "engine/jobsource.h"

#include <QByteArray>
#include <QVariantMap>
#include <QVector>

namespace sharedmap {

class JobSegment;
struct KernelDef;

/// Turns a job segment into the figures monitors show: progress, the worker table, chunk events,
/// results. The one reader of the layout for every monitor — the `Pool` that owns the job reads
/// it through this class, and so does an `AttachedJob` in another process over a read-only
/// mapping — so both show the same numbers. It only loads; it never writes the segment.
class JobReader
{
public:
    JobReader() = default;
    explicit JobReader(const JobSegment* job) { reset(job); }

    /// Reads `job` from now on (null: none); chunk cursors start at the beginning of its rings.
    void reset(const JobSegment* job);
    bool isValid() const { return m_job != nullptr; }

    qint64 taskCount() const;
    /// Positions completed (done or failed): the workers' counters plus what the pool settled.
    qint64 countDone() const;
    /// Seconds since the job started (until it ended, once the pool has ended it).
    double elapsedS() const;
    /// done, total, elapsed and the rate the pool last published.
    JobProgress progress() const;
    /// One row per slot: what its worker holds and did, and what the pool measured of it.
    QVector<WorkerInfo> workers() const;
    /// Chunks finished since the last call, from every slot's ring (a ring keeps the last 64).
    QVector<ChunkEvent> takeChunks();
    /// See JobSource::readResults().
    qint64 readResults(qint64 from, qint64 count, double* values, quint8* status) const;
    /// Every position's status byte, as now.
    QByteArray statuses() const;
    QVector<qint64> readAccumulator() const;
    /// The kernel's figures over the accumulator, for `def` with typed `params`.
    QVariantMap figures(const KernelDef* def, const QVariantMap& params) const;
    /// The job's positions, as the segment lists them.
    IndexList indices() const;

private:
    const JobSegment* m_job = nullptr;
    QVector<quint64> m_ringRead; ///< per slot: chunk records already taken
};

} // namespace sharedmap
