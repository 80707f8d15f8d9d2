#pragma once

#include "engine/pool.h"
#include "plots/liveplot.h"

namespace sharedmap {

/// Memory over time, part by part and stacked: this job's input segment at the bottom, the
/// workers' own memory (their copies, in copy mode), this job's output, the window itself and the
/// other arrays it holds on top; a dashed reference such as the array's size. In MiB.
class MemoryPlot : public LivePlot
{
    Q_OBJECT
public:
    /// The stacked parts, bottom to top.
    enum Part
    {
        InputPart,
        WorkersPart,
        OutputPart,
        WindowPart,
        OtherPart,
        PartCount
    };

    /// An empty memory plot with its legend shown.
    explicit MemoryPlot(QWidget* parent = nullptr);

    /// The legend's name of `part` (translated).
    static QString partName(Part part);
    /// Bytes of `part` in a reading.
    static qint64 partBytes(const MemoryParts& parts, Part part);

    /// Adds a reading taken `seconds` after the job started; readings come in time order.
    void addSample(double seconds, const MemoryParts& parts);
    /// Number of readings since the last clear().
    qint64 sampleCount() const;
    /// The top edge of `part`'s band: the sum of the parts up to and including it, in MiB.
    QCPGraph* partGraph(Part part) const { return m_parts[part]; }
    /// Shows `arrayBytes` as a dashed horizontal line named `label` in the legend; hidden if <= 0.
    void setReference(qint64 arrayBytes, const QString& label);
    /// The reference line's graph (visible and in the legend once setReference() was called).
    QCPGraph* referenceGraph() const { return m_reference; }
    /// Removes the readings; the reference stays.
    void clear() override;
    /// Each part at the reading nearest the pointer's time.
    QString hoverText(const QPointF& pos) const override;

protected:
    void rescaleToData() override;
    void updateStyleForView() override;

private:
    QCPGraph* m_parts[PartCount] = {};
    QCPGraph* m_reference = nullptr;
    double m_referenceMiB = -1;
    double m_lastSeconds = 0;
    double m_maxMiB = 0;
};

} // namespace sharedmap
