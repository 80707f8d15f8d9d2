#include "procstats.h"

#include <QByteArray>
#include <QFile>
#include <QList>

#include <unistd.h>

namespace sharedmap {

namespace {

QByteArray readProcFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return {};
    return file.readAll();
}

qint64 fieldKiB(const QByteArray& text, const char* field)
{
    const int at = text.indexOf(field);
    if (at < 0)
        return 0;
    int pos = at + int(qstrlen(field));
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t'))
        ++pos;
    int end = pos;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9')
        ++end;
    return text.mid(pos, end - pos).toLongLong() * 1024;
}

} // namespace

ProcessStats readProcessStats(qint64 pid, bool withMemory)
{
    ProcessStats stats;
    const QByteArray stat = readProcFile(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.isEmpty())
        return stats;
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const int close = stat.lastIndexOf(')');
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    if (fields.size() > 13) {
        static const long ticks = sysconf(_SC_CLK_TCK);
        const qint64 clock = fields[11].toLongLong() + fields[12].toLongLong();
        stats.cpuTimeNs = clock * (1000000000LL / qMax(1L, ticks));
    }
    stats.valid = true;
    if (withMemory) {
        const QByteArray rollup = readProcFile(QStringLiteral("/proc/%1/smaps_rollup").arg(pid));
        stats.rssBytes = fieldKiB(rollup, "\nRss:");
        stats.pssBytes = fieldKiB(rollup, "\nPss:");
    }
    return stats;
}

qint64 availableMemoryBytes()
{
    return fieldKiB(QByteArray("\n") + readProcFile(QStringLiteral("/proc/meminfo")), "\nMemAvailable:");
}

} // namespace sharedmap
