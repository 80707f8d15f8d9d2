#include "plots/compareplot.h"

#include <cmath>

namespace sharedmap {

namespace {
constexpr double kMiB = 1024.0 * 1024.0;
} // namespace

ComparePlot::ComparePlot(QWidget* parent)
    : LivePlot(parent)
{
    xAxis->setLabel(tr("time since the run's start (s)"));
    yAxis->setLabel(tr("memory of the run: workers + its segments (MiB)"));
    legend->setVisible(true);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);

    m_curves[Shared] = addFilledGraph(tr("%1: one copy for all workers").arg(runName(Shared)), paletteColor(0));
    m_curves[Copy] = addFilledGraph(tr("%1: one copy per worker").arg(runName(Copy)), paletteColor(2));
    // Readings are spaced to cost little (a few per second with a big array mapped): dots show
    // where they were taken, so a straight segment does not pass for a measurement.
    for (QCPGraph* curve : m_curves)
        curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));

    // Like MemoryPlot's reference: graphs spanning the visible time range (set before each draw),
    // so that they keep a legend entry, which a QCPItemStraightLine would not have.
    const Qt::PenStyle styles[] = { Qt::DashLine, Qt::DotLine };
    for (int i = 0; i < 2; ++i) {
        m_references[i] = addGraph();
        m_references[i]->setPen(QPen(QColor(0x59, 0x59, 0x59), 1.5, styles[i]));
        m_references[i]->setVisible(false);
        m_references[i]->removeFromLegend();
    }
    clear();
}

QString ComparePlot::runName(Run run)
{
    return run == Copy ? tr("copy", "the mode where each worker gets its own copy of the array")
                       : tr("shared", "the mode where all workers read the one array in shared memory");
}

void ComparePlot::addSample(Run run, double seconds, qint64 totalPssBytes)
{
    if (!std::isfinite(seconds) || seconds < 0 || totalPssBytes < 0)
        return;
    const double mib = double(totalPssBytes) / kMiB;
    m_curves[run]->addData(seconds, mib);
    m_lastSeconds = qMax(m_lastSeconds, seconds);
    m_maxMiB = qMax(m_maxMiB, mib);
    setAntialiasingFor(sampleCount(Shared) + sampleCount(Copy));
    markDirty();
}

qint64 ComparePlot::sampleCount(Run run) const
{
    return m_curves[run]->data()->size();
}

void ComparePlot::setReferences(qint64 arrayBytes, int copies)
{
    const double mib = double(arrayBytes) / kMiB;
    m_referenceMiB[0] = arrayBytes > 0 ? mib : -1;
    m_referenceMiB[1] = arrayBytes > 0 && copies > 1 ? mib * copies : -1;
    m_references[0]->setName(tr("the array (%1 MiB)").arg(mib, 0, 'f', 1));
    m_references[1]->setName(tr("%1 × the array (%2 MiB): one copy per worker, and the shared one")
                                 .arg(copies)
                                 .arg(mib * copies, 0, 'f', 1));
    for (int i = 0; i < 2; ++i) {
        const bool shown = m_referenceMiB[i] > 0;
        m_references[i]->setVisible(shown);
        if (shown)
            m_references[i]->addToLegend(); // no-op when already there
        else
            m_references[i]->removeFromLegend();
    }
    updateStyleForView();
    markDirty();
}

void ComparePlot::clear()
{
    for (QCPGraph* curve : m_curves)
        curve->data()->clear();
    m_lastSeconds = 0;
    m_maxMiB = 0;
    setAntialiasingFor(0);
    dataCleared();
}

QString ComparePlot::hoverText(const QPointF& pos) const
{
    const double seconds = xAxis->pixelToCoord(pos.x());
    QStringList lines;
    for (int run = Shared; run <= Copy; ++run) {
        const auto data = m_curves[run]->data();
        if (data->isEmpty())
            continue;
        auto it = data->findBegin(seconds, false);
        if (it == data->constEnd())
            --it;
        lines << tr("%1: %2 MiB at %3 s").arg(m_curves[run]->name()).arg(it->value, 0, 'f', 1).arg(it->key, 0, 'f', 2);
    }
    return lines.join(QLatin1Char('\n'));
}

void ComparePlot::rescaleToData()
{
    xAxis->setRange(0, qMax(m_lastSeconds * 1.02, 0.1));
    const double top = qMax(m_maxMiB, qMax(m_referenceMiB[0], m_referenceMiB[1]));
    // Headroom above the highest line keeps it clear of the legend.
    yAxis->setRange(0, top > 0 ? top * 1.35 : 1.0);
}

void ComparePlot::updateStyleForView()
{
    const QCPRange range = xAxis->range();
    for (int i = 0; i < 2; ++i) {
        if (m_referenceMiB[i] > 0)
            m_references[i]->setData({ range.lower, range.upper }, { m_referenceMiB[i], m_referenceMiB[i] }, true);
    }
}

} // namespace sharedmap
