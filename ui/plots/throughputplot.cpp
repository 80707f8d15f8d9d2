#include "plots/throughputplot.h"

#include <cmath>

namespace sharedmap {

ThroughputPlot::ThroughputPlot(QWidget* parent)
    : LivePlot(parent)
{
    xAxis->setLabel(tr("time (s)"));
    yAxis->setLabel(tr("tasks/s"));
    m_graph = addFilledGraph(tr("throughput"), paletteColor(0));
    clear();
}

void ThroughputPlot::addSample(double seconds, double tasksPerSecond)
{
    if (!std::isfinite(seconds) || !std::isfinite(tasksPerSecond))
        return;
    m_graph->addData(seconds, tasksPerSecond);
    m_lastSeconds = qMax(m_lastSeconds, seconds);
    m_maxRate = qMax(m_maxRate, tasksPerSecond);
    setAntialiasingFor(sampleCount());
    markDirty();
}

qint64 ThroughputPlot::sampleCount() const
{
    return m_graph->data()->size();
}

void ThroughputPlot::clear()
{
    m_graph->data()->clear();
    m_lastSeconds = 0;
    m_maxRate = 0;
    setAntialiasingFor(0);
    dataCleared();
}

void ThroughputPlot::rescaleToData()
{
    xAxis->setRange(0, qMax(m_lastSeconds, 1.0));
    yAxis->setRange(0, m_maxRate > 0 ? m_maxRate * 1.1 : 1.0);
}

} // namespace sharedmap
