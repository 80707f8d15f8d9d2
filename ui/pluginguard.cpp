#include "pluginguard.h"

#include "base/procstats.h"
#include "kernels/kernel.h"
#include "settings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace sharedmap {

namespace {
QString canonical(const QString& path)
{
    const QString resolved = QFileInfo(path).canonicalFilePath();
    return resolved.isEmpty() ? QFileInfo(path).absoluteFilePath() : resolved;
}
} // namespace

QString PluginGuard::markerFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
}

QString PluginGuard::markerPath(qint64 pid)
{
    return markerFolder() + QStringLiteral("/loading-plugin-%1").arg(pid);
}

QString PluginGuard::recoverFromCrash()
{
    // One marker per window process, so a window starting while another loads a plugin does
    // not take that load for a crash: only a marker whose process is gone is evidence.
    QStringList crashed;
    const QDir folder(markerFolder());
    for (const QString& name : folder.entryList({ QStringLiteral("loading-plugin-*") }, QDir::Files)) {
        const qint64 pid = name.section(QLatin1Char('-'), -1).toLongLong();
        if (pid <= 0 || processRunning(pid))
            continue;
        QFile marker(folder.filePath(name));
        if (!marker.open(QIODevice::ReadOnly))
            continue;
        const QString path = QString::fromUtf8(marker.readAll()).trimmed();
        marker.close();
        marker.remove();
        if (!path.isEmpty() && !crashed.contains(path))
            crashed.append(path);
    }
    if (crashed.isEmpty())
        return {};
    QStringList blocked = Settings::instance()->blockedPlugins();
    for (const QString& path : std::as_const(crashed)) {
        if (!blocked.contains(path))
            blocked.append(path);
    }
    Settings::instance()->setBlockedPlugins(blocked);
    return QObject::tr("The plugin %1 crashed SharedMap while it was being loaded, so it is not loaded "
                       "any more. Kernels ▸ Load plugin… tries it again, in a separate process first.")
        .arg(crashed.join(QStringLiteral(", ")));
}

QString PluginGuard::load(const QString& path, QStringList* added)
{
    const QString file = canonical(path);
    if (isBlocked(file))
        return QObject::tr("plugin %1 crashed SharedMap when it was last loaded: not loaded (Kernels ▸ Load "
                           "plugin… tries it again, in a separate process first)")
            .arg(file);
    QDir().mkpath(markerFolder());
    const QString markerFile = markerPath(QCoreApplication::applicationPid());
    QFile marker(markerFile);
    const bool marked
        = marker.open(QIODevice::WriteOnly | QIODevice::Truncate) && marker.write(file.toUtf8()) > 0 && marker.flush();
    marker.close();
    const QString error = KernelRegistry::loadPlugin(path, added);
    if (marked)
        QFile::remove(markerFile); // it did not crash
    return error;
}

void PluginGuard::unblock(const QString& path)
{
    QStringList blocked = Settings::instance()->blockedPlugins();
    if (blocked.removeAll(canonical(path)) > 0)
        Settings::instance()->setBlockedPlugins(blocked);
}

bool PluginGuard::isBlocked(const QString& path)
{
    return Settings::instance()->blockedPlugins().contains(canonical(path));
}

} // namespace sharedmap
