#pragma once

#include "base/arraymeta.h"
#include "base/indexlist.h"
#include "base/status.h"
#include "job/jobspec.h"
#include "shm/sharedarray.h"

#include <functional>
#include <initializer_list>
#include <memory>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMetaType>
#include <QVector>

namespace sharedmap {

/// A job's values, read-only: where the job left them — its output array, a shared segment, so
/// finishing a job copies nothing and the window can hand the array to the next job as its
/// input — or in memory (results read back from a file, tests). Cheap to copy.
class ResultValues
{
public:
    ResultValues() = default;
    /// The values of a float64 array, kept alive while any copy of this object lives.
    explicit ResultValues(std::shared_ptr<const SharedArray> array);
    explicit ResultValues(QVector<double> values);
    ResultValues(std::initializer_list<double> values)
        : ResultValues(QVector<double>(values))
    { }

    qint64 size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    const double* constData() const { return m_data; }
    const double* begin() const { return m_data; }
    const double* end() const { return m_data + m_size; }
    double operator[](qint64 i) const { return m_data[i]; }
    QVector<double> toVector() const { return QVector<double>(begin(), end()); }
    /// The output array holding the values; null when they are in memory.
    std::shared_ptr<const SharedArray> array() const { return m_array; }

private:
    std::shared_ptr<const SharedArray> m_array;
    QVector<double> m_memory; ///< never written after construction, so m_data stays valid in copies
    const double* m_data = nullptr;
    qint64 m_size = 0;
};

/// Everything a finished (or cancelled) job produced: ordered results, what failed and why, and
/// the figures of the run. A plain value: safe to keep after the pool moved on.
struct JobResult
{
    quint64 jobId = 0;
    JobSpec spec;
    QString kernelName;
    /// Input array description (empty meta when the kernel takes no input).
    ArrayMeta inputMeta;
    QString inputPath;
    IndexList indices;
    int resultWidth = 1;
    /// Shape of one position's result (empty for a scalar); resultWidth is its product.
    QVector<qint64> resultShape;
    /// resultWidth values per position, in the order of the indices; NaN where not computed.
    /// From a pool, they are the job's output array, shape (taskCount, *resultShape).
    ResultValues values;
    /// The shared accumulator's cells (histogram counts), for kernels that declare one; then
    /// `--output` saves these instead of the per-position values.
    QVector<qint64> accumulator;
    /// What the accumulator holds (untranslated), empty when none.
    QString accumulatorText;
    /// Kernel figures from the accumulator, e.g. the race demo's `counter` and `expected_counter`.
    QVariantMap figures;
    /// PositionStatus per position.
    QByteArray status;
    /// Why positions failed (position -> reason).
    QHash<qint64, QString> failureReasons;
    qint64 retriedChunks = 0;
    qint64 resumedPositions = 0; ///< taken as done from a previous run's partial results
    int workers = 0;
    /// Chunk size used, 0 for auto.
    qint64 chunkSize = 0;
    bool cancelled = false;
    QDateTime startedAt;
    double elapsedS = 0;
    double startupS = 0; ///< from start() to the first task started
    double computeS = 0;
    double loadS = 0; ///< set by the caller that loaded the input
    qint64 peakMemoryBytes = 0;
    /// The workers as they stood when the job ended.
    QVector<WorkerInfo> workerStats;

    qint64 taskCount() const { return indices.size(); }
    qint64 doneCount() const;
    /// Positions whose index failed after retries (status Failed).
    QVector<qint64> failedPositions() const;
    /// Positions never computed (cancelled runs).
    QVector<qint64> missingPositions() const;
    /// The summary JSON `run --summary` writes (scripts read its keys: they are only ever added to).
    QJsonObject summaryJson() const;
};

} // namespace sharedmap

Q_DECLARE_METATYPE(sharedmap::JobResult)
