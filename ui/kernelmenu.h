#pragma once

#include <functional>
#include <QMenu>

namespace sharedmap {

/// The Kernels menu: Load plugin… and the plugins folder in the user's data directory, whose
/// plugins are loaded when the window is built. Load plugin… loads the plugin in a worker process
/// first (a crash there is only reported), then reads and links the library off the GUI thread;
/// registering its kernels (microseconds) happens on it. In-process loads go through PluginGuard.
class KernelMenu : public QMenu
{
    Q_OBJECT
public:
    /// `workerProgram` names the worker that probes plugins (the pool's).
    explicit KernelMenu(std::function<QString()> workerProgram, QWidget* parent = nullptr);

    /// Loads the plugin at `path`; emits kernelsChanged() or problem() when done.
    void loadPlugin(const QString& path);
    /// Loads every plugin in the user's plugins folder, at once (the constructor does).
    void loadUserPlugins();

signals:
    /// Kernels were added: the kernel picker should list them.
    void kernelsChanged(const QStringList& added);
    /// A plugin was refused, with the reason.
    void problem(const QString& message);

private:
    void choosePlugin();
    /// Loads a plugin the probe loaded without a crash.
    void loadChecked(const QString& path);

    std::function<QString()> m_workerProgram;
};

} // namespace sharedmap
