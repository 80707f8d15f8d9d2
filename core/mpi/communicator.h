#pragma once

#include "mpi/messages.h"

#include <memory>
#include <QByteArray>
#include <QString>
#include <QVector>

namespace sharedmap::mpi {

/// Where this rank stands: its node (the ranks that share one copy of the input) and the others.
struct NodeLayout
{
    int rank = 0;
    int ranks = 1;
    int node = 0; ///< 0 .. nodes - 1; node 0 holds rank 0
    int nodes = 1;
    bool leader = true; ///< the node's lowest rank: it loads the input and runs the workers
    int ranksOnNode = 1;
    int leadersOnHost = 1; ///< nodes sharing this machine (several with --mpi-node-split rank)
    QString host;
    QVector<int> leaderRanks; ///< world rank of each node's leader, by node
    bool rootOnHost = true; ///< rank 0 runs on this host (so its pid can be checked)
    qint64 rootPid = 0;
};

/// One message as received: who sent it, its type, its bytes.
struct Envelope
{
    int source = -1;
    Tag tag = Tag::Hello;
    QByteArray bytes;
};

/// The one place sharedmap-mpi calls MPI (only core/mpi includes <mpi.h>, and only this file of
/// it): start and end, the node split, a few collectives at start-up and non-blocking
/// point-to-point messages. Every wait polls and sleeps, since Open MPI's blocking calls spin a
/// core that the node's workers need. Errors are returned (MPI_ERRORS_RETURN), never fatal, so
/// that a lost rank does not take the others with it where the launcher lets them go on.
class Communicator
{
public:
    /// MPI_Init_thread (only the main thread calls MPI). False with `error` set when it fails.
    static bool initialize(int* argc, char*** argv, QString* error);
    /// MPI_Finalize, once; when it does not return within 10 s, the process exits with
    /// `exitCode`.
    static void finalize(int exitCode);
    /// Ends every rank of the run at once with `code` (MPI_Abort).
    static void abort(int code);

    /// Duplicates MPI_COMM_WORLD and learns every rank's pid and host (collective): from then
    /// on, collectives stop waiting when a rank of this host dies.
    Communicator();
    ~Communicator();
    Communicator(const Communicator&) = delete;
    Communicator& operator=(const Communicator&) = delete;

    int rank() const { return m_rank; }
    int size() const { return m_size; }
    /// Every rank's pid, by rank.
    const QVector<qint64>& pids() const { return m_pids; }

    /// Splits the ranks into nodes (collective): ranks of one host form a node
    /// (MPI_COMM_TYPE_SHARED), or each rank is a node of its own when `everyRankANode`.
    NodeLayout splitNodes(bool everyRankANode);
    /// The smallest of every rank's `value` (collective), waiting at most `timeoutS` (0: as
    /// long as it takes).
    int allMin(int value, double timeoutS = 0);
    /// The largest of every rank's `value` (collective).
    int allMax(int value, double timeoutS = 0);
    /// False once a collective could not complete (a rank died, or it timed out): the run
    /// cannot go on together, and error() says why.
    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }

    /// Sends a typed message to `destination` without waiting (the bytes are kept until sent).
    template <typename Message> void send(int destination, const Message& message)
    {
        sendBytes(destination, Message::kTag, message.encode());
    }
    /// Takes the next message that arrived, if any (never waits).
    bool receive(Envelope* envelope);
    /// Completes the sends that can be completed; returns how many are still in flight.
    int progressSends();

private:
    void sendBytes(int destination, Tag tag, QByteArray bytes);
    /// Waits for a non-blocking collective by testing and sleeping (a blocking one would spin
    /// a core), watching the ranks of this host; false with error() set when it gives up.
    bool wait(void* request, double timeoutS);
    int reduce(int value, bool max, double timeoutS);

    struct Private;
    std::unique_ptr<Private> d;
    int m_rank = 0;
    int m_size = 1;
    QVector<qint64> m_pids; ///< by rank
    QVector<qint64> m_hosts; ///< by rank: a hash of the host name
    QString m_error;
};

} // namespace sharedmap::mpi
