#pragma once

#include <QString>

namespace sharedmap {

/// The worker executable for this program: `sharedmap-worker` beside it (the build tree's
/// `build/bin`), else where `cmake --install` puts it relative to the program's folder
/// (`../libexec/sharedmap/` from `bin/`), so an installed or extracted prefix works anywhere.
QString defaultWorkerProgram();

} // namespace sharedmap
