#pragma once

#include <QBitArray>
#include <QHash>
#include <QPair>
#include <QString>
#include <QVector>

namespace sharedmap {

class JobSegment;

/// The positions a job must compute again and why others failed. Ranges given back after a
/// crash wait in a backlog until the job segment's retry ring (which workers claim from before
/// the shared counter) has room; crashes are counted per position, and the position a worker
/// was computing when it died for the (maxRetries + 1)-th time is marked failed.
///
/// In fed mode (a scheduler outside the pool: sharedmap-mpi's node leaders) the queue is the
/// only way work comes in: the job's claim counter starts exhausted, ranges are fed as they
/// arrive, workers claim them from the retry ring as they claim a crashed worker's (so crash
/// recovery is the usual one), and work remains until the feed has ended and every fed
/// position is done or failed.
class RetryQueue
{
public:
    /// What recover() did with a dead worker's range.
    struct Crash
    {
        qint64 position = -1; ///< the suspect (first pending position of the range), -1 if none
        int crashes = 0; ///< crashes while computing it, this one included
        bool failed = false; ///< the suspect is now marked failed; the caller gives the reason
    };

    /// Starts over for a new job, `settled` of whose positions are complete before it starts
    /// (resumed, computed by a probe) and `failed` failed (by a probe, with why). In fed mode
    /// (setFed()) the job's claim counter is exhausted here, before any worker attaches.
    void reset(JobSegment* job, int maxRetries, qint64 settled, const QHash<qint64, QString>& failed = {});
    /// A worker died in `slot`: clears the range it held and queues the pending rest again (to
    /// be published).
    Crash recover(int slot);
    /// Queues every pending run of positions (a worker died between claiming and announcing);
    /// in fed mode only fed ones: the others are not this job's (yet). False if none was pending.
    bool requeuePending();
    /// Moves backlog ranges into the retry ring while it has room; true if any was published.
    bool publish();
    /// Ranges queued that no worker has claimed yet.
    bool hasUnclaimed() const;
    /// Ranges queued (fed or retried) that no worker has claimed yet.
    qint64 unclaimedRanges() const;
    /// Some position is still pending (fed mode: a fed one, or the feed has not ended).
    bool workRemains() const;

    /// Puts the jobs reset() starts from now on in fed mode (true) or back in the usual mode.
    void setFed(bool fed) { m_fed = fed; }
    bool isFed() const { return m_fed; }
    /// Fed mode: queues positions [begin, end) (clamped to the job) to be published. False if
    /// nothing was queued: not fed mode, the feed has ended, or the range is empty.
    bool feed(qint64 begin, qint64 end);
    /// Fed mode: no range will come any more. False if not fed mode, or it had ended already.
    bool endFeed();

    /// Why the pool marked a position failed (after crashes).
    void setFailureReason(qint64 position, const QString& reason);
    /// Why a worker's kernel failed a position (kept only if the position ends failed).
    void noteKernelFailure(qint64 position, const QString& reason);
    /// Positions the pool marked failed.
    qint64 failedCount() const { return m_failureReasons.size(); }
    qint64 retriedChunks() const { return m_retriedChunks; }
    /// A reason for every failed position of `status`: the pool's, else the kernel's, else `fallback`.
    QHash<qint64, QString> failureReasons(const QByteArray& status, const QString& fallback) const;

private:
    /// Publishes in the job segment what only the pool counts (positions settled without a
    /// worker: the ones before the start, those failed after crashes; retried chunks), for
    /// monitors attached from other processes.
    void publishCounts();

    /// Whether `position` is the job's to compute: always, except fed mode's positions not fed.
    bool isFedAt(qint64 position) const { return !m_fed || m_fedMask.testBit(position); }

    JobSegment* m_job = nullptr;
    bool m_fed = false; ///< see setFed()
    bool m_feedEnded = false;
    QBitArray m_fedMask; ///< fed mode: the positions fed so far
    qint64 m_settled = 0;
    int m_maxRetries = 2;
    QVector<QPair<qint64, qint64>> m_backlog; ///< ranges waiting for room in the retry ring
    QHash<qint64, int> m_crashes; ///< position -> crashes while it was being computed
    QHash<qint64, QString> m_failureReasons;
    QHash<qint64, QString> m_kernelFailures; ///< reasons workers sent for indices their kernel failed
    qint64 m_retriedChunks = 0;
};

} // namespace sharedmap
