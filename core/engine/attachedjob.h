#pragma once

#include "engine/jobannouncer.h"
#include "engine/jobreader.h"
#include "engine/jobsource.h"

#include <memory>
#include <QTimer>

namespace sharedmap {

class JobSegment;
struct KernelDef;

/// A read-only view of a job another process runs (the CLI, a script through the CLI, another
/// window), found by its announcement: its job segment and output array are attached with
/// `SHM_RDONLY` and read through the same `JobReader` as the owner's `Pool`, so a Monitor shows
/// the same figures either way. Nothing is written to the job; cancel() asks the owner to stop
/// with SIGINT, as Ctrl-C in its terminal would. Destroying it only detaches.
class AttachedJob : public JobSource
{
    Q_OBJECT
public:
    /// How the job ended, as far as an onlooker can tell.
    enum class End
    {
        Running,
        Finished, ///< the owner finished it
        Cancelled, ///< the owner cancelled it (Ctrl-C, SIGINT from here, Cancel in its window)
        Failed, ///< the owner's pool failed it
        OwnerGone ///< the owner died without ending it (SIGKILL, a crash)
    };

    /// Attaches to the running job of process `pid` (see findJob() for what is refused), or
    /// returns null with a one-line `error`.
    static std::unique_ptr<AttachedJob> attach(qint64 pid, QString* error, FindJobError* why = nullptr);
    /// Attaches to an announced job (as listJobs() gives it).
    static std::unique_ptr<AttachedJob> attach(const JobAnnouncement& job, QString* error);
    /// Reads an announced job's progress once (attach, read, detach): `sharedmap-cli jobs`.
    static JobProgress peek(const JobAnnouncement& job, QString* error);
    ~AttachedJob() override;

    const JobAnnouncement& announcement() const { return m_announcement; }
    qint64 ownerPid() const { return m_announcement.pid; }
    /// Sends SIGINT to the owner (partial results kept, as with Ctrl-C); false with `error` when
    /// the owner is gone or the job already ended.
    bool cancel(QString* error = nullptr);
    End end() const { return m_end; }
    /// Period of the sampling that turns rings into chunk events and notices the end (33 ms).
    void setSampleInterval(int ms) { m_timer.setInterval(ms); }

    bool isRunning() const override { return m_end == End::Running; }
    quint64 currentJobId() const override { return m_result.jobId; }
    JobProgress progress() const override;
    const JobResult& currentJob() const override { return m_result; }
    QVector<WorkerInfo> workers() const override;
    qint64 readResults(qint64 from, qint64 count, double* values, quint8* status) const override;
    QVector<qint64> readAccumulator() const override;
    QVariantMap figures() const override;

signals:
    /// The job ended (after finished() or failed()), and the segments were let go.
    void ended(sharedmap::AttachedJob::End how);

private:
    AttachedJob();
    void sample();
    void conclude(End how);

    JobAnnouncement m_announcement;
    std::unique_ptr<JobSegment> m_job;
    JobReader m_reader;
    JobResult m_result; ///< the plan while it runs, the final result once it ended
    JobProgress m_final;
    const KernelDef* m_kernelDef = nullptr;
    QVariantMap m_params;
    QTimer m_timer;
    End m_end = End::Running;
    qint64 m_lastDone = -1;
    qint64 m_lastMemory = 0;
    qint64 m_outcomeSeenNs = 0; ///< when the owner's outcome was first seen
};

} // namespace sharedmap
