#include "outputimageview.h"

#include "liveplot.h"

#include <QImageWriter>
#include <QPainter>

#include <qcustomplot.h>

#include <cmath>

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

void OutputImageView::reset(qint64 rows, const QVector<qint64>& shape)
{
    m_width = shape.value(0, 1);
    m_channels = shape.size() == 2 ? int(shape[1]) : 1;
    m_rows = qMax<qint64>(0, qMin(rows, kMaxPixels / qMax<qint64>(1, m_width * m_channels)));
    m_values = QVector<float>(m_rows * m_width * m_channels, 0.0f);
    m_done = QByteArray(int(m_rows), 0);
    m_worker = QVector<qint8>(m_rows, -1);
    m_rowsDone = 0;
    m_haveRange = false;
    m_dirty = true;
    m_stale = true;
    update();
}

void OutputImageView::setRows(qint64 first, qint64 count, const double* values, const quint8* done)
{
    const qint64 rowValues = m_width * m_channels;
    for (qint64 i = 0; i < count; ++i) {
        const qint64 row = first + i;
        if (row < 0 || row >= m_rows || !done[i])
            continue;
        const double* source = values + i * rowValues;
        float* target = m_values.data() + row * rowValues;
        for (qint64 k = 0; k < rowValues; ++k) {
            const double v = source[k];
            target[k] = float(v);
            if (std::isfinite(v)) {
                m_min = m_haveRange ? qMin(m_min, v) : v;
                m_max = m_haveRange ? qMax(m_max, v) : v;
                m_haveRange = true;
            }
        }
        if (!m_done[int(row)])
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

void OutputImageView::render() const
{
    m_image = QImage(int(qMax<qint64>(1, m_width)), int(qMax<qint64>(1, m_rows)), QImage::Format_RGB32);
    m_image.fill(kPending);
    QCPColorGradient gradient = LivePlot::viridis();
    const double span = m_max > m_min ? m_max - m_min : 1.0;
    const QCPRange range = m_log ? QCPRange(0, std::log1p(span)) : QCPRange(m_min, m_min + span);
    const qint64 rowValues = m_width * m_channels;
    QVector<double> line(m_width);
    for (qint64 row = 0; row < m_rows; ++row) {
        if (!m_done[int(row)])
            continue;
        auto* scan = reinterpret_cast<QRgb*>(m_image.scanLine(int(row)));
        const float* values = m_values.constData() + row * rowValues;
        if (m_channels == 1) {
            for (qint64 x = 0; x < m_width; ++x) {
                const double v = std::isfinite(values[x]) ? double(values[x]) : m_min;
                line[x] = m_log ? std::log1p(qMax(0.0, v - m_min)) : v;
            }
            gradient.colorize(line.constData(), range, scan, int(m_width));
        } else {
            for (qint64 x = 0; x < m_width; ++x) {
                const float* p = values + x * m_channels;
                scan[x] = qRgb(qBound(0, int(p[0] + 0.5f), 255), qBound(0, int(p[1] + 0.5f), 255), qBound(0, int(p[2] + 0.5f), 255));
            }
        }
        if (m_overlay && m_worker[row] >= 0) {
            const QColor tint = LivePlot::paletteColor(m_worker[row]);
            for (qint64 x = 0; x < m_width; ++x) {
                const QRgb c = scan[x];
                scan[x] = qRgb((qRed(c) * 45 + tint.red() * 55) / 100, (qGreen(c) * 45 + tint.green() * 55) / 100,
                               (qBlue(c) * 45 + tint.blue() * 55) / 100);
            }
        }
    }
    m_stale = false;
}

QImage OutputImageView::image() const
{
    if (m_stale)
        render();
    return m_image;
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
    const QImage picture = image();
    QSize size = picture.size().scaled(this->size() - QSize(8, 8), Qt::KeepAspectRatio);
    const QRect target(QPoint((width() - size.width()) / 2, (height() - size.height()) / 2), size);
    // Smooth when shrinking, sharp pixels when a small result is blown up.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, size.width() < picture.width());
    painter.drawImage(target, picture);
}

} // namespace sharedmap
