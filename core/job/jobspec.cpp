#include "job/jobspec.h"

#include "io/indexspec.h"
#include "job/jobresult.h"
#include "job/resultwriter.h"
#include "kernels/kernel.h"

#include <limits>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QThread>

namespace sharedmap {

int JobSpec::effectiveWorkers() const
{
    return workers > 0 ? workers : qMax(1, QThread::idealThreadCount());
}

QString checkOutputPath(const QString& path, const QStringList& extensions)
{
    if (path.contains(QChar(0)))
        return QStringLiteral("output path contains a NUL character");
    const QFileInfo info(path);
    if (!extensions.contains(info.suffix().toLower()))
        return QStringLiteral("output %1 has an unknown extension (use %2)")
            .arg(path, QStringLiteral(".") + extensions.join(QStringLiteral(" or .")));
    const QFileInfo folder(info.absolutePath());
    if (!folder.isDir())
        return QStringLiteral("output folder %1 does not exist").arg(info.absolutePath());
    if (!folder.isWritable())
        return QStringLiteral("output folder %1 is not writable").arg(info.absolutePath());
    if (info.isDir())
        return QStringLiteral("output %1 is a folder").arg(path);
    // Permission bits do not tell everything (root, /proc, read-only mounts): try it, before
    // the job runs rather than after.
    QFile probe(path);
    const bool existed = probe.exists();
    if (!probe.open(QIODevice::WriteOnly | QIODevice::Append))
        return QStringLiteral("cannot write output %1: %2").arg(path, probe.errorString());
    probe.close();
    if (!existed)
        probe.remove();
    return {};
}

namespace {

/// The kernel a Python job plans with: the input's first axis (`len(B)`) as its index space, or
/// the indices the spec names without input; its result shape comes from the Python probe,
/// which the pool applies.
const KernelDef* pythonPlanDef(bool withInput)
{
    static const KernelDef with = [] {
        KernelDef def;
        def.info.name = QStringLiteral("python");
        // Plain texts: this definition plans jobs and is listed nowhere (the window describes a
        // Python function from the probe's listing, translated there).
        def.info.description = "Your Python function, called for each index";
        def.info.indexSpace = "rows (first axis): len(B)";
        def.indexCount = [](const ArrayMeta& input, const QVariantMap&, qint64* count) {
            if (input.shape.isEmpty())
                return QStringLiteral("a Python function takes its indices along the input's first axis, "
                                      "len(B), but this input is 0-d");
            *count = input.shape[0];
            return QString();
        };
        return def;
    }();
    static const KernelDef without = [] {
        KernelDef def = with;
        def.info.needsInput = false;
        def.info.indexSpace = "the indices given, with an explicit stop";
        def.indexCount = [](const ArrayMeta&, const QVariantMap&, qint64* count) {
            *count = kUnboundedIndexSpace;
            return QString();
        };
        return def;
    }();
    return withInput ? &with : &without;
}

/// Without an input there is no len(B): the indices must say where they stop (a slice with a
/// stop, a list, a file), never `all` or a count from an end that does not exist.
QString checkExplicitStop(const QString& specText)
{
    const QString spec = specText.trimmed();
    const QString refusal = QStringLiteral("a Python function without --input needs --indices with an explicit stop "
                                           "(0:100, a list 0,1,2 or @idx.npy), not '%1'")
                                .arg(spec.isEmpty() ? QStringLiteral("all") : spec);
    if (spec.isEmpty() || spec == QLatin1String("all"))
        return refusal;
    if (spec.startsWith(QLatin1Char('@')) || !spec.contains(QLatin1Char(':')))
        return {};
    const QStringList parts = spec.split(QLatin1Char(':'));
    auto value = [&parts](int i, bool* given) {
        *given = i < parts.size() && !parts[i].trimmed().isEmpty();
        return *given ? parts[i].trimmed().toLongLong() : 0;
    };
    bool hasStart = false, hasStop = false, hasStep = false;
    const qint64 start = value(0, &hasStart);
    const qint64 stop = value(1, &hasStop);
    const qint64 step = value(2, &hasStep);
    const bool up = !hasStep || step > 0;
    // Counting up needs a stop; counting down needs a start. Negative values count from an end.
    if ((up && !hasStop) || (!up && !hasStart) || (hasStart && start < 0) || (hasStop && stop < 0))
        return refusal;
    return {};
}

} // namespace

bool JobSpec::needsInput() const
{
    if (python.isSet())
        return !input.isEmpty();
    const KernelDef* def = KernelRegistry::instance().find(kernel);
    return def && def->info.needsInput;
}

QString JobSpec::validationError() const
{
    // A plugin that cannot be loaded matters only if the kernel is not found without it (e.g. a
    // copy of a plugin already loaded from the user's folder is refused, but its kernel is there).
    QString pluginError;
    for (const QString& plugin : plugins) {
        const QString problem = KernelRegistry::loadPlugin(plugin);
        if (pluginError.isEmpty())
            pluginError = problem;
    }
    QString error;
    const KernelDef* def = nullptr;
    if (python.isSet()) {
        // The file itself is checked by the Python probe (syntax, imports, the function, its
        // signature and these parameters); what needs no interpreter is checked here.
        if (!kernel.isEmpty())
            return QStringLiteral("give a kernel (--kernel %1) or a Python function (--python %2:%3), not both")
                .arg(kernel, python.file, python.function);
        if (python.file.isEmpty() || python.function.isEmpty())
            return QStringLiteral("a Python function is given as FILE.py:FUNCTION, not '%1:%2'")
                .arg(python.file, python.function);
        if (python.file.contains(QChar(0)) || python.function.contains(QChar(0)))
            return QStringLiteral("the Python file or function name contains a NUL character");
        const QFileInfo file(python.file);
        if (!file.exists())
            return QStringLiteral("%1: no such file").arg(python.file);
        if (file.isDir())
            return QStringLiteral("%1: is a folder, not a Python file").arg(python.file);
        if (!file.isReadable())
            return QStringLiteral("%1: cannot read it (permission denied)").arg(python.file);
        def = pythonPlanDef(!input.isEmpty());
        if (input.isEmpty()) {
            error = checkExplicitStop(indices);
            if (!error.isEmpty())
                return error;
        }
    } else {
        if (kernel.isEmpty())
            return QStringLiteral("no kernel given (see `sharedmap-cli kernels`, or --python FILE.py:FUNCTION)");
        def = KernelRegistry::instance().find(kernel);
        if (!def && !pluginError.isEmpty())
            return pluginError;
        if (!def)
            return QStringLiteral("unknown kernel '%1' (known: %2)")
                .arg(kernel, KernelRegistry::instance().names().join(QStringLiteral(", ")));
        if (def->info.needsInput && input.isEmpty())
            return QStringLiteral("kernel %1 needs an input array (--input FILE)").arg(kernel);
    }
    for (const QString* path : { &input, &indices, &output, &summary }) {
        if (path->contains(QChar(0)))
            return QStringLiteral("a path or index spec contains a NUL character");
    }
    if (!python.isSet()) {
        QVariantMap typed;
        error = resolveParams(def->info, params, &typed);
        if (!error.isEmpty())
            return error;
        if (def->validate) {
            error = def->validate(typed);
            if (!error.isEmpty())
                return error;
        }
    }
    error = checkIndexSpecSyntax(indices);
    if (!error.isEmpty())
        return error;
    if (workers < 0 || workers > kMaxWorkers)
        return QStringLiteral("workers must be 1..%1, not %2").arg(kMaxWorkers).arg(workers);
    if (chunkSize < 0)
        return QStringLiteral("chunk size must be at least 1 (or auto), not %1").arg(chunkSize);
    if (mode != QLatin1String("shared") && mode != QLatin1String("copy"))
        return QStringLiteral("mode must be shared or copy, not '%1'").arg(mode);
    if (mode == QLatin1String("copy") && !def->info.needsInput)
        return QStringLiteral("kernel %1 takes no input array: there is nothing to copy (use mode shared)")
            .arg(kernelLabel());
    if (maxRetries < 0 || maxRetries > 1000)
        return QStringLiteral("max retries must be 0..1000, not %1").arg(maxRetries);
    if (!(taskTimeoutS >= 0) || taskTimeoutS > 1e6)
        return QStringLiteral("task timeout must be 0 (off) or a number of seconds up to 1e6, not %1")
            .arg(taskTimeoutS);
    if (!output.isEmpty()) {
        error = checkOutputPath(output, resultExtensions());
        if (!error.isEmpty())
            return error;
    }
    if (!summary.isEmpty()) {
        error = checkOutputPath(summary, { QStringLiteral("json") });
        if (!error.isEmpty())
            return error;
    }
    return {};
}

QString planJob(const JobSpec& spec, const ArrayMeta* input, JobPlan* plan)
{
    QString error = spec.validationError();
    if (!error.isEmpty())
        return error;
    if (spec.python.isSet()) {
        // The function's keyword arguments, raw: the Python side parses them.
        plan->kernel = pythonPlanDef(!spec.input.isEmpty());
        plan->params = spec.params;
    } else {
        plan->kernel = KernelRegistry::instance().find(spec.kernel);
        resolveParams(plan->kernel->info, spec.params, &plan->params);
    }
    if (plan->kernel->info.needsInput && !input)
        return QStringLiteral("kernel %1 needs an input array").arg(spec.kernelLabel());
    const ArrayMeta meta = input ? *input : ArrayMeta();
    error = plan->kernel->indexCount(meta, plan->params, &plan->indexSpace);
    if (!error.isEmpty())
        return error;
    plan->resultShape.clear();
    if (plan->kernel->resultShape) {
        error = plan->kernel->resultShape(meta, plan->params, &plan->resultShape);
        if (!error.isEmpty())
            return error;
    }
    plan->resultWidth = 1;
    for (qint64 extent : plan->resultShape)
        plan->resultWidth *= extent;
    if (plan->resultWidth < 1 || plan->resultWidth > std::numeric_limits<qint32>::max())
        return QStringLiteral("kernel %1 would give %2 values per index: use an array with shorter rows")
            .arg(spec.kernelLabel())
            .arg(plan->resultWidth);
    plan->accumulatorCells = plan->kernel->accumulatorCells ? plan->kernel->accumulatorCells(plan->params) : 0;
    plan->accumulatorJournal = plan->kernel->accumulatorJournal && plan->accumulatorCells > 0
        ? plan->kernel->accumulatorJournal(meta, plan->params)
        : 0;
    error = parseIndexSpec(spec.indices, plan->indexSpace, &plan->indices);
    if (!error.isEmpty())
        return error;
    if (!plan->kernel->info.needsInput && plan->indexSpace == kUnboundedIndexSpace) {
        // A Python function without input: the space is what the indices reach.
        qint64 top = -1;
        const IndexList& list = plan->indices;
        if (list.isArithmetic() && list.size() > 0)
            top = qMax(list.at(0), list.at(list.size() - 1));
        for (qint64 index : list.explicitList())
            top = qMax(top, index);
        plan->indexSpace = top + 1;
    }
    qint64 values = 0;
    if (__builtin_mul_overflow(plan->indices.size(), plan->resultWidth, &values) || values > (qint64(1) << 40))
        return QStringLiteral("the results would hold %1 × %2 values: too many")
            .arg(plan->indices.size())
            .arg(plan->resultWidth);
    return {};
}

QJsonObject JobSpec::toJson() const
{
    QJsonObject json;
    json[QStringLiteral("input")] = input;
    if (!inputOptions.isDefault()) // absent when default: older readers keep working
        json[QStringLiteral("input_options")] = inputOptions.toJson();
    json[QStringLiteral("kernel")] = kernel;
    if (python.isSet()) // absent otherwise: older readers keep working
        json[QStringLiteral("python")]
            = QJsonObject { { QStringLiteral("file"), python.file }, { QStringLiteral("function"), python.function } };
    json[QStringLiteral("params")] = QJsonObject::fromVariantMap(params);
    json[QStringLiteral("indices")] = indices;
    json[QStringLiteral("workers")] = workers;
    json[QStringLiteral("chunksize")] = chunkSize == 0 ? QJsonValue(QStringLiteral("auto")) : QJsonValue(chunkSize);
    json[QStringLiteral("max_retries")] = maxRetries;
    json[QStringLiteral("task_timeout_s")] = taskTimeoutS;
    json[QStringLiteral("mode")] = mode;
    json[QStringLiteral("output")] = output;
    json[QStringLiteral("summary")] = summary;
    if (!plugins.isEmpty())
        json[QStringLiteral("plugins")] = QJsonArray::fromStringList(plugins);
    return json;
}

JobSpec JobSpec::fromJson(const QJsonObject& json, QString* error)
{
    JobSpec spec;
    static const QStringList known
        = { QStringLiteral("input"),         QStringLiteral("kernel"),         QStringLiteral("params"),
            QStringLiteral("indices"),       QStringLiteral("workers"),        QStringLiteral("chunksize"),
            QStringLiteral("max_retries"),   QStringLiteral("task_timeout_s"), QStringLiteral("mode"),
            QStringLiteral("output"),        QStringLiteral("summary"),        QStringLiteral("plugins"),
            QStringLiteral("input_options"), QStringLiteral("python") };
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("job file: unknown key '%1'").arg(it.key());
            return {};
        }
    }
    auto readString = [&](const char* key, QString* out) {
        const QJsonValue value = json.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            return true;
        if (!value.isString()) {
            *error = QStringLiteral("job file: '%1' must be a string").arg(QLatin1String(key));
            return false;
        }
        if (value.toString().contains(QChar(0))) {
            *error = QStringLiteral("job file: '%1' contains a NUL character").arg(QLatin1String(key));
            return false;
        }
        *out = value.toString();
        return true;
    };
    auto readInt = [&](const char* key, qint64* out) {
        const QJsonValue value = json.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            return true;
        const double d = value.toDouble(-1.5);
        if (!value.isDouble() || d != std::floor(d) || std::abs(d) > 9.0e15) {
            *error = QStringLiteral("job file: '%1' must be an integer").arg(QLatin1String(key));
            return false;
        }
        *out = qint64(d);
        return true;
    };
    qint64 workers = 0, retries = spec.maxRetries;
    if (!readString("input", &spec.input) || !readString("kernel", &spec.kernel)
        || !readString("indices", &spec.indices) || !readString("output", &spec.output)
        || !readString("summary", &spec.summary) || !readString("mode", &spec.mode) || !readInt("workers", &workers)
        || !readInt("max_retries", &retries))
        return {};
    const QJsonValue chunk = json.value(QStringLiteral("chunksize"));
    if (chunk.isString() && chunk.toString() == QLatin1String("auto")) {
        spec.chunkSize = 0;
    } else if (!readInt("chunksize", &spec.chunkSize)) {
        *error = QStringLiteral("job file: 'chunksize' must be a positive integer or \"auto\"");
        return {};
    } else if (chunk.isDouble() && spec.chunkSize < 1) {
        *error = QStringLiteral("job file: 'chunksize' must be at least 1 or \"auto\"");
        return {};
    }
    const QJsonValue timeout = json.value(QStringLiteral("task_timeout_s"));
    if (!timeout.isUndefined() && !timeout.isNull()) {
        if (!timeout.isDouble()) {
            *error = QStringLiteral("job file: 'task_timeout_s' must be a number");
            return {};
        }
        spec.taskTimeoutS = timeout.toDouble();
    }
    const QJsonValue inputOptions = json.value(QStringLiteral("input_options"));
    if (!inputOptions.isUndefined() && !inputOptions.isNull()) {
        if (!inputOptions.isObject()) {
            *error = QStringLiteral("job file: 'input_options' must be an object");
            return {};
        }
        QString problem;
        spec.inputOptions = LoadOptions::fromJson(inputOptions.toObject(), &problem);
        if (!problem.isEmpty()) {
            *error = problem;
            return {};
        }
    }
    const QJsonValue python = json.value(QStringLiteral("python"));
    if (!python.isUndefined() && !python.isNull()) {
        const QJsonObject object = python.toObject();
        const QJsonValue file = object.value(QStringLiteral("file"));
        const QJsonValue function = object.value(QStringLiteral("function"));
        if (!python.isObject() || !file.isString() || !function.isString() || file.toString().isEmpty()
            || function.toString().isEmpty() || object.size() != 2) {
            *error = QStringLiteral("job file: 'python' must be {\"file\": \"FILE.py\", \"function\": \"NAME\"}");
            return {};
        }
        if (file.toString().contains(QChar(0)) || function.toString().contains(QChar(0))) {
            *error = QStringLiteral("job file: 'python' contains a NUL character");
            return {};
        }
        spec.python = { file.toString(), function.toString() };
    }
    const QJsonValue params = json.value(QStringLiteral("params"));
    if (!params.isUndefined() && !params.isNull()) {
        if (!params.isObject()) {
            *error = QStringLiteral("job file: 'params' must be an object");
            return {};
        }
        spec.params = params.toObject().toVariantMap();
    }
    const QJsonValue plugins = json.value(QStringLiteral("plugins"));
    if (!plugins.isUndefined() && !plugins.isNull()) {
        const QJsonArray list = plugins.toArray();
        for (const QJsonValue& path : list) {
            if (!path.isString() || path.toString().isEmpty() || path.toString().contains(QChar(0))) {
                *error = QStringLiteral("job file: 'plugins' must be a list of file paths");
                return {};
            }
            spec.plugins.append(path.toString());
        }
        if (!plugins.isArray()) {
            *error = QStringLiteral("job file: 'plugins' must be a list of file paths");
            return {};
        }
    }
    if (workers < 0 || workers > kMaxWorkers) {
        *error = QStringLiteral("job file: workers must be 1..%1").arg(kMaxWorkers);
        return {};
    }
    spec.workers = int(workers);
    spec.maxRetries = int(qBound(qint64(-1), retries, qint64(100000)));
    return spec;
}

JobSpec JobSpec::load(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read job file %1: %2").arg(path, file.errorString());
        return {};
    }
    if (file.size() > (16 << 20)) {
        *error = QStringLiteral("job file %1 is too large").arg(path);
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = QStringLiteral("job file %1 is not a JSON object: %2").arg(path, parseError.errorString());
        return {};
    }
    QString problem;
    JobSpec spec = fromJson(document.object(), &problem);
    if (!problem.isEmpty()) {
        *error = QStringLiteral("%1 (%2)").arg(problem, path);
        return {};
    }
    // Relative paths in a job file are relative to the file's folder.
    const QDir base = QFileInfo(path).absoluteDir();
    auto rebase = [&base](QString& p) {
        if (!p.isEmpty() && QFileInfo(p).isRelative() && !p.startsWith(QLatin1String("shm:")))
            p = QDir::cleanPath(base.filePath(p));
    };
    rebase(spec.input);
    rebase(spec.output);
    rebase(spec.summary);
    rebase(spec.python.file);
    for (QString& plugin : spec.plugins)
        rebase(plugin);
    if (spec.indices.startsWith(QLatin1Char('@'))) {
        QString file = spec.indices.mid(1);
        rebase(file);
        spec.indices = QLatin1Char('@') + file;
    }
    return spec;
}

QString JobSpec::save(const QString& path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

bool JobSpec::operator==(const JobSpec& other) const
{
    return input == other.input && inputOptions == other.inputOptions && kernel == other.kernel
        && python == other.python && params == other.params && indices == other.indices && workers == other.workers
        && chunkSize == other.chunkSize && maxRetries == other.maxRetries && taskTimeoutS == other.taskTimeoutS
        && mode == other.mode && output == other.output && summary == other.summary && plugins == other.plugins;
}

} // namespace sharedmap
