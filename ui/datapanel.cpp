#include "datapanel.h"

#include "base/procstats.h"
#include "base/progressformat.h"
#include "io/arraystore.h"
#include "io/npyformat.h"
#include "models/arraylistmodel.h"
#include "models/arraytablemodel.h"
#include "plots/heatmapview.h"
#include "settings.h"

#include <QAction>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QSplitter>
#include <QTableView>
#include <QTabWidget>
#include <QtConcurrent/QtConcurrentRun>
#include <QToolButton>
#include <QVBoxLayout>

namespace sharedmap {

DataPanel::DataPanel(ArrayStore* store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_listModel(new ArrayListModel(store, this))
    , m_tableModel(new ArrayTableModel(this))
    , m_list(new QTableView(this))
    , m_info(new QLabel(this))
    , m_total(new QLabel(this))
    , m_removeAction(new QAction(tr("&Remove from shared memory"), this))
    , m_renameAction(new QAction(tr("Re&name…"), this))
    , m_saveAction(new QAction(tr("&Save as .npy…"), this))
    , m_loadBox(new QWidget(this))
    , m_loadLabel(new QLabel(m_loadBox))
    , m_loadProgress(new QProgressBar(m_loadBox))
    , m_loadCancel(new QToolButton(m_loadBox))
    , m_preview(new QTabWidget(this))
    , m_table(new QTableView(this))
    , m_heatmap(new HeatmapView(this))
{
    m_list->setModel(m_listModel);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->verticalHeader()->hide();
    m_list->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->horizontalHeader()->setStretchLastSection(false);
    m_list->horizontalHeader()->setSectionResizeMode(ArrayListModel::NameColumn, QHeaderView::Stretch);
    m_list->setWordWrap(false);
    m_list->hideColumn(ArrayListModel::SegmentColumn); // shown in full below the list
    m_list->setToolTip(tr("Arrays held in shared memory; the selected one is the job's input"));
    // Room for three arrays (an input and two results) before the list scrolls.
    m_list->setMinimumHeight(m_list->horizontalHeader()->sizeHint().height()
                             + 3 * m_list->verticalHeader()->defaultSectionSize() + 2 * m_list->frameWidth());
    m_total->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_info->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    m_loadCancel->setText(tr("Cancel"));
    m_loadCancel->setToolTip(tr("Stop loading this file"));
    auto* loadLayout = new QHBoxLayout(m_loadBox);
    loadLayout->setContentsMargins(0, 0, 0, 0);
    loadLayout->addWidget(m_loadLabel);
    loadLayout->addWidget(m_loadProgress, 1);
    loadLayout->addWidget(m_loadCancel);
    m_loadBox->hide();

    m_table->setModel(m_tableModel);
    m_table->setToolTip(tr("The array's values, read from shared memory as you scroll"));
    m_preview->addTab(m_heatmap, tr("Heatmap"));
    m_preview->addTab(m_table, tr("Table"));
    m_heatmap->setToolTip(tr("The array as an image (downsampled for big arrays)"));

    auto* top = new QWidget(this);
    top->setObjectName(QStringLiteral("dataTop"));
    top->installEventFilter(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_list);
    topLayout->addWidget(m_total);
    topLayout->addWidget(m_loadBox);
    topLayout->addWidget(m_info);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("dataSplitter"));
    splitter->addWidget(top);
    splitter->addWidget(m_preview);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    // The list's actions: keys while it has the focus, and its context menu.
    m_removeAction->setShortcut(QKeySequence::Delete);
    m_removeAction->setToolTip(tr("Free the array's shared memory (Delete); a running job keeps its input until it "
                                  "ends"));
    m_renameAction->setShortcut(QKeySequence(Qt::Key_F2));
    m_renameAction->setToolTip(tr("Rename the array (F2)"));
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAction->setToolTip(tr("Write the array to a .npy file NumPy reads (Ctrl+S)"));
    for (QAction* action : { m_removeAction, m_renameAction, m_saveAction }) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_list->addAction(action);
    }
    m_list->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_list->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::DoubleClicked);
    connect(m_removeAction, &QAction::triggered, this, &DataPanel::removeCurrent);
    connect(m_renameAction, &QAction::triggered, this, [this] {
        const int row = m_listModel->rowOf(m_currentId);
        if (row >= 0)
            m_list->edit(m_listModel->index(row, ArrayListModel::NameColumn));
    });
    connect(m_saveAction, &QAction::triggered, this, [this] {
        const ArrayStore::Entry entry = m_store->entry(m_currentId);
        if (!entry.array)
            return;
        // Window-modal and asynchronous: a running job keeps updating.
        auto* dialog = new QFileDialog(this, tr("Save array"),
                                       QDir(Settings::instance()->lastSaveDirectory())
                                           .filePath(QFileInfo(entry.name).completeBaseName() + QStringLiteral(".npy")),
                                       tr("NumPy array (*.npy)"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->setDefaultSuffix(QStringLiteral("npy"));
        connect(dialog, &QFileDialog::fileSelected, this, &DataPanel::saveCurrent);
        dialog->open();
    });
    connect(m_store, &ArrayStore::renamed, this, [this](int id) {
        if (id == m_currentId)
            showArray(id);
    });
    updateActions();
    updateTotal();

    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                const int id = current.isValid() ? m_listModel->idAt(current.row()) : 0;
                if (id != m_currentId)
                    showArray(id);
            });
    connect(m_store, &ArrayStore::loadStarted, this, [this](int id, const QString& name) {
        m_loadingId = id;
        m_loadLabel->setText(tr("Loading %1…").arg(name));
        m_loadProgress->setRange(0, 0);
        m_loadBox->show();
    });
    connect(m_store, &ArrayStore::loadProgress, this, [this](int id, qint64 done, qint64 total) {
        if (id != m_loadingId)
            return;
        m_loadProgress->setRange(0, 1000);
        m_loadProgress->setValue(total > 0 ? int(1000 * done / total) : 0);
        m_loadProgress->setFormat(tr("%1 of %2").arg(formatBytes(done), formatBytes(total)));
    });
    connect(m_loadCancel, &QToolButton::clicked, this, [this] { m_store->cancelLoad(m_loadingId); });
    connect(m_store, &ArrayStore::loaded, this, [this](int id) {
        if (!m_store->isLoading())
            m_loadBox->hide();
        setCurrentId(id); // a newly loaded array becomes the input
        for (int column = ArrayListModel::DTypeColumn; column < m_listModel->columnCount(); ++column)
            m_list->resizeColumnToContents(column);
        updateTotal();
    });
    connect(m_store, &ArrayStore::loadFailed, this, [this](int) {
        if (!m_store->isLoading())
            m_loadBox->hide();
    });
    connect(m_store, &ArrayStore::removed, this, [this](int id) {
        if (id == m_currentId) {
            const QVector<int> ids = m_store->ids();
            setCurrentId(ids.isEmpty() ? 0 : ids.last());
        }
        updateTotal();
    });
}

bool DataPanel::eventFilter(QObject* watched, QEvent* event)
{
    // A wrapped label's minimum height knows nothing of its width: reserve the lines the text
    // takes at this width, so the splitter can never squeeze it over the list's rows.
    if (watched->objectName() == QLatin1String("dataTop") && event->type() == QEvent::Resize)
        fitInfo();
    return QWidget::eventFilter(watched, event);
}

void DataPanel::fitInfo()
{
    const int width = m_info->width() > 0 ? m_info->width() : this->width();
    const int height = m_info->heightForWidth(qMax(50, width));
    if (height > 0 && height != m_info->minimumHeight())
        m_info->setMinimumHeight(height);
}

void DataPanel::removeCurrent()
{
    const ArrayStore::Entry entry = m_store->entry(m_currentId);
    if (!entry.array)
        return;
    const qint64 bytes = entry.array->isFileMapped() ? 0 : entry.array->segmentBytes();
    // The store lets go now; a job or a parked worker still mapping the segment keeps its pages
    // until it lets go too.
    emit logMessage(tr("Removed %1 (%2 of shared memory) from the Data panel").arg(entry.name, formatBytes(bytes)),
                    false);
    m_store->remove(m_currentId);
}

void DataPanel::saveCurrent(const QString& path)
{
    const ArrayStore::Entry entry = m_store->entry(m_currentId);
    if (!entry.array)
        return;
    Settings::instance()->setLastSaveDirectory(QFileInfo(path).absolutePath());
    // Written off the GUI thread from the segment itself; the array stays alive until it is done.
    std::shared_ptr<const SharedArray> array = entry.array;
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path, name = entry.name] {
        const QString error = watcher->result();
        watcher->deleteLater();
        if (!error.isEmpty()) {
            emit logMessage(tr("Could not save %1 to %2: %3").arg(name, path, error), true);
            return;
        }
        emit logMessage(tr("Saved %1 to %2").arg(name, path), false);
        emit saved(path);
    });
    watcher->setFuture(QtConcurrent::run([array, path] { return writeNpy(path, array->meta(), array->view().data); }));
}

qint64 DataPanel::heldBytes() const
{
    qint64 total = 0;
    for (int id : m_store->ids()) {
        const auto array = m_store->array(id);
        if (array)
            total += array->segmentBytes(); // a mapped file's data is in the file, not in the segment
    }
    return total;
}

int DataPanel::findArray(const QString& name, const QVector<qint64>& shape) const
{
    int found = 0;
    for (int id : m_store->ids()) {
        const ArrayStore::Entry entry = m_store->entry(id);
        if (entry.array && entry.name == name && (shape.isEmpty() || entry.array->meta().shape == shape))
            found = id; // the latest of that name
    }
    return found;
}

bool DataPanel::selectArray(const QString& name, const QVector<qint64>& shape)
{
    const int id = findArray(name, shape);
    if (id)
        setCurrentId(id);
    return id != 0;
}

JobSpec DataPanel::jobOn(const JobSpec& spec, int id) const
{
    JobSpec named = spec;
    const ArrayStore::Entry entry = m_store->entry(id);
    if (entry.array) {
        named.input = entry.path.isEmpty() ? entry.name : entry.path;
        named.inputOptions = entry.options;
    }
    return named;
}

int DataPanel::addResults(const JobResult& result, QString* error)
{
    if (result.taskCount() == 0)
        return 0;
    std::shared_ptr<const SharedArray> array = result.values.array();
    const bool counts = !result.accumulatorText.isEmpty();
    if (counts) {
        // What Export saves for these kernels (the histogram's counts), not the per-index values:
        // a small int64 array, copied into a segment of its own.
        ArrayMeta meta;
        meta.dtype = DType::Int64;
        meta.shape = { qint64(result.accumulator.size()) };
        auto made = SharedArray::create(meta, error);
        if (!made)
            return 0;
        std::copy(result.accumulator.cbegin(), result.accumulator.cend(),
                  reinterpret_cast<qint64*>(made->mutableData()));
        array = std::move(made);
    }
    if (!array)
        return 0;
    const QString source = QFileInfo(result.inputPath).fileName();
    const QString name = source.isEmpty() ? tr("%1 results (job %2)").arg(result.kernelName).arg(result.jobId)
                                          : tr("%1 of %2 (job %3)").arg(result.kernelName, source).arg(result.jobId);
    emit logMessage((counts ? tr("Counts of job %1 (%2 %3) added as the array \"%4\"")
                            : tr("Results of job %1 (%2 %3) added as the array \"%4\", without a copy"))
                        .arg(result.jobId)
                        .arg(dtypeName(array->meta().dtype), array->meta().shapeText(), name),
                    false);
    return m_store->adopt(name, array);
}

void DataPanel::updateTotal()
{
    bool cgroup = false;
    const qint64 limit = memoryLimitBytes(&cgroup);
    const qint64 held = heldBytes();
    m_total->setText(limit > 0 ? tr("In shared memory: %1 of %2 (%3 %)")
                                     .arg(formatBytes(held), formatBytes(limit))
                                     .arg(100.0 * double(held) / double(limit), 0, 'f', 1)
                               : tr("In shared memory: %1").arg(formatBytes(held)));
    m_total->setToolTip(
        (limit <= 0   ? QString()
             : cgroup ? tr("%1 is what this process's cgroup allows.").arg(formatBytes(limit)) + QLatin1Char('\n')
                      : tr("%1 is this machine's memory.").arg(formatBytes(limit)) + QLatin1Char('\n'))
        + tr("Every array listed is held in shared memory until it is removed (Delete)."));
    updateActions();
}

void DataPanel::updateActions()
{
    const bool any = m_store->contains(m_currentId) && m_store->array(m_currentId);
    for (QAction* action : { m_removeAction, m_renameAction, m_saveAction })
        action->setEnabled(any);
}

void DataPanel::setCurrentId(int id)
{
    const int row = m_listModel->rowOf(id);
    if (row >= 0)
        m_list->selectRow(row);
    if (id != m_currentId)
        showArray(id);
}

void DataPanel::showArray(int id)
{
    m_currentId = id;
    const auto array = m_store->array(id);
    if (!array) {
        m_tableModel->setArray(nullptr);
        m_heatmap->clearArray();
        m_info->setText(tr("No array loaded. Open a .npy file (Ctrl+O), drop one here, or generate one (Ctrl+G)."));
        fitInfo();
        updateActions();
        emit currentChanged(0);
        return;
    }
    const ArrayMeta& meta = array->meta();
    const ArrayStore::Entry entry = m_store->entry(id);
    m_info->setText(tr("<b>Input:</b> %1 — %2 %3, %4 order, %5 in shared memory segment <tt>%6</tt>%7")
                        .arg(entry.name.toHtmlEscaped(), dtypeName(meta.dtype), meta.shapeText(), meta.orderText(),
                             formatBytes(meta.byteSize()), array->segmentName(),
                             entry.path.isEmpty() ? QString() : tr("<br>from %1").arg(entry.path.toHtmlEscaped())));
    m_tableModel->setArray(array);
    m_heatmap->setArray(array);
    fitInfo();
    updateActions();
    emit currentChanged(id);
}

} // namespace sharedmap
