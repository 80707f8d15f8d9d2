#pragma once

#include "base/arraymeta.h"
#include "base/arrayview.h"
#include "shm/sharedsegment.h"

#include <atomic>
#include <functional>
#include <memory>

namespace sharedmap {

/// Layout of the header at the start of every array segment. Self-describing: a worker learns
/// dtype, shape, strides and where the data starts from the segment alone. Data in the segment is
/// always in native (little-endian) byte order; `sourceBigEndian` records the file's order.
struct ArraySegmentHeader
{
    static constexpr char kMagic[8] = { 'S', 'M', 'A', 'R', 'R', 'A', 'Y', '1' };
    static constexpr quint32 kVersion = 1;

    char magic[8];
    quint32 version;
    quint32 headerBytes; ///< sizeof(ArraySegmentHeader), checked by readers
    quint8 dtype; ///< DType
    quint8 fortranOrder;
    quint8 sourceBigEndian;
    quint8 backing; ///< ArrayBacking: the data follows the header, or lies in a file (path after the header)
    quint32 ndim;
    qint64 dataOffset; ///< from the segment start, a multiple of 64 (for a file backing: from the file's start)
    qint64 dataBytes;
    qint64 elementCount;
    qint64 ownerPid;
    qint64 shape[kMaxDims];
    qint64 strides[kMaxDims]; ///< bytes
};

/// Where an array segment's data lives.
enum class ArrayBacking : quint8
{
    Segment = 0, ///< in the segment, after the header
    File
    = 1, ///< in a file mapped read-only (a `.npy` mapped in place, a `/dev/shm` block); its path follows the header
};

/// Data start offset of an array segment: the header rounded up to a cache line.
constexpr qint64 kArrayDataOffset = (sizeof(ArraySegmentHeader) + 63) / 64 * 64;

/// An n-dimensional array living in one shared-memory segment.
class SharedArray
{
public:
    using Progress = std::function<void(qint64 done, qint64 total)>;

    /// Segment name prefixes: arrays the front end loads or generates, and jobs' outputs.
    static constexpr char kArrayPrefix[] = "sharedmap-array";
    static constexpr char kOutputPrefix[] = "sharedmap-output";

    /// Creates a zero-filled array to be written by the caller (generated data, a job's output,
    /// then named with kOutputPrefix).
    static std::shared_ptr<SharedArray> create(const ArrayMeta& meta, QString* error,
                                               const char* prefix = kArrayPrefix);
    /// Maps `bytes` of a file at `offset` read-only as an array described by `meta` (native byte
    /// order), with no copy: a `.npy` mapped in place or a Python `shared_memory` block in
    /// /dev/shm. A small descriptor segment carries the path, so workers map the same file.
    static std::shared_ptr<SharedArray> mapFile(const QString& path, qint64 offset, const ArrayMeta& meta,
                                                QString* error);
    /// Attaches to an array segment by name (in a worker) after validating its header; read-only
    /// unless `writable` (a job's output, which workers fill).
    static std::shared_ptr<SharedArray> attach(const QString& name, QString* error, bool writable = false);

    /// Segment name, for workers.
    QString segmentName() const { return m_segment->name(); }
    /// System V id of the segment (memory figures per segment read it).
    int segmentId() const { return m_segment->id(); }
    /// Bytes of the whole segment (header and data).
    qint64 segmentBytes() const { return m_segment->size(); }
    const ArrayMeta& meta() const { return m_meta; }
    ArrayView view() const;
    /// Writable data: null unless this process created the array or attached it writable (and
    /// the data is in the segment, not a mapped file).
    char* mutableData();
    /// The file the array came from, if any.
    QString sourcePath() const { return m_sourcePath; }
    void setSourcePath(const QString& path) { m_sourcePath = path; }
    /// Records that the file held the data big-endian (the segment always holds it native), as
    /// `info` and the window report it. Only for the creator of the segment.
    void recordSourceByteOrder(bool bigEndian);
    /// True when the data is a read-only mapping of a file rather than a copy in the segment.
    bool isFileMapped() const { return m_mapping != nullptr; }

private:
    SharedArray() = default;
    static std::unique_ptr<SharedSegment> createSegment(const ArrayMeta& meta, QString* error,
                                                        const char* prefix = kArrayPrefix);
    /// Maps [offset, offset + bytes) of `path` read-only into m_mapping / m_mappedData.
    QString mapRange(const QString& path, qint64 offset, qint64 bytes);

    std::unique_ptr<SharedSegment> m_segment;
    ArrayMeta m_meta;
    QString m_sourcePath;
    std::shared_ptr<void> m_mapping; ///< the mmap of a file backing (unmapped by its deleter)
    const char* m_mappedData = nullptr;
};

/// Checks an array segment header against the segment's size; returns an error text.
QString validateArrayHeader(const ArraySegmentHeader& header, qint64 segmentBytes);

/// Swaps the byte order of `count` elements of `size` bytes in place.
void byteSwapInPlace(char* data, qint64 count, int size);

} // namespace sharedmap
