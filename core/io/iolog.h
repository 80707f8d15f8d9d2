#pragma once

#include <QLoggingCategory>

namespace sharedmap {

/// `sharedmap.io`: what loads do (format, bytes, time), as debug lines. Off unless
/// QT_LOGGING_RULES turns them on, so they never change what a user sees.
Q_DECLARE_LOGGING_CATEGORY(lcIo)

} // namespace sharedmap
