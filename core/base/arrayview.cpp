#include "base/arrayview.h"

namespace sharedmap {

ArrayView ArrayView::of(const ArrayMeta& meta, const char* data)
{
    ArrayView view;
    view.dtype = meta.dtype;
    view.shape = meta.shape;
    view.strides = meta.strides();
    view.fortranOrder = meta.fortranOrder;
    view.data = data;
    return view;
}

qint64 ArrayView::elementCount() const
{
    qint64 count = 1;
    for (qint64 dim : shape)
        count *= dim;
    return count;
}

qint64 ArrayView::rowLength() const
{
    qint64 count = 1;
    for (int d = 1; d < shape.size(); ++d)
        count *= shape[d];
    return count;
}

bool ArrayView::rowsContiguous() const
{
    qint64 expected = dtypeSize(dtype);
    for (int d = shape.size() - 1; d >= 1; --d) {
        if (shape[d] > 1 && strides[d] != expected)
            return false;
        expected *= shape[d];
    }
    return true;
}

} // namespace sharedmap
