#include "plots/memoryplot.h"

#include <cmath>

namespace sharedmap {

namespace {
constexpr double kMiB = 1024.0 * 1024.0;
/// Palette colours of the parts: blue input, orange workers, green output, purple window, grey others.
constexpr int kColours[MemoryPlot::PartCount] = { 0, 1, 4, 6, 9 };
} // namespace

MemoryPlot::MemoryPlot(QWidget* parent)
    : LivePlot(parent)
{
    xAxis->setLabel(tr("time (s)"));
    yAxis->setLabel(tr("memory (MiB), stacked"));
    // The legend in a row of its own below the plot, three entries a line: six entries inside
    // the axis rect covered the bands on a small window.
    legend->setVisible(true);
    legend->setWrap(3);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setBorderPen(Qt::NoPen);
    axisRect()->insetLayout()->take(legend);
    plotLayout()->addElement(1, 0, legend);
    legend->setMargins(QMargins(6, 2, 6, 4));
    plotLayout()->setRowStretchFactor(1, 0.001);
    plotLayout()->simplify();

    // Each part's graph holds the running sum up to it and fills down to the part below, so the
    // bands stack and the top edge is the total; shared memory is counted once, in its segment.
    for (int part = 0; part < PartCount; ++part) {
        QCPGraph* graph = addGraph();
        graph->setName(partName(Part(part)));
        const QColor colour = paletteColor(kColours[part]);
        graph->setPen(QPen(colour.darker(115), 1));
        QColor fill = colour;
        fill.setAlpha(110);
        graph->setBrush(fill);
        if (part > 0)
            graph->setChannelFillGraph(m_parts[part - 1]);
        m_parts[part] = graph;
    }

    // The reference spans the visible time range (set before each draw), so it reads as a line
    // across the plot while keeping a legend entry, which a QCPItemStraightLine would not have.
    m_reference = addGraph();
    m_reference->setPen(QPen(paletteColor(2), 1.5, Qt::DashLine));
    m_reference->setVisible(false);
    m_reference->removeFromLegend();
    clear();
}

QString MemoryPlot::partName(Part part)
{
    switch (part) {
    case InputPart:
        return tr("this job's input (shared memory)");
    case WorkersPart:
        return tr("workers' own memory");
    case OutputPart:
        return tr("this job's results (shared memory)");
    case WindowPart:
        return tr("the window itself");
    case OtherPart:
    case PartCount:
        break;
    }
    return tr("other arrays held");
}

qint64 MemoryPlot::partBytes(const MemoryParts& parts, Part part)
{
    switch (part) {
    case InputPart:
        return parts.inputBytes;
    case WorkersPart:
        return parts.workersBytes();
    case OutputPart:
        return parts.outputBytes;
    case WindowPart:
        return parts.appBytes;
    case OtherPart:
        return parts.otherBytes;
    case PartCount:
        break;
    }
    return 0;
}

void MemoryPlot::addSample(double seconds, const MemoryParts& parts)
{
    if (!std::isfinite(seconds))
        return;
    double sum = 0;
    for (int part = 0; part < PartCount; ++part) {
        sum += double(qMax<qint64>(0, partBytes(parts, Part(part)))) / kMiB;
        m_parts[part]->addData(seconds, sum);
    }
    m_lastSeconds = qMax(m_lastSeconds, seconds);
    m_maxMiB = qMax(m_maxMiB, sum);
    setAntialiasingFor(sampleCount());
    markDirty();
}

qint64 MemoryPlot::sampleCount() const
{
    return m_parts[0]->data()->size();
}

void MemoryPlot::setReference(qint64 arrayBytes, const QString& label)
{
    m_referenceMiB = arrayBytes > 0 ? double(arrayBytes) / kMiB : -1;
    m_reference->setName(label);
    m_reference->setVisible(arrayBytes > 0);
    if (arrayBytes > 0)
        m_reference->addToLegend(); // no-op when already there
    else
        m_reference->removeFromLegend();
    updateStyleForView();
    markDirty();
}

void MemoryPlot::clear()
{
    for (QCPGraph* graph : m_parts)
        graph->data()->clear();
    m_lastSeconds = 0;
    m_maxMiB = 0;
    setAntialiasingFor(0);
    dataCleared();
}

QString MemoryPlot::hoverText(const QPointF& pos) const
{
    if (sampleCount() == 0)
        return {};
    const double seconds = xAxis->pixelToCoord(pos.x());
    QStringList lines;
    double below = 0;
    double at = 0;
    for (int part = 0; part < PartCount; ++part) {
        const auto data = m_parts[part]->data();
        auto it = data->findBegin(seconds, false);
        if (it == data->constEnd())
            --it;
        at = it->key;
        lines << tr("%1: %2 MiB").arg(m_parts[part]->name()).arg(it->value - below, 0, 'f', 1);
        below = it->value;
    }
    lines.prepend(tr("at %1 s, %2 MiB in all:").arg(at, 0, 'f', 2).arg(below, 0, 'f', 1));
    return lines.join(QLatin1Char('\n'));
}

void MemoryPlot::rescaleToData()
{
    xAxis->setRange(0, qMax(m_lastSeconds, 1.0));
    const double top = qMax(m_maxMiB, m_referenceMiB);
    yAxis->setRange(0, top > 0 ? top * 1.1 : 1.0);
}

void MemoryPlot::updateStyleForView()
{
    if (m_referenceMiB < 0)
        return;
    const QCPRange range = xAxis->range();
    m_reference->setData({ range.lower, range.upper }, { m_referenceMiB, m_referenceMiB }, true);
}

} // namespace sharedmap
