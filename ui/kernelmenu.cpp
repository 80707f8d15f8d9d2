#include "kernelmenu.h"

#include "kernel.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QLibrary>
#include <QtConcurrent>
#include <QTimer>
#include <QUrl>

namespace sharedmap {

KernelMenu::KernelMenu(QWidget* parent)
    : QMenu(tr("&Kernels"), parent)
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
    // The dynamic linker reads and relocates the library on a pool thread (QLibrary keeps it
    // loaded); the registry, which the GUI thread reads, is only changed on the GUI thread.
    auto* watcher = new QFutureWatcher<void>(this);
    connect(watcher, &QFutureWatcher<void>::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        QStringList added;
        const QString error = KernelRegistry::loadPlugin(path, &added);
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
    // these kernels. Refusals are reported once the window is wired up.
    const QStringList errors = KernelRegistry::loadPluginFolder();
    for (const QString& error : errors)
        QTimer::singleShot(0, this, [this, error] { emit problem(error); });
}

} // namespace sharedmap
