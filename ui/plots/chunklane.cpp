#include "plots/chunklane.h"

#include <algorithm>

namespace sharedmap {

namespace {
// Chunks at least this wide (pixels) are drawn one by one with a one-pixel gap between them;
// narrower ones merge into runs, which keeps the bar count bounded by the plot's width.
constexpr double kSeparateWidthPx = 4;
} // namespace

ChunkLane::ChunkLane(QCPAxis* keyAxis, QCPAxis* valueAxis, int lane)
    : QCPAbstractPlottable(keyAxis, valueAxis)
    , m_lane(lane)
{
    setSelectable(QCP::stNone);
}

void ChunkLane::addChunk(const ChunkEvent& chunk)
{
    const auto byStart = [](const ChunkEvent& a, const ChunkEvent& b) { return a.startS < b.startS; };
    if (m_chunks.empty() || chunk.startS >= m_chunks.back().startS)
        m_chunks.push_back(chunk);
    else
        m_chunks.insert(std::upper_bound(m_chunks.begin(), m_chunks.end(), chunk, byStart), chunk);
    m_minStart = m_chunks.size() == 1 ? chunk.startS : qMin(m_minStart, chunk.startS);
    m_maxEnd = m_chunks.size() == 1 ? chunk.endS : qMax(m_maxEnd, chunk.endS);
}

void ChunkLane::clearChunks()
{
    m_chunks.clear();
    m_minStart = m_maxEnd = 0;
}

const ChunkEvent* ChunkLane::chunkAt(double seconds, double toleranceS) const
{
    // The last chunks starting at or before seconds + tolerance are the only candidates.
    auto it = std::upper_bound(m_chunks.begin(), m_chunks.end(), seconds + toleranceS,
                               [](double s, const ChunkEvent& c) { return s < c.startS; });
    const ChunkEvent* best = nullptr;
    double bestDistance = toleranceS;
    for (int i = 0; i < 3 && it != m_chunks.begin(); ++i) {
        --it;
        const double distance = seconds < it->startS ? it->startS - seconds
            : seconds > it->endS                     ? seconds - it->endS
                                                     : 0.0;
        if (distance <= bestDistance && (!best || distance < bestDistance)) {
            best = &*it;
            bestDistance = distance;
        }
    }
    return best;
}

double ChunkLane::selectTest(const QPointF&, bool, QVariant*) const
{
    return -1; // not selectable; hover text comes from TimelinePlot
}

QCPRange ChunkLane::getKeyRange(bool& foundRange, QCP::SignDomain) const
{
    foundRange = !m_chunks.empty();
    return QCPRange(m_minStart, m_maxEnd);
}

QCPRange ChunkLane::getValueRange(bool& foundRange, QCP::SignDomain, const QCPRange&) const
{
    foundRange = true;
    return QCPRange(m_lane - kHalfHeight, m_lane + kHalfHeight);
}

void ChunkLane::draw(QCPPainter* painter)
{
    QCPAxis* keys = keyAxis();
    QCPAxis* values = valueAxis();
    if (!keys || !values || m_chunks.empty())
        return;
    const QCPRange range = keys->range();
    // Non-overlapping chunks sorted by start are sorted by end too: skip those ending before the view.
    auto it = std::lower_bound(m_chunks.begin(), m_chunks.end(), range.lower,
                               [](const ChunkEvent& c, double s) { return c.endS < s; });
    const double y0 = values->coordToPixel(m_lane - kHalfHeight);
    const double y1 = values->coordToPixel(m_lane + kHalfHeight);
    const double top = qMin(y0, y1);
    const double height = qMax(1.0, std::abs(y1 - y0));
    const QBrush brush = mBrush;

    double runStart = 0;
    double runEnd = 0;
    bool haveRun = false;
    const auto flush = [&] {
        if (haveRun)
            painter->fillRect(QRectF(runStart, top, runEnd - runStart, height), brush);
        haveRun = false;
    };
    for (; it != m_chunks.end() && it->startS <= range.upper; ++it) {
        double x0 = keys->coordToPixel(it->startS);
        double x1 = keys->coordToPixel(it->endS);
        if (x0 > x1)
            std::swap(x0, x1);
        if (x1 - x0 >= kSeparateWidthPx) {
            flush();
            painter->fillRect(QRectF(x0, top, x1 - x0 - 1, height), brush);
            continue;
        }
        x1 = qMax(x1, x0 + 1); // every chunk covers at least a pixel
        if (haveRun && x0 <= runEnd + 1) {
            runEnd = qMax(runEnd, x1);
        } else {
            flush();
            runStart = x0;
            runEnd = x1;
            haveRun = true;
        }
    }
    flush();
}

void ChunkLane::drawLegendIcon(QCPPainter* painter, const QRectF& rect) const
{
    painter->fillRect(rect.adjusted(0, rect.height() * 0.2, 0, -rect.height() * 0.2), mBrush);
}

} // namespace sharedmap
