#include "base/progressformat.h"

#include <cmath>

namespace sharedmap {

QString formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("?");
    const qint64 total = qint64(seconds);
    const qint64 h = total / 3600, m = (total / 60) % 60, s = total % 60;
    if (h > 0)
        return QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'));
}

QString formatProgressStats(qint64 done, qint64 total, double elapsedS, double rate)
{
    const QString remaining = rate > 0 ? formatDuration(double(total - done) / rate) : QStringLiteral("?");
    QString rateText;
    if (rate <= 0)
        rateText = QStringLiteral("?it/s");
    else if (rate < 1)
        rateText = QStringLiteral("%1s/it").arg(1.0 / rate, 0, 'f', 2);
    else
        rateText = QStringLiteral("%1it/s").arg(rate, 0, 'f', 2);
    return QStringLiteral("%1/%2 [%3<%4, %5]").arg(done).arg(total).arg(formatDuration(elapsedS), remaining, rateText);
}

QString formatProgressLine(qint64 done, qint64 total, double elapsedS, double rate, int barWidth)
{
    const double fraction = total > 0 ? double(done) / double(total) : 1.0;
    // Eighths of a block, as tqdm draws them.
    static const QChar partial[] = { QChar(0x20),   QChar(0x258F), QChar(0x258E), QChar(0x258D),
                                     QChar(0x258C), QChar(0x258B), QChar(0x258A), QChar(0x2589) };
    const int eighths = int(fraction * barWidth * 8);
    QString bar;
    for (int i = 0; i < barWidth; ++i) {
        const int filled = eighths - i * 8;
        bar += filled >= 8 ? QChar(0x2588) : filled > 0 ? partial[filled] : QChar(0x20);
    }
    return QStringLiteral("%1%|%2| %3")
        .arg(int(total > 0 ? done * 100 / total : 100), 3)
        .arg(bar, formatProgressStats(done, total, elapsedS, rate));
}

QString formatBytes(qint64 bytes)
{
    const char* units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double value = double(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    if (unit == 0)
        return QStringLiteral("%1 B").arg(bytes);
    return QStringLiteral("%1 %2").arg(value, 0, 'f', 1).arg(QLatin1String(units[unit]));
}

} // namespace sharedmap
