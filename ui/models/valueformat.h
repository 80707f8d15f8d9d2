#pragma once

#include "base/dtype.h"

#include <QString>

namespace sharedmap {

/// Compact display text of a number: up to 6 significant digits, "nan", "inf", "-inf".
QString formatValueCompact(double value);

/// Exact text of a float64: the shortest digits that read back to the same double.
QString formatValueFull(double value);

/// Exact text of a float32: the shortest digits that read back to the same float.
QString formatValueFull(float value);

/// Display text of one element stored at `data` with type `dtype`: integers in full, bool as
/// "true"/"false", floats compact (or exact when `full`). Reads through memcpy: no alignment needed.
QString formatElement(DType dtype, const char* data, bool full);

/// The element at `data` as a double (bool as 0 or 1), for tests and numeric consumers.
double elementAsDouble(DType dtype, const char* data);

} // namespace sharedmap
