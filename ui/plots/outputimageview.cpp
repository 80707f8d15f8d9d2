#include "plots/outputimageview.h"

#include "plots/liveplot.h"

#include <cmath>
#include <limits>
#include <qcustomplot.h>
#include <QImageWriter>
#include <QPainter>

namespace sharedmap {

namespace {
constexpr QRgb kPending = qRgb(40, 40, 46);
/// Largest image kept (rows × width): beyond it the view shows the first rows only.
constexpr qint64 kMaxPixels = qint64(64) << 20;
} // namespace

OutputImageView::OutputImageView(QWidget* parent)
    : QWidget(parent)
{
    setMinimumSize(200, 150);
    setToolTip(tr("Each row is the result of one index, drawn as it arrives"));
}

bool OutputImageView::isImageShaped(const QVector<qint64>& shape)
{
    if (shape.size() == 1)
        return shape[0] > 1;
    return shape.size() == 2 && shape[0] > 1 && (shape[1] == 3 || shape[1] == 4);
}

void OutputImageView::reset(qint64 rows, const QVector<qint64>& shape, const ResultValues& values)
{
    m_width = shape.value(0, 1);
    m_channels = shape.size() == 2 ? int(shape[1]) : 1;
    // Rows beyond what the values hold (or what QImage can address) are not shown.
    const qint64 rowValues = qMax<qint64>(1, m_width * m_channels);
    m_rows = qBound(qint64(0), qMin(rows, values.size() / rowValues), qint64(std::numeric_limits<int>::max()));
    m_values = values;
    m_done = QByteArray(int(m_rows), 0);
    m_worker = QVector<qint8>(m_rows, -1);
    m_rowsDone = 0;
    m_haveRange = false;
    m_dirty = true;
    m_stale = true;
    update();
}

void OutputImageView::setRows(qint64 first, qint64 count, const quint8* done)
{
    const qint64 rowValues = m_width * m_channels;
    for (qint64 i = 0; i < count; ++i) {
        const qint64 row = first + i;
        if (row < 0 || row >= m_rows || !done[i] || m_done[int(row)])
            continue;
        const double* values = m_values.constData() + row * rowValues;
        for (qint64 k = 0; k < rowValues; ++k) {
            const double v = values[k];
            if (std::isfinite(v)) {
                m_min = m_haveRange ? qMin(m_min, v) : v;
                m_max = m_haveRange ? qMax(m_max, v) : v;
                m_haveRange = true;
            }
        }
        ++m_rowsDone;
        m_done[int(row)] = 1;
    }
    m_dirty = true;
    m_stale = true;
}

void OutputImageView::setWorker(qint64 first, qint64 count, int slot)
{
    for (qint64 row = qMax<qint64>(0, first); row < qMin(m_rows, first + count); ++row)
        m_worker[row] = qint8(qBound(0, slot, 127));
    if (m_overlay) {
        m_dirty = true;
        m_stale = true;
    }
}

void OutputImageView::setOverlay(bool on)
{
    m_overlay = on;
    m_stale = true;
    update();
}

void OutputImageView::setLogScale(bool on)
{
    m_log = on;
    m_stale = true;
    update();
}

void OutputImageView::refresh()
{
    if (!m_dirty)
        return;
    m_dirty = false;
    update();
}

QImage OutputImageView::render(const QSize& size, qint64 rows) const
{
    QImage picture(qMax(1, size.width()), qMax(1, size.height()), QImage::Format_RGB32);
    picture.fill(kPending);
    if (rows <= 0)
        return picture;
    QCPColorGradient gradient = LivePlot::viridis();
    const double span = m_max > m_min ? m_max - m_min : 1.0;
    const QCPRange range = m_log ? QCPRange(0, std::log1p(span)) : QCPRange(m_min, m_min + span);
    const qint64 rowValues = m_width * m_channels;
    const int outWidth = picture.width();
    // Each output pixel samples one value (as the heatmap does): nearest row and column.
    QVector<qint64> columns(outWidth);
    for (int x = 0; x < outWidth; ++x)
        columns[x] = qint64(x) * m_width / outWidth;
    QVector<double> line(outWidth);
    for (int y = 0; y < picture.height(); ++y) {
        const qint64 row = qint64(y) * rows / picture.height();
        if (!m_done[int(row)])
            continue;
        auto* scan = reinterpret_cast<QRgb*>(picture.scanLine(y));
        const double* values = m_values.constData() + row * rowValues;
        if (m_channels == 1) {
            for (int x = 0; x < outWidth; ++x) {
                const double v = values[columns[x]];
                const double shown = std::isfinite(v) ? v : m_min;
                line[x] = m_log ? std::log1p(qMax(0.0, shown - m_min)) : shown;
            }
            gradient.colorize(line.constData(), range, scan, outWidth);
        } else {
            for (int x = 0; x < outWidth; ++x) {
                const double* p = values + columns[x] * m_channels;
                scan[x] = qRgb(qBound(0, int(p[0] + 0.5), 255), qBound(0, int(p[1] + 0.5), 255),
                               qBound(0, int(p[2] + 0.5), 255));
            }
        }
        if (m_overlay && m_worker[row] >= 0) {
            const QColor tint = LivePlot::paletteColor(m_worker[row]);
            for (int x = 0; x < outWidth; ++x) {
                const QRgb c = scan[x];
                scan[x] = qRgb((qRed(c) * 45 + tint.red() * 55) / 100, (qGreen(c) * 45 + tint.green() * 55) / 100,
                               (qBlue(c) * 45 + tint.blue() * 55) / 100);
            }
        }
    }
    return picture;
}

QImage OutputImageView::image() const
{
    const qint64 rows = qMin(m_rows, kMaxPixels / qMax<qint64>(1, m_width));
    return render(QSize(int(qMax<qint64>(1, m_width)), int(qMax<qint64>(1, rows))), rows);
}

bool OutputImageView::save(const QString& path, QString* error) const
{
    QImageWriter writer(path, "png");
    if (writer.write(image()))
        return true;
    *error = tr("cannot write %1: %2").arg(path, writer.errorString());
    return false;
}

void OutputImageView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    if (m_rows == 0)
        return;
    const QSize full(int(qMin<qint64>(m_width, std::numeric_limits<int>::max())), int(m_rows));
    const QSize size = full.scaled(this->size() - QSize(8, 8), Qt::KeepAspectRatio);
    if (size.isEmpty())
        return;
    // Never more pixels than the screen shows or the values hold.
    const QSize pixels = (QSizeF(size) * devicePixelRatioF()).toSize().boundedTo(full);
    if (m_stale || m_display.size() != pixels) {
        m_display = render(pixels, m_rows);
        m_stale = false;
    }
    const QRect target(QPoint((width() - size.width()) / 2, (height() - size.height()) / 2), size);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false); // sharp pixels when a small result is blown up
    painter.drawImage(target, m_display);
}

} // namespace sharedmap
