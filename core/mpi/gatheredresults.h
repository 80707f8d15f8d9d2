#pragma once

#include "mpi/messages.h"

#include <QByteArray>
#include <QVector>

namespace sharedmap::mpi {

/// Rank 0's copy of the whole job's results, in index order, filled in as the nodes' ranges
/// come back: NaN and Pending where nothing came yet.
class GatheredResults
{
public:
    GatheredResults() = default;
    GatheredResults(qint64 tasks, int width);

    /// Takes the values of a resumed run: positions with every value non-NaN count as done.
    /// Returns how many were taken; `done` gets the mask of them.
    qint64 takePrevious(const double* values, QVector<bool>* done);
    /// Merges a node's results: the positions it computed (status not Pending) and their values.
    /// Returns the positions newly completed, or -1 when the message does not fit the job.
    qint64 merge(const ResultsMessage& message);

    qint64 tasks() const { return m_status.size(); }
    int width() const { return m_width; }
    /// Positions done or failed.
    qint64 completed() const { return m_completed; }
    bool allCompleted() const { return m_completed == tasks(); }
    const QVector<double>& values() const { return m_values; }
    const QByteArray& status() const { return m_status; }
    quint8 statusAt(qint64 position) const { return quint8(m_status[position]); }

private:
    int m_width = 1;
    QVector<double> m_values;
    QByteArray m_status;
    qint64 m_completed = 0;
};

} // namespace sharedmap::mpi
