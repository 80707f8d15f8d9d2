#include "plots/countsplot.h"

namespace sharedmap {

CountsPlot::CountsPlot(QWidget* parent)
    : LivePlot(parent)
{
    xAxis->setLabel(tr("value"));
    yAxis->setLabel(tr("count"));
    m_bars = new QCPBars(xAxis, yAxis);
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(paletteColor(0));
    clear();
}

void CountsPlot::setBins(qint64 bins, double min, double max)
{
    m_binCount = qMax<qint64>(1, bins);
    m_min = min;
    m_width = (max - min) / double(m_binCount);
    m_bars->setWidth(m_width);
    clear();
}

void CountsPlot::setCounts(const QVector<qint64>& counts)
{
    QVector<double> keys(counts.size()), values(counts.size());
    m_maxCount = 0;
    for (qsizetype i = 0; i < counts.size(); ++i) {
        keys[i] = m_min + (double(i) + 0.5) * m_width;
        values[i] = double(counts[i]);
        m_maxCount = qMax(m_maxCount, values[i]);
    }
    m_bars->setData(keys, values, true);
    markDirty();
}

void CountsPlot::clear()
{
    m_bars->data()->clear();
    m_maxCount = 0;
    dataCleared();
}

void CountsPlot::rescaleToData()
{
    xAxis->setRange(m_min, m_min + m_width * double(m_binCount));
    yAxis->setRange(0, m_maxCount > 0 ? m_maxCount * 1.1 : 1.0);
}

} // namespace sharedmap
