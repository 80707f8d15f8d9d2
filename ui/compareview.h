#pragma once

#include "engine/pool.h"
#include "job/jobresult.h"

#include <memory>
#include <QDialog>
#include <QElapsedTimer>
#include <QTimer>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace sharedmap {

class ComparePlot;
class Pool;
class SharedArray;

/// The Compare view: runs the same job twice with its own pool, once with the input shared by
/// all workers and once with a copy per worker (as process_map does with an array argument),
/// one run after the other, and shows each job's memory over time — its workers and its
/// segments, nothing else the window holds — their timings and whether their results are
/// identical. A non-modal window; never blocks.
class CompareView : public QDialog
{
    Q_OBJECT
public:
    /// Column of the table, one row per mode.
    enum Column
    {
        ModeColumn,
        StatusColumn,
        ElapsedColumn,
        StartupColumn,
        ComputeColumn,
        PeakColumn,
        RatioColumn,
        ColumnCount
    };

    explicit CompareView(QWidget* parent = nullptr);
    ~CompareView() override;

    /// Runs `spec` on `input` in both modes (in the order chosen in the view), clearing the
    /// previous comparison. Returns false, with the reason shown, when a comparison is running.
    bool compare(const JobSpec& spec, std::shared_ptr<const SharedArray> input);
    /// Stops the running run and does not start the next one.
    void cancel();
    bool isRunning() const;

    /// The view's own pool (tests set its worker program).
    Pool* pool() const { return m_pool; }
    ComparePlot* plot() const { return m_plot; }
    QTableWidget* table() const { return m_table; }
    /// The text shown above the plot when a run was refused or failed; empty when none.
    QString messageText() const;
    /// The "results identical" line below the table.
    QString verdictText() const;
    /// The result of the run in `mode` ("shared" or "copy"); an empty result when it did not run.
    JobResult result(const QString& mode) const { return m_results.value(mode); }
    /// The reading with the highest memory of the run in `mode` (its workers and its segments).
    MemoryParts peakMemory(const QString& mode) const { return m_peaks.value(mode); }
    /// True when both runs finished, uncancelled, and their values are bit for bit equal (NaN = NaN).
    bool resultsIdentical() const;

signals:
    /// Both runs are over (finished, refused, failed or cancelled).
    void comparisonEnded();

public slots:
    /// Closes the view (Close, Esc or the window's close button), cancels a running comparison
    /// and lets go of the input.
    void reject() override;

private:
    void startNext();
    void onFinished(const JobResult& result);
    void onFailed(const QString& error);
    void next();
    void runOver();
    void setRow(const QString& mode, const QString& status, const JobResult* result);
    void addMessage(const QString& text);
    void updateButtons();

    Pool* m_pool;
    ComparePlot* m_plot;
    QTableWidget* m_table;
    QLabel* m_message;
    QLabel* m_verdict;
    QComboBox* m_order;
    QPushButton* m_againButton;
    QPushButton* m_cancelButton;
    QTimer m_refreshTimer;
    QElapsedTimer m_runClock;

    JobSpec m_spec;
    std::shared_ptr<const SharedArray> m_input;
    QStringList m_queue; ///< modes still to run (the view is running while any is left)
    QString m_mode; ///< the running mode, empty when idle
    quint64 m_jobId = 0;
    bool m_cancelled = false;
    QHash<QString, JobResult> m_results;
    QHash<QString, MemoryParts> m_peaks;
};

} // namespace sharedmap
