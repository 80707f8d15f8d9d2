#include "models/resultsmodel.h"

#include "base/status.h"
#include "job/jobresult.h"
#include "models/valueformat.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <QBrush>
#include <QPalette>
#include <QStringList>

namespace sharedmap {

ResultsModel::ResultsModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

ResultsModel::~ResultsModel() = default;

void ResultsModel::countStatus(quint8 status, int delta)
{
    if (status == Done)
        m_doneCount += delta;
    else if (status == Failed)
        m_failedCount += delta;
}

void ResultsModel::reset(const IndexList& indices, int width, const ResultValues& values)
{
    beginResetModel();
    m_indices = indices;
    m_width = qMax(width, 1);
    // Qt's models count rows in int; positions beyond are not shown.
    m_rows = qMin<qint64>(indices.size(), std::numeric_limits<int>::max());
    m_values = values;
    m_status.assign(size_t(m_rows), quint8(Pending));
    m_failureReasons.clear();
    m_doneCount = 0;
    m_failedCount = 0;
    endResetModel();
}

void ResultsModel::update(qint64 from, qint64 count, const quint8* status)
{
    if (from < 0 || count <= 0 || !status)
        return;
    const qint64 end = qMin(from + count, m_rows);
    const int lastColumn = columnCount() - 1;
    qint64 runStart = -1;
    auto flush = [&](qint64 runEnd) {
        if (runStart >= 0)
            emit dataChanged(index(int(runStart), 0), index(int(runEnd), lastColumn));
        runStart = -1;
    };
    for (qint64 row = from; row < end; ++row) {
        const qint64 i = row - from;
        const quint8 newStatus = status[i];
        quint8& oldStatus = m_status[size_t(row)];
        const bool changed = newStatus != oldStatus;
        if (changed) {
            countStatus(oldStatus, -1);
            countStatus(newStatus, +1);
            oldStatus = newStatus;
        }
        if (changed && runStart < 0)
            runStart = row;
        else if (!changed)
            flush(row - 1);
    }
    flush(end - 1);
}

void ResultsModel::setResult(const JobResult& result)
{
    beginResetModel();
    m_indices = result.indices;
    m_width = qMax(result.resultWidth, 1);
    m_rows = qMin<qint64>(result.indices.size(), std::numeric_limits<int>::max());
    m_values = result.values;
    m_status.assign(size_t(m_rows), quint8(Pending));
    std::copy_n(result.status.cbegin(), qMin<qint64>(result.status.size(), m_rows), m_status.begin());
    m_failureReasons = result.failureReasons;
    m_doneCount = std::count(m_status.cbegin(), m_status.cend(), quint8(Done));
    m_failedCount = std::count(m_status.cbegin(), m_status.cend(), quint8(Failed));
    endResetModel();
}

double ResultsModel::value(qint64 row, int k) const
{
    const qint64 at = row * m_width + k;
    // A pending position's values may be half written: only a finished one's are read.
    if (row < 0 || row >= m_rows || k < 0 || k >= m_width || m_status[size_t(row)] == Pending || at >= m_values.size())
        return std::numeric_limits<double>::quiet_NaN();
    return m_values[at];
}

quint8 ResultsModel::statusAt(qint64 row) const
{
    return row >= 0 && row < m_rows ? m_status[size_t(row)] : quint8(Pending);
}

QString ResultsModel::copyText(const QModelIndexList& selection) const
{
    std::vector<int> rows;
    rows.reserve(size_t(selection.size()));
    for (const QModelIndex& index : selection) {
        if (index.model() == this && index.isValid() && index.row() < m_rows)
            rows.push_back(index.row());
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    QStringList lines;
    lines.reserve(int(rows.size()));
    for (int row : rows) {
        QString line = QString::number(m_indices.at(row));
        for (int k = 0; k < m_width; ++k)
            line += QLatin1Char('\t') + formatValueFull(value(row, k));
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

int ResultsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows);
}

int ResultsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FirstValueColumn + m_width + 1;
}

QVariant ResultsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int column = index.column();
    const quint8 status = m_status[size_t(row)];
    const bool isValue = column >= FirstValueColumn && column < statusColumn();
    switch (role) {
    case Qt::DisplayRole:
        if (column == PositionColumn)
            return QString::number(row);
        if (column == IndexColumn)
            return QString::number(m_indices.at(row));
        if (isValue) // a pending value is not known yet: blank rather than "nan"
            return status == Pending ? QString() : formatValueCompact(value(row, column - FirstValueColumn));
        if (status == Done)
            return tr("done");
        return status == Failed ? tr("failed") : tr("pending");
    case Qt::ToolTipRole:
        if (isValue && status != Pending)
            return formatValueFull(value(row, column - FirstValueColumn));
        if (column == statusColumn() && status == Failed)
            return m_failureReasons.value(row, tr("kernel failed"));
        return {};
    case Qt::TextAlignmentRole:
        if (column == statusColumn())
            return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (column == statusColumn() && status == Failed)
            return QBrush(Qt::red);
        if (status == Pending)
            return QPalette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    default:
        return {};
    }
}

QVariant ResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0)
        return {};
    if (section == PositionColumn)
        return tr("Position");
    if (section == IndexColumn)
        return tr("Index");
    if (section < statusColumn())
        return m_width == 1 ? tr("Value") : tr("Value %1").arg(section - FirstValueColumn);
    if (section == statusColumn())
        return tr("Status");
    return {};
}

} // namespace sharedmap
