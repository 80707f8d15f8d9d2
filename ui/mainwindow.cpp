#include "mainwindow.h"

#include <QLabel>

namespace sharedmap {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("SharedMap"));
    auto* label = new QLabel(tr("SharedMap: the desktop window is coming. Use sharedmap-cli meanwhile."), this);
    label->setAlignment(Qt::AlignCenter);
    setCentralWidget(label);
    resize(900, 600);
}

} // namespace sharedmap
