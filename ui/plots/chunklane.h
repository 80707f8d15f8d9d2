#pragma once

#include "job/jobresult.h"

#include <qcustomplot.h>
#include <vector>

namespace sharedmap {

/// One worker's lane of a TimelinePlot: each chunk a bar from its start to its end time, at the
/// lane's value. Chunks narrower than a few pixels are merged with neighbours closer than a pixel
/// at draw time, so 10^5 chunks cost about as much to draw as the pixels they cover.
class ChunkLane : public QCPAbstractPlottable
{
public:
    /// Half the height of a bar, in lane units (lanes are 1 apart).
    static constexpr double kHalfHeight = 0.36;

    /// A lane drawn at value `lane` on `valueAxis`; registers itself with the axes' plot.
    ChunkLane(QCPAxis* keyAxis, QCPAxis* valueAxis, int lane);

    /// Adds a chunk; chunks usually come in time order, which appends.
    void addChunk(const ChunkEvent& chunk);
    /// Removes all chunks.
    void clearChunks();
    /// Number of chunks on the lane.
    qint64 chunkCount() const { return qint64(m_chunks.size()); }
    /// The chunk covering `seconds`, or the nearest one within `toleranceS`; nullptr if none.
    const ChunkEvent* chunkAt(double seconds, double toleranceS) const;
    /// The latest end time on the lane (0 when empty).
    double maxEnd() const { return m_maxEnd; }

    /// QCPAbstractPlottable's interface: never selectable; the ranges cover the chunks and the lane.
    double selectTest(const QPointF& pos, bool onlySelectable, QVariant* details = nullptr) const override;
    QCPRange getKeyRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth) const override;
    QCPRange getValueRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth,
                           const QCPRange& inKeyRange = QCPRange()) const override;

protected:
    void draw(QCPPainter* painter) override;
    void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override;

private:
    int m_lane = 0;
    std::vector<ChunkEvent> m_chunks; ///< sorted by start time; a worker's chunks do not overlap
    double m_minStart = 0;
    double m_maxEnd = 0;
};

} // namespace sharedmap
