#include "compareview.h"

#include "base/progressformat.h"
#include "engine/pool.h"
#include "io/arraystore.h"
#include "plots/compareplot.h"
#include "settings.h"

#include <cmath>
#include <cstring>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sharedmap {

namespace {
const QString kShared = QStringLiteral("shared");
const QString kCopy = QStringLiteral("copy");

/// The table row and plot curve of `mode` ("shared" or "copy").
ComparePlot::Run runOf(const QString& mode)
{
    return mode == kCopy ? ComparePlot::Copy : ComparePlot::Shared;
}

/// The translated name of `mode`, for the table and the messages.
QString nameOf(const QString& mode)
{
    return ComparePlot::runName(runOf(mode));
}

/// Bit for bit, except that any NaN equals any NaN (a position left uncomputed in both runs).
bool sameValue(double a, double b)
{
    if (std::isnan(a) && std::isnan(b))
        return true;
    return std::memcmp(&a, &b, sizeof(double)) == 0;
}
} // namespace

CompareView::CompareView(QWidget* parent)
    : QDialog(parent)
    , m_pool(new Pool(this))
    , m_plot(new ComparePlot(this))
    , m_table(new QTableWidget(2, ColumnCount, this))
    , m_message(new QLabel(this))
    , m_verdict(new QLabel(this))
    , m_order(new QComboBox(this))
    , m_againButton(new QPushButton(tr("Compare &again"), this))
    , m_cancelButton(new QPushButton(tr("&Cancel"), this))
{
    setWindowTitle(tr("Compare shared vs copy"));
    setModal(false);
    // Each run starts its own workers: a warm worker would skip the copy and hide its cost.
    m_pool->setKeepWarm(false);

    auto* explanation = new QLabel(
        tr("<p>The same job runs twice, one run after the other. <b>shared</b>: the array is in shared memory "
           "<b>once</b> and every worker reads the same pages, so the total stays near one array whatever the number "
           "of workers. <b>copy</b>: each worker first receives <b>its own copy</b> of the array through its pipe, as "
           "Python's <tt>process_map(fn, …)</tt> does when the array is passed as an argument. The copies cost memory "
           "(about workers + 1 arrays in all) and time before the first task (the start-up column). Results are the "
           "same. When the copies cannot fit, copy mode is refused before it starts: that is the tutorial's "
           "<tt>MemoryError</tt>, explained instead of a crash.</p>"
           "<p>Memory here is each run's own: its workers and its segments (input and results). The window itself "
           "and the other arrays it holds are left out, so the figures do not depend on what ran before.</p>"),
        this);
    explanation->setWordWrap(true);
    explanation->setTextFormat(Qt::RichText);

    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setContentsMargins(8, 6, 8, 6);
    m_message->setStyleSheet(QStringLiteral("background: #fdecea; color: #922b21; border-radius: 4px;"));
    m_message->hide();

    m_plot->setMinimumHeight(260);

    m_table->setHorizontalHeaderLabels(
        { tr("Mode"), tr("Status"), tr("Elapsed"), tr("Start-up"), tr("Compute"), tr("Peak memory"), tr("× array") });
    m_table->horizontalHeaderItem(StartupColumn)
        ->setToolTip(
            tr("From the start to the first task: starting the workers and, in copy mode, sending the copies"));
    m_table->horizontalHeaderItem(PeakColumn)
        ->setToolTip(tr("Highest memory of the run: its workers' own memory (PSS outside shared memory) plus its "
                        "input and results segments, each counted once"));
    m_table->horizontalHeaderItem(RatioColumn)
        ->setToolTip(tr("Peak memory of the run divided by the array's size: about 1 when shared, about workers "
                        "+ 1 with a copy per worker"));
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height()
                            + 2 * m_table->verticalHeader()->defaultSectionSize() + 4);

    m_order->addItem(tr("shared first"), QStringList { kShared, kCopy });
    m_order->addItem(tr("copy first"), QStringList { kCopy, kShared });
    m_order->setToolTip(tr("Which mode runs first; the other runs when it ends"));
    m_order->setCurrentIndex(Settings::instance()->compareFirstMode() == kCopy ? 1 : 0);
    auto* close = new QPushButton(tr("Close"), this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(new QLabel(tr("Order:"), this));
    buttons->addWidget(m_order);
    buttons->addStretch(1);
    buttons->addWidget(m_againButton);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addWidget(m_message);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_table);
    layout->addWidget(m_verdict);
    layout->addLayout(buttons);

    m_refreshTimer.setInterval(33); // the plot pulls at ~30 Hz; samples never drive repaints
    connect(&m_refreshTimer, &QTimer::timeout, m_plot, &LivePlot::refresh);
    connect(m_pool, &Pool::memorySampled, this, [this] {
        if (m_mode.isEmpty())
            return;
        // This run's processes and segments only: the window and its other arrays are not the lesson.
        const MemoryParts& parts = m_pool->memoryParts();
        m_plot->addSample(runOf(m_mode), double(m_runClock.nsecsElapsed()) / 1e9, parts.jobBytes());
        if (parts.jobBytes() >= m_peaks.value(m_mode).jobBytes())
            m_peaks.insert(m_mode, parts);
    });
    connect(m_order, &QComboBox::currentIndexChanged, this,
            [this] { Settings::instance()->setCompareFirstMode(m_order->currentData().toStringList().value(0)); });
    connect(m_pool, &Pool::finished, this, &CompareView::onFinished);
    connect(m_pool, &Pool::failed, this, &CompareView::onFailed);
    connect(m_againButton, &QPushButton::clicked, this, [this] { compare(m_spec, m_input); });
    connect(m_cancelButton, &QPushButton::clicked, this, &CompareView::cancel);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);

    for (const QString& mode : { kShared, kCopy })
        setRow(mode, QString(), nullptr);
    updateButtons();
    resize(980, 720);
}

CompareView::~CompareView()
{
    m_pool->disconnect(); // no signal reaches a half-destroyed view
}

bool CompareView::compare(const JobSpec& spec, std::shared_ptr<const SharedArray> input)
{
    if (isRunning()) {
        addMessage(tr("A comparison is running: cancel it before starting another."));
        return false;
    }
    m_spec = spec;
    m_spec.output.clear(); // the view shows the runs; it writes no files
    m_spec.summary.clear();
    m_input = std::move(input);
    if (m_input && m_spec.input.isEmpty()) // the array is loaded already: its name only labels the runs
        m_spec.input = m_input->sourcePath().isEmpty() ? m_input->segmentName() : m_input->sourcePath();
    m_results.clear();
    m_peaks.clear();
    m_cancelled = false;
    m_message->clear();
    m_message->hide();
    m_verdict->clear();
    m_plot->clear();
    m_plot->setReferences(m_input ? m_input->meta().byteSize() : 0, 1);
    m_plot->refresh();
    for (const QString& mode : { kShared, kCopy })
        setRow(mode, tr("waiting"), nullptr);
    m_queue = m_order->currentData().toStringList();
    startNext();
    return true;
}

void CompareView::startNext()
{
    while (!m_queue.isEmpty()) {
        const QString mode = m_queue.takeFirst();
        JobSpec spec = m_spec;
        spec.mode = mode;
        QString error;
        m_runClock.start(); // before start(): launching many workers takes a while, and counts
        const quint64 id = m_pool->start(spec, m_input, &error);
        if (id == 0) {
            setRow(mode, tr("refused"), nullptr);
            addMessage(mode == kCopy && error.startsWith(QLatin1String("copy mode needs"))
                           ? tr("Copy mode was refused before it started. This is the tutorial's MemoryError, caught "
                                "up front: %1.")
                                 .arg(error)
                           : tr("The %1 run could not start: %2").arg(nameOf(mode), error));
            continue;
        }
        m_mode = mode;
        m_jobId = id;
        if (mode == kCopy && m_input)
            m_plot->setReferences(m_input->meta().byteSize(), int(m_pool->workers().size()) + 1);
        setRow(mode, tr("running…"), nullptr);
        m_refreshTimer.start();
        updateButtons();
        return;
    }
    runOver();
}

void CompareView::onFinished(const JobResult& result)
{
    if (m_mode.isEmpty() || result.jobId != m_jobId)
        return;
    m_results.insert(m_mode, result);
    setRow(m_mode, result.cancelled ? tr("cancelled") : tr("done"), &result);
    m_mode.clear();
    next();
}

void CompareView::onFailed(const QString& error)
{
    if (m_mode.isEmpty())
        return;
    setRow(m_mode, tr("failed"), nullptr);
    addMessage(tr("The %1 run failed: %2").arg(nameOf(m_mode), error));
    m_mode.clear();
    next();
}

void CompareView::next()
{
    if (m_cancelled)
        m_queue.clear();
    if (m_queue.isEmpty())
        runOver();
    else // from the event loop: the pool finishes emitting before it is asked for the next run
        QTimer::singleShot(0, this, &CompareView::startNext);
}

void CompareView::runOver()
{
    m_refreshTimer.stop();
    m_plot->refresh();
    const bool both = m_results.contains(kShared) && m_results.contains(kCopy);
    if (resultsIdentical()) {
        m_verdict->setText(tr("<b>Results identical: yes</b> — the %1 values of both runs are equal bit for bit.")
                               .arg(m_results.value(kShared).values.size()));
    } else if (both && !m_results.value(kShared).cancelled && !m_results.value(kCopy).cancelled) {
        const ResultValues a = m_results.value(kShared).values;
        const ResultValues b = m_results.value(kCopy).values;
        qint64 differ = qAbs(a.size() - b.size());
        for (qint64 i = 0; i < qMin(a.size(), b.size()); ++i)
            differ += !sameValue(a[i], b[i]);
        m_verdict->setText(tr("<b>Results identical: no</b> — %1 values differ.").arg(differ));
    } else {
        m_verdict->setText(tr("Results identical: — (the two runs did not both finish)"));
    }
    updateButtons();
    // From the event loop, like the pool's finished(): compare() returns before the end is told.
    QMetaObject::invokeMethod(this, &CompareView::comparisonEnded, Qt::QueuedConnection);
}

void CompareView::cancel()
{
    if (!isRunning())
        return;
    m_cancelled = true;
    m_queue.clear();
    m_pool->cancel();
}

bool CompareView::isRunning() const
{
    return !m_mode.isEmpty() || !m_queue.isEmpty();
}

bool CompareView::resultsIdentical() const
{
    if (!m_results.contains(kShared) || !m_results.contains(kCopy))
        return false;
    const JobResult& shared = *m_results.find(kShared);
    const JobResult& copy = *m_results.find(kCopy);
    if (shared.cancelled || copy.cancelled || shared.values.size() != copy.values.size())
        return false;
    for (qint64 i = 0; i < shared.values.size(); ++i) {
        if (!sameValue(shared.values[i], copy.values[i]))
            return false;
    }
    return true;
}

QString CompareView::messageText() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

QString CompareView::verdictText() const
{
    return m_verdict->text();
}

void CompareView::setRow(const QString& mode, const QString& status, const JobResult* result)
{
    const int row = runOf(mode);
    const double arrayBytes = m_input ? double(m_input->meta().byteSize()) : 0;
    auto seconds = [](double s) { return tr("%1 s").arg(s, 0, 'f', 3); };
    QStringList cells(ColumnCount);
    cells[ModeColumn] = nameOf(mode);
    cells[StatusColumn] = status;
    if (result && !result->cancelled) {
        cells[ElapsedColumn] = seconds(result->elapsedS);
        cells[StartupColumn] = seconds(result->startupS);
        cells[ComputeColumn] = seconds(result->computeS);
        cells[PeakColumn] = formatBytes(m_peaks.value(mode).jobBytes());
        if (arrayBytes > 0)
            cells[RatioColumn] = tr("%1 ×").arg(double(m_peaks.value(mode).jobBytes()) / arrayBytes, 0, 'f', 2);
    }
    const MemoryParts peak = m_peaks.value(mode);
    for (int column = 0; column < ColumnCount; ++column) {
        auto* item = new QTableWidgetItem(cells[column]);
        item->setTextAlignment(column <= StatusColumn ? Qt::AlignLeft | Qt::AlignVCenter
                                                      : Qt::AlignRight | Qt::AlignVCenter);
        if ((column == PeakColumn || column == RatioColumn) && result)
            item->setToolTip(tr("%1 bytes: the input %2, the workers' own memory %3, the results %4")
                                 .arg(QLocale().toString(peak.jobBytes()), formatBytes(peak.inputBytes),
                                      formatBytes(peak.workersBytes()), formatBytes(peak.outputBytes)));
        m_table->setItem(row, column, item);
    }
    QTableWidgetItem* modeItem = m_table->item(row, ModeColumn);
    modeItem->setForeground(LivePlot::paletteColor(mode == kCopy ? 2 : 0));
    QFont bold = modeItem->font();
    bold.setBold(true);
    modeItem->setFont(bold);
}

void CompareView::addMessage(const QString& text)
{
    m_message->setText(m_message->text().isEmpty() ? text : m_message->text() + QLatin1Char('\n') + text);
    m_message->show();
}

void CompareView::updateButtons()
{
    const bool running = isRunning();
    m_cancelButton->setEnabled(running);
    m_againButton->setEnabled(!running && m_input);
    m_order->setEnabled(!running);
}

void CompareView::reject()
{
    // Closed or Esc: a hidden view keeps no workers busy and no array in memory (the pool holds
    // the input of a run that is still stopping).
    cancel();
    m_input.reset();
    updateButtons();
    QDialog::reject();
}

} // namespace sharedmap
