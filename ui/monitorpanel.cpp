#include "monitorpanel.h"

#include "base/progressformat.h"
#include "base/status.h"
#include "engine/jobsource.h"
#include "kernelviews.h"
#include "models/resultsmodel.h"
#include "models/workermodel.h"
#include "plots/memoryplot.h"
#include "plots/resultsplot.h"
#include "plots/throughputplot.h"
#include "plots/timelineplot.h"

#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QSplitter>
#include <QTableView>
#include <QTabWidget>
#include <QVBoxLayout>

namespace sharedmap {

namespace {
/// Positions whose status is scanned per tick, so a huge job costs a bounded time per frame.
constexpr qint64 kScanBudget = 4 << 20;
} // namespace

MonitorPanel::MonitorPanel(JobSource* source, ResultsModel* results, QWidget* parent)
    : QWidget(parent)
    , m_results(results)
    , m_workers(new WorkerModel(this))
    , m_progress(new QProgressBar(this))
    , m_stats(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_workerView(new QTableView(this))
    , m_plots(new QTabWidget(this))
    , m_resultsPlot(new ResultsPlot(this))
    , m_throughputPlot(new ThroughputPlot(this))
    , m_timelinePlot(new TimelinePlot(this))
    , m_memoryPlot(new MemoryPlot(this))
    , m_kernelViews(new KernelViews(m_plots, this))
{
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_progress->setToolTip(tr("Share of the indices computed"));
    m_stats->setText(tr("Idle. Press Run (Ctrl+R) to start the job."));
    m_stats->setToolTip(tr("Done/total [elapsed<remaining, rate], as tqdm prints it"));
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont mono = m_stats->font();
    mono.setFamily(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_stats->setFont(mono);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_workerView->setModel(m_workers);
    m_workerView->verticalHeader()->hide();
    m_workerView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_workerView->horizontalHeader()->setStretchLastSection(true);
    m_workerView->setSelectionMode(QAbstractItemView::NoSelection);
    m_workerView->setToolTip(tr("One row per worker process: what it holds and what it costs"));

    m_plots->addTab(m_resultsPlot, tr("Results"));
    m_plots->addTab(m_throughputPlot, tr("Throughput"));
    m_plots->addTab(m_timelinePlot, tr("Timeline"));
    m_plots->addTab(m_memoryPlot, tr("Memory"));
    m_plots->setTabToolTip(0, tr("Each result against its index, as it arrives"));
    m_plots->setTabToolTip(1, tr("Tasks per second over time"));
    m_plots->setTabToolTip(2, tr("Which worker computed which chunk, and when"));
    m_plots->setTabToolTip(3, tr("Memory of the app and its workers (proportional set size) next to the array's size"));

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("monitorSplitter"));
    splitter->addWidget(m_workerView);
    splitter->addWidget(m_plots);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 4);
    splitter->setSizes({ 150, 600 });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_progress);
    layout->addWidget(m_stats);
    layout->addWidget(m_summary);
    layout->addWidget(splitter, 1);
    m_summary->hide();

    m_timer.setInterval(33);
    connect(&m_timer, &QTimer::timeout, this, &MonitorPanel::tick);
    setSource(source);
}

void MonitorPanel::setSource(JobSource* source)
{
    if (source == m_source)
        return;
    if (m_source)
        m_source->disconnect(this);
    m_source = source;
    if (!m_source)
        return;
    connect(m_source, &JobSource::chunkFinished, this, [this](const ChunkEvent& chunk) {
        if (m_source->currentJobId() == m_jobId) {
            m_timelinePlot->addChunk(chunk);
            m_kernelViews->addChunk(chunk);
        }
    });
    connect(m_source, &JobSource::memorySampled, this, [this](qint64 pss) {
        if (m_source->currentJobId() == m_jobId)
            m_memoryPlot->addSample(double(m_clock.nsecsElapsed()) / 1e9, pss);
    });
    // A source that goes away (an attached job let go) leaves the panel showing its last state.
    connect(m_source, &QObject::destroyed, this, [this, source] {
        if (m_source == source) {
            m_source = nullptr;
            m_timer.stop();
        }
    });
}

void MonitorPanel::beginJob(quint64 jobId, const JobResult& plan, qint64 arrayBytes)
{
    m_jobId = jobId;
    m_plan = plan;
    m_seen = QByteArray(int(plan.taskCount()), char(Pending));
    m_scanCursor = 0;
    m_lastThroughputAt = -1;
    m_clock.start();
    m_results->reset(plan.indices, plan.resultWidth, plan.values);
    m_resultsPlot->reset(plan.taskCount());
    m_throughputPlot->clear();
    m_timelinePlot->clear();
    m_timelinePlot->setWorkerCount(int(qMin<qint64>(plan.workers, qMax<qint64>(1, plan.taskCount()))));
    m_memoryPlot->clear();
    m_kernelViews->begin(plan);
    if (arrayBytes > 0)
        m_memoryPlot->setReference(arrayBytes, tr("array size"));
    m_progress->setValue(0);
    m_summary->hide();
    setStats(0, plan.taskCount(), 0, 0);
    m_timer.start();
}

void MonitorPanel::tick()
{
    if (!m_source || !m_source->isRunning() || m_source->currentJobId() != m_jobId)
        return;
    const JobProgress progress = m_source->progress();
    setStats(progress.done, progress.total, progress.rate, progress.elapsedS);
    m_workers->setWorkers(m_source->workers());
    if (progress.elapsedS - m_lastThroughputAt >= 0.1) {
        m_throughputPlot->addSample(progress.elapsedS, progress.rate);
        m_lastThroughputAt = progress.elapsedS;
    }
    pullResults();
    m_kernelViews->sample(*m_source, progress.elapsedS);
    refreshPlots();
}

void MonitorPanel::pullResults()
{
    const qint64 total = m_seen.size();
    if (total == 0)
        return;
    const qint64 budget = qMin(total, kScanBudget);
    QByteArray status(budget, char(Pending));
    QVector<double> values;
    QVector<double> xs, ys;
    const int width = m_plan.resultWidth;
    qint64 scanned = 0;
    while (scanned < budget) {
        const qint64 from = m_scanCursor;
        const qint64 count = qMin(budget - scanned, total - from);
        m_source->readResults(from, count, nullptr, reinterpret_cast<quint8*>(status.data()));
        // Find runs whose status changed since the last look, and read only their values.
        for (qint64 p = 0; p < count;) {
            if (status[p] == m_seen[from + p]) {
                ++p;
                continue;
            }
            qint64 end = p;
            while (end < count && status[end] != m_seen[from + end])
                ++end;
            values.resize((end - p) * width);
            m_source->readResults(from + p, end - p, values.data(), reinterpret_cast<quint8*>(status.data()) + p);
            m_results->update(from + p, end - p, reinterpret_cast<const quint8*>(status.constData()) + p);
            m_kernelViews->addResults(from + p, end - p, values.constData(),
                                      reinterpret_cast<const quint8*>(status.constData()) + p);
            for (qint64 q = p; q < end; ++q) {
                m_seen[from + q] = status[q];
                if (quint8(status[q]) == Done) {
                    xs.append(double(m_plan.indices.at(from + q)));
                    ys.append(values[(q - p) * width]);
                }
            }
            p = end;
        }
        scanned += count;
        m_scanCursor = (from + count) % total;
    }
    if (!xs.isEmpty())
        m_resultsPlot->addPoints(xs, ys);
}

void MonitorPanel::endJob(const JobResult& result)
{
    if (result.jobId != m_jobId)
        return; // an older job's result: never shown in a newer run
    m_timer.stop();
    // Add whatever the last ticks did not show, from the final values.
    QVector<double> xs, ys;
    for (qint64 p = 0; p < result.taskCount(); ++p) {
        if (quint8(result.status[p]) == Done && quint8(m_seen[p]) != Done) {
            xs.append(double(result.indices.at(p)));
            ys.append(result.values[p * result.resultWidth]);
            m_kernelViews->addResults(p, 1, result.values.constData() + p * result.resultWidth,
                                      reinterpret_cast<const quint8*>(result.status.constData()) + p);
        }
    }
    m_kernelViews->end(result);
    if (!xs.isEmpty())
        m_resultsPlot->addPoints(xs, ys);
    m_results->setResult(result);
    m_workers->setWorkers(result.workerStats);
    m_seen = result.status;
    const qint64 failed = result.failedPositions().size();
    const qint64 done = result.doneCount() + failed;
    setStats(done, result.taskCount(), result.elapsedS > 0 ? double(done) / result.elapsedS : 0, result.elapsedS);
    QString text = result.cancelled ? tr("Cancelled: %1 of %2 indices computed in %3 s.")
                                          .arg(result.doneCount())
                                          .arg(result.taskCount())
                                          .arg(result.elapsedS, 0, 'f', 3)
                                    : tr("Done: %1 indices in %2 s (start-up %3 s, compute %4 s).")
                                          .arg(result.taskCount())
                                          .arg(result.elapsedS, 0, 'f', 3)
                                          .arg(result.startupS, 0, 'f', 3)
                                          .arg(result.computeS, 0, 'f', 3);
    const qint64 arrayBytes = result.inputMeta.dtype != DType::Invalid ? result.inputMeta.byteSize() : 0;
    // Sentences are joined and ended the way the language does it (Chinese: no space, 。).
    const auto append
        = [&text](const QString& sentence) { text = tr("%1 %2", "two sentences in a row").arg(text, sentence); };
    QString memory = tr("Peak memory of the app and its workers: %1").arg(formatBytes(result.peakMemoryBytes));
    if (arrayBytes > 0)
        memory += tr("; the array (%1) is held once in shared memory").arg(formatBytes(arrayBytes));
    append(tr("%1.", "ends a sentence").arg(memory));
    if (result.figures.contains(QStringLiteral("expected_counter"))) {
        const qint64 counter = result.figures.value(QStringLiteral("counter")).toLongLong();
        const qint64 expected = result.figures.value(QStringLiteral("expected_counter")).toLongLong();
        append(counter < expected
                   ? tr("The shared counter reached %1 of %2: %3 updates were lost to the race.")
                         .arg(counter)
                         .arg(expected)
                         .arg(expected - counter)
                   : tr("The shared counter reached %1 of %2: no update was lost.").arg(counter).arg(expected));
    }
    if (failed > 0)
        append(tr("%1 indices failed after retries.").arg(failed));
    if (result.retriedChunks > 0)
        append(tr("%1 chunks retried after worker crashes.").arg(result.retriedChunks));
    m_summary->setText(text);
    m_summary->setStyleSheet(result.cancelled || failed > 0 ? QStringLiteral("color: #b9770e;") : QString());
    m_summary->show();
    refreshPlots();
}

void MonitorPanel::failJob(const QString& error)
{
    m_timer.stop();
    m_summary->setText(tr("The job failed: %1").arg(error));
    m_summary->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_summary->show();
}

void MonitorPanel::refreshPlots()
{
    for (LivePlot* plot : { static_cast<LivePlot*>(m_resultsPlot), static_cast<LivePlot*>(m_throughputPlot),
                            static_cast<LivePlot*>(m_timelinePlot), static_cast<LivePlot*>(m_memoryPlot) })
        plot->refresh();
    m_kernelViews->refresh();
}

void MonitorPanel::setStats(qint64 done, qint64 total, double rate, double elapsed)
{
    m_progress->setValue(total > 0 ? int(1000 * done / total) : 1000);
    m_stats->setText(formatProgressStats(done, total, elapsed, rate));
}

} // namespace sharedmap
