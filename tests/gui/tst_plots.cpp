// The plot widgets of ui/plots: data counts, pull-based refresh, export, hover texts, the
// timeline with many chunks, and the heatmap's off-thread sampling with stale results dropped.

#include "plots/heatmapview.h"
#include "plots/memoryplot.h"
#include "plots/resultsplot.h"
#include "plots/throughputplot.h"
#include "plots/timelineplot.h"
#include "shm/sharedarray.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <QElapsedTimer>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sharedmap;

namespace {

std::shared_ptr<SharedArray> makeArray(const QVector<qint64>& shape, bool fortran = false)
{
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = shape;
    meta.fortranOrder = fortran;
    QString error;
    auto array = SharedArray::create(meta, &error);
    if (!array)
        qFatal("cannot create array: %s", qPrintable(error));
    return array;
}

/// A (rows, columns) float64 array holding r * columns + c at (r, c), in the given memory order.
std::shared_ptr<SharedArray> makeCountingArray(qint64 rows, qint64 columns, bool fortran = false)
{
    auto array = makeArray({ rows, columns }, fortran);
    auto* data = reinterpret_cast<double*>(array->mutableData());
    for (qint64 r = 0; r < rows; ++r) {
        for (qint64 c = 0; c < columns; ++c)
            data[fortran ? c * rows + r : r * columns + c] = double(r * columns + c);
    }
    return array;
}

std::shared_ptr<SharedArray> makeFilledArray(const QVector<qint64>& shape, double value)
{
    auto array = makeArray(shape);
    auto* data = reinterpret_cast<double*>(array->mutableData());
    std::fill(data, data + array->meta().elementCount(), value);
    return array;
}

/// Shows `plot` offscreen at a fixed size and lays it out, so pixel coordinates mean something.
void showAndLayOut(QCustomPlot* plot)
{
    plot->resize(800, 500);
    plot->show();
    QVERIFY(QTest::qWaitForWindowExposed(plot));
    plot->replot(QCustomPlot::rpImmediateRefresh);
}

} // namespace

class TestPlots : public QObject
{
    Q_OBJECT

private slots:
    void resultsPointCount();
    void resultsHover();
    void resultsMillionPoints();
    void refreshReplotsOnlyWhenDirty();
    void save_data();
    void save();
    void saveWithSizeResolutionAndTitle();
    void saveRefusesUnknownExtension();
    void timelineManyChunks();
    void timelineHoverAtPixel();
    void throughputSamples();
    void memoryReference();
    void heatmapSamplesBigArray();
    void heatmapFortranOrderAndNd();
    void heatmapDropsStaleResult();
    void heatmapEdgeCases_data();
    void heatmapEdgeCases();
};

void TestPlots::resultsPointCount()
{
    ResultsPlot plot;
    plot.reset(10);
    QCOMPARE(plot.pointCount(), 0);
    plot.addPoints({ 3, 1, 2 }, { 0.3, 0.1, 0.2 });
    QCOMPARE(plot.pointCount(), 3);
    // Repeated indices are separate points (an index list may repeat an index).
    plot.addPoints({ 1, 1, 0 }, { 0.1, 0.1, 0.0 });
    QCOMPARE(plot.pointCount(), 6);
    plot.addPoints({}, {});
    QCOMPARE(plot.pointCount(), 6);
    // NaN results (failed positions) still count as added points.
    plot.addPoints({ 9 }, { std::numeric_limits<double>::quiet_NaN() });
    QCOMPARE(plot.pointCount(), 7);
    // Sorted by index whatever the arrival order.
    const auto data = plot.graph()->data();
    QVERIFY(std::is_sorted(data->constBegin(), data->constEnd(), qcpLessThanSortKey<QCPGraphData>));
    plot.reset(5);
    QCOMPARE(plot.pointCount(), 0);
    plot.addPoints({ 4 }, { 1.0 });
    plot.clear();
    QCOMPARE(plot.pointCount(), 0);
}

void TestPlots::resultsHover()
{
    ResultsPlot plot;
    plot.reset(40);
    QVector<double> indices;
    QVector<double> values;
    for (int i = 0; i < 40; ++i) {
        indices << i;
        values << (i == 12 ? 0.53421 : 0.1 * (i % 5));
    }
    plot.addPoints(indices, values);
    plot.refresh();
    showAndLayOut(&plot);
    const QPointF onPoint(plot.xAxis->coordToPixel(12), plot.yAxis->coordToPixel(0.53421));
    QCOMPARE(plot.hoverText(onPoint), QStringLiteral("index 12: 0.53421"));
    QCOMPARE(plot.hoverText(onPoint + QPointF(3, -2)), QStringLiteral("index 12: 0.53421"));
    // Far from every point: no text.
    QCOMPARE(plot.hoverText(QPointF(onPoint.x(), plot.yAxis->coordToPixel(5.0))), QString());
}

void TestPlots::resultsMillionPoints()
{
    // A sanity bound, not a benchmark: 10^6 results in 100 batches and a replot stay well in time.
    ResultsPlot plot;
    showAndLayOut(&plot);
    constexpr int kBatches = 100;
    constexpr int kBatch = 10000;
    plot.reset(qint64(kBatches) * kBatch);
    QElapsedTimer timer;
    timer.start();
    for (int b = 0; b < kBatches; ++b) {
        QVector<double> indices(kBatch);
        QVector<double> values(kBatch);
        for (int i = 0; i < kBatch; ++i) {
            const int index = b * kBatch + i;
            indices[i] = index;
            values[i] = std::sin(index * 1e-4) + 0.1 * ((qint64(index) * 7919) % 100) / 100.0;
        }
        plot.addPoints(indices, values);
    }
    plot.refresh();
    plot.replot(QCustomPlot::rpImmediateRefresh);
    const qint64 ms = timer.elapsed();
    qInfo("10^6 points added and drawn in %lld ms", ms);
    QCOMPARE(plot.pointCount(), qint64(kBatches) * kBatch);
    QVERIFY2(ms < 5000, qPrintable(QStringLiteral("took %1 ms").arg(ms)));
    QCOMPARE(plot.graph()->lineStyle(), QCPGraph::lsLine); // dense: a line, not 10^6 dots
    // A hover on dense data stays bounded and finds a point.
    const QPointF pos(plot.xAxis->coordToPixel(500000), plot.yAxis->coordToPixel(std::sin(50.0)));
    QVERIFY(plot.hoverText(pos).startsWith(QLatin1String("index ")));
}

void TestPlots::refreshReplotsOnlyWhenDirty()
{
    ThroughputPlot plot;
    showAndLayOut(&plot);
    QSignalSpy replots(&plot, &QCustomPlot::afterReplot);
    plot.refresh(); // whatever the constructor left pending
    QTest::qWait(50);
    replots.clear();

    plot.refresh();
    QTest::qWait(50);
    QCOMPARE(replots.count(), 0); // nothing new: no replot

    plot.addSample(0.5, 100);
    plot.addSample(1.0, 120);
    QVERIFY(plot.isDirty());
    QCOMPARE(replots.count(), 0); // samples alone never replot
    plot.refresh();
    QVERIFY(!plot.isDirty());
    QTRY_COMPARE(replots.count(), 1);
    plot.refresh();
    QTest::qWait(50);
    QCOMPARE(replots.count(), 1);
}

void TestPlots::save_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::newRow("png") << QStringLiteral("plot.png");
    QTest::newRow("pdf") << QStringLiteral("plot.pdf");
    QTest::newRow("upper-case suffix") << QStringLiteral("plot.PNG");
    QTest::newRow("svg") << QStringLiteral("plot.svg");
}

void TestPlots::save()
{
    QFETCH(QString, fileName);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ResultsPlot plot;
    plot.reset(3);
    plot.addPoints({ 0, 1, 2 }, { 1, 4, 9 });
    const QString path = dir.filePath(fileName);
    QString error;
    QVERIFY2(plot.save(path, &error), qPrintable(error));
    QVERIFY(error.isEmpty());
    QVERIFY(QFileInfo(path).size() > 0);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray head = file.read(8);
    if (fileName.endsWith(QLatin1String("pdf")))
        QVERIFY(head.startsWith("%PDF"));
    else if (fileName.endsWith(QLatin1String("svg")))
        QVERIFY(head.startsWith("<?xml"));
    else
        QVERIFY(head.startsWith("\x89PNG"));
}

void TestPlots::saveWithSizeResolutionAndTitle()
{
    QTemporaryDir dir;
    ResultsPlot plot;
    plot.reset(3);
    plot.addPoints({ 0, 1, 2 }, { 1, 4, 9 });
    PlotExport options;
    options.width = 640;
    options.height = 400;
    options.scale = 2; // 192 dpi
    options.title = QStringLiteral("Results — row_sum on B.npy, job 7");
    QString error;
    const QString png = dir.filePath(QStringLiteral("plot.png"));
    QVERIFY2(plot.save(png, &error, options), qPrintable(error));
    QCOMPARE(QImage(png).size(), QSize(1280, 800));
    const QString svg = dir.filePath(QStringLiteral("plot.svg"));
    QVERIFY2(plot.save(svg, &error, options), qPrintable(error));
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("width=\"") && text.contains("640"));
    QVERIFY(text.contains("row_sum on B.npy, job 7")); // the title is drawn (and named)
    // The title is for the file only: the plot on screen has none afterwards.
    QCOMPARE(plot.plotLayout()->rowCount(), 1);
    const QImage untitled = plot.toPixmap(640, 400).toImage();
    QVERIFY(!untitled.isNull());
}

void TestPlots::saveRefusesUnknownExtension()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TimelinePlot plot;
    QString error;
    for (const QString& name : { QStringLiteral("plot.bmp"), QStringLiteral("plot") }) {
        error.clear();
        QVERIFY(!plot.save(dir.filePath(name), &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!QFileInfo::exists(dir.filePath(name)));
    }
    QVERIFY(!plot.save(dir.filePath(QStringLiteral("no/such/dir/plot.png")), &error));
    QVERIFY(!error.isEmpty());
}

void TestPlots::timelineManyChunks()
{
    TimelinePlot plot;
    showAndLayOut(&plot);
    constexpr int kChunks = 100000;
    constexpr int kWorkers = 4;
    QElapsedTimer timer;
    timer.start();
    plot.setWorkerCount(kWorkers);
    for (int i = 0; i < kChunks; ++i) {
        ChunkEvent chunk;
        chunk.slot = i % kWorkers;
        chunk.begin = qint64(i) * 7;
        chunk.count = 7;
        chunk.startS = (i / kWorkers) * 0.0125;
        chunk.endS = chunk.startS + 0.012;
        plot.addChunk(chunk);
    }
    plot.refresh();
    plot.replot(QCustomPlot::rpImmediateRefresh);
    const qint64 ms = timer.elapsed();
    qInfo("100,000 chunks added and drawn in %lld ms", ms);
    QVERIFY2(ms < 2000, qPrintable(QStringLiteral("took %1 ms").arg(ms)));
    QCOMPARE(plot.chunkCount(), kChunks);
    QCOMPARE(plot.workerCount(), kWorkers);

    // Chunk 401: worker 1, the 101st on its lane, positions 2807..2813, from 1.25 s to 1.262 s.
    const QString expected = QStringLiteral("worker 1: positions 2807:2814 (7), 0.012 s");
    QCOMPARE(plot.chunkTextAt(1.256, 1), expected);
    QCOMPARE(plot.chunkTextAt(1.25, 1), expected);
    QCOMPARE(plot.chunkTextAt(1.262, 1), expected);
    QCOMPARE(plot.chunkTextAt(1.2622, 1), QString()); // in the gap before the next chunk
    QCOMPARE(plot.chunkTextAt(1.2622, 1, 0.001), expected); // ... unless within the tolerance
    QCOMPARE(plot.chunkTextAt(1.256, 7), QString()); // no such worker
    QCOMPARE(plot.chunkTextAt(-1, 0), QString());

    plot.clear();
    QCOMPARE(plot.chunkCount(), 0);
    QCOMPARE(plot.workerCount(), kWorkers);
}

void TestPlots::timelineHoverAtPixel()
{
    TimelinePlot plot;
    plot.setWorkerCount(2);
    plot.addChunk({ 0, 0, 100, 0.0, 0.5 });
    plot.addChunk({ 1, 100, 1, 0.1, 0.4 });
    plot.addChunk({ 2, 101, 50, 0.2, 0.9 }); // a slot beyond the count adds a lane
    QCOMPARE(plot.workerCount(), 3);
    plot.refresh();
    showAndLayOut(&plot);
    const QPointF pos(plot.xAxis->coordToPixel(0.25), plot.yAxis->coordToPixel(1));
    QCOMPARE(plot.hoverText(pos), QStringLiteral("worker 1: position 100, 0.300 s"));
    const QPointF between(plot.xAxis->coordToPixel(0.25), plot.yAxis->coordToPixel(0.5));
    QCOMPARE(plot.hoverText(between), QString());
    const QPointF lane2(plot.xAxis->coordToPixel(0.8), plot.yAxis->coordToPixel(2));
    QCOMPARE(plot.hoverText(lane2), QStringLiteral("worker 2: positions 101:151 (50), 0.700 s"));
}

void TestPlots::throughputSamples()
{
    ThroughputPlot plot;
    for (int i = 1; i <= 50; ++i)
        plot.addSample(i * 0.1, 100 + i);
    plot.addSample(std::numeric_limits<double>::quiet_NaN(), 1); // ignored
    QCOMPARE(plot.sampleCount(), 50);
    plot.refresh();
    QCOMPARE(plot.xAxis->range().upper, 5.0);
    QVERIFY(plot.yAxis->range().upper >= 150);
    plot.clear();
    QCOMPARE(plot.sampleCount(), 0);
}

void TestPlots::memoryReference()
{
    MemoryPlot plot;
    QVERIFY(plot.legend->visible());
    QVERIFY(!plot.referenceGraph()->visible());
    QVERIFY(!plot.legend->hasItemWithPlottable(plot.referenceGraph()));
    constexpr qint64 kMiB = 1024 * 1024;
    MemoryParts first;
    first.inputBytes = 100 * kMiB;
    MemoryParts second;
    second.inputBytes = 800 * kMiB;
    second.workerBytes = { 40 * kMiB, 60 * kMiB }; // copy mode: each worker's own copy
    second.outputBytes = 2 * kMiB;
    second.appBytes = 30 * kMiB;
    second.otherBytes = 8 * kMiB;
    plot.addSample(0.0, first);
    plot.addSample(1.0, second);
    QCOMPARE(plot.sampleCount(), 2);
    // Stacked bottom to top: each part's graph is the running sum, filled down to the part below.
    const double expected[MemoryPlot::PartCount] = { 800, 900, 902, 932, 940 };
    for (int part = 0; part < MemoryPlot::PartCount; ++part) {
        QCPGraph* graph = plot.partGraph(MemoryPlot::Part(part));
        QCOMPARE(graph->data()->size(), 2);
        QCOMPARE((graph->data()->constBegin() + 1)->value, expected[part]);
        QCOMPARE(graph->channelFillGraph(), part > 0 ? plot.partGraph(MemoryPlot::Part(part - 1)) : nullptr);
        QVERIFY(plot.legend->hasItemWithPlottable(graph));
        QCOMPARE(graph->name(), MemoryPlot::partName(MemoryPlot::Part(part)));
    }
    QCOMPARE(plot.partGraph(MemoryPlot::OtherPart)->data()->constBegin()->value, 100.0);

    plot.setReference(qint64(800) * 1024 * 1024, QStringLiteral("array size (800 MiB)"));
    plot.refresh();
    QCPGraph* reference = plot.referenceGraph();
    QVERIFY(reference->visible());
    QCOMPARE(reference->name(), QStringLiteral("array size (800 MiB)"));
    QVERIFY(plot.legend->hasItemWithPlottable(reference));
    QCOMPARE(reference->pen().style(), Qt::DashLine);
    QVERIFY(reference->data()->size() >= 2);
    QCOMPARE(reference->data()->constBegin()->value, 800.0); // MiB
    QVERIFY(plot.yAxis->range().upper > 940); // the whole stack and the reference in view
    // Hovering reads each part, not the running sums.
    plot.replot();
    const QString hover = plot.hoverText(QPointF(plot.xAxis->coordToPixel(1.0), plot.yAxis->coordToPixel(500)));
    QVERIFY2(hover.contains(MemoryPlot::partName(MemoryPlot::WorkersPart) + QStringLiteral(": 100.0 MiB")),
             qPrintable(hover));
    QVERIFY2(hover.contains(QStringLiteral("940.0 MiB in all")), qPrintable(hover));

    plot.setReference(0, QString());
    QVERIFY(!reference->visible());
    QVERIFY(!plot.legend->hasItemWithPlottable(reference));
}

void TestPlots::heatmapSamplesBigArray()
{
    constexpr qint64 kRows = 2000;
    constexpr qint64 kColumns = 3000;
    auto array = makeCountingArray(kRows, kColumns);
    HeatmapView view;
    QSignalSpy ready(&view, &HeatmapView::ready);
    view.setArray(array);
    QVERIFY(ready.wait(10000));
    QVERIFY(view.message().isEmpty());
    QCPColorMapData* data = view.colorMap()->data();
    QVERIFY(data->keySize() > 0 && data->keySize() <= HeatmapView::kMaxCells);
    QVERIFY(data->valueSize() > 0 && data->valueSize() <= HeatmapView::kMaxCells);
    const auto* values = reinterpret_cast<const double*>(array->view().data);
    QCOMPARE(data->cell(0, 0), values[0]);
    // Sampling: cell (j, i) holds the element at row i * rows / cells, column j * columns / cells.
    for (int i : { 1, 100, data->valueSize() - 1 }) {
        for (int j : { 1, 257, data->keySize() - 1 }) {
            const qint64 row = qint64(i) * kRows / data->valueSize();
            const qint64 column = qint64(j) * kColumns / data->keySize();
            QCOMPARE(data->cell(j, i), values[row * kColumns + column]);
        }
    }
    // The hover text names the source element.
    showAndLayOut(&view);
    const QPointF pos(view.xAxis->coordToPixel(0), view.yAxis->coordToPixel(0));
    QCOMPARE(view.hoverText(pos), QStringLiteral("row 0, column 0: 0"));
}

void TestPlots::heatmapFortranOrderAndNd()
{
    HeatmapView view;
    QSignalSpy ready(&view, &HeatmapView::ready);

    // Fortran order: the same values as C order, through the strides.
    view.setArray(makeCountingArray(30, 40, true));
    QVERIFY(ready.wait(10000));
    QCOMPARE(view.colorMap()->data()->keySize(), 40);
    QCOMPARE(view.colorMap()->data()->valueSize(), 30);
    QCOMPARE(view.colorMap()->data()->cell(7, 5), 5.0 * 40 + 7);

    // 3-D: the (shape[0], -1) view, here 4 x 30.
    auto cube = makeArray({ 4, 5, 6 });
    auto* data = reinterpret_cast<double*>(cube->mutableData());
    for (int i = 0; i < 4 * 5 * 6; ++i)
        data[i] = i;
    view.setArray(cube);
    QVERIFY(ready.wait(10000));
    QCOMPARE(view.colorMap()->data()->keySize(), 30);
    QCOMPARE(view.colorMap()->data()->valueSize(), 4);
    QCOMPARE(view.colorMap()->data()->cell(13, 2), 2.0 * 30 + 13);

    // 1-D: one row; a long one is sampled.
    auto line = makeArray({ 100000 });
    data = reinterpret_cast<double*>(line->mutableData());
    for (int i = 0; i < 100000; ++i)
        data[i] = i;
    view.setArray(line);
    QVERIFY(ready.wait(10000));
    QCOMPARE(view.colorMap()->data()->valueSize(), 1);
    QCOMPARE(view.colorMap()->data()->keySize(), HeatmapView::kMaxCells);
    QCOMPARE(view.colorMap()->data()->cell(1, 0), double(100000 / HeatmapView::kMaxCells));
    // A single row still gets a height to be drawn with, and hovering it names its elements.
    QVERIFY(view.colorMap()->data()->valueRange().size() > 0);
    showAndLayOut(&view);
    const QPointF onCell(view.xAxis->coordToPixel(view.colorMap()->data()->keyRange().lower),
                         view.yAxis->coordToPixel(0));
    QCOMPARE(view.hoverText(onCell), QStringLiteral("row 0, column 0: 0"));
    view.yAxis->setRange(-5, 5);
    QCOMPARE(view.hoverText(QPointF(onCell.x(), view.yAxis->coordToPixel(3))), QString()); // off the row
}

void TestPlots::heatmapDropsStaleResult()
{
    auto first = makeFilledArray({ 1500, 1500 }, 1.0);
    auto second = makeFilledArray({ 20, 30 }, 2.0);
    HeatmapView view;
    QSignalSpy ready(&view, &HeatmapView::ready);
    view.setArray(first);
    view.setArray(second);
    QVERIFY(ready.wait(10000));
    QCOMPARE(view.colorMap()->data()->cell(0, 0), 2.0);
    QCOMPARE(view.colorMap()->data()->keySize(), 30);
    // The first array's preview, computed meanwhile, never replaces the second's.
    QTest::qWait(300);
    QCOMPARE(ready.count(), 1);
    QCOMPARE(view.colorMap()->data()->cell(0, 0), 2.0);

    // clearArray() drops a preview still computing, too.
    view.setArray(first);
    view.clearArray();
    QTest::qWait(300);
    QCOMPARE(ready.count(), 1);
    QVERIFY(!view.message().isEmpty());
    QVERIFY(!view.colorMap()->visible());
}

void TestPlots::heatmapEdgeCases_data()
{
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::addColumn<int>("nanEvery"); // 0: no NaN, 1: all NaN, k: every k-th element
    QTest::addColumn<bool>("expectMap");
    QTest::newRow("0-d") << QVector<qint64>() << 0 << false;
    QTest::newRow("empty 2-D") << QVector<qint64> { 0, 5 } << 0 << false;
    QTest::newRow("empty 1-D") << QVector<qint64> { 0 } << 0 << false;
    QTest::newRow("empty trailing dim") << QVector<qint64> { 3, 0, 2 } << 0 << false;
    QTest::newRow("some NaN") << QVector<qint64> { 10, 10 } << 3 << true;
    QTest::newRow("all NaN") << QVector<qint64> { 10, 10 } << 1 << false;
    QTest::newRow("single element") << QVector<qint64> { 1, 1 } << 0 << true;
}

void TestPlots::heatmapEdgeCases()
{
    QFETCH(QVector<qint64>, shape);
    QFETCH(int, nanEvery);
    QFETCH(bool, expectMap);
    auto array = makeFilledArray(shape, 0.5);
    auto* data = reinterpret_cast<double*>(array->mutableData());
    const qint64 n = array->meta().elementCount();
    for (qint64 i = 0; nanEvery > 0 && i < n; i += nanEvery)
        data[i] = std::numeric_limits<double>::quiet_NaN();
    if (nanEvery == 3 && n > 1)
        data[1] = std::numeric_limits<double>::infinity();

    HeatmapView view;
    QSignalSpy ready(&view, &HeatmapView::ready);
    view.setArray(array);
    QVERIFY(ready.wait(10000));
    QCOMPARE(view.message().isEmpty(), expectMap);
    QCOMPARE(view.colorMap()->visible(), expectMap);
    // Whatever was shown, drawing and exporting it works.
    QTemporaryDir dir;
    QString error;
    QVERIFY2(view.save(dir.filePath(QStringLiteral("heatmap.png")), &error), qPrintable(error));
}

QTEST_MAIN(TestPlots)
#include "tst_plots.moc"
