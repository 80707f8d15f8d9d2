#pragma once

#include <QString>
#include <QStringList>

namespace sharedmap {

/// Loads kernel plugins into the window's own process behind a crash marker. A plugin's code
/// runs when it is loaded; if it crashes there, it takes the window with it. The marker file
/// (one per window process: `loading-plugin-<pid>` in the app's data folder) names the plugin
/// being loaded and is removed once it loaded; finding one whose process is gone at the next
/// start means that plugin crashed the window, so it is blocked: not loaded again at start or
/// from a job, until Kernels ▸ Load plugin… has loaded it in a separate process without a crash.
class PluginGuard
{
public:
    /// At start: turns a marker left by a crashed load into a blocked plugin. Returns the
    /// message to show, empty when the last run did not crash that way.
    static QString recoverFromCrash();
    /// Loads `path` into this process unless it is blocked (KernelRegistry::loadPlugin()).
    static QString load(const QString& path, QStringList* added = nullptr);
    /// Lets `path` load again: a separate process loaded it without crashing.
    static void unblock(const QString& path);
    static bool isBlocked(const QString& path);

    /// The marker a window process `pid` keeps while it loads a plugin.
    static QString markerPath(qint64 pid);

private:
    static QString markerFolder();
};

} // namespace sharedmap
