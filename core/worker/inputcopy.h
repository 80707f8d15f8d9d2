#pragma once

#include "base/arraymeta.h"
#include "base/arrayview.h"

#include <cstdlib>
#include <memory>
#include <QString>

namespace sharedmap {

/// A worker's private copy of the input (copy mode), received through its stdin.
struct InputCopy
{
    struct Free
    {
        void operator()(char* p) const { std::free(p); }
    };
    std::unique_ptr<char, Free> data;
    ArrayMeta meta;

    ArrayView view() const { return ArrayView::of(meta, data.get()); }
};

/// Copy mode: the pool's first message describes the input (a `data` message), then its bytes
/// follow. Read before the command reader thread starts, so nothing else reads stdin meanwhile.
/// Returns an error text, empty on success.
QString receiveCopy(InputCopy* copy);

} // namespace sharedmap
