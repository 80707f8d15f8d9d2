#include "models/arraytablemodel.h"

#include "models/valueformat.h"

#include <limits>
#include <QStringList>

namespace sharedmap {

namespace {

// Qt's models count rows in int; larger arrays show their first INT_MAX rows or columns.
int clampToInt(qint64 count)
{
    return int(qMin<qint64>(count, std::numeric_limits<int>::max()));
}

} // namespace

ArrayTableModel::ArrayTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

ArrayTableModel::~ArrayTableModel() = default;

void ArrayTableModel::setArray(std::shared_ptr<const SharedArray> array)
{
    beginResetModel();
    m_array = std::move(array);
    m_view = m_array ? m_array->view() : ArrayView {};
    if (!m_array) {
        m_rows = m_columns = 0;
    } else if (m_view.ndim() == 0) {
        m_rows = m_columns = 1;
    } else {
        m_rows = m_view.shape[0];
        m_columns = m_view.rowLength();
    }
    endResetModel();
}

QVector<qint64> ArrayTableModel::trailingIndex(qint64 column) const
{
    const int ndim = m_view.ndim();
    QVector<qint64> index(qMax(ndim - 1, 0));
    // C order over the trailing dimensions: the last one varies fastest, as in reshape(n, -1).
    for (int d = ndim - 1; d >= 1; --d) {
        const qint64 extent = m_view.shape[d];
        index[d - 1] = extent > 0 ? column % extent : 0;
        column = extent > 0 ? column / extent : 0;
    }
    return index;
}

const char* ArrayTableModel::elementAt(qint64 row, qint64 column) const
{
    if (!m_array || row < 0 || column < 0 || row >= m_rows || column >= m_columns)
        return nullptr;
    const int ndim = m_view.ndim();
    if (ndim == 0)
        return m_view.data;
    qint64 offset = row * m_view.strides[0];
    for (int d = ndim - 1; d >= 1; --d) {
        const qint64 extent = m_view.shape[d];
        offset += (column % extent) * m_view.strides[d];
        column /= extent;
    }
    return m_view.data + offset;
}

QVariant ArrayTableModel::valueAt(qint64 row, qint64 column) const
{
    const char* element = elementAt(row, column);
    if (!element)
        return {};
    return elementAsDouble(m_view.dtype, element);
}

int ArrayTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : clampToInt(m_rows);
}

int ArrayTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : clampToInt(m_columns);
}

QVariant ArrayTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole: {
        const char* element = elementAt(index.row(), index.column());
        if (!element)
            return {};
        return formatElement(m_view.dtype, element, role == Qt::ToolTipRole);
    }
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant ArrayTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (section < 0)
        return {};
    if (role == Qt::DisplayRole)
        return QString::number(section);
    if (role == Qt::ToolTipRole && orientation == Qt::Horizontal && m_view.ndim() >= 2) {
        QStringList parts;
        for (qint64 i : trailingIndex(section))
            parts << QString::number(i);
        return QStringLiteral("[%1]").arg(parts.join(QStringLiteral(", ")));
    }
    return {};
}

} // namespace sharedmap
