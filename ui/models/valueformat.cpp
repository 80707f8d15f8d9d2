#include "models/valueformat.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace sharedmap {

namespace {

QString nonFiniteText(double value)
{
    if (std::isnan(value))
        return QStringLiteral("nan");
    return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
}

template <typename T> QString shortestText(T value)
{
    if (!std::isfinite(value))
        return nonFiniteText(double(value));
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return QString::fromLatin1(buffer, int(result.ptr - buffer));
}

} // namespace

QString formatValueCompact(double value)
{
    if (!std::isfinite(value))
        return nonFiniteText(value);
    return QString::number(value, 'g', 6);
}

QString formatValueFull(double value)
{
    return shortestText(value);
}

QString formatValueFull(float value)
{
    return shortestText(value);
}

QString formatElement(DType dtype, const char* data, bool full)
{
    if (dtype == DType::Bool)
        return *data ? QStringLiteral("true") : QStringLiteral("false");
    return dispatchDType(dtype, [data, full](auto zero) {
        using T = decltype(zero);
        T value;
        std::memcpy(&value, data, sizeof value);
        if constexpr (std::is_floating_point_v<T>)
            return full ? formatValueFull(value) : formatValueCompact(double(value));
        else
            return QString::number(value);
    });
}

double elementAsDouble(DType dtype, const char* data)
{
    if (dtype == DType::Bool)
        return *data ? 1.0 : 0.0;
    return dispatchDType(dtype, [data](auto zero) {
        decltype(zero) value;
        std::memcpy(&value, data, sizeof value);
        return double(value);
    });
}

} // namespace sharedmap
