#pragma once

#include <QStringList>

namespace sharedmap::cli {

/// `sharedmap-cli jobs [--json]`: the running jobs of this user, as their owners announced them,
/// with their progress read from their segments. Returns the exit code.
int jobsCommand(const QStringList& arguments);

} // namespace sharedmap::cli
