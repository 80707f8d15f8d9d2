#pragma once

// Helpers shared by the files that define built-in kernels (not part of core's public API).

#include "kernel.h"

#include <deque>
#include <vector>

namespace sharedmap {

/// Index space of row kernels: the first axis.
QString rowsCount(const ArrayMeta& input, const QVariantMap& params, qint64* count);

/// Copies row `index` of `view` (seen as (shape[0], -1)) into `out` as doubles, in C order:
/// one dtype switch per row, typed loops inside.
void readRow(const ArrayView& view, qint64 index, double* out);

/// Kernels that write whole rows or images: row_normalize, row_cumsum, blur, mandelbrot.
void addArrayKernels(std::deque<KernelDef>* kernels);
/// Teaching demos: race_increment, histogram, monte_carlo_pi.
void addTeachingKernels(std::deque<KernelDef>* kernels);

} // namespace sharedmap
