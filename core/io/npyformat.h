#pragma once

#include "base/arraymeta.h"

#include <QByteArray>
#include <QString>

class QIODevice;

namespace sharedmap {

/// Largest `.npy` header we accept; NumPy itself refuses headers over 10,000 bytes by default.
constexpr qint64 kMaxNpyHeaderBytes = 1 << 20;

/// The parsed header of a `.npy` file.
struct NpyHeader
{
    int major = 0;
    int minor = 0;
    ArrayMeta meta;
    /// Offset of the first data byte from the start of the file.
    qint64 dataOffset = 0;
};

/// Parses the 10- or 12-byte preamble (magic, version, header length). On success sets the
/// version, `dataOffset` and the header dict's length, else returns an error text.
QString parseNpyPreamble(const QByteArray& bytes, NpyHeader* header, qint64* dictLength);

/// Parses the header dict, e.g. `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`.
/// Never evaluates anything: only the three documented keys with literal values are accepted.
QString parseNpyDict(const QByteArray& dict, ArrayMeta* meta);

/// Parses a whole header (preamble and dict) held in memory, as a fuzz target would.
QString parseNpyHeader(const QByteArray& bytes, NpyHeader* header);

/// Reads and checks the header from `device`, positioned at the start of the file. `fileSize` is
/// used to refuse shapes the file cannot hold. Leaves the device at the first data byte.
QString readNpyHeader(QIODevice& device, qint64 fileSize, NpyHeader* header);

/// Builds a version 1.0 (or 2.0 when needed) header for native little-endian data, padded so
/// that the data starts on a 64-byte boundary as NumPy does.
QByteArray makeNpyHeader(const ArrayMeta& meta);

/// Writes a whole `.npy` file; `data` holds meta.byteSize() native bytes. Returns an error text.
QString writeNpy(const QString& path, const ArrayMeta& meta, const void* data);

} // namespace sharedmap
