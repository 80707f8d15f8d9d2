#pragma once

#include "cli/cliapp.h"
#include "cli/progressbar.h"
#include "engine/pool.h"
#include "engine/pythonprobe.h"
#include "job/joboptions.h"
#include "job/jobspec.h"

#include <memory>
#include <QCommandLineOption>
#include <QObject>
#include <QVector>

class QCommandLineParser;

namespace sharedmap {
struct StaleSegment;
}

namespace sharedmap::cli {

/// What `run`'s command line asks for: the job, and how to run it.
struct RunRequest
{
    JobSpec spec;
    QString resumeFrom; ///< `--resume`: the partial results to complete (empty: none)
    bool quiet = false; ///< `--quiet`: no progress bar
};

/// `run`'s options: the job options (JobOptionSet), the input and how to read it
/// (InputOptionSet) and `--quiet`.
class RunOptions
{
public:
    /// Adds them to `parser`, in the order `run --help` lists them.
    void addTo(QCommandLineParser& parser) const;
    /// Reads a parsed command line into `request`: the job file first, the options override it.
    /// Checks the arguments and each option; the job itself is checked once its plugins are
    /// loaded (JobSpec::validate()).
    JobError read(const QCommandLineParser& parser, RunRequest* request) const;

private:
    JobOptionSet m_job;
    InputOptionSet m_input;
    QCommandLineOption m_quiet { QStringLiteral("quiet"), QStringLiteral("No progress bar (errors still print).") };
};

/// `run`'s options as `run` reads them (`arguments` without "sharedmap-cli run"), with no side
/// effect: nothing printed, no plugin loaded, the job not validated. For tests that compare the
/// front ends' parsing.
JobError parseRunArguments(const QStringList& arguments, RunRequest* request);

/// Reads `run`'s command line (`arguments` start with "PROGRAM run") into `request` as
/// `sharedmap-cli run` does: the options (the job file first, the options over it), then the
/// job's plugins loaded, then the job validated. Returns -1 to go on, else the exit code (help
/// printed, or one error line). sharedmap-mpi reads its command line with it too.
int readRunRequest(const QStringList& arguments, RunRequest* request);

/// Reads `run`'s command line (`arguments` start with the program and command, e.g.
/// "sharedmap-cli run") into `request` as `sharedmap-cli run` does: the options, then the job's
/// plugins, then the job itself. Returns -1 to go on, else the exit code (help printed, or one
/// error line). sharedmap-mpi reads its command line with it too.
int readRunRequest(const QStringList& arguments, RunRequest* request);

/// Runs one job with the pool and reports it; owns the signal handling of the run. exec() goes
/// through its steps in order; each returns -1 to go on, else the exit code.
class RunCommand : public QObject
{
public:
    int exec(const QStringList& arguments);

private:
    /// Loads the input (when the kernel reads one) into shared memory or maps it.
    int loadInput();
    /// What can be checked only with the input loaded, before any worker starts.
    int checkBeforeStart();
    /// Probes the job's Python function in a worker process (when it runs one).
    int probePython();
    /// Starts (or resumes) the job in the pool.
    int startJob(const QVector<StaleSegment>& stale);
    void installSignalHandlers();
    void onFinished(const JobResult& result);

    Pool m_pool;
    PythonProbe m_probe;
    PythonProbeResult m_probeResult;
    ProgressBar m_bar;
    RunRequest m_request;
    std::shared_ptr<SharedArray> m_input;
    double m_loadS = 0;
    int m_signal = 0;
    int m_exitCode = ExitOk;
};

} // namespace sharedmap::cli
