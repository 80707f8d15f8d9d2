#pragma once

#include "plots/liveplot.h"

namespace sharedmap {

/// Memory of two runs of the same job (each run's workers and segments) overlaid against seconds
/// since each run's start: one curve per mode, with the array's size and (workers + 1) × that
/// size as dashed reference lines, in MiB.
class ComparePlot : public LivePlot
{
    Q_OBJECT
public:
    /// The two runs the plot can show.
    enum Run
    {
        Shared = 0,
        Copy = 1
    };

    /// An empty plot with its legend shown.
    explicit ComparePlot(QWidget* parent = nullptr);

    /// The name shown for `run` (translated; the CLI's `--mode` values are "shared" and "copy").
    static QString runName(Run run);

    /// Adds the total PSS measured `seconds` after `run` started; samples come in time order.
    void addSample(Run run, double seconds, qint64 totalPssBytes);
    /// Number of samples of `run` since the last clear().
    qint64 sampleCount(Run run) const;
    /// The curve of `run`.
    QCPGraph* curve(Run run) const { return m_curves[run]; }
    /// Shows the array's size and `copies` × it as reference lines (hidden when `arrayBytes` <= 0;
    /// the second when `copies` <= 1). A copy run holds workers + 1: its copies and the shared one.
    void setReferences(qint64 arrayBytes, int copies);
    /// The reference lines: 0 the array, 1 the workers' copies.
    QCPGraph* referenceLine(int which) const { return m_references[which]; }
    /// Removes the samples and the references.
    void clear() override;
    QString hoverText(const QPointF& pos) const override;

protected:
    void rescaleToData() override;
    void updateStyleForView() override;

private:
    QCPGraph* m_curves[2] = {};
    QCPGraph* m_references[2] = {};
    double m_referenceMiB[2] = { -1, -1 };
    double m_lastSeconds = 0;
    double m_maxMiB = 0;
};

} // namespace sharedmap
