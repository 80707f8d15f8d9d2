#include "base/indexlist.h"

namespace sharedmap {

IndexList IndexList::range(qint64 start, qint64 step, qint64 count)
{
    IndexList result;
    result.m_start = start;
    result.m_step = step;
    result.m_count = count;
    return result;
}

IndexList IndexList::list(QVector<qint64> indices)
{
    IndexList result;
    result.m_arithmetic = false;
    result.m_list = std::move(indices);
    return result;
}

} // namespace sharedmap
