#include "mpi/mpiapp.h"

#include "base/procstats.h"
#include "base/signalwatcher.h"
#include "base/version.h"
#include "cli/cliapp.h"
#include "cli/runcommand.h"
#include "engine/cleanup.h"
#include "engine/pythonprobe.h"
#include "io/arrayloader.h"
#include "io/npyloader.h"
#include "job/resultwriter.h"
#include "kernels/kernel.h"
#include "mpi/communicator.h"
#include "mpi/coordinator.h"
#include "mpi/mpilog.h"
#include "mpi/nodeleader.h"

#include <climits>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>
#include <sys/socket.h>
#include <unistd.h>

namespace sharedmap::mpi {

Q_LOGGING_CATEGORY(lcMpi, "sharedmap.mpi", QtInfoMsg)

void printLine(const QString& text)
{
    std::fprintf(stderr, "sharedmap-mpi: %s\n", text.simplified().toUtf8().constData());
    std::fflush(stderr);
}

double rankTimeoutS()
{
    bool ok = false;
    const double value = qEnvironmentVariable("SHAREDMAP_MPI_TIMEOUT").toDouble(&ok);
    return ok && value > 0 ? value : 30.0;
}

qint64 clockNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

namespace {

const char kUsage[] = "Usage: mpirun [MPIRUN OPTIONS] sharedmap-mpi run [OPTIONS]\n"
                      "\n"
                      "Runs a sharedmap-cli job on every node of an MPI run: each node holds the input once in\n"
                      "its shared memory and runs its own workers; rank 0 hands out the chunks, gathers the\n"
                      "results, draws the progress bar and writes --output (as it goes) and --summary.\n"
                      "\n"
                      "Commands:\n"
                      "  run        every option of 'sharedmap-cli run', and:\n"
                      "    --mpi-node-split host|rank   ranks of one host form a node (host, the default),\n"
                      "                                 or every rank is a node of its own (rank)\n"
                      "\n"
                      "Run 'sharedmap-mpi run --help' for the options of run.\n";

const char kMpiHelp[] = "\n"
                        "MPI options:\n"
                        "  --mpi-node-split <host|rank>  Ranks of one host form a node (host, the default)\n"
                        "                                or every rank is a node of its own (rank).\n"
                        "  --workers N                   is per node (default: the host's cores over its\n"
                        "                                nodes).\n";

constexpr int kPollMs = 1; ///< leaders: how often messages and the pool's statuses are looked at
constexpr int kIdlePollMs = 10; ///< other ranks: they only wait for the end
constexpr qint64 kFlushNs = 2000000000; ///< how long a rank that ends waits for its sends to go
constexpr qint64 kAwaitByeNs = 900000000; ///< mpirun's SIGKILL comes about 1 s after its SIGTERM

/// `--mpi-node-split VALUE` (or `=VALUE`) taken out of the arguments; "host" when not given.
QString takeNodeSplit(QStringList* arguments, QString* error)
{
    QString split = QStringLiteral("host");
    const QString name = QStringLiteral("--mpi-node-split");
    for (int i = 0; i < arguments->size();) {
        const QString& argument = arguments->at(i);
        if (argument == name) {
            if (i + 1 >= arguments->size()) {
                *error = QStringLiteral("--mpi-node-split needs a value: host or rank");
                return split;
            }
            split = arguments->at(i + 1);
            arguments->remove(i, 2);
        } else if (argument.startsWith(name + QLatin1Char('='))) {
            split = argument.mid(name.size() + 1);
            arguments->removeAt(i);
        } else {
            ++i;
        }
    }
    if (split != QLatin1String("host") && split != QLatin1String("rank"))
        *error = QStringLiteral("--mpi-node-split must be host or rank, not '%1'").arg(split);
    return split;
}

/// Sends what a command wrote on stderr to a file instead while it lives, so that ranks other
/// than rank 0 stay quiet unless theirs is the error the run reports.
class CapturedStderr
{
public:
    CapturedStderr()
    {
        std::fflush(stderr);
        m_file = std::tmpfile();
        m_saved = ::dup(STDERR_FILENO);
        if (m_file && m_saved >= 0)
            ::dup2(::fileno(m_file), STDERR_FILENO);
    }
    ~CapturedStderr() { release(); }
    /// Restores stderr and returns what was written.
    QByteArray release()
    {
        QByteArray text;
        if (m_saved < 0)
            return text;
        std::fflush(stderr);
        ::dup2(m_saved, STDERR_FILENO);
        ::close(m_saved);
        m_saved = -1;
        if (m_file) {
            std::rewind(m_file);
            char buffer[4096];
            size_t n = 0;
            while ((n = std::fread(buffer, 1, sizeof buffer, m_file)) > 0)
                text.append(buffer, qsizetype(n));
            std::fclose(m_file);
            m_file = nullptr;
        }
        return text;
    }

private:
    std::FILE* m_file = nullptr;
    int m_saved = -1;
};

/// Turns SIGCONT into a Qt signal. mpirun sends it to every rank a second before it sends
/// SIGTERM when it aborts a run (a rank was lost, or mpirun itself was interrupted): the first
/// moment rank 0 can put its results on disk.
class ContinueWatcher : public QObject
{
    Q_OBJECT
public:
    explicit ContinueWatcher(QObject* parent = nullptr)
        : QObject(parent)
    {
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s_pipe) != 0)
            return;
        struct sigaction action = {};
        action.sa_handler = [](int) {
            const char byte = 1;
            [[maybe_unused]] const ssize_t n = ::write(s_pipe[1], &byte, 1);
        };
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(SIGCONT, &action, nullptr);
        auto* notifier = new QSocketNotifier(s_pipe[0], QSocketNotifier::Read, this);
        connect(notifier, &QSocketNotifier::activated, this, [this] {
            char byte = 0;
            if (::read(s_pipe[0], &byte, 1) == 1)
                emit continued();
        });
    }

signals:
    void continued();

private:
    static inline int s_pipe[2] = { -1, -1 };
};

/// Every rank agrees on how start-up went: the lowest rank that failed prints its error (once
/// for the run, not once per rank) and every rank returns its exit code; -1 when all went well.
int agree(Communicator& comm, int code, const QString& error, double timeoutS)
{
    const int first = comm.allMin(code >= 0 ? comm.rank() : INT_MAX, timeoutS);
    if (!comm.ok())
        return cli::ExitUsage;
    if (first == INT_MAX)
        return -1;
    if (comm.rank() == first && !error.isEmpty())
        printLine(QStringLiteral("error: %1").arg(error));
    return comm.allMax(comm.rank() == first ? code : -1, rankTimeoutS());
}

/// The ranks cannot go on together (one died during start-up): this one leaves as it can.
int startupFailed(const Communicator& comm)
{
    printLine(QStringLiteral("error: rank %1: start-up failed: %2").arg(comm.rank()).arg(comm.error()));
    return -(cli::ExitUsage + 1);
}

/// One rank's run: its node's pool when it leads a node, rank 0's coordinator, the poll loop.
class RankRun : public QObject
{
    Q_OBJECT
public:
    RankRun(Communicator* comm, const NodeLayout& layout)
        : m_comm(comm)
        , m_layout(layout)
    {
        m_lastFromRootNs = clockNs();
    }

    void startLeader(const JobSpec& spec, std::shared_ptr<const SharedArray> input, const PythonProbeResult* probe,
                     QString* error)
    {
        m_leader = std::make_unique<NodeLeader>(m_comm, m_layout);
        if (!m_leader->start(spec, std::move(input), probe, error))
            m_leader.reset();
        else
            connect(m_leader.get(), &NodeLeader::done, this, [this] {
                if (m_stopping)
                    awaitBye();
            });
    }

    void startCoordinator(CoordinatedJob job)
    {
        m_coordinator = std::make_unique<Coordinator>(m_comm, m_layout, std::move(job));
        auto* watcher = new ContinueWatcher(this);
        connect(watcher, &ContinueWatcher::continued, m_coordinator.get(), [this] {
            qCDebug(lcMpi) << "rank 0 got SIGCONT: writing the results so far";
            m_coordinator->writeNow();
        });
    }

    int exec()
    {
        auto* watcher = new SignalWatcher(this);
        connect(watcher, &SignalWatcher::received, this, &RankRun::onSignal);
        connect(&m_poll, &QTimer::timeout, this, &RankRun::poll);
        m_poll.setTimerType(Qt::PreciseTimer);
        m_poll.start(m_layout.leader ? kPollMs : kIdlePollMs);
        return QCoreApplication::exec();
    }

    /// Whether the rank ends normally (every rank said goodbye): then MPI_Finalize is safe.
    bool endsTogether() const { return m_bye; }

private:
    void poll()
    {
        Envelope envelope;
        for (int i = 0; i < 256 && m_comm->receive(&envelope); ++i)
            dispatch(envelope);
        m_comm->progressSends();
        if (m_leader)
            m_leader->tick();
        watchRoot();
        if (m_awaitingSinceNs > 0 && (m_rootGone || clockNs() - m_awaitingSinceNs > kAwaitByeNs))
            leave(m_stopCode);
        if (m_leaving && (m_comm->progressSends() == 0 || clockNs() - m_leavingSinceNs > kFlushNs))
            QCoreApplication::exit(m_exitCode);
    }

    void dispatch(const Envelope& envelope)
    {
        if (envelope.source == 0)
            m_lastFromRootNs = clockNs();
        bool handled = false;
        if (envelope.tag == Tag::Bye) {
            ByeMessage bye;
            handled = ByeMessage::decode(envelope.bytes, &bye);
            m_bye = !bye.rankLost;
            leave(m_layout.rank == 0 ? bye.exitCode : m_stopping ? m_stopCode : 0);
        } else if (envelope.tag == Tag::Heartbeat && envelope.source == 0) {
            handled = true;
        } else if (m_coordinator && m_coordinator->handle(envelope)) {
            handled = true;
        } else if (m_leader && envelope.source == 0) {
            handled = m_leader->handle(envelope);
        }
        if (!handled)
            qCDebug(lcMpi) << "rank" << m_layout.rank << "ignored message" << int(envelope.tag) << "from"
                           << envelope.source;
    }

    void onSignal(int signal)
    {
        qCDebug(lcMpi) << "rank" << m_layout.rank << "got signal" << signal;
        if (m_coordinator) {
            m_coordinator->interrupt(signal); // ends the run: a Bye comes to every rank
            return;
        }
        stop(128 + signal);
    }

    /// This rank stops on its own (a signal, rank 0 gone): its node's workers stop and what
    /// they finished goes to rank 0 first.
    void stop(int code)
    {
        if (m_stopping)
            return;
        m_stopping = true;
        m_stopCode = code;
        if (m_leader && !m_leader->isDone())
            m_leader->cancel(); // awaitBye() follows the leader's done()
        else
            awaitBye();
    }

    /// Stopped on its own, this rank still waits a moment for rank 0's goodbye: when mpirun
    /// aborts a run, it kills the ranks still running as soon as one ends, and rank 0 needs
    /// that moment to gather what the nodes sent and write it.
    void awaitBye()
    {
        if (m_layout.rank == 0)
            leave(m_stopCode);
        else if (m_awaitingSinceNs == 0)
            m_awaitingSinceNs = clockNs(); // poll() leaves when the goodbye or the deadline comes
    }

    void watchRoot()
    {
        if (m_layout.rank == 0 || m_rootGone || m_leaving)
            return;
        const qint64 now = clockNs();
        if (now - m_lastRootCheckNs < 200000000)
            return;
        m_lastRootCheckNs = now;
        const bool gone = m_layout.rootOnHost ? !processRunning(m_layout.rootPid)
                                              : now - m_lastFromRootNs > qint64(rankTimeoutS() * 1e9);
        if (!gone)
            return;
        m_rootGone = true;
        if (m_stopping)
            return;
        if (m_layout.leader)
            printLine(QStringLiteral("rank 0 is gone: node %1 stops").arg(m_layout.node));
        stop(cli::ExitUsage);
    }

    void leave(int code)
    {
        if (m_leaving)
            return;
        m_leaving = true;
        m_exitCode = code;
        m_leavingSinceNs = clockNs();
    }

    Communicator* m_comm;
    NodeLayout m_layout;
    std::unique_ptr<NodeLeader> m_leader;
    std::unique_ptr<Coordinator> m_coordinator;
    QTimer m_poll;
    qint64 m_lastFromRootNs = 0;
    qint64 m_lastRootCheckNs = 0;
    bool m_stopping = false;
    int m_stopCode = 0;
    qint64 m_awaitingSinceNs = 0; ///< stopped on its own: since when it waits for rank 0's goodbye
    bool m_rootGone = false;
    bool m_leaving = false;
    bool m_bye = false;
    qint64 m_leavingSinceNs = 0;
    int m_exitCode = 0;
};

/// Reads the command line on every rank: rank 0 first (it alone prints help or the error),
/// the others only when rank 0 found it good. Returns -1 to go on, else the exit code.
int readCommandLine(Communicator& comm, const QStringList& arguments, cli::RunRequest* request)
{
    int code = -1;
    if (comm.rank() == 0)
        code = cli::readRunRequest(arguments, request);
    code = comm.allMax(comm.rank() == 0 ? code : -1, rankTimeoutS());
    if (!comm.ok() || code >= 0)
        return code;
    QString error;
    if (comm.rank() != 0) {
        CapturedStderr capture;
        code = cli::readRunRequest(arguments, request);
        error = QString::fromLocal8Bit(capture.release()).trimmed();
        error.remove(QRegularExpression(QStringLiteral("^sharedmap-mpi: error: ")));
    }
    return agree(comm, code, error, rankTimeoutS());
}

/// What rank 0 checks before any work: the job fits sharedmap-mpi and its output, and the
/// partial results of --resume fit the job.
QString checkOnRoot(const cli::RunRequest& request, const JobPlan& plan, ResultValues* previous)
{
    if (plan.accumulatorCells > 0)
        return QStringLiteral("kernel %1 adds into one accumulator shared by its workers, which sharedmap-mpi does "
                              "not gather across nodes: run it with sharedmap-cli")
            .arg(request.spec.kernel);
    if (resultFormatRestrictsShape(request.spec.output)) {
        const QString error = checkResultFormat(request.spec.output, plan.resultShape, false);
        if (!error.isEmpty())
            return error;
    }
    if (request.resumeFrom.isEmpty())
        return {};
    QString error;
    auto partial = loadNpy(request.resumeFrom, &error);
    if (!partial)
        return error;
    if (partial->meta().dtype != DType::Float64 || partial->meta().fortranOrder)
        return QStringLiteral("%1: partial results must be a C-order float64 array as `run --output` writes")
            .arg(request.resumeFrom);
    const qint64 expected = plan.indices.size() * plan.resultWidth;
    if (partial->meta().elementCount() != expected)
        return QStringLiteral("the partial results hold %1 values, but this job has %2 positions of %3 value(s): "
                              "resume with the same kernel, input and indices")
            .arg(partial->meta().elementCount())
            .arg(plan.indices.size())
            .arg(plan.resultWidth);
    *previous = ResultValues(partial);
    return {};
}

/// A leader's Python probe (the job runs a Python function): the function is checked and its
/// first positions computed in a worker process of this node before any worker starts, as
/// `sharedmap-cli run` does. Every leader probes for itself rather than rank 0 once for all:
/// each node's Pool needs the probe's result for its own job segment, and it proves that the
/// file, the interpreter and NumPy work on that node (a node without them fails at start-up,
/// exit 2, not half way through). Returns -1 to go on, else the exit code with `error` set.
int probePython(const JobSpec& spec, const SharedArray* input, JobPlan* plan, PythonProbeResult* result, QString* error)
{
    PythonProbe probe;
    probe.probeJob(spec, input, plan->indices);
    *result = probe.waitForResult();
    if (!result->ok) {
        *error = result->error;
        return cli::ExitUsage;
    }
    if (result->halted()) {
        // sharedmap-cli stops such a job after the probe (exit 3); here no node would get work.
        *error = QStringLiteral("%1 raised for the first %2 positions (%3): the job stops there")
                     .arg(spec.python.label())
                     .arg(result->calls.size())
                     .arg(result->calls.isEmpty() ? QString() : result->calls.first().reason);
        return cli::ExitPartial;
    }
    // The probe fixed every result's shape: rank 0 gathers and writes by it.
    plan->resultShape = result->resultShape;
    plan->resultWidth = 1;
    for (qint64 extent : plan->resultShape)
        plan->resultWidth *= extent;
    return -1;
}

int runCommand(Communicator& comm, const QStringList& arguments, const QString& nodeSplit)
{
    cli::RunRequest request;
    if (const int code = readCommandLine(comm, arguments, &request); !comm.ok())
        return startupFailed(comm);
    else if (code >= 0)
        return code;
    const NodeLayout layout = comm.splitNodes(nodeSplit == QLatin1String("rank"));
    if (!comm.ok())
        return startupFailed(comm);
    if (request.spec.workers <= 0) // per node: the host's cores shared by the nodes on it
        request.spec.workers = qMax(1, QThread::idealThreadCount() / layout.leadersOnHost);

    // Each node leader loads (or maps) the input once into its host's shared memory.
    int code = -1;
    QString error;
    std::shared_ptr<SharedArray> input;
    JobPlan plan;
    PythonProbeResult probe;
    double loadS = 0;
    QVector<StaleSegment> stale;
    if (layout.leader) {
        stale = cleanUpStaleRuns();
        if (request.spec.needsInput()) { // as sharedmap-cli decides it (a Python function always reads one)
            QElapsedTimer clock;
            clock.start();
            input = loadArray(request.spec.input, request.spec.inputOptions, &error);
            loadS = double(clock.nsecsElapsed()) / 1e9;
            if (!input)
                code = cli::ExitUsage;
        }
        if (code < 0) {
            error = planJob(request.spec, input ? &input->meta() : nullptr, &plan).message;
            if (!error.isEmpty())
                code = cli::ExitUsage;
        }
        if (code < 0 && request.spec.python.isSet()) {
            code = probePython(request.spec, input.get(), &plan, &probe, &error);
            if (code < 0 && comm.rank() == 0) // what the file printed, once for the run
                for (const QString& line : probe.output.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
                    std::fprintf(stderr, "[worker probe] %s\n", qPrintable(line));
        }
    }
    ResultValues previous;
    if (comm.rank() == 0 && code < 0) {
        error = checkOnRoot(request, plan, &previous);
        if (!error.isEmpty())
            code = cli::ExitUsage;
    }
    // No time limit: loading may take long on some node; a rank of this host that dies meanwhile
    // is still noticed.
    if (const int agreed = agree(comm, code, error, 0); !comm.ok())
        return startupFailed(comm);
    else if (agreed >= 0)
        return agreed;
    for (const StaleSegment& segment : stale)
        printLine(QStringLiteral("removed %1 left by a killed run (pid %2)").arg(segment.name).arg(segment.ownerPid));

    RankRun run(&comm, layout);
    if (layout.rank == 0) {
        CoordinatedJob job;
        job.spec = request.spec;
        job.plan = plan;
        if (input) {
            job.inputMeta = input->meta();
            job.inputPath = input->sourcePath().isEmpty() ? request.spec.input : input->sourcePath();
        }
        job.previous = previous;
        job.quiet = request.quiet;
        job.nodeSplit = nodeSplit;
        job.loadS = loadS;
        run.startCoordinator(job);
    }
    if (layout.leader) {
        run.startLeader(request.spec, input, request.spec.python.isSet() ? &probe : nullptr, &error);
        if (!error.isEmpty()) {
            printLine(QStringLiteral("error: node %1: %2").arg(layout.node).arg(error));
            return cli::ExitUsage; // mpirun ends the other ranks
        }
    }
    input.reset(); // the pool holds it as long as the job needs it
    code = run.exec();
    if (layout.leader) {
        // Segments of ranks lost on this host are gone with this run, not at the next start.
        for (const StaleSegment& segment : cleanUpStaleRuns()) {
            const int rank = int(comm.pids().indexOf(segment.ownerPid));
            printLine(rank >= 0 ? QStringLiteral("removed %1 left by lost rank %2 (pid %3)")
                                      .arg(segment.name)
                                      .arg(rank)
                                      .arg(segment.ownerPid)
                                : QStringLiteral("removed %1 left by a killed run (pid %2)")
                                      .arg(segment.name)
                                      .arg(segment.ownerPid));
        }
    }
    return run.endsTogether() ? code : -(code + 1);
}

} // namespace

int main(int argc, char** argv)
{
    // MPI first: it may consume options of its own; Qt then sees the rest.
    QString error;
    if (!Communicator::initialize(&argc, &argv, &error)) {
        printLine(QStringLiteral("error: %1").arg(error));
        return cli::ExitUsage;
    }
    int code = cli::ExitOk;
    bool together = true;
    {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("sharedmap-mpi"));
        QCoreApplication::setApplicationVersion(QStringLiteral(SHAREDMAP_VERSION));
        Communicator comm;
        if (!comm.ok()) {
            printLine(QStringLiteral("error: %1").arg(comm.error()));
            return cli::ExitUsage; // without MPI_Finalize: the others may never reach it
        }
        QStringList arguments = QCoreApplication::arguments();
        const QString command = arguments.value(1);
        const bool root = comm.rank() == 0;
        if (arguments.size() < 2 || command == QLatin1String("-h") || command == QLatin1String("--help")
            || command == QLatin1String("help")) {
            if (root)
                std::fputs(kUsage, arguments.size() < 2 ? stderr : stdout);
            code = arguments.size() < 2 ? cli::ExitUsage : cli::ExitOk;
        } else if (command == QLatin1String("--version")) {
            if (root)
                std::printf("sharedmap-mpi %s\n", SHAREDMAP_VERSION);
        } else if (command != QLatin1String("run")) {
            if (root)
                printLine(QStringLiteral("error: unknown command '%1' (commands: run)").arg(command));
            code = cli::ExitUsage;
        } else {
            arguments[0] = QStringLiteral("sharedmap-mpi run"); // how run's help names it
            arguments.removeAt(1);
            const QString split = takeNodeSplit(&arguments, &error);
            if (!error.isEmpty()) {
                if (root)
                    printLine(QStringLiteral("error: %1").arg(error));
                code = cli::ExitUsage;
            } else {
                const bool help
                    = arguments.contains(QStringLiteral("--help")) || arguments.contains(QStringLiteral("-h"));
                code = runCommand(comm, arguments, split);
                if (help && root && code == cli::ExitOk)
                    std::fputs(kMpiHelp, stdout);
                if (code < 0) { // the rank stopped on its own: the others may never finalize with it
                    together = false;
                    code = -code - 1;
                }
            }
        }
        std::fflush(stdout);
    }
    if (together)
        Communicator::finalize(code);
    return code;
}

} // namespace sharedmap::mpi

#include "mpiapp.moc"
