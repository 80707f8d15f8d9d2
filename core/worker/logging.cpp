#include "worker/logging.h"

namespace sharedmap {

Q_LOGGING_CATEGORY(lcWorker, "sharedmap.worker", QtInfoMsg)

} // namespace sharedmap
