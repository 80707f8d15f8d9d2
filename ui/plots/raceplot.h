#pragma once

#include "plots/liveplot.h"

namespace sharedmap {

/// The race demo, live: the shared counter against what it should be (tasks done × iterations)
/// over time. Without a lock the counter falls behind: every gap is a lost update.
class RacePlot : public LivePlot
{
    Q_OBJECT
public:
    explicit RacePlot(QWidget* parent = nullptr);

    /// Adds one reading, `seconds` after the job started.
    void addSample(double seconds, qint64 expected, qint64 counter);
    qint64 sampleCount() const;
    QCPGraph* expectedGraph() const { return m_expected; }
    QCPGraph* counterGraph() const { return m_counter; }
    void clear() override;

protected:
    void rescaleToData() override;

private:
    QCPGraph* m_expected = nullptr;
    QCPGraph* m_counter = nullptr;
    double m_lastSeconds = 0;
    double m_max = 0;
};

} // namespace sharedmap
