#include "job/runoutputs.h"

#include "base/version.h"
#include "io/atomicfile.h"
#include "job/jobspec.h"
#include "job/resultwriter.h"
#include "kernels/kernel.h"
#include "shm/sharedarray.h"

#include <functional>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <unistd.h>

namespace sharedmap {

namespace {

constexpr char kRecordFormat[] = "sharedmap-resume-record";

/// A digest of the positions' indices: the same for `all`, `0:N` and the list `0,1,...,N-1`.
QString indexDigest(const IndexList& indices)
{
    QCryptographicHash hash(QCryptographicHash::Sha1);
    bool arithmetic = indices.isArithmetic();
    qint64 step = indices.isArithmetic() ? indices.step() : 1;
    if (!arithmetic && indices.size() >= 2) {
        step = indices.at(1) - indices.at(0);
        arithmetic = true;
        for (qint64 p = 2; p < indices.size() && arithmetic; ++p)
            arithmetic = indices.at(p) - indices.at(p - 1) == step;
    }
    if (arithmetic || indices.size() < 2) {
        const QByteArray text = QByteArray("range:") + QByteArray::number(indices.size() > 0 ? indices.at(0) : 0) + ':'
            + QByteArray::number(indices.size() > 1 ? step : 1) + ':' + QByteArray::number(indices.size());
        hash.addData(text);
    } else {
        hash.addData(QByteArrayView("list:"));
        const QVector<qint64>& list = indices.explicitList();
        hash.addData(
            QByteArrayView(reinterpret_cast<const char*>(list.constData()), list.size() * qsizetype(sizeof(qint64))));
    }
    return QString::fromLatin1(hash.result().toHex());
}

QJsonArray shapeJson(const QVector<qint64>& shape)
{
    QJsonArray array;
    for (qint64 extent : shape)
        array.append(extent);
    return array;
}

/// The typed parameters that change values, as JSON.
QJsonObject valueParams(const KernelDef* def, const QVariantMap& typed)
{
    QJsonObject params;
    for (auto it = typed.cbegin(); it != typed.cend(); ++it) {
        bool affects = true;
        if (def) {
            for (const ParamSpec& spec : def->info.params) {
                if (spec.name == it.key())
                    affects = spec.affectsValues;
            }
        }
        if (affects)
            params.insert(it.key(), QJsonValue::fromVariant(it.value()));
    }
    return params;
}

/// How an input is named in messages: its path, size and modification time.
QString describeInput(const QJsonObject& input)
{
    if (input.isEmpty())
        return QStringLiteral("no input");
    const QDateTime modified
        = QDateTime::fromMSecsSinceEpoch(input.value(QStringLiteral("mtime_ns")).toInteger() / 1000000);
    return QStringLiteral("%1 (%2 bytes, modified %3, inode %4)")
        .arg(input.value(QStringLiteral("path")).toString())
        .arg(input.value(QStringLiteral("size")).toInteger())
        .arg(modified.toString(Qt::ISODateWithMs))
        .arg(input.value(QStringLiteral("inode")).toInteger());
}

QString compactJson(const QJsonValue& value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    if (value.isString())
        return value.toString();
    if (value.isUndefined() || value.isNull())
        return QStringLiteral("none");
    return value.toVariant().toString();
}

/// The first way a recorded run differs from the one about to run; empty when none does.
QString firstDifference(const QJsonObject& recorded, const QJsonObject& now)
{
    if (recorded.value(QStringLiteral("kernel")) != now.value(QStringLiteral("kernel")))
        return QStringLiteral("by kernel %1, not %2")
            .arg(recorded.value(QStringLiteral("kernel")).toString(), now.value(QStringLiteral("kernel")).toString());
    const QJsonObject a = recorded.value(QStringLiteral("params")).toObject();
    const QJsonObject b = now.value(QStringLiteral("params")).toObject();
    QStringList keys = a.keys() + b.keys();
    keys.removeDuplicates();
    keys.sort();
    for (const QString& key : keys) {
        const QJsonValue x = a.value(key), y = b.value(key);
        const bool same = x.isDouble() && y.isDouble() ? x.toDouble() == y.toDouble() : x == y;
        if (!same)
            return QStringLiteral("with parameter %1 = %2, not %3").arg(key, compactJson(x), compactJson(y));
    }
    if (recorded.value(QStringLiteral("tasks")) != now.value(QStringLiteral("tasks"))
        || recorded.value(QStringLiteral("indices_sha1")) != now.value(QStringLiteral("indices_sha1")))
        return QStringLiteral("for other indices (%1 positions recorded, %2 now)")
            .arg(recorded.value(QStringLiteral("tasks")).toInteger())
            .arg(now.value(QStringLiteral("tasks")).toInteger());
    if (recorded.value(QStringLiteral("result_shape")) != now.value(QStringLiteral("result_shape")))
        return QStringLiteral("with results of shape %1, not %2")
            .arg(compactJson(recorded.value(QStringLiteral("result_shape"))),
                 compactJson(now.value(QStringLiteral("result_shape"))));
    const QJsonObject in = recorded.value(QStringLiteral("input")).toObject();
    const QJsonObject cur = now.value(QStringLiteral("input")).toObject();
    // The input's identity, not its name: the same file may be reached by another path, and a
    // file rewritten under the same name is another input.
    for (const char* key : { "device", "inode", "size", "mtime_ns", "dtype" }) {
        if (in.value(QLatin1String(key)) != cur.value(QLatin1String(key)))
            return QStringLiteral("from another input, or the input changed since: %1 then, %2 now")
                .arg(describeInput(in), describeInput(cur));
    }
    if (in.value(QStringLiteral("shape")) != cur.value(QStringLiteral("shape")))
        return QStringLiteral("from an input of shape %1, not %2")
            .arg(compactJson(in.value(QStringLiteral("shape"))), compactJson(cur.value(QStringLiteral("shape"))));
    return {};
}

/// Writes bytes atomically; an error text.
QString writeBytes(const QString& path, const QByteArray& bytes)
{
    AtomicFile file(path);
    if (!file.open() || !file.write(bytes) || !file.commit())
        return file.errorString();
    return {};
}

/// Folders tried, in order, for results that could not be written where asked.
QStringList rescueFolders(const QString& failedPath)
{
    QStringList folders;
    for (const QString& folder : { qEnvironmentVariable("TMPDIR"), QStringLiteral("/tmp"), QStringLiteral("/var/tmp"),
                                   QDir::homePath(), QStringLiteral("/dev/shm") }) {
        const QString absolute = folder.isEmpty() ? QString() : QDir(folder).absolutePath();
        if (!absolute.isEmpty() && !folders.contains(absolute) && QFileInfo(absolute).isDir()
            && absolute != QFileInfo(failedPath).absolutePath())
            folders.append(absolute);
    }
    return folders;
}

/// Writes what could not be written at `path` as `FOLDER/BASE.rescued-PID.EXT` in the first
/// rescue folder with room for `bytes` where `write` succeeds; that file, or empty.
QString rescue(const QString& path, qint64 bytes, const std::function<QString(const QString&)>& write)
{
    const QFileInfo info(path);
    for (const QString& folder : rescueFolders(path)) {
        const QString candidate = QStringLiteral("%1/%2.rescued-%3.%4")
                                      .arg(folder, info.completeBaseName())
                                      .arg(QCoreApplication::applicationPid())
                                      .arg(info.suffix());
        if (!checkFreeSpace(candidate, bytes, QString()).isError() && write(candidate).isEmpty())
            return candidate;
    }
    return {};
}

} // namespace

QString resumeRecordPath(const QString& output)
{
    return output + QStringLiteral(".sharedmap.json");
}

QJsonObject makeResumeRecord(const QString& kernel, const QVariantMap& typedParams, const IndexList& indices,
                             const QVector<qint64>& resultShape, const SharedArray* input)
{
    const KernelDef* def = KernelRegistry::instance().find(kernel);
    QJsonObject record { { QStringLiteral("format"), QLatin1String(kRecordFormat) },
                         { QStringLiteral("version"), 1 },
                         { QStringLiteral("written_by"), QStringLiteral("sharedmap " SHAREDMAP_VERSION) },
                         { QStringLiteral("kernel"), kernel },
                         { QStringLiteral("params"), valueParams(def, typedParams) },
                         { QStringLiteral("tasks"), indices.size() },
                         { QStringLiteral("indices_sha1"), indexDigest(indices) },
                         { QStringLiteral("result_shape"), shapeJson(resultShape) } };
    QJsonObject in;
    if (input) {
        const FileIdentity id = input->sourceIdentity();
        in = QJsonObject { { QStringLiteral("path"), QFileInfo(input->sourcePath()).absoluteFilePath() },
                           { QStringLiteral("device"), qint64(id.device) },
                           { QStringLiteral("inode"), qint64(id.inode) },
                           { QStringLiteral("size"), id.size },
                           { QStringLiteral("mtime_ns"), id.mtimeNs },
                           { QStringLiteral("dtype"), dtypeName(input->meta().dtype) },
                           { QStringLiteral("shape"), shapeJson(input->meta().shape) } };
    }
    record.insert(QStringLiteral("input"), input ? QJsonValue(in) : QJsonValue());
    return record;
}

PreflightError checkResumeRecord(const QString& partial, qint64 partialValues, const JobSpec& spec, const JobPlan& plan,
                                 const SharedArray* input)
{
    using Kind = PreflightError::Kind;
    const qint64 tasks = plan.indices.size();
    if (partialValues >= 0 && partialValues != tasks * plan.resultWidth)
        return PreflightError::make(Kind::ResumeRecord,
                                    QStringLiteral("the partial results hold %1 values, but this job has %2 positions "
                                                   "of %3 value(s): resume with the same kernel, input and indices")
                                        .arg(partialValues)
                                        .arg(tasks)
                                        .arg(plan.resultWidth));
    const QString recordPath = resumeRecordPath(partial);
    QFile file(recordPath);
    if (!QFileInfo(recordPath).isFile() || !file.open(QIODevice::ReadOnly))
        return PreflightError::make(
            Kind::ResumeRecord,
            QStringLiteral("%1 has no record of the run that wrote it (%2 is missing: a file of an older version, or "
                           "not written by `run --output`), so its values cannot be told from another run's: run the "
                           "job again without --resume")
                .arg(partial, QFileInfo(recordPath).fileName()));
    QJsonParseError parse;
    const QJsonObject recorded = QJsonDocument::fromJson(file.read(1 << 20), &parse).object();
    if (parse.error != QJsonParseError::NoError
        || recorded.value(QStringLiteral("format")) != QLatin1String(kRecordFormat))
        return PreflightError::make(Kind::ResumeRecord,
                                    QStringLiteral("%1: the record %2 is not one SharedMap wrote")
                                        .arg(partial, QFileInfo(recordPath).fileName()));
    const QJsonObject now = makeResumeRecord(spec.kernel, plan.params, plan.indices, plan.resultShape, input);
    const QString difference = firstDifference(recorded, now);
    if (!difference.isEmpty())
        return PreflightError::make(
            Kind::ResumeRecord,
            QStringLiteral("%1 was computed %2: resume only the run that wrote it").arg(partial, difference));
    return {};
}

PreflightError checkPlannedRun(const JobSpec& spec, const SharedArray* input, const QString& resumeFrom,
                               qint64 partialValues)
{
    if (spec.output.isEmpty() && resumeFrom.isEmpty())
        return {};
    JobPlan plan;
    const QString error = planJob(spec, input ? &input->meta() : nullptr, &plan);
    if (!error.isEmpty())
        return {}; // the pool reports it with its own words
    if (!resumeFrom.isEmpty()) {
        const PreflightError record
            = checkResumeRecord(resumeFrom, partialValues, spec, plan, plan.kernel->info.needsInput ? input : nullptr);
        if (record.isError())
            return record;
    }
    if (!spec.output.isEmpty()) {
        const qint64 bytes
            = estimatedOutputBytes(spec.output, plan.indices.size(), plan.resultWidth, plan.accumulatorCells);
        const PreflightError space = checkFreeSpace(spec.output, bytes, QStringLiteral("output"));
        if (space.isError())
            return space;
    }
    return {};
}

SavedOutputs saveRunOutputs(const JobResult& result, const JobSpec& spec, const SharedArray* input, bool writeOutput)
{
    SavedOutputs saved;
    QStringList problems;
    const bool perPosition = result.accumulatorText.isEmpty();
    const bool npy = QFileInfo(spec.output).suffix().compare(QLatin1String("npy"), Qt::CaseInsensitive) == 0;
    const auto writeWithRecord = [&](const QString& path) {
        // The old record goes first: a crash between the two writes leaves a file with no
        // record (refused by --resume), never new values with the old run's record.
        const QString record = resumeRecordPath(path);
        QFile::remove(record);
        const QString error = writeResults(result, path);
        if (error.isEmpty() && npy && perPosition) {
            QVariantMap typed;
            if (const KernelDef* def = KernelRegistry::instance().find(result.kernelName))
                resolveParams(def->info, result.spec.params, &typed);
            const QJsonObject json
                = makeResumeRecord(result.kernelName, typed, result.indices, result.resultShape, input);
            const QString recordError = writeBytes(record, QJsonDocument(json).toJson(QJsonDocument::Indented));
            if (!recordError.isEmpty())
                problems.append(recordError
                                + QStringLiteral(" (the results are written, but --resume will refuse them)"));
        }
        return error;
    };
    if (!spec.output.isEmpty() && writeOutput) {
        const QString error = writeWithRecord(spec.output);
        if (error.isEmpty()) {
            saved.outputWritten = true;
        } else {
            // The work is not lost with the file: the results go where they fit.
            const qint64 bytes
                = estimatedOutputBytes(spec.output, result.taskCount(), result.resultWidth, result.accumulator.size());
            const QString where = rescue(spec.output, bytes, writeWithRecord);
            saved.rescuedTo = where;
            problems.append(where.isEmpty()
                                ? error + QStringLiteral("; the results could not be written anywhere else")
                                : error + QStringLiteral("; the results were written to %1 instead").arg(where));
        }
    }
    if (!spec.summary.isEmpty()) {
        QJsonObject json = result.summaryJson();
        if (!spec.output.isEmpty())
            json.insert(QStringLiteral("output_written"), saved.outputWritten);
        if (!saved.rescuedTo.isEmpty())
            json.insert(QStringLiteral("output_rescued"), saved.rescuedTo);
        const QByteArray bytes = QJsonDocument(json).toJson(QJsonDocument::Indented);
        const QString error = writeBytes(spec.summary, bytes);
        if (!error.isEmpty()) {
            const QString where
                = rescue(spec.summary, bytes.size(), [&bytes](const QString& path) { return writeBytes(path, bytes); });
            problems.append(
                where.isEmpty() ? error : error + QStringLiteral("; the summary was written to %1 instead").arg(where));
        }
    }
    saved.error = problems.join(QStringLiteral("; "));
    return saved;
}

} // namespace sharedmap
