#include "plots/timelineplot.h"

#include "plots/chunklane.h"

#include <cmath>

namespace sharedmap {

namespace {
// Lane labels need about this many pixels each; with more lanes, only every k-th is labelled.
constexpr double kLabelHeightPx = 16;
// Hover tolerance around a bar, in pixels along the time axis.
constexpr double kHoverTolerancePx = 2;

QString formatDuration(double seconds)
{
    // Milliseconds with three decimals read well; below a millisecond keep two significant digits.
    return seconds >= 0.001 || seconds <= 0 ? QString::number(seconds, 'f', 3) : QString::number(seconds, 'g', 2);
}
} // namespace

TimelinePlot::TimelinePlot(QWidget* parent)
    : LivePlot(parent)
    , m_laneTicker(new QCPAxisTickerText)
{
    xAxis->setLabel(tr("time (s)"));
    yAxis->setTicker(m_laneTicker);
    yAxis->setRangeReversed(true); // worker 0 on top, as in a list of workers
    yAxis->grid()->setVisible(false);
    yAxis->setTickLengthOut(0);
    axisRect()->setRangeDrag(Qt::Horizontal);
    axisRect()->setRangeZoom(Qt::Horizontal);
    setNotAntialiasedElements(QCP::aePlottables); // bars are axis-aligned rectangles: keep them crisp
    setWorkerCount(1);
}

void TimelinePlot::setWorkerCount(int n)
{
    n = qMax(n, 0);
    while (m_lanes.size() > n)
        removePlottable(m_lanes.takeLast());
    while (m_lanes.size() < n) {
        auto* lane = new ChunkLane(xAxis, yAxis, m_lanes.size());
        lane->setName(tr("worker %1").arg(m_lanes.size()));
        lane->setBrush(paletteColor(m_lanes.size()));
        lane->removeFromLegend();
        m_lanes.append(lane);
    }
    m_labelStep = 0; // relabel on the next draw
    markDirty();
}

void TimelinePlot::addChunk(const sharedmap::ChunkEvent& chunk)
{
    if (chunk.slot < 0)
        return;
    if (chunk.slot >= m_lanes.size())
        setWorkerCount(chunk.slot + 1);
    ChunkEvent shifted = chunk;
    shifted.startS += m_offsetS;
    shifted.endS += m_offsetS;
    m_lanes[chunk.slot]->addChunk(shifted);
    markDirty();
}

void TimelinePlot::beginResumedRun(double offsetS)
{
    m_offsetS = qMax(0.0, offsetS);
    // A line where the resumed run starts: the time axis is the job's, across its runs.
    auto* line = new QCPItemStraightLine(this);
    line->setPen(QPen(QColor(0x59, 0x59, 0x59), 1.2, Qt::DashLine));
    line->point1->setCoords(m_offsetS, 0);
    line->point2->setCoords(m_offsetS, 1);
    auto* label = new QCPItemText(this);
    label->setText(tr("resumed"));
    label->setColor(QColor(0x59, 0x59, 0x59));
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    label->position->setTypeX(QCPItemPosition::ptPlotCoords);
    label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    label->position->setCoords(m_offsetS, 0.0);
    label->setPadding(QMargins(4, 2, 4, 2));
    ++m_runs;
    markDirty();
}

qint64 TimelinePlot::chunkCount() const
{
    qint64 count = 0;
    for (const ChunkLane* lane : m_lanes)
        count += lane->chunkCount();
    return count;
}

QString TimelinePlot::chunkTextAt(double seconds, int slot, double toleranceS) const
{
    if (slot < 0 || slot >= m_lanes.size())
        return {};
    const ChunkEvent* chunk = m_lanes[slot]->chunkAt(seconds, toleranceS);
    if (!chunk)
        return {};
    const QString duration = formatDuration(chunk->endS - chunk->startS);
    if (chunk->count == 1)
        return tr("worker %1: position %2, %3 s").arg(slot).arg(chunk->begin).arg(duration);
    // Positions as a Python range, the end excluded: what `indices[277:279]` would select.
    return tr("worker %1: positions %2:%3 (%4), %5 s")
        .arg(slot)
        .arg(chunk->begin)
        .arg(chunk->begin + chunk->count)
        .arg(chunk->count)
        .arg(duration);
}

QString TimelinePlot::hoverText(const QPointF& pos) const
{
    const double laneCoord = yAxis->pixelToCoord(pos.y());
    const int slot = int(std::lround(laneCoord));
    if (std::abs(laneCoord - slot) > ChunkLane::kHalfHeight)
        return {};
    const double seconds = xAxis->pixelToCoord(pos.x());
    const double tolerance = std::abs(xAxis->pixelToCoord(pos.x() + kHoverTolerancePx) - seconds);
    return chunkTextAt(seconds, slot, tolerance);
}

void TimelinePlot::clear()
{
    for (ChunkLane* lane : m_lanes)
        lane->clearChunks();
    clearItems(); // the marks of resumed runs
    m_offsetS = 0;
    m_runs = 1;
    dataCleared();
}

void TimelinePlot::rescaleToData()
{
    double end = 0;
    for (const ChunkLane* lane : m_lanes)
        end = qMax(end, lane->maxEnd());
    xAxis->setRange(0, end > 0 ? end * 1.02 : 1.0);
    yAxis->setRange(-0.6, qMax(1, int(m_lanes.size())) - 0.4);
}

void TimelinePlot::updateStyleForView()
{
    // Before the first layout the axis rect has no height yet: estimate it from the widget's.
    const int pixels = axisRect()->height() > 0 ? axisRect()->height() : height() - 60;
    const double pixelsPerLane = pixels / qMax(1.0, yAxis->range().size());
    const int step = qMax(1, int(std::ceil(kLabelHeightPx / qMax(1.0, pixelsPerLane))));
    if (step == m_labelStep)
        return;
    m_labelStep = step;
    m_laneTicker->clear();
    for (int i = 0; i < m_lanes.size(); i += step)
        m_laneTicker->addTick(i, tr("worker %1").arg(i));
}

} // namespace sharedmap
