#pragma once

#include "plots/liveplot.h"

namespace sharedmap {

/// Tasks per second over the job's time.
class ThroughputPlot : public LivePlot
{
    Q_OBJECT
public:
    /// An empty throughput plot.
    explicit ThroughputPlot(QWidget* parent = nullptr);

    /// Adds the rate measured `seconds` after the job started; samples come in time order.
    void addSample(double seconds, double tasksPerSecond);
    /// Number of samples since the last clear().
    qint64 sampleCount() const;
    /// Removes all samples.
    void clear() override;

protected:
    void rescaleToData() override;

private:
    QCPGraph* m_graph = nullptr;
    double m_lastSeconds = 0;
    double m_maxRate = 0;
};

} // namespace sharedmap
