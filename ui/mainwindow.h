#pragma once

#include <QMainWindow>

namespace sharedmap {

/// Placeholder main window until the desktop window (issue 3) lands.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace sharedmap
