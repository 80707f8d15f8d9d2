#pragma once

#include <QImage>
#include <QVector>
#include <QWidget>

namespace sharedmap {

/// A job's row-valued results shown as an image that fills in as chunks finish: row p of the
/// image is the result for position p (a row of W values: grey values through a colour map; or
/// W×3 values: RGB). Rows not computed yet are dark. An overlay colours each band of rows by
/// the worker that computed it. The widget keeps the values and renders only when asked.
class OutputImageView : public QWidget
{
    Q_OBJECT
public:
    explicit OutputImageView(QWidget* parent = nullptr);

    /// Whether results of this shape (per position) read as an image row: W values or W×3 (W×4).
    static bool isImageShaped(const QVector<qint64>& resultShape);

    /// Starts an empty image of `rows` rows shaped `resultShape` each.
    void reset(qint64 rows, const QVector<qint64>& resultShape);
    /// Sets rows [first, first + count): `values` holds their results (width × channels each),
    /// `done` says which of them were computed.
    void setRows(qint64 first, qint64 count, const double* values, const quint8* done);
    /// Records that `slot` computed rows [first, first + count) (for the overlay).
    void setWorker(qint64 first, qint64 count, int slot);
    /// Colour bands by worker.
    void setOverlay(bool on);
    bool overlay() const { return m_overlay; }
    /// Colours by log(1 + v - min) instead of v: for values spanning orders of magnitude (escape counts).
    void setLogScale(bool on);
    bool logScale() const { return m_log; }
    /// The picture as it stands (rendered on demand), for painting, tests and export.
    QImage image() const;
    /// Repaints when rows arrived since the last call (the monitor's 30 Hz pull calls it).
    void refresh();
    qint64 rowsDone() const { return m_rowsDone; }
    /// Saves the image (without overlay unless it is on) as PNG; false with `error` set on failure.
    bool save(const QString& path, QString* error) const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void render() const;

    qint64 m_rows = 0;
    qint64 m_width = 0;
    int m_channels = 1;
    QVector<float> m_values;
    QByteArray m_done;
    QVector<qint8> m_worker;
    qint64 m_rowsDone = 0;
    double m_min = 0;
    double m_max = 0;
    bool m_haveRange = false;
    bool m_overlay = false;
    bool m_log = false;
    bool m_dirty = false;
    mutable bool m_stale = true;
    mutable QImage m_image;
};

} // namespace sharedmap
