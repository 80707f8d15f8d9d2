#include "kernelmenu.h"

#include "kernels/kernel.h"
#include "pluginguard.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QLibrary>
#include <QProcess>
#include <QtConcurrent>
#include <QTimer>
#include <QUrl>

namespace sharedmap {

KernelMenu::KernelMenu(std::function<QString()> workerProgram, QWidget* parent)
    : QMenu(tr("&Kernels"), parent)
    , m_workerProgram(std::move(workerProgram))
{
    QAction* load = addAction(tr("&Load plugin…"), this, &KernelMenu::choosePlugin);
    load->setToolTip(tr("Load a kernel plugin (.so) built with the SharedMap SDK; see docs/KERNELS.md"));
    QAction* folder = addAction(tr("Open the &plugins folder"), this, [] {
        QDir().mkpath(KernelRegistry::userPluginFolder());
        QDesktopServices::openUrl(QUrl::fromLocalFile(KernelRegistry::userPluginFolder()));
    });
    folder->setToolTip(tr("Plugins in %1 are loaded when SharedMap starts").arg(KernelRegistry::userPluginFolder()));
    setToolTipsVisible(true);
    loadUserPlugins();
}

void KernelMenu::choosePlugin()
{
    // Asynchronous, like the window's other file dialogs: no nested event loop.
    auto* dialog = new QFileDialog(parentWidget(), tr("Load kernel plugin"), QString(), tr("Kernel plugins (*.so)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &KernelMenu::loadPlugin);
    dialog->open();
}

void KernelMenu::loadPlugin(const QString& path)
{
    // First in a worker process of its own (asynchronous): a plugin that crashes while it loads
    // takes that process down, not the window.
    auto* probe = new QProcess(this);
    connect(probe, &QProcess::finished, this, [this, probe, path](int exitCode, QProcess::ExitStatus status) {
        probe->deleteLater();
        const QString error = KernelRegistry::probeVerdict(path, status == QProcess::CrashExit, exitCode,
                                                           probe->readAllStandardError());
        if (!error.isEmpty()) {
            emit problem(error);
            return;
        }
        PluginGuard::unblock(path);
        loadChecked(path);
    });
    connect(probe, &QProcess::errorOccurred, this, [this, probe, path](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        probe->deleteLater();
        emit problem(tr("cannot check plugin %1: %2").arg(path, probe->errorString()));
    });
    probe->start(m_workerProgram(), KernelRegistry::probeArguments(path));
}

void KernelMenu::loadChecked(const QString& path)
{
    // The dynamic linker reads and relocates the library on a pool thread (QLibrary keeps it
    // loaded); the registry, which the GUI thread reads, is only changed on the GUI thread.
    auto* watcher = new QFutureWatcher<void>(this);
    connect(watcher, &QFutureWatcher<void>::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        QStringList added;
        const QString error = PluginGuard::load(path, &added);
        if (!error.isEmpty())
            emit problem(error);
        else
            emit kernelsChanged(added);
    });
    watcher->setFuture(QtConcurrent::run([path] {
        QLibrary library(path);
        library.load(); // a failure is reported by loadPlugin(), with the reason
    }));
}

void KernelMenu::loadUserPlugins()
{
    // At start, before the window shows: the command line and the restored last job may name
    // these kernels. A plugin that crashed the window last time is skipped (PluginGuard).
    // Refusals are reported once the window is wired up.
    QStringList errors;
    const QString crashed = PluginGuard::recoverFromCrash();
    if (!crashed.isEmpty())
        errors.append(crashed);
    for (const QString& path : KernelRegistry::pluginFiles()) {
        const QString error = PluginGuard::load(path);
        if (!error.isEmpty())
            errors.append(error);
    }
    for (const QString& error : std::as_const(errors))
        QTimer::singleShot(0, this, [this, error] { emit problem(error); });
}

} // namespace sharedmap
