#pragma once

#include "base/status.h"
#include "job/jobresult.h"

#include <QObject>
#include <QVariantMap>
#include <QVector>

namespace sharedmap {

/// Where a job stands: positions completed (done or failed) out of the total, and the rate.
struct JobProgress
{
    qint64 done = 0;
    qint64 total = 0;
    double rate = 0; ///< tasks per second over the last second
    double elapsedS = 0;
};

/// What a live view pulls from a running job: the `Pool` that runs it, or an `AttachedJob` that
/// reads another process's job from its segments. The Monitor samples one of them on its own
/// timer and takes the events below; both read the job segment through the same `JobReader`.
class JobSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual bool isRunning() const = 0;
    /// Id of the job being shown; results carry it, so views drop those of another job.
    virtual quint64 currentJobId() const = 0;
    /// Where the job stands now: counters read live, the rate from the last second of samples.
    virtual JobProgress progress() const = 0;
    /// The running job as planned: spec, indices, workers, input; its values are the output
    /// array as the workers fill it (a position's values are final once its status is not
    /// Pending, see readResults()).
    virtual const JobResult& currentJob() const = 0;
    virtual QVector<WorkerInfo> workers() const = 0;
    /// Copies results and statuses of positions [from, from + count) of the running job, for
    /// live views that pull. Returns the number of positions copied.
    virtual qint64 readResults(qint64 from, qint64 count, double* values, quint8* status) const = 0;
    /// The running job's shared accumulator (histogram counts, the race counter), read live;
    /// empty when its kernel has none.
    virtual QVector<qint64> readAccumulator() const = 0;
    /// The running job's kernel figures (e.g. `counter`, `expected_counter`), read live.
    virtual QVariantMap figures() const = 0;

signals:
    void progressChanged(qint64 done, qint64 total, double rate);
    void chunkFinished(const sharedmap::ChunkEvent& chunk);
    void memorySampled(qint64 totalPssBytes);
    void finished(const sharedmap::JobResult& result);
    void failed(const QString& error);
};

} // namespace sharedmap
