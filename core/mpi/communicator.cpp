#include "mpi/communicator.h"

#include "base/procstats.h"
#include "mpi/mpilog.h"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <list>
#include <mpi.h>
#include <mutex>
#include <QHash>
#include <thread>
#include <unistd.h>

namespace sharedmap::mpi {

struct Communicator::Private
{
    MPI_Comm world = MPI_COMM_NULL; ///< a duplicate of MPI_COMM_WORLD: our messages only
    struct Pending
    {
        MPI_Request request;
        QByteArray bytes; ///< must live until the send completes
    };
    std::list<Pending> pending;
};

bool Communicator::initialize(int* argc, char*** argv, QString* error)
{
    // A rank lost while MPI starts leaves the others inside MPI_Init for ever when mpirun lets
    // the run go on (--enable-recovery): they give up after the rank timeout instead.
    std::mutex mutex;
    std::condition_variable initialised;
    bool done = false;
    std::thread watchdog([&] {
        std::unique_lock<std::mutex> lock(mutex);
        // Generous: MPI_Init itself may take a while on a large cluster.
        const double limitS = 4 * rankTimeoutS();
        if (!initialised.wait_for(lock, std::chrono::milliseconds(qint64(limitS * 1000)), [&] { return done; })) {
            printLine(QStringLiteral("error: MPI did not start within %1 s (a rank lost while starting?)").arg(limitS));
            std::_Exit(2);
        }
    });
    int provided = 0;
    const int status = MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    {
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
    }
    initialised.notify_all();
    watchdog.join();
    if (status != MPI_SUCCESS) {
        *error = QStringLiteral("MPI_Init_thread failed: start sharedmap-mpi with mpirun");
        return false;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    return true;
}

void Communicator::finalize(int exitCode)
{
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized)
        return;
    // MPI_Finalize waits for every rank: should one be gone unnoticed, leave all the same.
    std::mutex mutex;
    std::condition_variable over;
    bool done = false;
    std::thread watchdog([&] {
        std::unique_lock<std::mutex> lock(mutex);
        if (!over.wait_for(lock, std::chrono::seconds(10), [&] { return done; }))
            std::_Exit(exitCode);
    });
    MPI_Finalize();
    {
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
    }
    over.notify_all();
    watchdog.join();
}

void Communicator::abort(int code)
{
    MPI_Abort(MPI_COMM_WORLD, code);
}

Communicator::Communicator()
    : d(std::make_unique<Private>())
{
    MPI_Comm_dup(MPI_COMM_WORLD, &d->world);
    MPI_Comm_set_errhandler(d->world, MPI_ERRORS_RETURN);
    MPI_Comm_rank(d->world, &m_rank);
    MPI_Comm_size(d->world, &m_size);
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(name, &length);
    const long long mine[2] = { ::getpid(), qint64(qHash(QByteArray(name, length))) };
    QVector<long long> all(2 * m_size, 0);
    MPI_Request request;
    if (MPI_Iallgather(mine, 2, MPI_LONG_LONG, all.data(), 2, MPI_LONG_LONG, d->world, &request) != MPI_SUCCESS
        || !wait(&request, rankTimeoutS())) {
        if (m_error.isEmpty())
            m_error = QStringLiteral("the ranks could not exchange their pids");
        return;
    }
    for (int r = 0; r < m_size; ++r) {
        m_pids.append(all[2 * r]);
        m_hosts.append(all[2 * r + 1]);
    }
}

bool Communicator::wait(void* opaque, double timeoutS)
{
    auto* request = static_cast<MPI_Request*>(opaque);
    if (!m_error.isEmpty())
        return false;
    const qint64 started = clockNs();
    qint64 lastCheck = started;
    for (;;) {
        int done = 0;
        if (MPI_Test(request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
            m_error = QStringLiteral("an MPI collective failed");
            return false;
        }
        if (done)
            return true;
        ::usleep(500);
        const qint64 now = clockNs();
        if (now - lastCheck < 100000000)
            continue;
        lastCheck = now;
        // A rank of this host that died never joins: say so rather than wait for ever (where
        // mpirun lets the others go on). Ranks elsewhere are covered by the timeout, if any.
        for (int r = 0; r < m_pids.size(); ++r) {
            if (r != m_rank && m_hosts[r] == m_hosts[m_rank] && !processRunning(m_pids[r])) {
                m_error = QStringLiteral("rank %1 (pid %2) is gone").arg(r).arg(m_pids[r]);
                return false;
            }
        }
        if (timeoutS > 0 && double(now - started) / 1e9 > timeoutS) {
            m_error = QStringLiteral("not every rank answered within %1 s").arg(timeoutS);
            return false;
        }
    }
}

int Communicator::reduce(int value, bool max, double timeoutS)
{
    int result = value;
    MPI_Request request;
    if (MPI_Iallreduce(&value, &result, 1, MPI_INT, max ? MPI_MAX : MPI_MIN, d->world, &request) != MPI_SUCCESS
        || !wait(&request, timeoutS)) {
        if (m_error.isEmpty())
            m_error = QStringLiteral("an MPI collective failed");
        return value;
    }
    return result;
}

Communicator::~Communicator()
{
    // Sends still in flight (to a rank that is gone) are abandoned with their bytes.
    for (Private::Pending& p : d->pending)
        MPI_Request_free(&p.request);
    d->pending.clear();
    // d->world is left to MPI_Finalize: freeing it is collective, and a lost rank never joins.
}

NodeLayout Communicator::splitNodes(bool everyRankANode)
{
    NodeLayout layout;
    layout.rank = m_rank;
    layout.ranks = m_size;
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(name, &length);
    layout.host = QString::fromLocal8Bit(name, length);

    MPI_Comm host = MPI_COMM_NULL;
    MPI_Comm_split_type(d->world, MPI_COMM_TYPE_SHARED, m_rank, MPI_INFO_NULL, &host);
    MPI_Comm node = MPI_COMM_NULL;
    if (everyRankANode)
        MPI_Comm_split(d->world, m_rank, 0, &node);
    else
        MPI_Comm_dup(host, &node);
    int nodeRank = 0;
    MPI_Comm_rank(node, &nodeRank);
    MPI_Comm_size(node, &layout.ranksOnNode);
    layout.leader = nodeRank == 0;
    layout.leadersOnHost = qMax(1, [&] {
        int leaders = 0;
        int mine = layout.leader ? 1 : 0;
        MPI_Request request;
        MPI_Iallreduce(&mine, &leaders, 1, MPI_INT, MPI_SUM, host, &request);
        wait(&request, rankTimeoutS());
        return leaders;
    }());

    // Leaders number the nodes in the order of their world ranks (rank 0's node is node 0).
    QVector<int> isLeader(m_size, 0);
    int mine = layout.leader ? 1 : 0;
    MPI_Request request;
    MPI_Iallgather(&mine, 1, MPI_INT, isLeader.data(), 1, MPI_INT, d->world, &request);
    wait(&request, rankTimeoutS());
    for (int r = 0; r < m_size; ++r) {
        if (isLeader[r])
            layout.leaderRanks.append(r);
    }
    layout.nodes = layout.leaderRanks.size();
    // Every rank learns its node from its leader.
    int leaderRank = layout.leader ? m_rank : -1;
    MPI_Ibcast(&leaderRank, 1, MPI_INT, 0, node, &request);
    wait(&request, rankTimeoutS());
    layout.node = int(layout.leaderRanks.indexOf(leaderRank));
    // Every rank can watch rank 0: by its pid when on the same host.
    int rootHere = m_rank == 0 ? 1 : 0;
    int rootOnHost = 0;
    MPI_Iallreduce(&rootHere, &rootOnHost, 1, MPI_INT, MPI_MAX, host, &request);
    wait(&request, rankTimeoutS());
    layout.rootOnHost = rootOnHost != 0;
    long long rootPid = ::getpid();
    MPI_Ibcast(&rootPid, 1, MPI_LONG_LONG, 0, d->world, &request);
    wait(&request, rankTimeoutS());
    layout.rootPid = rootPid;
    MPI_Comm_free(&node);
    MPI_Comm_free(&host);
    return layout;
}

int Communicator::allMin(int value, double timeoutS)
{
    return reduce(value, false, timeoutS);
}

int Communicator::allMax(int value, double timeoutS)
{
    return reduce(value, true, timeoutS);
}

void Communicator::sendBytes(int destination, Tag tag, QByteArray bytes)
{
    d->pending.push_back({ MPI_REQUEST_NULL, std::move(bytes) });
    Private::Pending& p = d->pending.back();
    if (MPI_Isend(p.bytes.constData(), int(p.bytes.size()), MPI_BYTE, destination, int(tag), d->world, &p.request)
        != MPI_SUCCESS)
        d->pending.pop_back(); // the destination is gone: nothing will ever read it
}

bool Communicator::receive(Envelope* envelope)
{
    int flag = 0;
    MPI_Status status;
    if (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, d->world, &flag, &status) != MPI_SUCCESS || !flag)
        return false;
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    envelope->source = status.MPI_SOURCE;
    envelope->tag = Tag(status.MPI_TAG);
    envelope->bytes.resize(count);
    MPI_Recv(envelope->bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, d->world, MPI_STATUS_IGNORE);
    return true;
}

int Communicator::progressSends()
{
    for (auto it = d->pending.begin(); it != d->pending.end();) {
        int done = 0;
        if (MPI_Test(&it->request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS || done)
            it = d->pending.erase(it);
        else
            ++it;
    }
    return int(d->pending.size());
}

} // namespace sharedmap::mpi
