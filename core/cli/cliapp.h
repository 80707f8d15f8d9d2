#pragma once

namespace sharedmap::cli {

/// Exit codes of DESIGN §5.
enum ExitCode
{
    ExitOk = 0,
    /// The environment failed the job (workers cannot start, an output cannot be written): a
    /// bad environment is answered like bad input, one line and exit 2 — never 1.
    ExitFailure = 2,
    ExitUsage = 2, ///< bad usage or bad input: one readable line on stderr
    ExitPartial = 3, ///< done, but some indices failed after retries
    ExitInterrupted = 130, ///< SIGINT
    ExitTerminated = 143, ///< SIGTERM
};

/// `sharedmap-cli COMMAND ...`: run, kernels, info, generate. Returns the process exit code.
int main(int argc, char** argv);

} // namespace sharedmap::cli
