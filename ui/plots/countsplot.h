#pragma once

#include "plots/liveplot.h"

namespace sharedmap {

/// A shared array of counts (the histogram kernel's bins) as bars, refilled as the workers add.
class CountsPlot : public LivePlot
{
    Q_OBJECT
public:
    explicit CountsPlot(QWidget* parent = nullptr);

    /// Bins of equal width covering [min, max].
    void setBins(qint64 bins, double min, double max);
    /// The counts as they stand now (one per bin).
    void setCounts(const QVector<qint64>& counts);
    QCPBars* bars() const { return m_bars; }
    void clear() override;

protected:
    void rescaleToData() override;

private:
    QCPBars* m_bars = nullptr;
    double m_min = 0;
    double m_width = 1;
    double m_maxCount = 0;
    qint64 m_binCount = 0;
};

} // namespace sharedmap
