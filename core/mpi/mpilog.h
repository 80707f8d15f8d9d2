#pragma once

#include <QLoggingCategory>

namespace sharedmap::mpi {

/// `sharedmap.mpi`: what the ranks say to each other and what their pools do, as debug lines
/// (QT_LOGGING_RULES="sharedmap.mpi.debug=true").
Q_DECLARE_LOGGING_CATEGORY(lcMpi)

/// Prints one line on stderr, prefixed with the program's name (errors and warnings of a run).
void printLine(const QString& text);

/// Seconds without a word from a rank after which it counts as lost (rank 0 about a node
/// leader, every rank about rank 0): `SHAREDMAP_MPI_TIMEOUT`, default 30. A rank on the same
/// host is checked by its pid at once.
double rankTimeoutS();

/// CLOCK_MONOTONIC in nanoseconds.
qint64 clockNs();

} // namespace sharedmap::mpi
