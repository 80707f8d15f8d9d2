#pragma once

#include <QHash>
#include <QObject>

class QDockWidget;
class QMainWindow;
class QSplitter;
class QWidget;

namespace sharedmap {

/// Where the window's panels go: the docks around the Monitor, their default sizes for the
/// window's size (the Monitor first: side docks take what they need, not what is left), and
/// View ▸ Reset layout, which brings that arrangement back.
class DockLayout : public QObject
{
    Q_OBJECT
public:
    explicit DockLayout(QMainWindow* window);

    /// Adds `widget` as a closable, movable dock in `area`; `minimum` is the smallest size it may
    /// be squeezed to.
    QDockWidget* addDock(QWidget* widget, const QString& title, const QString& name, int area, const QSize& minimum);
    /// Records the arrangement made so far (and the splitters' sizes) as the default.
    void captureDefault();
    /// Whether a saved arrangement was restored (then default sizes are not forced on it).
    void setRestored(bool restored) { m_restored = restored; }
    /// Sizes the docks for the window's current size; the demo dock goes beside the Data panel on
    /// a narrow window and to the right on a wide one.
    void applyDefaultSizes();
    /// View ▸ Reset layout: the default arrangement, every dock shown but the demo's (shown when
    /// a demo is), default sizes.
    void reset();

    QDockWidget* dock(const QString& name) const { return m_docks.value(name); }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QMainWindow* m_window;
    QHash<QString, QDockWidget*> m_docks;
    QByteArray m_defaultState;
    QHash<QSplitter*, QByteArray> m_defaultSplitters;
    bool m_restored = false;
    bool m_shown = false;
};

} // namespace sharedmap
