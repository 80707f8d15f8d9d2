#pragma once

#include "io/arrayloader.h"

namespace sharedmap {

/// NumPy `.npz` (np.savez, stored; np.savez_compressed, deflated) through libzip: the array is
/// picked by name (the only one by default) and its `.npy` member inflated straight into the
/// segment.
FormatHandler npzFormat();

} // namespace sharedmap
