#include "io/arrayloader.h"

#include "io/formats/csvformat.h"
#include "io/formats/hdf5format.h"
#include "io/formats/npzformat.h"
#include "io/formats/rawformat.h"
#include "io/npyloader.h"

#include <cmath>
#include <QFileInfo>
#include <QJsonArray>

namespace sharedmap {

// --- LoadOptions -------------------------------------------------------------------------------

bool LoadOptions::isDefault() const
{
    return *this == LoadOptions();
}

bool LoadOptions::operator==(const LoadOptions& o) const
{
    return format == o.format && dataset == o.dataset && slice == o.slice && dtype == o.dtype && shape == o.shape
        && bigEndian == o.bigEndian && offset == o.offset && delimiter == o.delimiter && headerRows == o.headerRows
        && columns == o.columns && map == o.map;
}

QJsonObject LoadOptions::toJson() const
{
    QJsonObject json;
    if (!format.isEmpty())
        json.insert(QStringLiteral("format"), format);
    if (!dataset.isEmpty())
        json.insert(QStringLiteral("dataset"), dataset);
    if (!slice.isEmpty())
        json.insert(QStringLiteral("slice"), slice);
    if (dtype != DType::Invalid)
        json.insert(QStringLiteral("dtype"), dtypeName(dtype));
    if (!shape.isEmpty()) {
        QJsonArray dims;
        for (qint64 dim : shape)
            dims.append(dim);
        json.insert(QStringLiteral("shape"), dims);
    }
    if (bigEndian)
        json.insert(QStringLiteral("byte_order"), QStringLiteral("big"));
    if (offset != 0)
        json.insert(QStringLiteral("offset"), offset);
    if (!delimiter.isNull())
        json.insert(QStringLiteral("delimiter"), QString(delimiter));
    if (headerRows >= 0)
        json.insert(QStringLiteral("header_rows"), headerRows);
    if (!columns.isEmpty()) {
        QJsonArray list;
        for (int column : columns)
            list.append(column);
        json.insert(QStringLiteral("columns"), list);
    }
    if (map)
        json.insert(QStringLiteral("load"), QStringLiteral("map"));
    return json;
}

LoadOptions LoadOptions::fromJson(const QJsonObject& json, QString* error)
{
    LoadOptions options;
    static const QStringList known
        = { QStringLiteral("format"),  QStringLiteral("dataset"),   QStringLiteral("slice"),
            QStringLiteral("dtype"),   QStringLiteral("shape"),     QStringLiteral("byte_order"),
            QStringLiteral("offset"),  QStringLiteral("delimiter"), QStringLiteral("header_rows"),
            QStringLiteral("columns"), QStringLiteral("load") };
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("job file: unknown key 'input_options.%1'").arg(it.key());
            return {};
        }
    }
    auto fail = [error](const QString& key, const char* what) {
        *error = QStringLiteral("job file: 'input_options.%1' must be %2").arg(key, QLatin1String(what));
        return LoadOptions();
    };
    auto string = [&json](const char* key, QString* out) {
        const QJsonValue value = json.value(QLatin1String(key));
        if (value.isUndefined())
            return true;
        if (!value.isString())
            return false;
        *out = value.toString();
        return true;
    };
    auto integer = [](const QJsonValue& value, qint64* out) {
        const double d = value.toDouble(-1.5);
        if (!value.isDouble() || d != std::floor(d) || d < 0 || d > 9.0e15)
            return false;
        *out = qint64(d);
        return true;
    };
    QString text;
    if (!string("format", &options.format))
        return fail(QStringLiteral("format"), "a string");
    if (!options.format.isEmpty() && !ArrayLoader::instance().find(options.format))
        return fail(QStringLiteral("format"),
                    qPrintable(ArrayLoader::instance().formatNames().join(QLatin1String(", "))));
    if (!string("dataset", &options.dataset))
        return fail(QStringLiteral("dataset"), "a string");
    if (!string("slice", &options.slice))
        return fail(QStringLiteral("slice"), "a string");
    text.clear();
    if (!string("dtype", &text))
        return fail(QStringLiteral("dtype"), "a string");
    if (!text.isEmpty() && (options.dtype = dtypeFromName(text)) == DType::Invalid)
        return fail(QStringLiteral("dtype"), "a dtype name (bool, int8..uint64, float32, float64)");
    const QJsonValue shape = json.value(QStringLiteral("shape"));
    if (!shape.isUndefined()) {
        if (!shape.isArray() || shape.toArray().size() > kMaxDims)
            return fail(QStringLiteral("shape"), "a list of sizes");
        for (const QJsonValue& dim : shape.toArray()) {
            qint64 n = 0;
            if (!integer(dim, &n))
                return fail(QStringLiteral("shape"), "a list of sizes");
            options.shape.append(n);
        }
    }
    text.clear();
    if (!string("byte_order", &text) || (!text.isEmpty() && !byteOrderFromName(text, &options.bigEndian)))
        return fail(QStringLiteral("byte_order"), "\"little\" or \"big\"");
    const QJsonValue offset = json.value(QStringLiteral("offset"));
    if (!offset.isUndefined() && !integer(offset, &options.offset))
        return fail(QStringLiteral("offset"), "a non-negative integer");
    text.clear();
    if (!string("delimiter", &text) || (!text.isEmpty() && !delimiterFromName(text, &options.delimiter).isEmpty()))
        return fail(QStringLiteral("delimiter"), "one character, tab or space");
    const QJsonValue header = json.value(QStringLiteral("header_rows"));
    qint64 rows = 0;
    if (!header.isUndefined()) {
        if (!integer(header, &rows) || rows > 1000000)
            return fail(QStringLiteral("header_rows"), "a non-negative integer");
        options.headerRows = int(rows);
    }
    const QJsonValue columns = json.value(QStringLiteral("columns"));
    if (!columns.isUndefined()) {
        if (!columns.isArray())
            return fail(QStringLiteral("columns"), "a list of column numbers");
        for (const QJsonValue& column : columns.toArray()) {
            qint64 n = 0;
            if (!integer(column, &n) || n > 1000000)
                return fail(QStringLiteral("columns"), "a list of column numbers");
            options.columns.append(int(n));
        }
    }
    text.clear();
    if (!string("load", &text) || (!text.isEmpty() && text != QLatin1String("copy") && text != QLatin1String("map")))
        return fail(QStringLiteral("load"), "\"copy\" or \"map\"");
    options.map = text == QLatin1String("map");
    return options;
}

// --- option parsing --------------------------------------------------------------------------

bool byteOrderFromName(const QString& name, bool* bigEndian)
{
    const QString n = name.toLower();
    if (n == QLatin1String("little") || n == QLatin1String("<") || n == QLatin1String("le")) {
        *bigEndian = false;
        return true;
    }
    if (n == QLatin1String("big") || n == QLatin1String(">") || n == QLatin1String("be")) {
        *bigEndian = true;
        return true;
    }
    return false;
}

QString delimiterFromName(const QString& name, QChar* delimiter)
{
    const QString n = name.toLower();
    if (n == QLatin1String("tab") || n == QLatin1String("\\t") || name == QLatin1String("\t"))
        *delimiter = QLatin1Char('\t');
    else if (n == QLatin1String("space") || n == QLatin1String("whitespace") || name == QLatin1String(" "))
        *delimiter = QLatin1Char(' ');
    else if (n == QLatin1String("comma"))
        *delimiter = QLatin1Char(',');
    else if (n == QLatin1String("semicolon"))
        *delimiter = QLatin1Char(';');
    else if (name.size() == 1 && name.at(0).unicode() < 128 && !name.at(0).isLetterOrNumber()
             && name != QLatin1String(".") && name != QLatin1String("-") && name != QLatin1String("+")
             && name != QLatin1String("\"") && name != QLatin1String("#"))
        *delimiter = name.at(0);
    else
        return QStringLiteral("unknown delimiter '%1' (use one punctuation character, tab or space)").arg(name);
    return {};
}

QString parseColumns(const QString& text, QVector<int>* columns)
{
    columns->clear();
    for (const QString& part : text.split(QLatin1Char(','))) {
        bool ok = false;
        const int column = part.trimmed().toInt(&ok);
        if (!ok || column < 0)
            return QStringLiteral("columns must be a list of column numbers counted from 0, e.g. 0,2,5; not '%1'")
                .arg(text);
        columns->append(column);
    }
    return {};
}

// --- .npy as a format --------------------------------------------------------------------------

namespace {

FormatHandler npyFormat()
{
    FormatHandler handler;
    handler.name = QStringLiteral("npy");
    handler.extensions = { QStringLiteral("npy") };
    handler.load
        = [](const QString& path, const LoadOptions& options, QString* error, const SharedArray::Progress& progress,
             const std::atomic_bool* cancel) -> std::shared_ptr<SharedArray> {
        if (options.map)
            return mapNpy(path, error);
        if (options.preferMap) {
            // A file that cannot be mapped (big-endian, misaligned) is copied, and a bad one is
            // reported, below; a mapping the system refused is an error, not a quiet copy.
            QString why;
            bool unsuitable = true;
            if (auto mapped = mapNpy(path, &why, &unsuitable))
                return mapped;
            if (!unsuitable) {
                *error = why;
                return nullptr;
            }
        }
        return loadNpy(path, error, progress, cancel);
    };
    handler.probe = [](const QString& path, const LoadOptions&, ArrayProbe* probe) { return probeNpy(path, probe); };
    return handler;
}

} // namespace

// --- the registry ----------------------------------------------------------------------------

ArrayLoader::ArrayLoader()
{
    m_handlers = { npyFormat(), csvFormat(), tsvFormat(), npzFormat(), hdf5Format(), rawFormat(), shmFormat() };
}

ArrayLoader& ArrayLoader::instance()
{
    static ArrayLoader loader;
    return loader;
}

void ArrayLoader::registerFormat(const FormatHandler& handler)
{
    for (FormatHandler& existing : m_handlers) {
        if (existing.name == handler.name) {
            existing = handler;
            return;
        }
    }
    m_handlers.append(handler);
}

const FormatHandler* ArrayLoader::find(const QString& name) const
{
    for (const FormatHandler& handler : m_handlers) {
        if (handler.name == name)
            return &handler;
    }
    return nullptr;
}

QStringList ArrayLoader::formatNames() const
{
    QStringList names;
    for (const FormatHandler& handler : m_handlers)
        names.append(handler.name);
    return names;
}

QStringList ArrayLoader::extensions() const
{
    QStringList all;
    for (const FormatHandler& handler : m_handlers)
        all += handler.extensions;
    return all;
}

const FormatHandler* ArrayLoader::handlerFor(const QString& path, const LoadOptions& options, QString* error) const
{
    if (!options.format.isEmpty()) {
        if (const FormatHandler* handler = find(options.format))
            return handler;
        *error = QStringLiteral("unknown format '%1' (formats: %2)")
                     .arg(options.format, formatNames().join(QLatin1String(", ")));
        return nullptr;
    }
    if (path.startsWith(QLatin1String("shm:")))
        return find(QStringLiteral("shm"));
    const QString suffix = QFileInfo(path).suffix().toLower();
    for (const FormatHandler& handler : m_handlers) {
        if (handler.extensions.contains(suffix))
            return &handler;
    }
    *error = QStringLiteral("%1: unknown file type '.%2' (name the format with --format: %3)")
                 .arg(path, suffix, formatNames().join(QLatin1String(", ")));
    return nullptr;
}

std::shared_ptr<SharedArray> loadArray(const QString& path, const LoadOptions& options, QString* error,
                                       const SharedArray::Progress& progress, const std::atomic_bool* cancel)
{
    if (path.contains(QChar(0))) {
        *error = QStringLiteral("file name contains a NUL character");
        return nullptr;
    }
    const FormatHandler* handler = ArrayLoader::instance().handlerFor(path, options, error);
    if (!handler)
        return nullptr;
    if (!handler->load) {
        *error = QStringLiteral("%1: the %2 format cannot be loaded here").arg(path, handler->name);
        return nullptr;
    }
    // What was read is recorded (a resumed run and replacement workers compare against it), and
    // a file replaced or rewritten while it was read is refused rather than half old, half new.
    const QString file = path.startsWith(QLatin1String("shm:")) ? QStringLiteral("/dev/shm/") + path.mid(4) : path;
    const FileIdentity before = FileIdentity::ofPath(file);
    auto array = handler->load(path, options, error, progress, cancel);
    if (!array)
        return nullptr;
    if (array->sourcePath().isEmpty())
        array->setSourcePath(path);
    if (before.isValid() && FileIdentity::ofPath(file) != before) {
        *error = QStringLiteral("%1: the file changed while it was being loaded").arg(path);
        return nullptr;
    }
    array->setSourceIdentity(before);
    return array;
}

QString ProbeDetail::printed() const
{
    if (!text.isEmpty() || !value.isArray())
        return text.isEmpty() ? value.toVariant().toString() : text;
    QStringList items;
    for (const QJsonValue& item : value.toArray())
        items.append(item.toVariant().toString());
    return items.join(QLatin1String(", "));
}

QString probeArray(const QString& path, const LoadOptions& options, ArrayProbe* probe)
{
    if (path.contains(QChar(0)))
        return QStringLiteral("file name contains a NUL character");
    QString error;
    const FormatHandler* handler = ArrayLoader::instance().handlerFor(path, options, &error);
    if (!handler)
        return error;
    probe->format = handler->name;
    if (!handler->probe)
        return QStringLiteral("%1: the %2 format cannot be described without loading it").arg(path, handler->name);
    return handler->probe(path, options, probe);
}

QString listDatasets(const QString& path, const LoadOptions& options, QVector<DatasetInfo>* datasets)
{
    QString error;
    const FormatHandler* handler = ArrayLoader::instance().handlerFor(path, options, &error);
    if (!handler)
        return error;
    if (!handler->list)
        return QStringLiteral("%1: a %2 file holds a single array").arg(path, handler->name);
    return handler->list(path, datasets);
}

} // namespace sharedmap
