#pragma once

#include "base/arraymeta.h"

#include <QVector>

namespace sharedmap {

/// A read-only view of an array's elements, valid while its SharedArray lives.
struct ArrayView
{
    DType dtype = DType::Invalid;
    QVector<qint64> shape;
    QVector<qint64> strides;
    const char* data = nullptr;
    bool fortranOrder = false;

    /// A view of `data` laid out as `meta` says (strides from its memory order).
    static ArrayView of(const ArrayMeta& meta, const char* data);

    int ndim() const { return shape.size(); }
    qint64 elementCount() const;
    /// Elements per row when the array is seen as (shape[0], -1): the product of the trailing dims.
    qint64 rowLength() const;
    /// True when each row's elements are adjacent in memory, in C order.
    bool rowsContiguous() const;
};

} // namespace sharedmap
