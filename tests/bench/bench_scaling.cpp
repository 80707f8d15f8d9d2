// bench_scaling: how a compute-bound kernel scales with the number of workers (docs/PERFORMANCE.md §6),
// next to a plain std::thread loop doing the same work in the same run.
//
// Kernel: row_std (two passes over a row: mean, then squared deviations), sleep_ms = 0, through
// the Pool facade with real sharedmap-worker processes (chunk size auto), for 1, 2, 4, ... workers
// up to the cores present (QThread::idealThreadCount()), then on up to twice the cores (marked
// oversubscribed). No worker count is hard-coded: a 64-core machine runs 1 ... 64 and 128.
// Two workloads:
//   cached  a small array (default 64 x 8192 float64, 4 MiB: rows stay in L2/L3) and an index
//           list that visits its rows again and again (np.arange(T) % rows, passed as
//           `--indices @FILE.npy`), T calibrated so that one thread needs >= --target-s seconds:
//           the kernel is compute-bound, so this measures the engine's own scaling;
//   large   every row of a large array once (default 25000 x 25000 float64, 5 GB: > 1 s for one
//           worker here): what the issue names; each fresh worker also maps the pages it reads
//           (MADV_POPULATE_READ per chunk), so memory bandwidth and page-table work are part of it.
// For each repetition and each worker count W (the order rotates each repetition), it runs the
// job through Pool and then the same row_std loop on W std::threads (static contiguous blocks
// of positions, on a fresh attach of the same segment, each 4 MiB block populated first as a
// worker does), and the job once more with the pool's memory sampling out of the way (its
// periodic smaps_rollup walks cost CPU on a machine with few cores). Results are checked against
// a single-thread reference. Speed-ups are the median over repetitions of t(1) / t(W) within the
// same repetition.
//
//   bench_scaling [--quick] [--workloads cached,large] [--workers 1,2,4] [--repeat 5]
//                 [--cached-shape 64x8192] [--tasks N] [--target-s 1.5] [--large-shape 25000x25000]
//                 [--dtype float64] [--chunk N] [--sample-ms MS] [--no-unsampled]
//                 [--settle-cores 0.25] [--settle-max-s 15] [--dir DIR] [--json FILE] [--worker PATH]
// Before each measurement it waits (at most --settle-max-s) until other programs use less than
// --settle-cores, and it reports the CPU they used during every measurement.

#include "base/procstats.h"
#include "benchutil.h"
#include "engine/pool.h"
#include "io/generator.h"
#include "io/npyformat.h"
#include "job/jobresult.h"
#include "job/jobspec.h"
#include "shm/sharedarray.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QThread>
#include <QTimer>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 // Linux 5.14
#endif
#ifndef SHAREDMAP_WORKER_PATH
#define SHAREDMAP_WORKER_PATH ""
#endif

using namespace sharedmap;
using namespace benchutil;

namespace {

// The engine's row_std (core/kernels.cpp StdOp): two passes, `omp simd` reductions in double.
template <typename T> double rowStd(const T* p, qint64 n)
{
    if (n == 0)
        return kNaN;
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (qint64 i = 0; i < n; ++i)
        s += double(p[i]);
    const double mean = s / double(n);
    double q = 0;
#pragma omp simd reduction(+ : q)
    for (qint64 i = 0; i < n; ++i) {
        const double d = double(p[i]) - mean;
        q += d * d;
    }
    return std::sqrt(q / double(n));
}

struct Workload
{
    QString name;
    QString description;
    std::shared_ptr<const SharedArray> array;
    QVector<qint64> indices; ///< row of each position (empty: every row once, in order)
    QString indexSpec = QStringLiteral("all");
    qint64 tasks = 0;
    std::vector<double> reference; ///< row_std of every row of the array

    qint64 rowAt(qint64 p) const { return indices.isEmpty() ? p : indices[p]; }
};

/// Positions [p0, p1) of `w` with the std::thread loop's code, on `data`; populates each
/// 4 MiB block of consecutive rows first when the rows run in order (the large workload).
void computeRange(const Workload& w, const char* data, qint64 p0, qint64 p1, double* out)
{
    const ArrayMeta& meta = w.array->meta();
    const qint64 cols = meta.elementCount() / meta.shape[0];
    const qint64 rowBytes = cols * dtypeSize(meta.dtype);
    dispatchDType(meta.dtype, [&](auto tag) {
        using T = decltype(tag);
        const qint64 blockRows
            = w.indices.isEmpty() ? qMax<qint64>(1, (qint64(4) << 20) / qMax<qint64>(1, rowBytes)) : 0;
        for (qint64 p = p0; p < p1; ++p) {
            const qint64 row = w.rowAt(p);
            if (blockRows > 0 && (p - p0) % blockRows == 0) {
                static const quintptr page = quintptr(sysconf(_SC_PAGESIZE));
                const char* from = data + row * rowBytes;
                const char* to = data + qMin(p1, p + blockRows) * rowBytes;
                const quintptr start = quintptr(from) & ~(page - 1);
                madvise(reinterpret_cast<void*>(start), size_t(quintptr(to) - start), MADV_POPULATE_READ);
            }
            out[p] = rowStd(reinterpret_cast<const T*>(data + row * rowBytes), cols);
        }
    });
}

/// The baseline: W std::threads, static contiguous blocks of positions, on a fresh attach of
/// the segment. Returns seconds (attach included, as a worker's is), NaN on failure.
double threadLoop(const Workload& w, int threads, std::vector<double>* out, QString* error)
{
    out->assign(size_t(w.tasks), kNaN);
    const double t0 = nowS();
    auto mapping = SharedArray::attach(w.array->segmentName(), error);
    if (!mapping)
        return kNaN;
    const char* data = mapping->view().data;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back(computeRange, std::cref(w), data, w.tasks * t / threads, w.tasks * (t + 1) / threads,
                          out->data());
    for (auto& th : pool)
        th.join();
    return nowS() - t0;
}

struct EngineRun
{
    bool ok = false;
    QString error;
    JobResult result;
    double wallS = kNaN; ///< Pool::start() -> finished()
    double spanS = kNaN; ///< first task -> last chunk end
};

EngineRun runEngine(const Workload& w, int workers, qint64 chunk, int sampleMs, const QString& program)
{
    EngineRun run;
    Pool pool;
    pool.setWorkerProgram(program);
    if (sampleMs > 0)
        pool.setSampleInterval(sampleMs); // memory (PSS) is read every 6th sample
    QEventLoop loop;
    double lastEnd = 0;
    QObject::connect(&pool, &Pool::chunkFinished, [&](const ChunkEvent& e) { lastEnd = std::max(lastEnd, e.endS); });
    QObject::connect(&pool, &Pool::finished, [&](const JobResult& r) {
        run.result = r;
        run.ok = !r.cancelled && r.doneCount() == r.taskCount();
        if (!run.ok)
            run.error = QStringLiteral("job did not complete (%1 of %2 done)").arg(r.doneCount()).arg(r.taskCount());
        loop.quit();
    });
    QObject::connect(&pool, &Pool::failed, [&](const QString& e) {
        run.error = e;
        loop.quit();
    });
    JobSpec spec;
    spec.input = QStringLiteral("(generated in shared memory)");
    spec.kernel = QStringLiteral("row_std");
    spec.params.insert(QStringLiteral("sleep_ms"), 0.0);
    spec.indices = w.indexSpec;
    spec.workers = workers;
    spec.chunkSize = chunk; // 0 = auto
    QString error;
    const double t0 = nowS();
    if (pool.start(spec, w.array, &error) == 0) {
        run.error = error;
        return run;
    }
    QTimer::singleShot(1800000, &loop, [&] {
        run.error = QStringLiteral("timed out");
        loop.quit();
    });
    loop.exec();
    run.wallS = nowS() - t0;
    if (run.ok)
        run.spanS = lastEnd - run.result.startupS;
    return run;
}

/// Largest relative difference of position results from the reference rows.
double maxRelDiff(const Workload& w, const double* values, qint64 count)
{
    if (count != w.tasks)
        return std::numeric_limits<double>::infinity();
    double worst = 0;
    for (qint64 p = 0; p < count; ++p) {
        const double want = w.reference[size_t(w.rowAt(p))];
        const double d = std::abs(values[p] - want) / std::max(1e-300, std::abs(want));
        if (!(d <= worst))
            worst = std::isnan(d) ? std::numeric_limits<double>::infinity() : d;
    }
    return worst;
}

/// 1, 2, 4, ... below `cores`, `cores` itself, then doubling on to 2 x cores (inclusive).
QVector<int> defaultWorkerCounts(int cores)
{
    QVector<int> counts;
    for (int w = 1; w < cores; w *= 2)
        counts.append(w);
    counts.append(cores);
    for (int w = 1; w < 2 * cores; w *= 2)
        if (w > cores)
            counts.append(w);
    if (counts.last() != 2 * cores)
        counts.append(2 * cores);
    return counts;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_scaling"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Speed-up of row_std with 1, 2, 4 ... workers through the Pool "
                                                    "facade, next to a std::thread loop, in the same run."));
    parser.addHelpOption();
    const QCommandLineOption quick(QStringLiteral("quick"), QStringLiteral("Tiny sizes, one run (smoke test)."));
    const QCommandLineOption workloadsOpt(QStringLiteral("workloads"), QStringLiteral("cached,large (default both)."),
                                          QStringLiteral("LIST"));
    const QCommandLineOption workersOpt(
        QStringLiteral("workers"),
        QStringLiteral("Worker counts (default 1,2,4,... up to the cores, then to 2x cores)."), QStringLiteral("LIST"));
    const QCommandLineOption repeatOpt(QStringLiteral("repeat"), QStringLiteral("Repetitions (default 5)."),
                                       QStringLiteral("N"));
    const QCommandLineOption cachedShapeOpt(QStringLiteral("cached-shape"),
                                            QStringLiteral("Array of the cached workload (default 64x8192)."),
                                            QStringLiteral("SHAPE"));
    const QCommandLineOption tasksOpt(QStringLiteral("tasks"),
                                      QStringLiteral("Tasks of the cached workload (default: calibrated)."),
                                      QStringLiteral("N"));
    const QCommandLineOption targetOpt(
        QStringLiteral("target-s"),
        QStringLiteral("Seconds one thread should need for the cached workload (default 1.5)."), QStringLiteral("S"));
    const QCommandLineOption largeShapeOpt(QStringLiteral("large-shape"),
                                           QStringLiteral("Array of the large workload (default 25000x25000)."),
                                           QStringLiteral("SHAPE"));
    const QCommandLineOption dtypeOpt(QStringLiteral("dtype"), QStringLiteral("Element type (default float64)."),
                                      QStringLiteral("DTYPE"));
    const QCommandLineOption dirOpt(QStringLiteral("dir"),
                                    QStringLiteral("Folder for the index file (default: the temp folder)."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption settleOpt(
        QStringLiteral("settle-cores"),
        QStringLiteral("Before each measurement, wait until other programs use less than "
                       "this many cores (default 0.25; 0 = never wait)."),
        QStringLiteral("CORES"));
    const QCommandLineOption settleMaxOpt(QStringLiteral("settle-max-s"),
                                          QStringLiteral("Longest such wait in seconds (default 15)."),
                                          QStringLiteral("S"));
    const QCommandLineOption chunkOpt(QStringLiteral("chunk"), QStringLiteral("Chunk size (default 0 = auto)."),
                                      QStringLiteral("N"));
    const QCommandLineOption sampleOpt(QStringLiteral("sample-ms"),
                                       QStringLiteral("Pool sampling period in ms (PSS every 6th sample; default: the "
                                                      "pool's, 33)."),
                                       QStringLiteral("MS"));
    const QCommandLineOption noUnsampledOpt(QStringLiteral("no-unsampled"),
                                            QStringLiteral("Skip the extra runs without the pool's memory sampling."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Write every run as JSON to FILE."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption workerOpt(QStringLiteral("worker"), QStringLiteral("sharedmap-worker to use."),
                                       QStringLiteral("PATH"));
    parser.addOptions({ quick, workloadsOpt, workersOpt, repeatOpt, cachedShapeOpt, tasksOpt, targetOpt, largeShapeOpt,
                        dtypeOpt, dirOpt, settleOpt, settleMaxOpt, chunkOpt, sampleOpt, noUnsampledOpt, jsonOpt,
                        workerOpt });
    parser.process(app);

    const int cores = QThread::idealThreadCount();
    const bool isQuick = parser.isSet(quick);
    int repeats = isQuick ? 1 : 5;
    if (parser.isSet(repeatOpt))
        repeats = qMax(1, parser.value(repeatOpt).toInt());
    QVector<qint64> cachedShape = isQuick ? QVector<qint64> { 16, 1000 } : QVector<qint64> { 64, 8192 };
    QVector<qint64> largeShape = isQuick ? QVector<qint64> { 400, 1000 } : QVector<qint64> { 25000, 25000 };
    if (parser.isSet(cachedShapeOpt)
        && (!parseShape(parser.value(cachedShapeOpt), &cachedShape).isEmpty() || cachedShape.size() != 2)) {
        std::fprintf(stderr, "bench_scaling: --cached-shape needs ROWSxCOLS\n");
        return 2;
    }
    if (parser.isSet(largeShapeOpt)
        && (!parseShape(parser.value(largeShapeOpt), &largeShape).isEmpty() || largeShape.size() != 2)) {
        std::fprintf(stderr, "bench_scaling: --large-shape needs ROWSxCOLS\n");
        return 2;
    }
    const DType dtype = dtypeFromName(parser.isSet(dtypeOpt) ? parser.value(dtypeOpt) : QStringLiteral("float64"));
    if (dtype == DType::Invalid) {
        std::fprintf(stderr, "bench_scaling: unknown dtype\n");
        return 2;
    }
    const double targetS = parser.isSet(targetOpt) ? parser.value(targetOpt).toDouble() : (isQuick ? 0.02 : 1.5);
    QVector<int> counts = defaultWorkerCounts(cores);
    if (parser.isSet(workersOpt)) {
        counts.clear();
        for (const QString& s : parser.value(workersOpt).split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (s.toInt() > 0)
                counts.append(s.toInt());
        if (!counts.contains(1))
            counts.prepend(1); // speed-ups are relative to one worker
    }
    const double settleCores = parser.isSet(settleOpt) ? parser.value(settleOpt).toDouble() : (isQuick ? 0.0 : 0.25);
    const double settleMaxS = parser.isSet(settleMaxOpt) ? parser.value(settleMaxOpt).toDouble() : 15.0;
    const bool unsampled = !parser.isSet(noUnsampledOpt);
    const int sampleMs = parser.isSet(sampleOpt) ? qMax(0, parser.value(sampleOpt).toInt()) : 0;
    const qint64 chunk = parser.isSet(chunkOpt) ? qMax<qint64>(0, parser.value(chunkOpt).toLongLong()) : 0;
    const QString program = parser.isSet(workerOpt) ? parser.value(workerOpt) : QStringLiteral(SHAREDMAP_WORKER_PATH);
    const QStringList workloadNames = parser.isSet(workloadsOpt)
        ? parser.value(workloadsOpt).split(QLatin1Char(','), Qt::SkipEmptyParts)
        : QStringList { QStringLiteral("cached"), QStringLiteral("large") };
    const QString dir = parser.isSet(dirOpt) ? parser.value(dirOpt) : QDir::tempPath();
    QStringList removeAtEnd;
    struct Cleanup
    {
        QStringList* files;
        ~Cleanup()
        {
            for (const QString& f : *files)
                QFile::remove(f);
        }
    } cleanup { &removeAtEnd };

    QJsonObject doc { { QStringLiteral("cores"), cores },
                      { QStringLiteral("qt"), QString::fromLatin1(qVersion()) },
                      { QStringLiteral("kernel"), QSysInfo::kernelVersion() },
                      { QStringLiteral("repeat"), repeats },
                      { QStringLiteral("loadavg_start"), loadAverage() } };
    QJsonArray workloadJson;
    bool allOk = true;
    QStringList tables;

    for (const QString& name : workloadNames) {
        Workload w;
        w.name = name;
        ArrayMeta meta;
        meta.dtype = dtype;
        if (name == QLatin1String("cached")) {
            meta.shape = cachedShape;
        } else if (name == QLatin1String("large")) {
            meta.shape = largeShape;
        } else {
            std::fprintf(stderr, "bench_scaling: unknown workload %s (cached, large)\n", qPrintable(name));
            return 2;
        }
        QString error;
        std::fprintf(stderr, "bench_scaling: %s: generating %s %lldx%lld (%.0f MB) in shared memory...\n",
                     qPrintable(name), qPrintable(dtypeName(dtype)), meta.shape[0], meta.shape[1],
                     double(meta.byteSize()) / 1e6);
        auto array = generateArray(meta, Distribution::Uniform, 7, &error);
        if (!array) {
            std::fprintf(stderr, "bench_scaling: %s\n", qPrintable(error));
            return 1;
        }
        w.array = array;
        // What one memory reading of a process costs when it has the whole array mapped (this
        // process wrote it): the pool takes one of itself and of each worker about every 200 ms.
        std::vector<double> pssReads;
        for (int i = 0; i < 3; ++i) {
            const double t0 = nowS();
            readProcessStats(QCoreApplication::applicationPid());
            pssReads.push_back(nowS() - t0);
        }
        const double pssReadS = median(pssReads);
        const qint64 rows = meta.shape[0];
        const qint64 cols = meta.shape[1];
        // Reference: row_std of every row, one thread, in this process.
        w.reference.resize(size_t(rows));
        dispatchDType(dtype, [&](auto tag) {
            using T = decltype(tag);
            const qint64 rowBytes = cols * qint64(sizeof(T));
            for (qint64 r = 0; r < rows; ++r)
                w.reference[size_t(r)] = rowStd(reinterpret_cast<const T*>(array->view().data + r * rowBytes), cols);
        });
        if (name == QLatin1String("cached")) {
            // Calibrate: one thread over a few passes of all rows (warm), then size the task count.
            qint64 tasks = parser.isSet(tasksOpt) ? parser.value(tasksOpt).toLongLong() : 0;
            double perTask = kNaN;
            {
                Workload probe = w;
                probe.tasks = rows * qMax<qint64>(1, 20000 / rows);
                probe.indices.resize(probe.tasks);
                for (qint64 p = 0; p < probe.tasks; ++p)
                    probe.indices[p] = p % rows;
                std::vector<double> scratch(size_t(probe.tasks));
                computeRange(probe, array->view().data, 0, probe.tasks, scratch.data()); // warm caches
                const double t0 = nowS();
                computeRange(probe, array->view().data, 0, probe.tasks, scratch.data());
                perTask = (nowS() - t0) / double(probe.tasks);
            }
            if (tasks <= 0)
                tasks = qMax<qint64>(rows, qint64(std::ceil(targetS / perTask / double(rows))) * rows);
            w.tasks = tasks;
            w.indices.resize(tasks);
            for (qint64 p = 0; p < tasks; ++p)
                w.indices[p] = p % rows;
            const QString path = QDir(dir).filePath(
                QStringLiteral("bench_scaling-%1-idx.npy").arg(QCoreApplication::applicationPid()));
            ArrayMeta idxMeta;
            idxMeta.dtype = DType::Int64;
            idxMeta.shape = { tasks };
            const QString problem = writeNpy(path, idxMeta, w.indices.constData());
            if (!problem.isEmpty()) {
                std::fprintf(stderr, "bench_scaling: %s\n", qPrintable(problem));
                return 1;
            }
            removeAtEnd.append(path);
            w.indexSpec = QLatin1Char('@') + path;
            w.description = QStringLiteral("`row_std` over a %1x%2 %3 array (%4 MB, stays in cache), %5 tasks = "
                                           "`np.arange(%5) % %1` (`--indices @idx.npy`); %6 us per task on one thread")
                                .arg(rows)
                                .arg(cols)
                                .arg(dtypeName(dtype))
                                .arg(double(meta.byteSize()) / 1e6, 0, 'f', 1)
                                .arg(tasks)
                                .arg(perTask * 1e6, 0, 'f', 2);
        } else {
            w.tasks = rows;
            w.description = QStringLiteral("`row_std` over every row of a %1x%2 %3 array (%4 MB) once, indices `all`: "
                                           "fresh workers also map every page they read")
                                .arg(rows)
                                .arg(cols)
                                .arg(dtypeName(dtype))
                                .arg(double(meta.byteSize()) / 1e6, 0, 'f', 0);
        }
        std::fprintf(stderr, "bench_scaling: %s: %lld tasks; worker counts", qPrintable(name), w.tasks);
        for (int c : counts)
            std::fprintf(stderr, " %d", c);
        std::fprintf(stderr, " (%d cores)\n", cores);

        // seconds[W] per repetition
        QHash<int, std::vector<double>> engineS, loopS, elapsedS, startupS, spanS, busyFrac, othersEngine, othersLoop,
            quietS;
        double waitedS = 0;
        QJsonArray runs;
        std::vector<double> loopOut;
        for (int r = 0; r < repeats; ++r) {
            QJsonObject runJson;
            for (int k = 0; k < counts.size(); ++k) {
                const int W = counts[(k + r) % counts.size()];
                if (settleCores > 0)
                    waitedS += waitForQuiet(settleCores, settleMaxS);
                const CpuSnapshot e0 = cpuSnapshot();
                const EngineRun e
                    = runEngine(w, W, chunk, sampleMs, program); // returns after the Pool reaped its workers
                const CpuUse eUse = cpuUse(e0, cpuSnapshot());
                if (!e.ok) {
                    std::fprintf(stderr, "bench_scaling: %s, %d workers: engine failed: %s\n", qPrintable(name), W,
                                 qPrintable(e.error));
                    allOk = false;
                } else {
                    const double diff = maxRelDiff(w, e.result.values.constData(), e.result.values.size());
                    if (!(diff <= 1e-12)) {
                        std::fprintf(stderr, "bench_scaling: %s, %d workers: results differ (max rel diff %g)\n",
                                     qPrintable(name), W, diff);
                        allOk = false;
                    }
                }
                double busy = 0;
                for (const WorkerInfo& info : e.result.workerStats)
                    busy += info.busyS;
                engineS[W].push_back(e.ok ? e.result.computeS : kNaN);
                elapsedS[W].push_back(e.ok ? e.result.elapsedS : kNaN);
                startupS[W].push_back(e.ok ? e.result.startupS : kNaN);
                spanS[W].push_back(e.ok ? e.spanS : kNaN);
                busyFrac[W].push_back(e.ok && e.result.computeS > 0 ? busy / (double(W) * e.result.computeS) : kNaN);
                QString loopError;
                const CpuSnapshot l0 = cpuSnapshot();
                const double ls = threadLoop(w, W, &loopOut, &loopError);
                const CpuUse lUse = cpuUse(l0, cpuSnapshot());
                othersEngine[W].push_back(eUse.othersCores);
                othersLoop[W].push_back(lUse.othersCores);
                if (std::isnan(ls)) {
                    std::fprintf(stderr, "bench_scaling: loop failed: %s\n", qPrintable(loopError));
                    allOk = false;
                } else if (!(maxRelDiff(w, loopOut.data(), qint64(loopOut.size())) <= 1e-12)) {
                    std::fprintf(stderr, "bench_scaling: %s, %d threads: loop results differ\n", qPrintable(name), W);
                    allOk = false;
                }
                loopS[W].push_back(ls);
                // The same job once more with the pool's memory sampling out of the way: every ~200 ms
                // the pool reads smaps_rollup of itself and of each worker, a walk over every page
                // they have mapped, on a thread of this process.
                double quiet = kNaN;
                if (unsampled) {
                    const EngineRun q = runEngine(w, W, chunk, 100000000, program);
                    if (!q.ok || !(maxRelDiff(w, q.result.values.constData(), q.result.values.size()) <= 1e-12)) {
                        std::fprintf(stderr, "bench_scaling: %s, %d workers, no sampling: failed or differs: %s\n",
                                     qPrintable(name), W, qPrintable(q.error));
                        allOk = false;
                    } else {
                        quiet = q.result.computeS;
                    }
                }
                quietS[W].push_back(quiet);
                runJson[QString::number(W)] = QJsonObject {
                    { QStringLiteral("compute_s_no_sampling"), quiet },
                    { QStringLiteral("compute_s"), e.ok ? e.result.computeS : QJsonValue() },
                    { QStringLiteral("elapsed_s"), e.ok ? e.result.elapsedS : QJsonValue() },
                    { QStringLiteral("startup_s"), e.ok ? e.result.startupS : QJsonValue() },
                    { QStringLiteral("span_s"), e.ok ? e.spanS : QJsonValue() },
                    { QStringLiteral("wall_s"), e.wallS },
                    { QStringLiteral("busy_s"), busy },
                    { QStringLiteral("loop_s"), ls },
                    { QStringLiteral("others_cores_engine"), eUse.othersCores },
                    { QStringLiteral("others_cores_loop"), lUse.othersCores },
                    { QStringLiteral("steal_cores_engine"), eUse.stealCores },
                };
                std::fprintf(stderr,
                             "bench_scaling: %s run %d/%d, %d workers: compute %.3f s, loop %.3f s, compute without "
                             "sampling %.3f s (other programs: %.2f / %.2f cores)\n",
                             qPrintable(name), r + 1, repeats, W, e.ok ? e.result.computeS : kNaN, ls, quiet,
                             eUse.othersCores, lUse.othersCores);
            }
            runs.append(runJson);
        }

        // Per-repetition speed-ups (t1 / tW within the same repetition), then medians.
        auto speedups = [&](const QHash<int, std::vector<double>>& s, int W) {
            std::vector<double> v;
            const auto& one = s.value(1);
            const auto& many = s.value(W);
            for (size_t i = 0; i < one.size() && i < many.size(); ++i)
                v.push_back(one[i] / many[i]);
            return v;
        };
        QStringList lines;
        lines << QStringLiteral(
                     "### Scaling, %1: %2 (median of %3 run%4; %5 cores by `QThread::idealThreadCount()`; chunk "
                     "size %7; load average %6)")
                     .arg(name, w.description)
                     .arg(repeats)
                     .arg(repeats == 1 ? "" : "s")
                     .arg(cores)
                     .arg(loadAverage())
                     .arg(chunk > 0 ? QString::number(chunk) : QStringLiteral("auto"))
              << QString()
              << QStringLiteral(
                     "| workers | **SharedMap** tasks/s (`compute_s`) | speed-up vs 1 worker (min-max) | "
                     "parallel efficiency | std::thread loop tasks/s | loop speed-up | SharedMap speed-up / loop "
                     "speed-up | SharedMap without memory sampling: speed-up, / loop speed-up | speed-up from "
                     "the fastest runs: SharedMap / loop | other programs' CPU, cores (SharedMap / loop) |")
              << QStringLiteral("|---|---|---|---|---|---|---|---|---|---|");
        QStringList details;
        details << QStringLiteral("| workers | SharedMap tasks/s / loop tasks/s (same run) | `startup_s` | kernel span "
                                  "(first task to last chunk end) | `compute_s` | `elapsed_s` | worker busy share |")
                << QStringLiteral("|---|---|---|---|---|---|---|");
        QJsonObject medians;
        for (int W : counts) {
            const double t = median(engineS[W]);
            const double lt = median(loopS[W]);
            const auto su = speedups(engineS, W);
            const auto lsu = speedups(loopS, W);
            const double s = median(su);
            const double ls = median(lsu);
            // Noise on a shared machine only ever adds time: the fastest run of each count is the
            // closest to what the code does on an otherwise idle machine.
            const double best = minOf(engineS.value(1)) / minOf(engineS[W]);
            const double bestLoop = minOf(loopS.value(1)) / minOf(loopS[W]);
            const int used = qMin(W, cores);
            std::vector<double> sameRun; // SharedMap tasks/s over loop tasks/s, per repetition
            for (size_t i = 0; i < engineS[W].size() && i < loopS[W].size(); ++i)
                sameRun.push_back(loopS[W][i] / engineS[W][i]);
            const QString label = W > cores ? QStringLiteral("%1 (oversubscribed: %1 on %2 cores)").arg(W).arg(cores)
                                            : QString::number(W);
            const double q = median(speedups(quietS, W));
            lines << QStringLiteral("| %1 | %2 | **%3** (%4-%5) | %6 | %7 | %8 | %9 | %13, %14 | %10 / %11 | %12 |")
                         .arg(label, num(double(w.tasks) / t / 1e3, 1) + QStringLiteral(" k/s"), num(s, 2),
                              num(minOf(su), 2), num(maxOf(su), 2),
                              num(s / used, 2) + (W > cores ? QStringLiteral(" (of %1 cores)").arg(cores) : QString()),
                              num(double(w.tasks) / lt / 1e3, 1) + QStringLiteral(" k/s"), num(ls, 2), num(s / ls, 3))
                         .arg(num(best, 2), num(bestLoop, 2),
                              num(median(othersEngine[W]), 2) + QStringLiteral(" / ") + num(median(othersLoop[W]), 2),
                              num(q, 2), num(q / ls, 3));
            details << QStringLiteral("| %1 | %2 | %3 ms | %4 s | %5 s | %6 s | %7 |")
                           .arg(label, num(median(sameRun), 3), num(median(startupS[W]) * 1e3, 1),
                                num(median(spanS[W]), 3), num(t, 3), num(median(elapsedS[W]), 3),
                                num(median(busyFrac[W]), 2));
            medians[QString::number(W)] = QJsonObject { { QStringLiteral("compute_s"), t },
                                                        { QStringLiteral("loop_s"), lt },
                                                        { QStringLiteral("speedup"), s },
                                                        { QStringLiteral("loop_speedup"), ls },
                                                        { QStringLiteral("best_speedup"), best },
                                                        { QStringLiteral("speedup_no_sampling"), q },
                                                        { QStringLiteral("best_loop_speedup"), bestLoop },
                                                        { QStringLiteral("span_s"), median(spanS[W]) },
                                                        { QStringLiteral("elapsed_s"), median(elapsedS[W]) } };
        }
        lines << QString() << details;
        lines << QString()
              << QStringLiteral(
                     "Speed-ups: the median over repetitions of t(1 worker) / t(W) within the same "
                     "repetition; \"fastest runs\": the fastest 1-worker run over the fastest W-worker run. "
                     "Parallel efficiency = speed-up / min(workers, cores). Worker busy share = time the "
                     "workers spent in chunks / (workers x `compute_s`). Other programs' CPU: cores' worth "
                     "of CPU that other processes of the machine used during the measurement (/proc/stat "
                     "minus this program and its workers). 1 worker: `compute_s` %1 s, loop %2 s. Waited %3 s "
                     "in all for other programs to quiet down (below %4 cores, at most %5 s each time). One memory "
                     "reading (`smaps_rollup`) of a process with the whole array mapped: %6 ms.")
                     .arg(num(median(engineS[1]), 3), num(median(loopS[1]), 3), num(waitedS, 1), num(settleCores, 2),
                          num(settleMaxS, 0), num(pssReadS * 1e3, 1));
        tables << lines.join(QLatin1Char('\n'));
        workloadJson.append(QJsonObject { { QStringLiteral("name"), name },
                                          { QStringLiteral("description"), w.description },
                                          { QStringLiteral("tasks"), w.tasks },
                                          { QStringLiteral("pss_read_s"), pssReadS },
                                          { QStringLiteral("bytes"), double(meta.byteSize()) },
                                          { QStringLiteral("runs"), runs },
                                          { QStringLiteral("median"), medians } });
        if (median(engineS[1]) < 1.0 && !isQuick)
            std::fprintf(stderr, "bench_scaling: note: %s takes %.2f s with one worker (< 1 s)\n", qPrintable(name),
                         median(engineS[1]));
    }
    for (const QString& t : tables) {
        out(t);
        out(QString());
    }
    doc[QStringLiteral("workloads")] = workloadJson;
    doc[QStringLiteral("loadavg_end")] = loadAverage();
    doc[QStringLiteral("ok")] = allOk;
    if (parser.isSet(jsonOpt)) {
        QFile file(parser.value(jsonOpt));
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(doc).toJson()) < 0) {
            std::fprintf(stderr, "bench_scaling: cannot write %s\n", qPrintable(parser.value(jsonOpt)));
            return 1;
        }
    }
    if (!allOk) {
        std::fprintf(stderr, "bench_scaling: some runs failed or disagreed (see above)\n");
        return 1;
    }
    return 0;
}
