// `sharedmap-cli info FILE`: what a format knows about an input without loading its data, or the
// arrays of a container (`--list`).

#include "base/progressformat.h"
#include "cli/cliapp.h"
#include "cli/clicommon.h"
#include "cli/commands.h"
#include "io/arrayloader.h"
#include "io/formats/rawformat.h"
#include "job/joboptions.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sharedmap::cli {

int infoCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON instead of text."));
    const QCommandLineOption list(QStringLiteral("list"), QStringLiteral("List the arrays of a .npz or HDF5 file."));
    const InputOptionSet inputOptions;
    parser.addOptions({ json, list });
    inputOptions.addTo(parser);
    parser.addPositionalArgument(
        QStringLiteral("FILE"),
        QStringLiteral("An input file (.npy, .npz, .h5, .csv, .tsv, .txt, raw, image) or shm:NAME."));
    if (const int code
        = parseCommand(parser, arguments, QStringLiteral("Describe an input array without loading its data."));
        code >= 0)
        return code;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("info takes exactly one FILE"));
    const QString path = parser.positionalArguments().first();
    LoadOptions options;
    const JobError optionError = inputOptions.read(parser, &options);
    if (optionError)
        return usageError(optionError.message);
    QString error;
    if (parser.isSet(list)) {
        QVector<DatasetInfo> datasets;
        error = listDatasets(path, options, &datasets);
        if (!error.isEmpty())
            return usageError(error);
        QJsonArray entries;
        QString text;
        for (const DatasetInfo& info : datasets) {
            QJsonArray shape;
            for (qint64 dim : info.meta.shape)
                shape.append(dim);
            entries.append(QJsonObject {
                { QStringLiteral("name"), info.name },
                { QStringLiteral("kind"), info.isGroup ? QStringLiteral("group") : QStringLiteral("dataset") },
                { QStringLiteral("dtype"),
                  info.meta.dtype == DType::Invalid ? QJsonValue() : QJsonValue(dtypeName(info.meta.dtype)) },
                { QStringLiteral("shape"), shape },
                { QStringLiteral("stored_type"), info.typeText } });
            text += info.isGroup ? QStringLiteral("%1/\n").arg(info.name)
                : info.meta.dtype == DType::Invalid
                ? QStringLiteral("%1  (unsupported: %2)\n").arg(info.name, info.typeText)
                : QStringLiteral("%1  %2 %3\n").arg(info.name, dtypeName(info.meta.dtype), info.meta.shapeText());
        }
        printOut(parser.isSet(json) ? QString::fromUtf8(QJsonDocument(entries).toJson(QJsonDocument::Indented)) : text);
        return ExitOk;
    }
    ArrayProbe probe;
    error = probeArray(path, options, &probe);
    if (!error.isEmpty())
        return usageError(error);
    const ArrayMeta& meta = probe.meta;
    const QString byteOrder = byteOrderText(meta);
    if (parser.isSet(json)) {
        QJsonArray shape;
        for (qint64 dim : meta.shape)
            shape.append(dim);
        QJsonObject object { { QStringLiteral("path"), path },
                             { QStringLiteral("format"), probe.format },
                             { QStringLiteral("dtype"), dtypeName(meta.dtype) },
                             { QStringLiteral("byte_order"), byteOrder },
                             { QStringLiteral("shape"), shape },
                             { QStringLiteral("order"), meta.orderText() },
                             { QStringLiteral("elements"), meta.elementCount() },
                             { QStringLiteral("bytes"), meta.byteSize() } };
        for (const ProbeDetail& detail : std::as_const(probe.details))
            object.insert(detail.key, detail.value);
        printOut(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    // .npy keeps its historical first lines ("format:   .npy 1.0").
    QString format = probe.format;
    QVector<ProbeDetail> details = probe.details;
    if (format == QLatin1String("npy") && !details.isEmpty()
        && details.first().key == QLatin1String("format_version")) {
        format = QStringLiteral(".npy ") + details.first().printed();
        details.clear();
    }
    QString text = QStringLiteral("file:     %1\nformat:   %2\ndtype:    %3 (%4)\nshape:    %5\norder:    %6\n"
                                  "elements: %7\nbytes:    %8 (%9)\n")
                       .arg(path, format, dtypeName(meta.dtype), byteOrder, meta.shapeText(),
                            meta.fortranOrder ? QStringLiteral("F (Fortran)") : QStringLiteral("C"))
                       .arg(meta.elementCount())
                       .arg(meta.byteSize())
                       .arg(formatBytes(meta.byteSize()));
    for (const ProbeDetail& detail : std::as_const(details))
        text += QStringLiteral("%1 %2\n").arg(detail.key + QLatin1Char(':'), -9).arg(detail.printed());
    printOut(text);
    return ExitOk;
}

} // namespace sharedmap::cli
