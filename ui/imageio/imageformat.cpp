#include "imageio/imageformat.h"

#include "io/arrayloader.h"
#include "job/jobresult.h"
#include "job/resultwriter.h"

#include <cmath>
#include <cstring>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>

namespace sharedmap {

namespace {

/// Grey formats load as (H, W); everything else as (H, W, 3).
bool isGreyFormat(QImage::Format format)
{
    return format == QImage::Format_Grayscale8 || format == QImage::Format_Grayscale16 || format == QImage::Format_Mono
        || format == QImage::Format_MonoLSB || format == QImage::Format_Alpha8;
}

QString openReader(const QString& path, QImageReader* reader)
{
    if (!QFileInfo(path).isFile())
        return QStringLiteral("%1: no such file").arg(path);
    reader->setFileName(path);
    if (!reader->canRead())
        return QStringLiteral("%1: not a readable image (%2)").arg(path, reader->errorString());
    return {};
}

std::shared_ptr<SharedArray> loadImage(const QString& path, const LoadOptions&, QString* error,
                                       const SharedArray::Progress& progress, const std::atomic_bool* cancel)
{
    QImageReader reader;
    *error = openReader(path, &reader);
    if (!error->isEmpty())
        return nullptr;
    QImage image = reader.read();
    if (image.isNull()) {
        *error = QStringLiteral("%1: cannot decode the image: %2").arg(path, reader.errorString());
        return nullptr;
    }
    if (cancel && cancel->load()) {
        *error = QStringLiteral("%1: loading cancelled").arg(path);
        return nullptr;
    }
    const bool grey = isGreyFormat(image.format()) || (image.colorCount() > 0 && image.isGrayscale());
    image = image.convertToFormat(grey ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    ArrayMeta meta;
    meta.dtype = DType::UInt8;
    meta.shape = { image.height(), image.width() };
    if (!grey)
        meta.shape.append(3);
    QString problem;
    auto array = SharedArray::create(meta, &problem);
    if (!array) {
        *error = QStringLiteral("%1: %2").arg(path, problem);
        return nullptr;
    }
    array->setSourcePath(path);
    // Scan lines are padded to 4 bytes in a QImage: copy row by row.
    const qint64 rowBytes = meta.byteSize() / qMax(1, image.height());
    char* out = array->mutableData();
    for (int y = 0; y < image.height(); ++y)
        std::memcpy(out + y * rowBytes, image.constScanLine(y), size_t(rowBytes));
    if (progress)
        progress(meta.byteSize(), meta.byteSize());
    return array;
}

QString probeImage(const QString& path, const LoadOptions&, ArrayProbe* probe)
{
    QImageReader reader;
    const QString error = openReader(path, &reader);
    if (!error.isEmpty())
        return error;
    const QSize size = reader.size();
    if (!size.isValid())
        return QStringLiteral("%1: the image does not tell its size without decoding").arg(path);
    probe->meta.dtype = DType::UInt8;
    probe->meta.shape = { size.height(), size.width() };
    bool grey = isGreyFormat(reader.imageFormat());
    if (reader.imageFormat() == QImage::Format_Indexed8) {
        // Only the palette tells whether an indexed image is grey: decode it.
        const QImage image = reader.read();
        grey = !image.isNull() && image.isGrayscale();
    }
    if (!grey)
        probe->meta.shape.append(3);
    probe->details = { { QStringLiteral("image_format"), QString::fromLatin1(reader.format()) } };
    return {};
}

/// Whether results of this shape make an image: W values per position (grey) or W×3 (RGB).
QString checkResultImage(const QVector<qint64>& shape, bool counts)
{
    if (!counts && (shape.size() == 1 || (shape.size() == 2 && shape[1] == 3)))
        return {};
    QStringList parts;
    for (qint64 extent : shape)
        parts << QString::number(extent);
    return QStringLiteral("PNG output needs image-shaped results (W or W×3 values per index), not %1: use .npy, .csv "
                          "or .h5")
        .arg(counts                ? QStringLiteral("shared counts")
                 : shape.isEmpty() ? QStringLiteral("one value per index")
                                   : QStringLiteral("shape (%1) per index").arg(parts.join(QStringLiteral(", "))));
}

/// Image-shaped results as a PNG: row p of the image is position p's result.
QString writeResultImage(const JobResult& result, const QString& path)
{
    const QVector<qint64>& shape = result.resultShape;
    if (const QString problem = checkResultImage(shape, !result.accumulatorText.isEmpty()); !problem.isEmpty())
        return QStringLiteral("%1: %2").arg(path, problem);
    const bool grey = shape.size() == 1;
    const qint64 width = shape[0];
    const qint64 height = result.taskCount();
    if (width < 1 || height < 1 || width > 65535 || height > 65535)
        return QStringLiteral("%1: a %2 × %3 image is outside PNG's practical limits").arg(path).arg(width).arg(height);
    const double* values = result.values.constData();
    QImage image(int(width), int(height), grey ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    if (grey) {
        // Scaled from the smallest to the largest finite value (NaN: black), rounded half up.
        double lo = 0, hi = 0;
        bool any = false;
        for (qint64 i = 0; i < width * height; ++i) {
            if (std::isfinite(values[i])) {
                lo = any ? qMin(lo, values[i]) : values[i];
                hi = any ? qMax(hi, values[i]) : values[i];
                any = true;
            }
        }
        for (qint64 y = 0; y < height; ++y) {
            uchar* line = image.scanLine(int(y));
            for (qint64 x = 0; x < width; ++x) {
                const double v = values[y * width + x];
                line[x]
                    = uchar(!std::isfinite(v) || hi <= lo ? 0 : int(std::floor((v - lo) * 255.0 / (hi - lo) + 0.5)));
            }
        }
    } else {
        for (qint64 y = 0; y < height; ++y) {
            uchar* line = image.scanLine(int(y));
            for (qint64 i = 0; i < width * 3; ++i) {
                const double v = values[y * width * 3 + i];
                line[i] = uchar(std::isfinite(v) ? qBound(0, int(std::floor(v + 0.5)), 255) : 0);
            }
        }
    }
    if (!image.save(path, "PNG"))
        return QStringLiteral("cannot write %1").arg(path);
    return {};
}

} // namespace

void registerImageFormat()
{
    FormatHandler handler;
    handler.name = QStringLiteral("image");
    // A fixed list: asking Qt which plug-ins exist would load them all at every start. A missing
    // plug-in (TIFF comes with qt6-image-formats-plugins) shows as "not a readable image".
    handler.extensions = { QStringLiteral("png"), QStringLiteral("jpg"),  QStringLiteral("jpeg"),
                           QStringLiteral("tif"), QStringLiteral("tiff"), QStringLiteral("bmp") };
    handler.load = loadImage;
    handler.probe = probeImage;
    ArrayLoader::instance().registerFormat(handler);
    registerResultWriter(QStringLiteral("png"), { checkResultImage, writeResultImage });
}

} // namespace sharedmap
