#pragma once

#include <QLoggingCategory>

namespace sharedmap {

/// What a worker does (attach, park, commands): `QT_LOGGING_RULES="sharedmap.worker.debug=true"`.
/// A worker's stderr reaches the pool's log, so these lines show up there.
Q_DECLARE_LOGGING_CATEGORY(lcWorker)

} // namespace sharedmap
