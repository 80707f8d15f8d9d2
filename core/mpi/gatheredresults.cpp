#include "mpi/gatheredresults.h"

#include "base/status.h"

#include <cmath>
#include <limits>

namespace sharedmap::mpi {

GatheredResults::GatheredResults(qint64 tasks, int width)
    : m_width(width)
    , m_values(tasks * width, std::numeric_limits<double>::quiet_NaN())
    , m_status(tasks, char(Pending))
{ }

qint64 GatheredResults::takePrevious(const double* values, QVector<bool>* done)
{
    done->fill(false, tasks());
    qint64 kept = 0;
    for (qint64 p = 0; p < tasks(); ++p) {
        bool complete = true;
        for (int k = 0; k < m_width; ++k)
            complete = complete && !std::isnan(values[p * m_width + k]);
        if (!complete)
            continue;
        std::copy_n(values + p * m_width, m_width, m_values.data() + p * m_width);
        m_status[p] = char(Done);
        (*done)[p] = true;
        ++kept;
    }
    m_completed += kept;
    return kept;
}

qint64 GatheredResults::merge(const ResultsMessage& message)
{
    const qint64 count = message.status.size();
    if (message.width != m_width || message.begin < 0 || count > tasks() - message.begin
        || message.values.size() != count * m_width)
        return -1;
    qint64 added = 0;
    for (qint64 i = 0; i < count; ++i) {
        const quint8 status = quint8(message.status[i]);
        const qint64 p = message.begin + i;
        if (status == Pending || quint8(m_status[p]) != Pending)
            continue; // not computed there, or already here (a range done twice after a rank was lost)
        m_status[p] = char(status);
        std::copy_n(message.values.constData() + i * m_width, m_width, m_values.data() + p * m_width);
        ++added;
    }
    m_completed += added;
    return added;
}

} // namespace sharedmap::mpi
