#pragma once

// Helpers shared by the files that define built-in kernels (not part of core's public API).

#include "kernels/kernel.h"

#include <algorithm>
#include <deque>
#include <QVarLengthArray>
#include <vector>

namespace sharedmap {

/// Index space of row kernels: the first axis.
QString rowsCount(const ArrayMeta& input, const QVariantMap& params, qint64* count);

/// Copies row `index` of `view` (seen as (shape[0], -1)) into `out` element by element in C
/// order, converting each element from T to Out: the walk for rows that are not contiguous
/// (Fortran order), shared by the row reductions and readRow().
template <typename T, typename Out> void gatherRow(const ArrayView& view, qint64 index, Out* out)
{
    const qint64 length = view.rowLength();
    const char* base = view.data + index * view.strides[0];
    const int ndim = view.ndim();
    QVarLengthArray<qint64, kMaxDims> counter(ndim);
    std::fill(counter.begin(), counter.end(), 0);
    qint64 offset = 0;
    for (qint64 k = 0; k < length; ++k) {
        out[k] = Out(*reinterpret_cast<const T*>(base + offset));
        for (int d = ndim - 1; d >= 1; --d) {
            offset += view.strides[d];
            if (++counter[d] < view.shape[d])
                break;
            offset -= view.strides[d] * view.shape[d];
            counter[d] = 0;
        }
    }
}

/// Copies row `index` of `view` (seen as (shape[0], -1)) into `out` as doubles, in C order:
/// one dtype switch per row, typed loops inside.
void readRow(const ArrayView& view, qint64 index, double* out);

/// The contract kernels: diag and the row reductions (row_sum, row_mean, ...).
void addRowKernels(std::deque<KernelDef>* kernels);
/// Test only (SHAREDMAP_TEST_KERNELS): test_fault, which crashes, hangs or fails on chosen indices.
void addTestKernels(std::deque<KernelDef>* kernels);
/// Kernels that write whole rows or images: row_normalize, row_cumsum, blur, mandelbrot.
void addArrayKernels(std::deque<KernelDef>* kernels);
/// Teaching demos: race_increment, histogram, monte_carlo_pi.
void addTeachingKernels(std::deque<KernelDef>* kernels);

} // namespace sharedmap
