#pragma once

#include "base/dtype.h"

#include <QString>
#include <QVector>

namespace sharedmap {

/// NumPy's limit on the number of dimensions, and ours.
constexpr int kMaxDims = 32;

/// Describes an n-dimensional array: element type, shape, memory order and source byte order.
struct ArrayMeta
{
    DType dtype = DType::Invalid;
    QVector<qint64> shape;
    bool fortranOrder = false;
    /// Byte order of the file the array came from; data in memory is always native.
    bool sourceBigEndian = false;

    /// Number of elements (1 for a 0-d array); -1 when it overflows 64 bits.
    qint64 elementCount() const;
    /// Bytes of data; -1 when it overflows 64 bits.
    qint64 byteSize() const;
    /// Strides in bytes for the memory order.
    QVector<qint64> strides() const;
    /// "(3, 4)" as NumPy prints shapes.
    QString shapeText() const;
    /// "C" or "F".
    QString orderText() const { return fortranOrder ? QStringLiteral("F") : QStringLiteral("C"); }
};

/// Parses "1000x1000" (or "1000,1000") into a shape; returns an error text on failure.
QString parseShape(const QString& text, QVector<qint64>* shape);

} // namespace sharedmap
