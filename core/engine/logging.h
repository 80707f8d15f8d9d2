#pragma once

#include <QLoggingCategory>

namespace sharedmap {

/// What the pool does (jobs, workers launched and lost, retries, state changes):
/// `QT_LOGGING_RULES="sharedmap.engine.debug=true"` shows it on stderr.
Q_DECLARE_LOGGING_CATEGORY(lcEngine)

} // namespace sharedmap
