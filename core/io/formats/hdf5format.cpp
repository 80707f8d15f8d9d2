#include "io/formats/hdf5format.h"

#include <hdf5.h>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QMutex>

namespace sharedmap {

namespace {

/// libhdf5 is built without its thread-safety option: one call at a time.
QMutex& hdf5Mutex()
{
    static QMutex mutex;
    return mutex;
}

/// An HDF5 id closed by `close` when it goes out of scope.
class Handle
{
public:
    Handle(hid_t id, herr_t (*close)(hid_t))
        : m_id(id)
        , m_close(close)
    { }
    ~Handle()
    {
        if (m_id >= 0)
            m_close(m_id);
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    hid_t get() const { return m_id; }
    bool valid() const { return m_id >= 0; }

private:
    hid_t m_id;
    herr_t (*m_close)(hid_t);
};

/// Opens a file read-only, without libhdf5 printing its error stack on stderr.
hid_t openFile(const QString& path, QString* error)
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    if (!QFileInfo(path).isFile()) {
        *error = QStringLiteral("%1: no such file").arg(path);
        return -1;
    }
    const QByteArray local = QFile::encodeName(path);
    if (H5Fis_hdf5(local.constData()) <= 0) {
        *error = QStringLiteral("%1: not an HDF5 file").arg(path);
        return -1;
    }
    const hid_t file = H5Fopen(local.constData(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        *error = QStringLiteral("%1: cannot open the HDF5 file").arg(path);
    return file;
}

/// Maps a stored type to a DType and the native memory type to read it with; Invalid when refused.
DType typeOf(hid_t type, hid_t* memoryType, QString* text, bool* bigEndian)
{
    const H5T_class_t typeClass = H5Tget_class(type);
    const size_t size = H5Tget_size(type);
    *bigEndian = false;
    *memoryType = -1;
    switch (typeClass) {
    case H5T_INTEGER: {
        const bool isSigned = H5Tget_sign(type) == H5T_SGN_2;
        *bigEndian = H5Tget_order(type) == H5T_ORDER_BE;
        *text = QStringLiteral("%1int%2 %3")
                    .arg(isSigned ? QString() : QStringLiteral("u"))
                    .arg(size * 8)
                    .arg(*bigEndian ? QStringLiteral("BE") : QStringLiteral("LE"));
        switch (size) {
        case 1:
            *memoryType = isSigned ? H5T_NATIVE_INT8 : H5T_NATIVE_UINT8;
            return isSigned ? DType::Int8 : DType::UInt8;
        case 2:
            *memoryType = isSigned ? H5T_NATIVE_INT16 : H5T_NATIVE_UINT16;
            return isSigned ? DType::Int16 : DType::UInt16;
        case 4:
            *memoryType = isSigned ? H5T_NATIVE_INT32 : H5T_NATIVE_UINT32;
            return isSigned ? DType::Int32 : DType::UInt32;
        case 8:
            *memoryType = isSigned ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64;
            return isSigned ? DType::Int64 : DType::UInt64;
        default:
            return DType::Invalid;
        }
    }
    case H5T_FLOAT:
        *bigEndian = H5Tget_order(type) == H5T_ORDER_BE;
        *text
            = QStringLiteral("float%1 %2").arg(size * 8).arg(*bigEndian ? QStringLiteral("BE") : QStringLiteral("LE"));
        if (size == 4) {
            *memoryType = H5T_NATIVE_FLOAT;
            return DType::Float32;
        }
        if (size == 8) {
            *memoryType = H5T_NATIVE_DOUBLE;
            return DType::Float64;
        }
        return DType::Invalid;
    case H5T_ENUM: {
        // h5py stores NumPy bool as an int8 enum {FALSE = 0, TRUE = 1}.
        *text = QStringLiteral("enum");
        if (size != 1 || H5Tget_nmembers(type) != 2)
            return DType::Invalid;
        char* first = H5Tget_member_name(type, 0);
        char* second = H5Tget_member_name(type, 1);
        const bool isBool = first && second && qstrcmp(first, "FALSE") == 0 && qstrcmp(second, "TRUE") == 0;
        H5free_memory(first);
        H5free_memory(second);
        if (!isBool)
            return DType::Invalid;
        *text = QStringLiteral("bool (enum)");
        *memoryType = H5T_NATIVE_UINT8;
        return DType::Bool;
    }
    case H5T_STRING:
        *text = QStringLiteral("string");
        return DType::Invalid;
    case H5T_COMPOUND:
        *text = QStringLiteral("compound");
        return DType::Invalid;
    default:
        *text = QStringLiteral("type class %1").arg(int(typeClass));
        return DType::Invalid;
    }
}

/// Shape of a dataspace; false for a null dataspace or too many dimensions.
bool shapeOf(hid_t space, QVector<qint64>* shape)
{
    const int ndim = H5Sget_simple_extent_ndims(space);
    if (ndim < 0 || ndim > kMaxDims || H5Sget_simple_extent_type(space) == H5S_NULL)
        return false;
    hsize_t dims[kMaxDims];
    H5Sget_simple_extent_dims(space, dims, nullptr);
    shape->clear();
    for (int d = 0; d < ndim; ++d)
        shape->append(qint64(dims[d]));
    return true;
}

/// Everything needed to read one dataset: type, shape and the selection.
struct Selection
{
    DType dtype = DType::Invalid;
    hid_t memoryType = -1;
    bool bigEndian = false;
    QString typeText;
    QVector<qint64> fileShape;
    QVector<qint64> start, stride, count;
};

QString describeDataset(const QString& path, hid_t dataset, const QString& name, const LoadOptions& options,
                        Selection* sel)
{
    const Handle type(H5Dget_type(dataset), H5Tclose);
    const Handle space(H5Dget_space(dataset), H5Sclose);
    if (!type.valid() || !space.valid())
        return QStringLiteral("%1: cannot read dataset '%2'").arg(path, name);
    sel->dtype = typeOf(type.get(), &sel->memoryType, &sel->typeText, &sel->bigEndian);
    if (sel->dtype == DType::Invalid)
        return QStringLiteral(
                   "%1: dataset '%2' has type %3; only bool, int8..uint64, float32 and float64 are supported")
            .arg(path, name, sel->typeText);
    if (!shapeOf(space.get(), &sel->fileShape))
        return QStringLiteral("%1: dataset '%2' has no data or more than %3 dimensions").arg(path, name).arg(kMaxDims);
    return parseHyperslab(options.slice, sel->fileShape, &sel->start, &sel->stride, &sel->count);
}

/// Opens the dataset the options name (or the only one in the file).
QString openDataset(const QString& path, hid_t file, const LoadOptions& options, QString* name, hid_t* dataset);

herr_t collectDatasets(hid_t group, const char* name, const H5L_info_t*, void* data)
{
    auto* out = static_cast<QVector<DatasetInfo>*>(data);
    const hid_t object = H5Oopen(group, name, H5P_DEFAULT);
    if (object < 0)
        return 0; // dangling soft or external link: not listed
    DatasetInfo info;
    info.name = QString::fromUtf8(name);
    const H5I_type_t kind = H5Iget_type(object);
    if (kind == H5I_GROUP) {
        info.isGroup = true;
        out->append(info);
    } else if (kind == H5I_DATASET) {
        Selection sel;
        const QString problem = describeDataset(QString(), object, info.name, LoadOptions(), &sel);
        info.typeText = sel.typeText;
        if (problem.isEmpty() || sel.dtype != DType::Invalid) {
            info.meta.dtype = sel.dtype;
            info.meta.shape = sel.fileShape;
            info.meta.sourceBigEndian = sel.bigEndian;
        }
        out->append(info);
    }
    H5Oclose(object);
    return 0;
}

QString listLocked(const QString& path, QVector<DatasetInfo>* datasets)
{
    QString error;
    const Handle file(openFile(path, &error), H5Fclose);
    if (!file.valid())
        return error;
    if (H5Lvisit(file.get(), H5_INDEX_NAME, H5_ITER_INC, collectDatasets, datasets) < 0)
        return QStringLiteral("%1: cannot list the file's groups").arg(path);
    return {};
}

QString openDataset(const QString& path, hid_t file, const LoadOptions& options, QString* name, hid_t* dataset)
{
    *name = options.dataset;
    if (name->startsWith(QLatin1Char('/')))
        *name = name->mid(1);
    if (name->isEmpty()) {
        QVector<DatasetInfo> all;
        H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, collectDatasets, &all);
        QStringList names;
        for (const DatasetInfo& info : all) {
            if (!info.isGroup)
                names.append(info.name);
        }
        if (names.size() != 1)
            return names.isEmpty() ? QStringLiteral("%1: the file holds no datasets").arg(path)
                                   : QStringLiteral("%1: the file holds %2 datasets; pick one with --dataset (%3)")
                                         .arg(path)
                                         .arg(names.size())
                                         .arg(names.join(QLatin1String(", ")));
        *name = names.first();
    }
    const QByteArray local = name->toUtf8();
    // Walk the path link by link so a missing part is an error, not an HDF5 stack.
    QString sofar;
    for (const QString& part : name->split(QLatin1Char('/'))) {
        sofar += (sofar.isEmpty() ? QString() : QStringLiteral("/")) + part;
        if (part.isEmpty() || H5Lexists(file, sofar.toUtf8().constData(), H5P_DEFAULT) <= 0)
            return QStringLiteral("%1: no dataset '%2'").arg(path, *name);
    }
    const hid_t object = H5Oopen(file, local.constData(), H5P_DEFAULT);
    if (object < 0)
        return QStringLiteral("%1: no dataset '%2'").arg(path, *name);
    if (H5Iget_type(object) != H5I_DATASET) {
        H5Oclose(object);
        return QStringLiteral("%1: '%2' is a group, not a dataset").arg(path, *name);
    }
    *dataset = object;
    return {};
}

std::shared_ptr<SharedArray> loadLocked(const QString& path, const LoadOptions& options, QString* error,
                                        const SharedArray::Progress& progress, const std::atomic_bool* cancel)
{
    const Handle file(openFile(path, error), H5Fclose);
    if (!file.valid())
        return nullptr;
    QString name;
    hid_t datasetId = -1;
    QString problem = openDataset(path, file.get(), options, &name, &datasetId);
    if (!problem.isEmpty()) {
        *error = problem;
        return nullptr;
    }
    const Handle dataset(datasetId, H5Oclose);
    Selection sel;
    problem = describeDataset(path, dataset.get(), name, options, &sel);
    if (!problem.isEmpty()) {
        *error = problem.startsWith(path) ? problem : QStringLiteral("%1: %2").arg(path, problem);
        return nullptr;
    }
    ArrayMeta meta;
    meta.dtype = sel.dtype;
    meta.shape = sel.count;
    auto array = SharedArray::create(meta, &problem);
    if (!array) {
        *error = QStringLiteral("%1: %2").arg(path, problem);
        return nullptr;
    }
    array->setSourcePath(path);
    const qint64 total = meta.byteSize();
    if (total == 0)
        return array;
    const Handle fileSpace(H5Dget_space(dataset.get()), H5Sclose);
    char* out = array->mutableData();
    const int ndim = meta.shape.size();
    if (ndim == 0) {
        if (H5Dread(dataset.get(), sel.memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) {
            *error = QStringLiteral("%1: cannot read dataset '%2'").arg(path, name);
            return nullptr;
        }
        return array;
    }
    // Read ~64 MiB of leading-axis rows at a time, for progress and cancel.
    const qint64 rowBytes = total / meta.shape[0];
    const qint64 blockRows = qMax<qint64>(1, (qint64(64) << 20) / qMax<qint64>(1, rowBytes));
    for (qint64 row = 0; row < meta.shape[0]; row += blockRows) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            *error = QStringLiteral("%1: loading cancelled").arg(path);
            return nullptr;
        }
        const qint64 rows = qMin(blockRows, meta.shape[0] - row);
        QVector<hsize_t> start(ndim), stride(ndim), count(ndim);
        for (int d = 0; d < ndim; ++d) {
            start[d] = hsize_t(sel.start[d]);
            stride[d] = hsize_t(sel.stride[d]);
            count[d] = hsize_t(sel.count[d]);
        }
        start[0] = hsize_t(sel.start[0] + row * sel.stride[0]);
        count[0] = hsize_t(rows);
        const Handle memorySpace(H5Screate_simple(ndim, count.data(), nullptr), H5Sclose);
        populatePages(out + row * rowBytes, rows * rowBytes, true);
        if (H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), stride.data(), count.data(), nullptr) < 0
            || H5Dread(dataset.get(), sel.memoryType, memorySpace.get(), fileSpace.get(), H5P_DEFAULT,
                       out + row * rowBytes)
                < 0) {
            *error = QStringLiteral("%1: cannot read dataset '%2' (damaged file?)").arg(path, name);
            return nullptr;
        }
        if (progress)
            progress((row + rows) * rowBytes, total);
    }
    return array;
}

QString probeLocked(const QString& path, const LoadOptions& options, ArrayProbe* probe)
{
    QString error;
    const Handle file(openFile(path, &error), H5Fclose);
    if (!file.valid())
        return error;
    QString name;
    hid_t datasetId = -1;
    error = openDataset(path, file.get(), options, &name, &datasetId);
    if (!error.isEmpty())
        return error;
    const Handle dataset(datasetId, H5Oclose);
    Selection sel;
    error = describeDataset(path, dataset.get(), name, options, &sel);
    if (!error.isEmpty())
        return error.startsWith(path) ? error : QStringLiteral("%1: %2").arg(path, error);
    probe->meta.dtype = sel.dtype;
    probe->meta.shape = sel.count;
    probe->meta.sourceBigEndian = sel.bigEndian;
    ArrayMeta whole = probe->meta;
    whole.shape = sel.fileShape;
    QJsonArray wholeShape;
    for (qint64 dim : whole.shape)
        wholeShape.append(dim);
    probe->details = { { QStringLiteral("dataset"), name },
                       { QStringLiteral("stored_type"), sel.typeText },
                       { QStringLiteral("dataset_shape"), wholeShape, whole.shapeText() } };
    return {};
}

} // namespace

QString parseHyperslab(const QString& text, const QVector<qint64>& dims, QVector<qint64>* start,
                       QVector<qint64>* stride, QVector<qint64>* count)
{
    start->clear();
    stride->clear();
    count->clear();
    for (qint64 dim : dims) {
        start->append(0);
        stride->append(1);
        count->append(dim);
    }
    if (text.trimmed().isEmpty())
        return {};
    const QStringList parts = text.split(QLatin1Char(','));
    if (parts.size() > dims.size())
        return QStringLiteral("slice '%1' has %2 parts, the dataset %3 dimensions")
            .arg(text)
            .arg(parts.size())
            .arg(dims.size());
    for (int d = 0; d < parts.size(); ++d) {
        const QString part = parts[d].trimmed();
        const qint64 n = dims[d];
        auto number = [&](const QString& s, qint64 fallback, qint64* out) {
            if (s.trimmed().isEmpty()) {
                *out = fallback;
                return true;
            }
            bool ok = false;
            *out = s.trimmed().toLongLong(&ok);
            return ok;
        };
        if (part.isEmpty())
            continue; // the whole dimension
        const QStringList fields = part.split(QLatin1Char(':'));
        if (fields.size() == 1) {
            qint64 i = 0;
            if (!number(part, 0, &i) || i < -n || i >= n)
                return QStringLiteral("slice '%1': index '%2' is outside 0..%3").arg(text, part).arg(n - 1);
            (*start)[d] = i < 0 ? i + n : i;
            (*count)[d] = 1;
            continue;
        }
        qint64 first = 0, stop = 0, step = 1;
        if (fields.size() > 3 || !number(fields.value(2), 1, &step) || !number(fields[0], 0, &first)
            || !number(fields[1], n, &stop))
            return QStringLiteral("slice '%1': '%2' is not START:STOP[:STEP]").arg(text, part);
        if (step <= 0)
            return QStringLiteral("slice '%1': the step must be positive").arg(text);
        // Python's rules for a positive step: negative bounds count from the end, then clip.
        if (first < 0)
            first = qMax<qint64>(0, first + n);
        if (stop < 0)
            stop = qMax<qint64>(0, stop + n);
        first = qMin(first, n);
        stop = qMin(stop, n);
        (*start)[d] = first;
        (*stride)[d] = step;
        (*count)[d] = stop > first ? (stop - first + step - 1) / step : 0;
    }
    return {};
}

namespace {

hid_t memoryTypeOf(DType dtype)
{
    switch (dtype) {
    case DType::Bool:
    case DType::UInt8:
        return H5T_NATIVE_UINT8;
    case DType::Int8:
        return H5T_NATIVE_INT8;
    case DType::Int16:
        return H5T_NATIVE_INT16;
    case DType::Int32:
        return H5T_NATIVE_INT32;
    case DType::Int64:
        return H5T_NATIVE_INT64;
    case DType::UInt16:
        return H5T_NATIVE_UINT16;
    case DType::UInt32:
        return H5T_NATIVE_UINT32;
    case DType::UInt64:
        return H5T_NATIVE_UINT64;
    case DType::Float32:
        return H5T_NATIVE_FLOAT;
    case DType::Float64:
    case DType::Invalid:
        break;
    }
    return H5T_NATIVE_DOUBLE;
}

QString writeLocked(const QString& path, const QVector<Hdf5Dataset>& datasets,
                    const QList<QPair<QString, QString>>& attributes)
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const Handle file(H5Fcreate(QFile::encodeName(path).constData(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                      H5Fclose);
    if (!file.valid())
        return QStringLiteral("cannot create HDF5 file %1").arg(path);
    for (const Hdf5Dataset& d : datasets) {
        QVector<hsize_t> dims;
        for (qint64 dim : d.meta.shape)
            dims.append(hsize_t(dim));
        const Handle space(dims.isEmpty() ? H5Screate(H5S_SCALAR)
                                          : H5Screate_simple(int(dims.size()), dims.data(), nullptr),
                           H5Sclose);
        const hid_t type = memoryTypeOf(d.meta.dtype);
        const Handle dataset(H5Dcreate2(file.get(), d.name.toUtf8().constData(), type, space.get(), H5P_DEFAULT,
                                        H5P_DEFAULT, H5P_DEFAULT),
                             H5Dclose);
        if (!dataset.valid() || H5Dwrite(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.data) < 0)
            return QStringLiteral("cannot write dataset '%1' to %2").arg(d.name, path);
    }
    for (const auto& [name, value] : attributes) {
        // Variable-length UTF-8, which h5py reads back as str.
        const QByteArray text = value.toUtf8();
        const Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(type.get(), H5T_VARIABLE);
        H5Tset_cset(type.get(), H5T_CSET_UTF8);
        const Handle space(H5Screate(H5S_SCALAR), H5Sclose);
        const Handle attribute(
            H5Acreate2(file.get(), name.toUtf8().constData(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose);
        const char* pointer = text.constData();
        if (!attribute.valid() || H5Awrite(attribute.get(), type.get(), &pointer) < 0)
            return QStringLiteral("cannot write attribute '%1' to %2").arg(name, path);
    }
    if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0)
        return QStringLiteral("cannot write HDF5 file %1").arg(path);
    return {};
}

} // namespace

QString writeHdf5(const QString& path, const QVector<Hdf5Dataset>& datasets,
                  const QList<QPair<QString, QString>>& attributes)
{
    // Written beside the target and renamed over it: a failed write leaves no half file.
    const QString temporary = path + QStringLiteral(".part");
    QString error;
    {
        QMutexLocker lock(&hdf5Mutex());
        error = writeLocked(temporary, datasets, attributes);
    }
    if (error.isEmpty()) {
        QFile::remove(path);
        if (!QFile::rename(temporary, path))
            error = QStringLiteral("cannot write %1").arg(path);
    }
    if (!error.isEmpty())
        QFile::remove(temporary);
    return error;
}

FormatHandler hdf5Format()
{
    FormatHandler handler;
    handler.name = QStringLiteral("hdf5");
    handler.extensions = { QStringLiteral("h5"), QStringLiteral("hdf5"), QStringLiteral("he5") };
    handler.load = [](const QString& path, const LoadOptions& options, QString* error,
                      const SharedArray::Progress& progress, const std::atomic_bool* cancel) {
        QMutexLocker lock(&hdf5Mutex());
        return loadLocked(path, options, error, progress, cancel);
    };
    handler.probe = [](const QString& path, const LoadOptions& options, ArrayProbe* probe) {
        QMutexLocker lock(&hdf5Mutex());
        return probeLocked(path, options, probe);
    };
    handler.list = [](const QString& path, QVector<DatasetInfo>* datasets) {
        QMutexLocker lock(&hdf5Mutex());
        return listLocked(path, datasets);
    };
    return handler;
}

} // namespace sharedmap
