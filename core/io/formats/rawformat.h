#pragma once

#include "io/arrayloader.h"

namespace sharedmap {

/// Reads up to `bytes` into `out`; returns the bytes read, or -1 with `error` set.
using ReadFunction = std::function<qint64(char* out, qint64 bytes, QString* error)>;

/// Creates a segment for `meta` and fills it from `read` in 64 MiB slices, with progress and
/// cancel, then swaps big-endian data to native order: the one copy every streaming loader makes.
std::shared_ptr<SharedArray> streamIntoArray(const QString& path, const ArrayMeta& meta, const ReadFunction& read,
                                             QString* error, const SharedArray::Progress& progress,
                                             const std::atomic_bool* cancel);

/// Raw binary: dtype, shape, byte order and header offset from the options; the size after the
/// offset must match the shape exactly.
FormatHandler rawFormat();
/// `shm:NAME`: a POSIX shared-memory block in /dev/shm (Python's `multiprocessing.shared_memory`),
/// mapped read-only with the dtype and shape from the options.
FormatHandler shmFormat();

/// Maps a `.npy` file read-only in place; refuses what the kernels cannot read in place. When
/// `unsuitable` is given it says whether a refusal is about the file (big-endian or misaligned
/// data, a bad header: a copy is the answer, or reports the problem) rather than the system
/// (the mapping itself failed, e.g. under `ulimit -v`: a copy would only fail later or hide it).
std::shared_ptr<SharedArray> mapNpy(const QString& path, QString* error, bool* unsuitable = nullptr);
/// Describes a `.npy` file from its header.
QString probeNpy(const QString& path, ArrayProbe* probe);
/// "little-endian", "big-endian" or "not applicable" for one-byte types.
QString byteOrderText(const ArrayMeta& meta);

} // namespace sharedmap
