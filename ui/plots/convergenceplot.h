#pragma once

#include "plots/liveplot.h"

namespace sharedmap {

/// A running mean converging to a known value (the Monte Carlo estimate of π), with its 95 %
/// band (± 1.96 standard errors of the batches seen so far) and the true value as a line.
class ConvergencePlot : public LivePlot
{
    Q_OBJECT
public:
    explicit ConvergencePlot(QWidget* parent = nullptr);

    /// The value the mean should approach, drawn as a dashed line named `label`.
    void setTarget(double value, const QString& label);
    /// Adds batch estimates in the order they completed.
    void addValues(const QVector<double>& values);
    qint64 count() const { return m_count; }
    double mean() const { return m_count > 0 ? m_sum / double(m_count) : 0; }
    /// Standard error of the mean (0 with fewer than two values).
    double standardError() const;
    QCPGraph* meanGraph() const { return m_mean; }
    void clear() override;

protected:
    void rescaleToData() override;
    void updateStyleForView() override;

private:
    QCPGraph* m_mean = nullptr;
    QCPGraph* m_upper = nullptr;
    QCPGraph* m_lower = nullptr;
    QCPGraph* m_target = nullptr;
    double m_targetValue = 0;
    qint64 m_count = 0;
    double m_sum = 0;
    double m_sumSquares = 0;
    double m_low = 0;
    double m_high = 0;
};

} // namespace sharedmap
