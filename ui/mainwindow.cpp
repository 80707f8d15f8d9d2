#include "mainwindow.h"

#include "base/progressformat.h"
#include "compareview.h"
#include "datapanel.h"
#include "demos.h"
#include "docklayout.h"
#include "elidedlabel.h"
#include "engine/cleanup.h"
#include "engine/pool.h"
#include "filechooser.h"
#include "generatedialog.h"
#include "guide.h"
#include "importdialogs.h"
#include "io/arraystore.h"
#include "job/resultwriter.h"
#include "jobfile.h"
#include "jobpanel.h"
#include "kernelmenu.h"
#include "language.h"
#include "models/resultsmodel.h"
#include "monitorpanel.h"
#include "plotexportdialog.h"
#include "plots/liveplot.h"
#include "questions.h"
#include "resultspanel.h"
#include "settings.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTextBrowser>
#include <QThread>
#include <QToolBar>
#include <QVBoxLayout>

namespace sharedmap {

namespace {
/// The tutorial's matrix: N×N uniform float64 (8 MB), so Run works at once.
constexpr qint64 kDemoSize = 1000;

/// The desktop theme's icon, else the style's built-in one (a bare Xvfb or a minimal desktop has no theme).
QIcon themeIcon(const char* name, QStyle::StandardPixmap fallback)
{
    return QIcon::fromTheme(QLatin1String(name), QApplication::style()->standardIcon(fallback));
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_pool(new Pool(this))
    , m_store(new ArrayStore(this))
    , m_resultsModel(new ResultsModel(this))
    , m_dataPanel(new DataPanel(m_store, this))
    , m_jobPanel(new JobPanel(this))
    , m_monitorPanel(new MonitorPanel(m_pool, m_resultsModel, this))
    , m_resultsPanel(new ResultsPanel(m_resultsModel, this))
    , m_logPanel(new LogPanel(this))
    , m_demoPanel(new DemoPanel(this))
    , m_banner(new ElidedLabel(this))
    , m_dockLayout(new DockLayout(this))
    , m_jobFile(new JobFile(this))
{
    setWindowTitle(tr("SharedMap"));
    setAcceptDrops(true);
    m_pool->setWorkerNiceness(Settings::instance()->workerNiceness());
    m_pool->setKeepWarm(true); // a second run on the same array reuses attached workers

    // One line whose room is kept when it is empty: a message coming and going must not move
    // the Monitor under the pointer. Long messages end in "…"; the tooltip and the Log hold them.
    m_banner->setContentsMargins(8, 4, 8, 4);
    QSizePolicy bannerPolicy = m_banner->sizePolicy();
    bannerPolicy.setHorizontalPolicy(QSizePolicy::Ignored);
    bannerPolicy.setRetainSizeWhenHidden(true);
    m_banner->setSizePolicy(bannerPolicy);
    m_banner->hide();
    auto* central = new QWidget(this);
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(4, 4, 4, 4);
    centralLayout->addWidget(m_banner);
    centralLayout->addWidget(m_monitorPanel, 1);
    central->setMinimumSize(420, 360); // the Monitor comes first: docks cannot squeeze it away
    setCentralWidget(central);

    m_runHint = new ElidedLabel(this);
    m_runHint->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_runHint->setMaximumHintWidth(520); // the status messages keep the rest of the bar
    statusBar()->addPermanentWidget(m_runHint);

    createActions();
    createCompareAction();
    createDocks();

    const JobSpec last = Settings::instance()->lastJob();
    if (!last.kernel.isEmpty()) {
        m_jobPanel->setSpec(last);
    } else {
        JobSpec demo;
        demo.kernel = QStringLiteral("diag");
        demo.params.insert(QStringLiteral("sleep_ms"), 2.0);
        m_jobPanel->setSpec(demo);
    }

    connect(m_jobPanel, &JobPanel::changed, this, &MainWindow::updateActions);
    connect(m_jobPanel, &JobPanel::changed, this, &MainWindow::leaveDemoIfChanged);
    connect(m_dataPanel, &DataPanel::currentChanged, this, [this](int id) {
        const auto array = m_store->array(id);
        leaveDemoIfChanged();
        m_jobPanel->setInputMeta(array ? &array->meta() : nullptr);
        m_jobPanel->setPreviewInput(array);
        updateActions();
    });
    connect(m_store, &ArrayStore::loaded, this, [this](int id) {
        const ArrayStore::Entry entry = m_store->entry(id);
        if (m_bannerIsError)
            m_banner->hide(); // an earlier failure is over once something loaded
        m_loadError.clear();
        m_logPanel->append(tr("Loaded %1: %2 %3 into shared memory")
                               .arg(entry.name, dtypeName(entry.array->meta().dtype), entry.array->meta().shapeText()));
        if (!entry.path.isEmpty()) {
            Settings::instance()->addRecentFile(entry.path);
            Settings::instance()->setLastDirectory(QFileInfo(entry.path).absolutePath());
        }
        if (m_runWhenLoaded) {
            m_runWhenLoaded = false;
            runJob();
        }
    });
    connect(m_store, &ArrayStore::loadFailed, this, [this](int, const QString& error) {
        m_runWhenLoaded = false;
        m_loadError = error;
        showBanner(error, true);
        updateActions();
    });
    connect(m_pool, &Pool::logMessage, this, [this](const QString& message) { m_logPanel->append(message); });
    connect(m_dataPanel, &DataPanel::logMessage, m_logPanel, &LogPanel::append);
    connect(m_monitorPanel, &MonitorPanel::chunkSizeInUse, m_jobPanel, &JobPanel::setChunkInUse);
    // The progress in the title: seen in the task bar while the window is behind others.
    connect(m_pool, &Pool::progressChanged, this, [this](qint64 done, qint64 total) {
        if (m_pool->isRunning())
            setWindowTitle(tr("%1% — %2 — SharedMap")
                               .arg(total > 0 ? int(100 * done / total) : 0)
                               .arg(m_pool->currentJob().kernelName));
    });
    connect(this, &MainWindow::jobEnded, this, [this] { setWindowTitle(tr("SharedMap")); });
    connect(m_demoPanel, &DemoPanel::paceChanged, this, [this](double pace) {
        // The demo on screen takes the new pace; whatever else the user changed in its job stays.
        const Demo* demo = findDemo(m_demoPanel->demoId());
        if (!demo || m_pool->isRunning())
            return;
        JobSpec spec = m_jobPanel->spec();
        const JobSpec paced = demo->jobAt(pace);
        for (auto it = demo->pacing.cbegin(); it != demo->pacing.cend(); ++it)
            spec.params.insert(it.key(), paced.params.value(it.key()));
        m_jobPanel->setSpec(spec);
    });
    connect(m_jobFile, &JobFile::saved, this,
            [this](const QString& path, const QString& message, const QString& error) {
                showBanner(error.isEmpty() ? message : error, !error.isEmpty());
                if (error.isEmpty())
                    m_logPanel->append(message);
                emit jobSaved(path, error);
            });
    connect(m_pool, &Pool::finished, this, &MainWindow::onFinished);
    connect(m_pool, &Pool::failed, this, &MainWindow::onFailed);
    connect(Settings::instance(), &Settings::recentFilesChanged, this, &MainWindow::updateRecentMenu);

    // Shared memory left by runs that were killed is removed at the next start.
    for (const StaleSegment& stale : cleanUpStaleRuns())
        m_logPanel->append(tr("Removed %1 (%2) left by a killed run (pid %3)")
                               .arg(stale.name, formatBytes(stale.bytes))
                               .arg(stale.ownerPid));

    resize(1400, 900);
    restoreGeometry(Settings::instance()->windowGeometry());
    m_dockLayout->setRestored(restoreState(Settings::instance()->windowState()));
    for (QSplitter* splitter : findChildren<QSplitter*>()) {
        if (!splitter->objectName().isEmpty())
            splitter->restoreState(Settings::instance()->splitterState(splitter->objectName()));
    }
    updateRecentMenu();
    updateActions();
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow()
{
    // The engine facades are children created first, so they go first: silence them so that no
    // signal reaches a half-destroyed window or panel.
    m_store->disconnect();
    m_pool->disconnect();
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_openAction
        = file->addAction(themeIcon("document-open", QStyle::SP_DialogOpenButton), tr("&Open array…"), this, [this] {
              FileChooser::open(this, tr("Open array"), FileChooser::openArrayFilter(),
                                [this](const QString& path) { openFile(path); });
          });
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setToolTip(tr("Load an array (.npy, .npz, HDF5, CSV, image, raw) into shared memory (Ctrl+O)"));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    m_generateAction
        = file->addAction(themeIcon("document-new", QStyle::SP_FileIcon), tr("&Generate array…"), this, [this] {
              auto* dialog = new GenerateDialog(this);
              dialog->setAttribute(Qt::WA_DeleteOnClose);
              connect(dialog, &QDialog::accepted, this, [this, dialog] {
                  m_store->generate(dialog->arrayName(), dialog->meta(), dialog->distribution(), dialog->seed());
              });
              dialog->open();
          });
    m_generateAction->setShortcut(QKeySequence(tr("Ctrl+G")));
    m_generateAction->setToolTip(tr("Make a demo array in shared memory (Ctrl+G)"));
    file->addSeparator();
    file->addAction(tr("Open &job…"), this, [this] {
        FileChooser::open(this, tr("Open job"), tr("Job files (*.json)"), [this](const QString& path) {
            const QString error = openJob(path);
            if (!error.isEmpty())
                showBanner(error, true);
        });
    });
    file->addAction(tr("&Save job…"), this, [this] {
        FileChooser::save(this, tr("Save job"), tr("Job files (*.json)"),
                          m_jobPanel->spec().kernel + QStringLiteral(".json"), [this](const QString& path) {
                              const QString error = saveJob(path); // jobSaved() tells the rest
                              if (!error.isEmpty())
                                  showBanner(error, true);
                          });
    });
    file->addSeparator();
    m_exportAction = file->addAction(
        themeIcon("document-save", QStyle::SP_DialogSaveButton), tr("&Export results…"), this, [this] {
            const QString filter = FileChooser::exportFilter();
            FileChooser::save(
                this, tr("Export results"), filter,
                QStringLiteral("%1-results.%2").arg(m_lastResult.kernelName, FileChooser::filterSuffix(filter)),
                [this](const QString& path) {
                    const QString error = exportResults(path);
                    showBanner(error.isEmpty() ? tr("Results exported to %1").arg(path) : error, !error.isEmpty());
                    if (error.isEmpty())
                        m_logPanel->append(tr("Results of job %1 exported to %2").arg(m_lastResult.jobId).arg(path));
                });
        });
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    m_exportAction->setToolTip(tr("Write the results to .npy, .csv or HDF5 (Ctrl+E)"));
    m_useResultsAction = file->addAction(themeIcon("go-next", QStyle::SP_ArrowForward), tr("Use results as &input"),
                                         this, &MainWindow::useResultsAsInput);
    m_useResultsAction->setToolTip(tr("Add the last job's results to the Data panel as an array and select it: no "
                                      "copy, the next job reads them where the workers wrote them"));
    m_savePlotAction
        = file->addAction(themeIcon("image-x-generic", QStyle::SP_DesktopIcon), tr("Save &plot…"), this, [this] {
              auto* plot = qobject_cast<LivePlot*>(m_monitorPanel->plotTabs()->currentWidget());
              if (!plot) {
                  showBanner(tr("No plot is shown."), true);
                  return;
              }
              const QString tab = m_monitorPanel->plotTabs()
                                      ->tabText(m_monitorPanel->plotTabs()->currentIndex())
                                      .remove(QLatin1Char('&'));
              const QString kernel = m_hasResult ? m_lastResult.kernelName : m_jobPanel->spec().kernel;
              PlotExportDialog::saveAs(this, plot, plotTitle(tab), QStringLiteral("%1-%2").arg(kernel, tab.toLower()),
                                       [this](const QString& path, const QString& error) {
                                           showBanner(error.isEmpty() ? tr("Plot saved to %1").arg(path) : error,
                                                      !error.isEmpty());
                                       });
          });
    m_savePlotAction->setToolTip(tr("Save the plot shown in the Monitor as PNG, PDF or SVG, with its size, resolution "
                                    "and a title"));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    m_runAction = run->addAction(themeIcon("media-playback-start", QStyle::SP_MediaPlay), tr("&Run"), this,
                                 [this] { runJob(); });
    m_runAction->setShortcut(QKeySequence(tr("Ctrl+R")));
    m_runAction->setToolTip(tr("Run the job on the selected array (Ctrl+R)"));
    m_cancelAction
        = run->addAction(themeIcon("process-stop", QStyle::SP_MediaStop), tr("&Cancel"), this, &MainWindow::cancelJob);
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setToolTip(tr("Stop the workers; results computed so far are kept (Esc)"));
    m_resumeAction = run->addAction(tr("R&esume"), this, [this] { resumeJob(); });
    m_resumeAction->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));
    m_resumeAction->setToolTip(
        tr("Run the last job again, computing only the indices it did not finish (Ctrl+Shift+R)"));
    run->addSeparator();
    QAction* lowPriority = run->addAction(tr("Workers at &low priority"));
    lowPriority->setCheckable(true);
    lowPriority->setChecked(Settings::instance()->workerNiceness() > 0);
    lowPriority->setToolTip(tr("Run workers with a lower scheduling priority so the window stays smooth"));
    connect(lowPriority, &QAction::toggled, this, [this](bool on) {
        Settings::instance()->setWorkerNiceness(on ? 10 : 0);
        m_pool->setWorkerNiceness(Settings::instance()->workerNiceness());
        m_pool->setKeepWarm(true); // a second run on the same array reuses attached workers
    });

    // Plugins: Kernels ▸ Load plugin… (probed by the pool's worker program) and the user's plugins folder.
    m_kernelMenu = new KernelMenu([this] { return m_pool->workerProgram(); }, this);
    menuBar()->addMenu(m_kernelMenu);
    m_jobPanel->refreshKernels(); // with the user's plugins
    connect(m_kernelMenu, &KernelMenu::kernelsChanged, this, [this](const QStringList& added) {
        m_jobPanel->refreshKernels();
        m_logPanel->append(tr("Loaded plugin kernels: %1").arg(added.join(QStringLiteral(", "))));
    });
    connect(m_kernelMenu, &KernelMenu::problem, this, [this](const QString& message) { showBanner(message, true); });
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->addMenu(createLanguageMenu(this, [this] { offerRestart(); }));
    m_viewMenu->addSeparator();
    QMenu* demos = menuBar()->addMenu(tr("&Demos"));
    demos->setObjectName(QStringLiteral("demosMenu"));
    for (const Demo& demo : builtInDemos()) {
        QAction* action = demos->addAction(QCoreApplication::translate("Demos", demo.title), this,
                                           [this, id = demo.id] { loadDemo(id); });
        action->setObjectName(QStringLiteral("demo_") + demo.id);
        action->setToolTip(tr("Load this demo's data and job, with an explanation"));
    }
    demos->addSeparator(); // the Compare view's action follows (createCompareAction)
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Guide"), QKeySequence::HelpContents, this, [this] { (new Guide(this))->show(); });
    help->addAction(tr("&About SharedMap"), this, [this] {
        showBanner(tr("SharedMap %1: a parallel map over arrays held once in shared memory.")
                       .arg(QApplication::applicationVersion()),
                   false);
    });

    QToolBar* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_openAction);
    toolbar->addAction(m_generateAction);
    toolbar->addSeparator();
    toolbar->addAction(m_runAction);
    toolbar->addAction(m_cancelAction);
    toolbar->addSeparator();
    toolbar->addAction(m_exportAction);
    toolbar->addAction(m_useResultsAction);
    toolbar->addAction(m_savePlotAction);
}

// The Compare view (issue 6 §1), kept in one block: its action ends the Demos menu.
void MainWindow::createCompareAction()
{
    QMenu* demos = menuBar()->findChild<QMenu*>(QStringLiteral("demosMenu"));
    m_compareAction = demos->addAction(tr("Compare shared vs &copy…"), this, [this] { compareModes(); });
    m_compareAction->setToolTip(tr("Run the job twice, with the array shared and with a copy per worker, and compare "
                                   "memory and time"));
}

CompareView* MainWindow::compareModes()
{
    if (!m_compareView || !m_compareView->isRunning()) {
        const QString problem = m_jobPanel->problem();
        if (!problem.isEmpty() || !m_store->array(m_dataPanel->currentId())) {
            showBanner(problem.isEmpty() ? tr("Compare needs an input array: open or generate one first.") : problem,
                       true);
            return nullptr;
        }
    }
    if (!m_compareView)
        m_compareView = new CompareView(this);
    m_compareView->show();
    m_compareView->raise();
    m_compareView->activateWindow();
    if (m_compareView->isRunning())
        return m_compareView; // the running comparison goes on; its window comes to the front
    m_compareView->pool()->setWorkerProgram(m_pool->workerProgram());
    m_compareView->pool()->setWorkerNiceness(Settings::instance()->workerNiceness());
    const int id = m_dataPanel->currentId();
    m_compareView->compare(m_dataPanel->jobOn(m_jobPanel->spec(), id), m_store->array(id));
    return m_compareView;
}

void MainWindow::createDocks()
{
    // The parameter form grows with the kernel: scroll rather than squeeze rows into each other.
    auto* jobScroll = new QScrollArea(this);
    jobScroll->setWidget(m_jobPanel);
    jobScroll->setWidgetResizable(true);
    jobScroll->setFrameShape(QFrame::NoFrame);
    const auto add
        = [this](QWidget* widget, const QString& title, const char* name, Qt::DockWidgetArea area, QSize minimum) {
              QDockWidget* dock = m_dockLayout->addDock(widget, title, QLatin1String(name), area, minimum);
              m_viewMenu->addAction(dock->toggleViewAction());
              return dock;
          };
    QDockWidget* job = add(jobScroll, tr("Job"), "jobDock", Qt::LeftDockWidgetArea, { 280, 150 });
    QDockWidget* data = add(m_dataPanel, tr("Data"), "dataDock", Qt::LeftDockWidgetArea, { 280, 200 });
    splitDockWidget(job, data, Qt::Vertical);
    QDockWidget* results = add(m_resultsPanel, tr("Results"), "resultsDock", Qt::BottomDockWidgetArea, { 200, 90 });
    QDockWidget* log = add(m_logPanel, tr("Log"), "logDock", Qt::BottomDockWidgetArea, { 200, 90 });
    tabifyDockWidget(results, log);
    results->raise();
    m_demoDock = add(m_demoPanel, tr("Demo"), "demoDock", Qt::RightDockWidgetArea, { 240, 150 });
    m_demoDock->hide(); // shown when a demo is picked
    m_dockLayout->captureDefault();
    m_viewMenu->addSeparator();
    QAction* reset = m_viewMenu->addAction(tr("&Reset layout"), m_dockLayout, &DockLayout::reset);
    reset->setObjectName(QStringLiteral("resetLayout"));
    reset->setToolTip(tr("Put the panels back where they were at the first start, sized for this window"));
}

void MainWindow::applyOptions(const GuiOptions& options)
{
    // A demo sets up its job first; job options on the same command line adjust it
    // (`sharedmap --demo mandelbrot --param max_iter=5000 --run`).
    const Demo* demo = options.demo.isEmpty() ? nullptr : findDemo(options.demo);
    if (!options.demo.isEmpty() && (!demo || !loadDemo(options.demo))) {
        showBanner(tr("There is no demo '%1'.").arg(options.demo), true);
        return;
    }
    if (options.hasJob) {
        JobSpec spec = m_jobPanel->spec();
        if (options.setFields.contains(QStringLiteral("all"))) {
            spec = options.job;
        } else {
            if (options.setFields.contains(QStringLiteral("kernel")))
                spec.kernel = options.job.kernel;
            if (options.setFields.contains(QStringLiteral("params"))) {
                for (auto it = options.job.params.cbegin(); it != options.job.params.cend(); ++it)
                    spec.params.insert(it.key(), it.value());
            }
            if (options.setFields.contains(QStringLiteral("indices")))
                spec.indices = options.job.indices;
            if (options.setFields.contains(QStringLiteral("workers")))
                spec.workers = options.job.workers;
            if (options.setFields.contains(QStringLiteral("chunksize")))
                spec.chunkSize = options.job.chunkSize;
            if (options.setFields.contains(QStringLiteral("plugins")))
                spec.plugins += options.job.plugins; // loaded by the Job panel before it picks the kernel
        }
        m_jobPanel->setSpec(spec);
    }
    m_runWhenLoaded = options.run;
    if (demo) {
        if (demo->data.dtype == DType::Invalid && m_runWhenLoaded) {
            m_runWhenLoaded = false; // nothing to load: run now
            runJob();
        }
        return;
    }
    if (!options.file.isEmpty())
        openFile(options.file);
    else
        loadDemoArray();
}

void MainWindow::loadDemoArray()
{
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = { kDemoSize, kDemoSize };
    m_store->generate(tr("demo"), meta, Distribution::Uniform, 0);
}

bool MainWindow::loadDemo(const QString& id)
{
    const Demo* demo = findDemo(id);
    if (!demo || m_pool->isRunning())
        return false;
    m_monitorPanel->clear(); // the last demo's image and figures are not this one's
    if (m_bannerIsError)
        m_banner->hide();
    m_jobPanel->setSpec(demo->jobAt(m_demoPanel->pace()));
    m_demoPanel->showDemo(*demo);
    m_demoDock->show();
    m_demoDock->raise();
    // The demo's array: the one already in shared memory, else made (off the GUI thread).
    if (demo->data.dtype != DType::Invalid && !m_dataPanel->selectArray(demo->dataName, demo->data.shape))
        m_store->generate(demo->dataName, demo->data, demo->distribution, 1);
    m_logPanel->append(tr("Demo: %1").arg(QCoreApplication::translate("Demos", demo->title)));
    statusBar()->showMessage(tr("Demo ready: press Run (Ctrl+R)"));
    return true;
}

void MainWindow::leaveDemoIfChanged()
{
    const auto entry = m_store->entry(m_dataPanel->currentId());
    m_demoPanel->follow(m_jobPanel->spec().kernel, entry.array ? entry.name : QString(),
                        [this](const QString& name) { return m_dataPanel->findArray(name) != 0; });
}

void MainWindow::openFile(const QString& path)
{
    std::function<LoadOptions()> options;
    QDialog* dialog = importDialogFor(path, this, &options);
    if (!dialog) {
        loadFile(path, LoadOptions()); // unknown types fail in the store, with its message
        return;
    }
    // Window-modal and asynchronous, like the file dialog: a running job keeps updating.
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, path, options] { loadFile(path, options()); });
    dialog->open();
}

void MainWindow::loadFile(const QString& path, const LoadOptions& options)
{
    m_logPanel->append(options.dataset.isEmpty() ? tr("Loading %1").arg(path)
                                                 : tr("Loading %1 from %2").arg(options.dataset, path));
    m_store->load(path, options);
}

bool MainWindow::runJob()
{
    if (m_pool->isRunning())
        return false;
    const QString problem = m_jobPanel->problem();
    if (!problem.isEmpty()) {
        showBanner(problem, true);
        return false;
    }
    return startJob(m_jobPanel->spec(), m_dataPanel->currentId(), nullptr);
}

bool MainWindow::resumeJob()
{
    if (m_pool->isRunning() || !m_hasResult)
        return false;
    if (!m_store->contains(m_lastArrayId) && m_lastResult.inputMeta.dtype != DType::Invalid) {
        showBanner(tr("The last job's array is no longer loaded: it cannot be resumed."), true);
        return false;
    }
    return startJob(m_lastResult.spec, m_lastArrayId, &m_lastResult.values);
}

bool MainWindow::startJob(const JobSpec& job, int arrayId, const ResultValues* previous)
{
    const JobSpec spec = m_dataPanel->jobOn(job, arrayId);
    const auto array = m_store->array(arrayId);
    QString error;
    const quint64 jobId
        = previous ? m_pool->resume(spec, array, *previous, &error) : m_pool->start(spec, array, &error);
    if (jobId == 0) {
        showBanner(error, true);
        return false;
    }
    m_lastArrayId = arrayId;
    Settings::instance()->setLastJob(spec);
    m_banner->hide();
    const ArrayMeta& input = m_pool->currentJob().inputMeta; // none for a kernel without input
    m_monitorPanel->beginJob(jobId, m_pool->currentJob(), input.dtype != DType::Invalid ? input.byteSize() : 0,
                             previous != nullptr);
    statusBar()->showMessage(previous ? tr("Resuming %1…").arg(spec.kernel) : tr("Running %1…").arg(spec.kernel));
    updateActions();
    return true;
}

void MainWindow::cancelJob()
{
    m_pool->cancel();
}

void MainWindow::onFinished(const JobResult& result)
{
    m_lastResult = result;
    m_hasResult = true;
    m_resultsSaved = false;
    m_monitorPanel->endJob(result);
    const int runs = m_monitorPanel->runCount();
    if (result.cancelled)
        statusBar()->showMessage(
            tr("Cancelled: %1 of %2 indices computed").arg(result.doneCount()).arg(result.taskCount()));
    else if (runs > 1)
        statusBar()->showMessage(
            tr("Done in %1 s over %2 runs").arg(m_monitorPanel->jobSeconds(), 0, 'f', 3).arg(runs));
    else
        statusBar()->showMessage(tr("Done in %1 s").arg(result.elapsedS, 0, 'f', 3));
    if (!isActiveWindow())
        QApplication::alert(this); // a long job ended while the window was in the background
    updateActions();
    emit jobEnded();
}

int MainWindow::useResultsAsInput()
{
    if (!m_hasResult)
        return 0;
    QString error;
    const int id = m_dataPanel->addResults(m_lastResult, &error);
    if (!error.isEmpty())
        showBanner(error, true);
    return id;
}

void MainWindow::onFailed(const QString& error)
{
    m_monitorPanel->failJob(error);
    showBanner(tr("The job failed: %1").arg(error), true);
    statusBar()->showMessage(tr("Failed"));
    updateActions();
    emit jobEnded();
}

QString MainWindow::exportResults(const QString& path)
{
    if (!m_hasResult)
        return tr("No results to export yet: run a job first.");
    QString error = checkOutputPath(path, resultExtensions());
    if (error.isEmpty())
        error = writeResults(m_lastResult, path);
    m_resultsSaved = m_resultsSaved || error.isEmpty();
    return error;
}

QString MainWindow::savePlot(const QString& path, const PlotExport& options)
{
    auto* plot = qobject_cast<LivePlot*>(m_monitorPanel->plotTabs()->currentWidget());
    if (!plot)
        return tr("No plot is shown.");
    QString error;
    if (!plot->save(path, &error, options))
        return error;
    return {};
}

QString MainWindow::plotTitle(const QString& plot) const
{
    if (!m_hasResult)
        return plot;
    const QString input = QFileInfo(m_lastResult.inputPath).fileName();
    return input.isEmpty()
        ? tr("%1 — %2, job %3").arg(plot, m_lastResult.kernelName).arg(m_lastResult.jobId)
        : tr("%1 — %2 on %3, job %4").arg(plot, m_lastResult.kernelName, input).arg(m_lastResult.jobId);
}

QString MainWindow::saveJob(const QString& path)
{
    return m_jobFile->save(path, m_jobPanel->spec(), m_store->entry(m_dataPanel->currentId()));
}

QString MainWindow::openJob(const QString& path)
{
    QString error;
    const JobSpec spec = JobSpec::load(path, &error);
    if (!error.isEmpty())
        return error;
    m_jobPanel->setSpec(spec);
    if (!spec.input.isEmpty())
        loadFile(spec.input, spec.inputOptions); // a job file says how to read its input
    return {};
}

void MainWindow::updateActions()
{
    const bool running = m_pool->isRunning();
    const QString problem = m_jobPanel->problem();
    m_runAction->setEnabled(!running && problem.isEmpty());
    // Why Run is greyed out, where the eye goes: on the button, in the status bar, and (the Job
    // panel's part) next to the field at fault.
    const QString why = tr("Run is disabled: %1").arg(problem);
    m_runAction->setToolTip(problem.isEmpty() ? tr("Run the job on the selected array (Ctrl+R)") : why);
    m_runHint->setText(running || problem.isEmpty() ? QString() : why);
    // Before any run the Monitor says what stands in the way: a file that failed to load first.
    m_monitorPanel->setIdleText(!m_loadError.isEmpty() && !problem.isEmpty() ? tr("Nothing to run: %1").arg(m_loadError)
                                    : problem.isEmpty() ? tr("Idle. Press Run (Ctrl+R) to start the job.")
                                                        : why);
    m_runHint->setToolTip(m_runHint->text());
    m_cancelAction->setEnabled(running);
    m_exportAction->setEnabled(m_hasResult);
    m_useResultsAction->setEnabled(m_hasResult && m_lastResult.values.array() && m_lastResult.taskCount() > 0);
    const bool incomplete = m_hasResult && m_lastResult.doneCount() < m_lastResult.taskCount();
    m_resumeAction->setEnabled(!running && incomplete);
    m_jobPanel->setEnabled(!running);
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = Settings::instance()->recentFiles();
    for (const QString& path : files)
        m_recentMenu->addAction(path, this, [this, path] { openFile(path); });
    if (!files.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear list"), this, [] { Settings::instance()->clearRecentFiles(); });
    }
    m_recentMenu->setEnabled(!files.isEmpty());
}

void MainWindow::showBanner(const QString& text, bool error)
{
    m_banner->setText(text.simplified());
    m_banner->setToolTip(text);
    if (error)
        m_logPanel->append(text, true); // the whole message stays in the Log
    m_bannerIsError = error;
    m_banner->setStyleSheet(error ? QStringLiteral("background: #fdecea; color: #922b21; border-radius: 4px;")
                                  : QStringLiteral("background: #eaf2f8; color: #1b4f72; border-radius: 4px;"));
    m_banner->show();
    statusBar()->showMessage(text, 10000);
}

QString MainWindow::runHintText() const
{
    return m_runHint->text();
}

QString MainWindow::bannerText() const
{
    return m_banner->isVisible() ? m_banner->toolTip() : QString();
}

void MainWindow::offerRestart()
{
    // Restarting goes through close(), so a running job or unsaved results are asked about first.
    Questions::offerRestart(this, [this] {
        m_restartOnClose = true;
        close(); // "Quit anyway" restarts, going back does not
    });
}

void MainWindow::closeWithoutAsking()
{
    m_closeWithoutAsking = true;
    close();
}

bool MainWindow::hasUnsavedResults() const
{
    return m_hasResult && !m_resultsSaved && m_lastResult.doneCount() > 0;
}

void MainWindow::askBeforeClosing()
{
    const bool running = m_pool->isRunning();
    Questions::askToQuit(this, running, [this, running](Questions::QuitAnswer answer) {
        if (answer != Questions::QuitAnswer::QuitAnyway)
            m_restartOnClose = false;
        if (answer == Questions::QuitAnswer::QuitAnyway)
            closeWithoutAsking();
        else if (answer == Questions::QuitAnswer::Keep && running)
            cancelJob(); // the results so far stay in the window, for export or resume
        else if (answer == Questions::QuitAnswer::Keep)
            m_exportAction->trigger();
    });
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_closeWithoutAsking && (m_pool->isRunning() || hasUnsavedResults())) {
        event->ignore();
        askBeforeClosing();
        return;
    }
    Settings::instance()->setWindowGeometry(saveGeometry());
    Settings::instance()->setWindowState(saveState());
    for (QSplitter* splitter : findChildren<QSplitter*>()) {
        if (!splitter->objectName().isEmpty())
            Settings::instance()->setSplitterState(splitter->objectName(), splitter->saveState());
    }
    m_pool->cancel();
    if (m_restartOnClose)
        emit restartRequested();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    const bool acceptable = std::any_of(urls.cbegin(), urls.cend(), [](const QUrl& url) { return url.isLocalFile(); });
    if (acceptable)
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            openFile(url.toLocalFile());
    }
    event->acceptProposedAction();
}

} // namespace sharedmap
