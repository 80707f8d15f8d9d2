#pragma once

#include "guioptions.h"
#include "io/arrayloader.h"
#include "job/jobresult.h"
#include "plots/liveplot.h"

#include <QMainWindow>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;

namespace sharedmap {

class ArrayStore;
class CompareView;
class DataPanel;
class DemoPanel;
class DockLayout;
class ElidedLabel;
class JobFile;
class JobPanel;
class KernelMenu;
class LogPanel;
class MonitorPanel;
class Pool;
class ResultsModel;
class ResultsPanel;

/// The main window: assembles the panels, the actions and the engine facades, and wires them.
/// It holds no business logic: slots forward to the pool, the store and the panels.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Applies the command line: opens FILE (else the demo array), sets the job, runs it.
    void applyOptions(const GuiOptions& options);
    /// Loads the built-in demo array: the tutorial's uniform N×N float64 matrix.
    void loadDemoArray();
    /// Opens a `.npy` file (off the GUI thread).
    /// Opens a file: formats that need options (text tables, containers, raw) ask for them first.
    void openFile(const QString& path);
    /// Loads a file with the given options, without asking.
    void loadFile(const QString& path, const LoadOptions& options);

    /// Sets up a teaching demo in one step: its job, its data (generated in shared memory unless
    /// already there) and its explanation beside it. Returns false for an unknown id.
    bool loadDemo(const QString& id);
    DemoPanel* demoPanel() const { return m_demoPanel; }
    DockLayout* dockLayout() const { return m_dockLayout; }

    /// Starts the job the panels describe; returns false (and says why) when it cannot.
    bool runJob();
    /// Runs the last job again computing only what it left out (cancelled or failed positions).
    bool resumeJob();
    void cancelJob();
    QString exportResults(const QString& path);
    /// Whether the last job's results would be lost on quitting (not exported yet).
    bool hasUnsavedResults() const;
    /// Closes at once, without asking about a running job or unsaved results (SIGTERM, SIGINT,
    /// and "Quit anyway").
    void closeWithoutAsking();
    /// Puts the last job's output array in the Data panel as the next input (no copy) and
    /// selects it; returns its store id, 0 when there are no results to use.
    int useResultsAsInput();
    /// Writes the plot shown in the Monitor (PNG, PDF or SVG by the extension); an error text.
    QString savePlot(const QString& path, const PlotExport& options = {});
    /// The title a saved plot carries: the plot and the job it shows.
    QString plotTitle(const QString& plot) const;
    /// Saves the job the panels describe with the selected array as its input (written beside
    /// the job when it has no file); returns an error found at once, else jobSaved() follows.
    QString saveJob(const QString& path);
    QString openJob(const QString& path);
    /// Opens the Compare view and runs the job the panels describe on the selected array in both
    /// modes (shared, then copy); returns the view, or null (and says why) when it cannot start.
    CompareView* compareModes();

    Pool* pool() const { return m_pool; }
    ArrayStore* store() const { return m_store; }
    DataPanel* dataPanel() const { return m_dataPanel; }
    JobPanel* jobPanel() const { return m_jobPanel; }
    MonitorPanel* monitorPanel() const { return m_monitorPanel; }
    ResultsPanel* resultsPanel() const { return m_resultsPanel; }
    LogPanel* logPanel() const { return m_logPanel; }
    ResultsModel* resultsModel() const { return m_resultsModel; }
    KernelMenu* kernelMenu() const { return m_kernelMenu; }
    QAction* runAction() const { return m_runAction; }
    QAction* cancelAction() const { return m_cancelAction; }
    QAction* resumeAction() const { return m_resumeAction; }
    QAction* compareAction() const { return m_compareAction; }
    QAction* useResultsAction() const { return m_useResultsAction; }
    /// The status bar's note saying why Run is disabled (empty when it is not).
    QString runHintText() const;
    /// The message banner's text (errors shown in the window).
    QString bannerText() const;
    /// The last finished job's result.
    const JobResult& lastResult() const { return m_lastResult; }

signals:
    /// A job ended (finished, cancelled or failed) and the window is idle again.
    void jobEnded();
    /// The window closes for a restart (the language changed): whoever started it starts it again.
    void restartRequested();
    /// File ▸ Save job wrote `path` (and its input beside it, if the array had no file).
    void jobSaved(const QString& path, const QString& error);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createDocks();
    void createCompareAction();
    void updateActions();
    void updateRecentMenu();
    void showBanner(const QString& text, bool error);
    bool startJob(const JobSpec& spec, int arrayId, const ResultValues* previous);
    void onFinished(const JobResult& result);
    void onFailed(const QString& error);
    /// Clears the demo's explanation once the job or the data is no longer the demo's.
    void leaveDemoIfChanged();
    /// Asks whether to quit while a job runs or results are unsaved (window-modal, asynchronous).
    void askBeforeClosing();
    /// After a language change: restart now (through close()) or later.
    void offerRestart();

    Pool* m_pool;
    ArrayStore* m_store;
    ResultsModel* m_resultsModel;
    DataPanel* m_dataPanel;
    JobPanel* m_jobPanel;
    MonitorPanel* m_monitorPanel;
    ResultsPanel* m_resultsPanel;
    LogPanel* m_logPanel;
    DemoPanel* m_demoPanel;
    QDockWidget* m_demoDock = nullptr;
    ElidedLabel* m_banner;
    DockLayout* m_dockLayout;
    JobFile* m_jobFile;
    ElidedLabel* m_runHint = nullptr; ///< the status bar's "Run is disabled: why"
    bool m_bannerIsError = false;
    QAction* m_openAction = nullptr;
    QAction* m_generateAction = nullptr;
    QAction* m_runAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_resumeAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_useResultsAction = nullptr;
    QAction* m_savePlotAction = nullptr;
    QAction* m_compareAction = nullptr;
    CompareView* m_compareView = nullptr; ///< created on first use, reused (a new comparison clears it)
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    KernelMenu* m_kernelMenu = nullptr;
    bool m_runWhenLoaded = false;
    JobResult m_lastResult;
    bool m_hasResult = false;
    bool m_resultsSaved = false; ///< the last result was exported
    bool m_closeWithoutAsking = false;
    bool m_restartOnClose = false;
    QString m_loadError; ///< why the last load failed, until something loads
    int m_lastArrayId = 0; ///< the input of the last job, for Resume
};

} // namespace sharedmap
