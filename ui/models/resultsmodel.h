#pragma once

#include "base/indexlist.h"
#include "job/jobresult.h"

#include <QAbstractTableModel>
#include <QHash>
#include <vector>

namespace sharedmap {

/// The results of a job, live (statuses pulled in by update()) or final (setResult()): one row per
/// position with its index, its value(s) and its status. Values are read where the workers wrote
/// them — the job's output array — never copied: a position's values are shown once its status
/// is no longer pending, when they are final.
class ResultsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        PositionColumn,
        IndexColumn,
        FirstValueColumn
    };

    explicit ResultsModel(QObject* parent = nullptr);
    ~ResultsModel() override;

    /// Starts over with every position of `indices` pending and `width` values per position, read
    /// from `values` (the running job's output array) as positions complete.
    void reset(const IndexList& indices, int width, const ResultValues& values);
    /// Takes the statuses (PositionStatus) of positions [from, from + count). Emits one
    /// dataChanged per contiguous run of rows whose status changed; positions outside the table
    /// are ignored.
    void update(qint64 from, qint64 count, const quint8* status);
    /// Shows a finished (or cancelled) job's results, failure reasons included.
    void setResult(const JobResult& result);

    /// Positions computed successfully.
    qint64 doneCount() const { return m_doneCount; }
    /// Positions that failed.
    qint64 failedCount() const { return m_failedCount; }
    /// Values per position.
    int resultWidth() const { return m_width; }
    /// Column of the Status field (after the value columns).
    int statusColumn() const { return FirstValueColumn + m_width; }
    /// Value `k` at row `row` (NaN when not computed or out of range).
    double value(qint64 row, int k = 0) const;
    /// Status (PositionStatus) of a row.
    quint8 statusAt(qint64 row) const;

    /// The selected rows, in row order, as "index\tvalue[\tvalue...]" lines joined by '\n', values at
    /// full precision ("nan" when not computed), for the clipboard.
    QString copyText(const QModelIndexList& selection) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void countStatus(quint8 status, int delta);

    IndexList m_indices;
    int m_width = 1;
    qint64 m_rows = 0;
    ResultValues m_values;
    std::vector<quint8> m_status;
    QHash<qint64, QString> m_failureReasons;
    qint64 m_doneCount = 0;
    qint64 m_failedCount = 0;
};

} // namespace sharedmap
