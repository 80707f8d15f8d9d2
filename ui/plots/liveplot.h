#pragma once

#include <qcustomplot.h>

namespace sharedmap {

/// An axis ticker that puts ticks on whole numbers only, for indices, rows and columns.
class IntegerTicker : public QCPAxisTicker
{
protected:
    double getTickStep(const QCPRange& range) override { return qMax(1.0, QCPAxisTicker::getTickStep(range)); }
};

/// How a plot is written to a file: its size in pixels (0: as on screen, at least a minimum),
/// a scale for the resolution (2: twice the pixels, as for 192 dpi), and a title above it.
struct PlotExport
{
    int width = 0;
    int height = 0;
    double scale = 1.0;
    QString title;
};

/// Common base of SharedMap's plots: a light look, mouse zoom and pan, "Reset view" (double-click
/// or context menu), PNG/PDF export, hover tooltips, and a pull-based refresh().
///
/// Plots never own a timer: whoever feeds them calls refresh() from its own ~30 Hz timer, and the
/// plot replots (queued) only when data arrived since the previous call.
class LivePlot : public QCustomPlot
{
    Q_OBJECT
public:
    /// Sets up the look, the interactions and the context menu.
    explicit LivePlot(QWidget* parent = nullptr);

    /// Colour `index` of the fixed qualitative palette (Tableau 10), cycling after ten.
    static QColor paletteColor(int index);
    /// Viridis at nine stops: perceptually uniform and readable by colour-blind users (NaN grey).
    static QCPColorGradient viridis();

    /// Replots with rpQueuedReplot if data arrived since the last call; cheap when nothing did.
    void refresh();
    /// True when data arrived since the last refresh().
    bool isDirty() const { return m_dirty; }
    /// Removes all data.
    virtual void clear() = 0;
    /// Rescales the axes to the data, follows new data again and replots.
    void resetView();
    /// Whether the view follows new data (false once the user zoomed or panned, until resetView()).
    bool followsData() const { return m_follow; }
    /// Writes the plot to `path` as PNG, PDF or SVG, chosen by the extension; false with `error`
    /// set for another extension or a failed write.
    bool save(const QString& path, QString* error, const PlotExport& options = {});
    /// The plot's size when written with `options` (before the scale).
    QSize exportSize(const PlotExport& options) const;
    /// The tooltip text for the mouse at `pos` (widget pixels, inside the axis rect); empty for none.
    virtual QString hoverText(const QPointF& pos) const;

protected:
    /// Subclasses call this when data changed; the next refresh() replots.
    void markDirty() { m_dirty = true; }
    /// Subclasses call this from clear(): the view follows the data again and replots on refresh().
    void dataCleared();
    /// Sets the axis ranges to show all data; called by resetView() and, while following, refresh().
    virtual void rescaleToData() = 0;
    /// Adapts styles to the current view just before every draw (replot or export); cheap.
    virtual void updateStyleForView() { }
    /// A time series drawn as a line over a light fill of the same colour (throughput, memory).
    QCPGraph* addFilledGraph(const QString& name, const QColor& color);
    /// Antialiasing on for a few points, off for many (speed, and crisper dense plots).
    void setAntialiasingFor(qint64 pointCount);
    /// Ticks `axis` at whole numbers, labelled without exponents (indices, rows, columns).
    static void useIntegerTicks(QCPAxis* axis);
    /// A range around [lower, upper] with `fraction` of padding; never empty or inverted.
    static QCPRange paddedRange(double lower, double upper, double fraction);

    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void applyLightStyle();
    void showContextMenu(const QPoint& pos);
    void saveWithDialog();

    bool m_dirty = false;
    bool m_follow = true;
};

} // namespace sharedmap
