#include "settings.h"

#include <QDir>
#include <QJsonDocument>
#include <QSettings>

namespace sharedmap {

namespace {
// Every key the window stores, in one place.
const QString kGeometry = QStringLiteral("Window/Geometry");
const QString kState = QStringLiteral("Window/State");
const QString kSplitterPrefix = QStringLiteral("Window/Splitter_");
const QString kLastDirectory = QStringLiteral("Files/LastDirectory");
const QString kLastSaveDirectory = QStringLiteral("Files/LastSaveDirectory");
const QString kRecentFiles = QStringLiteral("Files/Recent");
const QString kLastJob = QStringLiteral("Job/Last");
const QString kNiceness = QStringLiteral("Workers/Niceness");
const QString kLanguage = QStringLiteral("Window/Language");
const QString kCompareFirstMode = QStringLiteral("Compare/FirstMode");
const QString kBlockedPlugins = QStringLiteral("Plugins/Blocked");
const QString kDemoPace = QStringLiteral("Demos/Pace");
constexpr int kMaxRecent = 10;
} // namespace

Settings::Settings(QObject* parent)
    : QObject(parent)
{ }

Settings* Settings::instance()
{
    static Settings* settings = new Settings;
    return settings;
}

QByteArray Settings::windowGeometry() const
{
    return QSettings().value(kGeometry).toByteArray();
}

void Settings::setWindowGeometry(const QByteArray& geometry)
{
    QSettings().setValue(kGeometry, geometry);
}

QByteArray Settings::windowState() const
{
    return QSettings().value(kState).toByteArray();
}

void Settings::setWindowState(const QByteArray& state)
{
    QSettings().setValue(kState, state);
}

QByteArray Settings::splitterState(const QString& name) const
{
    return QSettings().value(kSplitterPrefix + name).toByteArray();
}

void Settings::setSplitterState(const QString& name, const QByteArray& state)
{
    QSettings().setValue(kSplitterPrefix + name, state);
}

QString Settings::lastDirectory() const
{
    return QSettings().value(kLastDirectory, QDir::homePath()).toString();
}

void Settings::setLastDirectory(const QString& directory)
{
    QSettings().setValue(kLastDirectory, directory);
}

QString Settings::lastSaveDirectory() const
{
    return QSettings().value(kLastSaveDirectory, lastDirectory()).toString();
}

void Settings::setLastSaveDirectory(const QString& directory)
{
    QSettings().setValue(kLastSaveDirectory, directory);
}

QStringList Settings::recentFiles() const
{
    return QSettings().value(kRecentFiles).toStringList();
}

void Settings::addRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecent)
        files.removeLast();
    if (files == recentFiles())
        return;
    QSettings().setValue(kRecentFiles, files);
    emit recentFilesChanged(files);
}

void Settings::clearRecentFiles()
{
    if (recentFiles().isEmpty())
        return;
    QSettings().remove(kRecentFiles);
    emit recentFilesChanged({});
}

JobSpec Settings::lastJob() const
{
    const QByteArray json = QSettings().value(kLastJob).toByteArray();
    QString error;
    JobSpec spec = JobSpec::fromJson(QJsonDocument::fromJson(json).object(), &error);
    if (!error.isEmpty() || spec.kernel.isEmpty())
        return {};
    return spec;
}

void Settings::setLastJob(const JobSpec& spec)
{
    JobSpec stored = spec;
    stored.input.clear();
    stored.output.clear();
    stored.summary.clear();
    QSettings().setValue(kLastJob, QJsonDocument(stored.toJson()).toJson(QJsonDocument::Compact));
}

int Settings::workerNiceness() const
{
    return qBound(0, QSettings().value(kNiceness, 5).toInt(), 19);
}

void Settings::setWorkerNiceness(int niceness)
{
    niceness = qBound(0, niceness, 19);
    if (niceness == workerNiceness())
        return;
    QSettings().setValue(kNiceness, niceness);
    emit workerNicenessChanged(niceness);
}

QString Settings::language() const
{
    return QSettings().value(kLanguage, QStringLiteral("system")).toString();
}

void Settings::setLanguage(const QString& language)
{
    if (language == Settings::language())
        return;
    QSettings().setValue(kLanguage, language);
}

QString Settings::compareFirstMode() const
{
    const QString mode = QSettings().value(kCompareFirstMode).toString();
    return mode == QLatin1String("copy") ? mode : QStringLiteral("shared");
}

void Settings::setCompareFirstMode(const QString& mode)
{
    QSettings().setValue(kCompareFirstMode, mode == QLatin1String("copy") ? mode : QStringLiteral("shared"));
}

QStringList Settings::blockedPlugins() const
{
    return QSettings().value(kBlockedPlugins).toStringList();
}

void Settings::setBlockedPlugins(const QStringList& paths)
{
    QSettings settings;
    if (paths.isEmpty())
        settings.remove(kBlockedPlugins);
    else
        settings.setValue(kBlockedPlugins, paths);
}

double Settings::demoPace() const
{
    return qBound(0.0, QSettings().value(kDemoPace, 1.0).toDouble(), 10.0);
}

void Settings::setDemoPace(double pace)
{
    QSettings().setValue(kDemoPace, pace);
}

} // namespace sharedmap
