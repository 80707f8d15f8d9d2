#pragma once

#include "engine/pool.h"
#include "job/jobresult.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QSplitter;
class QTableView;
class QTabWidget;

namespace sharedmap {

class KernelViews;
class MemoryPlot;
class Pool;
class ResultsModel;
class ResultsPlot;
class ThroughputPlot;
class TimelinePlot;
class WorkerModel;

/// The Monitor panel: overall progress with tqdm's text, one row per worker, and the live plots.
/// A 30 Hz timer pulls from the pool (counters, worker slots, newly computed results); the task
/// rate never drives the repaint rate.
class MonitorPanel : public QWidget
{
    Q_OBJECT
public:
    MonitorPanel(Pool* pool, ResultsModel* results, QWidget* parent = nullptr);

    /// Prepares for a new job: clears plots, sizes the results, remembers the job id. `resuming`:
    /// the job continues the one shown last (Resume), so the timeline and the job's time go on
    /// across both runs.
    void beginJob(quint64 jobId, const JobResult& plan, qint64 arrayBytes, bool resuming = false);
    /// Shows the final state of a job (ignored when it is not the current one).
    void endJob(const JobResult& result);
    /// Shows that the current job failed.
    void failJob(const QString& error);
    /// Back to the idle view: no job shown (a new demo was chosen). The last result itself is
    /// the window's, not the panel's.
    void clear();

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
    /// The line shown before any job ran ("Press Run", or why it cannot run).
    void setIdleText(const QString& text);
    /// The tqdm-shaped figures line ("450/1000 [00:02<00:03, 180.10it/s]").
    QString statsText() const;
    /// The sentence(s) below it once a job ended; empty while one runs.
    QString summaryText() const;
    /// The whole job's time across its runs (a resumed job adds its earlier runs), and the runs.
    double jobSeconds() const { return m_earlierS + m_lastRunS; }
    int runCount() const { return m_runs; }
    /// The reading with the highest memory of this job (workers and its segments) so far.
    const MemoryParts& peakMemory() const { return m_peak; }

signals:
    /// The running job's workers now claim chunks of `size` positions (auto adapts it).
    void chunkSizeInUse(qint64 size);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void tick();
    void pullResults();
    void refreshPlots();
    void setStats(qint64 done, qint64 total, double rate, double elapsed);
    void onMemorySampled();
    /// What the job's memory was, part by part, in words (copy mode: whose copies).
    QString memorySentence(const JobResult& result) const;
    /// Gives the worker table the height of its rows (up to a share of the panel).
    void fitWorkerTable(int rows);
    void sizeWorkerColumns();
    void stretchChunkColumn();

    Pool* m_pool;
    ResultsModel* m_results;
    WorkerModel* m_workers;
    QProgressBar* m_progress;
    QLabel* m_stats;
    QPlainTextEdit* m_summary;
    QTableView* m_workerView;
    QSplitter* m_splitter;
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
    bool m_copyMode = false;
    qint64 m_chunkInUse = 0;
    MemoryParts m_peak;
    int m_runs = 1; ///< runs of the job shown (1, or more after Resume)
    double m_earlierS = 0; ///< time of its earlier runs
    double m_lastRunS = 0; ///< time of its last (or running) run
    bool m_ended = true;
    QVector<int> m_columnWidths; ///< the worker table's widths for its widest texts
};

} // namespace sharedmap
