#pragma once

#include <QTextBrowser>

namespace sharedmap {

/// Help ▸ Guide: what the window's parts are and how to use them, in a window of its own that
/// Esc closes.
class Guide : public QTextBrowser
{
    Q_OBJECT
public:
    explicit Guide(QWidget* parent = nullptr);

protected:
    void keyPressEvent(QKeyEvent* event) override;
};

} // namespace sharedmap
