#include "plots/convergenceplot.h"

#include <cmath>

namespace sharedmap {

ConvergencePlot::ConvergencePlot(QWidget* parent)
    : LivePlot(parent)
{
    xAxis->setLabel(tr("batches done"));
    yAxis->setLabel(tr("running estimate"));
    legend->setVisible(true);
    useIntegerTicks(xAxis);
    QColor band = paletteColor(0);
    band.setAlpha(50);
    m_upper = addGraph();
    m_upper->setPen(Qt::NoPen);
    m_upper->setName(tr("95 % band"));
    m_lower = addGraph();
    m_lower->setPen(Qt::NoPen);
    m_lower->removeFromLegend();
    m_upper->setBrush(band);
    m_upper->setChannelFillGraph(m_lower);
    m_mean = addGraph();
    m_mean->setPen(QPen(paletteColor(0), 1.5));
    m_mean->setName(tr("running mean"));
    m_target = addGraph();
    m_target->setPen(QPen(paletteColor(2), 1.5, Qt::DashLine));
    m_target->setVisible(false);
    m_target->removeFromLegend();
    clear();
}

void ConvergencePlot::setTarget(double value, const QString& label)
{
    m_targetValue = value;
    m_target->setName(label);
    m_target->setVisible(true);
    m_target->addToLegend();
    markDirty();
}

double ConvergencePlot::standardError() const
{
    if (m_count < 2)
        return 0;
    const double n = double(m_count);
    const double variance = qMax(0.0, (m_sumSquares - m_sum * m_sum / n) / (n - 1));
    return std::sqrt(variance / n);
}

void ConvergencePlot::addValues(const QVector<double>& values)
{
    for (double v : values) {
        if (!std::isfinite(v))
            continue;
        ++m_count;
        m_sum += v;
        m_sumSquares += v * v;
        const double x = double(m_count);
        const double m = mean();
        const double e = 1.96 * standardError();
        m_mean->addData(x, m);
        m_upper->addData(x, m + e);
        m_lower->addData(x, m - e);
        if (m_count > 1) { // the first point alone says little; keep it out of the range
            m_low = m_count == 2 ? m - e : qMin(m_low, m - e);
            m_high = m_count == 2 ? m + e : qMax(m_high, m + e);
        }
    }
    setAntialiasingFor(m_count);
    markDirty();
}

void ConvergencePlot::clear()
{
    m_mean->data()->clear();
    m_upper->data()->clear();
    m_lower->data()->clear();
    m_count = 0;
    m_sum = m_sumSquares = 0;
    m_low = m_high = 0;
    dataCleared();
}

void ConvergencePlot::rescaleToData()
{
    xAxis->setRange(0, qMax<double>(double(m_count), 2.0));
    double low = m_count > 1 ? m_low : m_targetValue - 0.1;
    double high = m_count > 1 ? m_high : m_targetValue + 0.1;
    low = qMin(low, m_targetValue);
    high = qMax(high, m_targetValue);
    const double pad = qMax((high - low) * 0.15, 1e-6);
    yAxis->setRange(low - pad, high + pad);
}

void ConvergencePlot::updateStyleForView()
{
    const QCPRange range = xAxis->range();
    m_target->setData({ range.lower, range.upper }, { m_targetValue, m_targetValue }, true);
}

} // namespace sharedmap
