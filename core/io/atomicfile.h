#pragma once

#include <QString>

namespace sharedmap {

/// Writes a file atomically: a temporary file beside the target, then a rename over it, so a
/// failed write (a full disk, an I/O error) leaves the old file as it was and no half file.
/// Unlike QSaveFile it writes only regular files: a symlink is followed to its target, and a
/// target that is a device, a FIFO, a socket or a folder is refused instead of being replaced
/// by a regular file (QSaveFile renames over `/dev/null` when a symlink leads there). Errors
/// carry errno's text ("No space left on device"), never "Unknown error".
class AtomicFile
{
public:
    explicit AtomicFile(const QString& path);
    ~AtomicFile(); ///< removes the temporary file unless commit() succeeded
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// Resolves the target and creates the temporary file; false on error (see errorString()).
    bool open();
    /// Writes all `bytes`; false on error (the file is then abandoned).
    bool write(const void* data, qint64 bytes);
    bool write(const QByteArray& data) { return write(data.constData(), data.size()); }
    /// Flushes to disk and renames over the target; false on error (the target is unchanged).
    bool commit();
    /// Gives up: removes the temporary file (also done by the destructor).
    void cancel();

    /// "cannot write PATH: REASON", for the first error.
    QString errorString() const { return m_error; }
    /// The file that is written: the target after following symlinks.
    QString targetPath() const { return m_target; }

private:
    bool fail(const QString& reason);

    QString m_path;
    QString m_target;
    QString m_temporary;
    QString m_error;
    int m_fd = -1;
    qint64 m_written = 0;
};

/// Why `path` cannot be written as a regular file: it (or what its symlinks lead to) is a FIFO,
/// a device, a socket or a folder, or a symlink that leads nowhere; empty when it is a regular
/// file or does not exist yet. `what` names it in the message ("output", "summary").
QString checkRegularFileTarget(const QString& path, const QString& what);

} // namespace sharedmap
