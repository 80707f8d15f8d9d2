#include "mpi/nodeleader.h"

#include "mpi/mpilog.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <QCoreApplication>
#include <QJsonArray>

namespace sharedmap::mpi {

namespace {
constexpr qint64 kHeartbeatNs = 500000000; ///< a leader silent this long says it is alive
constexpr int kScanBlock = 4096; ///< statuses read per call while looking for a range's end
/// Ranges are claimed in the order they were fed: past this many untouched ones in a row, the
/// scan for finished ranges stops (a node may hold thousands of tiny ranges).
constexpr int kScanAhead = 64;
constexpr qint64 kMaxQueued = 8192; ///< ranges a node keeps queued at most
constexpr qint64 kMeasureEveryNs = 10000000;
} // namespace

NodeLeader::NodeLeader(Communicator* comm, const NodeLayout& layout, QObject* parent)
    : QObject(parent)
    , m_comm(comm)
    , m_layout(layout)
{
    connect(&m_pool, &Pool::finished, this, &NodeLeader::onFinished);
    connect(&m_pool, &Pool::failed, this, &NodeLeader::onFailed);
    // What workers print (a Python function's print(), its tracebacks), by node and worker, as
    // sharedmap-cli prints it by worker; mpirun forwards every rank's stderr.
    connect(&m_pool, &Pool::workerOutput, this, [this](int slot, const QString& line) {
        std::fprintf(stderr, "[node %d worker %d] %s\n", m_layout.node, slot, line.toUtf8().constData());
    });
    connect(&m_pool, &Pool::logMessage, this,
            [this](const QString& message) { qCDebug(lcMpi) << "node" << m_layout.node << message; });
}

template <typename Message> void NodeLeader::sendToRoot(const Message& message)
{
    m_comm->send(0, message);
    m_lastSentNs = clockNs();
}

bool NodeLeader::start(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const PythonProbeResult* probe,
                       QString* error)
{
    m_pool.setFed(true);
    const quint64 id
        = probe ? m_pool.start(spec, std::move(input), *probe, error) : m_pool.start(spec, std::move(input), error);
    if (id == 0)
        return false;
    m_running = true;
    m_workers = qMax(1, m_pool.currentJob().workers);
    HelloMessage hello;
    hello.node = m_layout.node;
    hello.ranksOnNode = m_layout.ranksOnNode;
    hello.pid = QCoreApplication::applicationPid();
    hello.workers = int(qMin<qint64>(m_workers, qMax<qint64>(1, m_pool.currentJob().taskCount())));
    hello.tasks = m_pool.currentJob().taskCount();
    hello.resultWidth = m_pool.currentJob().resultWidth;
    hello.host = m_layout.host;
    sendToRoot(hello);
    qCDebug(lcMpi) << "node" << m_layout.node << "started" << m_workers << "workers";
    return true;
}

bool NodeLeader::handle(const Envelope& envelope)
{
    switch (envelope.tag) {
    case Tag::Grant: {
        GrantMessage grant;
        if (!GrantMessage::decode(envelope.bytes, &grant))
            return false;
        if (m_waitingGrant) {
            const double rtt = double(clockNs() - m_requestSentNs);
            m_roundTripNs = m_roundTripNs > 0 ? 0.8 * m_roundTripNs + 0.2 * rtt : rtt;
        }
        m_waitingGrant = false;
        m_starved = grant.ranges.isEmpty();
        for (const PositionRange& range : grant.ranges)
            m_rangeSize = m_rangeSize > 0 ? 0.8 * m_rangeSize + 0.2 * double(range.size()) : double(range.size());
        feed(grant.ranges);
        return true;
    }
    case Tag::End:
        m_ended = true;
        if (m_running)
            m_pool.endFeed();
        return true;
    case Tag::Stop:
        cancel();
        return true;
    default:
        return false;
    }
}

void NodeLeader::feed(const QVector<PositionRange>& ranges)
{
    if (!m_running)
        return;
    for (const PositionRange& range : ranges) {
        m_held.push_back({ range, range.begin });
        m_pool.feed(range.begin, range.end);
    }
}

void NodeLeader::cancel()
{
    m_ended = true;
    if (m_running)
        m_pool.cancel();
}

void NodeLeader::tick()
{
    if (!m_running)
        return;
    sendFinished(false);
    measureTaskTime();
    // Keep enough ranges queued that a worker finishing one finds the next at once: what the
    // workers use up in four average round trips through rank 0 (at least one range each; the
    // margin covers the slow ones: measured, one round trip's worth left the worker idle a third
    // of the time at chunk 1) is the low mark; below it the node asks for enough to reach twice
    // that, so the round trip stays off the workers' path however small the ranges.
    qint64 perWorker = 1;
    if (m_roundTripNs > 0 && m_perTaskNs > 0 && m_rangeSize > 0)
        perWorker = qint64(std::ceil(m_roundTripNs / qMax(100.0, m_perTaskNs * m_rangeSize)));
    const qint64 low = qBound<qint64>(m_workers, 4 * perWorker * m_workers, kMaxQueued / 2);
    const qint64 queued = m_pool.unclaimedRanges();
    if (!m_ended && !m_waitingGrant && !m_starved && queued < low) {
        RequestMessage request;
        request.wanted = int(2 * low - queued);
        request.perTaskNs = qint64(m_perTaskNs);
        sendToRoot(request);
        ++m_requests;
        m_waitingGrant = true;
        m_requestSentNs = m_lastSentNs;
    }
    if (clockNs() - m_lastSentNs > kHeartbeatNs)
        sendToRoot(HeartbeatMessage());
}

void NodeLeader::measureTaskTime()
{
    // Time per task per worker over the last stretch, from the workers' own busy time and task
    // counts: what the next automatic chunk is sized by, and a range's duration.
    const qint64 now = clockNs();
    if (now - m_lastMeasureNs < kMeasureEveryNs)
        return;
    m_lastMeasureNs = now;
    qint64 busy = 0, tasks = 0;
    for (const WorkerInfo& info : m_pool.workers()) {
        busy += qint64(info.busyS * 1e9);
        tasks += info.tasksDone;
    }
    if (tasks > m_measuredTasks && busy > m_measuredBusyNs) {
        const double perTask = double(busy - m_measuredBusyNs) / double(tasks - m_measuredTasks);
        m_perTaskNs = m_perTaskNs > 0 ? 0.7 * m_perTaskNs + 0.3 * perTask : perTask;
    }
    m_measuredBusyNs = busy;
    m_measuredTasks = tasks;
}

void NodeLeader::sendFinished(bool everything)
{
    quint8 status[kScanBlock];
    QVector<PositionRange> finished;
    int untouched = 0; ///< ranges in a row that no worker has begun: the ones after them neither
    for (auto it = m_held.begin(); it != m_held.end();) {
        Held& held = *it;
        if (!everything && untouched >= kScanAhead)
            break;
        // Statuses only move from Pending to Done or Failed: resume the scan where it stopped.
        while (held.cursor < held.range.end) {
            const qint64 n = m_pool.readResults(held.cursor, qMin<qint64>(kScanBlock, held.range.end - held.cursor),
                                                nullptr, status);
            qint64 i = 0;
            while (i < n && status[i] != Pending)
                ++i;
            held.cursor += i;
            if (i < n || n == 0)
                break;
        }
        if (held.cursor < held.range.end && !everything) {
            untouched = held.cursor == held.range.begin ? untouched + 1 : 0;
            ++it;
            continue;
        }
        untouched = 0;
        finished.append(held.range);
        it = m_held.erase(it);
    }
    // Neighbouring ranges go in one message: with small chunks, far fewer messages.
    std::sort(finished.begin(), finished.end(),
              [](const PositionRange& a, const PositionRange& b) { return a.begin < b.begin; });
    for (int i = 0; i < finished.size();) {
        PositionRange run = finished[i++];
        while (i < finished.size() && finished[i].begin == run.end)
            run.end = finished[i++].end;
        sendResults(run, nullptr);
    }
}

void NodeLeader::sendResults(const PositionRange& range, const JobResult* finished)
{
    ResultsMessage message;
    message.begin = range.begin;
    const qint64 count = range.size();
    if (finished) {
        message.width = finished->resultWidth;
        message.status = finished->status.mid(range.begin, count);
        message.values = QVector<double>(finished->values.begin() + range.begin * message.width,
                                         finished->values.begin() + range.end * message.width);
    } else {
        message.width = m_pool.currentJob().resultWidth;
        message.status.resize(count);
        message.values.resize(count * message.width);
        m_pool.readResults(range.begin, count, message.values.data(), reinterpret_cast<quint8*>(message.status.data()));
    }
    sendToRoot(message);
    ++m_resultMessages;
}

void NodeLeader::onFinished(const JobResult& result)
{
    m_running = false;
    // Whatever the pool finished (all of it, or the part a cancel left) goes to rank 0.
    for (const Held& held : m_held)
        sendResults(held.range, &result);
    m_held.clear();
    QJsonArray workers;
    for (const WorkerInfo& info : result.workerStats) {
        workers.append(QJsonObject { { QStringLiteral("slot"), info.slot },
                                     { QStringLiteral("pid"), info.pid },
                                     { QStringLiteral("tasks_done"), info.tasksDone },
                                     { QStringLiteral("chunks_done"), info.chunksDone },
                                     { QStringLiteral("restarts"), info.restarts },
                                     { QStringLiteral("busy_s"), info.busyS },
                                     { QStringLiteral("rss_bytes"), info.rssBytes },
                                     { QStringLiteral("pss_bytes"), info.pssBytes } });
    }
    QJsonArray failures;
    for (auto it = result.failureReasons.cbegin(); it != result.failureReasons.cend(); ++it) {
        if (it.key() < result.status.size() && quint8(result.status[it.key()]) == Failed)
            failures.append(
                QJsonObject { { QStringLiteral("position"), it.key() }, { QStringLiteral("reason"), it.value() } });
    }
    FinalMessage final;
    final.report = QJsonObject { { QStringLiteral("workers"), workers },
                                 { QStringLiteral("failures"), failures },
                                 { QStringLiteral("retried_chunks"), result.retriedChunks },
                                 { QStringLiteral("peak_memory_bytes"), result.peakMemoryBytes },
                                 { QStringLiteral("startup_s"), result.startupS },
                                 { QStringLiteral("elapsed_s"), result.elapsedS },
                                 { QStringLiteral("cancelled"), result.cancelled },
                                 { QStringLiteral("requests"), m_requests },
                                 { QStringLiteral("result_messages"), m_resultMessages },
                                 { QStringLiteral("round_trip_ms"), m_roundTripNs / 1e6 } };
    sendToRoot(final);
    m_done = true;
    qCDebug(lcMpi) << "node" << m_layout.node << "finished: " << result.doneCount() << "positions done here";
    emit done();
}

void NodeLeader::onFailed(const QString& error)
{
    m_running = false;
    m_held.clear(); // rank 0 gives the node's ranges to the others
    FinalMessage final;
    final.report = QJsonObject { { QStringLiteral("error"), error } };
    sendToRoot(final);
    m_done = true;
    emit done();
}

} // namespace sharedmap::mpi
