#pragma once

#include "io/arrayloader.h"

namespace sharedmap {

/// HDF5 through the libhdf5 C API: lists groups and datasets, loads a dataset (or a hyperslab
/// of it, `--slice`) of the `.npy` numeric types in either byte order, converting to native
/// order while reading into the segment. The library is not thread-safe here: calls are serialised.
FormatHandler hdf5Format();

/// Parses a hyperslab "START:STOP[:STEP],..." (Python slice rules, one per leading dimension;
/// a plain index keeps its dimension with size 1) against `dims` into start, stride and count.
QString parseHyperslab(const QString& text, const QVector<qint64>& dims, QVector<qint64>* start,
                       QVector<qint64>* stride, QVector<qint64>* count);

/// One array to write into an HDF5 file: a dataset name, its native data and its meta.
struct Hdf5Dataset
{
    QString name;
    ArrayMeta meta;
    const void* data = nullptr;
};

/// Writes datasets (and string attributes on the root group) to a new HDF5 file, replacing
/// `path` only once the file is complete. Returns an error text.
QString writeHdf5(const QString& path, const QVector<Hdf5Dataset>& datasets,
                  const QList<QPair<QString, QString>>& attributes);

} // namespace sharedmap
