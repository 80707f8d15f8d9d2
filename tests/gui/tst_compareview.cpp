// Drives the Compare view offscreen: a NumPy-written array, real workers in both modes, the
// engine's own memory readings; and copy mode refused when the copies cannot fit.
#include "base/procstats.h"
#include "compareview.h"
#include "datapanel.h"
#include "engine/pool.h"
#include "guitest.h"
#include "io/arraystore.h"
#include "io/generator.h"
#include "io/npyloader.h"
#include "jobpanel.h"
#include "mainwindow.h"
#include "plots/compareplot.h"
#include "settings.h"
#include "shm/sharedarray.h"

#include <algorithm>
#include <cmath>
#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using namespace sharedmap;
using guitest::runPython;

namespace {

QString cell(CompareView& view, int row, int column, int role = Qt::DisplayRole)
{
    const QTableWidgetItem* item = view.table()->item(row, column);
    return item ? item->data(role).toString() : QString();
}

/// True when the text holds a CJK ideograph (U+4E00..U+9FFF).
bool hasHanzi(const QString& text)
{
    return std::any_of(text.begin(), text.end(),
                       [](QChar c) { return c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF; });
}

} // namespace

class TestCompareView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SharedMapTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_compareview"));
        QVERIFY(m_dir.isValid());
        // 1000 × 16000 float64: 128 MB, so that the window's own few tens of MB stay small next to
        // it; and NumPy's row sums as the reference.
        QVERIFY(runPython(QStringLiteral("import numpy as np\n"
                                         "A = np.random.default_rng(11).random((1000, 16000))\n"
                                         "np.save('A.npy', A)\n"
                                         "np.save('row_sum.npy', A.sum(1))\n"),
                          m_dir.path(), 120000));
        QString error;
        m_expected = loadNpy(m_dir.filePath(QStringLiteral("row_sum.npy")), &error);
        QVERIFY2(m_expected, qPrintable(error));
    }

    // Every test starts from empty settings (the view restores its order from them).
    void init() { QSettings().clear(); }

    void plotReferences_data()
    {
        QTest::addColumn<qint64>("arrayBytes");
        QTest::addColumn<int>("workers");
        QTest::addColumn<bool>("arrayLine");
        QTest::addColumn<bool>("copiesLine");
        QTest::newRow("5 copies") << qint64(64) * 1024 * 1024 << 5 << true << true;
        QTest::newRow("1 copy") << qint64(64) * 1024 * 1024 << 1 << true << false;
        QTest::newRow("no array") << qint64(0) << 4 << false << false;
    }

    void plotReferences()
    {
        QFETCH(qint64, arrayBytes);
        QFETCH(int, workers);
        QFETCH(bool, arrayLine);
        QFETCH(bool, copiesLine);
        ComparePlot plot;
        plot.resize(600, 400);
        plot.setReferences(arrayBytes, workers);
        plot.addSample(ComparePlot::Shared, 0.5, 100 * 1024 * 1024);
        plot.addSample(ComparePlot::Copy, std::nan(""), 100); // dropped
        plot.addSample(ComparePlot::Copy, 0.5, -1); // dropped
        plot.resetView();
        plot.replot();
        QCOMPARE(plot.referenceLine(0)->visible(), arrayLine);
        QCOMPARE(plot.referenceLine(1)->visible(), copiesLine);
        QCOMPARE(plot.legend->hasItemWithPlottable(plot.referenceLine(1)), copiesLine);
        if (copiesLine) {
            bool found = false;
            QCOMPARE(plot.referenceLine(1)->data()->valueRange(found).upper, 64.0 * workers);
        }
        QCOMPARE(plot.sampleCount(ComparePlot::Shared), qint64(1));
        QCOMPARE(plot.sampleCount(ComparePlot::Copy), qint64(0));
        // The view shows every line with room above the highest.
        QVERIFY(plot.yAxis->range().upper > qMax(100.0, arrayLine ? 64.0 * workers : 0.0));
        plot.clear();
        QCOMPARE(plot.sampleCount(ComparePlot::Shared), qint64(0));
    }

    void comparesBothModes_data()
    {
        QTest::addColumn<int>("order");
        QTest::newRow("shared first") << 0;
        QTest::newRow("copy first") << 1;
    }

    void comparesBothModes()
    {
        QFETCH(int, order);
        ArrayStore store;
        const auto array = load(store);
        QVERIFY(array);
        const qint64 bytes = array->meta().byteSize();
        QCOMPARE(bytes, qint64(1000 * 16000 * 8));
        // History: another array held in shared memory, as after a few demos.
        QString error;
        ArrayMeta otherMeta;
        otherMeta.dtype = DType::Float64;
        otherMeta.shape = { 4000, 2000 };
        const std::shared_ptr<SharedArray> other = generateArray(otherMeta, Distribution::Uniform, 3, &error);
        QVERIFY2(other, qPrintable(error));

        CompareView view;
        view.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        view.show();
        view.findChild<QComboBox*>()->setCurrentIndex(order);
        QSignalSpy ended(&view, &CompareView::comparisonEnded);
        QVERIFY(view.compare(rowSum(2), array));
        QVERIFY2(view.isRunning(), qPrintable(view.messageText()));
        QVERIFY(ended.wait(120000));
        QVERIFY(!view.isRunning());

        const JobResult shared = view.result(QStringLiteral("shared"));
        const JobResult copy = view.result(QStringLiteral("copy"));
        QCOMPARE(shared.spec.mode, QStringLiteral("shared"));
        QCOMPARE(copy.spec.mode, QStringLiteral("copy"));
        QVERIFY(!shared.cancelled && !copy.cancelled);
        QCOMPARE(shared.doneCount(), qint64(1000));
        QCOMPARE(copy.doneCount(), qint64(1000));
        // Shared runs before copy in the first order, after it in the second.
        QCOMPARE(shared.jobId < copy.jobId, order == 0);

        // Identical results, and right: NumPy's row sums up to summation order.
        QVERIFY(view.resultsIdentical());
        QVERIFY2(view.verdictText().contains(QLatin1String("yes")), qPrintable(view.verdictText()));
        const double* expected = reinterpret_cast<const double*>(m_expected->view().data);
        for (int i = 0; i < 1000; ++i)
            QVERIFY2(std::abs(shared.values[i] - expected[i]) < 1e-9 * std::abs(expected[i]),
                     qPrintable(QString::number(i)));

        // Copy mode really copies: the shared array and one per worker; shared stays near one array.
        // Only this job's processes and segments count: the other array the test holds (and the
        // test process's own heap) change nothing.
        const double sharedRatio = double(view.peakMemory(QStringLiteral("shared")).jobBytes()) / bytes;
        const double copyRatio = double(view.peakMemory(QStringLiteral("copy")).jobBytes()) / bytes;
        qInfo("this job's peak memory: shared %.3f x, copy %.3f x the array (workers' own %.1f / %.1f MiB); "
              "start-up shared %.3f s, copy %.3f s",
              sharedRatio, copyRatio, view.peakMemory(QStringLiteral("shared")).workersBytes() / 1048576.0,
              view.peakMemory(QStringLiteral("copy")).workersBytes() / 1048576.0, shared.startupS, copy.startupS);
        QVERIFY2(sharedRatio > 0.98 && sharedRatio < 1.15, qPrintable(QString::number(sharedRatio)));
        QVERIFY2(copyRatio > 2.9 && copyRatio < 3.2, qPrintable(QString::number(copyRatio)));
        QVERIFY(view.peakMemory(QStringLiteral("shared")).otherBytes >= other->meta().byteSize());
        QVERIFY(view.peakMemory(QStringLiteral("copy")).otherBytes >= other->meta().byteSize());
        QVERIFY(view.peakMemory(QStringLiteral("shared")).inputBytes >= bytes);
        // The totals still count everything, as the CLI's summary does.
        QVERIFY(copy.peakMemoryBytes > view.peakMemory(QStringLiteral("copy")).jobBytes());

        // Two curves, the references at the array and (2 workers + 1) × the array.
        QVERIFY(view.plot()->sampleCount(ComparePlot::Shared) > 0);
        QVERIFY(view.plot()->sampleCount(ComparePlot::Copy) > 0);
        bool found = false;
        const double copyTop = view.plot()->curve(ComparePlot::Copy)->data()->valueRange(found).upper;
        QVERIFY(found);
        QVERIFY(copyTop >= 2.9 * bytes / (1024.0 * 1024.0));
        const double sharedTop = view.plot()->curve(ComparePlot::Shared)->data()->valueRange(found).upper;
        QVERIFY(sharedTop <= 1.15 * bytes / (1024.0 * 1024.0));
        QVERIFY(view.plot()->referenceLine(0)->visible() && view.plot()->referenceLine(1)->visible());
        QVERIFY(view.plot()->referenceLine(1)->name().startsWith(QStringLiteral("3 ×")));

        // One table row per mode, filled in.
        QCOMPARE(view.table()->rowCount(), 2);
        QCOMPARE(cell(view, 0, CompareView::ModeColumn), QStringLiteral("shared"));
        QCOMPARE(cell(view, 1, CompareView::ModeColumn), QStringLiteral("copy"));
        for (int row = 0; row < 2; ++row) {
            QCOMPARE(cell(view, row, CompareView::StatusColumn), QStringLiteral("done"));
            for (int column : { CompareView::ElapsedColumn, CompareView::StartupColumn, CompareView::ComputeColumn })
                QVERIFY(cell(view, row, column).endsWith(QLatin1String(" s")));
            QVERIFY(cell(view, row, CompareView::PeakColumn).endsWith(QLatin1String("MiB")));
        }
        QCOMPARE(cell(view, 0, CompareView::RatioColumn), QStringLiteral("%1 ×").arg(sharedRatio, 0, 'f', 2));
        QCOMPARE(cell(view, 1, CompareView::RatioColumn), QStringLiteral("%1 ×").arg(copyRatio, 0, 'f', 2));
        QVERIFY(cell(view, 1, CompareView::RatioColumn, Qt::ToolTipRole).contains(QStringLiteral("workers' own")));
        QVERIFY(view.messageText().isEmpty());
    }

    void copyThatCannotFitIsRefused()
    {
        // Enough workers that workers × the array exceeds the memory available now (with room
        // to spare), on an array with a row per worker so that every worker gets a task.
        constexpr qint64 rows = 2048;
        constexpr qint64 columns = 16384; // 256 MiB
        const qint64 bytes = rows * columns * 8;
        const qint64 available = availableMemoryBytes(); // the engine's own reading (0 when unreadable)
        QVERIFY(available > 0);
        const qint64 workers = available / bytes * 3 / 2 + 8;
        QVERIFY2(workers <= rows, "this machine has more memory than the test's array can exceed");

        ArrayStore store;
        const auto array = generate(store, { rows, columns }, 3, 60000);
        QVERIFY(array);

        CompareView view;
        view.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        view.show();
        QSignalSpy ended(&view, &CompareView::comparisonEnded);
        JobSpec spec = rowSum(int(workers));
        QVERIFY(view.compare(spec, array));
        QVERIFY(ended.wait(240000));

        const QString message = view.messageText();
        QVERIFY2(message.contains(QLatin1String("MemoryError")) && message.contains(QLatin1String("copy mode needs"))
                     && message.contains(QLatin1String("available")),
                 qPrintable(message));
        QCOMPARE(cell(view, 1, CompareView::StatusColumn), QStringLiteral("refused"));
        QVERIFY(cell(view, 1, CompareView::PeakColumn).isEmpty());
        const JobResult shared = view.result(QStringLiteral("shared"));
        QVERIFY(!shared.cancelled);
        QCOMPARE(shared.doneCount(), rows);
        QCOMPARE(cell(view, 0, CompareView::StatusColumn), QStringLiteral("done"));
        QVERIFY(view.plot()->sampleCount(ComparePlot::Shared) > 0);
        QCOMPARE(view.plot()->sampleCount(ComparePlot::Copy), qint64(0));
        QVERIFY(!view.plot()->referenceLine(1)->visible()); // no N × line for copies never made
        QVERIFY(!view.resultsIdentical());
        QVERIFY(!view.verdictText().contains(QLatin1String("yes")));
    }

    void cancelStopsAndASecondCompareClears()
    {
        ArrayStore store;
        const auto array = load(store);
        QVERIFY(array);
        CompareView view;
        view.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        view.show();
        QPushButton* cancelButton = nullptr;
        for (QPushButton* button : view.findChildren<QPushButton*>()) {
            if (button->text() == QLatin1String("&Cancel"))
                cancelButton = button;
        }
        QVERIFY(cancelButton);
        QVERIFY(!cancelButton->isEnabled());

        JobSpec slow = rowSum(2);
        slow.params.insert(QStringLiteral("sleep_ms"), 20.0); // 1000 × 20 ms / 2 workers: 10 s
        slow.chunkSize = 1;
        QSignalSpy ended(&view, &CompareView::comparisonEnded);
        QVERIFY(view.compare(slow, array));
        QVERIFY(!view.compare(slow, array)); // one comparison at a time
        QTRY_VERIFY_WITH_TIMEOUT(view.pool()->progress().done >= 4, 10000);
        QVERIFY(cancelButton->isEnabled());
        QTest::mouseClick(cancelButton, Qt::LeftButton);
        QVERIFY(ended.wait(5000));
        QVERIFY(view.result(QStringLiteral("shared")).cancelled);
        QCOMPARE(view.result(QStringLiteral("copy")).jobId, quint64(0)); // never started
        QCOMPARE(cell(view, 0, CompareView::StatusColumn), QStringLiteral("cancelled"));
        QCOMPARE(cell(view, 1, CompareView::StatusColumn), QStringLiteral("waiting"));
        QVERIFY(!view.resultsIdentical());
        QVERIFY(!cancelButton->isEnabled());
        QVERIFY(view.plot()->sampleCount(ComparePlot::Shared) > 0);

        // A second comparison starts from a clean slate, and runs to the end.
        QVERIFY(view.compare(rowSum(2), array));
        QCOMPARE(view.plot()->sampleCount(ComparePlot::Shared), qint64(0));
        QCOMPARE(cell(view, 0, CompareView::StatusColumn), QStringLiteral("running…"));
        QCOMPARE(cell(view, 1, CompareView::StatusColumn), QStringLiteral("waiting"));
        QVERIFY(view.messageText().isEmpty());
        QVERIFY(ended.wait(120000));
        QVERIFY(view.resultsIdentical());

        // Closing the view (Esc) cancels a running comparison: no hidden view keeps workers busy
        // or the array in memory.
        const long users = array.use_count(); // the store, this test and the view
        QVERIFY(view.compare(slow, array));
        QVERIFY(array.use_count() > users); // and the pool's run
        QTRY_VERIFY_WITH_TIMEOUT(view.pool()->progress().done >= 2, 10000);
        QTest::keyClick(&view, Qt::Key_Escape);
        QVERIFY(!view.isVisible());
        QVERIFY(ended.wait(5000));
        QVERIFY(view.result(QStringLiteral("shared")).cancelled);
        QVERIFY(!view.pool()->isRunning());
        QCOMPARE(array.use_count(), users - 1);
    }

    void windowActionComparesTheCurrentJob()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QVERIFY(window.compareAction());
        QVERIFY(window.menuBar()
                    ->findChild<QMenu*>(QStringLiteral("demosMenu"))
                    ->actions()
                    .contains(window.compareAction()));
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        window.openFile(m_dir.filePath(QStringLiteral("A.npy")));
        QVERIFY(loaded.wait(30000));
        JobSpec spec = rowSum(2);
        spec.kernel = QStringLiteral("row_max");
        spec.indices = QStringLiteral("10:500:3");
        window.jobPanel()->setSpec(spec);
        QVERIFY(window.jobPanel()->problem().isEmpty());

        window.compareAction()->trigger();
        auto* view = window.findChild<CompareView*>();
        QVERIFY(view && view->isVisible() && view->isRunning());
        QVERIFY(view->pool() != window.pool());
        QSignalSpy ended(view, &CompareView::comparisonEnded);
        QVERIFY(ended.wait(120000));
        const JobResult copy = view->result(QStringLiteral("copy"));
        QCOMPARE(copy.kernelName, QStringLiteral("row_max"));
        QCOMPARE(copy.taskCount(), qint64(164));
        QCOMPARE(copy.inputPath, m_dir.filePath(QStringLiteral("A.npy")));
        QVERIFY(view->resultsIdentical());
        QVERIFY(!window.pool()->isRunning()); // the window's own pool was not used
    }

    void namesAreTranslatedAndTheOrderIsRemembered_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<int>("order");
        QTest::newRow("en, shared first") << QString() << 0;
        QTest::newRow("en, copy first") << QString() << 1;
        QTest::newRow("zh_CN, shared first") << QStringLiteral("zh_CN") << 0;
        QTest::newRow("zh_CN, copy first") << QStringLiteral("zh_CN") << 1;
    }

    void namesAreTranslatedAndTheOrderIsRemembered()
    {
        QFETCH(QString, language);
        QFETCH(int, order);
        QTranslator translator;
        if (!language.isEmpty()) {
            QVERIFY(translator.load(QStringLiteral(":/i18n/sharedmap_%1.qm").arg(language)));
            QVERIFY(QCoreApplication::installTranslator(&translator));
        }
        const auto removeTranslator = qScopeGuard([&] { QCoreApplication::removeTranslator(&translator); });
        const QString sharedName = ComparePlot::runName(ComparePlot::Shared);
        const QString copyName = ComparePlot::runName(ComparePlot::Copy);
        if (language.isEmpty()) { // English is the source language: the names are the CLI's
            QCOMPARE(sharedName, QStringLiteral("shared"));
            QCOMPARE(copyName, QStringLiteral("copy"));
        } else {
            QVERIFY2(hasHanzi(sharedName) && hasHanzi(copyName), qPrintable(sharedName + QLatin1Char(' ') + copyName));
            QVERIFY(sharedName != copyName);
        }

        ArrayStore store;
        const auto array = generate(store, { 40, 50 }, 5, 30000);
        QVERIFY(array);

        // A fresh settings location runs shared first; the choice made in one view is stored.
        {
            CompareView view;
            auto* combo = view.findChild<QComboBox*>();
            QCOMPARE(combo->currentIndex(), 0);
            QCOMPARE(combo->currentData().toStringList().value(0), QStringLiteral("shared"));
            view.show();
            QTest::keyClick(combo, Qt::Key_Down); // as the user chooses: copy first, then maybe back
            if (order == 0)
                QTest::keyClick(combo, Qt::Key_Up);
            QCOMPARE(combo->currentIndex(), order);
        }
        QCOMPARE(Settings::instance()->compareFirstMode(),
                 order == 1 ? QStringLiteral("copy") : QStringLiteral("shared"));

        // A new view restores it, and runs in that order; its table and legend use the shown names.
        CompareView view;
        view.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        view.show();
        QCOMPARE(view.findChild<QComboBox*>()->currentIndex(), order);
        QCOMPARE(cell(view, 0, CompareView::ModeColumn), sharedName);
        QCOMPARE(cell(view, 1, CompareView::ModeColumn), copyName);
        QVERIFY2(view.plot()->curve(ComparePlot::Shared)->name().startsWith(sharedName),
                 qPrintable(view.plot()->curve(ComparePlot::Shared)->name()));
        QVERIFY2(view.plot()->curve(ComparePlot::Copy)->name().startsWith(copyName),
                 qPrintable(view.plot()->curve(ComparePlot::Copy)->name()));
        QSignalSpy ended(&view, &CompareView::comparisonEnded);
        QVERIFY(view.compare(rowSum(2), array));
        QVERIFY(ended.wait(60000));
        const JobResult shared = view.result(QStringLiteral("shared"));
        const JobResult copy = view.result(QStringLiteral("copy"));
        QVERIFY(shared.jobId != 0 && copy.jobId != 0);
        QCOMPARE(shared.jobId < copy.jobId, order == 0);
        QVERIFY(view.resultsIdentical());
        QCOMPARE(cell(view, 0, CompareView::ModeColumn), sharedName);
        QCOMPARE(cell(view, 1, CompareView::ModeColumn), copyName);
        if (!language.isEmpty()) // the rest of the row is translated too
            QVERIFY2(hasHanzi(cell(view, 0, CompareView::StatusColumn)),
                     qPrintable(cell(view, 0, CompareView::StatusColumn)));
    }

private:
    /// A uniform float64 array of `shape` generated in shared memory; null when it took too long.
    std::shared_ptr<const SharedArray> generate(ArrayStore& store, const QVector<qint64>& shape, quint64 seed,
                                                int timeoutMs)
    {
        ArrayMeta meta;
        meta.dtype = DType::Float64;
        meta.shape = shape;
        QSignalSpy loaded(&store, &ArrayStore::loaded);
        const int id = store.generate(QStringLiteral("generated"), meta, Distribution::Uniform, seed);
        return loaded.wait(timeoutMs) ? store.array(id) : nullptr;
    }

    std::shared_ptr<const SharedArray> load(ArrayStore& store)
    {
        QSignalSpy loaded(&store, &ArrayStore::loaded);
        const int id = store.load(m_dir.filePath(QStringLiteral("A.npy")));
        if (!loaded.wait(30000))
            return nullptr;
        return store.array(id);
    }

    static JobSpec rowSum(int workers)
    {
        JobSpec spec;
        spec.kernel = QStringLiteral("row_sum");
        spec.workers = workers;
        return spec;
    }

    QTemporaryDir m_dir;
    std::shared_ptr<SharedArray> m_expected;
};

QTEST_MAIN(TestCompareView)
#include "tst_compareview.moc"
