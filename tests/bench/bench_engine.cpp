// bench_engine: row-sum bandwidth (and memory) of the engine next to baselines that read the SAME
// shared memory in the same run.
//
// For each dtype it creates one array directly in a SharedMap segment (generateArray), then for
// each repetition, back to back so the same machine noise hits every variant:
//   1. a plain single-thread C++ loop summing rows, on a fresh attach of the segment (pass 1 =
//      cold: every page faults once, as in a new worker; pass 2 = warm);
//   2. the same loop on 2 std::threads (static halves), fresh attach, cold then warm;
//   2b. cold passes (1 and 2 threads) that pre-fault each ~4 MiB block with one
//      madvise(MADV_POPULATE_READ) first, as the workers do with each chunk they claim;
//   3. SharedMap: Pool::start(row_sum, W workers, chunk auto) with real sharedmap-worker
//      processes, reading JobResult::computeS / startupS / elapsedS / peakMemoryBytes and the
//      kernel span (first task started -> last chunk finished, from chunkFinished events);
//   4. NumPy's B.sum(axis=1) in /usr/bin/python3 attached to the same segment (numpy_rowsum.py),
//      cold (fresh process) and warm (second pass).
// It prints medians as markdown tables (GB/s of array bytes read per second) and, with --json,
// writes every run. Each result set is checked against the single-thread loop.
//
//   bench_engine [--quick] [--shape 10000x10000] [--dtypes float64,float32,int16] [--workers 2]
//                [--repeat 5] [--no-numpy] [--sample-ms MS] [--json FILE] [--worker PATH] [--python PATH]

#include "base/procstats.h"
#include "benchutil.h"
#include "engine/pool.h"
#include "io/generator.h"
#include "job/jobresult.h"
#include "job/jobspec.h"
#include "shm/sharedarray.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSysInfo>
#include <QTimer>
#include <sys/mman.h>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 // Linux 5.14
#endif

#ifndef SHAREDMAP_WORKER_PATH
#define SHAREDMAP_WORKER_PATH ""
#endif
#ifndef SHAREDMAP_PYTHON
#define SHAREDMAP_PYTHON "/usr/bin/python3"
#endif
#ifndef SHAREDMAP_NUMPY_HELPER
#define SHAREDMAP_NUMPY_HELPER ""
#endif

using namespace sharedmap;

namespace {

using benchutil::kNaN;
using benchutil::median;
using benchutil::nowS;
using benchutil::out;

// The same inner loop as the engine's row_sum (core/kernels.cpp SumOp): an `omp simd` reduction
// in double, so the baseline is the memory bar, not a slower scalar dependency chain.
template <typename T> double sumRow(const T* p, qint64 n)
{
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (qint64 i = 0; i < n; ++i)
        s += double(p[i]);
    return s;
}

template <typename T> void sumRows(const char* data, qint64 rowBytes, qint64 cols, qint64 r0, qint64 r1, double* out)
{
    for (qint64 r = r0; r < r1; ++r)
        out[r] = sumRow(reinterpret_cast<const T*>(data + r * rowBytes), cols);
}

/// Minor page faults of this process so far.
long minorFaults()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

/// Sums every row with `threads` std::threads (static contiguous blocks); returns seconds.
/// With `populateRows` > 0 each thread pre-faults every block of that many rows with
/// MADV_POPULATE_READ before summing it, as a worker does with each chunk it claims.
double passRows(DType dtype, const char* data, qint64 rows, qint64 cols, int threads, double* out,
                long* faults = nullptr, qint64 populateRows = 0)
{
    const qint64 rowBytes = cols * dtypeSize(dtype);
    const long faults0 = minorFaults();
    const double t0 = nowS();
    dispatchDType(dtype, [&](auto tag) {
        using T = decltype(tag);
        auto block = [=](qint64 r0, qint64 r1) {
            if (populateRows <= 0) {
                sumRows<T>(data, rowBytes, cols, r0, r1, out);
                return;
            }
            for (qint64 b = r0; b < r1; b += populateRows) {
                const qint64 e = qMin(r1, b + populateRows);
                populatePages(data + b * rowBytes, (e - b) * rowBytes); // as workers do
                sumRows<T>(data, rowBytes, cols, b, e, out);
            }
        };
        if (threads <= 1) {
            block(0, rows);
            return;
        }
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back(block, rows * t / threads, rows * (t + 1) / threads);
        for (auto& th : pool)
            th.join();
    });
    const double seconds = nowS() - t0;
    if (faults)
        *faults = minorFaults() - faults0;
    return seconds;
}

/// Largest relative difference between two result vectors (NaN counts as a mismatch).
double maxRelDiff(const ResultValues& a, const std::vector<double>& b)
{
    if (a.size() != qsizetype(b.size()))
        return std::numeric_limits<double>::infinity();
    double worst = 0;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const double d = std::abs(a[i] - b[size_t(i)]) / std::max(1.0, std::abs(b[size_t(i)]));
        if (!(d <= worst))
            worst = std::isnan(d) ? std::numeric_limits<double>::infinity() : d;
    }
    return worst;
}

struct Options
{
    qint64 rows = 10000;
    qint64 cols = 10000;
    QStringList dtypes { QStringLiteral("float64"), QStringLiteral("float32"), QStringLiteral("int16") };
    int workers = 2;
    int repeat = 5;
    bool numpy = true;
    int sampleMs = 0; ///< Pool::setSampleInterval (0 = the pool's default, 33 ms)
    QString json;
    QString worker = QStringLiteral(SHAREDMAP_WORKER_PATH);
    QString python = QStringLiteral(SHAREDMAP_PYTHON);
    QString helper = QStringLiteral(SHAREDMAP_NUMPY_HELPER);
};

struct EngineRun
{
    bool ok = false;
    QString error;
    JobResult result;
    double spanS = kNaN; ///< first task started -> last chunk finished (kernel time only)
    double wallS = kNaN; ///< Pool::start() -> finished() (workers started, ran, exited)
    qint64 lastPss = 0; ///< the last memorySampled value: taken in finish(), workers idle
    int pssSamples = 0;
    double warmWaitS = kNaN; ///< warm pool: time the parked workers took to map the whole array
};

EngineRun runEngine(const Options& opt, const std::shared_ptr<const SharedArray>& array, bool, Pool* shared);

/// Runs row_sum through the pool. With `warm`, the pool keeps its workers (as the window does)
/// and the figures are those of a second job on the same array.
EngineRun runEngine(const Options& opt, const std::shared_ptr<const SharedArray>& array, bool warm = false)
{
    if (warm) {
        Pool pool;
        pool.setKeepWarm(true);
        EngineRun first = runEngine(opt, array, false, &pool);
        if (!first.ok)
            return first;
        // As in the window, where a second Run comes after the parked workers have mapped the
        // whole array (a few tens of ms): wait for that, up to 10 s, then start the second job.
        const double t0 = nowS();
        if (!pool.isWarm()) {
            QEventLoop loop;
            QObject::connect(&pool, &Pool::warmed, &loop, &QEventLoop::quit);
            QTimer::singleShot(10000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        const double waited = nowS() - t0;
        EngineRun second = runEngine(opt, array, false, &pool);
        second.warmWaitS = waited;
        return second;
    }
    return runEngine(opt, array, false, nullptr);
}

EngineRun runEngine(const Options& opt, const std::shared_ptr<const SharedArray>& array, bool, Pool* shared)
{
    EngineRun run;
    Pool local;
    Pool& pool = shared ? *shared : local;
    QObject context; // the connections below end with this call, also on a shared pool
    pool.setWorkerProgram(opt.worker);
    if (opt.sampleMs > 0)
        pool.setSampleInterval(opt.sampleMs); // PSS is read every 6th tick
    QEventLoop loop;
    double lastEnd = 0;
    QObject::connect(&pool, &Pool::chunkFinished, &context,
                     [&](const ChunkEvent& e) { lastEnd = std::max(lastEnd, e.endS); });
    QObject::connect(&pool, &Pool::memorySampled, &context, [&](qint64 pss) {
        run.lastPss = pss;
        ++run.pssSamples;
    });
    QObject::connect(&pool, &Pool::finished, &context, [&](const JobResult& r) {
        run.result = r;
        run.ok = !r.cancelled && r.doneCount() == r.taskCount();
        if (!run.ok)
            run.error = QStringLiteral("job did not complete (%1 of %2 done)").arg(r.doneCount()).arg(r.taskCount());
        loop.quit();
    });
    QObject::connect(&pool, &Pool::failed, &context, [&](const QString& e) {
        run.error = e;
        loop.quit();
    });
    JobSpec spec;
    spec.input = QStringLiteral("(generated in shared memory)");
    spec.kernel = QStringLiteral("row_sum");
    spec.workers = opt.workers;
    spec.chunkSize = 0; // auto
    QString error;
    const double t0 = nowS();
    if (pool.start(spec, array, &error) == 0) {
        run.error = error;
        return run;
    }
    QTimer::singleShot(600000, &loop, [&] {
        run.error = QStringLiteral("timed out");
        loop.quit();
    });
    loop.exec();
    run.wallS = nowS() - t0;
    if (run.ok)
        run.spanS = lastEnd - run.result.startupS;
    return run;
}

struct NumpyRun
{
    double coldS = kNaN;
    double warmS = kNaN;
    double checksum = kNaN;
    QString version;
    QString error;
};

NumpyRun runNumpy(const Options& opt, const SharedArray& array)
{
    NumpyRun run;
    QProcess proc;
    proc.start(opt.python,
               { opt.helper, QStringLiteral("--segment"), array.segmentName(), QStringLiteral("--offset"),
                 QString::number(kArrayDataOffset), QStringLiteral("--dtype"), dtypeName(array.meta().dtype),
                 QStringLiteral("--shape"),
                 QStringLiteral("%1x%2")
                     .arg(array.meta().shape[0])
                     .arg(array.meta().elementCount() / array.meta().shape[0]) });
    if (!proc.waitForFinished(600000) || proc.exitStatus() != QProcess::NormalExit || proc.exitCode() != 0) {
        run.error = QStringLiteral("numpy helper failed: %1 %2")
                        .arg(proc.errorString(), QString::fromLocal8Bit(proc.readAllStandardError()).simplified());
        return run;
    }
    const QJsonObject o = QJsonDocument::fromJson(proc.readAllStandardOutput()).object();
    run.coldS = o.value(QStringLiteral("cold_s")).toDouble(kNaN);
    run.warmS = o.value(QStringLiteral("warm_s")).toDouble(kNaN);
    run.checksum = o.value(QStringLiteral("checksum")).toDouble(kNaN);
    run.version = o.value(QStringLiteral("numpy")).toString();
    return run;
}

// Figure names, in table order.
const char* const kFigures[] = { "base1_cold_s",        "base1_warm_s",      "base2_cold_s",
                                 "base2_warm_s",        "pop1_cold_s",       "pop2_cold_s",
                                 "base1_cold_faults",   "base1_warm_faults", "pop1_cold_faults",
                                 "pop2_cold_faults",    "numpy_cold_s",      "numpy_warm_s",
                                 "engine_compute_s",    "engine_span_s",     "engine_elapsed_s",
                                 "engine_startup_s",    "engine_wall_s",     "engine_peak_ratio",
                                 "engine_finish_gap_s", "pss_sample_s",      "engine_final_pss_ratio",
                                 "engine_pss_samples",  "warm_compute_s",    "warm_startup_s",
                                 "warm_wait_s" };

QString gbps(double bytes, double seconds)
{
    if (std::isnan(seconds) || seconds <= 0)
        return QStringLiteral("n/a");
    return QStringLiteral("%1 (%2 ms)").arg(bytes / seconds / 1e9, 0, 'f', 2).arg(seconds * 1e3, 0, 'f', 1);
}

QString ratio(double a, double b)
{
    if (std::isnan(a) || std::isnan(b) || b == 0)
        return QStringLiteral("n/a");
    return QStringLiteral("%1").arg(a / b, 0, 'f', 3);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_engine"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Row-sum bandwidth of SharedMap's engine next to plain C++ loops "
                                                    "and NumPy over the same shared memory."));
    parser.addHelpOption();
    const QCommandLineOption quick(QStringLiteral("quick"), QStringLiteral("Tiny sizes, one run (smoke test)."));
    const QCommandLineOption shape(QStringLiteral("shape"), QStringLiteral("ROWSxCOLS (default 10000x10000)."),
                                   QStringLiteral("SHAPE"));
    const QCommandLineOption dtypes(QStringLiteral("dtypes"),
                                    QStringLiteral("Comma list (default float64,float32,int16)."),
                                    QStringLiteral("LIST"));
    const QCommandLineOption workers(QStringLiteral("workers"), QStringLiteral("Engine workers (default 2)."),
                                     QStringLiteral("N"));
    const QCommandLineOption repeat(
        QStringLiteral("repeat"), QStringLiteral("Repetitions; medians are printed (default 5)."), QStringLiteral("N"));
    const QCommandLineOption noNumpy(QStringLiteral("no-numpy"), QStringLiteral("Skip the NumPy peer."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Write every run as JSON to FILE."),
                                  QStringLiteral("FILE"));
    const QCommandLineOption worker(QStringLiteral("worker"), QStringLiteral("sharedmap-worker to use."),
                                    QStringLiteral("PATH"));
    const QCommandLineOption python(QStringLiteral("python"),
                                    QStringLiteral("Python with NumPy (default /usr/bin/python3)."),
                                    QStringLiteral("PATH"));
    const QCommandLineOption sampleMs(QStringLiteral("sample-ms"),
                                      QStringLiteral("Pool sampling period in ms (PSS every 6th sample; default 33)."),
                                      QStringLiteral("MS"));
    parser.addOptions({ quick, shape, dtypes, workers, repeat, noNumpy, json, worker, python, sampleMs });
    parser.process(app);

    Options opt;
    if (parser.isSet(quick)) {
        opt.rows = 200;
        opt.cols = 1000;
        opt.repeat = 1;
    }
    if (parser.isSet(shape)) {
        QVector<qint64> s;
        if (!parseShape(parser.value(shape), &s).isEmpty() || s.size() != 2) {
            std::fprintf(stderr, "bench_engine: --shape needs ROWSxCOLS\n");
            return 2;
        }
        opt.rows = s[0];
        opt.cols = s[1];
    }
    if (parser.isSet(dtypes))
        opt.dtypes = parser.value(dtypes).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (parser.isSet(workers))
        opt.workers = qMax(1, parser.value(workers).toInt());
    if (parser.isSet(repeat))
        opt.repeat = qMax(1, parser.value(repeat).toInt());
    opt.numpy = !parser.isSet(noNumpy) && !opt.helper.isEmpty();
    if (parser.isSet(sampleMs))
        opt.sampleMs = qMax(1, parser.value(sampleMs).toInt());
    if (parser.isSet(json))
        opt.json = parser.value(json);
    if (parser.isSet(worker))
        opt.worker = parser.value(worker);
    if (parser.isSet(python))
        opt.python = parser.value(python);

    const int cores = int(std::thread::hardware_concurrency());
    QJsonObject doc { { QStringLiteral("cores"), cores },
                      { QStringLiteral("qt"), QString::fromLatin1(qVersion()) },
                      { QStringLiteral("kernel"), QSysInfo::kernelVersion() },
                      { QStringLiteral("rows"), opt.rows },
                      { QStringLiteral("cols"), opt.cols },
                      { QStringLiteral("workers"), opt.workers },
                      { QStringLiteral("repeat"), opt.repeat } };
    QJsonArray perDtype;
    QString numpyVersion;
    bool allOk = true;

    struct Summary
    {
        QString dtype;
        double bytes;
        QHash<QString, double> med;
    };
    std::vector<Summary> summaries;

    for (const QString& name : opt.dtypes) {
        ArrayMeta meta;
        meta.dtype = dtypeFromName(name);
        meta.shape = { opt.rows, opt.cols };
        if (meta.dtype == DType::Invalid) {
            std::fprintf(stderr, "bench_engine: unknown dtype %s\n", qPrintable(name));
            return 2;
        }
        QString error;
        std::fprintf(stderr, "bench_engine: generating %s %lldx%lld (%.0f MB) in shared memory...\n", qPrintable(name),
                     opt.rows, opt.cols, double(meta.byteSize()) / 1e6);
        std::shared_ptr<const SharedArray> array = generateArray(meta, Distribution::Uniform, 1, &error);
        if (!array) {
            std::fprintf(stderr, "bench_engine: %s\n", qPrintable(error));
            return 1;
        }
        const double bytes = double(meta.byteSize());
        // What one PSS sample costs: the pool reads /proc/PID/smaps_rollup of itself and of every
        // worker (a page-table walk over the mapped array) at ~5 Hz and once more in finish().
        std::vector<double> pssSamples;
        for (int i = 0; i < 5; ++i) {
            const double t0 = nowS();
            readProcessStats(QCoreApplication::applicationPid());
            pssSamples.push_back(nowS() - t0);
        }
        const double pssSampleS = median(pssSamples);
        std::vector<double> reference(size_t(opt.rows)), scratch(size_t(opt.rows));
        QHash<QString, std::vector<double>> figures;
        QJsonArray runs;
        for (int r = 0; r < opt.repeat; ++r) {
            QJsonObject runJson;
            auto put = [&](const char* key, double value) {
                figures[QString::fromLatin1(key)].push_back(value);
                runJson[QString::fromLatin1(key)] = std::isnan(value) ? QJsonValue() : QJsonValue(value);
            };
            // 1. single thread, on a fresh mapping of the same segment: pass 1 cold, pass 2 warm.
            {
                auto mapping = SharedArray::attach(array->segmentName(), &error);
                if (!mapping) {
                    std::fprintf(stderr, "bench_engine: %s\n", qPrintable(error));
                    return 1;
                }
                const char* data = mapping->view().data;
                long faults = 0;
                put("base1_cold_s", passRows(meta.dtype, data, opt.rows, opt.cols, 1, reference.data(), &faults));
                put("base1_cold_faults", double(faults));
                put("base1_warm_s", passRows(meta.dtype, data, opt.rows, opt.cols, 1, scratch.data(), &faults));
                put("base1_warm_faults", double(faults));
            }
            // 2. two std::threads, fresh mapping again.
            {
                auto mapping = SharedArray::attach(array->segmentName(), &error);
                const char* data = mapping->view().data;
                put("base2_cold_s", passRows(meta.dtype, data, opt.rows, opt.cols, 2, scratch.data()));
                put("base2_warm_s", passRows(meta.dtype, data, opt.rows, opt.cols, 2, scratch.data()));
                if (scratch != reference) {
                    std::fprintf(stderr, "bench_engine: 2-thread sums differ from 1-thread sums\n");
                    allOk = false;
                }
            }
            // Cold passes that pre-fault each ~4 MiB block of rows with one
            // madvise(MADV_POPULATE_READ) instead of one page fault per 4 KiB page: what a worker
            // does with each chunk it claims (workerprocess.cpp, populate()).
            const qint64 rowBytes = opt.cols * dtypeSize(meta.dtype);
            const qint64 populateRows = qMax<qint64>(1, (qint64(4) << 20) / qMax<qint64>(1, rowBytes));
            for (int threads : { 1, 2 }) {
                auto mapping = SharedArray::attach(array->segmentName(), &error);
                long faults = 0;
                put(threads == 1 ? "pop1_cold_s" : "pop2_cold_s",
                    passRows(meta.dtype, mapping->view().data, opt.rows, opt.cols, threads, scratch.data(), &faults,
                             populateRows));
                put(threads == 1 ? "pop1_cold_faults" : "pop2_cold_faults", double(faults));
                if (scratch != reference) {
                    std::fprintf(stderr, "bench_engine: populated-pass sums differ from the plain loop's\n");
                    allOk = false;
                }
            }
            // 3. the engine: real workers through the Pool facade.
            const EngineRun engine = runEngine(opt, array);
            if (!engine.ok) {
                std::fprintf(stderr, "bench_engine: engine run failed: %s\n", qPrintable(engine.error));
                allOk = false;
            } else {
                const double diff = maxRelDiff(engine.result.values, reference);
                runJson[QStringLiteral("engine_max_rel_diff")] = diff;
                if (!(diff <= 1e-12)) {
                    std::fprintf(stderr, "bench_engine: engine results differ from the loop (max rel diff %g)\n", diff);
                    allOk = false;
                }
            }
            put("engine_compute_s", engine.ok ? engine.result.computeS : kNaN);
            // The window's case: a second job on the same array, on warm workers.
            const EngineRun warmRun = runEngine(opt, array, true);
            if (warmRun.ok && maxRelDiff(warmRun.result.values, reference) > 1e-12) {
                std::fprintf(stderr, "bench_engine: warm-pool results differ from the loop\n");
                allOk = false;
            }
            put("warm_compute_s", warmRun.ok ? warmRun.result.computeS : kNaN);
            put("warm_startup_s", warmRun.ok ? warmRun.result.startupS : kNaN);
            put("warm_wait_s", warmRun.ok ? warmRun.warmWaitS : kNaN);
            put("engine_span_s", engine.spanS);
            put("engine_elapsed_s", engine.ok ? engine.result.elapsedS : kNaN);
            put("engine_startup_s", engine.ok ? engine.result.startupS : kNaN);
            put("engine_wall_s", engine.ok ? engine.wallS : kNaN);
            put("engine_peak_ratio", engine.ok ? double(engine.result.peakMemoryBytes) / bytes : kNaN);
            put("engine_final_pss_ratio", engine.ok ? double(engine.lastPss) / bytes : kNaN);
            put("engine_pss_samples", engine.ok ? double(engine.pssSamples) : kNaN);
            // 4. NumPy over the same segment.
            NumpyRun np;
            if (opt.numpy) {
                np = runNumpy(opt, *array);
                if (!np.error.isEmpty()) {
                    std::fprintf(stderr, "bench_engine: %s\n", qPrintable(np.error));
                } else {
                    numpyVersion = np.version;
                    double total = 0;
                    for (double v : reference)
                        total += v;
                    const double rel = std::abs(np.checksum - total) / std::max(1.0, std::abs(total));
                    runJson[QStringLiteral("numpy_checksum_rel_diff")] = rel;
                    if (!(rel <= 1e-6)) {
                        std::fprintf(stderr, "bench_engine: NumPy checksum differs (rel %g)\n", rel);
                        allOk = false;
                    }
                }
            }
            put("numpy_cold_s", np.coldS);
            put("numpy_warm_s", np.warmS);
            runs.append(runJson);
            std::fprintf(stderr,
                         "bench_engine: %s run %d/%d: 1T %.3f/%.3f s, 2T %.3f/%.3f s, engine compute %.3f s, "
                         "numpy %.3f/%.3f s\n",
                         qPrintable(name), r + 1, opt.repeat, figures["base1_cold_s"].back(),
                         figures["base1_warm_s"].back(), figures["base2_cold_s"].back(), figures["base2_warm_s"].back(),
                         figures["engine_compute_s"].back(), np.coldS, np.warmS);
        }
        figures[QStringLiteral("pss_sample_s")] = { pssSampleS };
        std::vector<double> finishGap;
        for (size_t i = 0; i < figures["engine_compute_s"].size(); ++i)
            finishGap.push_back(figures["engine_compute_s"][i] - figures["engine_span_s"][i]);
        figures[QStringLiteral("engine_finish_gap_s")] = finishGap;
        Summary s { name, bytes, {} };
        QJsonObject medians;
        for (const char* key : kFigures) {
            const double m = median(figures.value(QString::fromLatin1(key)));
            s.med.insert(QString::fromLatin1(key), m);
            medians[QString::fromLatin1(key)] = std::isnan(m) ? QJsonValue() : QJsonValue(m);
        }
        summaries.push_back(s);
        perDtype.append(QJsonObject { { QStringLiteral("dtype"), name },
                                      { QStringLiteral("bytes"), bytes },
                                      { QStringLiteral("runs"), runs },
                                      { QStringLiteral("median"), medians } });
    }
    doc[QStringLiteral("numpy")] = numpyVersion;
    doc[QStringLiteral("dtypes")] = perDtype;
    doc[QStringLiteral("ok")] = allOk;

    // --- tables ------------------------------------------------------------------------------
    out(QStringLiteral("### Row-sum bandwidth: GB/s of array read (median of %1 run%2; %3 cores; shape %4x%5; "
                       "Qt %6%7)")
            .arg(opt.repeat)
            .arg(opt.repeat == 1 ? "" : "s")
            .arg(cores)
            .arg(opt.rows)
            .arg(opt.cols)
            .arg(QString::fromLatin1(qVersion()))
            .arg(numpyVersion.isEmpty() ? QString() : QStringLiteral(", NumPy ") + numpyVersion));
    out(QString());
    QString header = QStringLiteral("| reader of the same shared memory |");
    QString rule = QStringLiteral("|---|");
    for (const auto& s : summaries) {
        header += QStringLiteral(" %1 (%2 MB) |").arg(s.dtype).arg(s.bytes / 1e6, 0, 'f', 0);
        rule += QStringLiteral("---|");
    }
    out(header);
    out(rule);
    struct Row
    {
        const char* label;
        const char* key;
    };
    const Row rows[] = {
        { "C++ loop, 1 thread, cold (fresh mapping, pass 1)", "base1_cold_s" },
        { "C++ loop, 1 thread, warm (pass 2)", "base1_warm_s" },
        { "C++ loop, 2 threads, cold", "base2_cold_s" },
        { "C++ loop, 2 threads, warm", "base2_warm_s" },
        { "NumPy `B.sum(axis=1)`, cold (fresh process)", "numpy_cold_s" },
        { "NumPy `B.sum(axis=1)`, warm (pass 2)", "numpy_warm_s" },
        { "C++ loop, 1 thread, cold + `MADV_POPULATE_READ` per 4 MiB block (as workers do)", "pop1_cold_s" },
        { "C++ loop, 2 threads, cold + `MADV_POPULATE_READ` per 4 MiB block (as workers do)", "pop2_cold_s" },
        { "**SharedMap** `row_sum`, %1 workers: bytes / `compute_s`", "engine_compute_s" },
        { "SharedMap: bytes / kernel span (first task to last chunk end)", "engine_span_s" },
        { "SharedMap: bytes / `elapsed_s` (start-up included)", "engine_elapsed_s" },
        { "**SharedMap, warm pool** (2nd job on the same array, as in the window): bytes / `compute_s`",
          "warm_compute_s" },
    };
    for (const Row& row : rows) {
        QString line = QStringLiteral("| %1 |").arg(
            QString::fromLatin1(row.label).replace(QLatin1String("%1"), QString::number(opt.workers)));
        for (const auto& s : summaries)
            line += QStringLiteral(" %1 |").arg(gbps(s.bytes, s.med.value(QString::fromLatin1(row.key))));
        out(line);
    }
    out(QString());
    out(QStringLiteral("### Row-sum ratios: SharedMap GB/s / baseline GB/s (medians; > 1 means SharedMap is faster)"));
    out(QString());
    out(header);
    out(rule);
    const Row ratios[] = {
        { "SharedMap `compute_s` / 2 threads cold (a fault per page)", "base2_cold_s" },
        { "SharedMap `compute_s` / 2 threads cold + populate (like for like)", "pop2_cold_s" },
        { "SharedMap `compute_s` / 2 threads warm (the memory bar)", "base2_warm_s" },
        { "SharedMap `compute_s` / NumPy cold", "numpy_cold_s" },
        { "SharedMap `compute_s` / NumPy warm", "numpy_warm_s" },
        { "2 threads cold / 2 threads warm (cost of first touch)", nullptr },
    };
    for (const Row& row : ratios) {
        QString line = QStringLiteral("| %1 |").arg(QString::fromLatin1(row.label));
        for (const auto& s : summaries) {
            if (row.key)
                line += QStringLiteral(" %1 |").arg(
                    ratio(s.med.value(QString::fromLatin1(row.key)), s.med.value(QStringLiteral("engine_compute_s"))));
            else
                line += QStringLiteral(" %1 |").arg(
                    ratio(s.med.value(QStringLiteral("base2_warm_s")), s.med.value(QStringLiteral("base2_cold_s"))));
        }
        out(line);
    }
    {
        QString line = QStringLiteral(
            "| **SharedMap warm pool `compute_s` / 2 threads warm (the memory bar, target >= 0.90)** |");
        for (const auto& s : summaries)
            line += QStringLiteral(" %1 |").arg(
                ratio(s.med.value(QStringLiteral("base2_warm_s")), s.med.value(QStringLiteral("warm_compute_s"))));
        out(line);
    }
    out(QString());
    out(QStringLiteral("### Engine run details and page faults (medians)"));
    out(QString());
    out(header);
    out(rule);
    auto detail = [&](const char* label, const char* key, double scale, const char* unit, int digits) {
        QString line = QStringLiteral("| %1 |").arg(QString::fromLatin1(label));
        for (const auto& s : summaries) {
            const double v = s.med.value(QString::fromLatin1(key));
            line += std::isnan(v)
                ? QStringLiteral(" n/a |")
                : QStringLiteral(" %1%2 |").arg(v * scale, 0, 'f', digits).arg(QString::fromLatin1(unit));
        }
        out(line);
    };
    detail("`startup_s` (start to first task)", "engine_startup_s", 1e3, " ms", 1);
    detail("`compute_s` (first task to finish)", "engine_compute_s", 1e3, " ms", 1);
    detail("warm pool, 2nd job: `startup_s` (start to first task)", "warm_startup_s", 1e3, " ms", 2);
    detail("warm pool, 2nd job: `compute_s`", "warm_compute_s", 1e3, " ms", 1);
    detail("warm pool: parked workers mapping the whole array before the 2nd job", "warm_wait_s", 1e3, " ms", 1);
    detail("kernel span (first task to last chunk end)", "engine_span_s", 1e3, " ms", 1);
    detail("`compute_s` - kernel span (last chunk end to finish)", "engine_finish_gap_s", 1e3, " ms", 1);
    detail("one PSS sample of this process (smaps_rollup, array mapped)", "pss_sample_s", 1e3, " ms", 2);
    detail("`elapsed_s`", "engine_elapsed_s", 1e3, " ms", 1);
    detail("wall: `Pool::start()` to `finished` (workers exited)", "engine_wall_s", 1e3, " ms", 1);
    detail("peak PSS of bench + workers / array bytes (`peakMemoryBytes`)", "engine_peak_ratio", 1, "", 3);
    detail("last PSS sample (in `finish()`, workers idle) / array bytes", "engine_final_pss_ratio", 1, "", 3);
    detail("PSS samples taken during the job", "engine_pss_samples", 1, "", 0);
    detail("minor faults, 1-thread cold pass (pages: bytes / 4096)", "base1_cold_faults", 1, "", 0);
    detail("minor faults, 1-thread warm pass", "base1_warm_faults", 1, "", 0);
    detail("minor faults, 1-thread cold pass with populate", "pop1_cold_faults", 1, "", 0);

    if (!opt.json.isEmpty()) {
        QFile file(opt.json);
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(doc).toJson()) < 0) {
            std::fprintf(stderr, "bench_engine: cannot write %s\n", qPrintable(opt.json));
            return 1;
        }
    }
    if (!allOk) {
        std::fprintf(stderr, "bench_engine: some runs failed or disagreed (see above)\n");
        return 1;
    }
    return 0;
}
