// Teaching demos: tasks that write the same places (a race on one counter, a shared histogram)
// and a Monte Carlo estimate whose results do not depend on the number of workers.

#include "kernels/kernelsupport.h"
#include "shm/jobsegment.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <limits>
#include <vector>

namespace sharedmap {

namespace {

constexpr int kBarrierTimeoutMs = 2000;
/// The race's accumulator: the counter itself, and the increments attempted (added atomically
/// after each batch, or with each increment under the mutex), which is what the counter would
/// show without a race — also when tasks died half way.
constexpr qint64 kCounterCell = 0;
constexpr qint64 kAttemptsCell = 1;

enum class LockMode
{
    None,
    Mutex,
    Atomic
};

/// Every task adds 1 to one shared counter `iterations` times, with or without a lock. All
/// workers start their first task together (a start barrier) so the race shows every time.
class RaceKernel final : public Kernel
{
public:
    RaceKernel(const KernelContext& c, LockMode mode)
        : m_accumulator(c.accumulator)
        , m_mode(mode)
        , m_iterations(c.params.value(QStringLiteral("iterations")).toLongLong())
        , m_crashInLock(c.params.value(QStringLiteral("crash_in_lock"), -1).toLongLong())
        , m_durationNs(qint64(c.params.value(QStringLiteral("duration_ms")).toDouble() * 1e6))
    { }

    bool evaluate(qint64 index, double* out) const override
    {
        if (!m_arrived) {
            m_accumulator->arriveAndWait(kBarrierTimeoutMs);
            m_arrived = true;
        }
        // Increments go in batches; with duration_ms the batches are paced (busy, so the workers
        // keep overlapping) to spread the task over that time, slow enough to watch.
        constexpr qint64 kBatch = 1024;
        const qint64 start = m_durationNs > 0 ? monotonicNs() : 0;
        for (qint64 k = 0; k < m_iterations; k += kBatch) {
            increment(index, k, qMin(kBatch, m_iterations - k));
            // What the counter should have gained. Under the mutex it is counted with each
            // increment, inside the lock (see increment()).
            if (m_mode != LockMode::Mutex)
                m_accumulator->add(kAttemptsCell, qMin(kBatch, m_iterations - k));
            if (m_durationNs > 0) {
                const qint64 due = start + qint64(double(m_durationNs) * double(k + kBatch) / double(m_iterations));
                while (monotonicNs() < due) { }
            }
        }
        *out = double(m_accumulator->load(kCounterCell)); // the counter as this task left it
        return true;
    }

private:
    void increment(qint64 index, qint64 first, qint64 count) const
    {
        qint64* counter = m_accumulator->cells() + kCounterCell;
        switch (m_mode) {
        case LockMode::None:
            // A read, then a write: another worker's increments between the two are lost. (Relaxed
            // atomics keep it defined behaviour in C++; the update is still not atomic.)
            for (qint64 k = 0; k < count; ++k)
                __atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
            break;
        case LockMode::Mutex:
            for (qint64 k = first; k < first + count; ++k) {
                m_accumulator->lock();
                __atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
                // The attempt is counted after the increment, in the same critical section: a
                // worker killed in the lock leaves at most the counter one ahead, never behind,
                // so the increments of a task that died are expected exactly as far as it got.
                m_accumulator->add(kAttemptsCell, 1);
                if (index == m_crashInLock && k == m_iterations / 2 && m_accumulator->recoveredLocks() == 0)
                    std::raise(SIGKILL); // test only: die holding the lock, once
                m_accumulator->unlock();
            }
            break;
        case LockMode::Atomic:
            for (qint64 k = 0; k < count; ++k)
                m_accumulator->add(kCounterCell, 1);
            break;
        }
    }

    SharedAccumulator* m_accumulator;
    LockMode m_mode;
    qint64 m_iterations;
    qint64 m_crashInLock;
    qint64 m_durationNs;
    mutable bool m_arrived = false;
};

LockMode lockMode(const QVariantMap& params)
{
    const QString mode = params.value(QStringLiteral("lock")).toString();
    return mode == QLatin1String("mutex") ? LockMode::Mutex
        : mode == QLatin1String("atomic") ? LockMode::Atomic
                                          : LockMode::None;
}

QString raceCount(const ArrayMeta&, const QVariantMap& params, qint64* count)
{
    *count = params.value(QStringLiteral("tasks")).toLongLong();
    return {};
}

QVariantMap raceFigures(const QVariantMap&, const SharedAccumulator& accumulator, qint64)
{
    // Expected is what the tasks really tried to add, not done tasks × iterations: a task whose
    // worker was killed (failed after its retries, or retried) added only part of its
    // increments, and counting it whole reported updates "lost" even under the mutex.
    const qint64 counter = accumulator.load(kCounterCell);
    const qint64 expected = accumulator.load(kAttemptsCell);
    return { { QStringLiteral("counter"), counter },
             { QStringLiteral("expected_counter"), expected },
             { QStringLiteral("attempted_increments"), accumulator.load(kAttemptsCell) },
             { QStringLiteral("lost_updates"), qMax<qint64>(0, expected - counter) },
             { QStringLiteral("recovered_locks"), accumulator.recoveredLocks() } };
}

/// Adds the values of row a into one shared array of counts, with np.histogram's rules for
/// uniform bins: edges from linspace(min, max, bins + 1), the last bin closed, values outside
/// [min, max] (and NaN) ignored. Each row is counted locally, then committed once for its job
/// position (SharedAccumulator::commitOnce()): a task retried after its worker died never
/// counts twice, and one that died half way through adding is completed, not lost.
class HistogramKernel final : public Kernel
{
public:
    HistogramKernel(const KernelContext& c)
        : m_view(c.input)
        , m_accumulator(c.accumulator)
        , m_bins(c.params.value(QStringLiteral("bins")).toLongLong())
        , m_min(c.params.value(QStringLiteral("min")).toDouble())
        , m_max(c.params.value(QStringLiteral("max")).toDouble())
        , m_norm(double(m_bins) / (m_max - m_min))
        , m_crashInCommit(c.params.value(QStringLiteral("crash_in_commit"), -1).toLongLong())
    {
        // np.linspace: k * step + start, with the last edge exactly max.
        const double step = (m_max - m_min) / double(m_bins);
        for (qint64 k = 0; k <= m_bins; ++k)
            m_edges.push_back(double(k) * step + m_min);
        m_edges.back() = m_max;
    }

    /// Without a position (no job to count once for): plain atomic adds.
    bool evaluate(qint64 index, double* out) const override
    {
        const qint64 counted = countRow(index);
        for (size_t k = 0; k < m_touched.size(); ++k)
            m_accumulator->add(m_touched[k], m_deltas[k]);
        *out = double(counted);
        return true;
    }

    bool evaluateAt(qint64 position, qint64 index, double* out) const override
    {
        const qint64 counted = countRow(index);
        m_accumulator->commitOnce(position, m_touched.data(), m_deltas.data(), qint64(m_touched.size()),
                                  index == m_crashInCommit ? CommitCrash::HalfApplied : CommitCrash::Never);
        *out = double(counted); // values of this row that fell in [min, max]
        return true;
    }

    std::pair<const char*, qint64> footprint(qint64 index) const override
    {
        if (!m_view.rowsContiguous())
            return { nullptr, 0 };
        return { m_view.data + index * m_view.strides[0], m_view.rowLength() * dtypeSize(m_view.dtype) };
    }

private:
    /// Counts row `index` into m_touched (the bins it reaches, in first-seen order) and m_deltas
    /// (how many values each); returns the values that fell in [min, max].
    qint64 countRow(qint64 index) const
    {
        const qint64 length = m_view.rowLength();
        m_row.resize(size_t(length));
        readRow(m_view, index, m_row.data());
        m_touched.clear();
        m_deltas.clear();
        m_rowBins.clear();
        for (qint64 k = 0; k < length; ++k) {
            const double v = m_row[size_t(k)];
            if (!(v >= m_min && v <= m_max))
                continue;
            qint64 bin = qint64((v - m_min) * m_norm);
            if (bin == m_bins)
                bin -= 1;
            if (v < m_edges[size_t(bin)])
                bin -= 1;
            else if (bin != m_bins - 1 && v >= m_edges[size_t(bin + 1)])
                bin += 1;
            m_rowBins.push_back(bin);
        }
        if (m_bins <= kDenseBins) {
            // A bin -> place map the size of the histogram, reset in O(bins reached).
            if (m_slot.empty())
                m_slot.assign(size_t(m_bins), -1);
            for (qint64 bin : m_rowBins) {
                qint64& slot = m_slot[size_t(bin)];
                if (slot < 0) {
                    slot = qint64(m_touched.size());
                    m_touched.push_back(bin);
                    m_deltas.push_back(0);
                }
                ++m_deltas[size_t(slot)];
            }
            for (qint64 bin : m_touched)
                m_slot[size_t(bin)] = -1;
        } else {
            // Too many bins for a map per worker: sort the row's bins and count the runs.
            std::sort(m_rowBins.begin(), m_rowBins.end());
            for (size_t k = 0; k < m_rowBins.size(); ++k) {
                if (k == 0 || m_rowBins[k] != m_rowBins[k - 1]) {
                    m_touched.push_back(m_rowBins[k]);
                    m_deltas.push_back(0);
                }
                ++m_deltas.back();
            }
        }
        return qint64(m_rowBins.size());
    }

    static constexpr qint64 kDenseBins = qint64(1) << 16;

    ArrayView m_view;
    SharedAccumulator* m_accumulator;
    qint64 m_bins;
    double m_min, m_max, m_norm;
    qint64 m_crashInCommit;
    std::vector<double> m_edges;
    // One row's counts; a kernel is used by one thread (its worker's).
    mutable std::vector<double> m_row;
    mutable std::vector<qint64> m_rowBins; ///< the bin of each counted value
    mutable std::vector<qint64> m_slot; ///< bin -> its place in m_touched, -1 when not reached
    mutable std::vector<qint64> m_touched;
    mutable std::vector<qint64> m_deltas;
};

QString histogramCount(const ArrayMeta& input, const QVariantMap& params, qint64* count)
{
    if (params.value(QStringLiteral("max")).toDouble() <= params.value(QStringLiteral("min")).toDouble())
        return QStringLiteral("histogram needs min < max");
    return rowsCount(input, params, count);
}

/// SplitMix64: a tiny, well-mixed generator whose whole stream follows from its seed, so one
/// batch gives the same points in any worker (and in NumPy, for the tests).
quint64 splitmix(quint64* state)
{
    quint64 z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// Batch a of `samples` random points in the unit square: 4 × the fraction inside the quarter
/// circle. The batch's seed is derived from (seed, a), so results never depend on who computed them.
class MonteCarloPiKernel final : public Kernel
{
public:
    explicit MonteCarloPiKernel(const QVariantMap& p)
        : m_samples(p.value(QStringLiteral("samples")).toLongLong())
        , m_seed(quint64(p.value(QStringLiteral("seed")).toLongLong()))
    { }

    bool evaluate(qint64 index, double* out) const override
    {
        quint64 state = m_seed * 0xD1B54A32D192ED03ULL + quint64(index);
        constexpr double kScale = 1.0 / 9007199254740992.0; // 2^-53
        qint64 hits = 0;
        for (qint64 k = 0; k < m_samples; ++k) {
            const double x = double(splitmix(&state) >> 11) * kScale;
            const double y = double(splitmix(&state) >> 11) * kScale;
            hits += x * x + y * y < 1.0;
        }
        *out = 4.0 * double(hits) / double(m_samples);
        return true;
    }

private:
    qint64 m_samples;
    quint64 m_seed;
};

} // namespace

void addTeachingKernels(std::deque<KernelDef>* kernels)
{
    KernelDef race;
    race.info.name = QStringLiteral("race_increment");
    race.info.description = QT_TRANSLATE_NOOP("Kernels",
                                              "Every task adds 1 to one shared counter `iterations` times; "
                                              "lock=none loses updates, mutex and atomic do not (no input array)");
    race.info.indexSpace = QT_TRANSLATE_NOOP("Kernels", "tasks");
    race.info.resultText = QT_TRANSLATE_NOOP("Kernels", "the counter as the task left it");
    race.info.needsInput = false;
    race.info.params = {
        { QStringLiteral("iterations"), ParamType::Int, qint64(100000), qint64(1), qint64(1000000000),
          QT_TRANSLATE_NOOP("Kernels", "Increments per task") },
        { QStringLiteral("lock"),
          ParamType::String,
          QStringLiteral("none"),
          {},
          {},
          QT_TRANSLATE_NOOP("Kernels", "none (a race), mutex (a process-shared lock) or atomic (an atomic add)"),
          { QStringLiteral("none"), QStringLiteral("mutex"), QStringLiteral("atomic") } },
        { QStringLiteral("tasks"), ParamType::Int, qint64(8), qint64(1), qint64(1000000),
          QT_TRANSLATE_NOOP("Kernels", "Number of tasks (the index space)") },
        { QStringLiteral("duration_ms"), ParamType::Double, 0.0, 0.0, 60000.0,
          QT_TRANSLATE_NOOP("Kernels", "Spread each task's increments over this time (busy), to watch the race") },
    };
    if (qEnvironmentVariableIsSet("SHAREDMAP_TEST_KERNELS")) {
        race.info.params.append({ QStringLiteral("crash_in_lock"),
                                  ParamType::Int,
                                  qint64(-1),
                                  {},
                                  {},
                                  "Test only: the task for this index dies once while holding the mutex" });
    }
    race.indexCount = raceCount;
    race.accumulatorCells = [](const QVariantMap&) { return qint64(2); };
    race.figures = raceFigures;
    race.create = [](const KernelContext& c, QString*) -> std::unique_ptr<Kernel> {
        return std::make_unique<RaceKernel>(c, lockMode(c.params));
    };
    kernels->push_back(race);

    KernelDef histogram;
    histogram.info.name = QStringLiteral("histogram");
    histogram.info.description = QT_TRANSLATE_NOOP("Kernels",
                                                   "Counts the values of the indexed rows into one shared "
                                                   "histogram (np.histogram with range=(min, max))");
    histogram.info.indexSpace = QT_TRANSLATE_NOOP("Kernels", "rows (first axis)");
    histogram.info.resultText = QT_TRANSLATE_NOOP("Kernels", "number of values of row a inside [min, max]");
    histogram.info.accumulatorText = QT_TRANSLATE_NOOP("Kernels", "the counts per bin, shape (bins,)");
    histogram.info.params = {
        { QStringLiteral("bins"), ParamType::Int, qint64(10), qint64(1), qint64(10000000),
          QT_TRANSLATE_NOOP("Kernels", "Number of bins") },
        { QStringLiteral("min"),
          ParamType::Double,
          0.0,
          {},
          {},
          QT_TRANSLATE_NOOP("Kernels", "Lower edge of the first bin") },
        { QStringLiteral("max"),
          ParamType::Double,
          1.0,
          {},
          {},
          QT_TRANSLATE_NOOP("Kernels", "Upper edge of the last bin (closed)") },
    };
    if (qEnvironmentVariableIsSet("SHAREDMAP_TEST_KERNELS")) {
        histogram.info.params.append(
            { QStringLiteral("crash_in_commit"),
              ParamType::Int,
              qint64(-1),
              {},
              {},
              "Test only: the task for this index dies once half way through adding its counts" });
    }
    histogram.indexCount = histogramCount;
    histogram.accumulatorCells = [](const QVariantMap& p) { return p.value(QStringLiteral("bins")).toLongLong(); };
    histogram.accumulatorJournal = [](const ArrayMeta& input, const QVariantMap& p) {
        // A row reaches at most min(bins, row length) bins.
        qint64 length = 1;
        for (int d = 1; d < input.shape.size(); ++d)
            length *= input.shape[d];
        return qMax<qint64>(1, qMin(p.value(QStringLiteral("bins")).toLongLong(), length));
    };
    histogram.create = [](const KernelContext& c, QString*) -> std::unique_ptr<Kernel> {
        return std::make_unique<HistogramKernel>(c);
    };
    kernels->push_back(histogram);

    KernelDef pi;
    pi.info.name = QStringLiteral("monte_carlo_pi");
    pi.info.description = QT_TRANSLATE_NOOP("Kernels",
                                            "Estimates π from `samples` random points per batch, seeded per "
                                            "index: the same results for any number of workers (no input array)");
    pi.info.indexSpace = QT_TRANSLATE_NOOP("Kernels", "batches");
    pi.info.resultText = QT_TRANSLATE_NOOP("Kernels", "the batch's estimate 4 · hits / samples");
    pi.info.needsInput = false;
    pi.info.params = {
        { QStringLiteral("samples"), ParamType::Int, qint64(1000000), qint64(1), qint64(10000000000),
          QT_TRANSLATE_NOOP("Kernels", "Random points per batch") },
        { QStringLiteral("batches"), ParamType::Int, qint64(1000), qint64(1), qint64(100000000),
          QT_TRANSLATE_NOOP("Kernels", "Number of batches (the index space)") },
        { QStringLiteral("seed"),
          ParamType::Int,
          qint64(0),
          qint64(0),
          {},
          QT_TRANSLATE_NOOP("Kernels", "Seed of the whole run") },
    };
    pi.indexCount = [](const ArrayMeta&, const QVariantMap& p, qint64* count) {
        *count = p.value(QStringLiteral("batches")).toLongLong();
        return QString();
    };
    pi.create = [](const KernelContext& c, QString*) -> std::unique_ptr<Kernel> {
        return std::make_unique<MonteCarloPiKernel>(c.params);
    };
    kernels->push_back(pi);
}

} // namespace sharedmap
