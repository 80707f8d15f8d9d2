#pragma once

#include "plots/liveplot.h"

namespace sharedmap {

/// Results against their index, as they arrive. Dense data is drawn as a line (with QCPGraph's
/// adaptive sampling, fine at 10^6 points), sparse data as dots; hovering shows the nearest point.
class ResultsPlot : public LivePlot
{
    Q_OBJECT
public:
    /// An empty results plot.
    explicit ResultsPlot(QWidget* parent = nullptr);

    /// Empties the plot for a job of `taskCount` tasks.
    void reset(qint64 taskCount);
    /// Adds a batch of points; indices may be unsorted and may repeat. Extra entries of the longer
    /// vector are ignored.
    void addPoints(const QVector<double>& indices, const QVector<double>& values);
    /// Number of points added since the last reset().
    qint64 pointCount() const;
    /// Same as reset(0).
    void clear() override;
    /// "index 12: 0.53421" for the point nearest to `pos` within a few pixels; empty if none.
    QString hoverText(const QPointF& pos) const override;
    /// The graph, for tests and exports.
    QCPGraph* graph() const { return m_graph; }

protected:
    void rescaleToData() override;
    void updateStyleForView() override;

private:
    QCPGraph* m_graph = nullptr;
    qint64 m_taskCount = 0;
    double m_minIndex = 0;
    double m_maxIndex = 0;
    double m_minValue = 0;
    double m_maxValue = 0;
    bool m_haveIndex = false;
    bool m_haveValue = false;
};

} // namespace sharedmap
