#pragma once

// What the integration tests check from outside the engine: processes in /proc, System V
// segments in /proc/sysvipc/shm and the key files Qt 6.4 leaves in /tmp. Linux only, by design.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QThread>
#include <sys/shm.h>

namespace procwatch {

/// State letter and parent of a process from /proc/<pid>/stat; false when it does not exist.
inline bool readStat(qint64 pid, char* state, qint64* ppid, QByteArray* comm = nullptr)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = file.readAll();
    // "pid (comm) state ppid ...": comm may hold spaces and ')', so split at the last ')'.
    const int open = text.indexOf('(');
    const int close = text.lastIndexOf(')');
    if (open < 0 || close < open)
        return false;
    const QList<QByteArray> fields = text.mid(close + 2).split(' ');
    if (fields.size() < 2)
        return false;
    *state = fields[0].isEmpty() ? '?' : fields[0][0];
    *ppid = fields[1].toLongLong();
    if (comm)
        *comm = text.mid(open + 1, close - open - 1);
    return true;
}

/// True while any thread of the process has not exited. A zombie (e.g. left to a non-reaping
/// init) counts as exited, but only once all its threads are gone: the leader of a process that
/// is being killed shows 'Z' while its other threads still hold its memory and attachments.
inline bool isAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    const QStringList tasks
        = QDir(QStringLiteral("/proc/%1/task").arg(pid)).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& task : tasks) {
        QFile file(QStringLiteral("/proc/%1/task/%2/stat").arg(pid).arg(task));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = file.readAll();
        const int close = text.lastIndexOf(')');
        const char state = close > 0 && close + 2 < text.size() ? text[close + 2] : 'X';
        if (state != 'Z' && state != 'X')
            return true;
    }
    return false;
}

/// Live processes whose parent is `parent` and whose name starts with `commPrefix` (the kernel
/// keeps 15 characters of the name: "sharedmap-worke").
inline QSet<qint64> children(qint64 parent, const QByteArray& commPrefix = "sharedmap-work")
{
    QSet<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        char state = '?';
        qint64 ppid = 0;
        QByteArray comm;
        if (ok && readStat(pid, &state, &ppid, &comm) && ppid == parent && comm.startsWith(commPrefix) && isAlive(pid))
            pids.insert(pid);
    }
    return pids;
}

/// Polls (every `pollMs`) until none of `pids` is alive or `timeoutMs` passed; returns the ones
/// still alive.
inline QSet<qint64> waitGone(const QSet<qint64>& pids, int timeoutMs, int pollMs = 10)
{
    QElapsedTimer clock;
    clock.start();
    QSet<qint64> alive = pids;
    for (;;) {
        for (auto it = alive.begin(); it != alive.end();)
            it = isAlive(*it) ? std::next(it) : alive.erase(it);
        if (alive.isEmpty() || clock.elapsed() > timeoutMs)
            return alive;
        QThread::msleep(pollMs);
    }
}

/// Workers of `cli` seen so far; polls (every `pollMs`) until `count` are alive at once or
/// `timeoutMs` passed.
inline QSet<qint64> waitForWorkers(qint64 cli, int count, int timeoutMs, int pollMs = 10)
{
    QElapsedTimer clock;
    clock.start();
    QSet<qint64> seen;
    while (clock.elapsed() < timeoutMs) {
        const QSet<qint64> now = children(cli);
        seen |= now;
        if (now.size() >= count)
            break;
        QThread::msleep(pollMs);
    }
    return seen;
}

/// One row of /proc/sysvipc/shm.
struct ShmSegment
{
    qint64 shmid = -1;
    qint64 size = 0;
    qint64 cpid = 0;
    qint64 nattch = 0;
    int perms = 0; ///< mode bits, e.g. 0600
};

/// System V shared-memory segments created by process `cpid`, keyed by shmid.
inline QHash<qint64, ShmSegment> shmSegmentsOf(qint64 cpid)
{
    QHash<qint64, ShmSegment> segments;
    QFile file(QStringLiteral("/proc/sysvipc/shm"));
    if (!file.open(QIODevice::ReadOnly))
        return segments;
    file.readLine(); // "key shmid perms size cpid lpid nattch uid gid ..."
    while (!file.atEnd()) {
        const QList<QByteArray> cols = file.readLine().simplified().split(' ');
        if (cols.size() < 7)
            continue;
        ShmSegment segment { cols[1].toLongLong(), cols[3].toLongLong(), cols[4].toLongLong(), cols[6].toLongLong(),
                             cols[2].toInt(nullptr, 8) };
        if (segment.cpid == cpid)
            segments.insert(segment.shmid, segment);
    }
    return segments;
}

/// Qt's key files for segments of process `pid`: /tmp/qipc_sharedmemory_sharedmap-<kind>-<pid>-*.
inline QStringList keyFilesOf(qint64 pid, const QString& kind = QStringLiteral("*"))
{
    return QDir(QStringLiteral("/tmp"))
        .entryList({ QStringLiteral("qipc_sharedmemory_sharedmap-%1-%2-*").arg(kind).arg(pid) },
                   QDir::Files | QDir::System);
}

/// Removes what a killed process left behind (what `ipcrm -m` does); returns how many segments.
inline int removeLeftovers(qint64 pid)
{
    const auto segments = shmSegmentsOf(pid);
    for (const ShmSegment& segment : segments)
        shmctl(int(segment.shmid), IPC_RMID, nullptr);
    for (const QString& name : keyFilesOf(pid))
        QFile::remove(QStringLiteral("/tmp/") + name);
    return segments.size();
}

} // namespace procwatch
