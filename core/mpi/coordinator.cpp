#include "mpi/coordinator.h"

#include "base/procstats.h"
#include "cli/cliapp.h"
#include "job/resultwriter.h"
#include "kernels/kernel.h"
#include "mpi/mpilog.h"

#include <csignal>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace sharedmap::mpi {

namespace {
constexpr int kTickMs = 50;
constexpr qint64 kWriteEveryNs = 1000000000; ///< results on disk are never older than this (+ a write)
constexpr qint64 kHeartbeatNs = 1000000000; ///< rank 0 tells every rank it is alive this often
constexpr qint64 kStopGraceNs = 600000000; ///< interrupted: how long the nodes get to send what they have
constexpr qint64 kEndGraceNs = 15000000000; ///< done: how long the nodes get for their final reports

double seconds(qint64 ns)
{
    return double(ns) / 1e9;
}
} // namespace

Coordinator::Coordinator(Communicator* comm, const NodeLayout& layout, CoordinatedJob job, QObject* parent)
    : QObject(parent)
    , m_comm(comm)
    , m_layout(layout)
    , m_job(std::move(job))
    , m_queue(0, 0)
    , m_results(m_job.plan.indices.size(), int(m_job.plan.resultWidth))
{
    const qint64 tasks = m_job.plan.indices.size();
    QVector<bool> done;
    if (!m_job.previous.isEmpty())
        m_resumed = m_results.takePrevious(m_job.previous.constData(), &done);
    m_queue = GlobalQueue(tasks, m_job.spec.chunkSize, done);
    m_nodes.resize(layout.nodes);
    m_startNs = clockNs();
    for (int n = 0; n < layout.nodes; ++n) {
        m_nodes[n].rank = layout.leaderRanks[n];
        m_nodes[n].lastHeardNs = m_startNs;
    }
    m_bar.setEnabled(!m_job.quiet);
    m_clock.start();
    m_startedAt = QDateTime::currentDateTime();
    m_bar.update(m_results.completed(), tasks, 0, true);
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &Coordinator::onTick);
    m_timer.start();
    QTimer::singleShot(0, this, &Coordinator::maybeEnd); // nothing to compute (all resumed, or no index)
}

int Coordinator::nodeOfRank(int rank) const
{
    return int(m_layout.leaderRanks.indexOf(rank));
}

bool Coordinator::handle(const Envelope& envelope)
{
    // Rank 0's time per message is what bounds the nodes one queue can serve (docs/PERFORMANCE.md).
    const qint64 started = clockNs();
    const bool handled = dispatch(envelope);
    if (handled) {
        ++m_messages;
        m_busyNs += clockNs() - started;
    }
    return handled;
}

bool Coordinator::dispatch(const Envelope& envelope)
{
    const int node = nodeOfRank(envelope.source);
    if (node < 0)
        return false;
    Node& from = m_nodes[node];
    from.lastHeardNs = clockNs();
    switch (envelope.tag) {
    case Tag::Hello: {
        HelloMessage hello;
        if (!HelloMessage::decode(envelope.bytes, &hello))
            return false;
        from.hello = true;
        from.pid = hello.pid;
        from.host = hello.host;
        from.workers = hello.workers;
        from.ranksOnNode = hello.ranksOnNode;
        int total = 0;
        for (const Node& n : std::as_const(m_nodes))
            total += n.lost ? 0 : n.workers;
        m_queue.setTotalWorkers(total);
        if (hello.tasks != m_results.tasks() || hello.resultWidth != m_results.width()) {
            m_fatal = QStringLiteral("node %1 (rank %2 on %3) plans %4 positions of %5 value(s) but rank 0 plans %6 "
                                     "of %7: every node must see the same input and job")
                          .arg(node)
                          .arg(from.rank)
                          .arg(hello.host)
                          .arg(hello.tasks)
                          .arg(hello.resultWidth)
                          .arg(m_results.tasks())
                          .arg(m_results.width());
            interrupt(0);
        }
        return true;
    }
    case Tag::Request: {
        RequestMessage request;
        if (!RequestMessage::decode(envelope.bytes, &request))
            return false;
        from.wanted = qMax(1, request.wanted);
        from.perTaskNs = request.perTaskNs;
        serve(node, from.wanted, from.perTaskNs);
        return true;
    }
    case Tag::Results: {
        ResultsMessage results;
        if (!ResultsMessage::decode(envelope.bytes, &results))
            return false;
        const qint64 added = m_results.merge(results);
        if (added < 0) {
            printLine(QStringLiteral("warning: node %1 sent results that do not fit the job: ignored").arg(node));
            return true;
        }
        // The node's holding shrinks by the positions it completed from the front of the range.
        qint64 complete = 0;
        while (complete < results.status.size() && quint8(results.status[complete]) != Pending)
            ++complete;
        if (complete > 0)
            m_queue.complete(node, { results.begin, results.begin + complete });
        from.computed += added;
        if (added > 0) {
            m_dirty = true;
            if (m_firstResultNs == 0)
                m_firstResultNs = clockNs();
        }
        maybeEnd();
        return true;
    }
    case Tag::Final: {
        FinalMessage final;
        if (!FinalMessage::decode(envelope.bytes, &final))
            return false;
        from.final = true;
        from.report = final.report;
        const QString error = final.report.value(QStringLiteral("error")).toString();
        if (!error.isEmpty())
            loseNode(node, QStringLiteral("its workers failed: %1").arg(error));
        else if (!m_ending && !m_concluded)
            loseNode(node, QStringLiteral("it stopped before the job was done")); // interrupted on its own
        if ((m_ending || m_signal || !m_fatal.isEmpty()) && allReported())
            conclude();
        return true;
    }
    case Tag::Heartbeat:
        return HeartbeatMessage::decode(envelope.bytes, nullptr);
    default:
        return false;
    }
}

void Coordinator::serve(int node, int wanted, qint64 perTaskNs)
{
    Node& n = m_nodes[node];
    if (n.lost || m_ending || m_concluded || m_signal) {
        m_comm->send(n.rank, GrantMessage());
        return;
    }
    GrantMessage grant;
    grant.ranges = m_queue.grant(node, wanted, perTaskNs);
    n.starving = grant.ranges.isEmpty();
    m_comm->send(n.rank, grant);
}

void Coordinator::serveStarving()
{
    for (int node = 0; node < m_nodes.size() && m_queue.queuedPositions() > 0; ++node) {
        if (m_nodes[node].starving && !m_nodes[node].lost)
            serve(node, m_nodes[node].wanted, m_nodes[node].perTaskNs);
    }
}

void Coordinator::loseNode(int node, const QString& why)
{
    Node& n = m_nodes[node];
    if (n.lost)
        return;
    n.lost = true;
    n.starving = false;
    m_lostRanks.append(n.rank);
    // Its ranges go back to the front of the queue, less the positions it sent results for.
    qint64 back = 0;
    for (const PositionRange& range : m_queue.reclaim(node)) {
        for (qint64 p = range.begin; p < range.end;) {
            if (m_results.statusAt(p) != Pending) {
                ++p;
                continue;
            }
            qint64 end = p + 1;
            while (end < range.end && m_results.statusAt(end) == Pending)
                ++end;
            m_queue.requeue({ p, end });
            back += end - p;
            p = end;
        }
    }
    int total = 0;
    for (const Node& other : std::as_const(m_nodes))
        total += other.lost ? 0 : other.workers;
    m_queue.setTotalWorkers(total);
    if (!m_signal && !m_concluded)
        printLine(QStringLiteral("rank %1 (node %2 on %3) is lost: %4; %5 unfinished position(s) go back to the queue")
                      .arg(n.rank)
                      .arg(node)
                      .arg(n.host.isEmpty() ? QStringLiteral("?") : n.host, why)
                      .arg(back));
    serveStarving();
    bool anyLeft = false;
    for (const Node& other : std::as_const(m_nodes))
        anyLeft = anyLeft || !other.lost;
    if (!anyLeft && !m_results.allCompleted() && m_fatal.isEmpty()) {
        m_fatal = QStringLiteral("every node is lost: nothing can compute the rest");
        interrupt(0);
    }
}

void Coordinator::checkLiveness()
{
    const qint64 now = clockNs();
    const qint64 timeoutNs = qint64(rankTimeoutS() * 1e9);
    for (int node = 1; node < m_nodes.size(); ++node) { // node 0 is this rank's own
        Node& n = m_nodes[node];
        if (n.lost || n.final)
            continue;
        // A leader on this host is checked by its pid (exact, at once); elsewhere by silence.
        if (n.hello && n.host == m_layout.host && !processRunning(n.pid))
            loseNode(node, QStringLiteral("its process %1 is gone").arg(n.pid));
        else if (now - n.lastHeardNs > timeoutNs)
            loseNode(node, QStringLiteral("no word from it for %1 s").arg(seconds(now - n.lastHeardNs), 0, 'f', 0));
    }
}

bool Coordinator::allReported() const
{
    for (const Node& n : m_nodes) {
        if (!n.lost && !n.final)
            return false;
    }
    return true;
}

void Coordinator::maybeEnd()
{
    if (m_ending || m_concluded || m_signal || !m_results.allCompleted())
        return;
    m_ending = true;
    m_endingSinceNs = clockNs();
    for (const Node& n : std::as_const(m_nodes))
        m_comm->send(n.rank, EndMessage());
    qCDebug(lcMpi) << "every position done: ending";
    if (allReported())
        conclude();
}

void Coordinator::interrupt(int signal)
{
    if (m_concluded)
        return;
    if (signal != 0 && m_signal == 0)
        m_signal = signal;
    if (m_signal != 0 || !m_fatal.isEmpty()) {
        writeOutput(); // first: the launcher may kill this rank any moment now
        if (m_endingSinceNs == 0 || !m_ending) {
            m_ending = true;
            m_endingSinceNs = clockNs();
            for (const Node& n : std::as_const(m_nodes)) {
                if (!n.lost && !n.final)
                    m_comm->send(n.rank, StopMessage());
            }
        }
        if (allReported())
            conclude();
    }
}

void Coordinator::writeNow()
{
    if (m_dirty)
        writeOutput();
}

void Coordinator::onTick()
{
    if (m_concluded)
        return;
    const qint64 now = clockNs();
    const double elapsed = double(m_clock.nsecsElapsed()) / 1e9;
    m_rateWindow.append({ elapsed, m_results.completed() });
    while (m_rateWindow.size() > 2 && elapsed - m_rateWindow.first().first > 1.0)
        m_rateWindow.removeFirst();
    const double span = elapsed - m_rateWindow.first().first;
    m_rate = span > 0 ? double(m_results.completed() - m_rateWindow.first().second) / span : 0.0;
    m_bar.update(m_results.completed(), m_results.tasks(), m_rate);
    if (m_dirty && now - m_lastWriteNs >= kWriteEveryNs)
        writeOutput();
    if (now - m_lastHeartbeatNs >= kHeartbeatNs) {
        m_lastHeartbeatNs = now;
        for (int r = 1; r < m_layout.ranks; ++r)
            m_comm->send(r, HeartbeatMessage());
    }
    checkLiveness();
    const qint64 grace = (m_signal || !m_fatal.isEmpty()) ? kStopGraceNs : kEndGraceNs;
    if (m_ending && now - m_endingSinceNs > grace) {
        for (int node = 0; node < m_nodes.size(); ++node) {
            if (!m_nodes[node].lost && !m_nodes[node].final)
                loseNode(node, QStringLiteral("no final report"));
        }
        conclude();
    }
}

JobResult Coordinator::snapshot() const
{
    JobResult result;
    result.spec = m_job.spec;
    result.kernelName = m_job.spec.kernel;
    result.inputMeta = m_job.inputMeta;
    result.inputPath = m_job.inputPath;
    result.indices = m_job.plan.indices;
    result.resultWidth = int(m_job.plan.resultWidth);
    result.resultShape = m_job.plan.resultShape;
    result.values = ResultValues(m_results.values());
    result.status = m_results.status();
    result.resumedPositions = m_resumed;
    result.chunkSize = m_job.spec.chunkSize;
    result.startedAt = m_startedAt;
    result.loadS = m_job.loadS;
    return result;
}

void Coordinator::writeOutput()
{
    m_lastWriteNs = clockNs();
    m_dirty = false;
    if (m_job.spec.output.isEmpty())
        return;
    // writeResults() writes a temporary file and renames it: the file on disk is always whole.
    const QString error = writeResults(snapshot(), m_job.spec.output);
    if (!error.isEmpty() && m_writeError.isEmpty()) {
        m_writeError = error;
        printLine(QStringLiteral("error: %1").arg(error));
    }
    qCDebug(lcMpi) << "output written:" << m_results.completed() << "of" << m_results.tasks() << "in"
                   << seconds(clockNs() - m_lastWriteNs) << "s";
}

void Coordinator::conclude()
{
    if (m_concluded)
        return;
    m_concluded = true;
    m_timer.stop();
    qCDebug(lcMpi) << "concluding";
    const qint64 now = clockNs();
    JobResult result = snapshot();
    result.cancelled = m_signal != 0 || !m_fatal.isEmpty();
    result.elapsedS = seconds(now - m_startNs);
    QJsonArray workerStats, nodes;
    double startup = -1;
    int workerCount = 0;
    for (int node = 0; node < m_nodes.size(); ++node) {
        const Node& n = m_nodes[node];
        const QJsonObject& report = n.report;
        result.retriedChunks += report.value(QStringLiteral("retried_chunks")).toInteger();
        result.peakMemoryBytes += report.value(QStringLiteral("peak_memory_bytes")).toInteger();
        if (report.contains(QStringLiteral("startup_s"))) {
            const double s = report.value(QStringLiteral("startup_s")).toDouble();
            startup = startup < 0 ? s : qMin(startup, s);
        }
        for (const QJsonValue& value : report.value(QStringLiteral("failures")).toArray()) {
            const QJsonObject failure = value.toObject();
            const qint64 p = failure.value(QStringLiteral("position")).toInteger(-1);
            if (p >= 0 && p < result.taskCount() && quint8(result.status[p]) == Failed)
                result.failureReasons.insert(
                    p, QStringLiteral("node %1: %2").arg(node).arg(failure.value(QStringLiteral("reason")).toString()));
        }
        for (const QJsonValue& value : report.value(QStringLiteral("workers")).toArray()) {
            QJsonObject worker = value.toObject();
            worker.insert(QStringLiteral("node"), node);
            worker.insert(QStringLiteral("rank"), n.rank);
            worker.insert(QStringLiteral("host"), n.host);
            workerStats.append(worker);
        }
        workerCount += n.workers;
        nodes.append(
            QJsonObject { { QStringLiteral("node"), node },
                          { QStringLiteral("rank"), n.rank },
                          { QStringLiteral("pid"), n.pid },
                          { QStringLiteral("host"), n.host },
                          { QStringLiteral("ranks"), n.ranksOnNode },
                          { QStringLiteral("workers"), n.workers },
                          { QStringLiteral("tasks_done"), n.computed },
                          { QStringLiteral("lost"), n.lost },
                          { QStringLiteral("peak_memory_bytes"), report.value(QStringLiteral("peak_memory_bytes")) },
                          { QStringLiteral("requests"), report.value(QStringLiteral("requests")) },
                          { QStringLiteral("result_messages"), report.value(QStringLiteral("result_messages")) },
                          { QStringLiteral("round_trip_ms"), report.value(QStringLiteral("round_trip_ms")) } });
    }
    result.workers = workerCount;
    result.startupS = startup >= 0 ? startup : result.elapsedS;
    result.computeS = qMax(0.0, result.elapsedS - result.startupS);
    const qint64 failedCount = result.failedPositions().size();
    m_bar.finish(result.doneCount() + failedCount, result.taskCount(), m_rate);

    int code = cli::ExitOk;
    if (!m_job.spec.output.isEmpty()) {
        const QString error = writeResults(result, m_job.spec.output);
        if (!error.isEmpty()) {
            printLine(QStringLiteral("error: %1").arg(error));
            code = cli::ExitUsage;
        }
    }
    if (!m_job.spec.summary.isEmpty()) {
        QJsonObject json = result.summaryJson();
        QJsonArray lost;
        for (int rank : std::as_const(m_lostRanks))
            lost.append(rank);
        json.insert(QStringLiteral("mpi"),
                    QJsonObject { { QStringLiteral("ranks"), m_layout.ranks },
                                  { QStringLiteral("nodes"), m_layout.nodes },
                                  { QStringLiteral("node_split"), m_job.nodeSplit },
                                  { QStringLiteral("lost_ranks"), lost },
                                  { QStringLiteral("rank0_messages"), m_messages },
                                  { QStringLiteral("rank0_busy_s"), seconds(m_busyNs) },
                                  { QStringLiteral("node_list"), nodes } });
        json.insert(QStringLiteral("worker_stats"), workerStats);
        QSaveFile file(m_job.spec.summary);
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(json).toJson(QJsonDocument::Indented)) < 0
            || !file.commit()) {
            printLine(QStringLiteral("error: cannot write %1: %2").arg(m_job.spec.summary, file.errorString()));
            code = cli::ExitUsage;
        }
    }
    if (!m_fatal.isEmpty()) {
        printLine(QStringLiteral("error: %1").arg(m_fatal));
        code = cli::ExitUsage;
    } else if (result.cancelled) {
        printLine(QStringLiteral("interrupted: %1 of %2 indices computed%3")
                      .arg(result.doneCount())
                      .arg(result.taskCount())
                      .arg(m_job.spec.output.isEmpty() ? QString() : QStringLiteral(" (partial results written)")));
        code = m_signal == SIGTERM ? cli::ExitTerminated : cli::ExitInterrupted;
    } else if (failedCount > 0 && code == cli::ExitOk) {
        const qint64 first = result.failedPositions().first();
        printLine(QStringLiteral("warning: %1 of %2 indices failed (see the summary); first, index %3: %4")
                      .arg(failedCount)
                      .arg(result.taskCount())
                      .arg(result.indices.at(first))
                      .arg(result.failureReasons.value(first, QStringLiteral("the kernel failed on this index"))));
        code = cli::ExitPartial;
    }
    ByeMessage bye;
    bye.exitCode = code;
    bye.rankLost = !m_lostRanks.isEmpty();
    for (int r = 0; r < m_layout.ranks; ++r)
        m_comm->send(r, bye);
    emit finished(code);
}

} // namespace sharedmap::mpi
