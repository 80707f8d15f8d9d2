#pragma once

#include "job/jobresult.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QTableView;
class QTabWidget;

namespace sharedmap {

class JobSource;
class KernelViews;
class MemoryPlot;
class ResultsModel;
class ResultsPlot;
class ThroughputPlot;
class TimelinePlot;
class WorkerModel;

/// The Monitor panel: overall progress with tqdm's text, one row per worker, and the live plots.
/// A 30 Hz timer pulls from its source (counters, worker slots, newly computed results): the
/// window's own Pool, or a job of another process it attached to. The task rate never drives
/// the repaint rate.
class MonitorPanel : public QWidget
{
    Q_OBJECT
public:
    MonitorPanel(JobSource* source, ResultsModel* results, QWidget* parent = nullptr);

    /// Shows the jobs of `source` from the next beginJob() on (the window's pool, or an
    /// attached job).
    void setSource(JobSource* source);
    JobSource* source() const { return m_source; }

    /// Prepares for a new job: clears plots, sizes the results, remembers the job id.
    void beginJob(quint64 jobId, const JobResult& plan, qint64 arrayBytes);
    /// Shows the final state of a job (ignored when it is not the current one).
    void endJob(const JobResult& result);
    /// Shows that the current job failed.
    void failJob(const QString& error);

    ResultsPlot* resultsPlot() const { return m_resultsPlot; }
    ThroughputPlot* throughputPlot() const { return m_throughputPlot; }
    TimelinePlot* timelinePlot() const { return m_timelinePlot; }
    MemoryPlot* memoryPlot() const { return m_memoryPlot; }
    QTabWidget* plotTabs() const { return m_plots; }
    QProgressBar* progressBar() const { return m_progress; }
    QTableView* workerView() const { return m_workerView; }
    WorkerModel* workerModel() const { return m_workers; }
    /// The views only some kernels have (output image, race, histogram, π).
    KernelViews* kernelViews() const { return m_kernelViews; }

private:
    void tick();
    void pullResults();
    void refreshPlots();
    void setStats(qint64 done, qint64 total, double rate, double elapsed);

    JobSource* m_source = nullptr;
    ResultsModel* m_results;
    WorkerModel* m_workers;
    QProgressBar* m_progress;
    QLabel* m_stats;
    QLabel* m_summary;
    QTableView* m_workerView;
    QTabWidget* m_plots;
    ResultsPlot* m_resultsPlot;
    ThroughputPlot* m_throughputPlot;
    TimelinePlot* m_timelinePlot;
    MemoryPlot* m_memoryPlot;
    KernelViews* m_kernelViews;
    QTimer m_timer;
    QElapsedTimer m_clock;
    quint64 m_jobId = 0;
    JobResult m_plan;
    QByteArray m_seen; ///< statuses already shown, per position
    qint64 m_scanCursor = 0;
    double m_lastThroughputAt = -1;
};

} // namespace sharedmap
