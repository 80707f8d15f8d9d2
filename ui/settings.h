#pragma once

#include "job/jobspec.h"

#include <QByteArray>
#include <QObject>
#include <QStringList>

namespace sharedmap {

/// The window's remembered settings, typed, over QSettings. Every key lives in settings.cpp;
/// setters write through and emit only when the value changes.
class Settings : public QObject
{
    Q_OBJECT
public:
    static Settings* instance();

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);
    QByteArray splitterState(const QString& name) const;
    void setSplitterState(const QString& name, const QByteArray& state);

    QString lastDirectory() const;
    void setLastDirectory(const QString& directory);
    /// Where the last file was saved (results, plots, arrays, jobs), apart from where files are
    /// opened from; the open folder until something was saved.
    QString lastSaveDirectory() const;
    void setLastSaveDirectory(const QString& directory);
    QStringList recentFiles() const;
    /// Puts `path` first in the recent files (at most 10).
    void addRecentFile(const QString& path);
    void clearRecentFiles();

    /// The job settings of the last run (input path excluded).
    JobSpec lastJob() const;
    void setLastJob(const JobSpec& spec);

    /// Niceness given to workers so the window stays smooth (0–19, default 5).
    int workerNiceness() const;
    void setWorkerNiceness(int niceness);

    /// The window's language: "system" (default: follow the locale) or a code such as "en",
    /// "zh_CN" (language.h). Takes effect at the next start.
    QString language() const;
    void setLanguage(const QString& language);

    /// The mode the Compare view runs first: "shared" (default) or "copy".
    QString compareFirstMode() const;
    void setCompareFirstMode(const QString& mode);

    /// The demos' pace: a factor of their pauses (1 watchable, the default; 0 none).
    double demoPace() const;
    void setDemoPace(double pace);

    /// Plugins (canonical paths) that crashed the window while it loaded them (PluginGuard).
    QStringList blockedPlugins() const;
    void setBlockedPlugins(const QStringList& paths);

signals:
    void recentFilesChanged(const QStringList& files);
    void workerNicenessChanged(int niceness);

private:
    explicit Settings(QObject* parent = nullptr);
};

} // namespace sharedmap
