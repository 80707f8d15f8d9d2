// Small helpers shared by bench_load and bench_scaling (header-only; bench_engine keeps its own).
#pragma once

#include <QString>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <vector>

namespace benchutil {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

inline double nowS()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

/// Median of the non-NaN values (NaN when there are none).
inline double median(std::vector<double> v)
{
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
    if (v.empty())
        return kNaN;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

inline double minOf(const std::vector<double>& v)
{
    double m = kNaN;
    for (double x : v)
        if (!std::isnan(x) && !(x >= m))
            m = x;
    return m;
}

inline double maxOf(const std::vector<double>& v)
{
    double m = kNaN;
    for (double x : v)
        if (!std::isnan(x) && !(x <= m))
            m = x;
    return m;
}

/// One line to stdout, flushed (the tables go to stdout, progress to stderr).
inline void out(const QString& line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

inline QString num(double x, int digits)
{
    return std::isnan(x) ? QStringLiteral("n/a") : QString::number(x, 'f', digits);
}

/// The 1-, 5- and 15-minute load averages as "a b c".
inline QString loadAverage()
{
    double l[3] = { kNaN, kNaN, kNaN };
    if (getloadavg(l, 3) != 3)
        return QStringLiteral("n/a");
    return QStringLiteral("%1 %2 %3").arg(l[0], 0, 'f', 2).arg(l[1], 0, 'f', 2).arg(l[2], 0, 'f', 2);
}

} // namespace benchutil
