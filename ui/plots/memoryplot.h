#pragma once

#include "plots/liveplot.h"

namespace sharedmap {

/// Total memory (PSS of the app and its workers) over time, next to a reference such as the
/// array's size, in MiB.
class MemoryPlot : public LivePlot
{
    Q_OBJECT
public:
    /// An empty memory plot with its legend shown.
    explicit MemoryPlot(QWidget* parent = nullptr);

    /// Adds the total PSS measured `seconds` after the job started; samples come in time order.
    void addSample(double seconds, qint64 totalPssBytes);
    /// Number of samples since the last clear().
    qint64 sampleCount() const;
    /// Shows `arrayBytes` as a dashed horizontal line named `label` in the legend; hidden if <= 0.
    void setReference(qint64 arrayBytes, const QString& label);
    /// The reference line's graph (visible and in the legend once setReference() was called).
    QCPGraph* referenceGraph() const { return m_reference; }
    /// Removes the samples; the reference stays.
    void clear() override;

protected:
    void rescaleToData() override;
    void updateStyleForView() override;

private:
    QCPGraph* m_pss = nullptr;
    QCPGraph* m_reference = nullptr;
    double m_referenceMiB = -1;
    double m_lastSeconds = 0;
    double m_maxMiB = 0;
};

} // namespace sharedmap
