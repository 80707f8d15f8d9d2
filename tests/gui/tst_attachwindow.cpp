// The window attached to jobs of other processes (issue 14, part 2), offscreen: a real
// sharedmap-cli job started here, real workers and segments; input and references from NumPy.
#include "attachdialog.h"
#include "engine/attachedjob.h"
#include "engine/jobannouncer.h"
#include "engine/pool.h"
#include "guioptions.h"
#include "guitest.h"
#include "io/arraystore.h"
#include "jobpanel.h"
#include "mainwindow.h"
#include "models/resultsmodel.h"
#include "models/workermodel.h"
#include "monitorpanel.h"
#include "plots/resultsplot.h"

#include <cmath>
#include <csignal>
#include <QDialogButtonBox>
#include <QLabel>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <sys/stat.h>
#include <unistd.h>

using namespace sharedmap;
using guitest::loadDoubles;
using guitest::runPython;

namespace {
/// Waits for `process` to end; true also when the event loop has already seen it end (where
/// QProcess::waitForFinished() would say false).
bool hasEnded(QProcess& process, int timeoutMs)
{
    return process.state() == QProcess::NotRunning || process.waitForFinished(timeoutMs);
}

constexpr int kRows = 1200;

bool sameValue(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

QToolButton* toolButtonFor(MainWindow& window, QAction* action)
{
    for (QToolBar* bar : window.findChildren<QToolBar*>()) {
        if (auto* button = qobject_cast<QToolButton*>(bar->widgetForAction(action)))
            return button;
    }
    return nullptr;
}

/// The texts the Monitor shows: its labels (tqdm's figures, the summary) and the progress bar.
QStringList monitorTexts(MonitorPanel* monitor)
{
    QStringList texts;
    for (QLabel* label : monitor->findChildren<QLabel*>(QString(), Qt::FindDirectChildrenOnly))
        texts.append(label->isVisibleTo(monitor) ? label->text() : QString());
    texts.append(QString::number(monitor->progressBar()->value()));
    return texts;
}

/// The worker table as shown, without the heartbeat's age (which depends on when it is read).
QStringList workerTable(WorkerModel* model)
{
    QStringList cells;
    for (int row = 0; row < model->rowCount(); ++row) {
        for (int column = 0; column < model->columnCount(); ++column) {
            if (column != WorkerModel::HeartbeatColumn)
                cells.append(model->index(row, column).data().toString());
        }
    }
    return cells;
}
} // namespace

class TestAttachWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();
    void attachesToCliJob();
    void cancelFromAttachedWindow();
    void closingOnlyDetaches();
    void ownerAndAttachedMonitorsAgree();
    void attachDialogListsAndAttaches();
    void commandLineAttach();
    void refusesWithMessage();

private:
    /// Starts `sharedmap-cli run` over B.npy with `extra` options; returns its pid once its job
    /// is announced, 0 otherwise.
    qint64 startCli(const QStringList& extra);
    QString path(const QString& name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    std::vector<std::unique_ptr<QProcess>> m_clis;
};

void TestAttachWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("SharedMapTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_attach"));
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir().mkpath(path(QStringLiteral("runtime"))));
    QVERIFY(::chmod(QFile::encodeName(path(QStringLiteral("runtime"))).constData(), 0700) == 0);
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(path(QStringLiteral("runtime"))));
    QVERIFY(runPython(QStringLiteral("import numpy as np\n"
                                     "B = np.random.default_rng(3).normal(size=(%1, 16))\n"
                                     "np.save('B.npy', B)\n"
                                     "np.save('row_sum.npy', B.sum(1))\n")
                          .arg(kRows),
                      m_dir.path()));
}

void TestAttachWindow::cleanup()
{
    for (const auto& cli : m_clis) {
        if (cli->state() != QProcess::NotRunning) {
            cli->kill();
            cli->waitForFinished(5000);
        }
    }
    m_clis.clear();
}

qint64 TestAttachWindow::startCli(const QStringList& extra)
{
    m_clis.push_back(std::make_unique<QProcess>());
    QProcess& cli = *m_clis.back();
    cli.start(QStringLiteral(SHAREDMAP_CLI),
              QStringList { QStringLiteral("run"), QStringLiteral("--input"), path(QStringLiteral("B.npy")),
                            QStringLiteral("--kernel"), QStringLiteral("row_sum"), QStringLiteral("--quiet") }
                  + extra);
    if (!cli.waitForStarted(10000))
        return 0;
    const qint64 pid = cli.processId();
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 20000 && cli.state() == QProcess::Running) {
        QString error;
        if (findJob(pid, &error).pid == pid)
            return pid;
        QTest::qWait(20);
    }
    return 0;
}

void TestAttachWindow::attachesToCliJob()
{
    const QString output = path(QStringLiteral("attached.npy"));
    const qint64 pid = startCli({ QStringLiteral("--param"), QStringLiteral("sleep_ms=4"), QStringLiteral("--workers"),
                                  QStringLiteral("2"), QStringLiteral("--output"), output });
    QVERIFY(pid > 0);
    MainWindow window;
    window.show();
    QSignalSpy ended(&window, &MainWindow::jobEnded);
    QVERIFY2(window.attachToJob(pid), qPrintable(window.bannerText()));
    QVERIFY(window.attachedJob());
    QCOMPARE(window.attachedJob()->ownerPid(), pid);
    QCOMPARE(window.monitorPanel()->source(), static_cast<JobSource*>(window.attachedJob()));
    QVERIFY(window.cancelAction()->isEnabled());
    // The bar and the worker table follow the other process's job.
    QProgressBar* bar = window.monitorPanel()->progressBar();
    QTRY_VERIFY_WITH_TIMEOUT(bar->value() > 0, 20000);
    const int first = bar->value();
    QTRY_VERIFY_WITH_TIMEOUT(bar->value() > first, 20000);
    QVERIFY(bar->value() < bar->maximum());
    QCOMPARE(window.monitorPanel()->workerModel()->rowCount(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(window.resultsModel()->doneCount() > 0, 5000);

    QTRY_VERIFY_WITH_TIMEOUT(!ended.isEmpty(), 60000);
    QVERIFY(hasEnded(*m_clis.back(), 20000));
    QCOMPARE(m_clis.back()->exitCode(), 0);
    QCOMPARE(bar->value(), bar->maximum());
    QVERIFY(!window.lastResult().cancelled);
    // The window's final results are the CLI's --output, and NumPy's row sums.
    const QVector<double> written = loadDoubles(output);
    const QVector<double> reference = loadDoubles(path(QStringLiteral("row_sum.npy")));
    QCOMPARE(written.size(), kRows);
    QCOMPARE(window.lastResult().values.size(), qint64(kRows));
    for (int i = 0; i < kRows; ++i) {
        QVERIFY(sameValue(window.lastResult().values[i], written[i]));
        QVERIFY(std::abs(written[i] - reference[i]) < 1e-12);
    }
    QCOMPARE(window.resultsModel()->doneCount(), qint64(kRows));
    const QStringList texts = monitorTexts(window.monitorPanel());
    QVERIFY2(texts.join(QLatin1Char('\n')).contains(QStringLiteral("Done: %1 indices").arg(kRows)),
             qPrintable(texts.join(QLatin1Char('\n'))));
    QVERIFY(!window.cancelAction()->isEnabled());
}

void TestAttachWindow::cancelFromAttachedWindow()
{
    const QString output = path(QStringLiteral("cancelled.npy"));
    const qint64 pid = startCli({ QStringLiteral("--param"), QStringLiteral("sleep_ms=5"), QStringLiteral("--workers"),
                                  QStringLiteral("2"), QStringLiteral("--output"), output });
    QVERIFY(pid > 0);
    MainWindow window;
    window.show();
    QSignalSpy ended(&window, &MainWindow::jobEnded);
    QVERIFY2(window.attachToJob(pid), qPrintable(window.bannerText()));
    QTRY_VERIFY_WITH_TIMEOUT(window.attachedJob()->progress().done > 30, 20000);
    QToolButton* cancel = toolButtonFor(window, window.cancelAction());
    QVERIFY(cancel && cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QProcess& cli = *m_clis.back();
    QVERIFY(hasEnded(cli, 20000));
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 130); // as Ctrl-C in its terminal
    QTRY_VERIFY_WITH_TIMEOUT(!ended.isEmpty(), 10000);
    QCOMPARE(window.attachedJob()->end(), AttachedJob::End::Cancelled);
    QVERIFY(window.lastResult().cancelled);
    const QVector<double> written = loadDoubles(output); // partial results on disk
    QCOMPARE(written.size(), kRows);
    int missing = 0;
    for (int i = 0; i < kRows; ++i) {
        QVERIFY(sameValue(window.lastResult().values[i], written[i]));
        missing += std::isnan(written[i]);
    }
    QVERIFY2(missing > 0 && missing < kRows - 30, qPrintable(QString::number(missing)));
    QCOMPARE(window.resultsModel()->doneCount(), qint64(kRows - missing));
    const QString texts = monitorTexts(window.monitorPanel()).join(QLatin1Char('\n'));
    QVERIFY2(texts.contains(QStringLiteral("Cancelled: %1 of %2").arg(kRows - missing).arg(kRows)), qPrintable(texts));
}

void TestAttachWindow::closingOnlyDetaches()
{
    const QString output = path(QStringLiteral("detached.npy"));
    const qint64 pid = startCli({ QStringLiteral("--param"), QStringLiteral("sleep_ms=2"), QStringLiteral("--workers"),
                                  QStringLiteral("2"), QStringLiteral("--indices"), QStringLiteral("0:600"),
                                  QStringLiteral("--output"), output });
    QVERIFY(pid > 0);
    {
        MainWindow window;
        window.show();
        QVERIFY2(window.attachToJob(pid), qPrintable(window.bannerText()));
        QTRY_VERIFY_WITH_TIMEOUT(window.attachedJob()->progress().done > 10, 20000);
        window.close();
    } // the window goes while the job runs
    QProcess& cli = *m_clis.back();
    QVERIFY(hasEnded(cli, 30000));
    QCOMPARE(cli.exitCode(), 0);
    const QVector<double> written = loadDoubles(output);
    const QVector<double> reference = loadDoubles(path(QStringLiteral("row_sum.npy")));
    QCOMPARE(written.size(), 600);
    for (int i = 0; i < 600; ++i)
        QVERIFY(std::abs(written[i] - reference[i]) < 1e-12);
}

void TestAttachWindow::ownerAndAttachedMonitorsAgree()
{
    // The window's own job watched from a second window: both Monitors end on the same figures.
    MainWindow owner;
    owner.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
    owner.show();
    QSignalSpy loaded(owner.store(), &ArrayStore::loaded);
    owner.openFile(path(QStringLiteral("B.npy")));
    QVERIFY(loaded.wait(10000));
    JobSpec spec;
    spec.kernel = QStringLiteral("row_sum");
    spec.params.insert(QStringLiteral("sleep_ms"), 3.0);
    spec.workers = 2;
    spec.chunkSize = 8;
    spec.indices = QStringLiteral("0:800");
    owner.jobPanel()->setSpec(spec);
    QSignalSpy ownerEnded(&owner, &MainWindow::jobEnded);
    QVERIFY(owner.runJob());
    // While it runs, the owner itself attaches to nothing else.
    QVERIFY(!owner.attachToJob(QCoreApplication::applicationPid()));
    QVERIFY2(owner.bannerText().contains(QStringLiteral("running a job")), qPrintable(owner.bannerText()));
    QVERIFY(!owner.attachAction()->isEnabled());

    MainWindow watcher;
    watcher.show();
    QSignalSpy watcherEnded(&watcher, &MainWindow::jobEnded);
    QVERIFY2(watcher.attachToJob(QCoreApplication::applicationPid()), qPrintable(watcher.bannerText()));
    QCOMPARE(watcher.attachedJob()->currentJob().taskCount(), qint64(800));
    QTRY_VERIFY_WITH_TIMEOUT(watcher.monitorPanel()->progressBar()->value() > 0, 20000);
    const int seen = watcher.monitorPanel()->progressBar()->value();
    QTRY_VERIFY_WITH_TIMEOUT(watcher.monitorPanel()->progressBar()->value() > seen, 20000);
    QCOMPARE(watcher.monitorPanel()->workerModel()->rowCount(), 2);

    QTRY_VERIFY_WITH_TIMEOUT(!ownerEnded.isEmpty() && !watcherEnded.isEmpty(), 60000);
    const QStringList ownerTexts = monitorTexts(owner.monitorPanel());
    QVERIFY2(ownerTexts.join(QLatin1Char('\n')).contains(QStringLiteral("Done: 800 indices")),
             qPrintable(ownerTexts.join(QLatin1Char('\n'))));
    QCOMPARE(monitorTexts(watcher.monitorPanel()), ownerTexts);
    QCOMPARE(workerTable(watcher.monitorPanel()->workerModel()), workerTable(owner.monitorPanel()->workerModel()));
    QCOMPARE(watcher.resultsModel()->doneCount(), owner.resultsModel()->doneCount());
    QCOMPARE(watcher.lastResult().values.size(), owner.lastResult().values.size());
    for (qint64 i = 0; i < owner.lastResult().values.size(); ++i)
        QVERIFY(sameValue(watcher.lastResult().values[i], owner.lastResult().values[i]));
    QCOMPARE(watcher.monitorPanel()->resultsPlot()->pointCount(), owner.monitorPanel()->resultsPlot()->pointCount());
}

void TestAttachWindow::attachDialogListsAndAttaches()
{
    MainWindow window;
    window.show();
    window.showAttachDialog();
    auto* dialog = window.findChild<AttachDialog*>(QStringLiteral("attachDialog"));
    QVERIFY(dialog);
    QSignalSpy refreshed(dialog, &AttachDialog::refreshed);
    QVERIFY(refreshed.wait(5000));
    QCOMPARE(dialog->table()->rowCount(), 0);
    QVERIFY(dialog->selectedPid() == 0);

    const qint64 pid = startCli({ QStringLiteral("--param"), QStringLiteral("sleep_ms=5"), QStringLiteral("--workers"),
                                  QStringLiteral("1"), QStringLiteral("--indices"), QStringLiteral("0:800") });
    QVERIFY(pid > 0);
    // The list refreshes by itself, every second, and shows the job's progress growing.
    QTRY_VERIFY_WITH_TIMEOUT(dialog->table()->rowCount() == 1, 5000);
    QCOMPARE(dialog->table()->item(0, 0)->text(), QString::number(pid));
    QCOMPARE(dialog->table()->item(0, 2)->text(), QStringLiteral("row_sum"));
    QCOMPARE(dialog->table()->item(0, 3)->text(), path(QStringLiteral("B.npy")));
    const qint64 before = dialog->rows().first().progress.done;
    refreshed.clear();
    QVERIFY(refreshed.wait(3000));
    QCOMPARE(dialog->rows().size(), 1);
    QVERIFY2(dialog->rows().first().progress.done > before,
             qPrintable(QStringLiteral("%1 then %2").arg(before).arg(dialog->rows().first().progress.done)));
    QVERIFY(dialog->table()->item(0, 4)->text().endsWith(
        QStringLiteral("/800 (%1%)").arg(100 * dialog->rows().first().progress.done / 800)));
    QCOMPARE(dialog->selectedPid(), pid);
    QPushButton* attach = nullptr;
    for (QAbstractButton* button : dialog->findChild<QDialogButtonBox*>()->buttons()) {
        if (dialog->findChild<QDialogButtonBox*>()->buttonRole(button) == QDialogButtonBox::AcceptRole)
            attach = qobject_cast<QPushButton*>(button);
    }
    QVERIFY(attach && attach->isEnabled());
    QTest::mouseClick(attach, Qt::LeftButton);
    QVERIFY(window.attachedJob());
    QCOMPARE(window.attachedJob()->ownerPid(), pid);
    QVERIFY(window.attachedJob()->isRunning());
    QTRY_VERIFY(!window.findChild<AttachDialog*>()); // closed and deleted
}

void TestAttachWindow::commandLineAttach()
{
    GuiOptions bad;
    QVERIFY(!GuiOptions::parse({ QStringLiteral("--attach"), QStringLiteral("soon") }, &bad).isEmpty());
    QVERIFY(!GuiOptions::parse({ QStringLiteral("--attach"), QStringLiteral("-3") }, &bad).isEmpty());
    const qint64 pid = startCli({ QStringLiteral("--param"), QStringLiteral("sleep_ms=5"), QStringLiteral("--workers"),
                                  QStringLiteral("1"), QStringLiteral("--indices"), QStringLiteral("0:400") });
    QVERIFY(pid > 0);
    GuiOptions options;
    QCOMPARE(GuiOptions::parse({ QStringLiteral("--attach"), QString::number(pid) }, &options), QString());
    QCOMPARE(options.attachPid, pid);
    MainWindow window;
    window.show();
    window.applyOptions(options); // `sharedmap --attach PID`
    QVERIFY(window.attachedJob());
    QCOMPARE(window.attachedJob()->ownerPid(), pid);
    QTest::qWait(200);
    QVERIFY(window.store()->ids().isEmpty()); // watching needs no demo array
    QTRY_VERIFY_WITH_TIMEOUT(window.monitorPanel()->progressBar()->value() > 0, 20000);
}

void TestAttachWindow::refusesWithMessage()
{
    MainWindow window;
    window.show();
    QProcess gone;
    gone.start(QStringLiteral("/bin/true"), {});
    QVERIFY(gone.waitForStarted());
    const qint64 dead = gone.processId();
    QVERIFY(gone.waitForFinished());
    QVERIFY(!window.attachToJob(dead));
    QCOMPARE(window.bannerText(), QStringLiteral("Cannot attach: there is no process %1.").arg(dead));
    QVERIFY(!window.attachedJob());

    QVERIFY(!window.attachToJob(QCoreApplication::applicationPid())); // a process with no job: this one
    QCOMPARE(window.bannerText(),
             QStringLiteral("Cannot attach: process %1 is not running a SharedMap job.")
                 .arg(QCoreApplication::applicationPid()));

    // A job of user nobody, announced in that user's own folder.
    QTemporaryDir runtime;
    QVERIFY(::chmod(QFile::encodeName(runtime.path()).constData(), 0700) == 0);
    QVERIFY(::chown(QFile::encodeName(runtime.path()).constData(), 65534, 65534) == 0);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
    m_clis.push_back(std::make_unique<QProcess>());
    QProcess& other = *m_clis.back();
    other.setProcessEnvironment(environment);
    other.setWorkingDirectory(QStringLiteral("/"));
    other.start(QStringLiteral("setpriv"),
                { QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"),
                  QStringLiteral(SHAREDMAP_CLI), QStringLiteral("run"), QStringLiteral("--kernel"),
                  QStringLiteral("monte_carlo_pi"), QStringLiteral("--param"), QStringLiteral("samples=1000"),
                  QStringLiteral("--param"), QStringLiteral("batches=2000"), QStringLiteral("--param"),
                  QStringLiteral("sleep_ms=10"), QStringLiteral("--workers"), QStringLiteral("1"),
                  QStringLiteral("--quiet") });
    QVERIFY(other.waitForStarted());
    const qint64 otherPid = other.processId();
    const QString theirFolder = runtime.path() + QStringLiteral("/sharedmap/jobs");
    QTRY_VERIFY_WITH_TIMEOUT(
        !QDir(theirFolder).entryList({ QStringLiteral("job-%1-*.json").arg(otherPid) }, QDir::Files).isEmpty(), 20000);
    QVERIFY(!window.attachToJob(otherPid));
    QCOMPARE(window.bannerText(),
             QStringLiteral("Cannot attach: process %1 belongs to another user, and only its owner may watch its jobs.")
                 .arg(otherPid));
    QVERIFY(!window.attachedJob());
    ::kill(pid_t(otherPid), SIGINT);
    QVERIFY(hasEnded(other, 20000));
    QCOMPARE(other.exitCode(), 130);
}

QTEST_MAIN(TestAttachWindow)
#include "tst_attachwindow.moc"
