#pragma once

namespace sharedmap::cli {

/// The exit codes of `sharedmap-cli` (0, 2, 3, 130 and 143 are what users and scripts rely on).
enum ExitCode
{
    ExitOk = 0,
    ExitFailure = 1, ///< the engine could not run the job (e.g. workers fail to start)
    ExitUsage = 2, ///< bad usage or bad input: one readable line on stderr
    ExitPartial = 3, ///< done, but some indices failed after retries
    ExitInterrupted = 130, ///< SIGINT
    ExitTerminated = 143, ///< SIGTERM
};

/// `sharedmap-cli COMMAND ...`: run, kernels, info, generate. Returns the process exit code.
int main(int argc, char** argv);

} // namespace sharedmap::cli
