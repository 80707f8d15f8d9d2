#include "guioptions.h"
#include "imageformat.h"
#include "mainwindow.h"
#include "version.h"

#include <cstdio>
#include <QApplication>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    sharedmap::registerImageFormat();
    QApplication::setOrganizationName(QStringLiteral("SharedMap"));
    QApplication::setApplicationName(QStringLiteral("SharedMap"));
    QApplication::setApplicationVersion(QStringLiteral(SHAREDMAP_VERSION));
    sharedmap::GuiOptions options;
    const QString error = sharedmap::GuiOptions::parse(QApplication::arguments().mid(1), &options);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "sharedmap: error: %s\n", qPrintable(error.simplified()));
        return 2;
    }
    sharedmap::MainWindow window;
    window.show();
    window.applyOptions(options);
    return QApplication::exec();
}
