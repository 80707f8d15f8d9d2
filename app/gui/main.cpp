#include "mainwindow.h"

#include <QApplication>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SharedMap"));
    QApplication::setApplicationName(QStringLiteral("SharedMap"));
    sharedmap::MainWindow window;
    window.show();
    return QApplication::exec();
}
