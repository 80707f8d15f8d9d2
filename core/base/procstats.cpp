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

namespace {
/// MemAvailable from /proc/meminfo (0 when unreadable).
qint64 systemAvailableBytes()
{
    return fieldKiB(QByteArray("\n") + readProcFile(QStringLiteral("/proc/meminfo")), "\nMemAvailable:");
}
} // namespace

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
    const qint64 system = systemAvailableBytes();
    const CgroupMemory cgroup = cgroupMemory();
    const qint64 headroom = cgroup.headroomBytes();
    const bool byCgroup = headroom >= 0 && (system <= 0 || headroom < system);
    const qint64 available = byCgroup ? headroom : system;
    if (available >= 0 && (available > 0 || byCgroup) && bytes > available)
        return QStringLiteral("needs %1 MiB of memory, but only %2 MiB are available%3")
            .arg(bytes >> 20)
            .arg(available >> 20)
            .arg(byCgroup ? QStringLiteral(" under the memory cgroup's limit of %1 MiB (%2, %3 MiB in use)")
                                .arg(cgroup.limitBytes >> 20)
                                .arg(cgroup.path)
                                .arg(cgroup.usageBytes >> 20)
                          : QString());
    return {};
}

namespace {
/// A number from a cgroup file; `max` (v2) and v1's "no limit" (close to INT64_MAX) give -1.
qint64 readCgroupValue(const QString& path)
{
    const QByteArray text = readProcFile(path).trimmed();
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value >= (qint64(1) << 60))
        return -1;
    return value;
}

/// A field of a cgroup's memory.stat ("inactive_file 1234").
qint64 statField(const QByteArray& stat, const QByteArray& name)
{
    for (const QByteArray& line : stat.split('\n')) {
        if (line.startsWith(name + ' '))
            return line.mid(name.size() + 1).trimmed().toLongLong();
    }
    return 0;
}

/// The folder of this process's cgroup in a hierarchy mounted at `mountPoint` with root
/// `mountRoot`, from its path in /proc/self/cgroup; empty when the path lies outside the mount.
QString cgroupFolder(const QString& mountPoint, const QString& mountRoot, const QString& path)
{
    if (mountRoot == QLatin1String("/"))
        return mountPoint + (path == QLatin1String("/") ? QString() : path);
    if (path == mountRoot || path.startsWith(mountRoot + QLatin1Char('/')))
        return mountPoint + path.mid(mountRoot.size());
    return {};
}
} // namespace

CgroupMemory cgroupMemory()
{
    // Where this process sits: "0::/path" (v2) and "N:memory[,...]:/path" (v1).
    QString v2Path, v1Path;
    for (const QByteArray& line : readProcFile(QStringLiteral("/proc/self/cgroup")).split('\n')) {
        const QList<QByteArray> parts = line.split(':');
        if (parts.size() < 3)
            continue;
        const QString path = QString::fromUtf8(line.mid(parts[0].size() + parts[1].size() + 2));
        if (parts[0] == "0" && parts[1].isEmpty())
            v2Path = path;
        else if (parts[1].split(',').contains("memory"))
            v1Path = path;
    }
    CgroupMemory best;
    const auto consider = [&best](const QString& folder, const QString& top, bool v2) {
        // A parent's limit binds its children too: walk up to the hierarchy's root.
        for (QString dir = folder; dir.size() >= top.size(); dir = dir.left(dir.lastIndexOf(QLatin1Char('/')))) {
            const qint64 limit = readCgroupValue(
                dir + (v2 ? QStringLiteral("/memory.max") : QStringLiteral("/memory.limit_in_bytes")));
            if (limit >= 0) {
                CgroupMemory here;
                here.limitBytes = limit;
                here.usageBytes = qMax<qint64>(
                    0,
                    readCgroupValue(
                        dir + (v2 ? QStringLiteral("/memory.current") : QStringLiteral("/memory.usage_in_bytes"))));
                const QByteArray stat = readProcFile(dir + QStringLiteral("/memory.stat"));
                here.reclaimableBytes = statField(stat, v2 ? "inactive_file" : "total_inactive_file");
                here.path = dir;
                if (best.limitBytes < 0 || here.headroomBytes() < best.headroomBytes())
                    best = here;
            }
            if (dir == top || dir.lastIndexOf(QLatin1Char('/')) <= 0)
                break;
        }
    };
    // mountinfo: "id parent dev ROOT MOUNTPOINT options ... - FSTYPE source SUPEROPTIONS".
    for (const QByteArray& line : readProcFile(QStringLiteral("/proc/self/mountinfo")).split('\n')) {
        const QList<QByteArray> fields = line.split(' ');
        const int dash = fields.indexOf("-");
        if (fields.size() < 5 || dash < 0 || dash + 3 >= fields.size())
            continue;
        const QString root = QString::fromUtf8(fields[3]);
        const QString mountPoint = QString::fromUtf8(fields[4]);
        const QByteArray type = fields[dash + 1];
        if (type == "cgroup2" && !v2Path.isEmpty()) {
            const QString folder = cgroupFolder(mountPoint, root, v2Path);
            if (!folder.isEmpty())
                consider(folder, mountPoint, true);
        } else if (type == "cgroup" && !v1Path.isEmpty() && fields[dash + 3].split(',').contains("memory")) {
            const QString folder = cgroupFolder(mountPoint, root, v1Path);
            if (!folder.isEmpty())
                consider(folder, mountPoint, false);
        }
    }
    return best;
}

qint64 availableMemoryBytes()
{
    const qint64 system = systemAvailableBytes();
    const qint64 headroom = cgroupMemory().headroomBytes();
    // Callers read 0 as "unknown": a cgroup with no headroom left reports one byte.
    if (headroom >= 0 && (system <= 0 || headroom < system))
        return qMax<qint64>(1, headroom);
    return system;
}

} // namespace sharedmap
