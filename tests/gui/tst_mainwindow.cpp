// Drives the real window offscreen: real files written by NumPy, real workers, real segments.
#include "base/progressformat.h"
#include "datapanel.h"
#include "engine/pool.h"
#include "guioptions.h"
#include "guitest.h"
#include "io/arraystore.h"
#include "io/npyformat.h"
#include "jobpanel.h"
#include "mainwindow.h"
#include "models/resultsmodel.h"
#include "models/workermodel.h"
#include "monitorpanel.h"
#include "plots/memoryplot.h"
#include "plots/resultsplot.h"
#include "plots/timelineplot.h"
#include "resultspanel.h"
#include "settings.h"
#include "shm/sharedarray.h"

#include <cmath>
#include <csignal>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QToolBar>
#include <QToolButton>
#include <QWheelEvent>

using namespace sharedmap;
using guitest::loadDoubles;
using guitest::runPython;

namespace {

/// Segments created by this process, from /proc/sysvipc/shm (column cpid).
int ownSegments()
{
    QFile file(QStringLiteral("/proc/sysvipc/shm"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = file.readAll().split('\n');
    int count = 0;
    for (int i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines[i].simplified().split(' ');
        if (fields.size() > 4 && fields[4].toLongLong() == QCoreApplication::applicationPid())
            ++count;
    }
    return count;
}

/// Children of this process still alive (workers).
int childProcesses()
{
    int count = 0;
    const QString self = QString::number(QCoreApplication::applicationPid());
    for (const QString& pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields[1] == self.toLatin1() && fields[0] != "Z")
            ++count;
    }
    return count;
}

QToolButton* toolButtonFor(MainWindow& window, QAction* action)
{
    for (QToolBar* bar : window.findChildren<QToolBar*>()) {
        if (auto* button = qobject_cast<QToolButton*>(bar->widgetForAction(action)))
            return button;
    }
    return nullptr;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SharedMapTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QVERIFY(m_dir.isValid());
        QVERIFY(runPython(QStringLiteral("import numpy as np\n"
                                         "B = np.random.default_rng(7).normal(size=(60, 33))\n"
                                         "np.save('B.npy', B)\n"
                                         "np.save('row_std.npy', B.std(1))\n"
                                         "np.save('diag.npy', np.diag(B))\n"
                                         "np.save('cumsum_then_sum.npy', np.cumsum(B[0:60:2], 1).sum(1))\n"
                                         "N = B / np.linalg.norm(B, axis=1, keepdims=True)\n"
                                         "np.save('normalize_then_std.npy', N[10:20].std(1))\n"
                                         "np.save('counts.npy', np.histogram(B, 10, range=(-2, 2))[0].astype(float))\n"
                                         "np.save('bad.npy', np.ones(3, dtype=np.complex128))\n"),
                          m_dir.path()));
    }

    void runsAJobOnANumpyFile()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QVERIFY(openB(window));

        // Choose the kernel and the workers through the widgets, then click Run.
        auto* kernel = window.jobPanel()->findChild<QComboBox*>();
        QVERIFY(kernel);
        kernel->setCurrentIndex(kernel->findData(QStringLiteral("row_std")));
        const auto spins = window.jobPanel()->findChildren<QSpinBox*>();
        QSpinBox* workers = nullptr;
        for (QSpinBox* spin : spins) {
            if (spin->maximum() == kMaxWorkers)
                workers = spin;
        }
        QVERIFY(workers);
        workers->setValue(2);
        auto* indices = window.jobPanel()->findChild<QLineEdit*>();
        indices->setText(QStringLiteral("all"));
        for (QCheckBox* box : window.jobPanel()->findChildren<QCheckBox*>()) {
            if (box->text() == QStringLiteral("auto"))
                box->setChecked(true); // auto chunk size, whatever an earlier run left in the settings
        }
        QVERIFY2(window.jobPanel()->problem().isEmpty(), qPrintable(window.jobPanel()->problem()));

        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QToolButton* run = toolButtonFor(window, window.runAction());
        QVERIFY(run && run->isEnabled());
        QTest::mouseClick(run, Qt::LeftButton);
        QVERIFY(ended.wait(20000));

        QCOMPARE(window.monitorPanel()->progressBar()->value(), window.monitorPanel()->progressBar()->maximum());
        QCOMPARE(window.monitorPanel()->workerModel()->rowCount(), 2);
        const QVector<double> expected = loadDoubles(m_dir.filePath(QStringLiteral("row_std.npy")));
        QCOMPARE(expected.size(), 60);
        ResultsPlot* plot = window.monitorPanel()->resultsPlot();
        QCOMPARE(plot->pointCount(), qint64(60));
        const auto data = plot->graph()->data();
        QCOMPARE(data->size(), 60);
        for (auto it = data->constBegin(); it != data->constEnd(); ++it)
            QVERIFY(std::abs(it->value - expected[int(it->key)]) < 1e-12);
        QCOMPARE(window.resultsModel()->doneCount(), qint64(60));
        QCOMPARE(window.lastResult().values.size(), 60);
        // Auto chunk size: the form shows the size the workers claimed, and the job stays auto.
        QSpinBox* chunk = nullptr;
        for (QSpinBox* spin : spins) {
            if (spin->maximum() == 1000000000)
                chunk = spin;
        }
        QVERIFY(chunk);
        QCOMPARE(chunk->prefix(), QStringLiteral("in use: "));
        QVERIFY(chunk->value() >= 1);
        QVERIFY(chunk->text().startsWith(QStringLiteral("in use: %1").arg(chunk->value())));
        QCOMPARE(window.jobPanel()->spec().chunkSize, qint64(0));
        // A saved plot carries the job in its title.
        QCOMPARE(window.plotTitle(QStringLiteral("Results")),
                 QStringLiteral("Results — row_std on B.npy, job %1").arg(window.lastResult().jobId));
        PlotExport options;
        options.title = window.plotTitle(QStringLiteral("Results"));
        const QString svg = m_dir.filePath(QStringLiteral("results.svg"));
        QVERIFY(window.savePlot(svg, options).isEmpty());
        QFile file(svg);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("row_std on B.npy"));
    }

    void cancelReturnsToIdleAndRunsAgain()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QVERIFY(openB(window));
        const int segmentsBefore = ownSegments();
        JobSpec spec;
        spec.kernel = QStringLiteral("diag");
        spec.params.insert(QStringLiteral("sleep_ms"), 50.0);
        spec.workers = 2;
        spec.chunkSize = 1;
        window.jobPanel()->setSpec(spec);
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        QVERIFY(window.pool()->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(window.pool()->progress().done >= 2, 5000);
        QVERIFY(!window.runAction()->isEnabled());
        QTest::keyClick(&window, Qt::Key_Escape);
        QVERIFY(ended.wait(5000));
        QVERIFY(window.lastResult().cancelled);
        QVERIFY(window.lastResult().doneCount() < 33);
        QVERIFY(window.runAction()->isEnabled());
        QVERIFY(!window.cancelAction()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(childProcesses(), 0, 3000);
        // No job segment is left; the last result's output array stays, for export and resume.
        QVERIFY(window.lastResult().values.array());
        QCOMPARE(ownSegments(), segmentsBefore + 1);
        const qint64 doneBefore = window.lastResult().doneCount();
        QVERIFY(doneBefore >= 2);
        const double firstRunS = window.lastResult().elapsedS;
        MonitorPanel* monitor = window.monitorPanel();
        // After Cancel: no time remaining is promised, and the workers were stopped, not finished.
        const QString cancelledStats = monitor->statsText();
        QVERIFY2(cancelledStats.startsWith(QStringLiteral("%1/33 [").arg(doneBefore)), qPrintable(cancelledStats));
        QVERIFY2(!cancelledStats.contains(QLatin1Char('<')), qPrintable(cancelledStats));
        QVERIFY2(cancelledStats.contains(QStringLiteral("cancelled")), qPrintable(cancelledStats));
        QCOMPARE(monitor->workerModel()->rowCount(), 2);
        for (int row = 0; row < 2; ++row)
            QCOMPARE(monitor->workerModel()->index(row, WorkerModel::StateColumn).data().toString(),
                     QStringLiteral("stopped"));
        const qint64 chunksBefore = monitor->timelinePlot()->chunkCount();
        QVERIFY(chunksBefore >= 2);

        // Resume computes only what the cancelled run left, and the values are complete.
        QVERIFY(window.resumeAction()->isEnabled());
        QVERIFY(window.resumeJob());
        QVERIFY(ended.wait(20000));
        QVERIFY(!window.lastResult().cancelled);
        QCOMPARE(window.lastResult().resumedPositions, doneBefore);
        QCOMPARE(window.lastResult().values.toVector(), loadDoubles(m_dir.filePath(QStringLiteral("diag.npy"))));
        QVERIFY(!window.resumeAction()->isEnabled());
        // The figures of a resumed run, as tqdm gives them: the rate over what this run computed
        // in its own time, and the whole job's time across both runs.
        const JobResult& resumed = window.lastResult();
        const double rate = double(33 - doneBefore) / resumed.elapsedS;
        QCOMPARE(monitor->statsText(), formatProgressStats(33, 33, resumed.elapsedS, rate));
        QCOMPARE(monitor->runCount(), 2);
        QCOMPARE(monitor->jobSeconds(), firstRunS + resumed.elapsedS);
        const QString summary = monitor->summaryText();
        QVERIFY2(
            summary.contains(QStringLiteral("in %1 s over 2 runs").arg(firstRunS + resumed.elapsedS, 0, 'f', 3))
                || summary.contains(QStringLiteral("in %1 s over 2 runs").arg(firstRunS + resumed.elapsedS, 0, 'f', 1)),
            qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("This run computed %1").arg(33 - doneBefore)), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("%1 were done before it").arg(doneBefore)), qPrintable(summary));
        QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("2 run")),
                 qPrintable(window.statusBar()->currentMessage()));
        // The timeline keeps the first run and draws the second after it.
        QCOMPARE(monitor->timelinePlot()->runCount(), 2);
        QCOMPARE(monitor->timelinePlot()->timeOffset(), firstRunS);
        QVERIFY(monitor->timelinePlot()->chunkCount() > chunksBefore);
        QCOMPARE(monitor->workerModel()->index(0, WorkerModel::StateColumn).data().toString(),
                 QStringLiteral("finished"));

        // A new run on the same array works and its results are the new job's.
        spec.params.insert(QStringLiteral("sleep_ms"), 0.0);
        window.jobPanel()->setSpec(spec);
        QVERIFY(window.runJob());
        QVERIFY(ended.wait(10000));
        QVERIFY(!window.lastResult().cancelled);
        const QVector<double> expected = loadDoubles(m_dir.filePath(QStringLiteral("diag.npy")));
        QCOMPARE(window.lastResult().values.toVector(), expected);
        QCOMPARE(window.monitorPanel()->resultsPlot()->pointCount(), qint64(33));
        // The earlier results' arrays went with them; only the last one is kept.
        QTRY_COMPARE_WITH_TIMEOUT(ownSegments(), segmentsBefore + 1, 3000);
    }

    void resultsBecomeTheNextInput_data()
    {
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("firstIndices");
        QTest::addColumn<QVector<qint64>>("outputShape");
        QTest::addColumn<QString>("second");
        QTest::addColumn<QString>("secondIndices");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("counts"); // the histogram's counts (a copy), not the output array
        QTest::newRow("row_cumsum, then row_sum")
            << QStringLiteral("row_cumsum") << QStringLiteral("0:60:2") << QVector<qint64> { 30, 33 }
            << QStringLiteral("row_sum") << QStringLiteral("all") << QStringLiteral("cumsum_then_sum.npy") << false;
        QTest::newRow("row_normalize, then row_std of a slice")
            << QStringLiteral("row_normalize") << QStringLiteral("all") << QVector<qint64> { 60, 33 }
            << QStringLiteral("row_std") << QStringLiteral("10:20") << QStringLiteral("normalize_then_std.npy")
            << false;
        QTest::newRow("histogram, then its counts as rows")
            << QStringLiteral("histogram") << QStringLiteral("all") << QVector<qint64> { 10 }
            << QStringLiteral("row_sum") << QStringLiteral("all") << QStringLiteral("counts.npy") << true;
    }

    /// A job's output array goes to the Data panel without a copy and feeds the next job.
    void resultsBecomeTheNextInput()
    {
        QFETCH(QString, first);
        QFETCH(QString, firstIndices);
        QFETCH(QVector<qint64>, outputShape);
        QFETCH(QString, second);
        QFETCH(QString, secondIndices);
        QFETCH(QString, expected);
        QFETCH(bool, counts);
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QVERIFY(!window.useResultsAction()->isEnabled()); // nothing has run yet
        QVERIFY(openB(window));
        const int inputId = window.dataPanel()->currentId();
        JobSpec spec;
        spec.kernel = first;
        spec.indices = firstIndices;
        spec.workers = 2;
        if (counts) {
            spec.params.insert(QStringLiteral("min"), -2.0);
            spec.params.insert(QStringLiteral("max"), 2.0);
        }
        window.jobPanel()->setSpec(spec);
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        QVERIFY(ended.wait(20000));
        QVERIFY(window.useResultsAction()->isEnabled());
        const std::shared_ptr<const SharedArray> output = window.lastResult().values.array();
        QVERIFY(output);

        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        window.useResultsAction()->trigger();
        QVERIFY(loaded.wait(5000));
        const int id = loaded.first().first().toInt();
        QVERIFY(id != inputId);
        QCOMPARE(window.dataPanel()->currentId(), id); // selected as the next input
        const std::shared_ptr<const SharedArray> adopted = window.store()->array(id);
        if (counts) {
            QCOMPARE(adopted->meta().dtype, DType::Int64);
        } else {
            QCOMPARE(adopted.get(), output.get()); // the same segment: no copy
            QVERIFY(adopted->segmentName().startsWith(QStringLiteral("sharedmap-output-")));
            QCOMPARE(adopted->meta().dtype, DType::Float64);
        }
        QCOMPARE(adopted->meta().shape, outputShape);
        QVERIFY(window.store()->entry(id).name.contains(first));

        spec.kernel = second;
        spec.indices = secondIndices;
        spec.params.clear();
        window.jobPanel()->setSpec(spec);
        QVERIFY2(window.jobPanel()->problem().isEmpty(), qPrintable(window.jobPanel()->problem()));
        QVERIFY(window.runJob());
        QVERIFY(ended.wait(20000));
        QVERIFY(!window.lastResult().cancelled);
        QCOMPARE(window.lastResult().inputMeta.shape, outputShape);
        const QVector<double> reference = loadDoubles(m_dir.filePath(expected));
        QCOMPARE(window.lastResult().values.size(), reference.size());
        for (qint64 k = 0; k < reference.size(); ++k)
            QVERIFY2(std::abs(window.lastResult().values[k] - reference[k]) <= 1e-12 * (1 + std::abs(reference[k])),
                     qPrintable(QStringLiteral("position %1: %2 vs %3")
                                    .arg(k)
                                    .arg(window.lastResult().values[k])
                                    .arg(reference[k])));
    }

    /// The Monitor's memory, part by part: this job's input once, the workers' own memory (their
    /// copies in copy mode), other arrays held apart; the summary says what happened in the mode.
    void memoryIsShownPerPart()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        ArrayMeta meta;
        meta.dtype = DType::Float64;
        meta.shape = { 1000, 2000 }; // another array held, as after a demo: 15 MiB
        window.store()->generate(QStringLiteral("history"), meta, Distribution::Uniform, 1);
        QVERIFY(loaded.wait(10000));
        const qint64 otherBytes = meta.byteSize();
        meta.shape = { 2000, 2000 }; // the input: 30.5 MiB
        const int input = window.store()->generate(QStringLiteral("input"), meta, Distribution::Uniform, 2);
        QVERIFY(loaded.wait(10000));
        window.dataPanel()->setCurrentId(input);
        const qint64 arrayBytes = meta.byteSize();

        for (const QString& mode : { QStringLiteral("copy"), QStringLiteral("shared") }) {
            JobSpec spec;
            spec.kernel = QStringLiteral("row_sum");
            spec.workers = 2;
            spec.mode = mode;
            window.jobPanel()->setSpec(spec);
            QSignalSpy ended(&window, &MainWindow::jobEnded);
            QVERIFY(window.runJob());
            QVERIFY(ended.wait(30000));
            MonitorPanel* monitor = window.monitorPanel();
            const MemoryParts& peak = monitor->peakMemory();
            QVERIFY(monitor->memoryPlot()->sampleCount() > 0);
            QVERIFY2(peak.inputBytes >= arrayBytes, qPrintable(QString::number(peak.inputBytes)));
            QVERIFY2(peak.inputBytes < arrayBytes * 11 / 10, qPrintable(QString::number(peak.inputBytes)));
            QVERIFY2(peak.otherBytes >= otherBytes, qPrintable(QString::number(peak.otherBytes)));
            QCOMPARE(peak.workerBytes.size(), 2);
            const QString summary = monitor->summaryText();
            if (mode == QLatin1String("copy")) {
                // Each worker held a copy: about workers + 1 arrays for this job.
                QVERIFY2(peak.workersBytes() >= arrayBytes * 19 / 10, qPrintable(QString::number(peak.workersBytes())));
                QVERIFY2(summary.contains(QStringLiteral("each worker held its own copy")), qPrintable(summary));
                QVERIFY2(!summary.contains(QStringLiteral("once in shared memory")), qPrintable(summary));
            } else {
                QVERIFY2(peak.workersBytes() < arrayBytes / 2, qPrintable(QString::number(peak.workersBytes())));
                QVERIFY2(summary.contains(QStringLiteral("once in shared memory for all workers")),
                         qPrintable(summary));
            }
            // The stacked plot's top is the sum of the parts; its bottom band is the input.
            bool found = false;
            const double inputTop
                = monitor->memoryPlot()->partGraph(MemoryPlot::InputPart)->data()->valueRange(found).upper;
            QVERIFY(found);
            QVERIFY(inputTop >= double(arrayBytes) / 1048576.0 - 1e-9);
        }
    }

    void malformedFileShowsAnErrorAndTheAppGoesOn()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QSignalSpy failed(window.store(), &ArrayStore::loadFailed);
        window.openFile(m_dir.filePath(QStringLiteral("bad.npy")));
        QVERIFY(failed.wait(10000));
        QVERIFY2(window.bannerText().contains(QLatin1String("complex")), qPrintable(window.bannerText()));
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        window.loadDemoArray();
        QVERIFY(loaded.wait(10000));
        JobSpec spec;
        spec.kernel = QStringLiteral("row_sum");
        spec.indices = QStringLiteral("0:10");
        spec.workers = 1;
        window.jobPanel()->setSpec(spec);
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        QVERIFY(ended.wait(10000));
        QCOMPARE(window.lastResult().doneCount(), qint64(10));
    }

    void invalidIndicesDisableRun()
    {
        MainWindow window;
        window.show();
        QVERIFY(openB(window));
        auto* indices = window.jobPanel()->findChild<QLineEdit*>();
        indices->setText(QStringLiteral("5:1:0"));
        QVERIFY(window.jobPanel()->problem().contains(QLatin1String("zero")));
        QVERIFY(!window.runAction()->isEnabled());
        indices->setText(QStringLiteral("0,1,999"));
        QVERIFY(!window.jobPanel()->problem().isEmpty());
        indices->setText(QStringLiteral("::-2"));
        QVERIFY(window.jobPanel()->problem().isEmpty());
        QVERIFY(window.runAction()->isEnabled());
    }

    /// Why Run is disabled is told on the Run button, in the status bar, and next to the field.
    void disabledRunSaysWhy_data()
    {
        QTest::addColumn<QString>("kernel");
        QTest::addColumn<QString>("indices");
        QTest::addColumn<int>("field");
        QTest::newRow("diag of a 3-D array: the kernel")
            << QStringLiteral("diag") << QStringLiteral("all") << int(JobPanel::Field::Kernel);
        QTest::newRow("indices out of range")
            << QStringLiteral("row_sum") << QStringLiteral("0,1,999") << int(JobPanel::Field::Indices);
        QTest::newRow("a zero step") << QStringLiteral("row_sum") << QStringLiteral("5:1:0")
                                     << int(JobPanel::Field::Indices);
    }

    void disabledRunSaysWhy()
    {
        QFETCH(QString, kernel);
        QFETCH(QString, indices);
        QFETCH(int, field);
        MainWindow window;
        window.show();
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        ArrayMeta meta;
        meta.dtype = DType::Float64;
        meta.shape = { 4, 5, 6 };
        window.store()->generate(QStringLiteral("cube"), meta, Distribution::Uniform, 1);
        QVERIFY(loaded.wait(10000));
        JobSpec spec;
        spec.kernel = kernel;
        spec.indices = indices;
        window.jobPanel()->setSpec(spec);
        const QString problem = window.jobPanel()->problem();
        QVERIFY(!problem.isEmpty());
        QCOMPARE(int(window.jobPanel()->problemField()), field);
        QVERIFY(!window.runAction()->isEnabled());
        QToolButton* run = toolButtonFor(window, window.runAction());
        QVERIFY(run && !run->isEnabled());
        QVERIFY2(run->toolTip().contains(problem), qPrintable(run->toolTip()));
        QVERIFY2(window.runHintText().contains(problem), qPrintable(window.runHintText()));
        QLabel* beside = window.jobPanel()->problemLabelFor(JobPanel::Field(field));
        QTRY_VERIFY(beside->isVisible());
        QCOMPARE(beside->text(), problem);
        // Next to the field: the label sits just below it, not at the bottom of the panel.
        QWidget* at = field == int(JobPanel::Field::Kernel)
            ? static_cast<QWidget*>(window.jobPanel()->findChild<QComboBox*>())
            : window.jobPanel()->findChild<QLineEdit*>();
        const int gap = beside->mapTo(window.jobPanel(), QPoint(0, 0)).y()
            - at->mapTo(window.jobPanel(), QPoint(0, at->height())).y();
        QVERIFY2(gap >= 0 && gap < 80, qPrintable(QString::number(gap)));
        QVERIFY(!at->styleSheet().isEmpty()); // highlighted

        // Fixed: Run is enabled and nothing says otherwise.
        spec.kernel = QStringLiteral("row_sum");
        spec.indices = QStringLiteral("all");
        window.jobPanel()->setSpec(spec);
        QVERIFY(window.runAction()->isEnabled());
        QVERIFY(window.runHintText().isEmpty());
        QVERIFY(!beside->isVisible() || !beside->text().contains(problem));
        QVERIFY(at->styleSheet().isEmpty());
    }

    /// The worker table shows every worker (up to a share of the Monitor), each column wide enough
    /// for what it holds, and the spare width goes to the chunk column, not the heartbeat.
    void workerTableFitsItsWorkers()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(openB(window));
        JobSpec spec;
        spec.kernel = QStringLiteral("row_sum");
        spec.workers = 4;
        window.jobPanel()->setSpec(spec);
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        QVERIFY(ended.wait(20000));
        QTableView* table = window.monitorPanel()->workerView();
        WorkerModel* model = window.monitorPanel()->workerModel();
        QCOMPARE(model->rowCount(), 4);
        QTRY_VERIFY(table->rowViewportPosition(3) >= 0);
        QVERIFY2(table->rowViewportPosition(3) + table->rowHeight(3) <= table->viewport()->height(),
                 qPrintable(QStringLiteral("%1 + %2 > %3")
                                .arg(table->rowViewportPosition(3))
                                .arg(table->rowHeight(3))
                                .arg(table->viewport()->height())));
        QHeaderView* header = table->horizontalHeader();
        for (int row = 0; row < 4; ++row) {
            for (int column = 0; column < WorkerModel::ColumnCount; ++column) {
                const QString text = model->index(row, column).data().toString();
                const int needed
                    = table->fontMetrics().horizontalAdvance(text) + (column == WorkerModel::StateColumn ? 16 : 0);
                QVERIFY2(header->sectionSize(column) >= needed,
                         qPrintable(QStringLiteral("column %1: '%2' needs %3 px, has %4")
                                        .arg(column)
                                        .arg(text)
                                        .arg(needed)
                                        .arg(header->sectionSize(column))));
            }
        }
        QVERIFY(header->sectionSize(WorkerModel::ChunkColumn) > header->sectionSize(WorkerModel::HeartbeatColumn));
        QVERIFY(header->sectionSize(WorkerModel::HeartbeatColumn) < table->viewport()->width() / 5);
    }

    /// On a small screen the Monitor keeps its room, and View ▸ Reset layout brings the panels back.
    void smallWindowKeepsTheMonitorAndResetsItsLayout()
    {
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QWidget* central = window.centralWidget();
        QTRY_VERIFY(central->height() >= 360);
        QVERIFY2(central->width() >= window.width() / 2, qPrintable(QString::number(central->width())));
        QAction* reset = window.findChild<QAction*>(QStringLiteral("resetLayout"));
        QVERIFY(reset);
        QDockWidget* job = window.findChild<QDockWidget*>(QStringLiteral("jobDock"));
        QDockWidget* results = window.findChild<QDockWidget*>(QStringLiteral("resultsDock"));
        QVERIFY(job && results);
        // Mess it up: the Job dock closed, Results floating, a side dock made huge.
        job->close();
        results->setFloating(true);
        window.resizeDocks({ window.findChild<QDockWidget*>(QStringLiteral("dataDock")) }, { 800 }, Qt::Horizontal);
        QVERIFY(!job->isVisible());
        reset->trigger();
        QTRY_VERIFY(job->isVisible());
        QVERIFY(!results->isFloating());
        QCOMPARE(window.dockWidgetArea(job), Qt::LeftDockWidgetArea);
        QCOMPARE(window.dockWidgetArea(results), Qt::BottomDockWidgetArea);
        QTRY_VERIFY2(central->width() >= window.width() / 2, qPrintable(QString::number(central->width())));
        QVERIFY(central->height() >= 360);
        // The demo's explanation shares the left column on a narrow window.
        QDockWidget* demo = window.findChild<QDockWidget*>(QStringLiteral("demoDock"));
        QVERIFY(demo && !demo->isVisible());
        QCOMPARE(window.dockWidgetArea(demo), Qt::LeftDockWidgetArea);
    }

    /// Quit while a job runs asks first (keep the results, or quit anyway); so does quitting with
    /// results never exported. Closing without asking (what SIGTERM does) closes at once.
    void quitAsksDuringARunAndWithUnsavedResults()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QVERIFY(openB(window));
        JobSpec spec;
        spec.kernel = QStringLiteral("diag");
        spec.params.insert(QStringLiteral("sleep_ms"), 100.0);
        spec.workers = 2;
        spec.chunkSize = 1;
        window.jobPanel()->setSpec(spec);
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        QTRY_VERIFY_WITH_TIMEOUT(window.pool()->progress().done >= 2, 10000);

        QVERIFY(!window.close()); // asked, not closed
        QVERIFY(window.isVisible());
        QVERIFY(window.pool()->isRunning()); // the job goes on while the question is open
        auto* box = window.findChild<QMessageBox*>();
        QVERIFY(box);
        QTRY_VERIFY(box->isVisible());
        QVERIFY2(box->text().contains(QStringLiteral("running")), qPrintable(box->text()));
        auto* keep = box->findChild<QPushButton*>(QStringLiteral("keepResults"));
        QVERIFY(keep);
        QTest::mouseClick(keep, Qt::LeftButton);
        QVERIFY(ended.wait(5000));
        QVERIFY(window.lastResult().cancelled);
        QVERIFY(window.lastResult().doneCount() >= 2);
        QVERIFY(window.isVisible()); // the results are kept, in the window
        QVERIFY(window.hasUnsavedResults());
        QTRY_VERIFY(!window.findChild<QMessageBox*>());

        // Results not exported: asked again; Go back keeps everything.
        QVERIFY(!window.close());
        box = window.findChild<QMessageBox*>();
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("exported")), qPrintable(box->text()));
        QTest::keyClick(box, Qt::Key_Escape);
        QTRY_VERIFY(!window.findChild<QMessageBox*>());
        QVERIFY(window.isVisible());

        // Quit anyway closes.
        QVERIFY(!window.close());
        box = window.findChild<QMessageBox*>();
        QVERIFY(box);
        QTest::mouseClick(box->findChild<QPushButton*>(QStringLiteral("quitAnyway")), Qt::LeftButton);
        QTRY_VERIFY(!window.isVisible());

        // Exported results: nothing to lose, Quit closes without a word.
        {
            MainWindow third;
            third.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
            third.show();
            QVERIFY(openB(third));
            spec.params.insert(QStringLiteral("sleep_ms"), 0.0);
            third.jobPanel()->setSpec(spec);
            QSignalSpy thirdEnded(&third, &MainWindow::jobEnded);
            QVERIFY(third.runJob());
            QVERIFY(thirdEnded.wait(10000));
            QVERIFY(third.hasUnsavedResults());
            QVERIFY(third.exportResults(m_dir.filePath(QStringLiteral("saved.npy"))).isEmpty());
            QVERIFY(!third.hasUnsavedResults());
            QVERIFY(third.close());
        }
        spec.params.insert(QStringLiteral("sleep_ms"), 100.0);

        // Closing without asking (SIGTERM, SIGINT) during a run: closed at once, the job stopped.
        MainWindow second;
        second.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        second.show();
        QVERIFY(openB(second));
        second.jobPanel()->setSpec(spec);
        QSignalSpy secondEnded(&second, &MainWindow::jobEnded);
        QVERIFY(second.runJob());
        second.closeWithoutAsking();
        QVERIFY(!second.isVisible());
        QVERIFY(!second.findChild<QMessageBox*>());
        QVERIFY(secondEnded.wait(5000));
        QTRY_COMPARE_WITH_TIMEOUT(childProcesses(), 0, 3000);
    }

    /// Scrolling the Job panel with the wheel scrolls it; it changes a value only in the editor
    /// that has the focus.
    void wheelScrollsTheFormNotItsValues()
    {
        MainWindow window;
        window.resize(1024, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        JobSpec spec;
        spec.kernel = QStringLiteral("diag");
        spec.params.insert(QStringLiteral("sleep_ms"), 100.0);
        window.jobPanel()->setSpec(spec);
        auto* sleep = window.jobPanel()->findChild<QDoubleSpinBox*>(QStringLiteral("param_sleep_ms"));
        QVERIFY(sleep);
        auto* kernel = window.jobPanel()->findChild<QComboBox*>();
        QVERIFY(kernel);
        auto* scroll = qobject_cast<QScrollArea*>(window.jobPanel()->parentWidget()->parentWidget());
        QVERIFY(scroll);
        scroll->verticalScrollBar()->setValue(0);
        // Room to scroll: the dock is shorter than the form.
        window.resizeDocks({ window.findChild<QDockWidget*>(QStringLiteral("jobDock")) }, { 160 }, Qt::Vertical);
        QTRY_VERIFY(scroll->verticalScrollBar()->maximum() > 0);
        const auto wheel = [](QWidget* target) {
            const QPointF at(target->width() / 2.0, target->height() / 2.0);
            QWheelEvent event(at, target->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                              Qt::NoScrollPhase, false);
            QCoreApplication::sendEvent(target, &event);
        };
        window.activateWindow();
        QVERIFY(!sleep->hasFocus());
        wheel(sleep);
        QCOMPARE(sleep->value(), 100.0);
        QVERIFY(scroll->verticalScrollBar()->value() > 0); // the form scrolled instead
        const int kernelIndex = kernel->currentIndex();
        wheel(kernel);
        QCOMPARE(kernel->currentIndex(), kernelIndex);
        QCOMPARE(kernel->focusPolicy(), Qt::StrongFocus);

        // Focused (clicked or tabbed to): the wheel is the editor's.
        sleep->setFocus();
        QTRY_VERIFY(sleep->hasFocus());
        wheel(sleep);
        QVERIFY(sleep->value() != 100.0);
    }

    /// Save job keeps the input: a file is named; an array made in the window is written beside
    /// the job (NumPy reads it back), and Open job loads exactly that.
    void saveJobKeepsItsInput()
    {
        MainWindow window;
        window.show();
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        ArrayMeta meta;
        meta.dtype = DType::Float64;
        meta.shape = { 50, 40 };
        window.store()->generate(QStringLiteral("made here"), meta, Distribution::Arange, 1);
        QVERIFY(loaded.wait(10000));
        JobSpec spec;
        spec.kernel = QStringLiteral("row_sum");
        window.jobPanel()->setSpec(spec);
        QSignalSpy saved(&window, &MainWindow::jobSaved);
        const QString generated = m_dir.filePath(QStringLiteral("generated.json"));
        QVERIFY(window.saveJob(generated).isEmpty());
        QVERIFY(saved.wait(10000));
        QVERIFY2(saved.last().at(1).toString().isEmpty(), qPrintable(saved.last().at(1).toString()));
        QString error;
        JobSpec reread = JobSpec::load(generated, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(reread.input, m_dir.filePath(QStringLiteral("generated.input.npy")));
        QVERIFY2(window.bannerText().contains(QStringLiteral("generated.input.npy")), qPrintable(window.bannerText()));
        QVERIFY(runPython(QStringLiteral("import numpy as np\n"
                                         "a = np.load('generated.input.npy')\n"
                                         "assert a.shape == (50, 40) and (a.ravel() == np.arange(2000)).all()\n"),
                          m_dir.path()));
        // Open job reads it back as the input.
        MainWindow other;
        QSignalSpy otherLoaded(other.store(), &ArrayStore::loaded);
        QVERIFY(other.openJob(generated).isEmpty());
        QVERIFY(otherLoaded.wait(10000));
        const auto array = other.store()->array(other.dataPanel()->currentId());
        QVERIFY(array);
        QCOMPARE(array->meta().shape, meta.shape);
        QCOMPARE(reinterpret_cast<const double*>(array->view().data)[1999], 1999.0);

        // A file input is named as it is, nothing written; a kernel without input names none.
        QVERIFY(openB(window));
        const QString named = m_dir.filePath(QStringLiteral("named.json"));
        QVERIFY(window.saveJob(named).isEmpty());
        QVERIFY(saved.wait(10000));
        QCOMPARE(JobSpec::load(named, &error).input, m_dir.filePath(QStringLiteral("B.npy")));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("named.input.npy"))));
        spec.kernel = QStringLiteral("mandelbrot");
        window.jobPanel()->setSpec(spec);
        const QString none = m_dir.filePath(QStringLiteral("none.json"));
        QVERIFY(window.saveJob(none).isEmpty());
        QVERIFY(saved.wait(10000));
        QVERIFY(JobSpec::load(none, &error).input.isEmpty());
    }

    /// Export proposes a name in the last save folder (not the open folder), adds the chosen
    /// format's extension to a name typed without one, and says where the results went.
    void exportAddsTheExtensionAndRemembersTheFolder()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QVERIFY(openB(window)); // the open folder is m_dir now
        QTemporaryDir saveDir;
        Settings::instance()->setLastSaveDirectory(saveDir.path());
        const QString openFolder = Settings::instance()->lastDirectory();
        QCOMPARE(openFolder, m_dir.path());
        JobSpec spec;
        spec.kernel = QStringLiteral("row_sum");
        spec.workers = 1;
        window.jobPanel()->setSpec(spec);
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        QVERIFY(ended.wait(10000));

        QToolButton* exportButton = nullptr;
        for (QToolBar* bar : window.findChildren<QToolBar*>()) {
            for (QAction* action : bar->actions()) {
                if (action->shortcut() == QKeySequence(QStringLiteral("Ctrl+E")))
                    exportButton = qobject_cast<QToolButton*>(bar->widgetForAction(action));
            }
        }
        QVERIFY(exportButton && exportButton->isEnabled());
        QTest::mouseClick(exportButton, Qt::LeftButton);
        QFileDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<QFileDialog*>()) && dialog->isVisible());
        QCOMPARE(QDir(dialog->directory()).absolutePath(), QDir(saveDir.path()).absolutePath());
        QVERIFY2(dialog->selectedFiles().value(0).endsWith(QStringLiteral("row_sum-results.npy")),
                 qPrintable(dialog->selectedFiles().value(0)));
        QVERIFY(dialog->nameFilters().join(QLatin1Char(' ')).contains(QStringLiteral("*.csv")));
        QVERIFY(dialog->nameFilters().join(QLatin1Char(' ')).contains(QStringLiteral("*.h5")));
        // The user picks CSV and types a name without an extension.
        auto* types = dialog->findChild<QComboBox*>(QStringLiteral("fileTypeCombo"));
        QVERIFY(types);
        int csv = -1;
        for (int i = 0; i < types->count(); ++i) {
            if (types->itemText(i).contains(QStringLiteral("*.csv")))
                csv = i;
        }
        QVERIFY(csv >= 0);
        types->setCurrentIndex(csv);
        emit types->activated(csv); // what choosing it in the list does
        emit types->textActivated(types->itemText(csv));
        QCOMPARE(dialog->defaultSuffix(), QStringLiteral("csv"));
        auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
        QVERIFY(name);
        name->setText(QStringLiteral("results"));
        QTest::keyClick(name, Qt::Key_Return); // as the user accepts it
        const QString written = QDir(saveDir.path()).filePath(QStringLiteral("results.csv"));
        QTRY_VERIFY(QFile::exists(written));
        QVERIFY2(window.bannerText().contains(written), qPrintable(window.bannerText()));
        QVERIFY(window.logPanel()->text().contains(written));
        QCOMPARE(Settings::instance()->lastSaveDirectory(), QDir(saveDir.path()).absolutePath());
        QCOMPARE(Settings::instance()->lastDirectory(), openFolder); // saving moved only the save folder
        QFile csvFile(written);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        QCOMPARE(csvFile.readAll().count('\n'), 61); // header and 60 rows
        // A failure is told and logged: a folder that does not exist.
        const QString error = window.exportResults(saveDir.filePath(QStringLiteral("missing/r.npy")));
        QVERIFY(!error.isEmpty());
    }

    /// A worker killed mid-chunk: the Log says by which signal, which positions went back to the
    /// queue and that it started again; its row shows the restart; the results are complete.
    void killedWorkerIsToldInTheLog()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QVERIFY(openB(window));
        JobSpec spec;
        spec.kernel = QStringLiteral("diag");
        spec.params.insert(QStringLiteral("sleep_ms"), 100.0);
        spec.workers = 2;
        spec.chunkSize = 4;
        window.jobPanel()->setSpec(spec);
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        qint64 victim = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const WorkerInfo& worker : window.pool()->workers()) {
                    if (worker.slot == 1 && worker.pid > 0 && worker.rangeBegin >= 0)
                        victim = worker.pid;
                }
                return victim > 0;
            }(),
            10000);
        ::kill(pid_t(victim), SIGKILL);
        QVERIFY(ended.wait(30000));
        QVERIFY(!window.lastResult().cancelled);
        QCOMPARE(window.lastResult().values.toVector(), loadDoubles(m_dir.filePath(QStringLiteral("diag.npy"))));
        const QString log = window.logPanel()->text();
        QVERIFY2(log.contains(QStringLiteral("(pid %1) crashed (signal 9, SIGKILL)").arg(victim)), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("of worker 1 go back to the queue")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("worker 1 started again (restart 1")), qPrintable(log));
        QCOMPARE(window.monitorPanel()->workerModel()->index(1, WorkerModel::WorkerColumn).data().toString(),
                 QStringLiteral("1 (↻1)"));
    }

    /// Small things a first-time user meets: a file that failed says so where Run would start;
    /// the title shows the progress; Esc closes the Guide; a language change offers to restart.
    void smallThingsTellWhatHappens()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QSignalSpy failed(window.store(), &ArrayStore::loadFailed);
        window.openFile(m_dir.filePath(QStringLiteral("bad.npy")));
        QVERIFY(failed.wait(10000));
        const QString idle = window.monitorPanel()->statsText();
        QVERIFY2(idle.startsWith(QStringLiteral("Nothing to run: ")) && idle.contains(QStringLiteral("complex")),
                 qPrintable(idle));
        QVERIFY(!idle.contains(QStringLiteral("Press Run")));

        QVERIFY(openB(window));
        JobSpec spec;
        spec.kernel = QStringLiteral("diag");
        spec.params.insert(QStringLiteral("sleep_ms"), 30.0);
        spec.workers = 2;
        spec.chunkSize = 1;
        window.jobPanel()->setSpec(spec);
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        QTRY_VERIFY_WITH_TIMEOUT(window.windowTitle().contains(QStringLiteral("% — diag — SharedMap")), 10000);
        QVERIFY(ended.wait(20000));
        QCOMPARE(window.windowTitle(), QStringLiteral("SharedMap"));

        QAction* guide = nullptr;
        for (QAction* action : window.findChildren<QAction*>()) {
            if (action->shortcut() == QKeySequence(QKeySequence::HelpContents))
                guide = action;
        }
        QVERIFY(guide);
        guide->trigger();
        QTextBrowser* browser = nullptr;
        QTRY_VERIFY((browser = window.findChild<QTextBrowser*>(QString(), Qt::FindDirectChildrenOnly))
                    && browser->isVisible());
        QTest::keyClick(browser, Qt::Key_Escape);
        QTRY_VERIFY(!window.findChild<QTextBrowser*>(QString(), Qt::FindDirectChildrenOnly));

        // A language change: restart now closes the window for a restart (it has nothing to lose:
        // the results were exported).
        QVERIFY(window.exportResults(m_dir.filePath(QStringLiteral("before-restart.npy"))).isEmpty());
        QSignalSpy restart(&window, &MainWindow::restartRequested);
        const QString before = Settings::instance()->language();
        QAction* other = nullptr;
        for (QAction* action : window.findChildren<QAction*>()) {
            if (action->isCheckable() && action->data().isValid() && action->data().toString() != before
                && action->actionGroup())
                other = action;
        }
        QVERIFY(other);
        other->trigger();
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox*>()) != nullptr);
        QTest::mouseClick(box->findChild<QPushButton*>(QStringLiteral("restartNow")), Qt::LeftButton);
        QCOMPARE(restart.count(), 1);
        QTRY_VERIFY(!window.isVisible());
        Settings::instance()->setLanguage(before);
    }

    /// Retries and the task timeout are in the form, and reach the job (and a saved job file).
    void retriesAndTimeoutInTheForm()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QVERIFY(openB(window));
        JobSpec spec;
        spec.kernel = QStringLiteral("row_sum");
        spec.maxRetries = 5;
        spec.taskTimeoutS = 2.5;
        window.jobPanel()->setSpec(spec);
        QCOMPARE(window.jobPanel()->spec().maxRetries, 5);
        QCOMPARE(window.jobPanel()->spec().taskTimeoutS, 2.5);
        QSpinBox* retries = nullptr;
        for (QSpinBox* box : window.jobPanel()->findChildren<QSpinBox*>()) {
            if (box->maximum() == 100)
                retries = box;
        }
        QDoubleSpinBox* timeout = nullptr;
        for (QDoubleSpinBox* box : window.jobPanel()->findChildren<QDoubleSpinBox*>()) {
            if (box->maximum() == 86400)
                timeout = box;
        }
        QVERIFY(retries && timeout);
        QCOMPARE(retries->value(), 5);
        retries->setValue(0);
        timeout->setValue(0);
        QCOMPARE(timeout->text(), QStringLiteral("none"));
        QSignalSpy ended(&window, &MainWindow::jobEnded);
        QVERIFY(window.runJob());
        QVERIFY(ended.wait(10000));
        QCOMPARE(window.lastResult().spec.maxRetries, 0);
        QCOMPARE(window.lastResult().spec.taskTimeoutS, 0.0);
        timeout->setValue(7);
        QSignalSpy saved(&window, &MainWindow::jobSaved);
        const QString path = m_dir.filePath(QStringLiteral("retries.json"));
        QVERIFY(window.saveJob(path).isEmpty());
        QVERIFY(saved.wait(5000));
        QString error;
        QCOMPARE(JobSpec::load(path, &error).taskTimeoutS, 7.0);
    }

    void commandLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("kernel");
        QTest::addColumn<int>("workers");
        QTest::addColumn<bool>("run");
        QTest::newRow("file only") << QStringList { QStringLiteral("B.npy") } << true << QString() << 0 << false;
        QTest::newRow("job flags") << QStringList { QStringLiteral("--kernel"), QStringLiteral("row_max"),
                                                    QStringLiteral("--workers"), QStringLiteral("3"),
                                                    QStringLiteral("--run") }
                                   << true << QStringLiteral("row_max") << 3 << true;
        QTest::newRow("bad workers") << QStringList { QStringLiteral("--workers"), QStringLiteral("0") } << false
                                     << QString() << 0 << false;
        QTest::newRow("bad param") << QStringList { QStringLiteral("--param"), QStringLiteral("novalue") } << false
                                   << QString() << 0 << false;
        QTest::newRow("unknown option") << QStringList { QStringLiteral("--frobnicate") } << false << QString() << 0
                                        << false;
    }

    void commandLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(bool, ok);
        QFETCH(QString, kernel);
        QFETCH(int, workers);
        QFETCH(bool, run);
        GuiOptions options;
        const QString error = GuiOptions::parse(arguments, &options);
        QCOMPARE(error.isEmpty(), ok);
        if (!ok)
            return;
        QCOMPARE(options.job.kernel, kernel);
        QCOMPARE(options.job.workers, workers);
        QCOMPARE(options.run, run);
    }

private:
    /// Opens the NumPy-written B.npy in `window` and waits until it is in shared memory.
    bool openB(MainWindow& window)
    {
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        window.openFile(m_dir.filePath(QStringLiteral("B.npy")));
        return loaded.wait(10000);
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
