#pragma once

#include "io/arraystore.h"

#include <memory>
#include <QAbstractTableModel>

namespace sharedmap {

/// A lazy table view of a SharedArray for previews: shape[0] rows (1 for 0-d) by the product of
/// the trailing dimensions, as NumPy's reshape(shape[0], -1). Elements are read on demand through
/// the array's strides, so a 10^8-element array costs nothing until cells are shown.
class ArrayTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit ArrayTableModel(QObject* parent = nullptr);
    ~ArrayTableModel() override;

    /// Shows `array` (null clears the table); the model keeps it alive while shown.
    void setArray(std::shared_ptr<const SharedArray> array);
    /// The array shown, or null.
    std::shared_ptr<const SharedArray> array() const { return m_array; }

    /// The element at (row, column) as a double (bool as 0/1); invalid outside the table.
    QVariant valueAt(qint64 row, qint64 column) const;
    /// The trailing multi-index of a column, e.g. {1, 2} for column 6 of a (n, 3, 4) array.
    QVector<qint64> trailingIndex(qint64 column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const char* elementAt(qint64 row, qint64 column) const;

    std::shared_ptr<const SharedArray> m_array;
    ArrayView m_view;
    qint64 m_rows = 0;
    qint64 m_columns = 0;
};

} // namespace sharedmap
