#include "plots/raceplot.h"

namespace sharedmap {

RacePlot::RacePlot(QWidget* parent)
    : LivePlot(parent)
{
    xAxis->setLabel(tr("time (s)"));
    yAxis->setLabel(tr("shared counter"));
    legend->setVisible(true);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    m_expected = addGraph();
    m_expected->setName(tr("expected (increments made)"));
    m_expected->setPen(QPen(paletteColor(2), 1.5, Qt::DashLine));
    m_counter = addFilledGraph(tr("counter as the workers left it"), paletteColor(0));
    clear();
}

void RacePlot::addSample(double seconds, qint64 expected, qint64 counter)
{
    m_expected->addData(seconds, double(expected));
    m_counter->addData(seconds, double(counter));
    m_lastSeconds = qMax(m_lastSeconds, seconds);
    m_max = qMax(m_max, double(qMax(expected, counter)));
    markDirty();
}

qint64 RacePlot::sampleCount() const
{
    return m_counter->data()->size();
}

void RacePlot::clear()
{
    m_expected->data()->clear();
    m_counter->data()->clear();
    m_lastSeconds = 0;
    m_max = 0;
    dataCleared();
}

void RacePlot::rescaleToData()
{
    xAxis->setRange(0, qMax(m_lastSeconds, 0.1));
    yAxis->setRange(0, m_max > 0 ? m_max * 1.3 : 1.0);
}

} // namespace sharedmap
