#include "io/indexspec.h"

#include "io/npyloader.h"

#include <limits>
#include <QStringList>
#include <type_traits>

namespace sharedmap {

namespace {

bool parseInteger(const QString& text, qint64* value)
{
    bool ok = false;
    *value = text.trimmed().toLongLong(&ok);
    return ok;
}

/// Python's slice.indices(n) followed by len(range(...)).
QString parseSlice(const QString& spec, qint64 n, IndexList* out)
{
    const QStringList parts = spec.split(QLatin1Char(':'));
    if (parts.size() > 3)
        return QStringLiteral("bad slice '%1': at most START:STOP:STEP").arg(spec);
    qint64 values[3] = { 0, 0, 1 };
    bool given[3] = { false, false, false };
    for (int i = 0; i < parts.size(); ++i) {
        if (parts[i].trimmed().isEmpty())
            continue;
        if (!parseInteger(parts[i], &values[i]))
            return QStringLiteral("bad slice '%1': '%2' is not an integer").arg(spec, parts[i]);
        given[i] = true;
    }
    const qint64 step = given[2] ? values[2] : 1;
    if (step == 0)
        return QStringLiteral("bad slice '%1': step cannot be zero").arg(spec);
    if (step == std::numeric_limits<qint64>::min())
        return QStringLiteral("bad slice '%1': step is out of range").arg(spec);
    auto adjust = [n, step](qint64 value, bool isGiven, qint64 fallback) {
        if (!isGiven)
            return fallback;
        if (value < 0) {
            value = value < -n ? (step < 0 ? -1 : 0) : value + n;
        } else if (value >= n) {
            value = step < 0 ? n - 1 : n;
        }
        return value;
    };
    const qint64 start = adjust(values[0], given[0], step < 0 ? n - 1 : 0);
    const qint64 stop = adjust(values[1], given[1], step < 0 ? -1 : n);
    qint64 count = 0;
    if (step > 0 && stop > start)
        count = (stop - start - 1) / step + 1;
    else if (step < 0 && start > stop)
        count = (start - stop - 1) / (-step) + 1;
    *out = IndexList::range(start, step, count);
    return {};
}

QString parseFile(const QString& path, qint64 n, IndexList* out)
{
    QString error;
    auto array = loadNpy(path, &error);
    if (!array)
        return QStringLiteral("index file %1").arg(error);
    const ArrayMeta& meta = array->meta();
    if (meta.shape.size() != 1)
        return QStringLiteral("index file %1 must hold a 1-D array, not shape %2").arg(path, meta.shapeText());
    if (meta.dtype == DType::Float32 || meta.dtype == DType::Float64 || meta.dtype == DType::Bool)
        return QStringLiteral("index file %1 must hold integers, not %2").arg(path, dtypeName(meta.dtype));
    const ArrayView view = array->view();
    QVector<qint64> indices(meta.shape[0]);
    QString problem;
    dispatchDType(meta.dtype, [&](auto tag) {
        using T = decltype(tag);
        const T* values = reinterpret_cast<const T*>(view.data);
        for (qint64 k = 0; k < indices.size(); ++k) {
            const T value = values[k];
            if constexpr (std::is_same_v<T, quint64>) {
                if (value >= quint64(std::numeric_limits<qint64>::max()))
                    indices[k] = -1;
                else
                    indices[k] = qint64(value);
            } else {
                indices[k] = qint64(value);
            }
        }
    });
    for (qint64 k = 0; k < indices.size(); ++k) {
        if (indices[k] < 0 || indices[k] >= n)
            return QStringLiteral("index file %1: index %2 at position %3 is outside 0..%4")
                .arg(path)
                .arg(indices[k])
                .arg(k)
                .arg(n - 1);
    }
    *out = IndexList::list(std::move(indices));
    return {};
}

QString parseList(const QString& spec, qint64 n, IndexList* out)
{
    const QStringList parts = spec.split(QLatin1Char(','));
    QVector<qint64> indices;
    indices.reserve(parts.size());
    for (const QString& part : parts) {
        qint64 value = 0;
        if (!parseInteger(part, &value))
            return QStringLiteral("bad index '%1' in '%2'").arg(part.trimmed(), spec);
        if (value < 0)
            return QStringLiteral("listed index %1 is negative (a list takes indices 0..n-1; use a slice such as -5: "
                                  "to count from the end)")
                .arg(value);
        if (value >= n)
            return QStringLiteral("index %1 is outside 0..%2").arg(value).arg(n - 1);
        indices.append(value);
    }
    *out = IndexList::list(std::move(indices));
    return {};
}

} // namespace

QString parseIndexSpec(const QString& specText, qint64 n, IndexList* out)
{
    const QString spec = specText.trimmed();
    if (spec.isEmpty() || spec == QLatin1String("all")) {
        *out = IndexList::range(0, 1, qMax<qint64>(n, 0));
        return {};
    }
    if (spec.startsWith(QLatin1Char('@')))
        return parseFile(spec.mid(1), n, out);
    if (spec.contains(QLatin1Char(':')))
        return parseSlice(spec, n, out);
    return parseList(spec, n, out);
}

QString checkIndexSpecSyntax(const QString& specText)
{
    const QString spec = specText.trimmed();
    if (spec.startsWith(QLatin1Char('@'))) {
        if (spec.size() == 1)
            return QStringLiteral("index file name missing after '@'");
        return {};
    }
    IndexList ignored;
    // Syntax and the step check do not depend on n; use the largest space so no list index fails.
    return parseIndexSpec(spec, std::numeric_limits<qint64>::max(), &ignored);
}

} // namespace sharedmap
