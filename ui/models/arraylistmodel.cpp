#include "models/arraylistmodel.h"

#include "base/progressformat.h"
#include "io/arraystore.h"

namespace sharedmap {

ArrayListModel::ArrayListModel(ArrayStore* store, QObject* parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    if (!store)
        return;
    m_ids = store->ids();
    connect(store, &ArrayStore::loaded, this, &ArrayListModel::onLoaded);
    connect(store, &ArrayStore::removed, this, &ArrayListModel::onRemoved);
    connect(store, &ArrayStore::renamed, this, &ArrayListModel::onRenamed);
    connect(store, &QObject::destroyed, this, [this] {
        if (m_ids.isEmpty())
            return;
        beginRemoveRows({}, 0, m_ids.size() - 1);
        m_ids.clear();
        endRemoveRows();
    });
}

int ArrayListModel::idAt(int row) const
{
    return row >= 0 && row < m_ids.size() ? m_ids.at(row) : 0;
}

int ArrayListModel::rowOf(int id) const
{
    return m_ids.indexOf(id);
}

void ArrayListModel::onLoaded(int id)
{
    if (m_ids.contains(id))
        return;
    // Place the row where the store's order puts it: after the listed ids that precede it.
    const QVector<int> order = m_store->ids();
    int row = 0;
    for (int other : order) {
        if (other == id)
            break;
        if (m_ids.contains(other))
            ++row;
    }
    row = qMin(row, int(m_ids.size()));
    beginInsertRows({}, row, row);
    m_ids.insert(row, id);
    endInsertRows();
}

void ArrayListModel::onRemoved(int id)
{
    const int row = m_ids.indexOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_ids.remove(row);
    endRemoveRows();
}

void ArrayListModel::onRenamed(int id)
{
    const int row = m_ids.indexOf(id);
    if (row >= 0)
        emit dataChanged(index(row, NameColumn), index(row, NameColumn));
}

Qt::ItemFlags ArrayListModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == NameColumn)
        flags |= Qt::ItemIsEditable;
    return flags;
}

bool ArrayListModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !m_store
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || index.column() != NameColumn)
        return false;
    return m_store->rename(m_ids.at(index.row()), value.toString()); // the store's renamed() repaints
}

int ArrayListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_ids.size());
}

int ArrayListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ArrayListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_store)
        return {};
    const ArrayStore::Entry entry = m_store->entry(m_ids.at(index.row()));
    if (!entry.array)
        return {};
    const ArrayMeta& meta = entry.array->meta();
    if (role == Qt::DisplayRole || (role == Qt::EditRole && index.column() == NameColumn)) {
        switch (index.column()) {
        case NameColumn:
            return entry.name;
        case DTypeColumn:
            return dtypeName(meta.dtype);
        case ShapeColumn:
            return meta.shapeText();
        case OrderColumn:
            return meta.orderText();
        case SizeColumn:
            return formatBytes(meta.byteSize());
        case SegmentColumn:
            return entry.array->segmentName();
        }
    } else if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case NameColumn:
            return entry.path.isEmpty() ? tr("Generated in shared memory") : entry.path;
        case OrderColumn:
            return meta.fortranOrder ? tr("Fortran order (column-major)") : tr("C order (row-major)");
        case SizeColumn:
            return tr("%1 bytes of data").arg(meta.byteSize());
        case SegmentColumn:
            if (entry.array->isFileMapped())
                return tr("Descriptor segment; the data is %1 mapped read-only in place")
                    .arg(entry.array->sourcePath());
            return tr("System V shared memory segment, %1 bytes including the header").arg(entry.array->segmentBytes());
        }
    } else if (role == Qt::TextAlignmentRole && index.column() == SizeColumn) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant ArrayListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case DTypeColumn:
        return tr("DType");
    case ShapeColumn:
        return tr("Shape");
    case OrderColumn:
        return tr("Order");
    case SizeColumn:
        return tr("Size");
    case SegmentColumn:
        return tr("Segment");
    }
    return {};
}

} // namespace sharedmap
