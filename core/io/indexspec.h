#pragma once

#include "base/indexlist.h"

#include <QString>

namespace sharedmap {

/// Parses an index spec against an index space of `n`: `all`, a Python slice
/// `START:STOP[:STEP]` with Python's rules, a list `0,1,2`, or `@FILE.npy` (1-D integers).
/// Listed indices must lie in 0 <= i < n. Returns an error text, empty on success.
QString parseIndexSpec(const QString& spec, qint64 n, IndexList* out);

/// Checks the spec's syntax without knowing the index space (for validating a JobSpec early).
QString checkIndexSpecSyntax(const QString& spec);

} // namespace sharedmap
