#pragma once

#include "job/jobspec.h"

namespace sharedmap::cli {

/// Exit codes of DESIGN §5.
enum ExitCode
{
    ExitOk = 0,
    ExitFailure = 1, ///< the engine could not run the job (e.g. workers fail to start)
    ExitUsage = 2, ///< bad usage or bad input: one readable line on stderr
    ExitPartial = 3, ///< done, but some indices failed after retries
    ExitInterrupted = 130, ///< SIGINT
    ExitTerminated = 143, ///< SIGTERM
};

/// What `run`'s command line asks for: the job, and how to run it.
struct RunRequest
{
    JobSpec spec;
    QString resumeFrom; ///< `--resume`: the partial results to complete (empty: none)
    bool quiet = false; ///< `--quiet`: no progress bar
};

/// Reads `run`'s options (`arguments` start with the program and command, e.g. "sharedmap-cli
/// run") into `request` as `sharedmap-cli run` does: the job file first, options over it, the
/// job's plugins loaded, the job validated. Returns -1 to go on, else the exit code (help
/// printed, or one error line). sharedmap-mpi reads its command line with it too.
int readRunRequest(const QStringList& arguments, RunRequest* request);

/// `sharedmap-cli COMMAND ...`: run, kernels, info, generate. Returns the process exit code.
int main(int argc, char** argv);

} // namespace sharedmap::cli
