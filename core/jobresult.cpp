#include "jobresult.h"

#include "formats/hdf5format.h"
#include "jobsegment.h"
#include "npyformat.h"
#include "version.h"

#include <cmath>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace sharedmap {

ResultValues::ResultValues(std::shared_ptr<const SharedArray> array)
    : m_array(std::move(array))
{
    if (m_array && m_array->meta().dtype == DType::Float64) {
        m_data = reinterpret_cast<const double*>(m_array->view().data);
        m_size = m_array->meta().elementCount();
    } else {
        m_array.reset();
    }
}

ResultValues::ResultValues(QVector<double> values)
    : m_memory(std::move(values))
    , m_data(m_memory.constData())
    , m_size(m_memory.size())
{ }

qint64 JobResult::doneCount() const
{
    return std::count(status.cbegin(), status.cend(), char(Done));
}

QVector<qint64> JobResult::failedPositions() const
{
    QVector<qint64> positions;
    for (qint64 p = 0; p < status.size(); ++p) {
        if (quint8(status[p]) == Failed)
            positions.append(p);
    }
    return positions;
}

QVector<qint64> JobResult::missingPositions() const
{
    QVector<qint64> positions;
    for (qint64 p = 0; p < status.size(); ++p) {
        if (quint8(status[p]) == Pending)
            positions.append(p);
    }
    return positions;
}

QJsonObject JobResult::summaryJson() const
{
    QJsonObject json;
    json[QStringLiteral("kernel")] = kernelName;
    json[QStringLiteral("tasks")] = taskCount();
    json[QStringLiteral("done")] = doneCount();
    json[QStringLiteral("workers")] = workers;
    json[QStringLiteral("chunksize")] = chunkSize == 0 ? QJsonValue(QStringLiteral("auto")) : QJsonValue(chunkSize);
    json[QStringLiteral("elapsed_s")] = elapsedS;
    json[QStringLiteral("startup_s")] = startupS;
    json[QStringLiteral("compute_s")] = computeS;
    json[QStringLiteral("load_s")] = loadS;
    json[QStringLiteral("tasks_per_s")] = elapsedS > 0 ? double(doneCount()) / elapsedS : 0.0;
    json[QStringLiteral("retried_chunks")] = retriedChunks;
    json[QStringLiteral("resumed_positions")] = resumedPositions;
    QJsonArray failed, reasons, missing;
    for (qint64 p : failedPositions()) {
        failed.append(indices.at(p));
        reasons.append(QJsonObject { { QStringLiteral("position"), p },
                                     { QStringLiteral("index"), indices.at(p) },
                                     { QStringLiteral("reason"), failureReasons.value(p, QStringLiteral("kernel failed")) } });
    }
    json[QStringLiteral("failed_indices")] = failed;
    json[QStringLiteral("failures")] = reasons;
    json[QStringLiteral("cancelled")] = cancelled;
    if (cancelled) {
        for (qint64 p : missingPositions())
            missing.append(indices.at(p));
        json[QStringLiteral("missing_indices")] = missing;
    }
    json[QStringLiteral("peak_memory_bytes")] = peakMemoryBytes;
    QJsonObject input;
    if (inputMeta.dtype != DType::Invalid) {
        QJsonArray shape;
        for (qint64 dim : inputMeta.shape)
            shape.append(dim);
        input[QStringLiteral("path")] = inputPath;
        input[QStringLiteral("dtype")] = dtypeName(inputMeta.dtype);
        input[QStringLiteral("shape")] = shape;
        input[QStringLiteral("order")] = inputMeta.orderText();
        input[QStringLiteral("bytes")] = inputMeta.byteSize();
    }
    json[QStringLiteral("input")] = input;
    json[QStringLiteral("mode")] = spec.mode;
    QJsonArray shape;
    for (qint64 extent : resultShape)
        shape.append(extent);
    json[QStringLiteral("result_shape")] = shape;
    for (auto it = figures.cbegin(); it != figures.cend(); ++it)
        json[it.key()] = QJsonValue::fromVariant(it.value());
    json[QStringLiteral("version")] = QStringLiteral(SHAREDMAP_VERSION);
    json[QStringLiteral("job")] = spec.toJson();
    json[QStringLiteral("started_at")] = startedAt.toString(Qt::ISODateWithMs);
    return json;
}

namespace {

QString writeCsv(const JobResult& result, const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    QByteArray header = "index";
    if (result.resultWidth == 1) {
        header += ",value";
    } else {
        for (int k = 0; k < result.resultWidth; ++k)
            header += ",value" + QByteArray::number(k);
    }
    file.write(header + '\n');
    QByteArray line;
    char number[32];
    for (qint64 p = 0; p < result.taskCount(); ++p) {
        line = QByteArray::number(result.indices.at(p));
        for (int k = 0; k < result.resultWidth; ++k) {
            const double v = result.values[p * result.resultWidth + k];
            if (std::isnan(v))
                line += ",nan";
            else {
                std::snprintf(number, sizeof number, ",%.17g", v);
                line += number;
            }
        }
        line += '\n';
        if (file.write(line) != line.size())
            return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    }
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

/// An accumulator (histogram counts) as `.csv`: `bin,count` lines.
QString writeAccumulatorCsv(const JobResult& result, const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    QByteArray text = "bin,count\n";
    for (qint64 i = 0; i < result.accumulator.size(); ++i)
        text += QByteArray::number(i) + ',' + QByteArray::number(result.accumulator[i]) + '\n';
    if (file.write(text) != text.size() || !file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace

namespace {
QHash<QString, ResultWriter>& resultWriters()
{
    static QHash<QString, ResultWriter> writers;
    return writers;
}
} // namespace

void registerResultWriter(const QString& extension, ResultWriter writer)
{
    resultWriters().insert(extension, std::move(writer));
}

bool resultFormatRestrictsShape(const QString& path)
{
    const auto writer = resultWriters().constFind(QFileInfo(path).suffix().toLower());
    return writer != resultWriters().constEnd() && writer->check;
}

QString checkResultFormat(const QString& path, const QVector<qint64>& resultShape, bool counts)
{
    const auto writer = resultWriters().constFind(QFileInfo(path).suffix().toLower());
    if (writer == resultWriters().constEnd() || !writer->check)
        return {};
    const QString problem = writer->check(resultShape, counts);
    return problem.isEmpty() ? QString() : QStringLiteral("%1: %2").arg(path, problem);
}

QStringList resultExtensions()
{
    QStringList extensions = { QStringLiteral("npy"), QStringLiteral("csv"), QStringLiteral("h5"), QStringLiteral("hdf5") };
    QStringList registered = resultWriters().keys();
    registered.sort();
    return extensions + registered;
}

QString writeResults(const JobResult& result, const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (const auto writer = resultWriters().constFind(suffix); writer != resultWriters().constEnd())
        return writer->write(result, path);
    const bool counts = !result.accumulatorText.isEmpty();
    if (suffix == QLatin1String("csv"))
        return counts ? writeAccumulatorCsv(result, path) : writeCsv(result, path);
    if (suffix != QLatin1String("npy") && suffix != QLatin1String("h5") && suffix != QLatin1String("hdf5"))
        return QStringLiteral("output %1 has an unknown extension (use .%2)")
            .arg(path, resultExtensions().join(QStringLiteral(", .")));
    ArrayMeta meta;
    if (counts) {
        // Counts stay integers, as np.histogram returns them.
        meta.dtype = DType::Int64;
        meta.shape = { result.accumulator.size() };
        if (suffix == QLatin1String("npy"))
            return writeNpy(path, meta, result.accumulator.constData());
        return writeHdf5(path, { { QStringLiteral("counts"), meta, result.accumulator.constData() } },
                         { { QStringLiteral("kernel"), result.kernelName }, { QStringLiteral("input"), result.inputPath } });
    }
    meta.dtype = DType::Float64;
    meta.shape = { result.taskCount() };
    if (!result.resultShape.isEmpty())
        meta.shape += result.resultShape;
    else if (result.resultWidth > 1)
        meta.shape.append(result.resultWidth);
    if (suffix == QLatin1String("npy"))
        return writeNpy(path, meta, result.values.constData());
    // HDF5: the results, the index of each position, and what produced them as attributes.
    QVector<qint64> indices(result.taskCount());
    for (qint64 p = 0; p < result.taskCount(); ++p)
        indices[p] = result.indices.at(p);
    ArrayMeta indexMeta;
    indexMeta.dtype = DType::Int64;
    indexMeta.shape = { result.taskCount() };
    return writeHdf5(path,
                     { { QStringLiteral("results"), meta, result.values.constData() },
                       { QStringLiteral("indices"), indexMeta, indices.constData() } },
                     { { QStringLiteral("kernel"), result.kernelName },
                       { QStringLiteral("input"), result.inputPath },
                       { QStringLiteral("job"),
                         QString::fromUtf8(QJsonDocument(result.spec.toJson()).toJson(QJsonDocument::Compact)) } });
}

} // namespace sharedmap
