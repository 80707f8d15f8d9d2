// `sharedmap-cli run`: the command line read into a JobSpec (through the option sets every front
// end shares), the job's plugins loaded, the input loaded, the job run by the pool with the
// progress bar, and the results and summary written.

#include "cli/runcommand.h"

#include "base/signalwatcher.h"
#include "cli/clicommon.h"
#include "cli/commands.h"
#include "engine/cleanup.h"
#include "io/npyloader.h"
#include "job/jobplan.h"
#include "job/resultwriter.h"
#include "kernels/kernel.h"

#include <csignal>
#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSaveFile>

namespace sharedmap::cli {

void RunOptions::addTo(QCommandLineParser& parser) const
{
    // The order `run --help` has always listed them in: --input after --job, --quiet before
    // --plugin, then how to read the input.
    QList<QCommandLineOption> options = m_job.options();
    options.insert(1, m_input.input);
    options.insert(options.size() - 1, m_quiet);
    parser.addOptions(options);
    m_input.addTo(parser);
}

JobError RunOptions::read(const QCommandLineParser& parser, RunRequest* request) const
{
    if (!parser.positionalArguments().isEmpty())
        return { JobError::Field::Arguments,
                 QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()) };
    JobSpec& spec = request->spec;
    JobError error = m_job.readJobFile(parser, &spec);
    if (error)
        return error;
    if (parser.isSet(m_input.input))
        spec.input = parser.value(m_input.input);
    error = m_input.read(parser, &spec.inputOptions);
    if (error)
        return error;
    // A one-shot run maps a .npy in place when it can (no load, a faster first pass), unless
    // --load says otherwise.
    spec.inputOptions.preferMap = !parser.isSet(m_input.load) && !spec.inputOptions.map;
    error = m_job.readOptions(parser, &spec);
    if (error)
        return error;
    request->quiet = parser.isSet(m_quiet);
    request->resumeFrom = m_job.resumeFrom(parser);
    return {};
}

JobError parseRunArguments(const QStringList& arguments, RunRequest* request)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    RunOptions options;
    options.addTo(parser);
    if (!parser.parse(QStringList { QStringLiteral("sharedmap-cli run") } + arguments))
        return { JobError::Field::Arguments, parser.errorText() };
    return options.read(parser, request);
}

int runCommand(const QStringList& arguments)
{
    RunCommand run;
    return run.exec(arguments);
}

int readRunRequest(const QStringList& arguments, RunRequest* request)
{
    QCommandLineParser parser;
    const RunOptions options;
    options.addTo(parser);
    if (const int code = parseCommand(
            parser, arguments, QStringLiteral("Run a kernel over indices of an array held once in shared memory."));
        code >= 0)
        return code;
    JobError error = options.read(parser, request);
    if (error)
        return usageError(error.message);
    // Loading the job's plugins is a step of its own: validation only looks kernels up.
    if (const int code = loadPlugins(request->spec.plugins); code >= 0)
        return code;
    error = request->spec.validate();
    if (error)
        return usageError(error.message);
    const JobSpec& spec = request->spec;
    qCDebug(lcCli, "run: kernel %s, input %s, indices %s, %d workers, chunk size %lld, mode %s",
            qPrintable(spec.kernel), qPrintable(spec.input), qPrintable(spec.indices), spec.effectiveWorkers(),
            spec.chunkSize, qPrintable(spec.mode));
    return -1;
}

int RunCommand::exec(const QStringList& arguments)
{
    if (const int code = readRunRequest(arguments, &m_request); code >= 0)
        return code;
    m_bar.setEnabled(!m_request.quiet);
    installSignalHandlers();
    // Shared memory of runs that were killed is found and removed at the next start (before this
    // run allocates); it is reported once the job has started, so that an error exit still
    // prints exactly one line.
    const QVector<StaleSegment> stale = cleanUpStaleRuns();
    if (const int code = loadInput(); code >= 0)
        return code;
    if (m_request.spec.python.isSet()) {
        if (const int code = probePython(); code >= 0)
            return code;
    }
    if (const int code = checkBeforeStart(); code >= 0)
        return code;
    if (m_signal)
        return m_signal == SIGINT ? ExitInterrupted : ExitTerminated;
    if (const int code = startJob(stale); code >= 0)
        return code;
    return QCoreApplication::exec();
}

int RunCommand::loadInput()
{
    if (!m_request.spec.needsInput())
        return -1;
    QElapsedTimer clock;
    clock.start();
    QString error;
    m_input = loadArray(m_request.spec.input, m_request.spec.inputOptions, &error);
    if (!m_input)
        return usageError(error);
    m_loadS = double(clock.nsecsElapsed()) / 1e9;
    qCDebug(lcCli, "run: input %s ready in %.3f s", qPrintable(m_request.spec.input), m_loadS);
    return -1;
}

int RunCommand::checkBeforeStart()
{
    const JobSpec& spec = m_request.spec;
    if (resultFormatRestrictsShape(spec.output)) {
        // The output format must fit the results before any work is done (e.g. PNG needs rows);
        // only such formats pay for planning the job here as well as in the pool.
        JobPlan plan;
        QString error = planJob(spec, m_input ? &m_input->meta() : nullptr, &plan).message;
        if (spec.python.isSet())
            plan.resultShape = m_probeResult.resultShape;
        if (error.isEmpty())
            error = checkResultFormat(spec.output, plan.resultShape, plan.accumulatorCells > 0);
        if (!error.isEmpty())
            return usageError(error);
    }
    return -1;
}

int RunCommand::startJob(const QVector<StaleSegment>& stale)
{
    QObject::connect(&m_pool, &Pool::progressChanged, this,
                     [this](qint64 done, qint64 total, double rate) { m_bar.update(done, total, rate); });
    QObject::connect(&m_pool, &Pool::finished, this, [this](const JobResult& result) { onFinished(result); });
    // What workers print (a Python function's print(), its tracebacks) goes to stderr, by worker.
    QObject::connect(&m_pool, &Pool::workerOutput, this, [this](int slot, const QString& line) {
        m_bar.printLine(QStringLiteral("[worker %1] %2").arg(slot).arg(line));
    });
    QObject::connect(&m_pool, &Pool::failed, this, [this](const QString& error) {
        printError(error);
        m_exitCode = ExitFailure;
        QCoreApplication::exit(m_exitCode);
    });
    const QString& resumeFrom = m_request.resumeFrom;
    QString error;
    ResultValues previous;
    if (!resumeFrom.isEmpty()) {
        auto partial = loadNpy(resumeFrom, &error);
        if (!partial)
            return usageError(error);
        if (partial->meta().dtype != DType::Float64 || partial->meta().fortranOrder)
            return usageError(
                QStringLiteral("%1: partial results must be a C-order float64 array as `run --output` writes")
                    .arg(resumeFrom));
        previous = ResultValues(partial);
    }
    quint64 id = 0;
    if (m_request.spec.python.isSet())
        id = resumeFrom.isEmpty() ? m_pool.start(m_request.spec, m_input, m_probeResult, &error)
                                  : m_pool.resume(m_request.spec, m_input, previous, m_probeResult, &error);
    else
        id = resumeFrom.isEmpty() ? m_pool.start(m_request.spec, m_input, &error)
                                  : m_pool.resume(m_request.spec, m_input, previous, &error);
    if (id == 0)
        return usageError(error);
    qCDebug(lcCli, "run: job %llu started, %lld tasks", id, m_pool.progress().total);
    for (const StaleSegment& segment : stale)
        std::fprintf(stderr, "sharedmap-cli: removed %s left by a killed run (pid %lld)\n", qPrintable(segment.name),
                     qint64(segment.ownerPid));
    m_bar.update(0, m_pool.progress().total, 0, true);
    return -1;
}

int RunCommand::probePython()
{
    // The function is checked (and its first positions computed) in a worker process before
    // any job worker starts: a refused file is exit 2 with one line; a crash there is too.
    const JobSpec& spec = m_request.spec;
    JobPlan plan;
    const QString error = planJob(spec, m_input ? &m_input->meta() : nullptr, &plan).message;
    if (!error.isEmpty())
        return usageError(error);
    // The job's workers start meanwhile (the interpreter and NumPy, none of the file): the
    // probe's time and theirs overlap instead of adding up.
    if (spec.mode != QLatin1String("copy"))
        m_pool.prestart(int(qMin<qint64>(spec.effectiveWorkers(), plan.indices.size())), true);
    m_probe.probeJob(spec, m_input.get(), plan.indices);
    m_probeResult = m_probe.waitForResult();
    if (m_signal)
        return m_signal == SIGINT ? ExitInterrupted : ExitTerminated;
    if (!m_probeResult.ok)
        return usageError(m_probeResult.error);
    // What the file and the probed positions printed, as the job's workers' output is shown.
    for (const QString& line : m_probeResult.output.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        m_bar.printLine(QStringLiteral("[worker probe] %1").arg(line));
    if (m_probeResult.halted())
        std::fprintf(stderr, "sharedmap-cli: warning: %s raised for the first %lld positions: the job stops there\n",
                     qPrintable(spec.python.label()), qint64(m_probeResult.calls.size()));
    return -1;
}

void RunCommand::installSignalHandlers()
{
    auto* watcher = new SignalWatcher(this);
    connect(watcher, &SignalWatcher::received, this, [this](int signal) {
        if (m_signal == 0)
            m_signal = signal;
        m_probe.cancel();
        m_pool.cancel();
    });
}

void RunCommand::onFinished(const JobResult& finished)
{
    JobResult result = finished;
    result.loadS = m_loadS;
    const qint64 failedCount = result.failedPositions().size();
    m_bar.finish(result.doneCount() + failedCount, result.taskCount(), m_pool.progress().rate);
    m_exitCode = ExitOk;
    if (!m_request.spec.output.isEmpty()) {
        const QString error = writeResults(result, m_request.spec.output);
        if (!error.isEmpty()) {
            printError(error);
            m_exitCode = ExitFailure;
        }
    }
    if (!m_request.spec.summary.isEmpty()) {
        QSaveFile file(m_request.spec.summary);
        if (!file.open(QIODevice::WriteOnly)
            || file.write(QJsonDocument(result.summaryJson()).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
            printError(QStringLiteral("cannot write %1: %2").arg(m_request.spec.summary, file.errorString()));
            m_exitCode = ExitFailure;
        }
    }
    if (result.figures.contains(QStringLiteral("expected_counter"))) {
        // The race demo's lesson, in one line.
        const qint64 counter = result.figures.value(QStringLiteral("counter")).toLongLong();
        const qint64 expected = result.figures.value(QStringLiteral("expected_counter")).toLongLong();
        std::fprintf(stderr, "sharedmap-cli: counter = %lld, expected %lld: %s\n", counter, expected,
                     counter < expected ? qPrintable(QStringLiteral("%1 updates lost").arg(expected - counter))
                                        : "no update lost");
    }
    if (result.cancelled) {
        std::fprintf(stderr, "sharedmap-cli: interrupted: %lld of %lld indices computed%s\n",
                     qint64(result.doneCount()), qint64(result.taskCount()),
                     m_request.spec.output.isEmpty() ? "" : " (partial results written)");
        m_exitCode = m_signal == SIGTERM ? ExitTerminated : ExitInterrupted;
    } else if (failedCount > 0 && m_exitCode == ExitOk) {
        const qint64 first = result.failedPositions().first();
        std::fprintf(stderr,
                     "sharedmap-cli: warning: %lld of %lld indices failed (see the summary); "
                     "first, index %lld: %s\n",
                     qint64(failedCount), qint64(result.taskCount()), qint64(result.indices.at(first)),
                     result.failureReasons.value(first).simplified().toUtf8().constData());
        m_exitCode = ExitPartial;
    }
    QCoreApplication::exit(m_exitCode);
}

} // namespace sharedmap::cli
