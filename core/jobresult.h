#pragma once

#include "arraymeta.h"
#include "indexlist.h"
#include "jobsegment.h"
#include "jobspec.h"
#include "sharedarray.h"

#include <functional>
#include <initializer_list>
#include <memory>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMetaType>
#include <QVector>

namespace sharedmap {

/// A snapshot of one worker for monitors: what it holds, how far it got, what it costs.
struct WorkerInfo
{
    int slot = 0;
    qint64 pid = 0;
    WorkerState state = WorkerState::Starting;
    qint64 rangeBegin = -1; ///< claimed positions, -1 when none
    qint64 rangeEnd = -1;
    qint64 tasksDone = 0;
    qint64 chunksDone = 0;
    double heartbeatAgeS = 0;
    double busyS = 0;
    int restarts = 0;
    double cpuPercent = 0;
    qint64 rssBytes = 0;
    qint64 pssBytes = 0;
};

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
    /// The summary JSON of DESIGN §5.
    QJsonObject summaryJson() const;
};

/// Writes the results: `.npy` (float64, shape (n,) or (n, k)), `.csv` (header, then
/// `index,value[,value...]`), HDF5 (`results`, `indices`) or a format registered with
/// registerResultWriter(). Returns an error text.
QString writeResults(const JobResult& result, const QString& path);

/// Writes results in a format core cannot (e.g. PNG through Qt Gui, registered by ui/imageio).
struct ResultWriter
{
    /// Whether results of this shape (per position; `counts` for an accumulator) fit the
    /// format: an error text, checked before a job runs so no work is lost to a bad --output.
    std::function<QString(const QVector<qint64>& resultShape, bool counts)> check;
    std::function<QString(const JobResult& result, const QString& path)> write;
};
/// Registers a writer for an output extension (lower case, no dot). Call at start.
void registerResultWriter(const QString& extension, ResultWriter writer);
/// Whether `path`'s format restricts the shape of the results it can hold (so a front end
/// should call checkResultFormat() with the job's plan before running it).
bool resultFormatRestrictsShape(const QString& path);
/// Checks that results of this shape can be written to `path`'s format; an error text.
QString checkResultFormat(const QString& path, const QVector<qint64>& resultShape, bool counts);
/// The output extensions writeResults() accepts: npy, csv, h5, hdf5 and the registered ones.
QStringList resultExtensions();

/// Position, count and timing of one finished chunk, seconds from the job's start.
struct ChunkEvent
{
    int slot = 0;
    qint64 begin = 0;
    qint64 count = 0;
    double startS = 0;
    double endS = 0;
};

} // namespace sharedmap

Q_DECLARE_METATYPE(sharedmap::JobResult)
Q_DECLARE_METATYPE(sharedmap::ChunkEvent)
