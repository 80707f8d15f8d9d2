#pragma once

#include "io/arraystore.h"
#include "job/jobspec.h"

#include <QObject>

namespace sharedmap {

/// Saves a job with its input. A file input is named as it is; an array made in the window (a
/// generated one, a job's results used as input) has no file, so it is written beside the job as
/// `<job>.input.npy` and the job names that, so that `sharedmap-cli run --job` and File ▸ Open
/// job read the very same data.
class JobFile : public QObject
{
    Q_OBJECT
public:
    explicit JobFile(QObject* parent = nullptr);

    /// Writes `spec` to `path` with `input` as its input (an empty entry: none). Returns an error
    /// found at once, else empty and saved() follows (from the event loop; an array is written
    /// off the GUI thread first).
    QString save(const QString& path, JobSpec spec, const ArrayStore::Entry& input);
    /// Where the array of a job saved to `jobPath` goes when it has no file.
    static QString inputPathFor(const QString& jobPath);

signals:
    /// The job file (and the array beside it, if any) is written; `error` empty on success.
    void saved(const QString& path, const QString& message, const QString& error);
};

} // namespace sharedmap
