#pragma once

#include "shm/sharedsegment.h"

#include <QVector>

namespace sharedmap {

/// Removes what runs that ended without cleaning up left behind (their segments, and the
/// semaphores and key files Qt creates with them) and returns what was removed; the job
/// announcements of owners that are gone are removed as well. The CLI and the window call it
/// when they start; it never touches a segment whose creator is still alive.
QVector<StaleSegment> cleanUpStaleRuns();

} // namespace sharedmap
