// Small helpers shared by the benchmark programs (header-only).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <limits>
#include <QString>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
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

/// CPU time of the whole machine (from /proc/stat) and of this process with its reaped children,
/// to tell how much CPU *other* programs took while a measurement ran (the machines are shared).
struct CpuSnapshot
{
    double t = 0; ///< CLOCK_MONOTONIC seconds
    double busyS = 0; ///< all CPUs: user + nice + system + irq + softirq
    double stealS = 0; ///< time the hypervisor gave our virtual CPUs to someone else
    double ownS = 0; ///< this process + its waited-for children, user + system
};

inline CpuSnapshot cpuSnapshot()
{
    CpuSnapshot s;
    s.t = nowS();
    std::ifstream stat("/proc/stat");
    std::string cpu;
    double v[8] = {};
    stat >> cpu;
    for (double& x : v)
        stat >> x;
    const double tick = double(sysconf(_SC_CLK_TCK));
    s.busyS = (v[0] + v[1] + v[2] + v[5] + v[6]) / tick;
    s.stealS = v[7] / tick;
    auto seconds = [](const timeval& tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
    rusage self {}, children {};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    s.ownS = seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) + seconds(children.ru_stime);
    return s;
}

/// Cores' worth of CPU that other programs used between two snapshots (never below 0), and of
/// steal time. Children count only once reaped: take `b` after they exited.
struct CpuUse
{
    double othersCores = kNaN;
    double stealCores = kNaN;
};

inline CpuUse cpuUse(const CpuSnapshot& a, const CpuSnapshot& b)
{
    CpuUse u;
    const double dt = b.t - a.t;
    if (dt <= 0)
        return u;
    u.othersCores = std::max(0.0, ((b.busyS - a.busyS) - (b.ownS - a.ownS)) / dt);
    u.stealCores = std::max(0.0, (b.stealS - a.stealS) / dt);
    return u;
}

/// Waits (at most `maxWaitS`) until other programs use less than `maxOthersCores` over a 0.5 s
/// window. Returns the seconds waited.
inline double waitForQuiet(double maxOthersCores, double maxWaitS)
{
    const double t0 = nowS();
    while (true) {
        const CpuSnapshot a = cpuSnapshot();
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        const CpuUse u = cpuUse(a, cpuSnapshot());
        if (!(u.othersCores >= maxOthersCores) || nowS() - t0 >= maxWaitS)
            return nowS() - t0;
    }
}

} // namespace benchutil
