#include "base/signalwatcher.h"
#include "base/version.h"
#include "guioptions.h"
#include "imageio/imageformat.h"
#include "language.h"
#include "mainwindow.h"
#include "settings.h"

#include <cstdio>
#include <cstring>
#include <QApplication>
#include <QIcon>
#include <QProcess>

namespace {

/// `--help` and `--version` print and exit: they need no window, so no display.
bool onlyPrints(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") == 0)
            return false;
        for (const char* option : { "-h", "--help", "--help-all", "-?", "-v", "--version" }) {
            if (std::strcmp(argv[i], option) == 0)
                return true;
        }
    }
    return false;
}

void describeApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("SharedMap"));
    QCoreApplication::setApplicationName(QStringLiteral("SharedMap"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SHAREDMAP_VERSION));
}

/// Parses the command line; on an error prints it and returns false (exit code 2). Help and
/// version print and exit 0 from inside the parser.
bool parseOptions(sharedmap::GuiOptions* options)
{
    const QString error = sharedmap::GuiOptions::parse(QCoreApplication::arguments().mid(1), options);
    if (error.isEmpty())
        return true;
    std::fprintf(stderr, "sharedmap: error: %s\n", qPrintable(error.simplified()));
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    if (onlyPrints(argc, argv)) {
        // No QApplication: without a display it would abort before printing anything.
        QCoreApplication app(argc, argv);
        describeApplication();
        sharedmap::installTranslations(sharedmap::Settings::instance()->language());
        sharedmap::GuiOptions options;
        return parseOptions(&options) ? 0 : 2;
    }
    QApplication app(argc, argv);
    sharedmap::registerImageFormat();
    describeApplication();
    QApplication::setDesktopFileName(QStringLiteral("org.sharedmap.SharedMap"));
    QIcon icon; // rendered from resources/icons/sharedmap.svg and embedded
    for (int size : { 16, 22, 24, 32, 48, 64, 128, 256 })
        icon.addFile(QStringLiteral(":/icons/%1/sharedmap.png").arg(size));
    QApplication::setWindowIcon(icon);
    sharedmap::installTranslations(sharedmap::Settings::instance()->language());
    sharedmap::GuiOptions options;
    if (!parseOptions(&options))
        return 2;
    sharedmap::MainWindow window;
    // SIGTERM or SIGINT (a logout, `kill`, Ctrl-C in the terminal) closes the window at once,
    // without the questions Quit asks: workers stopped, segments removed, settings saved.
    sharedmap::SignalWatcher watcher;
    QObject::connect(&watcher, &sharedmap::SignalWatcher::received, &window, [&window](int signal) {
        window.closeWithoutAsking();
        QApplication::exit(128 + signal);
    });
    // A language change restarts the window: the same program and arguments, once it has closed.
    QObject::connect(&window, &sharedmap::MainWindow::restartRequested, &app, [] {
        QProcess::startDetached(QCoreApplication::applicationFilePath(), QCoreApplication::arguments().mid(1));
    });
    window.show();
    window.applyOptions(options);
    return QApplication::exec();
}
