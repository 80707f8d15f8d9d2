#include "shm/sharedarray.h"

#include <cstring>
#include <fcntl.h>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sharedmap {

namespace {
/// Fills the self-describing header at the start of an array segment (zeroing what it does not set).
void writeArrayHeader(char* at, const ArrayMeta& meta, ArrayBacking backing, qint64 dataOffset)
{
    auto* header = reinterpret_cast<ArraySegmentHeader*>(at);
    std::memset(header, 0, sizeof(ArraySegmentHeader));
    std::memcpy(header->magic, ArraySegmentHeader::kMagic, sizeof header->magic);
    header->version = ArraySegmentHeader::kVersion;
    header->headerBytes = sizeof(ArraySegmentHeader);
    header->dtype = quint8(meta.dtype);
    header->fortranOrder = meta.fortranOrder;
    header->sourceBigEndian = meta.sourceBigEndian;
    header->backing = quint8(backing);
    header->ndim = quint32(meta.shape.size());
    header->dataOffset = dataOffset;
    header->dataBytes = meta.byteSize();
    header->elementCount = meta.elementCount();
    header->ownerPid = QCoreApplication::applicationPid();
    const QVector<qint64> strides = meta.strides();
    for (int d = 0; d < meta.shape.size(); ++d) {
        header->shape[d] = meta.shape[d];
        header->strides[d] = strides[d];
    }
}
} // namespace

std::unique_ptr<SharedSegment> SharedArray::createSegment(const ArrayMeta& meta, QString* error, const char* prefix)
{
    const qint64 dataBytes = meta.byteSize();
    if (dataBytes < 0 || meta.shape.size() > kMaxDims) {
        *error = QStringLiteral("array shape %1 is too large").arg(meta.shapeText());
        return nullptr;
    }
    auto segment = SharedSegment::create(QLatin1String(prefix), kArrayDataOffset + dataBytes, error);
    if (!segment)
        return nullptr;
    writeArrayHeader(segment->data(), meta, ArrayBacking::Segment, kArrayDataOffset);
    return segment;
}

std::shared_ptr<SharedArray> SharedArray::create(const ArrayMeta& meta, QString* error, const char* prefix)
{
    std::shared_ptr<SharedArray> array(new SharedArray);
    array->m_meta = meta;
    array->m_meta.sourceBigEndian = false;
    array->m_segment = createSegment(array->m_meta, error, prefix);
    if (!array->m_segment)
        return nullptr;
    return array;
}

namespace {
FileIdentity identityOf(const struct stat& info)
{
    FileIdentity identity;
    identity.device = quint64(info.st_dev);
    identity.inode = quint64(info.st_ino);
    identity.size = qint64(info.st_size);
    identity.mtimeNs = qint64(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
    return identity;
}

QByteArray identityText(const FileIdentity& id)
{
    return QByteArray::number(id.device) + ' ' + QByteArray::number(id.inode) + ' ' + QByteArray::number(id.size) + ' '
        + QByteArray::number(id.mtimeNs);
}

FileIdentity identityFromText(const QByteArray& text)
{
    const QList<QByteArray> parts = text.split(' ');
    FileIdentity id;
    if (parts.size() == 4) {
        id.device = parts[0].toULongLong();
        id.inode = parts[1].toULongLong();
        id.size = parts[2].toLongLong();
        id.mtimeNs = parts[3].toLongLong();
    }
    return id;
}
} // namespace

FileIdentity FileIdentity::ofPath(const QString& path)
{
    struct stat info = {};
    if (path.isEmpty() || ::stat(QFile::encodeName(path).constData(), &info) != 0 || !S_ISREG(info.st_mode))
        return {};
    return identityOf(info);
}

QString SharedArray::mapRange(const QString& path, qint64 offset, qint64 bytes, const FileIdentity& expected,
                              bool keepOpen)
{
    const QByteArray local = QFile::encodeName(path);
    const int fd = ::open(local.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    struct stat info = {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        return QStringLiteral("%1: not a regular file").arg(path);
    }
    const FileIdentity found = identityOf(info);
    if (expected.isValid() && found != expected) {
        ::close(fd);
        const auto when
            = [](qint64 ns) { return QDateTime::fromMSecsSinceEpoch(ns / 1000000).toString(Qt::ISODateWithMs); };
        return QStringLiteral("the input file changed since it was loaded (rewritten or replaced: %1 bytes modified "
                              "%2 then, %3 bytes modified %4 now): its values are not the ones the job started with")
            .arg(expected.size)
            .arg(when(expected.mtimeNs))
            .arg(found.size)
            .arg(when(found.mtimeNs));
    }
    if (offset < 0 || bytes < 0 || offset > info.st_size || info.st_size - offset < bytes) {
        ::close(fd);
        return QStringLiteral("%1: holds %2 bytes, the array needs %3 bytes from offset %4")
            .arg(path)
            .arg(qint64(info.st_size))
            .arg(bytes)
            .arg(offset);
    }
    // mmap wants a page-aligned offset: map from the page the data starts in.
    const qint64 page = ::sysconf(_SC_PAGESIZE);
    const qint64 start = offset / page * page;
    const size_t length = size_t(qMax<qint64>(1, offset - start + bytes));
    void* address = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, start);
    const int mapErrno = errno;
    if (address == MAP_FAILED || !keepOpen)
        ::close(fd);
    if (address == MAP_FAILED)
        return QStringLiteral("%1: cannot map %2 bytes: %3").arg(path).arg(bytes).arg(systemErrorText(mapErrno));
    const int kept = keepOpen ? fd : -1;
    m_mapping = std::shared_ptr<void>(address, [length, kept](void* p) {
        ::munmap(p, length);
        if (kept >= 0)
            ::close(kept);
    });
    m_mappedData = static_cast<const char*>(address) + (offset - start);
    m_mappedFd = kept;
    m_sourceIdentity = found;
    return {};
}

std::shared_ptr<SharedArray> SharedArray::mapFile(const QString& path, qint64 offset, const ArrayMeta& meta,
                                                  QString* error)
{
    const qint64 dataBytes = meta.byteSize();
    if (dataBytes < 0 || meta.shape.size() > kMaxDims || dtypeSize(meta.dtype) == 0) {
        *error = QStringLiteral("array shape %1 is too large").arg(meta.shapeText());
        return nullptr;
    }
    if (offset % dtypeSize(meta.dtype) != 0) {
        *error = QStringLiteral("%1: the data starts at byte %2, not aligned for %3; load a copy instead")
                     .arg(path)
                     .arg(offset)
                     .arg(dtypeName(meta.dtype));
        return nullptr;
    }
    std::shared_ptr<SharedArray> array(new SharedArray);
    array->m_meta = meta;
    array->m_sourcePath = path;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    // The descriptor stays open while the array lives: a worker started later (a replacement
    // for one that died) maps the very file that was loaded through /proc/PID/fd/N, even after
    // the path was given to another file (`mv other.npy T.npy`) or a shm: block was unlinked.
    QString problem = array->mapRange(absolute, offset, dataBytes, {}, true);
    if (!problem.isEmpty()) {
        *error = problem;
        return nullptr;
    }
    // The descriptor segment: the usual header, then the file's path, the open descriptor's
    // path and the file's identity, each NUL-terminated.
    const QByteArray text = QFile::encodeName(absolute) + '\0' + QByteArray("/proc/")
        + QByteArray::number(QCoreApplication::applicationPid()) + "/fd/" + QByteArray::number(array->m_mappedFd) + '\0'
        + identityText(array->m_sourceIdentity) + '\0';
    array->m_segment = SharedSegment::create(QStringLiteral("sharedmap-array"), kArrayDataOffset + text.size(), error);
    if (!array->m_segment)
        return nullptr;
    writeArrayHeader(array->m_segment->data(), meta, ArrayBacking::File, offset);
    std::memcpy(array->m_segment->data() + kArrayDataOffset, text.constData(), size_t(text.size()));
    return array;
}

std::shared_ptr<SharedArray> SharedArray::attach(const QString& name, QString* error, bool writable)
{
    std::shared_ptr<SharedArray> array(new SharedArray);
    array->m_segment = SharedSegment::attach(name, writable, error);
    if (!array->m_segment)
        return nullptr;
    if (array->m_segment->size() < qint64(sizeof(ArraySegmentHeader))) {
        *error = QStringLiteral("segment %1 is too small to be an array").arg(name);
        return nullptr;
    }
    ArraySegmentHeader header;
    std::memcpy(&header, array->m_segment->constData(), sizeof header);
    const QString problem = validateArrayHeader(header, array->m_segment->size());
    if (!problem.isEmpty()) {
        *error = QStringLiteral("segment %1: %2").arg(name, problem);
        return nullptr;
    }
    ArrayMeta& meta = array->m_meta;
    meta.dtype = DType(header.dtype);
    meta.fortranOrder = header.fortranOrder;
    meta.sourceBigEndian = header.sourceBigEndian;
    for (quint32 d = 0; d < header.ndim; ++d)
        meta.shape.append(header.shape[d]);
    if (ArrayBacking(header.backing) == ArrayBacking::File) {
        // path \0 /proc/PID/fd/N \0 identity \0 (the last two may be missing: then the path alone).
        const QList<QByteArray> fields
            = QByteArray(array->m_segment->constData() + kArrayDataOffset,
                         int(qMin<qint64>(array->m_segment->size() - kArrayDataOffset, 1 << 16)))
                  .split('\0');
        const QString path = QFile::decodeName(fields.value(0));
        const QString opened = QFile::decodeName(fields.value(1));
        const FileIdentity expected = identityFromText(fields.value(2));
        // The loader's own open file first; the path only when that is not reachable, and then
        // only if it is still the same file: never another file's values under the same name.
        QString mapError = opened.startsWith(QLatin1String("/proc/"))
            ? array->mapRange(opened, header.dataOffset, header.dataBytes, expected)
            : QStringLiteral("no open file");
        if (!mapError.isEmpty())
            mapError = array->mapRange(path, header.dataOffset, header.dataBytes, expected);
        if (!mapError.isEmpty()) {
            *error = QStringLiteral("segment %1: %2").arg(name, mapError);
            return nullptr;
        }
        array->m_sourcePath = path;
    }
    return array;
}

void SharedArray::recordSourceByteOrder(bool bigEndian)
{
    m_meta.sourceBigEndian = bigEndian;
    if (char* header = m_segment->isWritable() ? m_segment->data() : nullptr)
        reinterpret_cast<ArraySegmentHeader*>(header)->sourceBigEndian = bigEndian;
}

ArrayView SharedArray::view() const
{
    return ArrayView::of(m_meta, m_mapping ? m_mappedData : m_segment->constData() + kArrayDataOffset);
}

char* SharedArray::mutableData()
{
    return m_segment->isWritable() && !m_mapping ? m_segment->data() + kArrayDataOffset : nullptr;
}

QString validateArrayHeader(const ArraySegmentHeader& header, qint64 segmentBytes)
{
    if (std::memcmp(header.magic, ArraySegmentHeader::kMagic, sizeof header.magic) != 0)
        return QStringLiteral("not a SharedMap array segment (bad magic)");
    if (header.version != ArraySegmentHeader::kVersion || header.headerBytes != sizeof(ArraySegmentHeader))
        return QStringLiteral("array segment version %1 is not supported").arg(header.version);
    if (dtypeSize(DType(header.dtype)) == 0)
        return QStringLiteral("array segment has an unknown dtype");
    if (header.ndim > quint32(kMaxDims))
        return QStringLiteral("array segment has %1 dimensions").arg(header.ndim);
    ArrayMeta meta;
    meta.dtype = DType(header.dtype);
    meta.fortranOrder = header.fortranOrder;
    for (quint32 d = 0; d < header.ndim; ++d)
        meta.shape.append(header.shape[d]);
    const qint64 bytes = meta.byteSize();
    if (bytes < 0 || bytes != header.dataBytes || meta.elementCount() != header.elementCount)
        return QStringLiteral("array segment sizes are inconsistent");
    if (ArrayBacking(header.backing) == ArrayBacking::File) {
        // The data lies in a file whose NUL-terminated path follows the header.
        if (header.dataOffset < 0 || segmentBytes <= kArrayDataOffset)
            return QStringLiteral("array segment names no file to map");
    } else if (header.backing != quint8(ArrayBacking::Segment)) {
        return QStringLiteral("array segment has an unknown backing");
    } else if (header.dataOffset < qint64(sizeof(ArraySegmentHeader)) || header.dataOffset % 64 != 0
               || header.dataOffset > segmentBytes || segmentBytes - header.dataOffset < bytes) {
        return QStringLiteral("array segment is smaller than its header says");
    }
    const QVector<qint64> strides = meta.strides();
    for (quint32 d = 0; d < header.ndim; ++d) {
        if (strides[d] != header.strides[d])
            return QStringLiteral("array segment strides are inconsistent");
    }
    return {};
}

void byteSwapInPlace(char* data, qint64 count, int size)
{
    switch (size) {
    case 2: {
        auto* p = reinterpret_cast<quint16*>(data);
        for (qint64 i = 0; i < count; ++i)
            p[i] = __builtin_bswap16(p[i]);
        break;
    }
    case 4: {
        auto* p = reinterpret_cast<quint32*>(data);
        for (qint64 i = 0; i < count; ++i)
            p[i] = __builtin_bswap32(p[i]);
        break;
    }
    case 8: {
        auto* p = reinterpret_cast<quint64*>(data);
        for (qint64 i = 0; i < count; ++i)
            p[i] = __builtin_bswap64(p[i]);
        break;
    }
    default:
        break;
    }
}

} // namespace sharedmap
