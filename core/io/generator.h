#pragma once

#include "base/arraymeta.h"
#include "shm/sharedarray.h"

#include <memory>

namespace sharedmap {

/// How generated demo data is distributed.
enum class Distribution
{
    Uniform,
    Normal,
    Arange
};

/// Parses "uniform", "normal" or "arange"; returns false when unknown.
bool distributionFromName(const QString& name, Distribution* out);

/// Produces elements in C order from one seeded stream, block after block, so a file can be
/// written without holding the whole array. Uniform floats lie in [0, 1), uniform integers in
/// [0, 100), normal values are N(0, 1) cast to the dtype, arange is 0, 1, 2, ... cast.
class Generator
{
public:
    Generator(DType dtype, Distribution distribution, quint64 seed);
    ~Generator();
    /// Writes the next `count` elements to `out` (count * dtypeSize bytes).
    void next(qint64 count, char* out);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// Writes a generated `.npy` file, streaming; returns an error text.
QString generateNpy(const QString& path, const ArrayMeta& meta, Distribution distribution, quint64 seed);

/// Creates a generated array directly in shared memory (the GUI's demo data).
std::shared_ptr<SharedArray> generateArray(const ArrayMeta& meta, Distribution distribution, quint64 seed,
                                           QString* error);

} // namespace sharedmap
