#pragma once

#include "engine/pool.h"
#include "mpi/communicator.h"

#include <deque>
#include <memory>
#include <QObject>

namespace sharedmap::mpi {

/// A node's leader: runs the node's workers in a Pool of the engine (fed mode, so they compute
/// only what rank 0 grants), asks rank 0 for ranges before the workers run out, and sends each
/// finished range's values and statuses back. Driven by the app's poll loop through handle()
/// and tick().
class NodeLeader : public QObject
{
    Q_OBJECT
public:
    NodeLeader(Communicator* comm, const NodeLayout& layout, QObject* parent = nullptr);

    /// Starts the node's pool on its copy of the input (with the node's Python probe result
    /// when the job runs a Python function, else null). False with `error` set when it cannot.
    bool start(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const PythonProbeResult* probe,
               QString* error);
    /// A message from rank 0 (Grant, End, Stop); false when it is not one of those.
    bool handle(const Envelope& envelope);
    /// Sends finished ranges, asks for more, says it is alive; every poll (about 1 ms).
    void tick();
    /// Stops the node's workers (this rank was interrupted): what they finished is still sent.
    void cancel();
    /// The node's pool finished and rank 0 has its final report.
    bool isDone() const { return m_done; }

signals:
    /// The node's part of the job is over (the final report is on its way to rank 0).
    void done();

private:
    struct Held
    {
        PositionRange range;
        qint64 cursor; ///< positions before it are known complete
    };

    void feed(const QVector<PositionRange>& ranges);
    void measureTaskTime();
    /// Sends the ranges whose positions are all complete (all of them when `everything`).
    void sendFinished(bool everything);
    void sendResults(const PositionRange& range, const JobResult* finished);
    void onFinished(const JobResult& result);
    void onFailed(const QString& error);
    template <typename Message> void sendToRoot(const Message& message);

    Communicator* m_comm;
    NodeLayout m_layout;
    Pool m_pool;
    std::deque<Held> m_held;
    int m_workers = 1;
    bool m_running = false;
    bool m_waitingGrant = false;
    bool m_starved = false; ///< rank 0 had nothing: it sends ranges when some come back
    bool m_ended = false;
    bool m_done = false;
    double m_perTaskNs = 0; ///< per task per worker, from the pool's chunk timings
    double m_roundTripNs = 0; ///< from a request to its grant, averaged
    double m_rangeSize = 0; ///< positions per granted range, averaged
    qint64 m_requestSentNs = 0;
    qint64 m_lastMeasureNs = 0;
    qint64 m_measuredBusyNs = 0;
    qint64 m_measuredTasks = 0;
    qint64 m_requests = 0; ///< for the final report: messages this node sent to rank 0
    qint64 m_resultMessages = 0;
    qint64 m_lastSentNs = 0;
};

} // namespace sharedmap::mpi
