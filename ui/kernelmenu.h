#pragma once

#include <QMenu>

namespace sharedmap {

/// The Kernels menu: Load plugin… and the plugins folder in the user's data directory, whose
/// plugins are loaded when the window is built. Load plugin… reads and links the library off the
/// GUI thread; registering its kernels (microseconds) happens on it.
class KernelMenu : public QMenu
{
    Q_OBJECT
public:
    explicit KernelMenu(QWidget* parent = nullptr);

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
};

} // namespace sharedmap
