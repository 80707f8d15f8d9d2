// GUI figures (a benchmark, not a test): how long a results plot of 10^6 points takes to replot,
// and how late the window's event loop runs its timers while two workers saturate both cores.
#include "engine/pool.h"
#include "io/arraystore.h"
#include "io/npyformat.h"
#include "jobpanel.h"
#include "mainwindow.h"
#include "plots/resultsplot.h"

#include <algorithm>
#include <cstdio>
#include <QApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>

using namespace sharedmap;

namespace {

double median(QVector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values[values.size() / 2];
}

double percentile(QVector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values[qMin(values.size() - 1, int(p * values.size()))];
}

void replotBenchmark(qint64 points, int repeats)
{
    ResultsPlot plot;
    plot.resize(1200, 700);
    plot.show();
    QVector<double> xs(points), ys(points);
    for (qint64 i = 0; i < points; ++i) {
        xs[i] = double(i);
        ys[i] = QRandomGenerator::global()->generateDouble();
    }
    plot.reset(points);
    plot.addPoints(xs, ys);
    plot.resetView();
    plot.replot(QCustomPlot::rpImmediateRefresh);
    QVector<double> times;
    for (int r = 0; r < repeats; ++r) {
        QElapsedTimer clock;
        clock.start();
        plot.replot(QCustomPlot::rpImmediateRefresh);
        times.append(double(clock.nsecsElapsed()) / 1e6);
    }
    std::printf("| results plot replot, %lld points | %.1f ms | %.1f ms | %d |\n", qint64(points), median(times),
                *std::max_element(times.begin(), times.end()), repeats);
}

void latencyBenchmark(int niceness, double seconds)
{
    QTemporaryDir dir;
    // A compute-bound job that keeps both cores busy: row_std over 2000 rows of 50,000 float64,
    // every row 40 times through an index file.
    const qint64 rows = 2000;
    QVector<qint64> indices;
    for (int repeat = 0; repeat < 40; ++repeat)
        for (qint64 r = 0; r < rows; ++r)
            indices.append(r);
    ArrayMeta indexMeta;
    indexMeta.dtype = DType::Int64;
    indexMeta.shape = { indices.size() };
    const QString indexFile = dir.filePath(QStringLiteral("idx.npy"));
    writeNpy(indexFile, indexMeta, indices.constData());

    MainWindow window;
    window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
    window.pool()->setWorkerNiceness(niceness);
    window.resize(1400, 900);
    window.show();
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = { rows, 50000 };
    QSignalSpy loaded(window.store(), &ArrayStore::loaded);
    window.store()->generate(QStringLiteral("bench"), meta, Distribution::Uniform, 1);
    loaded.wait(60000);
    JobSpec spec;
    spec.kernel = QStringLiteral("row_std");
    spec.indices = QLatin1Char('@') + indexFile;
    spec.workers = 2;
    window.jobPanel()->setSpec(spec);

    QVector<double> lateness;
    QElapsedTimer clock;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(10);
    qint64 expected = 0;
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (expected > 0)
            lateness.append(double(now - expected) / 1e6);
        expected = now + 10000000;
    });
    QSignalSpy ended(&window, &MainWindow::jobEnded);
    window.runJob();
    clock.start();
    probe.start();
    QTimer::singleShot(int(seconds * 1000), &window, [&] { window.cancelJob(); });
    ended.wait(int(seconds * 1000) + 20000);
    probe.stop();
    std::printf(
        "| event-loop lateness, 2 busy workers, niceness %d | %.2f ms | p99 %.2f ms, max %.2f ms | %lld ticks |\n",
        niceness, median(lateness), percentile(lateness, 0.99),
        lateness.isEmpty() ? 0.0 : *std::max_element(lateness.begin(), lateness.end()), qint64(lateness.size()));
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SharedMapBench"));
    const bool quick = app.arguments().contains(QStringLiteral("--quick"));
    std::printf("| figure | median | worst | samples |\n|---|---|---|---|\n");
    replotBenchmark(quick ? 10000 : 1000000, quick ? 3 : 15);
    latencyBenchmark(0, quick ? 1.0 : 5.0);
    latencyBenchmark(10, quick ? 1.0 : 5.0);
    if (!quick)
        latencyBenchmark(19, 5.0);
    return 0;
}
