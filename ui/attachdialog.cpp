#include "attachdialog.h"

#include "engine/attachedjob.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QtConcurrent>
#include <QVBoxLayout>

namespace sharedmap {

namespace {
enum Column
{
    PidColumn,
    ProgramColumn,
    KernelColumn,
    InputColumn,
    DoneColumn,
    RateColumn,
    StartedColumn,
    ColumnCount
};

/// The jobs folder and a look into each job's segment: a few small files and attaches, done on a
/// pool thread so the window never waits on the file system.
QPair<QVector<AttachDialog::Row>, QString> readJobs()
{
    QString error;
    QVector<AttachDialog::Row> rows;
    for (const JobAnnouncement& job : listJobs(&error)) {
        QString problem;
        const JobProgress progress = AttachedJob::peek(job, &problem);
        if (problem.isEmpty())
            rows.append({ job, progress });
    }
    return { rows, error };
}
} // namespace

AttachDialog::AttachDialog(QWidget* parent)
    : QDialog(parent)
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_status(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Attach to running job"));
    m_table->setHorizontalHeaderLabels(
        { tr("PID"), tr("Program"), tr("Kernel"), tr("Input"), tr("Done"), tr("Rate"), tr("Started") });
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(InputColumn, QHeaderView::Stretch);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setToolTip(tr("Jobs of yours running now: from sharedmap-cli, Python scripts and other windows"));
    m_status->setWordWrap(true);
    QPushButton* attach = m_buttons->addButton(tr("&Attach"), QDialogButtonBox::AcceptRole);
    attach->setToolTip(tr("Show the job live in the Monitor, read-only; Cancel there stops it, closing the window "
                          "only detaches"));
    attach->setDefault(true);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &AttachDialog::updateButtons);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this] {
        if (selectedPid() > 0)
            accept();
    });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);
    resize(820, 320);

    connect(&m_watcher, &QFutureWatcher<QPair<QVector<Row>, QString>>::finished, this, [this] {
        const auto listed = m_watcher.result();
        showRows(listed.first, listed.second);
    });
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &AttachDialog::refresh);
    m_timer.start();
    updateButtons();
    refresh();
}

AttachDialog::~AttachDialog()
{
    m_watcher.waitForFinished(); // a listing in flight reads nothing of ours, but reports here
}

void AttachDialog::refresh()
{
    if (m_watcher.isRunning())
        return; // the last one is still reading: skip this turn
    m_watcher.setFuture(QtConcurrent::run(readJobs));
}

void AttachDialog::showRows(const QVector<Row>& rows, const QString& error)
{
    const qint64 selected = selectedPid();
    m_rows = rows;
    m_table->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        const JobAnnouncement& job = rows[r].job;
        const JobProgress& progress = rows[r].progress;
        const QStringList texts { QString::number(job.pid),
                                  job.program,
                                  job.kernel,
                                  job.input.isEmpty() ? tr("(no input)") : job.input,
                                  tr("%1/%2 (%3%)")
                                      .arg(progress.done)
                                      .arg(progress.total)
                                      .arg(progress.total > 0 ? 100 * progress.done / progress.total : 100),
                                  tr("%1 tasks/s").arg(progress.rate, 0, 'f', 1),
                                  QLocale().toString(job.startedAt, QLocale::ShortFormat) };
        for (int c = 0; c < ColumnCount; ++c) {
            auto* item = m_table->item(r, c);
            if (!item) {
                item = new QTableWidgetItem;
                m_table->setItem(r, c, item);
            }
            item->setText(texts[c]);
            item->setData(Qt::UserRole, job.pid);
        }
    }
    if (selected > 0)
        selectPid(selected);
    if (selectedPid() == 0 && !rows.isEmpty())
        m_table->selectRow(0);
    m_status->setText(!error.isEmpty() ? error
                          : rows.isEmpty()
                          ? tr("No job of yours is running. Jobs started by sharedmap-cli, by Python scripts and "
                               "by other SharedMap windows appear here while they run.")
                          : tr("%n running job(s). The list is read again every second.", nullptr, int(rows.size())));
    updateButtons();
    emit refreshed();
}

qint64 AttachDialog::selectedPid() const
{
    const QList<QTableWidgetItem*> items = m_table->selectedItems();
    return items.isEmpty() ? 0 : items.first()->data(Qt::UserRole).toLongLong();
}

bool AttachDialog::selectPid(qint64 pid)
{
    for (int r = 0; r < m_table->rowCount(); ++r) {
        if (m_table->item(r, PidColumn) && m_table->item(r, PidColumn)->data(Qt::UserRole).toLongLong() == pid) {
            m_table->selectRow(r);
            return true;
        }
    }
    return false;
}

void AttachDialog::updateButtons()
{
    for (QAbstractButton* button : m_buttons->buttons()) {
        if (m_buttons->buttonRole(button) == QDialogButtonBox::AcceptRole)
            button->setEnabled(selectedPid() > 0);
    }
}

} // namespace sharedmap
