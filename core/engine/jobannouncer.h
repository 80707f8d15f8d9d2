#pragma once

#include "base/arraymeta.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace sharedmap {

/// One running job as its owner announced it: one JSON file in the per-user jobs folder
/// (docs/ARCHITECTURE.md, "Attaching to running jobs").
struct JobAnnouncement
{
    qint64 pid = 0; ///< the owner: the process that runs the job's Pool
    qint64 startTime = 0; ///< the owner's start in clock ticks since boot: a reused pid does not match
    quint64 jobId = 0; ///< the owner's job id
    QString program; ///< the owner's program name (sharedmap-cli, sharedmap, …)
    QString kernel;
    QString input; ///< as given (a path, `shm:NAME`, an array's name); empty without input
    ArrayMeta inputMeta; ///< dtype and shape of the input; invalid without input
    qint64 tasks = 0;
    int workers = 0;
    QString jobSegment;
    QString outputSegment;
    QString inputSegment;
    QDateTime startedAt;
    QString path; ///< the file it was read from or written to

    QJsonObject toJson() const;
    /// Reads an announcement; false (with `error`) when a field is missing or of the wrong type.
    static bool fromJson(const QJsonObject& json, JobAnnouncement* out, QString* error);
};

/// The per-user folder of announcements: `$XDG_RUNTIME_DIR/sharedmap/jobs`, else
/// `/tmp/sharedmap-UID/jobs`. Not created.
QString jobsFolder();

/// Creates the jobs folder (and `sharedmap`/`sharedmap-UID` above it) with mode 0700 and checks
/// that each is a real directory owned by this user and closed to others. Returns the folder, or
/// an empty string with `error` set.
QString prepareJobsFolder(QString* error);

/// Writes `job` into the jobs folder atomically (a temporary file, then a rename; mode 0600).
/// Returns the file's path, or an empty string with `error` set.
QString announceJob(const JobAnnouncement& job, QString* error);

/// Removes an announcement this process wrote (the job ended).
void withdrawJob(const QString& path);

/// The running jobs of this user. Files whose owner is gone (its pid not running, or running
/// with another start time: the pid was reused), or that name a process of another user, are
/// removed and listed in `removed`; a folder that is not safe is an `error`.
QVector<JobAnnouncement> listJobs(QString* error = nullptr, QStringList* removed = nullptr);

/// Removes the announcements of owners that are gone; returns how many.
int removeStaleJobFiles();

/// Why findJob() found nothing to attach to.
enum class FindJobError
{
    None,
    Folder, ///< the jobs folder is not safe
    NoProcess, ///< no process has this pid
    OtherUser, ///< the process belongs to another user
    NotAJob ///< the process runs no announced job
};

/// The running job of process `pid` (its newest, when it runs several). Refuses, with a
/// one-line `error`, a pid that is not a process, a process of another user and a process that
/// announced no job.
JobAnnouncement findJob(qint64 pid, QString* error, FindJobError* why = nullptr);

} // namespace sharedmap
