#pragma once

#include "cli/progressbar.h"
#include "job/jobplan.h"
#include "job/jobresult.h"
#include "job/jobspec.h"
#include "mpi/communicator.h"
#include "mpi/gatheredresults.h"
#include "mpi/globalqueue.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

namespace sharedmap::mpi {

/// What rank 0 needs to know about the job before it coordinates it.
struct CoordinatedJob
{
    JobSpec spec;
    JobPlan plan;
    ArrayMeta inputMeta; ///< invalid when the kernel takes no input
    QString inputPath;
    ResultValues previous; ///< `--resume`: the partial results to complete; empty otherwise
    bool quiet = false;
    QString nodeSplit; ///< `host` or `rank`
    double loadS = 0;
};

/// Rank 0's side of a run: the global queue every node leader asks for ranges, the gathered
/// results in index order (written to `--output` as they come, at least every 2 s, and when
/// interrupted), the progress bar, the lost-rank watch, and at the end `--summary` and the
/// exit code. Driven by the app's poll loop through handle(); it has its own slower timer.
class Coordinator : public QObject
{
    Q_OBJECT
public:
    Coordinator(Communicator* comm, const NodeLayout& layout, CoordinatedJob job, QObject* parent = nullptr);

    /// A message from a node leader (Hello, Request, Results, Final, Heartbeat); false when it
    /// is not one of those.
    bool handle(const Envelope& envelope);
    /// Rank 0 got SIGINT or SIGTERM: the results so far are written at once, the nodes are
    /// stopped, and the run ends with 130 or 143.
    void interrupt(int signal);
    /// Writes the results gathered so far now (the launcher is about to stop the run).
    void writeNow();

signals:
    /// The run is over: output and summary written, every rank told. `exitCode` is the run's.
    void finished(int exitCode);

private:
    struct Node
    {
        int rank = 0;
        bool hello = false;
        bool lost = false;
        bool final = false;
        bool starving = false; ///< asked when the queue was empty: gets ranges when some return
        int wanted = 1;
        qint64 perTaskNs = 0;
        qint64 pid = 0;
        QString host;
        int workers = 0;
        int ranksOnNode = 1;
        qint64 lastHeardNs = 0;
        qint64 computed = 0; ///< positions whose results came from it
        QJsonObject report; ///< its final report
    };

    bool dispatch(const Envelope& envelope);
    void onTick();
    void serve(int node, int wanted, qint64 perTaskNs);
    void serveStarving();
    void checkLiveness();
    void loseNode(int node, const QString& why);
    void maybeEnd();
    void conclude();
    JobResult snapshot() const;
    void writeOutput();
    int nodeOfRank(int rank) const;
    bool allReported() const;

    Communicator* m_comm;
    NodeLayout m_layout;
    CoordinatedJob m_job;
    QVector<Node> m_nodes;
    GlobalQueue m_queue;
    GatheredResults m_results;
    qint64 m_resumed = 0;
    cli::ProgressBar m_bar;
    QTimer m_timer;
    QElapsedTimer m_clock;
    QDateTime m_startedAt;
    QVector<QPair<double, qint64>> m_rateWindow;
    double m_rate = 0;
    qint64 m_firstResultNs = 0;
    qint64 m_startNs = 0;
    bool m_dirty = false; ///< results arrived since the last write
    qint64 m_lastWriteNs = 0;
    QString m_writeError;
    bool m_ending = false; ///< End sent: waiting for the nodes' final reports
    qint64 m_endingSinceNs = 0;
    bool m_concluded = false;
    int m_signal = 0;
    QString m_fatal; ///< an error that ends the run (exit 2)
    QVector<int> m_lostRanks;
    qint64 m_lastHeartbeatNs = 0;
    qint64 m_messages = 0; ///< handled, from every node
    qint64 m_busyNs = 0; ///< spent handling them
};

} // namespace sharedmap::mpi
