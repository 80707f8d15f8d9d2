#pragma once

#include "job/jobresult.h"
#include "plots/liveplot.h"

namespace sharedmap {

class ChunkLane;

/// The worker timeline: one lane per worker, each finished chunk a bar from its start to its end
/// time, coloured by worker. Zoom and pan act on the time axis only.
class TimelinePlot : public LivePlot
{
    Q_OBJECT
public:
    /// A timeline with one empty lane.
    explicit TimelinePlot(QWidget* parent = nullptr);

    /// Shows `n` lanes, "worker 0" to "worker n-1"; chunks of lanes beyond `n` are dropped.
    void setWorkerCount(int n);
    /// Number of lanes.
    int workerCount() const { return m_lanes.size(); }
    /// Adds a finished chunk to its worker's lane (adding lanes if its slot is beyond the last).
    void addChunk(const sharedmap::ChunkEvent& chunk);
    /// Number of chunks on all lanes.
    qint64 chunkCount() const;
    /// The text for worker `slot` at `seconds`: "worker 1: positions 700–706 (7), 0.012 s";
    /// the nearest chunk within `toleranceS` counts; empty when there is none.
    QString chunkTextAt(double seconds, int slot, double toleranceS = 0) const;
    /// Hover text of the chunk under `pos` (a couple of pixels of tolerance).
    QString hoverText(const QPointF& pos) const override;
    /// Continues the timeline with a resumed run: its chunks are drawn `offsetS` later (the time
    /// the earlier runs took), after a line marking the resumption. clear() starts over.
    void beginResumedRun(double offsetS);
    /// Runs shown: 1, plus one per beginResumedRun() since the last clear().
    int runCount() const { return m_runs; }
    /// Seconds added to the running run's chunk times.
    double timeOffset() const { return m_offsetS; }
    /// Removes all chunks and resumption marks; the lanes stay.
    void clear() override;

protected:
    void rescaleToData() override;
    void updateStyleForView() override;

private:
    QVector<ChunkLane*> m_lanes;
    QSharedPointer<QCPAxisTickerText> m_laneTicker;
    double m_offsetS = 0;
    int m_runs = 1;
    int m_labelStep = 0; ///< every how many lanes a label is written; 0 until first drawn
};

} // namespace sharedmap
