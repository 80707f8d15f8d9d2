#include "plots/resultsplot.h"

#include <cmath>

namespace sharedmap {

namespace {
// Hover picks the nearest point within this many pixels.
constexpr double kHoverRadiusPx = 8;
// Bound on points examined per side for one hover, so a column of 10^5 points stays instant.
constexpr int kHoverScanLimit = 4096;
// Lines once there are more visible points than this fraction of the axis' pixels.
constexpr double kDensePointsPerPixel = 0.25;
} // namespace

ResultsPlot::ResultsPlot(QWidget* parent)
    : LivePlot(parent)
{
    xAxis->setLabel(tr("index"));
    useIntegerTicks(xAxis);
    yAxis->setLabel(tr("result"));
    m_graph = addGraph();
    m_graph->setName(tr("results"));
    m_graph->setAdaptiveSampling(true);
    const QColor color = paletteColor(0);
    m_graph->setPen(QPen(color, 1)); // width 1: the fast polyline path (a wider zigzag stroke costs ~100 ms)
    m_graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 5));
    m_graph->setLineStyle(QCPGraph::lsNone);
    reset(0);
}

void ResultsPlot::reset(qint64 taskCount)
{
    m_taskCount = qMax<qint64>(taskCount, 0);
    m_graph->data()->clear();
    m_haveIndex = m_haveValue = false;
    setAntialiasingFor(m_taskCount);
    dataCleared();
}

void ResultsPlot::clear()
{
    reset(0);
}

void ResultsPlot::addPoints(const QVector<double>& indices, const QVector<double>& values)
{
    const int n = qMin(indices.size(), values.size());
    if (n == 0)
        return;
    QVector<QCPGraphData> batch(n);
    for (int i = 0; i < n; ++i) {
        const double key = indices[i];
        const double value = values[i];
        batch[i] = QCPGraphData(key, value);
        if (std::isfinite(key)) {
            m_minIndex = m_haveIndex ? qMin(m_minIndex, key) : key;
            m_maxIndex = m_haveIndex ? qMax(m_maxIndex, key) : key;
            m_haveIndex = true;
        }
        if (std::isfinite(value)) {
            m_minValue = m_haveValue ? qMin(m_minValue, value) : value;
            m_maxValue = m_haveValue ? qMax(m_maxValue, value) : value;
            m_haveValue = true;
        }
    }
    // Sorts the batch and merges it in; batches that extend the end (the usual case) just append.
    m_graph->data()->add(batch, false);
    setAntialiasingFor(qMax<qint64>(m_taskCount, pointCount()));
    markDirty();
}

qint64 ResultsPlot::pointCount() const
{
    return m_graph->data()->size();
}

void ResultsPlot::rescaleToData()
{
    if (m_haveIndex) {
        // At least half an index either side, so the first and last dots clear the axes.
        QCPRange range = paddedRange(m_minIndex, m_maxIndex, 0.02);
        range.lower = qMin(range.lower, m_minIndex - 0.5);
        range.upper = qMax(range.upper, m_maxIndex + 0.5);
        xAxis->setRange(range);
    } else
        xAxis->setRange(0, qMax<qint64>(m_taskCount - 1, 1));
    if (m_haveValue)
        yAxis->setRange(paddedRange(m_minValue, m_maxValue, 0.08));
    else
        yAxis->setRange(0, 1);
}

void ResultsPlot::updateStyleForView()
{
    // Lines for dense data, dots for sparse: decided on the visible points, so zooming into a
    // dense plot shows the individual results. Two binary searches, no scan.
    const auto data = m_graph->data();
    const QCPRange range = xAxis->range();
    const auto begin = data->findBegin(range.lower, false);
    const auto end = data->findEnd(range.upper, false);
    const double visible = double(end - begin);
    const double pixels = qMax(1, axisRect()->width());
    const bool dense = visible > pixels * kDensePointsPerPixel;
    m_graph->setLineStyle(dense ? QCPGraph::lsLine : QCPGraph::lsNone);
    QCPScatterStyle scatter = m_graph->scatterStyle();
    scatter.setShape(dense ? QCPScatterStyle::ssNone : QCPScatterStyle::ssDisc);
    scatter.setSize(visible > 1000 ? 3 : visible > 50 ? 5 : 7);
    m_graph->setScatterStyle(scatter);
}

QString ResultsPlot::hoverText(const QPointF& pos) const
{
    const auto data = m_graph->data();
    if (data->isEmpty())
        return {};
    const double key = xAxis->pixelToCoord(pos.x());
    const auto start = data->findBegin(key, false); // first point with a key >= the mouse's
    double bestDistance2 = kHoverRadiusPx * kHoverRadiusPx;
    QCPGraphDataContainer::const_iterator best = data->constEnd();
    // Scans outwards from the mouse's key and stops once the key alone is farther than the best.
    auto consider = [&](QCPGraphDataContainer::const_iterator it) {
        const double dx = xAxis->coordToPixel(it->key) - pos.x();
        if (dx * dx > bestDistance2)
            return false;
        if (std::isfinite(it->value)) {
            const double dy = yAxis->coordToPixel(it->value) - pos.y();
            if (dx * dx + dy * dy <= bestDistance2) {
                bestDistance2 = dx * dx + dy * dy;
                best = it;
            }
        }
        return true;
    };
    int scanned = 0;
    for (auto it = start; it != data->constEnd() && scanned < kHoverScanLimit; ++it, ++scanned) {
        if (!consider(it))
            break;
    }
    scanned = 0;
    for (auto it = start; it != data->constBegin() && scanned < kHoverScanLimit; ++scanned) {
        if (!consider(--it))
            break;
    }
    if (best == data->constEnd())
        return {};
    return tr("index %1: %2").arg(qint64(best->key)).arg(QString::number(best->value, 'g', 6));
}

} // namespace sharedmap
