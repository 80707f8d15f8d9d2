#include "io/npyloader.h"

#include "io/npyformat.h"
#include "shm/sharedsegment.h"

#include <QFile>
#include <QFileInfo>

namespace sharedmap {

std::shared_ptr<SharedArray> loadNpy(const QString& path, QString* error, const SharedArray::Progress& progress,
                                     const std::atomic_bool* cancel)
{
    if (path.contains(QChar(0))) {
        *error = QStringLiteral("file name contains a NUL character");
        return nullptr;
    }
    QFile file(path);
    if (!QFileInfo(path).isFile()) {
        *error = QStringLiteral("%1: no such file").arg(path);
        return nullptr;
    }
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return nullptr;
    }
    NpyHeader header;
    QString problem = readNpyHeader(file, file.size(), &header);
    if (!problem.isEmpty()) {
        *error = QStringLiteral("%1: %2").arg(path, problem);
        return nullptr;
    }
    std::shared_ptr<SharedArray> array = SharedArray::create(header.meta, &problem);
    if (!array) {
        *error = QStringLiteral("%1: %2").arg(path, problem);
        return nullptr;
    }
    // Read straight into the segment in slices, so progress can be shown and a load cancelled.
    array->setSourcePath(path);
    array->recordSourceByteOrder(header.meta.sourceBigEndian);
    char* out = array->mutableData();
    const qint64 total = header.meta.byteSize();
    constexpr qint64 kSlice = qint64(64) << 20;
    qint64 done = 0;
    while (done < total) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            *error = QStringLiteral("%1: loading cancelled").arg(path);
            return nullptr;
        }
        // Allocate and map the slice's pages in one call rather than a fault per page.
        populatePages(out + done, qMin(kSlice, total - done), true);
        const qint64 got = file.read(out + done, qMin(kSlice, total - done));
        if (got <= 0) {
            *error = QStringLiteral("%1: read error: %2").arg(path, file.errorString());
            return nullptr;
        }
        done += got;
        if (progress)
            progress(done, total);
    }
    const int size = dtypeSize(header.meta.dtype);
    if (header.meta.sourceBigEndian && size > 1)
        byteSwapInPlace(out, header.meta.elementCount(), size);
    return array;
}

} // namespace sharedmap
