#include "cli/cliapp.h"

#include "base/installlayout.h"
#include "base/progressformat.h"
#include "base/signalwatcher.h"
#include "base/version.h"
#include "cli/progressbar.h"
#include "engine/cleanup.h"
#include "engine/pool.h"
#include "io/arrayloader.h"
#include "io/formats/rawformat.h"
#include "io/generator.h"
#include "io/npyformat.h"
#include "io/npyloader.h"
#include "job/jobspec.h"
#include "job/resultwriter.h"
#include "kernels/kernel.h"

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <unistd.h>

namespace sharedmap::cli {

namespace {

const char kUsage[] = "Usage: sharedmap-cli COMMAND [OPTIONS]\n"
                      "\n"
                      "A parallel map over arrays held once in shared memory.\n"
                      "\n"
                      "Commands:\n"
                      "  run        run a kernel over the indices of an array with worker processes\n"
                      "  kernels    list the kernels, their descriptions and parameters\n"
                      "  info       describe an input file: dtype, shape, order, bytes\n"
                      "  generate   write a .npy file of demo data\n"
                      "  cleanup    remove shared memory left by SharedMap runs that were killed\n"
                      "\n"
                      "Options:\n"
                      "  -h, --help   show this help\n"
                      "  --version    show the version\n"
                      "\n"
                      "Run 'sharedmap-cli COMMAND --help' for a command's options.\n";

/// Prints an error as one readable line (never several).
void printError(const QString& message)
{
    // Named after the program: sharedmap-mpi reads `run`'s command line through this file too.
    std::fprintf(stderr, "%s: error: %s\n", qPrintable(QCoreApplication::applicationName()),
                 message.simplified().toUtf8().constData());
}

/// Prints the error and returns the usage exit code.
int usageError(const QString& message)
{
    printError(message);
    return ExitUsage;
}

void printOut(const QString& text)
{
    std::fputs(text.toUtf8().constData(), stdout);
    std::fflush(stdout);
}

/// Parses the command's options; returns -1 to go on, else the exit code (help or error).
int parseCommand(QCommandLineParser& parser, const QStringList& arguments, const QString& description)
{
    parser.setApplicationDescription(description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({ QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        // Qt's usage line names the program as it was started (argv[0]); name it as it is typed,
        // with the command (main() puts "sharedmap-cli COMMAND" first in `arguments`).
        QString text = parser.helpText();
        const QString started = QCoreApplication::arguments().constFirst();
        const QString usage = QStringLiteral("Usage: ");
        if (text.startsWith(usage + started))
            text.replace(usage.size(), started.size(), arguments.constFirst());
        printOut(text);
        return ExitOk;
    }
    return -1;
}

// --- input options (run, info) -----------------------------------------------------------------

/// The options that say how to read an input file, shared by run and info.
struct InputOptionSet
{
    QCommandLineOption format { QStringLiteral("format"),
                                QStringLiteral(
                                    "Input format: csv, tsv, npy, npz, hdf5, raw, image or shm (default: from the "
                                    "extension, or shm: for shm:NAME)."),
                                QStringLiteral("FORMAT") };
    QCommandLineOption dataset {
        QStringLiteral("dataset"),
        QStringLiteral("Array of a .npz, or dataset path of an HDF5 file (e.g. group/values)."), QStringLiteral("NAME")
    };
    QCommandLineOption slice { QStringLiteral("slice"),
                               QStringLiteral("HDF5 hyperslab: START:STOP[:STEP] per dimension, comma-separated."),
                               QStringLiteral("SLICE") };
    QCommandLineOption dtype {
        QStringLiteral("dtype"),
        QStringLiteral("Element type of raw and shm: input (required), or of a text table (default float64)."),
        QStringLiteral("DTYPE")
    };
    QCommandLineOption shape { QStringLiteral("shape"), QStringLiteral("Shape of raw and shm: input, e.g. 480x640."),
                               QStringLiteral("SHAPE") };
    QCommandLineOption byteOrder { QStringLiteral("byte-order"),
                                   QStringLiteral("Byte order of raw input: little (default) or big."),
                                   QStringLiteral("ORDER") };
    QCommandLineOption offset { QStringLiteral("offset"), QStringLiteral("Bytes to skip before raw data (default 0)."),
                                QStringLiteral("BYTES") };
    QCommandLineOption delimiter {
        QStringLiteral("delimiter"),
        QStringLiteral("Text table delimiter: one character, tab or space (default: detected)."), QStringLiteral("CHAR")
    };
    QCommandLineOption headerRows { QStringLiteral("header-rows"),
                                    QStringLiteral("Header lines of a text table (default: detected, 0 or 1)."),
                                    QStringLiteral("N") };
    QCommandLineOption columns {
        QStringLiteral("columns"),
        QStringLiteral("Text table columns to keep, counted from 0, e.g. 0,2,5 (default: all)."), QStringLiteral("LIST")
    };
    QCommandLineOption load { QStringLiteral("load"),
                              QStringLiteral("copy the input into shared memory, or map a .npy or raw file read-only "
                                             "in place (default for a .npy in native byte order: no load time)."),
                              QStringLiteral("copy|map") };

    void addTo(QCommandLineParser& parser) const
    {
        parser.addOptions(
            { format, dataset, slice, dtype, shape, byteOrder, offset, delimiter, headerRows, columns, load });
    }

    /// Applies the options given on the command line over `options`; returns an error text.
    QString read(const QCommandLineParser& parser, LoadOptions* options) const
    {
        if (parser.isSet(format)) {
            options->format = parser.value(format).toLower();
            if (options->format == QLatin1String("h5"))
                options->format = QStringLiteral("hdf5");
            if (!ArrayLoader::instance().find(options->format))
                return QStringLiteral("unknown format '%1' (formats: %2)")
                    .arg(parser.value(format), ArrayLoader::instance().formatNames().join(QLatin1String(", ")));
        }
        if (parser.isSet(dataset))
            options->dataset = parser.value(dataset);
        if (parser.isSet(slice))
            options->slice = parser.value(slice);
        if (parser.isSet(dtype)) {
            options->dtype = dtypeFromName(parser.value(dtype));
            if (options->dtype == DType::Invalid)
                return QStringLiteral("unknown dtype '%1' (use bool, int8..int64, uint8..uint64, float32, float64)")
                    .arg(parser.value(dtype));
        }
        if (parser.isSet(shape)) {
            const QString error = parseShape(parser.value(shape), &options->shape);
            if (!error.isEmpty())
                return error;
        }
        if (parser.isSet(byteOrder) && !byteOrderFromName(parser.value(byteOrder), &options->bigEndian))
            return QStringLiteral("--byte-order must be little or big, not '%1'").arg(parser.value(byteOrder));
        if (parser.isSet(offset)) {
            bool ok = false;
            options->offset = parser.value(offset).toLongLong(&ok);
            if (!ok || options->offset < 0)
                return QStringLiteral("--offset must be a non-negative number of bytes, not '%1'")
                    .arg(parser.value(offset));
        }
        if (parser.isSet(delimiter)) {
            const QString error = delimiterFromName(parser.value(delimiter), &options->delimiter);
            if (!error.isEmpty())
                return error;
        }
        if (parser.isSet(headerRows)) {
            bool ok = false;
            options->headerRows = parser.value(headerRows).toInt(&ok);
            if (!ok || options->headerRows < 0)
                return QStringLiteral("--header-rows must be a non-negative integer, not '%1'")
                    .arg(parser.value(headerRows));
        }
        if (parser.isSet(columns)) {
            const QString error = parseColumns(parser.value(columns), &options->columns);
            if (!error.isEmpty())
                return error;
        }
        if (parser.isSet(load)) {
            const QString mode = parser.value(load);
            if (mode != QLatin1String("copy") && mode != QLatin1String("map"))
                return QStringLiteral("--load must be copy or map, not '%1'").arg(mode);
            options->map = mode == QLatin1String("map");
        }
        return {};
    }
};

// --- kernels ---------------------------------------------------------------------------------

/// Loads the plugins named on the command line (or in a job file), then those of the user's
/// plugins folder: named ones first, so that they win over a same-named copy in the folder,
/// which is then only a warning. Returns an exit code on error, -1 otherwise.
int loadPlugins(const QStringList& named)
{
    // Each plugin is loaded in a worker process first: one that crashes there is reported, and
    // only then would it have been loaded here.
    const QString worker = defaultWorkerProgram();
    for (const QString& path : named) {
        const QString error = KernelRegistry::loadProbedPlugin(path, worker);
        if (!error.isEmpty())
            return usageError(error);
    }
    for (const QString& error : KernelRegistry::loadPluginFolder(QString(), worker))
        std::fprintf(stderr, "%s: warning: %s\n", qPrintable(QCoreApplication::applicationName()),
                     error.simplified().toUtf8().constData());
    return -1;
}

int kernelsCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON instead of text."));
    const QCommandLineOption plugin(QStringLiteral("plugin"), QStringLiteral("Load a kernel plugin first. Repeatable."),
                                    QStringLiteral("PATH"));
    parser.addOptions({ json, plugin });
    parser.setApplicationDescription(QString());
    if (const int code = parseCommand(parser, arguments, QStringLiteral("List the kernels and their parameters."));
        code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("kernels takes no arguments"));
    if (const int code = loadPlugins(parser.values(plugin)); code >= 0)
        return code;
    const auto kernels = KernelRegistry::instance().all();
    if (parser.isSet(json)) {
        QJsonArray list;
        for (const KernelDef* def : kernels) {
            QJsonArray params;
            for (const ParamSpec& spec : def->info.params) {
                params.append(QJsonObject { { QStringLiteral("name"), spec.name },
                                            { QStringLiteral("type"), paramTypeName(spec.type) },
                                            { QStringLiteral("default"), QJsonValue::fromVariant(spec.defaultValue) },
                                            { QStringLiteral("min"), QJsonValue::fromVariant(spec.minimum) },
                                            { QStringLiteral("max"), QJsonValue::fromVariant(spec.maximum) },
                                            { QStringLiteral("description"), QString::fromUtf8(spec.description) },
                                            { QStringLiteral("choices"), QJsonArray::fromStringList(spec.choices) } });
            }
            list.append(
                QJsonObject { { QStringLiteral("name"), def->info.name },
                              { QStringLiteral("description"), QString::fromUtf8(def->info.description) },
                              { QStringLiteral("index_space"), QString::fromUtf8(def->info.indexSpace) },
                              { QStringLiteral("needs_input"), def->info.needsInput },
                              { QStringLiteral("result"), QString::fromUtf8(def->info.resultText) },
                              { QStringLiteral("output"),
                                QString::fromUtf8(*def->info.accumulatorText ? def->info.accumulatorText : "results") },
                              { QStringLiteral("plugin"), def->pluginPath },
                              { QStringLiteral("params"), params } });
        }
        printOut(QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    QString text;
    for (const KernelDef* def : kernels) {
        text += QStringLiteral("%1\n    %2\n    indices: %3%4\n    result per index: %5\n")
                    .arg(def->info.name, QString::fromUtf8(def->info.description),
                         QString::fromUtf8(def->info.indexSpace),
                         def->info.needsInput ? QString() : QStringLiteral(" (no input array)"),
                         QString::fromUtf8(def->info.resultText));
        if (*def->info.accumulatorText)
            text += QStringLiteral("    --output saves: %1\n").arg(QString::fromUtf8(def->info.accumulatorText));
        if (!def->pluginPath.isEmpty())
            text += QStringLiteral("    plugin: %1\n").arg(def->pluginPath);
        for (const ParamSpec& spec : def->info.params) {
            QString range;
            if (spec.minimum.isValid() || spec.maximum.isValid())
                range = QStringLiteral(", %1..%2").arg(spec.minimum.toString(), spec.maximum.toString());
            text += QStringLiteral("    --param %1=%2 (%3, default %4%5): %6\n")
                        .arg(spec.name,
                             spec.choices.isEmpty() ? paramTypeName(spec.type).toUpper()
                                                    : spec.choices.join(QLatin1Char('|')),
                             paramTypeName(spec.type), spec.defaultValue.toString(), range,
                             QString::fromUtf8(spec.description));
        }
    }
    printOut(text);
    return ExitOk;
}

// --- info ------------------------------------------------------------------------------------

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
    QString error = inputOptions.read(parser, &options);
    if (!error.isEmpty())
        return usageError(error);
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

// --- generate --------------------------------------------------------------------------------

int generateCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption shape(QStringLiteral("shape"), QStringLiteral("Array shape, e.g. 1000x1000."),
                                   QStringLiteral("SHAPE"));
    const QCommandLineOption dtype(QStringLiteral("dtype"), QStringLiteral("Element type (default float64)."),
                                   QStringLiteral("DTYPE"), QStringLiteral("float64"));
    const QCommandLineOption dist(QStringLiteral("dist"), QStringLiteral("uniform (default), normal or arange."),
                                  QStringLiteral("DIST"), QStringLiteral("uniform"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed (default 0)."),
                                  QStringLiteral("S"), QStringLiteral("0"));
    const QCommandLineOption output(QStringLiteral("output"), QStringLiteral("The .npy file to write."),
                                    QStringLiteral("FILE"));
    parser.addOptions({ shape, dtype, dist, seed, output });
    if (const int code = parseCommand(parser, arguments, QStringLiteral("Write a .npy file of demo data.")); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    if (!parser.isSet(shape))
        return usageError(QStringLiteral("generate needs --shape (e.g. --shape 1000x1000)"));
    if (!parser.isSet(output))
        return usageError(QStringLiteral("generate needs --output FILE.npy"));
    ArrayMeta meta;
    QString error = parseShape(parser.value(shape), &meta.shape);
    if (!error.isEmpty())
        return usageError(error);
    meta.dtype = dtypeFromName(parser.value(dtype));
    if (meta.dtype == DType::Invalid)
        return usageError(QStringLiteral("unknown dtype '%1' (use bool, int8..int64, uint8..uint64, float32, float64)")
                              .arg(parser.value(dtype)));
    Distribution distribution;
    if (!distributionFromName(parser.value(dist), &distribution))
        return usageError(
            QStringLiteral("unknown distribution '%1' (use uniform, normal or arange)").arg(parser.value(dist)));
    bool ok = false;
    const quint64 seedValue = parser.value(seed).toULongLong(&ok);
    if (!ok)
        return usageError(QStringLiteral("seed must be a non-negative integer, not '%1'").arg(parser.value(seed)));
    error = checkOutputPath(parser.value(output), { QStringLiteral("npy") });
    if (!error.isEmpty())
        return usageError(error);
    const qint64 bytes = meta.byteSize();
    if (bytes < 0 || bytes > (qint64(1) << 50))
        return usageError(QStringLiteral("shape %1 is too large").arg(meta.shapeText()));
    error = generateNpy(parser.value(output), meta, distribution, seedValue);
    if (!error.isEmpty())
        return usageError(error);
    return ExitOk;
}

// --- cleanup -------------------------------------------------------------------------------

int cleanupCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    if (const int code
        = parseCommand(parser, arguments,
                       QStringLiteral("Remove the shared-memory segments (and their /tmp/qipc_* key files) "
                                      "of SharedMap runs whose process is gone. Live runs are never touched."));
        code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("cleanup takes no arguments"));
    const QVector<StaleSegment> removed = cleanUpStaleRuns();
    qint64 bytes = 0;
    for (const StaleSegment& segment : removed) {
        printOut(QStringLiteral("removed %1 (%2, owner pid %3 is gone)\n")
                     .arg(segment.name, formatBytes(segment.bytes))
                     .arg(segment.ownerPid));
        bytes += segment.bytes;
    }
    printOut(removed.isEmpty()
                 ? QStringLiteral("nothing to remove\n")
                 : QStringLiteral("removed %1 segments, %2\n").arg(removed.size()).arg(formatBytes(bytes)));
    return ExitOk;
}

// --- run -------------------------------------------------------------------------------------

/// Runs one job with the pool and reports it; owns the signal handling of the run.
class RunCommand : public QObject
{
public:
    int exec(const QStringList& arguments);

private:
    void installSignalHandlers();
    void onFinished(const JobResult& result);

    Pool m_pool;
    ProgressBar m_bar;
    JobSpec m_spec;
    std::shared_ptr<SharedArray> m_input;
    QString m_resumeFrom;
    double m_loadS = 0;
    int m_signal = 0;
    int m_exitCode = ExitOk;
};

} // namespace

int readRunRequest(const QStringList& arguments, RunRequest* request)
{
    JobSpec* spec = &request->spec;
    QCommandLineParser parser;
    const QCommandLineOption job(QStringLiteral("job"),
                                 QStringLiteral("Read the job from a JSON file; other options override it."),
                                 QStringLiteral("JOB.json"));
    const QCommandLineOption input(
        QStringLiteral("input"),
        QStringLiteral("Input array: .npy, .npz, .h5, .csv, .tsv, .txt, raw, an image, or shm:NAME."),
        QStringLiteral("FILE"));
    const InputOptionSet inputOptions;
    const QCommandLineOption kernel(
        QStringLiteral("kernel"), QStringLiteral("Kernel name (see 'sharedmap-cli kernels')."), QStringLiteral("NAME"));
    const QCommandLineOption param(
        QStringLiteral("param"),
        QStringLiteral("Kernel parameter; the value is everything after the first '='. Repeatable."),
        QStringLiteral("KEY=VALUE"));
    const QCommandLineOption indices(
        QStringLiteral("indices"),
        QStringLiteral("all (default), a slice START:STOP[:STEP], a list 0,1,2 or @FILE.npy."), QStringLiteral("SPEC"));
    const QCommandLineOption workers(QStringLiteral("workers"),
                                     QStringLiteral("Worker processes, 1-4096 (default: cores)."), QStringLiteral("N"));
    const QCommandLineOption chunk(QStringLiteral("chunksize"), QStringLiteral("Indices per claim, or auto (default)."),
                                   QStringLiteral("N|auto"));
    const QCommandLineOption retries(
        QStringLiteral("max-retries"),
        QStringLiteral("Crashes an index may cause before it is marked failed (default 2)."), QStringLiteral("N"));
    const QCommandLineOption timeout(
        QStringLiteral("task-timeout"),
        QStringLiteral("Kill and retry a worker that makes no progress for this long (default: off)."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption output(QStringLiteral("output"),
                                    QStringLiteral("Write results to FILE.npy, FILE.csv or FILE.h5."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption summary(QStringLiteral("summary"), QStringLiteral("Write a JSON summary of the run."),
                                     QStringLiteral("FILE.json"));
    const QCommandLineOption resume(
        QStringLiteral("resume"),
        QStringLiteral("Complete the partial results of an interrupted run (a .npy it wrote): "
                       "only NaN positions are computed. The output defaults to that file."),
        QStringLiteral("PARTIAL.npy"));
    const QCommandLineOption mode(
        QStringLiteral("mode"),
        QStringLiteral("shared (default: every worker reads the one shared copy) or copy (each "
                       "worker first receives its own copy through its pipe, as process_map "
                       "does with an array argument)."),
        QStringLiteral("shared|copy"));
    const QCommandLineOption quietOption(QStringLiteral("quiet"),
                                         QStringLiteral("No progress bar (errors still print)."));
    const QCommandLineOption plugin(
        QStringLiteral("plugin"),
        QStringLiteral("Load a kernel plugin (.so built with the SharedMap SDK). Repeatable."), QStringLiteral("PATH"));
    parser.addOptions({ job, input, kernel, param, indices, workers, chunk, retries, timeout, mode, output, summary,
                        resume, quietOption, plugin });
    inputOptions.addTo(parser);
    if (const int code = parseCommand(
            parser, arguments, QStringLiteral("Run a kernel over indices of an array held once in shared memory."));
        code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    QString error;
    if (parser.isSet(job)) {
        *spec = JobSpec::load(parser.value(job), &error);
        if (!error.isEmpty())
            return usageError(error);
    }
    if (parser.isSet(input))
        spec->input = parser.value(input);
    error = inputOptions.read(parser, &spec->inputOptions);
    if (!error.isEmpty())
        return usageError(error);
    // A one-shot run maps a .npy in place when it can (no load, a faster first pass), unless
    // --load says otherwise.
    spec->inputOptions.preferMap = !parser.isSet(inputOptions.load) && !spec->inputOptions.map;
    if (parser.isSet(kernel))
        spec->kernel = parser.value(kernel);
    spec->plugins += parser.values(plugin);
    if (const int code = loadPlugins(spec->plugins); code >= 0)
        return code;
    for (const QString& pair : parser.values(param)) {
        const int eq = pair.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return usageError(QStringLiteral("--param needs KEY=VALUE, not '%1'").arg(pair));
        spec->params.insert(pair.left(eq), pair.mid(eq + 1));
    }
    if (parser.isSet(indices))
        spec->indices = parser.value(indices);
    if (parser.isSet(workers)) {
        bool ok = false;
        const qint64 n = parser.value(workers).toLongLong(&ok);
        if (!ok || n < 1 || n > kMaxWorkers)
            return usageError(
                QStringLiteral("--workers must be 1..%1, not '%2'").arg(kMaxWorkers).arg(parser.value(workers)));
        spec->workers = int(n);
    }
    if (parser.isSet(chunk)) {
        const QString value = parser.value(chunk);
        if (value == QLatin1String("auto")) {
            spec->chunkSize = 0;
        } else {
            bool ok = false;
            spec->chunkSize = value.toLongLong(&ok);
            if (!ok || spec->chunkSize < 1)
                return usageError(QStringLiteral("--chunksize must be at least 1 or auto, not '%1'").arg(value));
        }
    }
    if (parser.isSet(retries)) {
        bool ok = false;
        spec->maxRetries = parser.value(retries).toInt(&ok);
        if (!ok || spec->maxRetries < 0 || spec->maxRetries > 1000)
            return usageError(QStringLiteral("--max-retries must be 0..1000, not '%1'").arg(parser.value(retries)));
    }
    if (parser.isSet(timeout)) {
        bool ok = false;
        spec->taskTimeoutS = parser.value(timeout).toDouble(&ok);
        if (!ok || !(spec->taskTimeoutS > 0) || spec->taskTimeoutS > 1e6)
            return usageError(QStringLiteral("--task-timeout must be a positive number of seconds, not '%1'")
                                  .arg(parser.value(timeout)));
    }
    if (parser.isSet(mode))
        spec->mode = parser.value(mode);
    if (parser.isSet(output))
        spec->output = parser.value(output);
    if (parser.isSet(summary))
        spec->summary = parser.value(summary);
    request->quiet = parser.isSet(quietOption);
    if (parser.isSet(resume)) {
        request->resumeFrom = parser.value(resume);
        if (spec->output.isEmpty())
            spec->output = request->resumeFrom;
    }
    error = spec->validationError();
    if (!error.isEmpty())
        return usageError(error);
    return -1;
}

namespace {

void RunCommand::installSignalHandlers()
{
    auto* watcher = new SignalWatcher(this);
    connect(watcher, &SignalWatcher::received, this, [this](int signal) {
        if (m_signal == 0)
            m_signal = signal;
        m_pool.cancel();
    });
}

int RunCommand::exec(const QStringList& arguments)
{
    RunRequest request;
    if (const int code = readRunRequest(arguments, &request); code >= 0)
        return code;
    m_spec = request.spec;
    m_resumeFrom = request.resumeFrom;
    m_bar.setEnabled(!request.quiet);
    installSignalHandlers();
    // Shared memory of runs that were killed is found and removed at the next start (before this
    // run allocates); it is reported once the job has started, so that an error exit still
    // prints exactly one line.
    const QVector<StaleSegment> stale = cleanUpStaleRuns();

    const KernelDef* def = KernelRegistry::instance().find(m_spec.kernel);
    if (def->info.needsInput) {
        QElapsedTimer clock;
        clock.start();
        QString error;
        m_input = loadArray(m_spec.input, m_spec.inputOptions, &error);
        if (!m_input)
            return usageError(error);
        m_loadS = double(clock.nsecsElapsed()) / 1e9;
    }
    if (resultFormatRestrictsShape(m_spec.output)) {
        // The output format must fit the results before any work is done (e.g. PNG needs rows);
        // only such formats pay for planning the job here as well as in the pool.
        JobPlan plan;
        QString error = planJob(m_spec, m_input ? &m_input->meta() : nullptr, &plan);
        if (error.isEmpty())
            error = checkResultFormat(m_spec.output, plan.resultShape, plan.accumulatorCells > 0);
        if (!error.isEmpty())
            return usageError(error);
    }
    if (m_signal)
        return m_signal == SIGINT ? ExitInterrupted : ExitTerminated;

    QObject::connect(&m_pool, &Pool::progressChanged, this,
                     [this](qint64 done, qint64 total, double rate) { m_bar.update(done, total, rate); });
    QObject::connect(&m_pool, &Pool::finished, this, [this](const JobResult& result) { onFinished(result); });
    QObject::connect(&m_pool, &Pool::failed, this, [this](const QString& error) {
        printError(error);
        m_exitCode = ExitFailure;
        QCoreApplication::exit(m_exitCode);
    });
    QString error;
    ResultValues previous;
    if (!m_resumeFrom.isEmpty()) {
        auto partial = loadNpy(m_resumeFrom, &error);
        if (!partial)
            return usageError(error);
        if (partial->meta().dtype != DType::Float64 || partial->meta().fortranOrder)
            return usageError(
                QStringLiteral("%1: partial results must be a C-order float64 array as `run --output` writes")
                    .arg(m_resumeFrom));
        previous = ResultValues(partial);
    }
    const quint64 id = m_resumeFrom.isEmpty() ? m_pool.start(m_spec, m_input, &error)
                                              : m_pool.resume(m_spec, m_input, previous, &error);
    if (id == 0)
        return usageError(error);
    for (const StaleSegment& segment : stale)
        std::fprintf(stderr, "sharedmap-cli: removed %s left by a killed run (pid %lld)\n", qPrintable(segment.name),
                     qint64(segment.ownerPid));
    m_bar.update(0, m_pool.progress().total, 0, true);
    return QCoreApplication::exec();
}

void RunCommand::onFinished(const JobResult& finished)
{
    JobResult result = finished;
    result.loadS = m_loadS;
    const qint64 failedCount = result.failedPositions().size();
    m_bar.finish(result.doneCount() + failedCount, result.taskCount(), m_pool.progress().rate);
    m_exitCode = ExitOk;
    if (!m_spec.output.isEmpty()) {
        const QString error = writeResults(result, m_spec.output);
        if (!error.isEmpty()) {
            printError(error);
            m_exitCode = ExitFailure;
        }
    }
    if (!m_spec.summary.isEmpty()) {
        QSaveFile file(m_spec.summary);
        if (!file.open(QIODevice::WriteOnly)
            || file.write(QJsonDocument(result.summaryJson()).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
            printError(QStringLiteral("cannot write %1: %2").arg(m_spec.summary, file.errorString()));
            m_exitCode = ExitFailure;
        }
    }
    if (result.figures.contains(QStringLiteral("expected_counter"))) {
        // The race demo's lesson, in one line.
        const qint64 counter = result.figures.value(QStringLiteral("counter")).toLongLong();
        const qint64 expected = result.figures.value(QStringLiteral("expected_counter")).toLongLong();
        std::fprintf(stderr, "sharedmap-cli: counter = %lld, expected %lld: %s\n", counter, expected,
                     counter < expected ? qPrintable(QStringLiteral("%1 updates lost").arg(expected - counter))
                                        : "no update lost");
    }
    if (result.cancelled) {
        std::fprintf(stderr, "sharedmap-cli: interrupted: %lld of %lld indices computed%s\n",
                     qint64(result.doneCount()), qint64(result.taskCount()),
                     m_spec.output.isEmpty() ? "" : " (partial results written)");
        m_exitCode = m_signal == SIGTERM ? ExitTerminated : ExitInterrupted;
    } else if (failedCount > 0 && m_exitCode == ExitOk) {
        const qint64 first = result.failedPositions().first();
        std::fprintf(stderr,
                     "sharedmap-cli: warning: %lld of %lld indices failed (see the summary); "
                     "first, index %lld: %s\n",
                     qint64(failedCount), qint64(result.taskCount()), qint64(result.indices.at(first)),
                     result.failureReasons.value(first).simplified().toUtf8().constData());
        m_exitCode = ExitPartial;
    }
    QCoreApplication::exit(m_exitCode);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sharedmap-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SHAREDMAP_VERSION));
    QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 2) {
        std::fputs(kUsage, stderr);
        return ExitUsage;
    }
    const QString command = arguments.at(1);
    arguments[0] = QStringLiteral("sharedmap-cli ") + command; // how a command's help names it
    arguments.removeAt(1); // the parser sees "sharedmap-cli COMMAND" and the options
    if (command == QLatin1String("-h") || command == QLatin1String("--help") || command == QLatin1String("help")) {
        printOut(QString::fromLatin1(kUsage));
        return ExitOk;
    }
    if (command == QLatin1String("--version")) {
        printOut(QStringLiteral("sharedmap-cli %1\n").arg(QStringLiteral(SHAREDMAP_VERSION)));
        return ExitOk;
    }
    if (command == QLatin1String("run")) {
        RunCommand run;
        return run.exec(arguments);
    }
    if (command == QLatin1String("kernels"))
        return kernelsCommand(arguments);
    if (command == QLatin1String("info"))
        return infoCommand(arguments);
    if (command == QLatin1String("generate"))
        return generateCommand(arguments);
    if (command == QLatin1String("cleanup"))
        return cleanupCommand(arguments);
    return usageError(
        QStringLiteral("unknown command '%1' (commands: run, kernels, info, generate, cleanup)").arg(command));
}

} // namespace sharedmap::cli
