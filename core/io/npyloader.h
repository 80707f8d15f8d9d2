#pragma once

#include "shm/sharedarray.h"

#include <atomic>
#include <memory>

namespace sharedmap {

/// Reads a `.npy` file straight into a new array segment: no intermediate buffer. Big-endian
/// data is swapped in place. `cancel` (optional) stops a long load.
std::shared_ptr<SharedArray> loadNpy(const QString& path, QString* error, const SharedArray::Progress& progress = {},
                                     const std::atomic_bool* cancel = nullptr);

} // namespace sharedmap
