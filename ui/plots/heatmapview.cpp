#include "plots/heatmapview.h"

#include "io/arraystore.h"

#include <cmath>
#include <cstring>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <utility>

namespace sharedmap {

/// What the worker thread hands back: sampled cells or a message, tagged with its request.
struct HeatmapPreview
{
    quint64 generation = 0;
    QString message; ///< set instead of cells when there is nothing to map
    QString caption;
    int columns = 0;
    int rows = 0;
    QVector<double> values; ///< rows x columns, row-major
    QVector<qint64> rowOf;
    QVector<qint64> columnOf;
    double minimum = 0;
    double maximum = 0;
};

namespace {

// `count` evenly spread samples of [0, total): i * total / count, so the first is always 0.
QVector<qint64> samplePositions(qint64 total, int count)
{
    QVector<qint64> positions(count);
    for (int i = 0; i < count; ++i)
        positions[i] = qint64(i) * total / count;
    return positions;
}

} // namespace

HeatmapView::HeatmapView(QWidget* parent)
    : LivePlot(parent)
{
    xAxis->setLabel(tr("column"));
    yAxis->setLabel(tr("row"));
    yAxis->setRangeReversed(true); // row 0 on top, as in the table view
    useIntegerTicks(xAxis);
    useIntegerTicks(yAxis);
    xAxis->grid()->setVisible(false);
    yAxis->grid()->setVisible(false);

    m_caption = new QCPTextElement(this, QString(), QFont(font().family(), font().pointSize()));
    m_caption->setTextColor(QColor(0x40, 0x40, 0x40));
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, m_caption);

    m_scale = new QCPColorScale(this);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(12);
    m_scale->axis()->setLabel(tr("value"));
    m_scale->axis()->setTickLabelColor(QColor(0x40, 0x40, 0x40));
    m_scale->axis()->setLabelColor(QColor(0x40, 0x40, 0x40));
    plotLayout()->addElement(1, 1, m_scale);
    auto* margins = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    m_scale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

    m_map = new QCPColorMap(xAxis, yAxis);
    m_map->setColorScale(m_scale);
    m_map->setGradient(LivePlot::viridis());
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);

    m_message = new QCPItemText(this);
    m_message->setClipToAxisRect(false);
    m_message->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_message->position->setCoords(0.5, 0.5);
    m_message->setPositionAlignment(Qt::AlignCenter);
    m_message->setColor(QColor(0x60, 0x60, 0x60));

    showMessage(tr("No array"));
}

HeatmapView::~HeatmapView() = default;

void HeatmapView::setArray(std::shared_ptr<const SharedArray> array)
{
    if (!array) {
        clearArray();
        return;
    }
    const quint64 generation = ++m_generation;
    auto* watcher = new QFutureWatcher<HeatmapPreview>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        const HeatmapPreview preview = watcher->result();
        watcher->deleteLater();
        if (preview.generation == m_generation) // a later setArray() or clearArray() wins
            showPreview(preview);
    });
    // The task holds its own reference, so the array outlives it even if the view goes first.
    watcher->setFuture(QtConcurrent::run(&HeatmapView::computePreview, std::move(array), generation));
}

void HeatmapView::clearArray()
{
    ++m_generation;
    showMessage(tr("No array"));
}

void HeatmapView::clear()
{
    clearArray();
}

HeatmapPreview HeatmapView::computePreview(std::shared_ptr<const SharedArray> array, quint64 generation)
{
    HeatmapPreview preview;
    preview.generation = generation;
    const ArrayMeta& meta = array->meta();
    const ArrayView view = array->view();
    const QString shape = meta.shapeText();
    const QString dtype = dtypeName(view.dtype);
    if (!view.data || dtypeSize(view.dtype) == 0) {
        preview.message = tr("This array cannot be previewed.");
        return preview;
    }
    const auto valueAt = [&view](qint64 offset) {
        return dispatchDType(view.dtype, [&](auto zero) {
            decltype(zero) value;
            std::memcpy(&value, view.data + offset, sizeof(value));
            return double(value);
        });
    };
    if (view.ndim() == 0) {
        preview.message = tr("0-d array: a single value, %1").arg(QString::number(valueAt(0), 'g', 6));
        return preview;
    }
    if (view.elementCount() == 0) {
        preview.message = tr("Empty array %1: nothing to show").arg(shape);
        return preview;
    }

    // The (shape[0], -1) view; a 1-D array is one row.
    const bool oneRow = view.ndim() == 1;
    const qint64 rows = oneRow ? 1 : view.shape[0];
    const qint64 columns = oneRow ? view.shape[0] : view.rowLength();
    preview.rows = int(qMin<qint64>(rows, kMaxCells));
    preview.columns = int(qMin<qint64>(columns, kMaxCells));
    preview.rowOf = samplePositions(rows, preview.rows);
    preview.columnOf = samplePositions(columns, preview.columns);

    // Byte offsets of the sampled rows and columns; strides make this right for any memory order.
    QVector<qint64> rowOffset(preview.rows);
    for (int i = 0; i < preview.rows; ++i)
        rowOffset[i] = oneRow ? 0 : preview.rowOf[i] * view.strides[0];
    QVector<qint64> columnOffset(preview.columns);
    for (int j = 0; j < preview.columns; ++j) {
        qint64 flat = preview.columnOf[j];
        qint64 offset = 0;
        for (int d = view.ndim() - 1; d >= (oneRow ? 0 : 1); --d) {
            offset += flat % view.shape[d] * view.strides[d];
            flat /= view.shape[d];
        }
        columnOffset[j] = offset;
    }

    preview.values.resize(preview.rows * preview.columns);
    dispatchDType(view.dtype, [&](auto zero) {
        using T = decltype(zero);
        double* out = preview.values.data();
        for (int i = 0; i < preview.rows; ++i) {
            const char* row = view.data + rowOffset[i];
            for (int j = 0; j < preview.columns; ++j) {
                T value;
                std::memcpy(&value, row + columnOffset[j], sizeof(T));
                *out++ = double(value);
            }
        }
    });

    bool anyFinite = false;
    for (double v : std::as_const(preview.values)) {
        if (!std::isfinite(v))
            continue;
        preview.minimum = anyFinite ? qMin(preview.minimum, v) : v;
        preview.maximum = anyFinite ? qMax(preview.maximum, v) : v;
        anyFinite = true;
    }
    if (!anyFinite) {
        preview.message = tr("Array %1 has no finite values to show").arg(shape);
        return preview;
    }
    // Infinities take the extreme colours; NaN keeps its own (grey).
    for (double& v : preview.values) {
        if (std::isinf(v))
            v = v > 0 ? preview.maximum : preview.minimum;
    }

    const bool sampled = preview.rows < rows || preview.columns < columns;
    if (view.ndim() > 2)
        preview.caption = tr("%1 %2 as %3 × %4").arg(shape, dtype).arg(rows).arg(columns);
    else
        preview.caption = tr("%1 %2").arg(shape, dtype);
    if (sampled)
        preview.caption
            = tr("%1, sampled to %2 × %3 cells").arg(preview.caption).arg(preview.rows).arg(preview.columns);
    return preview;
}

void HeatmapView::showPreview(const HeatmapPreview& preview)
{
    if (!preview.message.isEmpty()) {
        showMessage(preview.message);
        emit ready();
        return;
    }
    m_messageText.clear();
    m_message->setVisible(false);
    m_rowOf = preview.rowOf;
    m_columnOf = preview.columnOf;

    // Cell centres sit on their source row and column; a single cell needs a range of its own
    // width, or QCustomPlot draws it zero pixels wide.
    const auto cellRange = [](const QVector<qint64>& positions) {
        return positions.size() == 1 ? QCPRange(positions.first() - 0.5, positions.first() + 0.5)
                                     : QCPRange(positions.first(), positions.last());
    };
    auto* data
        = new QCPColorMapData(preview.columns, preview.rows, cellRange(preview.columnOf), cellRange(preview.rowOf));
    const double* in = preview.values.constData();
    for (int i = 0; i < preview.rows; ++i) {
        for (int j = 0; j < preview.columns; ++j)
            data->setCell(j, i, *in++);
    }
    m_map->setData(data, false); // takes ownership
    double lower = preview.minimum;
    double upper = preview.maximum;
    if (upper <= lower) { // a constant array still gets a readable scale
        lower -= 0.5;
        upper += 0.5;
    }
    m_map->setDataRange(QCPRange(lower, upper));
    m_map->setVisible(true);
    m_scale->setVisible(true);
    xAxis->setVisible(true);
    yAxis->setVisible(true);
    m_caption->setText(preview.caption);
    resetView();
    emit ready();
}

void HeatmapView::showMessage(const QString& text)
{
    m_messageText = text;
    m_message->setText(text);
    m_message->setVisible(true);
    m_map->data()->clear();
    m_map->setVisible(false);
    m_scale->setVisible(false);
    xAxis->setVisible(false);
    yAxis->setVisible(false);
    m_caption->setText(QString());
    m_rowOf.clear();
    m_columnOf.clear();
    resetView();
}

void HeatmapView::rescaleToData()
{
    if (m_map->visible()) {
        m_map->rescaleAxes();
    } else {
        xAxis->setRange(0, 1);
        yAxis->setRange(0, 1);
    }
}

QString HeatmapView::hoverText(const QPointF& pos) const
{
    if (!m_map->visible() || m_rowOf.isEmpty() || m_columnOf.isEmpty())
        return {};
    const double key = xAxis->pixelToCoord(pos.x());
    const double value = yAxis->pixelToCoord(pos.y());
    bool found = false;
    if (!m_map->getKeyRange(found).contains(key) || !m_map->getValueRange(found).contains(value))
        return {};
    QCPColorMapData* data = m_map->data(); // cell() is not const
    int column = 0;
    int row = 0;
    data->coordToCell(key, value, &column, &row);
    if (column < 0 || column >= m_columnOf.size() || row < 0 || row >= m_rowOf.size())
        return {};
    const QString text = QString::number(data->cell(column, row), 'g', 6);
    return tr("row %1, column %2: %3").arg(m_rowOf[row]).arg(m_columnOf[column]).arg(text);
}

} // namespace sharedmap
