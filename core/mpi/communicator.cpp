#include "mpi/communicator.h"

#include <list>
#include <mpi.h>
#include <QThread>
#include <unistd.h>

namespace sharedmap::mpi {

namespace {
/// Waits for a non-blocking collective by testing and sleeping: a blocking one would spin.
void waitFor(MPI_Request* request)
{
    int done = 0;
    while (MPI_Test(request, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done)
        ::usleep(500);
}

int reduce(MPI_Comm comm, int value, MPI_Op op)
{
    int result = value;
    MPI_Request request;
    if (MPI_Iallreduce(&value, &result, 1, MPI_INT, op, comm, &request) != MPI_SUCCESS)
        return value;
    waitFor(&request);
    return result;
}
} // namespace

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
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        *error = QStringLiteral("MPI_Init_thread failed: start sharedmap-mpi with mpirun");
        return false;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    return true;
}

void Communicator::finalize()
{
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized)
        MPI_Finalize();
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
        waitFor(&request);
        return leaders;
    }());

    // Leaders number the nodes in the order of their world ranks (rank 0's node is node 0).
    QVector<int> isLeader(m_size, 0);
    int mine = layout.leader ? 1 : 0;
    MPI_Request request;
    MPI_Iallgather(&mine, 1, MPI_INT, isLeader.data(), 1, MPI_INT, d->world, &request);
    waitFor(&request);
    for (int r = 0; r < m_size; ++r) {
        if (isLeader[r])
            layout.leaderRanks.append(r);
    }
    layout.nodes = layout.leaderRanks.size();
    // Every rank learns its node from its leader.
    int leaderRank = layout.leader ? m_rank : -1;
    MPI_Ibcast(&leaderRank, 1, MPI_INT, 0, node, &request);
    waitFor(&request);
    layout.node = int(layout.leaderRanks.indexOf(leaderRank));
    // Every rank can watch rank 0: by its pid when on the same host.
    int rootHere = m_rank == 0 ? 1 : 0;
    int rootOnHost = 0;
    MPI_Iallreduce(&rootHere, &rootOnHost, 1, MPI_INT, MPI_MAX, host, &request);
    waitFor(&request);
    layout.rootOnHost = rootOnHost != 0;
    long long rootPid = ::getpid();
    MPI_Ibcast(&rootPid, 1, MPI_LONG_LONG, 0, d->world, &request);
    waitFor(&request);
    layout.rootPid = rootPid;
    MPI_Comm_free(&node);
    MPI_Comm_free(&host);
    return layout;
}

int Communicator::allMin(int value)
{
    return reduce(d->world, value, MPI_MIN);
}

int Communicator::allMax(int value)
{
    return reduce(d->world, value, MPI_MAX);
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
