#pragma once

#include <QAbstractTableModel>
#include <QPointer>
#include <QVector>

namespace sharedmap {

class ArrayStore;

/// The arrays an ArrayStore holds, one row per loaded array in the store's order; follows the
/// store's loaded/removed signals with row insertions and removals.
class ArrayListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        DTypeColumn,
        ShapeColumn,
        OrderColumn,
        SizeColumn,
        SegmentColumn,
        ColumnCount
    };

    explicit ArrayListModel(ArrayStore* store, QObject* parent = nullptr);

    /// The store's id of the array in `row`, or 0 when out of range.
    int idAt(int row) const;
    /// The row of array `id`, or -1 when not listed.
    int rowOf(int id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    /// The name is editable: it renames the array in the store.
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void onLoaded(int id);
    void onRemoved(int id);
    void onRenamed(int id);

    QPointer<ArrayStore> m_store;
    QVector<int> m_ids;
};

} // namespace sharedmap
