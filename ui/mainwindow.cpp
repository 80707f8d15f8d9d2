#include "mainwindow.h"

#include "attachdialog.h"
#include "base/progressformat.h"
#include "compareview.h"
#include "datapanel.h"
#include "demos.h"
#include "engine/attachedjob.h"
#include "engine/cleanup.h"
#include "engine/pool.h"
#include "generatedialog.h"
#include "importdialogs.h"
#include "io/arraystore.h"
#include "job/resultwriter.h"
#include "jobpanel.h"
#include "kernelmenu.h"
#include "language.h"
#include "models/resultsmodel.h"
#include "monitorpanel.h"
#include "plots/liveplot.h"
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
#include <QMimeData>
#include <QScreen>
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
    , m_banner(new QLabel(this))
{
    setWindowTitle(tr("SharedMap"));
    setAcceptDrops(true);
    m_pool->setWorkerNiceness(Settings::instance()->workerNiceness());
    m_pool->setKeepWarm(true); // a second run on the same array reuses attached workers

    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setContentsMargins(8, 6, 8, 6);
    m_banner->hide();
    auto* central = new QWidget(this);
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(4, 4, 4, 4);
    centralLayout->addWidget(m_banner);
    centralLayout->addWidget(m_monitorPanel, 1);
    setCentralWidget(central);

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
    connect(m_dataPanel, &DataPanel::currentChanged, this, [this](int id) {
        const auto array = m_store->array(id);
        m_jobPanel->setInputMeta(array ? &array->meta() : nullptr);
        m_jobPanel->setPreviewInput(array);
        updateActions();
    });
    connect(m_store, &ArrayStore::loaded, this, [this](int id) {
        const ArrayStore::Entry entry = m_store->entry(id);
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
        showBanner(error, true);
        m_logPanel->append(error, true);
    });
    connect(m_pool, &Pool::logMessage, this, [this](const QString& message) { m_logPanel->append(message); });
    connect(m_pool, &Pool::finished, this, &MainWindow::onFinished);
    connect(m_pool, &Pool::failed, this, &MainWindow::onFailed);
    connect(Settings::instance(), &Settings::recentFilesChanged, this, &MainWindow::updateRecentMenu);

    // Shared memory left by runs that were killed is removed at the next start.
    for (const StaleSegment& stale : cleanUpStaleRuns())
        m_logPanel->append(tr("Removed %1 (%2) left by a killed run (pid %3)")
                               .arg(stale.name, formatBytes(stale.bytes))
                               .arg(stale.ownerPid));

    // The first size is roomy but never larger than the screen: on a 1024×700 screen a fixed
    // 1400×900 hid the right of the Monitor and the Results dock under the screen's edge.
    QSize size(1400, 900);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableGeometry().size());
    resize(size);
    restoreGeometry(Settings::instance()->windowGeometry());
    restoreState(Settings::instance()->windowState());
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
    m_monitorPanel->setSource(nullptr);
    m_attached.reset(); // detaches only: the owner's job goes on
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_openAction = file->addAction(
        themeIcon("document-open", QStyle::SP_DialogOpenButton), tr("&Open array…"), this, [this] {
            chooseFile(
                tr("Open array"),
                tr("All arrays (*.npy *.npz *.h5 *.hdf5 *.csv *.tsv *.txt *.png *.jpg *.jpeg *.tif *.tiff *.bmp *.bin "
                   "*.raw);;NumPy (*.npy *.npz);;HDF5 (*.h5 *.hdf5);;Text tables (*.csv *.tsv *.txt);;"
                   "Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp);;Raw binary (*.bin *.raw);;All files (*)"),
                false, [this](const QString& path) { openFile(path); });
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
        chooseFile(tr("Open job"), tr("Job files (*.json)"), false, [this](const QString& path) {
            const QString error = openJob(path);
            if (!error.isEmpty())
                showBanner(error, true);
        });
    });
    file->addAction(tr("&Save job…"), this, [this] {
        chooseFile(tr("Save job"), tr("Job files (*.json)"), true, [this](const QString& path) {
            const QString error = saveJob(path);
            showBanner(error.isEmpty() ? tr("Job saved to %1").arg(path) : error, !error.isEmpty());
        });
    });
    file->addSeparator();
    m_exportAction = file->addAction(
        themeIcon("document-save", QStyle::SP_DialogSaveButton), tr("&Export results…"), this, [this] {
            chooseFile(
                tr("Export results"),
                tr("NumPy array (*.npy);;CSV table (*.csv);;HDF5 (*.h5);;PNG image of image-shaped results (*.png)"),
                true, [this](const QString& path) {
                    const QString error = exportResults(path);
                    showBanner(error.isEmpty() ? tr("Results exported to %1").arg(path) : error, !error.isEmpty());
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
              chooseFile(tr("Save plot"), tr("PNG image (*.png);;PDF document (*.pdf)"), true,
                         [this](const QString& path) {
                             const QString error = savePlot(path);
                             showBanner(error.isEmpty() ? tr("Plot saved to %1").arg(path) : error, !error.isEmpty());
                         });
          });
    m_savePlotAction->setToolTip(tr("Save the plot shown in the Monitor as PNG or PDF"));
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
    m_attachAction = run->addAction(tr("&Attach to running job…"), this, &MainWindow::showAttachDialog);
    m_attachAction->setToolTip(tr("Watch a job that sharedmap-cli, a Python script or another window is running: "
                                  "read-only; Cancel stops it, closing the window only detaches"));
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
    connect(m_kernelMenu, &KernelMenu::problem, this, [this](const QString& message) {
        showBanner(message, true);
        m_logPanel->append(message, true);
    });
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->addMenu(createLanguageMenu(
        this, [this] { showBanner(tr("The language changes when SharedMap is started again."), false); }));
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
    help->addAction(tr("&Guide"), QKeySequence::HelpContents, this, &MainWindow::showGuide);
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

// The Compare view (shared against copied input), kept in one block: its action ends the Demos menu.
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
    JobSpec spec = m_jobPanel->spec();
    spec.input = m_store->entry(id).path.isEmpty() ? m_store->entry(id).name : m_store->entry(id).path;
    m_compareView->compare(spec, m_store->array(id));
    return m_compareView;
}

void MainWindow::createDocks()
{
    auto addDock = [this](QWidget* widget, const QString& title, const QString& name, Qt::DockWidgetArea area) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(name);
        dock->setWidget(widget);
        dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                          | QDockWidget::DockWidgetClosable);
        addDockWidget(area, dock);
        m_viewMenu->addAction(dock->toggleViewAction());
        return dock;
    };
    // The parameter form grows with the kernel: scroll rather than squeeze rows into each other.
    auto* jobScroll = new QScrollArea(this);
    jobScroll->setWidget(m_jobPanel);
    jobScroll->setWidgetResizable(true);
    jobScroll->setFrameShape(QFrame::NoFrame);
    QDockWidget* job = addDock(jobScroll, tr("Job"), QStringLiteral("jobDock"), Qt::LeftDockWidgetArea);
    QDockWidget* data = addDock(m_dataPanel, tr("Data"), QStringLiteral("dataDock"), Qt::LeftDockWidgetArea);
    splitDockWidget(job, data, Qt::Vertical);
    QDockWidget* results
        = addDock(m_resultsPanel, tr("Results"), QStringLiteral("resultsDock"), Qt::BottomDockWidgetArea);
    QDockWidget* log = addDock(m_logPanel, tr("Log"), QStringLiteral("logDock"), Qt::BottomDockWidgetArea);
    tabifyDockWidget(results, log);
    results->raise();
    m_demoDock = addDock(m_demoPanel, tr("Demo"), QStringLiteral("demoDock"), Qt::RightDockWidgetArea);
    m_demoDock->hide(); // shown when a demo is picked
    resizeDocks({ m_demoDock }, { 340 }, Qt::Horizontal);
    resizeDocks({ job, data }, { 330, 420 }, Qt::Vertical);
    resizeDocks({ job }, { 430 }, Qt::Horizontal);
    resizeDocks({ results }, { 220 }, Qt::Vertical);
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
    if (options.attachPid > 0) {
        attachToJob(options.attachPid);
        if (options.file.isEmpty())
            return; // watching another job needs no demo array
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
    m_jobPanel->setSpec(demo->job);
    m_demoPanel->showDemo(*demo);
    m_demoDock->show();
    m_demoDock->raise();
    if (demo->data.dtype != DType::Invalid) {
        // Reuse the demo's array when it is already in shared memory; else make it (off the GUI thread).
        int existing = 0;
        for (int arrayId : m_store->ids()) {
            const ArrayStore::Entry entry = m_store->entry(arrayId);
            if (entry.name == demo->dataName && entry.array->meta().shape == demo->data.shape)
                existing = arrayId;
        }
        if (existing)
            m_dataPanel->setCurrentId(existing);
        else
            m_store->generate(demo->dataName, demo->data, demo->distribution, 1);
    }
    m_logPanel->append(tr("Demo: %1").arg(QCoreApplication::translate("Demos", demo->title)));
    statusBar()->showMessage(tr("Demo ready: press Run (Ctrl+R)"));
    return true;
}

void MainWindow::openFile(const QString& path)
{
    QString error;
    const FormatHandler* handler = ArrayLoader::instance().handlerFor(path, LoadOptions(), &error);
    const QString format = handler ? handler->name : QString();
    QDialog* dialog = nullptr;
    std::function<LoadOptions()> options;
    if (format == QLatin1String("csv") || format == QLatin1String("tsv")) {
        auto* csv = new CsvImportDialog(path, this);
        options = [csv] { return csv->options(); };
        dialog = csv;
    } else if (format == QLatin1String("npz") || format == QLatin1String("hdf5")) {
        auto* picker = new DatasetPickerDialog(path, this);
        options = [picker] { return picker->options(); };
        dialog = picker;
    } else if (format == QLatin1String("raw")) {
        auto* raw = new RawImportDialog(path, this);
        options = [raw] { return raw->options(); };
        dialog = raw;
    }
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
    JobSpec spec = job;
    const auto array = m_store->array(arrayId);
    if (array) {
        spec.input
            = m_store->entry(arrayId).path.isEmpty() ? m_store->entry(arrayId).name : m_store->entry(arrayId).path;
        spec.inputOptions = m_store->entry(arrayId).options;
    }
    QString error;
    const quint64 jobId
        = previous ? m_pool->resume(spec, array, *previous, &error) : m_pool->start(spec, array, &error);
    if (jobId == 0) {
        showBanner(error, true);
        m_logPanel->append(error, true);
        return false;
    }
    m_lastArrayId = arrayId;
    m_monitorPanel->setSource(m_pool); // before an attached job is let go: the Monitor shows this job now
    m_attached.reset();
    Settings::instance()->setLastJob(spec);
    m_banner->hide();
    const ArrayMeta& input = m_pool->currentJob().inputMeta; // none for a kernel without input
    m_monitorPanel->beginJob(jobId, m_pool->currentJob(), input.dtype != DType::Invalid ? input.byteSize() : 0);
    statusBar()->showMessage(previous ? tr("Resuming %1…").arg(spec.kernel) : tr("Running %1…").arg(spec.kernel));
    updateActions();
    return true;
}

void MainWindow::cancelJob()
{
    if (m_attached && m_attached->isRunning() && m_monitorPanel->source() == m_attached.get()) {
        // Not ours to stop: the owner is asked, as Ctrl-C in its terminal would (partial
        // results kept); the Monitor shows the end when the owner has written it.
        QString error;
        if (m_attached->cancel(&error)) {
            m_logPanel->append(tr("Sent SIGINT to process %1 to cancel its job").arg(m_attached->ownerPid()));
            statusBar()->showMessage(tr("Asked process %1 to stop…").arg(m_attached->ownerPid()));
        } else {
            showBanner(tr("Cannot cancel the attached job: %1").arg(error), true);
        }
        return;
    }
    m_pool->cancel();
}

bool MainWindow::attachToJob(qint64 pid)
{
    if (m_pool->isRunning()) {
        showBanner(tr("This window is running a job: cancel it or let it finish before attaching to another."), true);
        return false;
    }
    QString error;
    FindJobError why = FindJobError::None;
    std::unique_ptr<AttachedJob> attached = AttachedJob::attach(pid, &error, &why);
    if (!attached) {
        QString text;
        switch (why) {
        case FindJobError::NoProcess:
            text = tr("Cannot attach: there is no process %1.").arg(pid);
            break;
        case FindJobError::OtherUser:
            text = tr("Cannot attach: process %1 belongs to another user, and only its owner may watch its jobs.")
                       .arg(pid);
            break;
        case FindJobError::NotAJob:
            text = tr("Cannot attach: process %1 is not running a SharedMap job.").arg(pid);
            break;
        default:
            text = tr("Cannot attach to process %1: %2").arg(pid).arg(error);
            break;
        }
        showBanner(text, true);
        m_logPanel->append(text, true);
        return false;
    }
    m_monitorPanel->setSource(attached.get()); // before the previous attached job is let go
    m_attached = std::move(attached);
    AttachedJob* job = m_attached.get();
    connect(job, &JobSource::finished, this, &MainWindow::onAttachedFinished);
    connect(job, &JobSource::failed, this, [this](const QString& error) {
        m_monitorPanel->failJob(error);
        showBanner(tr("The attached job failed: %1").arg(error), true);
        statusBar()->showMessage(tr("Failed"));
        updateActions();
        emit jobEnded();
    });
    const JobResult& plan = job->currentJob();
    m_monitorPanel->beginJob(plan.jobId, plan, plan.inputMeta.dtype != DType::Invalid ? plan.inputMeta.byteSize() : 0);
    m_banner->hide();
    const JobAnnouncement& announced = job->announcement();
    m_logPanel->append(tr("Attached to job %1 of process %2 (%3): %4 over %5 indices, read-only")
                           .arg(announced.jobId)
                           .arg(pid)
                           .arg(announced.program, plan.kernelName)
                           .arg(plan.taskCount()));
    statusBar()->showMessage(
        tr("Watching %1 of process %2: Cancel stops it, closing only detaches").arg(plan.kernelName).arg(pid));
    updateActions();
    return true;
}

void MainWindow::showAttachDialog()
{
    auto* dialog = new AttachDialog(this);
    dialog->setObjectName(QStringLiteral("attachDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (dialog->selectedPid() > 0)
            attachToJob(dialog->selectedPid());
    });
    dialog->open();
}

void MainWindow::onAttachedFinished(const JobResult& result)
{
    m_lastResult = result; // exported like a job of this window's
    m_hasResult = true;
    m_resultIsAttached = true;
    m_lastArrayId = 0;
    m_monitorPanel->endJob(result);
    const bool ownerGone = m_attached && m_attached->end() == AttachedJob::End::OwnerGone;
    if (ownerGone)
        showBanner(tr("Process %1 ended without finishing its job: the Monitor shows what it had computed.")
                       .arg(m_attached->ownerPid()),
                   true);
    statusBar()->showMessage(result.cancelled ? tr("The attached job was cancelled")
                                              : tr("The attached job is done (%1 s)").arg(result.elapsedS, 0, 'f', 3));
    updateActions();
    emit jobEnded();
}

void MainWindow::onFinished(const JobResult& result)
{
    m_lastResult = result;
    m_hasResult = true;
    m_resultIsAttached = false;
    if (m_monitorPanel->source() == m_pool)
        m_monitorPanel->endJob(result);
    statusBar()->showMessage(result.cancelled ? tr("Cancelled") : tr("Done in %1 s").arg(result.elapsedS, 0, 'f', 3));
    if (!isActiveWindow())
        QApplication::alert(this); // a long job ended while the window was in the background
    updateActions();
    emit jobEnded();
}

int MainWindow::useResultsAsInput()
{
    if (!m_hasResult || m_resultIsAttached || m_lastResult.taskCount() == 0)
        return 0;
    std::shared_ptr<const SharedArray> array = m_lastResult.values.array();
    const bool counts = !m_lastResult.accumulatorText.isEmpty();
    if (counts) {
        // What Export saves for these kernels (the histogram's counts), not the per-index values:
        // a small int64 array, copied into a segment of its own.
        ArrayMeta meta;
        meta.dtype = DType::Int64;
        meta.shape = { qint64(m_lastResult.accumulator.size()) };
        QString error;
        auto made = SharedArray::create(meta, &error);
        if (!made) {
            showBanner(error, true);
            return 0;
        }
        std::copy(m_lastResult.accumulator.cbegin(), m_lastResult.accumulator.cend(),
                  reinterpret_cast<qint64*>(made->mutableData()));
        array = std::move(made);
    }
    if (!array)
        return 0;
    const QString source = QFileInfo(m_lastResult.inputPath).fileName();
    const QString name = source.isEmpty()
        ? tr("%1 results (job %2)").arg(m_lastResult.kernelName).arg(m_lastResult.jobId)
        : tr("%1 of %2 (job %3)").arg(m_lastResult.kernelName, source).arg(m_lastResult.jobId);
    m_logPanel->append((counts ? tr("Counts of job %1 (%2 %3) added as the array \"%4\"")
                               : tr("Results of job %1 (%2 %3) added as the array \"%4\", without a copy"))
                           .arg(m_lastResult.jobId)
                           .arg(dtypeName(array->meta().dtype), array->meta().shapeText(), name));
    return m_store->adopt(name, array);
}

void MainWindow::onFailed(const QString& error)
{
    if (m_monitorPanel->source() == m_pool)
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
    const QString error = checkOutputPath(path, resultExtensions());
    if (!error.isEmpty())
        return error;
    return writeResults(m_lastResult, path);
}

QString MainWindow::savePlot(const QString& path)
{
    auto* plot = qobject_cast<LivePlot*>(m_monitorPanel->plotTabs()->currentWidget());
    if (!plot)
        return tr("No plot is shown.");
    QString error;
    if (!plot->save(path, &error))
        return error;
    return {};
}

QString MainWindow::saveJob(const QString& path)
{
    JobSpec spec = m_jobPanel->spec();
    const int id = m_dataPanel->currentId();
    if (m_store->contains(id)) {
        spec.input = m_store->entry(id).path;
        spec.inputOptions = m_store->entry(id).options;
    }
    return spec.save(path);
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
    const bool watching = m_attached && m_attached->isRunning();
    m_runAction->setEnabled(!running && m_jobPanel->problem().isEmpty());
    m_runAction->setToolTip(m_jobPanel->problem().isEmpty() ? tr("Run the job on the selected array (Ctrl+R)")
                                                            : m_jobPanel->problem());
    m_cancelAction->setEnabled(running || watching);
    m_attachAction->setEnabled(!running);
    m_exportAction->setEnabled(m_hasResult);
    // An attached job's output belongs to its owner, whose segment name goes with it: a worker of
    // ours could not attach to it by name once the owner has ended.
    m_useResultsAction->setEnabled(m_hasResult && !m_resultIsAttached && m_lastResult.values.array()
                                   && m_lastResult.taskCount() > 0);
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
    m_banner->setText(text);
    m_banner->setStyleSheet(error ? QStringLiteral("background: #fdecea; color: #922b21; border-radius: 4px;")
                                  : QStringLiteral("background: #eaf2f8; color: #1b4f72; border-radius: 4px;"));
    m_banner->show();
    statusBar()->showMessage(text, 10000);
}

QString MainWindow::bannerText() const
{
    return m_banner->isVisible() ? m_banner->text() : QString();
}

void MainWindow::chooseFile(const QString& title, const QString& filter, bool save,
                            std::function<void(const QString&)> then)
{
    // Window-modal and asynchronous: no nested event loop, a running job keeps updating.
    auto* dialog = new QFileDialog(this, title, Settings::instance()->lastDirectory(), filter);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(save ? QFileDialog::AcceptSave : QFileDialog::AcceptOpen);
    dialog->setFileMode(save ? QFileDialog::AnyFile : QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, [then](const QString& path) { then(path); });
    dialog->open();
}

void MainWindow::showGuide()
{
    auto* browser = new QTextBrowser(this);
    browser->setWindowFlag(Qt::Window);
    browser->setAttribute(Qt::WA_DeleteOnClose);
    browser->setWindowTitle(tr("SharedMap guide"));
    browser->setHtml(tr(
        "<h2>SharedMap</h2>"
        "<p>SharedMap runs a <b>kernel</b> over the <b>indices</b> of an array with several <b>worker processes</b>, "
        "like Python's <tt>process_map(fn, indices, max_workers, chunksize)</tt>. The array is put <b>once</b> in "
        "shared memory and every worker reads the same bytes: no copies.</p>"
        "<h3>The window</h3>"
        "<ul><li><b>Data</b>: the arrays in shared memory. Open an array file (.npy, .npz, HDF5, CSV, image, raw; "
        "Ctrl+O), drop one on the window, or "
        "generate one (Ctrl+G). The selected array is the job's input; below it, a heatmap and a table of its "
        "values.</li>"
        "<li><b>Job</b>: the kernel and its parameters, the indices (<tt>all</tt>, a Python slice like "
        "<tt>0:100:2</tt>, "
        "a list like <tt>0,1,2</tt>), the number of workers and the chunk size (how many indices a worker claims at a "
        "time).</li>"
        "<li><b>Monitor</b>: the progress bar with tqdm's figures (done/total [elapsed&lt;remaining, rate]), one row "
        "per "
        "worker (state, chunk held, tasks done, CPU, memory), and live plots: results against index, throughput, "
        "a timeline of which worker computed which chunk, and memory over time next to the array's size.</li>"
        "<li><b>Results</b> and <b>Log</b>: the ordered results (Ctrl+C copies them) and what happened, with "
        "times.</li></ul>"
        "<h3>Plots</h3><p>Drag to pan, scroll to zoom, double-click to reset the view, hover a point to read it.</p>"
        "<h3>Shortcuts</h3><p>Ctrl+R run, Esc cancel, Ctrl+O open, Ctrl+G generate, Ctrl+E export results.</p>"));
    browser->resize(640, 560);
    browser->show();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    Settings::instance()->setWindowGeometry(saveGeometry());
    Settings::instance()->setWindowState(saveState());
    for (QSplitter* splitter : findChildren<QSplitter*>()) {
        if (!splitter->objectName().isEmpty())
            Settings::instance()->setSplitterState(splitter->objectName(), splitter->saveState());
    }
    m_pool->cancel();
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
