#include "base/procstats.h"

#include <limits>
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
        stats.pssShmemBytes = fieldKiB(rollup, "\nPss_Shmem:");
    }
    return stats;
}

namespace {

/// The System V segments of the machine, from /proc/sysvipc/shm: one row per segment with the
/// columns asked for (looked up by header name; -1 where the kernel lacks one, e.g. rss).
QVector<QVector<qint64>> sysvSegments(const QList<QByteArray>& columns)
{
    QVector<QVector<qint64>> rows;
    const QList<QByteArray> lines = readProcFile(QStringLiteral("/proc/sysvipc/shm")).split('\n');
    if (lines.isEmpty())
        return rows;
    const QList<QByteArray> header = lines.first().simplified().split(' ');
    QVector<int> at;
    for (const QByteArray& column : columns)
        at.append(header.indexOf(column));
    for (int i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines[i].simplified().split(' ');
        if (fields.size() < header.size())
            continue;
        QVector<qint64> row;
        for (int index : at)
            row.append(index >= 0 ? fields[index].toLongLong() : -1);
        rows.append(row);
    }
    return rows;
}

} // namespace

qint64 sharedSegmentsResidentBytes(qint64 creatorPid)
{
    qint64 total = 0;
    for (const QVector<qint64>& row : sysvSegments({ "cpid", "rss" })) {
        if (row[0] == creatorPid && row[1] > 0)
            total += row[1];
    }
    return total;
}

QHash<int, qint64> sharedSegmentsResidentById(qint64 creatorPid)
{
    QHash<int, qint64> resident;
    for (const QVector<qint64>& row : sysvSegments({ "cpid", "shmid", "rss" })) {
        if (row[0] == creatorPid && row[1] >= 0)
            resident.insert(int(row[1]), qMax<qint64>(row[2], 0));
    }
    return resident;
}

namespace {
/// The fields of /proc/PID/stat after the command (field 3, the state, first); empty if gone.
QList<QByteArray> statFields(qint64 pid)
{
    const QByteArray stat = readProcFile(QStringLiteral("/proc/%1/stat").arg(pid));
    const int close = stat.lastIndexOf(')');
    if (stat.isEmpty() || close < 0)
        return {};
    return stat.mid(close + 2).split(' ');
}
} // namespace

qint64 processStartTime(qint64 pid)
{
    const QList<QByteArray> fields = statFields(pid);
    // Fields after the command start at field 3 (state); starttime is field 22.
    return fields.size() > 19 ? fields[19].toLongLong() : -1;
}

bool processRunning(qint64 pid)
{
    const QList<QByteArray> fields = statFields(pid);
    return !fields.isEmpty() && fields[0] != "Z" && fields[0] != "X";
}

QString checkSharedMemoryFits(qint64 bytes)
{
    const auto readLimit = [](const char* path) {
        bool ok = false;
        const qint64 value = readProcFile(QString::fromLatin1(path)).trimmed().toLongLong(&ok);
        return ok ? value : -1;
    };
    const qint64 shmmax = readLimit("/proc/sys/kernel/shmmax");
    if (shmmax > 0 && bytes > shmmax)
        return QStringLiteral("needs a shared-memory segment of %1 bytes, but the kernel allows at most %2 per segment "
                              "(kernel.shmmax)")
            .arg(bytes)
            .arg(shmmax);
    const qint64 shmall = readLimit("/proc/sys/kernel/shmall");
    const long page = sysconf(_SC_PAGESIZE);
    if (shmall > 0 && shmall < (std::numeric_limits<qint64>::max() / page)) {
        qint64 used = 0;
        for (const QVector<qint64>& row : sysvSegments({ "size" }))
            used += (qMax<qint64>(row[0], 0) + page - 1) / page;
        const qint64 pages = (bytes + page - 1) / page;
        if (used + pages > shmall)
            return QStringLiteral("needs %1 MiB of shared memory, but only %2 MiB are left under the kernel's limit "
                                  "(kernel.shmall)")
                .arg(bytes >> 20)
                .arg(qMax<qint64>(0, shmall - used) * page >> 20);
    }
    const qint64 available = availableMemoryBytes();
    if (available > 0 && bytes > available)
        return QStringLiteral("needs %1 MiB of memory, but only %2 MiB are available")
            .arg(bytes >> 20)
            .arg(available >> 20);
    return {};
}

qint64 memoryLimitBytes(bool* fromCgroup)
{
    const qint64 total = fieldKiB(QByteArray("\n") + readProcFile(QStringLiteral("/proc/meminfo")), "\nMemTotal:");
    qint64 limit = -1;
    // The process's own cgroup: "0::/path" (v2) or "N:memory:/path" (v1).
    for (const QByteArray& line : readProcFile(QStringLiteral("/proc/self/cgroup")).split('\n')) {
        const QList<QByteArray> fields = line.split(':');
        if (fields.size() < 3)
            continue;
        const QString path = QString::fromUtf8(fields.mid(2).join(':'));
        QStringList candidates;
        if (fields[0] == "0" && fields[1].isEmpty())
            candidates = { QStringLiteral("/sys/fs/cgroup%1/memory.max").arg(path),
                           QStringLiteral("/sys/fs/cgroup/memory.max") };
        else if (fields[1] == "memory")
            candidates = { QStringLiteral("/sys/fs/cgroup/memory%1/memory.limit_in_bytes").arg(path),
                           QStringLiteral("/sys/fs/cgroup/memory/memory.limit_in_bytes") };
        for (const QString& candidate : candidates) {
            bool ok = false;
            const qint64 value = readProcFile(candidate).trimmed().toLongLong(&ok); // "max" is no limit
            if (ok && value > 0) {
                limit = limit > 0 ? qMin(limit, value) : value;
                break;
            }
        }
    }
    const bool cgroup = limit > 0 && (total <= 0 || limit < total);
    if (fromCgroup)
        *fromCgroup = cgroup;
    return cgroup ? limit : total;
}

qint64 availableMemoryBytes()
{
    return fieldKiB(QByteArray("\n") + readProcFile(QStringLiteral("/proc/meminfo")), "\nMemAvailable:");
}

} // namespace sharedmap
