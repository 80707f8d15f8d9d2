#include "engine/cleanup.h"

namespace sharedmap {

QVector<StaleSegment> cleanUpStaleRuns()
{
    return removeStaleSegments();
}

} // namespace sharedmap
