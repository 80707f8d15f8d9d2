#include "docklayout.h"

#include <QDockWidget>
#include <QEvent>
#include <QMainWindow>
#include <QScrollArea>
#include <QSplitter>

namespace sharedmap {

namespace {
/// Below this width the demo's explanation shares the left column with the Data panel rather
/// than taking a third column from the Monitor.
constexpr int kWideWindow = 1300;

int clamp(double value, int low, int high)
{
    return qBound(low, int(value), high);
}
} // namespace

DockLayout::DockLayout(QMainWindow* window)
    : QObject(window)
    , m_window(window)
{
    // Side columns run the full height; the Results and Log docks sit under the Monitor only, so
    // the Job panel is not cut short and the Monitor keeps its width.
    window->setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    window->setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    window->installEventFilter(this);
}

QDockWidget* DockLayout::addDock(QWidget* widget, const QString& title, const QString& name, int area,
                                 const QSize& minimum)
{
    auto* dock = new QDockWidget(title, m_window);
    dock->setObjectName(name);
    dock->setWidget(widget);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                      | QDockWidget::DockWidgetClosable);
    widget->setMinimumSize(minimum);
    m_window->addDockWidget(Qt::DockWidgetArea(area), dock);
    m_docks.insert(name, dock);
    return dock;
}

void DockLayout::captureDefault()
{
    m_defaultState = m_window->saveState();
    m_defaultSplitters.clear();
    for (QSplitter* splitter : m_window->findChildren<QSplitter*>()) {
        if (!splitter->objectName().isEmpty())
            m_defaultSplitters.insert(splitter, splitter->saveState());
    }
}

void DockLayout::applyDefaultSizes()
{
    const QSize size = m_window->size();
    QDockWidget* job = m_docks.value(QStringLiteral("jobDock"));
    QDockWidget* data = m_docks.value(QStringLiteral("dataDock"));
    QDockWidget* results = m_docks.value(QStringLiteral("resultsDock"));
    QDockWidget* demo = m_docks.value(QStringLiteral("demoDock"));
    if (demo && data && !demo->isFloating()) {
        if (size.width() < kWideWindow && m_window->dockWidgetArea(demo) != Qt::LeftDockWidgetArea)
            m_window->tabifyDockWidget(data, demo);
        else if (size.width() >= kWideWindow && m_window->dockWidgetArea(demo) != Qt::RightDockWidgetArea)
            m_window->addDockWidget(Qt::RightDockWidgetArea, demo);
        data->raise();
    }
    if (job)
        m_window->resizeDocks({ job }, { clamp(size.width() * 0.28, 300, 430) }, Qt::Horizontal);
    if (job && data) {
        // The Job panel as tall as its form (up to 55 % of the column); the Data panel the rest.
        const int column = qMax(400, size.height() - 90);
        auto* scroll = qobject_cast<QScrollArea*>(job->widget());
        const int form = scroll && scroll->widget() ? scroll->widget()->sizeHint().height() + 8 : column / 2;
        const int height = qBound(220, form, int(column * 0.55));
        m_window->resizeDocks({ job, data }, { height, column - height }, Qt::Vertical);
    }
    if (results)
        m_window->resizeDocks({ results }, { clamp(size.height() * 0.2, 130, 230) }, Qt::Vertical);
    if (demo && m_window->dockWidgetArea(demo) == Qt::RightDockWidgetArea)
        m_window->resizeDocks({ demo }, { clamp(size.width() * 0.21, 280, 340) }, Qt::Horizontal);
}

void DockLayout::reset()
{
    const bool demoShown
        = m_docks.contains(QStringLiteral("demoDock")) && m_docks.value(QStringLiteral("demoDock"))->isVisible();
    m_window->restoreState(m_defaultState);
    for (auto it = m_defaultSplitters.cbegin(); it != m_defaultSplitters.cend(); ++it)
        it.key()->restoreState(it.value());
    for (QDockWidget* dock : std::as_const(m_docks)) {
        dock->setFloating(false);
        dock->setVisible(dock->objectName() != QLatin1String("demoDock") || demoShown);
    }
    applyDefaultSizes();
}

bool DockLayout::eventFilter(QObject* watched, QEvent* event)
{
    // The window's size is known once it is shown: a first start sizes the docks for it.
    if (watched == m_window && event->type() == QEvent::Show && !m_shown) {
        m_shown = true;
        if (!m_restored)
            applyDefaultSizes();
    }
    return QObject::eventFilter(watched, event);
}

} // namespace sharedmap
