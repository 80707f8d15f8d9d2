#pragma once

#include "plots/liveplot.h"

#include <memory>

namespace sharedmap {

class SharedArray;
struct HeatmapPreview;

/// A colour-map preview of an array: a 2-D array as it is, a 1-D array as one row, an n-D array
/// as its (shape[0], -1) view. Big arrays are sampled down to at most kMaxCells x kMaxCells cells,
/// off the GUI thread; a preview still computing for an earlier array is dropped.
class HeatmapView : public LivePlot
{
    Q_OBJECT
public:
    /// Most cells along either axis.
    static constexpr int kMaxCells = 512;

    /// A view showing "No array".
    explicit HeatmapView(QWidget* parent = nullptr);
    /// Previews still computing finish on their own and are discarded.
    ~HeatmapView() override;

    /// Starts computing the preview of `array` (null clears); ready() follows when it is shown.
    void setArray(std::shared_ptr<const sharedmap::SharedArray> array);
    /// Shows no array, and drops any preview still computing.
    void clearArray();
    /// Same as clearArray().
    void clear() override;
    /// The colour map (its data holds the sampled cells), for tests and exports.
    QCPColorMap* colorMap() const { return m_map; }
    /// The text shown instead of a map (no array, empty, 0-d, no finite values); empty with a map.
    QString message() const { return m_messageText; }
    /// "row 3, column 40: 0.25" for the cell under `pos`; empty outside the map.
    QString hoverText(const QPointF& pos) const override;

signals:
    /// The preview (a map or a message) of the latest setArray() is shown.
    void ready();

protected:
    void rescaleToData() override;

private:
    static HeatmapPreview computePreview(std::shared_ptr<const SharedArray> array, quint64 generation);
    void showPreview(const HeatmapPreview& preview);
    void showMessage(const QString& text);

    quint64 m_generation = 0;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QCPTextElement* m_caption = nullptr;
    QCPItemText* m_message = nullptr;
    QString m_messageText;
    QVector<qint64> m_rowOf; ///< source row of each cell row
    QVector<qint64> m_columnOf; ///< source column of each cell column
};

} // namespace sharedmap
