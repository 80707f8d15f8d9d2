// Issue 7 in the window, offscreen: the formula editor (checking as you type, the error position
// underlined, Run disabled, examples, a preview equal to NumPy's value) and Kernels ▸ Load plugin
// (the example plugin's kernels in the picker with their metadata, a job run with one, a plugin
// of another SDK version refused). Real files written by NumPy, real workers.
#include "engine/pool.h"
#include "formulaeditor.h"
#include "guioptions.h"
#include "guitest.h"
#include "io/arraystore.h"
#include "job/jobresult.h"
#include "jobpanel.h"
#include "kernelmenu.h"
#include "mainwindow.h"
#include "pluginguard.h"
#include "settings.h"
#include "shm/sharedarray.h"

#include <cmath>
#include <limits>
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace sharedmap;
using guitest::loadDoubles;
using guitest::runPython;

namespace {

// Formulas whose value for index 0 NumPy computes in initTestCase (same order as there).
const char* const kPreviewCases[][2] = {
    { "x^2", "sum" },           { "x", "mean" },           { "abs(x - j)", "max" },
    { "x > 0 ? 1 : 0", "sum" }, { "B(i, i) * 2", "none" }, { "B(i, n - 1) - B(i, 0)", "none" },
    { "x^3 + 1", "map" }, // a row: the preview's value is its first element
};

} // namespace

class TestKernelsUi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SharedMapTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_kernelsui"));
        QSettings().clear(); // the window restores the last job, and a job names its plugins
        QVERIFY(m_dir.isValid());
        QVERIFY(runPython(
            QStringLiteral(
                "import numpy as np\n"
                "B = np.random.default_rng(3).normal(size=(12, 9))\n"
                "np.save('B.npy', B)\n"
                "r = B[0]\n"
                "np.save('preview.npy', np.array([(r**2).sum(), r.mean(), np.abs(r - np.arange(9)).max(),\n"
                "                                 (r > 0).sum(), B[0, 0] * 2, B[0, -1] - B[0, 0], r[0]**3 + 1]))\n"
                "np.save('median.npy', np.median(B, axis=1))\n"),
            m_dir.path()));
    }

    void badFormulaIsMarked_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("reduce");
        QTest::addColumn<int>("position");
        QTest::newRow("unfinished") << "x^2+"
                                    << "sum" << 4;
        QTest::newRow("unknown variable") << "x + y"
                                          << "sum" << 4;
        QTest::newRow("unknown function") << "foo(x)"
                                          << "sum" << 0;
        QTest::newRow("open parenthesis") << "sin(x"
                                          << "mean" << 5;
        QTest::newRow("j without elements") << "B(i, j)"
                                            << "none" << 5;
    }

    void badFormulaIsMarked()
    {
        QFETCH(QString, expression);
        QFETCH(QString, reduce);
        QFETCH(int, position);
        MainWindow window;
        window.show();
        QVERIFY(openB(window));
        FormulaEditor* editor = chooseFormula(window);
        QVERIFY(editor);
        editor->setReduce(reduce);
        editor->editor()->clear();
        QTest::keyClicks(editor->editor(), expression);
        QCOMPARE(editor->expression(), expression);

        QCOMPARE(editor->problem().position, position);
        const auto marks = editor->editor()->extraSelections();
        QCOMPARE(marks.size(), 1);
        const int marked = qBound(0, position, int(expression.size()) - 1);
        QCOMPARE(marks.first().cursor.selectionStart(), marked);
        QCOMPARE(marks.first().cursor.selectionEnd(), marked + 1);
        QCOMPARE(marks.first().format.underlineStyle(), QTextCharFormat::WaveUnderline);
        auto* message = editor->findChild<QLabel*>(QStringLiteral("formulaMessage"));
        QVERIFY(message && !message->isHidden());
        QVERIFY2(message->text().startsWith(QStringLiteral("Position %1: ").arg(position)),
                 qPrintable(message->text()));
        QVERIFY(!window.jobPanel()->problem().isEmpty());
        QVERIFY(!window.runAction()->isEnabled());

        // Fixing it removes the mark and enables Run.
        editor->editor()->clear();
        QTest::keyClicks(editor->editor(),
                         reduce == QLatin1String("none") ? QStringLiteral("B(i, 0)") : QStringLiteral("x"));
        QVERIFY(editor->editor()->extraSelections().isEmpty());
        QVERIFY(message->isHidden());
        QVERIFY2(window.jobPanel()->problem().isEmpty(), qPrintable(window.jobPanel()->problem()));
        QVERIFY(window.runAction()->isEnabled());
    }

    void previewEqualsNumpy_data()
    {
        QTest::addColumn<int>("which");
        for (int k = 0; k < int(std::size(kPreviewCases)); ++k)
            QTest::newRow(kPreviewCases[k][0]) << k;
    }

    void previewEqualsNumpy()
    {
        QFETCH(int, which);
        const QVector<double> expected = loadDoubles(m_dir.filePath(QStringLiteral("preview.npy")));
        QCOMPARE(expected.size(), int(std::size(kPreviewCases)));
        MainWindow window;
        window.show();
        QVERIFY(openB(window));
        FormulaEditor* editor = chooseFormula(window);
        QVERIFY(editor);
        editor->setReduce(QString::fromLatin1(kPreviewCases[which][1]));
        editor->editor()->clear();
        QSignalSpy ready(editor, &FormulaEditor::previewReady);
        QTest::keyClicks(editor->editor(), QString::fromLatin1(kPreviewCases[which][0]));
        QVERIFY(editor->problem().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!std::isnan(editor->previewValue()), 10000);
        const double want = expected[which];
        QVERIFY2(std::abs(editor->previewValue() - want) <= 1e-12 * (1 + std::abs(want)),
                 qPrintable(QStringLiteral("%1 vs %2").arg(editor->previewValue()).arg(want)));
        QVERIFY2(editor->previewText().startsWith(QStringLiteral("Preview, index 0: ")),
                 qPrintable(editor->previewText()));
        if (QLatin1String(kPreviewCases[which][1]) == QLatin1String("map")) // the row, shortened, and its length
            QVERIFY2(editor->previewText().endsWith(QStringLiteral("…] (9 values)")),
                     qPrintable(editor->previewText()));
        QVERIFY(window.runAction()->isEnabled());
    }

    /// The editor speaks its own language: an empty formula gets an example, an unknown name the
    /// list of names that exist (not the command line's --param).
    void formulaProblemsInTheEditorsTerms()
    {
        MainWindow window;
        window.show();
        QVERIFY(openB(window));
        FormulaEditor* editor = chooseFormula(window);
        QVERIFY(editor);
        editor->setReduce(QStringLiteral("sum"));
        editor->editor()->clear();
        QVERIFY(!editor->problem().isEmpty());
        QVERIFY2(editor->problemText().contains(QStringLiteral("x^2")), qPrintable(editor->problemText()));
        QVERIFY(!editor->problemText().contains(QStringLiteral("--param")));
        QVERIFY(!window.jobPanel()->problem().contains(QStringLiteral("--param")));
        QVERIFY(!window.runAction()->toolTip().contains(QStringLiteral("--param")));

        QTest::keyClicks(editor->editor(), QStringLiteral("sqrt(x) + foo * 2e3"));
        QVERIFY(!editor->problem().isEmpty());
        const QString text = editor->problemText();
        QVERIFY2(text.startsWith(QStringLiteral("Position 10: 'foo' is not a name")), qPrintable(text));
        for (const char* name : { "x", "i", "j", "n", "sqrt", "sin", "B", "_pi" })
            QVERIFY2(text.contains(QLatin1String(name)), qPrintable(text));
        QCOMPARE(editor->problem().position, 10); // the unknown name is the one marked
        QCOMPARE(window.jobPanel()->problem(), text);
        // With reduce=none there is no element x: listed names follow the mode.
        editor->setReduce(QStringLiteral("none"));
        QVERIFY2(editor->problemText().contains(QStringLiteral("'x' is not a name")),
                 qPrintable(editor->problemText()));
    }

    void exampleFillsTheEditor()
    {
        const QVector<double> expected = loadDoubles(m_dir.filePath(QStringLiteral("preview.npy")));
        MainWindow window;
        window.show();
        QVERIFY(openB(window));
        FormulaEditor* editor = chooseFormula(window);
        QVERIFY(editor);
        auto* examples = editor->findChild<QComboBox*>(QStringLiteral("formulaExamples"));
        QVERIFY(examples && examples->count() > 1);
        int diagonal = -1;
        for (int k = 1; k < examples->count(); ++k) {
            if (examples->itemText(k).contains(QLatin1String("B(i, i) * 2")))
                diagonal = k;
        }
        QVERIFY(diagonal > 0);
        examples->setCurrentIndex(diagonal);
        emit examples->activated(diagonal);
        QCOMPARE(editor->expression(), QStringLiteral("B(i, i) * 2"));
        QCOMPARE(editor->reduce(), QStringLiteral("none"));
        QCOMPARE(window.jobPanel()->spec().params.value(QStringLiteral("expr")).toString(),
                 QStringLiteral("B(i, i) * 2"));
        QTRY_VERIFY_WITH_TIMEOUT(!std::isnan(editor->previewValue()), 10000);
        QCOMPARE(editor->previewValue(), expected[4]);
    }

    void pluginOfAnotherSdkIsRefused()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QSignalSpy problem(window.kernelMenu(), &KernelMenu::problem);
        window.kernelMenu()->loadPlugin(QStringLiteral(SDK99_PLUGIN));
        QVERIFY(problem.wait(10000));
        const QString message = problem.first().first().toString();
        QVERIFY2(message.contains(QLatin1String("SDK version 99")), qPrintable(message));
        QVERIFY(window.bannerText().contains(QLatin1String("SDK version 99")));
        auto* kernel = window.jobPanel()->findChild<QComboBox*>();
        for (int k = 0; k < kernel->count(); ++k)
            QVERIFY(!kernel->itemText(k).contains(QLatin1String("plugin")));
    }

    void pluginThatCrashesOnLoadIsOnlyReported()
    {
        // Kernels ▸ Load plugin… loads it in a worker process first: that process dies, the
        // window says why and goes on, and the plugin is never loaded here.
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QSignalSpy problem(window.kernelMenu(), &KernelMenu::problem);
        QSignalSpy changed(window.kernelMenu(), &KernelMenu::kernelsChanged);
        window.kernelMenu()->loadPlugin(QStringLiteral(CRASH_PLUGIN));
        QVERIFY(problem.wait(10000));
        const QString message = problem.first().first().toString();
        QVERIFY2(message.contains(QLatin1String("crashed while it was loaded")), qPrintable(message));
        QVERIFY(window.bannerText().contains(QLatin1String("crashed while it was loaded")));
        QVERIFY(changed.isEmpty());
        QVERIFY(!KernelRegistry::instance().pluginPaths().contains(
            QFileInfo(QStringLiteral(CRASH_PLUGIN)).canonicalFilePath()));
    }

    void loadedPluginKernelsArePickedAndRun()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QVERIFY(openB(window));
        auto* kernel = window.jobPanel()->findChild<QComboBox*>();
        QVERIFY(kernel);
        QCOMPARE(kernel->findData(QStringLiteral("row_median")), -1);
        // Kernels ▸ Load plugin… opens a file dialog; choosing the example plugin loads it.
        QVERIFY(window.menuBar()->actions().contains(window.kernelMenu()->menuAction()));
        QCOMPARE(window.kernelMenu()->title(), QStringLiteral("&Kernels"));
        QAction* load = window.kernelMenu()->actions().value(0);
        QVERIFY(load);
        QCOMPARE(load->text(), QStringLiteral("&Load plugin…"));
        QSignalSpy changed(window.kernelMenu(), &KernelMenu::kernelsChanged);
        load->trigger();
        QFileDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<QFileDialog*>()) != nullptr && dialog->isVisible());
        dialog->selectFile(QStringLiteral(ROW_MEDIAN_PLUGIN));
        QVERIFY(QMetaObject::invokeMethod(dialog, "accept")); // the Open button
        QVERIFY(changed.wait(10000));
        QCOMPARE(changed.first().first().toStringList(),
                 QStringList({ QStringLiteral("row_median"), QStringLiteral("row_quantile") }));

        const int median = kernel->findData(QStringLiteral("row_median"));
        QVERIFY(median >= 0);
        QCOMPARE(kernel->itemText(median), QStringLiteral("row_median (plugin)"));
        QVERIFY(kernel->itemData(median, Qt::ToolTipRole).toString().startsWith(QLatin1String("Median of row a")));
        kernel->setCurrentIndex(median);
        const QLabel* description = window.jobPanel()->findChild<QLabel*>();
        QVERIFY2(description->text().contains(QLatin1String("Median of row a"))
                     && description->text().endsWith(QStringLiteral(" · plugin librow_median.so")),
                 qPrintable(description->text()));
        QCOMPARE(
            description->toolTip(),
            QStringLiteral("Plugin file: %1").arg(QFileInfo(QStringLiteral(ROW_MEDIAN_PLUGIN)).canonicalFilePath()));
        kernel->setCurrentIndex(kernel->findData(QStringLiteral("row_quantile")));
        QVERIFY(window.jobPanel()->findChild<QWidget*>(QStringLiteral("param_q")));
        kernel->setCurrentIndex(median);
        QVERIFY2(window.jobPanel()->problem().isEmpty(), qPrintable(window.jobPanel()->problem()));

        // The workers load the same plugin file; the results equal NumPy's.
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        QVERIFY(ended.wait(20000));
        const QVector<double> expected = loadDoubles(m_dir.filePath(QStringLiteral("median.npy")));
        QCOMPARE(window.lastResult().values.size(), expected.size());
        for (int k = 0; k < expected.size(); ++k)
            QVERIFY(std::abs(window.lastResult().values[k] - expected[k]) <= 1e-12 * (1 + std::abs(expected[k])));
    }

    void pluginThatCrashedTheWindowIsNotLoadedAgain()
    {
        // A load that crashed the window leaves its marker: the next window blocks that plugin
        // (at start, from a job) and says so; Load plugin… unblocks it once a worker process has
        // loaded it without a crash.
        // A window that died while loading (a pid above pid_max: no such process). A live
        // window's marker is left alone: it is loading, not crashed.
        const QString marker = PluginGuard::markerPath(std::numeric_limits<int>::max());
        const QString live = PluginGuard::markerPath(1); // init: always running
        const QString crash = QFileInfo(QStringLiteral(CRASH_PLUGIN)).canonicalFilePath();
        const QString median = QFileInfo(QStringLiteral(ROW_MEDIAN_PLUGIN)).canonicalFilePath();
        QVERIFY(QDir().mkpath(QFileInfo(marker).absolutePath()));
        Settings::instance()->setBlockedPlugins({ median }); // as if it had crashed an earlier run
        for (const QString& path : { marker, live }) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(crash.toUtf8());
        }
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        QSignalSpy problem(window.kernelMenu(), &KernelMenu::problem);
        window.show();
        QVERIFY(problem.wait(5000));
        const QString message = problem.first().first().toString();
        QVERIFY2(message.contains(crash) && message.contains(QLatin1String("crashed SharedMap")), qPrintable(message));
        QVERIFY(!QFile::exists(marker));
        QVERIFY(QFile::exists(live));
        QFile::remove(live);
        QVERIFY(PluginGuard::isBlocked(crash) && PluginGuard::isBlocked(median));
        // Blocked: not loaded into this process (it would crash the test), however it is named.
        QVERIFY(PluginGuard::load(crash).contains(QLatin1String("crashed SharedMap when it was last loaded")));
        JobSpec spec;
        spec.kernel = QStringLiteral("row_sum");
        spec.plugins = { crash };
        window.jobPanel()->setSpec(spec);
        QVERIFY(!KernelRegistry::instance().pluginPaths().contains(crash));
        // Load plugin… probes again: the crashing one stays blocked, the good one loads.
        problem.clear();
        window.kernelMenu()->loadPlugin(crash);
        QVERIFY(problem.wait(10000));
        QVERIFY(PluginGuard::isBlocked(crash));
        QSignalSpy changed(window.kernelMenu(), &KernelMenu::kernelsChanged);
        window.kernelMenu()->loadPlugin(median);
        QVERIFY(changed.wait(10000));
        QVERIFY(!PluginGuard::isBlocked(median));
        QVERIFY(KernelRegistry::instance().pluginPaths().contains(median));
        Settings::instance()->setBlockedPlugins({});
    }

    void pluginOnTheCommandLine()
    {
        GuiOptions options;
        QCOMPARE(GuiOptions::parse({ QStringLiteral("--plugin"), QStringLiteral(TEST_PLUGIN),
                                     QStringLiteral("--kernel"), QStringLiteral("plugin_misbehave"),
                                     QStringLiteral("--param"), QStringLiteral("fail_at=3") },
                                   &options),
                 QString());
        QCOMPARE(options.job.plugins, QStringList { QStringLiteral(TEST_PLUGIN) });
        QVERIFY(!KernelRegistry::instance().find(QStringLiteral("plugin_misbehave")));
        MainWindow window;
        window.applyOptions(options);
        QCOMPARE(window.jobPanel()->spec().kernel, QStringLiteral("plugin_misbehave"));
        QCOMPARE(window.jobPanel()->spec().params.value(QStringLiteral("fail_at")).toString(), QStringLiteral("3"));
        QCOMPARE(window.jobPanel()->spec().plugins,
                 QStringList { QFileInfo(QStringLiteral(TEST_PLUGIN)).canonicalFilePath() });
    }

private:
    bool openB(MainWindow& window)
    {
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        window.openFile(m_dir.filePath(QStringLiteral("B.npy")));
        return loaded.wait(10000);
    }

    FormulaEditor* chooseFormula(MainWindow& window)
    {
        auto* kernel = window.jobPanel()->findChild<QComboBox*>();
        if (!kernel)
            return nullptr;
        kernel->setCurrentIndex(kernel->findData(QStringLiteral("formula")));
        return window.jobPanel()->formulaEditor();
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestKernelsUi)
#include "tst_kernelsui.moc"
