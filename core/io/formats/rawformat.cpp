#include "io/formats/rawformat.h"

#include "io/npyformat.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace sharedmap {

std::shared_ptr<SharedArray> streamIntoArray(const QString& path, const ArrayMeta& meta, const ReadFunction& read,
                                             QString* error, const SharedArray::Progress& progress,
                                             const std::atomic_bool* cancel)
{
    QString problem;
    ArrayMeta native = meta;
    native.sourceBigEndian = false;
    std::shared_ptr<SharedArray> array = SharedArray::create(native, &problem);
    if (!array) {
        *error = QStringLiteral("%1: %2").arg(path, problem);
        return nullptr;
    }
    array->setSourcePath(path);
    char* out = array->mutableData();
    const qint64 total = meta.byteSize();
    constexpr qint64 kSlice = qint64(64) << 20;
    qint64 done = 0;
    while (done < total) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            *error = QStringLiteral("%1: loading cancelled").arg(path);
            return nullptr;
        }
        const qint64 want = qMin(kSlice, total - done);
        populatePages(out + done, want, true);
        const qint64 got = read(out + done, want, &problem);
        if (got <= 0) {
            *error = QStringLiteral("%1: %2").arg(path, got < 0 ? problem : QStringLiteral("unexpected end of data"));
            return nullptr;
        }
        done += got;
        if (progress)
            progress(done, total);
    }
    const int size = dtypeSize(meta.dtype);
    if (meta.sourceBigEndian && size > 1)
        byteSwapInPlace(out, meta.elementCount(), size);
    return array;
}

QString byteOrderText(const ArrayMeta& meta)
{
    return dtypeSize(meta.dtype) == 1 ? QStringLiteral("not applicable")
        : meta.sourceBigEndian        ? QStringLiteral("big-endian")
                                      : QStringLiteral("little-endian");
}

namespace {

/// Checks the options a raw or shm input needs and builds its meta.
QString rawMeta(const QString& format, const LoadOptions& options, ArrayMeta* meta)
{
    if (options.dtype == DType::Invalid)
        return QStringLiteral("a %1 input needs --dtype").arg(format);
    if (options.shape.isEmpty())
        return QStringLiteral("a %1 input needs --shape (e.g. 480x640)").arg(format);
    meta->dtype = options.dtype;
    meta->shape = options.shape;
    meta->sourceBigEndian = options.bigEndian && dtypeSize(options.dtype) > 1;
    if (meta->byteSize() < 0)
        return QStringLiteral("shape %1 is too large").arg(meta->shapeText());
    return {};
}

/// Checks a raw file against its options: it must hold exactly the array after the offset.
QString checkRaw(const QString& path, const LoadOptions& options, ArrayMeta* meta, qint64* fileSize)
{
    QString error = rawMeta(QStringLiteral("raw"), options, meta);
    if (!error.isEmpty())
        return error;
    const QFileInfo info(path);
    if (!info.isFile())
        return QStringLiteral("%1: no such file").arg(path);
    *fileSize = info.size();
    if (options.offset < 0 || options.offset > *fileSize)
        return QStringLiteral("%1: offset %2 lies past the end of the file (%3 bytes)")
            .arg(path)
            .arg(options.offset)
            .arg(*fileSize);
    const qint64 available = *fileSize - options.offset;
    if (available != meta->byteSize())
        return QStringLiteral(
                   "%1: size mismatch: shape %2 of %3 needs %4 bytes, the file holds %5 bytes after offset %6")
            .arg(path, meta->shapeText(), dtypeName(meta->dtype))
            .arg(meta->byteSize())
            .arg(available)
            .arg(options.offset);
    return {};
}

/// /dev/shm/NAME for `shm:NAME` (or a bare NAME); refuses names that leave the folder.
QString shmPath(const QString& input, QString* path)
{
    QString name = input.startsWith(QLatin1String("shm:")) ? input.mid(4) : input;
    if (name.startsWith(QLatin1Char('/')))
        name = name.mid(1);
    if (name.isEmpty() || name.contains(QLatin1Char('/')) || name == QLatin1String("..") || name == QLatin1String("."))
        return QStringLiteral("'%1' is not a shared-memory block name (use shm:NAME, as Python's SharedMemory.name)")
            .arg(input);
    *path = QStringLiteral("/dev/shm/") + name;
    if (!QFileInfo(*path).isFile())
        return QStringLiteral("%1: no shared-memory block named '%2' in /dev/shm").arg(input, name);
    return {};
}

} // namespace

FormatHandler rawFormat()
{
    FormatHandler handler;
    handler.name = QStringLiteral("raw");
    handler.extensions = { QStringLiteral("raw"), QStringLiteral("bin") };
    handler.load
        = [](const QString& path, const LoadOptions& options, QString* error, const SharedArray::Progress& progress,
             const std::atomic_bool* cancel) -> std::shared_ptr<SharedArray> {
        ArrayMeta meta;
        qint64 fileSize = 0;
        QString problem = checkRaw(path, options, &meta, &fileSize);
        if (!problem.isEmpty()) {
            *error = problem;
            return nullptr;
        }
        if (options.map) {
            if (meta.sourceBigEndian) {
                *error = QStringLiteral(
                             "%1: big-endian data cannot be mapped (the kernels read native order); load a copy")
                             .arg(path);
                return nullptr;
            }
            return SharedArray::mapFile(path, options.offset, meta, error);
        }
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered) || !file.seek(options.offset)) {
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
            return nullptr;
        }
        return streamIntoArray(
            path, meta,
            [&file](char* out, qint64 bytes, QString* readError) {
                const qint64 got = file.read(out, bytes);
                if (got < 0)
                    *readError = QStringLiteral("read error: %1").arg(file.errorString());
                return got;
            },
            error, progress, cancel);
    };
    handler.probe = [](const QString& path, const LoadOptions& options, ArrayProbe* probe) {
        qint64 fileSize = 0;
        const QString error = checkRaw(path, options, &probe->meta, &fileSize);
        if (error.isEmpty())
            probe->details = { { QStringLiteral("offset"), options.offset } };
        return error;
    };
    return handler;
}

FormatHandler shmFormat()
{
    FormatHandler handler;
    handler.name = QStringLiteral("shm");
    handler.load = [](const QString& input, const LoadOptions& options, QString* error, const SharedArray::Progress&,
                      const std::atomic_bool*) -> std::shared_ptr<SharedArray> {
        ArrayMeta meta;
        QString path;
        QString problem = rawMeta(QStringLiteral("shm:"), options, &meta);
        if (problem.isEmpty())
            problem = shmPath(input, &path);
        if (!problem.isEmpty()) {
            *error = problem;
            return nullptr;
        }
        if (meta.sourceBigEndian) {
            *error = QStringLiteral("%1: a big-endian block cannot be used in place (the kernels read native order)")
                         .arg(input);
            return nullptr;
        }
        // Always mapped: the block is already shared memory, a copy would defeat it.
        auto array = SharedArray::mapFile(path, options.offset, meta, error);
        if (array)
            array->setSourcePath(input);
        return array;
    };
    handler.probe = [](const QString& input, const LoadOptions& options, ArrayProbe* probe) {
        QString path;
        QString error = rawMeta(QStringLiteral("shm:"), options, &probe->meta);
        if (error.isEmpty())
            error = shmPath(input, &path);
        if (!error.isEmpty())
            return error;
        const qint64 size = QFileInfo(path).size();
        if (size - options.offset < probe->meta.byteSize())
            return QStringLiteral("%1: the block holds %2 bytes, shape %3 of %4 needs %5")
                .arg(input)
                .arg(size)
                .arg(probe->meta.shapeText(), dtypeName(probe->meta.dtype))
                .arg(probe->meta.byteSize());
        const QJsonObject block { { QStringLiteral("path"), path }, { QStringLiteral("bytes"), size } };
        probe->details = { { QStringLiteral("block"), block, QStringLiteral("%1 (%2 bytes)").arg(path).arg(size) } };
        return QString();
    };
    return handler;
}

QString probeNpy(const QString& path, ArrayProbe* probe)
{
    QFile file(path);
    if (!QFileInfo(path).isFile())
        return QStringLiteral("%1: no such file").arg(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("%1: %2").arg(path, file.errorString());
    NpyHeader header;
    const QString error = readNpyHeader(file, file.size(), &header);
    if (!error.isEmpty())
        return QStringLiteral("%1: %2").arg(path, error);
    probe->meta = header.meta;
    // The version stays text ("1.0"): a number would print as 1.
    probe->details
        = { { QStringLiteral("format_version"), QStringLiteral("%1.%2").arg(header.major).arg(header.minor) },
            { QStringLiteral("data_offset"), header.dataOffset } };
    return {};
}

std::shared_ptr<SharedArray> mapNpy(const QString& path, QString* error, bool* unsuitable)
{
    bool ignored = false;
    bool& fileProblem = unsuitable ? *unsuitable : ignored;
    fileProblem = true;
    QFile file(path);
    if (!QFileInfo(path).isFile()) {
        *error = QStringLiteral("%1: no such file").arg(path);
        return nullptr;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return nullptr;
    }
    NpyHeader header;
    const QString problem = readNpyHeader(file, file.size(), &header);
    if (!problem.isEmpty()) {
        *error = QStringLiteral("%1: %2").arg(path, problem);
        return nullptr;
    }
    // Fortran order is fine (views carry strides); foreign byte order and misaligned data are not.
    if (header.meta.sourceBigEndian && dtypeSize(header.meta.dtype) > 1) {
        *error = QStringLiteral("%1: big-endian data cannot be mapped (the kernels read native order); use --load copy")
                     .arg(path);
        return nullptr;
    }
    if (header.dataOffset % qMax(1, dtypeSize(header.meta.dtype)) != 0) {
        *error = QStringLiteral("%1: the data is not aligned for %2 and cannot be mapped; use --load copy")
                     .arg(path, dtypeName(header.meta.dtype));
        return nullptr;
    }
    fileProblem = false;
    return SharedArray::mapFile(path, header.dataOffset, header.meta, error);
}

} // namespace sharedmap
