#include "job/joboptions.h"

#include "io/formats/rawformat.h"
#include "io/npyformat.h"

#include <QCommandLineParser>

namespace sharedmap {

// --- input -----------------------------------------------------------------------------------

void InputOptionSet::addTo(QCommandLineParser& parser) const
{
    parser.addOptions(
        { format, dataset, slice, dtype, shape, byteOrder, offset, delimiter, headerRows, columns, load });
}

JobError InputOptionSet::read(const QCommandLineParser& parser, LoadOptions* options) const
{
    auto fail = [](const QCommandLineOption& option, const QString& message) {
        return JobError(JobError::Field::InputOptions, message, option.names().constFirst());
    };
    if (parser.isSet(format)) {
        options->format = parser.value(format).toLower();
        if (options->format == QLatin1String("h5"))
            options->format = QStringLiteral("hdf5");
        if (!ArrayLoader::instance().find(options->format))
            return fail(
                format,
                QStringLiteral("unknown format '%1' (formats: %2)")
                    .arg(parser.value(format), ArrayLoader::instance().formatNames().join(QLatin1String(", "))));
    }
    if (parser.isSet(dataset))
        options->dataset = parser.value(dataset);
    if (parser.isSet(slice))
        options->slice = parser.value(slice);
    if (parser.isSet(dtype)) {
        options->dtype = dtypeFromName(parser.value(dtype));
        if (options->dtype == DType::Invalid)
            return fail(dtype,
                        QStringLiteral("unknown dtype '%1' (use bool, int8..int64, uint8..uint64, float32, float64)")
                            .arg(parser.value(dtype)));
    }
    if (parser.isSet(shape)) {
        const QString error = parseShape(parser.value(shape), &options->shape);
        if (!error.isEmpty())
            return fail(shape, error);
    }
    if (parser.isSet(byteOrder) && !byteOrderFromName(parser.value(byteOrder), &options->bigEndian))
        return fail(byteOrder,
                    QStringLiteral("--byte-order must be little or big, not '%1'").arg(parser.value(byteOrder)));
    if (parser.isSet(offset)) {
        bool ok = false;
        options->offset = parser.value(offset).toLongLong(&ok);
        if (!ok || options->offset < 0)
            return fail(
                offset,
                QStringLiteral("--offset must be a non-negative number of bytes, not '%1'").arg(parser.value(offset)));
    }
    if (parser.isSet(delimiter)) {
        const QString error = delimiterFromName(parser.value(delimiter), &options->delimiter);
        if (!error.isEmpty())
            return fail(delimiter, error);
    }
    if (parser.isSet(headerRows)) {
        bool ok = false;
        options->headerRows = parser.value(headerRows).toInt(&ok);
        if (!ok || options->headerRows < 0)
            return fail(
                headerRows,
                QStringLiteral("--header-rows must be a non-negative integer, not '%1'").arg(parser.value(headerRows)));
    }
    if (parser.isSet(columns)) {
        const QString error = parseColumns(parser.value(columns), &options->columns);
        if (!error.isEmpty())
            return fail(columns, error);
    }
    if (parser.isSet(load)) {
        const QString mode = parser.value(load);
        if (mode != QLatin1String("copy") && mode != QLatin1String("map"))
            return fail(load, QStringLiteral("--load must be copy or map, not '%1'").arg(mode));
        options->map = mode == QLatin1String("map");
    }
    return {};
}

// --- job -------------------------------------------------------------------------------------

QList<JobOption> JobOptionSet::allOptions()
{
    return { JobOption::Job,         JobOption::Kernel,  JobOption::Python,    JobOption::Param,
             JobOption::Indices,     JobOption::Workers, JobOption::ChunkSize, JobOption::MaxRetries,
             JobOption::TaskTimeout, JobOption::Mode,    JobOption::Output,    JobOption::Summary,
             JobOption::Resume,      JobOption::Plugin };
}

QList<JobOption> JobOptionSet::windowOptions()
{
    return { JobOption::Job,     JobOption::Kernel,    JobOption::Param, JobOption::Indices,
             JobOption::Workers, JobOption::ChunkSize, JobOption::Plugin };
}

namespace {

/// One option with the text `run --help` gives it. A switch, so that a JobOption without its
/// option does not compile quietly (-Wswitch).
QCommandLineOption makeOption(JobOption which)
{
    switch (which) {
    case JobOption::Job:
        return { QStringLiteral("job"), QStringLiteral("Read the job from a JSON file; other options override it."),
                 QStringLiteral("JOB.json") };
    case JobOption::Kernel:
        return { QStringLiteral("kernel"), QStringLiteral("Kernel name (see 'sharedmap-cli kernels')."),
                 QStringLiteral("NAME") };
    case JobOption::Python:
        return { QStringLiteral("python"),
                 QStringLiteral("Run your Python function instead of a kernel: FUNCTION(a, B, **params) of FILE.py, B "
                                "the input as a read-only NumPy array (FUNCTION(a, **params) without --input). "
                                "--param K=V are its keyword arguments (Python literals, else strings)."),
                 QStringLiteral("FILE.py:FUNCTION") };
    case JobOption::Param:
        return { QStringLiteral("param"),
                 QStringLiteral("Kernel parameter; the value is everything after the first '='. Repeatable."),
                 QStringLiteral("KEY=VALUE") };
    case JobOption::Indices:
        return { QStringLiteral("indices"),
                 QStringLiteral("all (default), a slice START:STOP[:STEP], a list 0,1,2 or @FILE.npy."),
                 QStringLiteral("SPEC") };
    case JobOption::Workers:
        return { QStringLiteral("workers"), QStringLiteral("Worker processes, 1-4096 (default: cores)."),
                 QStringLiteral("N") };
    case JobOption::ChunkSize:
        return { QStringLiteral("chunksize"), QStringLiteral("Indices per claim, or auto (default)."),
                 QStringLiteral("N|auto") };
    case JobOption::MaxRetries:
        return { QStringLiteral("max-retries"),
                 QStringLiteral("Crashes an index may cause before it is marked failed (default 2)."),
                 QStringLiteral("N") };
    case JobOption::TaskTimeout:
        return { QStringLiteral("task-timeout"),
                 QStringLiteral("Kill and retry a worker that makes no progress for this long (default: off)."),
                 QStringLiteral("SECONDS") };
    case JobOption::Mode:
        return { QStringLiteral("mode"),
                 QStringLiteral("shared (default: every worker reads the one shared copy) or copy (each "
                                "worker first receives its own copy through its pipe, as process_map "
                                "does with an array argument)."),
                 QStringLiteral("shared|copy") };
    case JobOption::Output:
        return { QStringLiteral("output"), QStringLiteral("Write results to FILE.npy, FILE.csv or FILE.h5."),
                 QStringLiteral("FILE") };
    case JobOption::Summary:
        return { QStringLiteral("summary"), QStringLiteral("Write a JSON summary of the run."),
                 QStringLiteral("FILE.json") };
    case JobOption::Resume:
        return { QStringLiteral("resume"),
                 QStringLiteral("Complete the partial results of an interrupted run (a .npy it wrote): "
                                "only NaN positions are computed. The output defaults to that file."),
                 QStringLiteral("PARTIAL.npy") };
    case JobOption::Plugin:
        return { QStringLiteral("plugin"),
                 QStringLiteral("Load a kernel plugin (.so built with the SharedMap SDK). Repeatable."),
                 QStringLiteral("PATH") };
    }
    Q_UNREACHABLE();
}

} // namespace

JobOptionSet::JobOptionSet(const QList<JobOption>& offered)
    : m_offered(offered)
{
    for (JobOption which : allOptions())
        m_options.emplace(which, makeOption(which));
}

void JobOptionSet::setDescription(JobOption which, const QString& description)
{
    m_options.at(which).setDescription(description);
}

QList<QCommandLineOption> JobOptionSet::options() const
{
    QList<QCommandLineOption> list;
    for (JobOption which : m_offered)
        list.append(option(which));
    return list;
}

void JobOptionSet::addTo(QCommandLineParser& parser) const
{
    parser.addOptions(options());
}

bool JobOptionSet::isGiven(const QCommandLineParser& parser, JobOption which) const
{
    // QCommandLineParser warns about options it was never given: ask only about offered ones.
    return m_offered.contains(which) && parser.isSet(option(which));
}

JobError JobOptionSet::readJobFile(const QCommandLineParser& parser, JobSpec* spec) const
{
    if (!isGiven(parser, JobOption::Job))
        return {};
    QString error;
    *spec = JobSpec::load(parser.value(option(JobOption::Job)), &error);
    if (!error.isEmpty())
        return { JobError::Field::JobFile, error };
    return {};
}

JobError JobOptionSet::readOptions(const QCommandLineParser& parser, JobSpec* spec, QList<JobOption>* given) const
{
    using Field = JobError::Field;
    if (given) {
        given->clear();
        for (JobOption which : m_offered) {
            if (parser.isSet(option(which)))
                given->append(which);
        }
    }
    auto value = [&](JobOption which) { return parser.value(option(which)); };
    if (isGiven(parser, JobOption::Kernel) && isGiven(parser, JobOption::Python))
        return { Field::Kernel, QStringLiteral("give --kernel or --python, not both") };
    if (isGiven(parser, JobOption::Kernel)) {
        spec->kernel = value(JobOption::Kernel);
        spec->python = {}; // overrides a job file's Python function
    }
    if (isGiven(parser, JobOption::Python)) {
        // FILE.py:FUNCTION, split at the last ':' (a path may hold one).
        const QString text = value(JobOption::Python);
        const int colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon <= 0 || colon == text.size() - 1)
            return { Field::Kernel, QStringLiteral("--python needs FILE.py:FUNCTION, not '%1'").arg(text) };
        spec->python = { text.left(colon), text.mid(colon + 1) };
        spec->kernel.clear(); // overrides a job file's kernel
    }
    if (isGiven(parser, JobOption::Param)) {
        for (const QString& pair : parser.values(option(JobOption::Param))) {
            const int eq = pair.indexOf(QLatin1Char('='));
            if (eq <= 0)
                return { Field::Param, QStringLiteral("--param needs KEY=VALUE, not '%1'").arg(pair) };
            spec->params.insert(pair.left(eq), pair.mid(eq + 1));
        }
    }
    if (isGiven(parser, JobOption::Indices))
        spec->indices = value(JobOption::Indices);
    if (isGiven(parser, JobOption::Workers)) {
        bool ok = false;
        const qint64 n = value(JobOption::Workers).toLongLong(&ok);
        if (!ok || n < 1 || n > kMaxWorkers)
            return {
                Field::Workers,
                QStringLiteral("--workers must be 1..%1, not '%2'").arg(kMaxWorkers).arg(value(JobOption::Workers))
            };
        spec->workers = int(n);
    }
    if (isGiven(parser, JobOption::ChunkSize)) {
        const QString text = value(JobOption::ChunkSize);
        if (text == QLatin1String("auto")) {
            spec->chunkSize = 0;
        } else {
            bool ok = false;
            const qint64 n = text.toLongLong(&ok);
            if (!ok || n < 1)
                return { Field::ChunkSize,
                         QStringLiteral("--chunksize must be at least 1 or auto, not '%1'").arg(text) };
            spec->chunkSize = n;
        }
    }
    if (isGiven(parser, JobOption::MaxRetries)) {
        bool ok = false;
        const int n = value(JobOption::MaxRetries).toInt(&ok);
        if (!ok || n < 0 || n > 1000)
            return { Field::Retries,
                     QStringLiteral("--max-retries must be 0..1000, not '%1'").arg(value(JobOption::MaxRetries)) };
        spec->maxRetries = n;
    }
    if (isGiven(parser, JobOption::TaskTimeout)) {
        bool ok = false;
        const double seconds = value(JobOption::TaskTimeout).toDouble(&ok);
        if (!ok || !(seconds > 0) || seconds > 1e6)
            return { Field::TaskTimeout,
                     QStringLiteral("--task-timeout must be a positive number of seconds, not '%1'")
                         .arg(value(JobOption::TaskTimeout)) };
        spec->taskTimeoutS = seconds;
    }
    if (isGiven(parser, JobOption::Mode))
        spec->mode = value(JobOption::Mode);
    if (isGiven(parser, JobOption::Output))
        spec->output = value(JobOption::Output);
    if (isGiven(parser, JobOption::Summary))
        spec->summary = value(JobOption::Summary);
    if (isGiven(parser, JobOption::Resume) && spec->output.isEmpty())
        spec->output = value(JobOption::Resume);
    if (isGiven(parser, JobOption::Plugin))
        spec->plugins += parser.values(option(JobOption::Plugin));
    return {};
}

JobError JobOptionSet::read(const QCommandLineParser& parser, JobSpec* spec, QList<JobOption>* given) const
{
    const JobError error = readJobFile(parser, spec);
    return error ? error : readOptions(parser, spec, given);
}

QString JobOptionSet::resumeFrom(const QCommandLineParser& parser) const
{
    return isGiven(parser, JobOption::Resume) ? parser.value(option(JobOption::Resume)) : QString();
}

} // namespace sharedmap
