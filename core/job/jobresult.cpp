#include "job/jobresult.h"

#include "base/version.h"
#include "io/formats/hdf5format.h"
#include "io/npyformat.h"
#include "shm/jobsegment.h"

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
        reasons.append(
            QJsonObject { { QStringLiteral("position"), p },
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

} // namespace sharedmap
