#pragma once

#include <QString>
#include <QVector>

namespace sharedmap {

/// The positions of a job: either an arithmetic run (start, step, count), as `all` and slices
/// give without storing a vector, or an explicit list that may repeat indices.
class IndexList
{
public:
    IndexList() = default;
    static IndexList range(qint64 start, qint64 step, qint64 count);
    static IndexList list(QVector<qint64> indices);

    qint64 size() const { return m_arithmetic ? m_count : m_list.size(); }
    qint64 at(qint64 position) const { return m_arithmetic ? m_start + position * m_step : m_list[position]; }
    bool isArithmetic() const { return m_arithmetic; }
    qint64 start() const { return m_start; }
    qint64 step() const { return m_step; }
    const QVector<qint64>& explicitList() const { return m_list; }

private:
    bool m_arithmetic = true;
    qint64 m_start = 0;
    qint64 m_step = 1;
    qint64 m_count = 0;
    QVector<qint64> m_list;
};

} // namespace sharedmap
