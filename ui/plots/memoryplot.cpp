#include "plots/memoryplot.h"

#include <cmath>

namespace sharedmap {

namespace {
constexpr double kMiB = 1024.0 * 1024.0;
} // namespace

MemoryPlot::MemoryPlot(QWidget* parent)
    : LivePlot(parent)
{
    xAxis->setLabel(tr("time (s)"));
    yAxis->setLabel(tr("memory (MiB)"));
    legend->setVisible(true);

    m_pss = addFilledGraph(tr("total PSS (app + workers)"), paletteColor(4));

    // The reference spans the visible time range (set before each draw), so it reads as a line
    // across the plot while keeping a legend entry, which a QCPItemStraightLine would not have.
    m_reference = addGraph();
    m_reference->setPen(QPen(paletteColor(2), 1.5, Qt::DashLine));
    m_reference->setVisible(false);
    m_reference->removeFromLegend();
    clear();
}

void MemoryPlot::addSample(double seconds, qint64 totalPssBytes)
{
    if (!std::isfinite(seconds) || totalPssBytes < 0)
        return;
    const double mib = double(totalPssBytes) / kMiB;
    m_pss->addData(seconds, mib);
    m_lastSeconds = qMax(m_lastSeconds, seconds);
    m_maxMiB = qMax(m_maxMiB, mib);
    setAntialiasingFor(sampleCount());
    markDirty();
}

qint64 MemoryPlot::sampleCount() const
{
    return m_pss->data()->size();
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
    m_pss->data()->clear();
    m_lastSeconds = 0;
    m_maxMiB = 0;
    setAntialiasingFor(0);
    dataCleared();
}

void MemoryPlot::rescaleToData()
{
    xAxis->setRange(0, qMax(m_lastSeconds, 1.0));
    const double top = qMax(m_maxMiB, m_referenceMiB);
    // Headroom above the highest line keeps it clear of the legend.
    yAxis->setRange(0, top > 0 ? top * 1.25 : 1.0);
}

void MemoryPlot::updateStyleForView()
{
    if (m_referenceMiB < 0)
        return;
    const QCPRange range = xAxis->range();
    m_reference->setData({ range.lower, range.upper }, { m_referenceMiB, m_referenceMiB }, true);
}

} // namespace sharedmap
