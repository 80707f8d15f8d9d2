#include "engine/cleanup.h"

#include "engine/jobannouncer.h"

namespace sharedmap {

QVector<StaleSegment> cleanUpStaleRuns()
{
    // Announcements of jobs whose owner died go too; they hold no memory, so they are not listed.
    removeStaleJobFiles();
    return removeStaleSegments();
}

} // namespace sharedmap
