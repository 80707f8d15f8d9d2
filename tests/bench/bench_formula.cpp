// bench_formula: what a formula costs next to the built-in kernel doing the same work (docs/PERFORMANCE.md §8).
//
// On one float64 array generated in shared memory, back to back per repetition so the same
// noise hits every variant:
//   1. in-process, one thread: each kernel built from the registry and evaluated over every row
//      (what one worker does, without the pool): `row_sum`, `formula expr=x reduce=sum`, and a
//      few other formulas for scale;
//   2. muparser's bulk mode (Eval(results, n) over arrays bound with DefineVar) on the same rows,
//      the alternative to the per-element Eval() the kernel uses;
//   3. the Pool with real workers: `row_sum` and `formula expr=x` end to end (compute_s).
// Prints medians (ns per element, and the ratio to row_sum). Results are checked against row_sum.
//
//   bench_formula [--quick] [--shape 2000x2000] [--repeat 5] [--workers 2] [--worker PATH]

#include "benchutil.h"
#include "engine/pool.h"
#include "io/generator.h"
#include "job/jobresult.h"
#include "job/jobspec.h"
#include "kernels/kernel.h"
#include "shm/sharedarray.h"

#include <cmath>
#include <cstdio>
#include <muParser.h>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>
#include <vector>

#ifndef SHAREDMAP_WORKER_PATH
#define SHAREDMAP_WORKER_PATH ""
#endif

using namespace sharedmap;
using benchutil::kNaN;
using benchutil::median;
using benchutil::nowS;
using benchutil::out;

namespace {

struct Variant
{
    QString title;
    QString kernel;
    QVariantMap params;
    std::vector<double> seconds;
};

/// Evaluates `kernel` over every row in this thread; returns seconds, NaN when it disagrees with
/// `reference` (when given).
double runInProcess(const SharedArray& array, const Variant& v, const std::vector<double>* reference,
                    std::vector<double>* values)
{
    const KernelDef* def = KernelRegistry::instance().find(v.kernel);
    QVariantMap params;
    QString error = resolveParams(def->info, v.params, &params);
    KernelContext context;
    context.input = array.view();
    context.params = params;
    std::unique_ptr<Kernel> kernel = def->create(context, &error);
    if (!kernel) {
        std::fprintf(stderr, "bench_formula: %s\n", qPrintable(error));
        return kNaN;
    }
    const qint64 rows = array.meta().shape[0];
    values->assign(size_t(rows), kNaN);
    const double t0 = nowS();
    for (qint64 r = 0; r < rows; ++r)
        kernel->evaluate(r, values->data() + r);
    const double s = nowS() - t0;
    if (reference) {
        for (qint64 r = 0; r < rows; ++r) {
            if (std::abs((*values)[size_t(r)] - (*reference)[size_t(r)])
                > 1e-9 * (1 + std::abs((*reference)[size_t(r)])))
                return kNaN;
        }
    }
    return s;
}

/// muparser's bulk mode on the same rows: x and j bound to arrays of one row.
double runBulk(const SharedArray& array, const std::vector<double>& reference)
{
    const qint64 rows = array.meta().shape[0];
    const qint64 n = array.view().rowLength();
    const size_t length = size_t(n);
    std::vector<double> x(length), j(length), results(length);
    for (qint64 k = 0; k < n; ++k)
        j[size_t(k)] = double(k);
    mu::Parser parser;
    parser.DefineVar("x", x.data());
    parser.DefineVar("j", j.data());
    parser.SetExpr("x");
    bool agrees = true;
    const double t0 = nowS();
    for (qint64 r = 0; r < rows; ++r) {
        const double* row = reinterpret_cast<const double*>(array.view().data + r * array.view().strides[0]);
        std::copy(row, row + n, x.begin());
        parser.Eval(results.data(), int(n));
        double s = 0;
        for (double v : results)
            s += v;
        agrees = agrees && std::abs(s - reference[size_t(r)]) <= 1e-9 * (1 + std::abs(reference[size_t(r)]));
    }
    const double seconds = nowS() - t0;
    return agrees ? seconds : kNaN;
}

/// One job through the Pool with real workers; returns compute seconds (NaN on failure).
double runPool(const std::shared_ptr<SharedArray>& array, const Variant& v, int workers, const QString& program)
{
    Pool pool;
    pool.setWorkerProgram(program);
    QEventLoop loop;
    double computeS = kNaN;
    QObject::connect(&pool, &Pool::finished, [&](const JobResult& r) {
        if (!r.cancelled && r.doneCount() == r.taskCount())
            computeS = r.computeS;
        loop.quit();
    });
    QObject::connect(&pool, &Pool::failed, [&](const QString& e) {
        std::fprintf(stderr, "bench_formula: %s\n", qPrintable(e));
        loop.quit();
    });
    JobSpec spec;
    spec.input = QStringLiteral("(generated in shared memory)");
    spec.kernel = v.kernel;
    spec.params = v.params;
    spec.workers = workers;
    QString error;
    if (pool.start(spec, array, &error) == 0) {
        std::fprintf(stderr, "bench_formula: %s\n", qPrintable(error));
        return kNaN;
    }
    QTimer::singleShot(600000, &loop, &QEventLoop::quit);
    loop.exec();
    return computeS;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The formula kernel next to row_sum on the same array."));
    parser.addHelpOption();
    const QCommandLineOption quick(QStringLiteral("quick"), QStringLiteral("Tiny sizes (smoke test)."));
    const QCommandLineOption shapeOpt(QStringLiteral("shape"), QStringLiteral("Array shape (default 2000x2000)."),
                                      QStringLiteral("RxC"), QStringLiteral("2000x2000"));
    const QCommandLineOption repeatOpt(QStringLiteral("repeat"), QStringLiteral("Repetitions (default 5)."),
                                       QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption workersOpt(QStringLiteral("workers"),
                                        QStringLiteral("Workers for the pool runs (default 2)."), QStringLiteral("N"),
                                        QStringLiteral("2"));
    const QCommandLineOption workerOpt(QStringLiteral("worker"), QStringLiteral("sharedmap-worker to use."),
                                       QStringLiteral("PATH"), QStringLiteral(SHAREDMAP_WORKER_PATH));
    parser.addOptions({ quick, shapeOpt, repeatOpt, workersOpt, workerOpt });
    parser.process(app);

    ArrayMeta meta;
    meta.dtype = DType::Float64;
    QString error = parseShape(parser.isSet(quick) ? QStringLiteral("50x40") : parser.value(shapeOpt), &meta.shape);
    if (!error.isEmpty() || meta.shape.size() != 2) {
        std::fprintf(stderr, "bench_formula: bad --shape\n");
        return 2;
    }
    const int repeat = parser.isSet(quick) ? 1 : qMax(1, parser.value(repeatOpt).toInt());
    const int workers = qMax(1, parser.value(workersOpt).toInt());
    auto array = generateArray(meta, Distribution::Uniform, 7, &error);
    if (!array) {
        std::fprintf(stderr, "bench_formula: %s\n", qPrintable(error));
        return 1;
    }
    const double elements = double(meta.elementCount());

    auto formula = [](const char* expr, const char* reduce = "sum") {
        return QVariantMap { { QStringLiteral("expr"), QString::fromLatin1(expr) },
                             { QStringLiteral("reduce"), QString::fromLatin1(reduce) } };
    };
    std::vector<Variant> variants = {
        { QStringLiteral("`row_sum` (built in)"), QStringLiteral("row_sum"), {}, {} },
        { QStringLiteral("`formula` expr=x, reduce=sum"), QStringLiteral("formula"), formula("x"), {} },
        { QStringLiteral("`formula` expr=x^2, reduce=sum"), QStringLiteral("formula"), formula("x^2"), {} },
        { QStringLiteral("`formula` expr=sin(x)*j, reduce=sum"), QStringLiteral("formula"), formula("sin(x)*j"), {} },
    };
    std::vector<double> bulk, poolRowSum, poolFormula;
    std::vector<double> reference, values;
    for (int r = 0; r < repeat; ++r) {
        for (size_t k = 0; k < variants.size(); ++k) {
            const double s = runInProcess(*array, variants[k], k == 1 ? &reference : nullptr, &values);
            if (k == 0)
                reference = values;
            variants[k].seconds.push_back(s);
        }
        bulk.push_back(runBulk(*array, reference));
        poolRowSum.push_back(runPool(array, variants[0], workers, parser.value(workerOpt)));
        poolFormula.push_back(runPool(array, variants[1], workers, parser.value(workerOpt)));
    }

    const double base = median(variants[0].seconds);
    out(QStringLiteral("### Formula kernel vs row_sum: float64 %1, %2 repetitions (medians), load %3")
            .arg(meta.shapeText())
            .arg(repeat)
            .arg(benchutil::loadAverage()));
    out(QString());
    out(QStringLiteral("| in one thread (what one worker does) | ns per element | x row_sum |"));
    out(QStringLiteral("|---|---:|---:|"));
    for (const Variant& v : variants) {
        const double m = median(v.seconds);
        out(QStringLiteral("| %1 | %2 | %3 |")
                .arg(v.title, benchutil::num(m / elements * 1e9, 2), benchutil::num(m / base, 1)));
    }
    const double b = median(bulk);
    out(QStringLiteral("| muparser bulk mode, expr=x (not used) | %1 | %2 |")
            .arg(benchutil::num(b / elements * 1e9, 2), benchutil::num(b / base, 1)));
    out(QString());
    out(QStringLiteral("| through the pool, %1 workers | compute_s | x row_sum |").arg(workers));
    out(QStringLiteral("|---|---:|---:|"));
    const double p0 = median(poolRowSum), p1 = median(poolFormula);
    out(QStringLiteral("| `row_sum` | %1 | 1.0 |").arg(benchutil::num(p0, 4)));
    out(QStringLiteral("| `formula` expr=x, reduce=sum | %1 | %2 |")
            .arg(benchutil::num(p1, 4), benchutil::num(p1 / p0, 1)));
    const bool ok = !std::isnan(base) && !std::isnan(median(variants[1].seconds)) && !std::isnan(b) && !std::isnan(p0)
        && !std::isnan(p1);
    if (!ok)
        std::fprintf(stderr, "bench_formula: a variant failed or disagreed with row_sum\n");
    return ok ? 0 : 1;
}
