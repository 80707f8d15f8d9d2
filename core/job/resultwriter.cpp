#include "job/resultwriter.h"

#include "io/formats/hdf5format.h"
#include "io/npyformat.h"

#include <cmath>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace sharedmap {

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
    QStringList extensions
        = { QStringLiteral("npy"), QStringLiteral("csv"), QStringLiteral("h5"), QStringLiteral("hdf5") };
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
        return writeHdf5(
            path, { { QStringLiteral("counts"), meta, result.accumulator.constData() } },
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
