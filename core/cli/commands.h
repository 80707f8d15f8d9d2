#pragma once

#include <QStringList>

namespace sharedmap::cli {

// One function per command of `sharedmap-cli`, dispatched by cli::main(). Each takes the
// arguments as "sharedmap-cli COMMAND", then the options, and returns the process exit code.

/// `run`: a kernel over the indices of an array with worker processes (runcommand.cpp).
int runCommand(const QStringList& arguments);
/// `kernels [--json] [--plugin PATH]...`: the kernels, their descriptions and parameters.
int kernelsCommand(const QStringList& arguments);
/// `info FILE`: dtype, shape, order, bytes of an input without loading its data.
int infoCommand(const QStringList& arguments);
/// `generate --shape SHAPE --output FILE.npy`: demo data.
int generateCommand(const QStringList& arguments);
/// `cleanup`: the shared memory runs that were killed left behind.
int cleanupCommand(const QStringList& arguments);

} // namespace sharedmap::cli
