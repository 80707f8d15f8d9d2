#include "wheelguard.h"

#include <QAbstractScrollArea>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QScrollBar>
#include <QWheelEvent>

namespace sharedmap {

WheelGuard::WheelGuard(QObject* parent)
    : QObject(parent)
{ }

WheelGuard* WheelGuard::instance()
{
    static WheelGuard* guard = new WheelGuard(QCoreApplication::instance());
    return guard;
}

void WheelGuard::install(QWidget* root)
{
    QList<QWidget*> editors;
    for (QAbstractSpinBox* box : root->findChildren<QAbstractSpinBox*>())
        editors.append(box);
    for (QComboBox* combo : root->findChildren<QComboBox*>())
        editors.append(combo);
    for (QWidget* editor : editors) {
        editor->setFocusPolicy(Qt::StrongFocus); // the wheel alone never gives them the focus
        editor->removeEventFilter(instance()); // installed once, however often install() is called
        editor->installEventFilter(instance());
    }
}

bool WheelGuard::eventFilter(QObject* watched, QEvent* event)
{
    auto* editor = qobject_cast<QWidget*>(watched);
    if (event->type() != QEvent::Wheel || !editor || editor->hasFocus())
        return QObject::eventFilter(watched, event);
    // Not focused: the form around it scrolls instead.
    for (QWidget* parent = editor->parentWidget(); parent; parent = parent->parentWidget()) {
        if (auto* area = qobject_cast<QAbstractScrollArea*>(parent)) {
            QCoreApplication::sendEvent(area->verticalScrollBar(), event);
            break;
        }
    }
    return true;
}

} // namespace sharedmap
