// Every demo of the Demos menu, driven through the real window offscreen with real workers:
// one click sets up data, job and explanation; Run completes; the demo's own view shows it.
#include "demos.h"
#include "engine/pool.h"
#include "guioptions.h"
#include "io/arraystore.h"
#include "jobpanel.h"
#include "kernelviews.h"
#include "mainwindow.h"
#include "monitorpanel.h"
#include "plots/convergenceplot.h"
#include "plots/countsplot.h"
#include "plots/outputimageview.h"
#include "plots/raceplot.h"
#include "plots/resultsplot.h"
#include "settings.h"

#include <cmath>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QLabel>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace sharedmap;

class TestDemos : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SharedMapTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_demos"));
        // The demos' pauses are for a person watching: the tests run them without (their pacing
        // is checked apart, below).
        Settings::instance()->setDemoPace(0);
    }

    void menuListsEveryDemo()
    {
        MainWindow window;
        QStringList ids;
        for (QAction* action : window.findChildren<QAction*>()) {
            if (action->objectName().startsWith(QLatin1String("demo_")))
                ids << action->objectName().mid(5);
        }
        ids.sort();
        QStringList expected;
        for (const Demo& demo : builtInDemos())
            expected << demo.id;
        expected.sort();
        QCOMPARE(ids, expected);
        QCOMPARE(expected.size(), 8);
        QVERIFY(!window.loadDemo(QStringLiteral("no-such-demo")));
    }

    void runs_data()
    {
        QTest::addColumn<QString>("id");
        for (const Demo& demo : builtInDemos())
            QTest::newRow(qPrintable(demo.id)) << demo.id;
    }

    void runs()
    {
        QFETCH(QString, id);
        const Demo* demo = findDemo(id);
        QVERIFY(demo);
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        // Through the menu, as a user picks it.
        QAction* action = window.findChild<QAction*>(QStringLiteral("demo_") + id);
        QVERIFY(action);
        action->trigger();
        QCOMPARE(window.demoPanel()->title(), QCoreApplication::translate("Demos", demo->title));
        QVERIFY(window.demoPanel()->text().size() > 100);
        QCOMPARE(window.jobPanel()->spec().kernel, demo->job.kernel);
        QCOMPARE(window.jobPanel()->spec().mode, demo->job.mode);
        if (demo->data.dtype != DType::Invalid)
            QVERIFY(loaded.wait(60000));
        QVERIFY2(window.jobPanel()->problem().isEmpty(), qPrintable(window.jobPanel()->problem()));

        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        QVERIFY(ended.wait(120000));
        const JobResult& result = window.lastResult();
        QVERIFY(!result.cancelled);
        QCOMPARE(result.doneCount(), result.taskCount());
        QVERIFY(result.taskCount() > 0);
        KernelViews* views = window.monitorPanel()->kernelViews();

        if (id == QLatin1String("mandelbrot") || id == QLatin1String("blur")) {
            OutputImageView* image = views->imageView();
            QVERIFY(image);
            QCOMPARE(image->rowsDone(), result.taskCount());
            const QImage picture = image->image();
            QCOMPARE(picture.height(), int(result.taskCount()));
            QCOMPARE(qint64(picture.width()), result.resultShape.value(0));
            // Not one flat colour: the results really are drawn.
            QSet<QRgb> colours;
            for (int y = 0; y < picture.height(); y += 37)
                for (int x = 0; x < picture.width(); x += 41)
                    colours.insert(picture.pixel(x, y));
            QVERIFY2(colours.size() > 5, qPrintable(QString::number(colours.size())));
            // Save image… writes exactly what is shown, as PNG (lossless round trip).
            QTemporaryDir dir;
            const QString png = dir.filePath(QStringLiteral("image.png"));
            QString error;
            QVERIFY2(image->save(png, &error), qPrintable(error));
            const QImage reread(png);
            QCOMPARE(reread.size(), picture.size());
            QCOMPARE(reread.convertToFormat(QImage::Format_RGB32), picture.convertToFormat(QImage::Format_RGB32));
            image->setOverlay(true);
            QVERIFY(image->image() != picture);
            // The bands come with their key: which colour is which worker.
            QLabel* legend = views->workerLegend();
            QVERIFY(legend && !legend->isVisible());
            auto* bands = image->parentWidget()->findChild<QCheckBox*>();
            QVERIFY(bands);
            bands->setChecked(true);
            QTRY_VERIFY(legend->isVisible());
            QVERIFY(legend->text().contains(QStringLiteral("worker 0")));
            QVERIFY(legend->text().contains(QStringLiteral("worker 1")));
            QVERIFY(legend->text().contains(LivePlot::paletteColor(1).name()));
        }
        if (id == QLatin1String("race") || id == QLatin1String("mutex") || id == QLatin1String("atomic")) {
            QVERIFY(views->racePlot());
            QVERIFY(views->racePlot()->sampleCount() >= 3); // sampled while running, not only at the end
            const qint64 counter = result.figures.value(QStringLiteral("counter")).toLongLong();
            const qint64 expected = result.figures.value(QStringLiteral("expected_counter")).toLongLong();
            QCOMPARE(expected, result.taskCount() * demo->job.params.value(QStringLiteral("iterations")).toLongLong());
            if (id == QLatin1String("race"))
                QVERIFY(counter <= expected);
            else
                QCOMPARE(counter, expected);
        }
        if (id == QLatin1String("histogram")) {
            QVERIFY(views->countsPlot());
            QCOMPARE(result.accumulator.size(), 60);
            const auto bars = views->countsPlot()->bars()->data();
            QCOMPARE(bars->size(), 60);
            qint64 total = 0;
            for (int i = 0; i < 60; ++i) {
                QCOMPARE(qint64((bars->constBegin() + i)->value), result.accumulator[i]);
                total += result.accumulator[i];
            }
            // Normal data: almost everything lies in [-4, 4].
            QVERIFY(total > 2000 * 5000 * 0.999 && total <= 2000 * 5000);
        }
        if (id == QLatin1String("pi")) {
            QVERIFY(views->convergencePlot());
            QCOMPARE(views->convergencePlot()->count(), result.taskCount());
            QVERIFY(std::abs(views->convergencePlot()->mean() - M_PI)
                    < 5 * views->convergencePlot()->standardError() + 1e-4);
            // The final estimate and its error, in words.
            const QString summary = window.monitorPanel()->summaryText();
            QVERIFY2(summary.contains(QStringLiteral("π ≈ %1").arg(views->convergencePlot()->mean(), 0, 'f', 6)),
                     qPrintable(summary));
            QVERIFY2(summary.contains(
                         QStringLiteral("± %1").arg(1.96 * views->convergencePlot()->standardError(), 0, 'f', 6)),
                     qPrintable(summary));
        }
        if (id == QLatin1String("copy")) {
            QCOMPARE(result.spec.mode, QStringLiteral("copy"));
            QVERIFY2(double(result.peakMemoryBytes) >= 3.0 * double(result.inputMeta.byteSize()),
                     qPrintable(QString::number(double(result.peakMemoryBytes) / double(result.inputMeta.byteSize()))));
        }
    }

    /// A new demo starts from a clean Monitor (no image of the last one), an error shown before
    /// goes once it loads, leaving the demo's job clears its text, and messages coming and going
    /// never move the plots under the pointer.
    void demosStartCleanAndNothingMoves()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QWidget* tabs = window.monitorPanel()->plotTabs();
        const auto tabsTop = [&] { return tabs->mapTo(&window, QPoint(0, 0)).y(); };
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        QSignalSpy failed(window.store(), &ArrayStore::loadFailed);
        window.openFile(QStringLiteral("/nonexistent/missing.npy"));
        QVERIFY(failed.wait(10000));
        QVERIFY(!window.bannerText().isEmpty());
        QTest::qWait(20);
        const int top = tabsTop();

        QVERIFY(window.loadDemo(QStringLiteral("blur")));
        QVERIFY(loaded.wait(30000));
        QVERIFY2(window.bannerText().isEmpty(), qPrintable(window.bannerText())); // the error is over
        QTest::qWait(20);
        QCOMPARE(tabsTop(), top);
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        QVERIFY(ended.wait(60000));
        QVERIFY(window.monitorPanel()->kernelViews()->imageView());
        QVERIFY(!window.monitorPanel()->summaryText().isEmpty());
        QTest::qWait(20);
        QCOMPARE(tabsTop(), top); // the summary had its room already

        QVERIFY(window.loadDemo(QStringLiteral("race")));
        QVERIFY(!window.monitorPanel()->kernelViews()->imageView()); // the blur's image went
        QVERIFY(window.monitorPanel()->summaryText().isEmpty());
        QCOMPARE(window.monitorPanel()->resultsPlot()->pointCount(), qint64(0));
        QVERIFY(window.monitorPanel()->statsText().startsWith(QStringLiteral("Idle")));
        QCOMPARE(window.demoPanel()->demoId(), QStringLiteral("race"));
        QTest::qWait(20);
        QCOMPARE(tabsTop(), top);

        // Another kernel: no longer the demo, its text goes.
        JobSpec other = window.jobPanel()->spec();
        other.kernel = QStringLiteral("mandelbrot");
        window.jobPanel()->setSpec(other);
        QVERIFY(window.demoPanel()->demoId().isEmpty());
        QVERIFY(!window.demoPanel()->text().contains(QStringLiteral("counter")));
    }

    /// Each demo is slowed down to be watched (its pauses at pace 1), the pace control scales
    /// only those; the race and its two fixes do the same work.
    void demosArePacedToBeWatched()
    {
        MainWindow window;
        QComboBox* pace = window.demoPanel()->paceBox();
        QCOMPARE(pace->count(), 3);
        pace->setCurrentIndex(0); // watchable
        QCOMPARE(window.demoPanel()->pace(), 1.0);
        for (const Demo& demo : builtInDemos()) {
            QVERIFY2(!demo.pacing.isEmpty(), qPrintable(demo.id));
            QVERIFY(window.loadDemo(demo.id));
            JobSpec spec = window.jobPanel()->spec();
            for (auto it = demo.pacing.cbegin(); it != demo.pacing.cend(); ++it)
                QCOMPARE(spec.params.value(it.key()).toDouble(), it.value().toDouble());
            // No pauses: the pacing goes, the work stays.
            pace->setCurrentIndex(2);
            QCOMPARE(Settings::instance()->demoPace(), 0.0);
            const JobSpec fast = window.jobPanel()->spec();
            for (auto it = demo.pacing.cbegin(); it != demo.pacing.cend(); ++it)
                QCOMPARE(fast.params.value(it.key()).toDouble(), 0.0);
            for (auto it = demo.job.params.cbegin(); it != demo.job.params.cend(); ++it)
                QCOMPARE(fast.params.value(it.key()).toString(), it.value().toString());
            pace->setCurrentIndex(0);
        }
        const Demo* race = findDemo(QStringLiteral("race"));
        for (const char* fix : { "mutex", "atomic" }) {
            const Demo* other = findDemo(QLatin1String(fix));
            for (const char* key : { "iterations", "tasks" })
                QCOMPARE(other->job.params.value(QLatin1String(key)), race->job.params.value(QLatin1String(key)));
            QCOMPARE(other->pacing, race->pacing);
        }
        Settings::instance()->setDemoPace(0);
    }

    /// The Race tab puts the times of the three locks side by side, for the same work.
    void raceTimesSideBySide()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        for (const char* id : { "race", "mutex", "atomic" }) {
            QVERIFY(window.loadDemo(QLatin1String(id)));
            JobSpec spec = window.jobPanel()->spec();
            spec.params.insert(QStringLiteral("iterations"), 200000); // less work, the same for all three
            window.jobPanel()->setSpec(spec);
            QVERIFY(window.runJob());
            QVERIFY(ended.wait(60000));
        }
        const QString times = window.monitorPanel()->kernelViews()->raceTimesText();
        for (const char* lock : { "none", "mutex", "atomic" })
            QVERIFY2(times.contains(QStringLiteral("%1: ").arg(QLatin1String(lock)))
                         && !times.contains(QStringLiteral("%1: not run").arg(QLatin1String(lock))),
                     qPrintable(times));
        QVERIFY2(times.contains(QStringLiteral("200,000")) || times.contains(QStringLiteral("200000")),
                 qPrintable(times));
        QVERIFY(window.monitorPanel()->summaryText().contains(QStringLiteral("Same work")));
    }

    void demoOnTheCommandLine()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        GuiOptions options;
        options.demo = QStringLiteral("pi");
        options.run = true;
        // Job options on the same command line adjust the demo's job.
        options.hasJob = true;
        options.setFields = { QStringLiteral("params") };
        options.job.params.insert(QStringLiteral("batches"), 37);
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        window.applyOptions(options);
        QVERIFY(ended.wait(60000));
        QCOMPARE(window.lastResult().kernelName, QStringLiteral("monte_carlo_pi"));
        QCOMPARE(window.lastResult().taskCount(), qint64(37));
        QCOMPARE(window.lastResult().spec.params.value(QStringLiteral("samples")).toLongLong(), qint64(200000));
        options.demo = QStringLiteral("nope");
        window.applyOptions(options);
        QVERIFY(window.bannerText().contains(QLatin1String("nope")));
    }
};

QTEST_MAIN(TestDemos)
#include "tst_demos.moc"
