#pragma once

#include "job/jobresult.h"

#include <QImage>
#include <QVector>
#include <QWidget>

namespace sharedmap {

/// A job's row-valued results shown as an image that fills in as chunks finish: row p of the
/// image is the result for position p (a row of W values: grey values through a colour map; or
/// W×3 values: RGB). Rows not computed yet are dark. An overlay colours each band of rows by
/// the worker that computed it. The values are read where the workers wrote them (the job's
/// output array, no copy); the widget paints an image of its own size, sampled from them, so a
/// big output costs no more per repaint than a small one. image() renders at full size (export).
class OutputImageView : public QWidget
{
    Q_OBJECT
public:
    explicit OutputImageView(QWidget* parent = nullptr);

    /// Whether results of this shape (per position) read as an image row: W values or W×3 (W×4).
    static bool isImageShaped(const QVector<qint64>& resultShape);

    /// Starts an empty image of `rows` rows shaped `resultShape` each, whose values are in
    /// `values` (the running job's output array: width × channels per row).
    void reset(qint64 rows, const QVector<qint64>& resultShape, const ResultValues& values);
    /// Shows rows [first, first + count) whose `done` byte is set: their values are final.
    void setRows(qint64 first, qint64 count, const quint8* done);
    /// Records that `slot` computed rows [first, first + count) (for the overlay).
    void setWorker(qint64 first, qint64 count, int slot);
    /// Colour bands by worker.
    void setOverlay(bool on);
    bool overlay() const { return m_overlay; }
    /// Colours by log(1 + v - min) instead of v: for values spanning orders of magnitude (escape counts).
    void setLogScale(bool on);
    bool logScale() const { return m_log; }
    /// The picture as it stands at full size (one pixel per value; at most the first 64 Mi
    /// pixels), for tests and export.
    QImage image() const;
    /// Repaints when rows arrived since the last call (the monitor's 30 Hz pull calls it).
    void refresh();
    qint64 rowsDone() const { return m_rowsDone; }
    /// Saves the image (without overlay unless it is on) as PNG; false with `error` set on failure.
    bool save(const QString& path, QString* error) const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    /// Renders the first `rows` rows at `size` (at most rows × width), sampling rows and columns.
    QImage render(const QSize& size, qint64 rows) const;

    qint64 m_rows = 0;
    qint64 m_width = 0;
    int m_channels = 1;
    ResultValues m_values;
    QByteArray m_done;
    QVector<qint8> m_worker;
    qint64 m_rowsDone = 0;
    double m_min = 0;
    double m_max = 0;
    bool m_haveRange = false;
    bool m_overlay = false;
    bool m_log = false;
    bool m_dirty = false;
    bool m_stale = true; ///< m_display no longer shows the values, colours or overlay
    QImage m_display; ///< what paintEvent() last drew, at the widget's size
};

} // namespace sharedmap
