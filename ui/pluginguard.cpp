#include "pluginguard.h"

#include "kernel.h"
#include "settings.h"

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

QString PluginGuard::markerPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/loading-plugin");
}

QString PluginGuard::recoverFromCrash()
{
    QFile marker(markerPath());
    if (!marker.open(QIODevice::ReadOnly))
        return {};
    const QString path = QString::fromUtf8(marker.readAll()).trimmed();
    marker.close();
    marker.remove();
    if (path.isEmpty())
        return {};
    QStringList blocked = Settings::instance()->blockedPlugins();
    if (!blocked.contains(path))
        blocked.append(path);
    Settings::instance()->setBlockedPlugins(blocked);
    return QObject::tr("The plugin %1 crashed SharedMap while it was being loaded, so it is not loaded "
                       "any more. Kernels ▸ Load plugin… tries it again, in a separate process first.")
        .arg(path);
}

QString PluginGuard::load(const QString& path, QStringList* added)
{
    const QString file = canonical(path);
    if (isBlocked(file))
        return QObject::tr("plugin %1 crashed SharedMap when it was last loaded: not loaded (Kernels ▸ Load "
                           "plugin… tries it again, in a separate process first)")
            .arg(file);
    QDir().mkpath(QFileInfo(markerPath()).absolutePath());
    QFile marker(markerPath());
    const bool marked
        = marker.open(QIODevice::WriteOnly | QIODevice::Truncate) && marker.write(file.toUtf8()) > 0 && marker.flush();
    marker.close();
    const QString error = KernelRegistry::loadPlugin(path, added);
    if (marked)
        QFile::remove(markerPath()); // it did not crash
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
