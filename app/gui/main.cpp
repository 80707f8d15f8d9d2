#include "base/signalwatcher.h"
#include "base/version.h"
#include "guioptions.h"
#include "imageio/imageformat.h"
#include "language.h"
#include "mainwindow.h"
#include "settings.h"

#include <cstdio>
#include <QApplication>
#include <QIcon>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    sharedmap::registerImageFormat();
    QApplication::setOrganizationName(QStringLiteral("SharedMap"));
    QApplication::setApplicationName(QStringLiteral("SharedMap"));
    QApplication::setApplicationVersion(QStringLiteral(SHAREDMAP_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.sharedmap.SharedMap"));
    QIcon icon; // rendered from resources/icons/sharedmap.svg and embedded
    for (int size : { 16, 22, 24, 32, 48, 64, 128, 256 })
        icon.addFile(QStringLiteral(":/icons/%1/sharedmap.png").arg(size));
    QApplication::setWindowIcon(icon);
    sharedmap::installTranslations(sharedmap::Settings::instance()->language());
    sharedmap::GuiOptions options;
    const QString error = sharedmap::GuiOptions::parse(QApplication::arguments().mid(1), &options);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "sharedmap: error: %s\n", qPrintable(error.simplified()));
        return 2;
    }
    sharedmap::MainWindow window;
    // SIGTERM or SIGINT (a logout, `kill`, Ctrl-C in the terminal) closes the window as its
    // Quit does: workers stopped, segments removed, settings saved.
    sharedmap::SignalWatcher watcher;
    QObject::connect(&watcher, &sharedmap::SignalWatcher::received, &window, [&window](int signal) {
        window.close();
        QApplication::exit(128 + signal);
    });
    window.show();
    window.applyOptions(options);
    return QApplication::exec();
}
