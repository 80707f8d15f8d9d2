#include "engine/logging.h"

namespace sharedmap {

// Debug lines off unless asked for: the CLI's stderr is a contract.
Q_LOGGING_CATEGORY(lcEngine, "sharedmap.engine", QtInfoMsg)

} // namespace sharedmap
