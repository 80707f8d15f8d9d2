#pragma once

#include "job/jobresult.h"

#include <functional>
#include <QString>
#include <QStringList>
#include <QVector>

namespace sharedmap {

/// Writes the results: `.npy` (float64, shape (n,) or (n, k)), `.csv` (header, then
/// `index,value[,value...]`), HDF5 (`results`, `indices`) or a format registered with
/// registerResultWriter(). Returns an error text.
QString writeResults(const JobResult& result, const QString& path);

/// Writes results in a format core cannot (e.g. PNG through Qt Gui, registered by ui/imageio).
struct ResultWriter
{
    /// Whether results of this shape (per position; `counts` for an accumulator) fit the
    /// format: an error text, checked before a job runs so no work is lost to a bad --output.
    std::function<QString(const QVector<qint64>& resultShape, bool counts)> check;
    std::function<QString(const JobResult& result, const QString& path)> write;
};
/// Registers a writer for an output extension (lower case, no dot). Call at start.
void registerResultWriter(const QString& extension, ResultWriter writer);
/// Whether `path`'s format restricts the shape of the results it can hold (so a front end
/// should call checkResultFormat() with the job's plan before running it).
bool resultFormatRestrictsShape(const QString& path);
/// Checks that results of this shape can be written to `path`'s format; an error text.
QString checkResultFormat(const QString& path, const QVector<qint64>& resultShape, bool counts);
/// The output extensions writeResults() accepts: npy, csv, h5, hdf5 and the registered ones.
QStringList resultExtensions();

} // namespace sharedmap
