#include "base/arraymeta.h"

#include <QRegularExpression>
#include <QStringList>

namespace sharedmap {

qint64 ArrayMeta::elementCount() const
{
    qint64 count = 1;
    for (qint64 dim : shape) {
        if (dim < 0 || __builtin_mul_overflow(count, dim, &count))
            return -1;
    }
    return count;
}

qint64 ArrayMeta::byteSize() const
{
    const qint64 count = elementCount();
    qint64 bytes = 0;
    if (count < 0 || __builtin_mul_overflow(count, qint64(dtypeSize(dtype)), &bytes))
        return -1;
    return bytes;
}

QVector<qint64> ArrayMeta::strides() const
{
    const int ndim = shape.size();
    QVector<qint64> result(ndim);
    qint64 step = dtypeSize(dtype);
    if (fortranOrder) {
        for (int d = 0; d < ndim; ++d) {
            result[d] = step;
            step *= qMax<qint64>(shape[d], 1);
        }
    } else {
        for (int d = ndim - 1; d >= 0; --d) {
            result[d] = step;
            step *= qMax<qint64>(shape[d], 1);
        }
    }
    return result;
}

QString ArrayMeta::shapeText() const
{
    QStringList parts;
    for (qint64 dim : shape)
        parts << QString::number(dim);
    if (parts.size() == 1)
        return QStringLiteral("(%1,)").arg(parts.first());
    return QStringLiteral("(%1)").arg(parts.join(QStringLiteral(", ")));
}

QString parseShape(const QString& text, QVector<qint64>* shape)
{
    shape->clear();
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return QStringLiteral("empty shape");
    const QStringList parts = trimmed.split(QRegularExpression(QStringLiteral("[x,×]")));
    if (parts.size() > kMaxDims)
        return QStringLiteral("shape has %1 dimensions; at most %2 are supported").arg(parts.size()).arg(kMaxDims);
    for (const QString& part : parts) {
        bool ok = false;
        const qint64 dim = part.trimmed().toLongLong(&ok);
        if (!ok || dim < 0)
            return QStringLiteral("bad dimension '%1' in shape '%2'").arg(part, text);
        shape->append(dim);
    }
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = *shape;
    if (meta.byteSize() < 0)
        return QStringLiteral("shape '%1' is too large (its size overflows 64 bits)").arg(text);
    return {};
}

} // namespace sharedmap
