#pragma once

#include <QObject>

class QWidget;

namespace sharedmap {

/// Keeps the mouse wheel from changing a value by accident: spin boxes and combo boxes under a
/// scrolling form take the wheel only once they have the focus (clicked or tabbed to); until then
/// the wheel scrolls the form around them, as the pointer's user meant.
class WheelGuard : public QObject
{
    Q_OBJECT
public:
    /// Guards every spin box and combo box inside `root` (call again after adding editors).
    static void install(QWidget* root);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    explicit WheelGuard(QObject* parent);
    static WheelGuard* instance();
};

} // namespace sharedmap
