#include "monitorpanel.h"

#include "base/progressformat.h"
#include "base/status.h"
#include "engine/pool.h"
#include "kernelviews.h"
#include "models/resultsmodel.h"
#include "models/workermodel.h"
#include "plots/memoryplot.h"
#include "plots/resultsplot.h"
#include "plots/throughputplot.h"
#include "plots/timelineplot.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScrollBar>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTabWidget>
#include <QVBoxLayout>

namespace sharedmap {

namespace {
/// Positions whose status is scanned per tick, so a huge job costs a bounded time per frame.
constexpr qint64 kScanBudget = 4 << 20;
/// The worker table takes at most this share of the Monitor's height; beyond it, it scrolls.
constexpr double kWorkerTableShare = 0.4;

/// tqdm's figures for a run that ended early: no time remaining, which no longer means anything.
QString stoppedStats(qint64 done, qint64 total, double elapsedS, double rate)
{
    // "400/1000 [00:20<00:30, 20.00it/s]" -> "400/1000 [00:20, 20.00it/s]", the layout tqdm uses
    // when it has no total: the one place that formats rates stays formatProgressStats().
    QString text = formatProgressStats(done, total, elapsedS, rate);
    const int from = text.indexOf(QLatin1Char('<'));
    const int to = text.indexOf(QLatin1Char(','), from);
    if (from > 0 && to > from)
        text.remove(from, to - from);
    return text;
}
} // namespace

MonitorPanel::MonitorPanel(Pool* pool, ResultsModel* results, QWidget* parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_results(results)
    , m_workers(new WorkerModel(this))
    , m_progress(new QProgressBar(this))
    , m_stats(new QLabel(this))
    , m_summary(new QPlainTextEdit(this))
    , m_workerView(new QTableView(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
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
    // The summary's three lines are kept while a job runs: the plots below never move when it
    // appears; a longer summary scrolls in its box.
    m_summary->setReadOnly(true);
    m_summary->setFrameShape(QFrame::NoFrame);
    m_summary->viewport()->setAutoFillBackground(false);
    m_summary->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_summary->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_summary->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_summary->setFocusPolicy(Qt::ClickFocus);
    m_summary->document()->setDocumentMargin(1);
    m_summary->setFixedHeight(3 * m_summary->fontMetrics().lineSpacing() + 4);
    m_summary->setToolTip(tr("What the last job did: its time, its memory, what went wrong"));

    m_workerView->setModel(m_workers);
    m_workerView->verticalHeader()->hide();
    m_workerView->setSelectionMode(QAbstractItemView::NoSelection);
    m_workerView->setWordWrap(false);
    m_workerView->setToolTip(tr("One row per worker process: what it holds and what it costs"));
    m_workerView->verticalHeader()->setDefaultSectionSize(m_workerView->fontMetrics().height() + 8);
    m_workerView->viewport()->installEventFilter(this);
    sizeWorkerColumns();

    m_plots->addTab(m_resultsPlot, tr("Results"));
    m_plots->addTab(m_throughputPlot, tr("Throughput"));
    m_plots->addTab(m_timelinePlot, tr("Timeline"));
    m_plots->addTab(m_memoryPlot, tr("Memory"));
    m_plots->setTabToolTip(0, tr("Each result against its index, as it arrives"));
    m_plots->setTabToolTip(1, tr("Tasks per second over time"));
    m_plots->setTabToolTip(2, tr("Which worker computed which chunk, and when"));
    m_plots->setTabToolTip(3,
                           tr("Memory part by part — this job's input and results in shared memory, the workers' "
                              "own memory, the window, other arrays — next to the array's size"));

    m_splitter->setObjectName(QStringLiteral("monitorSplitter"));
    m_splitter->addWidget(m_workerView);
    m_splitter->addWidget(m_plots);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    m_workerView->setMinimumHeight(m_workerView->horizontalHeader()->sizeHint().height()
                                   + m_workerView->verticalHeader()->defaultSectionSize()
                                   + 2 * m_workerView->frameWidth());
    m_plots->setMinimumHeight(160);
    fitWorkerTable(2);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_progress);
    layout->addWidget(m_stats);
    layout->addWidget(m_summary);
    layout->addWidget(m_splitter, 1);

    m_timer.setInterval(33);
    connect(&m_timer, &QTimer::timeout, this, &MonitorPanel::tick);
    connect(m_pool, &Pool::chunkFinished, this, [this](const ChunkEvent& chunk) {
        if (m_pool->currentJobId() == m_jobId) {
            m_timelinePlot->addChunk(chunk);
            m_kernelViews->addChunk(chunk);
            if (chunk.count != m_chunkInUse) {
                m_chunkInUse = chunk.count;
                emit chunkSizeInUse(chunk.count);
            }
        }
    });
    connect(m_pool, &Pool::memorySampled, this, &MonitorPanel::onMemorySampled);
}

void MonitorPanel::onMemorySampled()
{
    if (m_pool->currentJobId() != m_jobId || m_ended)
        return;
    const MemoryParts& parts = m_pool->memoryParts();
    m_memoryPlot->addSample(parts.atS, parts);
    if (parts.jobBytes() >= m_peak.jobBytes())
        m_peak = parts;
    m_workers->setOwnMemory(parts.workerBytes);
}

void MonitorPanel::beginJob(quint64 jobId, const JobResult& plan, qint64 arrayBytes, bool resuming)
{
    const bool continues = resuming && m_ended && m_jobId != 0;
    m_jobId = jobId;
    m_plan = plan;
    m_seen = QByteArray(int(plan.taskCount()), char(Pending));
    m_scanCursor = 0;
    m_lastThroughputAt = -1;
    m_copyMode = plan.spec.mode == QLatin1String("copy");
    m_chunkInUse = 0;
    m_peak = MemoryParts();
    m_ended = false;
    m_clock.start();
    m_results->reset(plan.indices, plan.resultWidth, plan.values);
    m_resultsPlot->reset(plan.taskCount());
    m_throughputPlot->clear();
    const int lanes = int(qMin<qint64>(plan.workers, qMax<qint64>(1, plan.taskCount())));
    if (continues) {
        // The job goes on: its earlier runs stay on the timeline, this one follows them.
        m_earlierS += m_lastRunS;
        ++m_runs;
        m_timelinePlot->beginResumedRun(m_earlierS);
        m_timelinePlot->setWorkerCount(qMax(lanes, m_timelinePlot->workerCount()));
    } else {
        m_earlierS = 0;
        m_runs = 1;
        m_timelinePlot->clear();
        m_timelinePlot->setWorkerCount(lanes);
    }
    m_lastRunS = 0;
    m_memoryPlot->clear();
    m_kernelViews->begin(plan);
    m_memoryPlot->setReference(arrayBytes, tr("the array (%1)").arg(formatBytes(arrayBytes)));
    m_workers->setWorkers({});
    m_workers->setOwnMemory({});
    fitWorkerTable(lanes);
    m_progress->setValue(0);
    m_summary->clear();
    setStats(0, plan.taskCount(), 0, 0);
    m_timer.start();
}

void MonitorPanel::sizeWorkerColumns()
{
    // Widths from the widest text each column can hold, not from the rows present: the table is
    // filled after its rows are inserted (pids, memory), and a column sized then cut "51234" to "5…".
    const QFontMetrics metrics(m_workerView->font());
    const QFontMetrics headerMetrics(m_workerView->horizontalHeader()->font());
    const int pad = 2 * m_workerView->style()->pixelMetric(QStyle::PM_HeaderMargin) + 6;
    QString longestState = WorkerModel::stoppedText();
    for (WorkerState state : { WorkerState::Starting, WorkerState::Running, WorkerState::Idle, WorkerState::Crashed,
                               WorkerState::Finished }) {
        if (metrics.horizontalAdvance(WorkerModel::stateText(state)) > metrics.horizontalAdvance(longestState))
            longestState = WorkerModel::stateText(state);
    }
    const QString samples[WorkerModel::ColumnCount]
        = { QStringLiteral("88 (↻8)"),          QStringLiteral("8888888"),   longestState,
            QStringLiteral("88888:88888"),      QStringLiteral("8888888"),   QStringLiteral("888"),
            QStringLiteral("888.8 MiB"),        QStringLiteral("888.8 MiB"), QStringLiteral("888.8 MiB"),
            tr("%1 s ago").arg(88.8, 0, 'f', 1) };
    QHeaderView* header = m_workerView->horizontalHeader();
    header->setStretchLastSection(false);
    m_columnWidths.clear();
    for (int column = 0; column < WorkerModel::ColumnCount; ++column) {
        const QString title = m_workers->headerData(column, Qt::Horizontal).toString();
        int width = qMax(metrics.horizontalAdvance(samples[column]), headerMetrics.horizontalAdvance(title)) + pad;
        if (column == WorkerModel::StateColumn)
            width += 20; // the state's dot
        header->setSectionResizeMode(column, QHeaderView::Interactive);
        header->resizeSection(column, width);
        m_columnWidths.append(width);
    }
    stretchChunkColumn();
}

void MonitorPanel::stretchChunkColumn()
{
    // The chunk column is the one whose text grows (big positions, long ranges): it takes the
    // room left, never less than its own width (then the table scrolls sideways).
    if (m_columnWidths.size() != WorkerModel::ColumnCount)
        return;
    int others = 0;
    for (int column = 0; column < WorkerModel::ColumnCount; ++column) {
        if (column != WorkerModel::ChunkColumn)
            others += m_workerView->horizontalHeader()->sectionSize(column);
    }
    const int room = m_workerView->viewport()->width() - others;
    m_workerView->horizontalHeader()->resizeSection(WorkerModel::ChunkColumn,
                                                    qMax(m_columnWidths.at(WorkerModel::ChunkColumn), room));
}

bool MonitorPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_workerView->viewport() && event->type() == QEvent::Resize)
        stretchChunkColumn();
    return QWidget::eventFilter(watched, event);
}

void MonitorPanel::fitWorkerTable(int rows)
{
    const int rowHeight = m_workerView->verticalHeader()->defaultSectionSize();
    const int wanted = m_workerView->horizontalHeader()->sizeHint().height() + qMax(1, rows) * rowHeight
        + 2 * m_workerView->frameWidth() + m_workerView->horizontalScrollBar()->sizeHint().height() / 2;
    const QList<int> sizes = m_splitter->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    if (total <= 0) { // not laid out yet: a preference the first layout honours
        m_splitter->setSizes({ wanted, 600 });
        return;
    }
    const int height = qMax(m_workerView->minimumHeight(), qMin(wanted, int(total * kWorkerTableShare)));
    m_splitter->setSizes({ height, total - height });
}

void MonitorPanel::clear()
{
    m_timer.stop();
    m_jobId = 0;
    m_ended = true;
    m_plan = JobResult();
    m_seen.clear();
    m_runs = 1;
    m_earlierS = 0;
    m_lastRunS = 0;
    m_peak = MemoryParts();
    m_results->reset(IndexList(), 1, ResultValues());
    m_resultsPlot->reset(0);
    m_throughputPlot->clear();
    m_timelinePlot->clear();
    m_memoryPlot->clear();
    m_memoryPlot->setReference(0, QString());
    m_kernelViews->begin(JobResult()); // the last job's image, race or histogram tab goes
    m_plots->setCurrentIndex(0);
    m_workers->setWorkers({});
    m_workers->setOwnMemory({});
    m_progress->setValue(0);
    m_summary->clear();
    m_stats->setText(tr("Idle. Press Run (Ctrl+R) to start the job."));
    refreshPlots();
}

void MonitorPanel::setIdleText(const QString& text)
{
    if (m_jobId == 0) // once a job ran, its figures stay until the next one
        m_stats->setText(text);
}

QString MonitorPanel::statsText() const
{
    return m_stats->text();
}

QString MonitorPanel::summaryText() const
{
    return m_summary->toPlainText();
}

void MonitorPanel::tick()
{
    if (!m_pool->isRunning() || m_pool->currentJobId() != m_jobId)
        return;
    const JobProgress progress = m_pool->progress();
    m_lastRunS = progress.elapsedS;
    setStats(progress.done, progress.total, progress.rate, progress.elapsedS);
    const QVector<WorkerInfo> workers = m_pool->workers();
    if (workers.size() != m_workers->rowCount())
        fitWorkerTable(int(workers.size()));
    m_workers->setWorkers(workers);
    if (progress.elapsedS - m_lastThroughputAt >= 0.1) {
        m_throughputPlot->addSample(progress.elapsedS, progress.rate);
        m_lastThroughputAt = progress.elapsedS;
    }
    pullResults();
    m_kernelViews->sample(*m_pool, progress.elapsedS);
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
        m_pool->readResults(from, count, nullptr, reinterpret_cast<quint8*>(status.data()));
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
            m_pool->readResults(from + p, end - p, values.data(), reinterpret_cast<quint8*>(status.data()) + p);
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
    // The last reading was taken with every worker still attached, before finished().
    onMemorySampled();
    m_ended = true;
    m_lastRunS = result.elapsedS;
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
    m_workers->setWorkers(result.workerStats, result.cancelled);
    m_seen = result.status;
    const qint64 failed = result.failedPositions().size();
    const qint64 done = result.doneCount() + failed;
    // As tqdm shows a resumed run (`initial=`): the kept positions are where the bar starts, and
    // the rate is over what this run computed, in this run's time.
    const qint64 computedNow = qMax<qint64>(0, done - result.resumedPositions);
    const double rate = result.elapsedS > 0 ? double(computedNow) / result.elapsedS : 0;
    m_progress->setValue(result.taskCount() > 0 ? int(1000 * done / result.taskCount()) : 1000);
    m_stats->setText(result.cancelled
                         ? tr("%1 — cancelled").arg(stoppedStats(done, result.taskCount(), result.elapsedS, rate))
                         : formatProgressStats(done, result.taskCount(), result.elapsedS, rate));

    const auto seconds = [](double s) { return QString::number(s, 'f', s < 10 ? 3 : 1); };
    QString text;
    if (result.cancelled) {
        text = tr("Cancelled: %1 of %2 indices computed in %3 s.")
                   .arg(result.doneCount())
                   .arg(result.taskCount())
                   .arg(seconds(result.elapsedS));
        if (m_runs > 1)
            text = tr("Cancelled: %1 of %2 indices computed, %3 of them in this run (%4 s); the job has taken "
                      "%5 s over %6 runs.")
                       .arg(result.doneCount())
                       .arg(result.taskCount())
                       .arg(computedNow)
                       .arg(seconds(result.elapsedS), seconds(jobSeconds()))
                       .arg(m_runs);
        text += QLatin1Char(' ') + tr("Resume (Ctrl+Shift+R) computes the rest.");
    } else if (m_runs > 1 || result.resumedPositions > 0) {
        text = tr("Done: %1 indices in %2 s over %3 runs. This run computed %4 in %5 s (start-up %6 s, compute "
                  "%7 s); %8 were done before it.")
                   .arg(result.taskCount())
                   .arg(seconds(jobSeconds()))
                   .arg(qMax(2, m_runs))
                   .arg(computedNow)
                   .arg(seconds(result.elapsedS), seconds(result.startupS), seconds(result.computeS))
                   .arg(result.resumedPositions);
    } else {
        text = tr("Done: %1 indices in %2 s (start-up %3 s, compute %4 s).")
                   .arg(result.taskCount())
                   .arg(seconds(result.elapsedS), seconds(result.startupS), seconds(result.computeS));
    }
    // Sentences are joined and ended the way the language does it (Chinese: no space, 。).
    const auto append
        = [&text](const QString& sentence) { text = tr("%1 %2", "two sentences in a row").arg(text, sentence); };
    append(memorySentence(result));
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
    if (!m_kernelViews->summary().isEmpty())
        append(m_kernelViews->summary());
    if (failed > 0)
        append(tr("%1 indices failed after retries.").arg(failed));
    if (result.retriedChunks > 0)
        append(tr("%1 chunks retried after worker crashes.").arg(result.retriedChunks));
    m_summary->setPlainText(text);
    m_summary->setStyleSheet(result.cancelled || failed > 0 ? QStringLiteral("color: #b9770e;") : QString());
    refreshPlots();
}

QString MonitorPanel::memorySentence(const JobResult& result) const
{
    const qint64 arrayBytes = result.inputMeta.dtype != DType::Invalid ? result.inputMeta.byteSize() : 0;
    const MemoryParts& peak = m_peak;
    if (peak.jobBytes() <= 0)
        return tr("%1.", "ends a sentence")
            .arg(tr("Peak memory of the app and its workers: %1").arg(formatBytes(result.peakMemoryBytes)));
    QString sentence;
    if (arrayBytes <= 0) {
        sentence
            = tr("Peak memory of this job: %1 (the workers' own %2, the results %3)")
                  .arg(formatBytes(peak.jobBytes()), formatBytes(peak.workersBytes()), formatBytes(peak.outputBytes));
    } else if (m_copyMode) {
        sentence = tr("Peak memory of this job: %1 = %2 × the array: copy mode, each worker held its own copy of "
                      "it (their own memory %3) besides the one in shared memory (%4)")
                       .arg(formatBytes(peak.jobBytes()))
                       .arg(double(peak.jobBytes()) / double(arrayBytes), 0, 'f', 2)
                       .arg(formatBytes(peak.workersBytes()), formatBytes(peak.inputBytes));
    } else {
        sentence = tr("Peak memory of this job: %1 = %2 × the array: the array (%3) once in shared memory for all "
                      "workers, their own memory %4, the results %5")
                       .arg(formatBytes(peak.jobBytes()))
                       .arg(double(peak.jobBytes()) / double(arrayBytes), 0, 'f', 2)
                       .arg(formatBytes(arrayBytes), formatBytes(peak.workersBytes()), formatBytes(peak.outputBytes));
    }
    sentence = tr("%1 (not counted: the window %2, other arrays %3)")
                   .arg(sentence, formatBytes(peak.appBytes), formatBytes(peak.otherBytes));
    return tr("%1.", "ends a sentence").arg(sentence);
}

void MonitorPanel::failJob(const QString& error)
{
    m_timer.stop();
    m_ended = true;
    QVector<WorkerInfo> workers = m_workers->workers();
    for (WorkerInfo& worker : workers) {
        if (worker.state != WorkerState::Crashed)
            worker.state = WorkerState::Finished; // the pool killed them: shown as stopped
    }
    m_workers->setWorkers(workers, true);
    m_stats->setText(tr("%1 — failed").arg(stoppedStats(m_pool->progress().done, m_plan.taskCount(), m_lastRunS, 0)));
    m_summary->setPlainText(tr("The job failed: %1").arg(error));
    m_summary->setStyleSheet(QStringLiteral("color: #c0392b;"));
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
