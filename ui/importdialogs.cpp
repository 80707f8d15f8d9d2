#include "importdialogs.h"

#include "base/progressformat.h"
#include "io/formats/hdf5format.h"

#include <cmath>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QtConcurrent>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sharedmap {

namespace {

constexpr int kPreviewRows = 20;

/// How the status line names a delimiter: a word, so that "," does not read as a typo.
QString delimiterName(QChar delimiter)
{
    if (delimiter == QLatin1Char('\t'))
        return CsvImportDialog::tr("tab");
    if (delimiter == QLatin1Char(' '))
        return CsvImportDialog::tr("blanks");
    if (delimiter == QLatin1Char(','))
        return CsvImportDialog::tr("comma (,)");
    if (delimiter == QLatin1Char(';'))
        return CsvImportDialog::tr("semicolon (;)");
    if (delimiter == QLatin1Char('|'))
        return CsvImportDialog::tr("bar (|)");
    return QStringLiteral("“%1”").arg(delimiter);
}

void fillDtypes(QComboBox* box)
{
    for (const char* name :
         { "float64", "float32", "int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8", "bool" })
        box->addItem(QString::fromLatin1(name));
}

} // namespace

// --- CsvImportDialog -------------------------------------------------------------------------------

CsvImportDialog::CsvImportDialog(const QString& path, QWidget* parent)
    : QDialog(parent)
    , m_path(path)
    , m_delimiter(new QComboBox(this))
    , m_headerRows(new QSpinBox(this))
    , m_columns(new QLineEdit(this))
    , m_dtype(new QComboBox(this))
    , m_preview(new QTableWidget(this))
    , m_status(new QLabel(this))
    , m_fixButton(new QPushButton(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Import %1").arg(QFileInfo(path).fileName()));
    m_fixButton->hide();
    m_fixButton->setToolTip(tr("Apply the fix named above"));
    connect(m_fixButton, &QPushButton::clicked, this, &CsvImportDialog::applyFix);
    m_delimiter->addItem(tr("Detect"), QString());
    m_delimiter->addItem(tr("Comma (,)"), QStringLiteral(","));
    m_delimiter->addItem(tr("Tab"), QStringLiteral("\t"));
    m_delimiter->addItem(tr("Semicolon (;)"), QStringLiteral(";"));
    m_delimiter->addItem(tr("Blanks (spaces or tabs)"), QStringLiteral(" "));
    m_delimiter->addItem(tr("Bar (|)"), QStringLiteral("|"));
    m_headerRows->setRange(-1, 1000);
    m_headerRows->setValue(-1);
    m_headerRows->setSpecialValueText(tr("Detect"));
    m_columns->setPlaceholderText(tr("all"));
    m_columns->setToolTip(tr("Columns to keep, counted from 0 and separated by commas, e.g. 0,2,5"));
    fillDtypes(m_dtype);
    m_dtype->setToolTip(tr("Element type of the array; empty cells and NaN need a float type"));
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setMinimumSize(520, 240);
    m_status->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("&Delimiter:"), m_delimiter);
    form->addRow(tr("&Header lines:"), m_headerRows);
    form->addRow(tr("&Columns:"), m_columns);
    form->addRow(tr("&Type:"), m_dtype);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_preview, 1);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_fixButton, 0, Qt::AlignTop);
    layout->addLayout(statusRow);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_delimiter, &QComboBox::currentIndexChanged, this, &CsvImportDialog::refresh);
    connect(m_headerRows, &QSpinBox::valueChanged, this, &CsvImportDialog::refresh);
    connect(m_columns, &QLineEdit::textChanged, this, &CsvImportDialog::refresh);
    connect(m_dtype, &QComboBox::currentIndexChanged, this, &CsvImportDialog::refresh);
    connect(&m_watcher, &QFutureWatcher<QPair<QString, CsvPreview>>::finished, this, &CsvImportDialog::showPreview);
    refresh();
}

LoadOptions CsvImportDialog::options() const
{
    LoadOptions options;
    const QString delimiter = m_delimiter->currentData().toString();
    if (!delimiter.isEmpty())
        options.delimiter = delimiter.at(0);
    options.headerRows = m_headerRows->value();
    if (!m_columns->text().trimmed().isEmpty())
        parseColumns(m_columns->text(), &options.columns);
    options.dtype = dtypeFromName(m_dtype->currentText());
    if (options.dtype == DType::Float64)
        options.dtype = DType::Invalid; // the default: keeps job files short
    return options;
}

void CsvImportDialog::applyFix()
{
    if (m_fix.headerRows != m_headerRows->value() && m_fix.headerRows >= 0)
        m_headerRows->setValue(m_fix.headerRows);
    if (!m_fix.columns.isEmpty()) {
        QStringList keep;
        for (int column : std::as_const(m_fix.columns))
            keep << QString::number(column);
        m_columns->setText(keep.join(QLatin1Char(',')));
    }
}

QString CsvImportDialog::statusText() const
{
    return m_status->text();
}

void CsvImportDialog::refresh()
{
    // One read at a time; a change during a read asks for another when it ends.
    if (m_watcher.isRunning()) {
        m_pending = true;
        return;
    }
    m_pending = false;
    ++m_requested;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    const QString path = m_path;
    const LoadOptions options = this->options();
    m_watcher.setFuture(QtConcurrent::run([path, options] {
        CsvPreview preview;
        const QString error = previewCsv(path, options, kPreviewRows, &preview);
        return qMakePair(error, preview);
    }));
}

void CsvImportDialog::showPreview()
{
    if (m_pending) {
        refresh();
        return;
    }
    const auto [error, preview] = m_watcher.result();
    QVector<int> columns;
    QString problem = error;
    if (problem.isEmpty() && !m_columns->text().trimmed().isEmpty())
        problem = parseColumns(m_columns->text(), &columns);
    for (int column : std::as_const(columns)) {
        if (problem.isEmpty() && column >= preview.columns)
            problem = tr("Column %1 does not exist: the lines have %2 values.").arg(column).arg(preview.columns);
    }
    if (problem.isEmpty() && preview.rows.isEmpty())
        problem = tr("No data lines found with these settings.");
    if (columns.isEmpty()) {
        for (int c = 0; c < preview.columns; ++c)
            columns.append(c);
    }
    // Values the loader would refuse are shown in the table, named below it, and a fix offered.
    QString badValue;
    QSet<QPair<int, int>> badCells; // (row, column of the file)
    m_fix = LoadOptions();
    m_fixButton->hide();
    if (problem.isEmpty()) {
        const DType dtype = dtypeFromName(m_dtype->currentText());
        const auto isNumber = [dtype](const QString& cell) {
            const QByteArray text = cell.toUtf8();
            double value = 0;
            const bool number = parseNumber(text.constData(), text.constData() + text.size(), &value);
            return number && (dtype == DType::Float32 || dtype == DType::Float64 || !std::isnan(value));
        };
        QVector<int> numeric; // columns whose every line shown is a number
        QVector<int> textual;
        int firstBadRow = -1;
        bool onlyFirstRowBad = true;
        for (int column : std::as_const(columns)) {
            bool allNumbers = true;
            for (int r = 0; r < preview.rows.size(); ++r) {
                if (isNumber(preview.rows[r].value(column)))
                    continue;
                allNumbers = false;
                badCells.insert({ r, column });
                if (firstBadRow < 0 || r < firstBadRow) {
                    firstBadRow = r;
                    badValue = tr("Data line %1, column %2: '%3' is not a number of type %4.")
                                   .arg(r + 1)
                                   .arg(column)
                                   .arg(preview.rows[r].value(column), dtypeName(dtype));
                }
                onlyFirstRowBad = onlyFirstRowBad && r == 0;
            }
            (allNumbers ? numeric : textual).append(column);
        }
        if (!badValue.isEmpty()) {
            if (onlyFirstRowBad && preview.rows.size() > 1) {
                // Only the first line is text: it is a header.
                m_fix = options();
                m_fix.headerRows = preview.headerRows + 1;
                badValue += QLatin1Char(' ')
                    + tr("The first line holds names: count it as a header line (Header lines: %1).")
                          .arg(m_fix.headerRows);
                m_fixButton->setText(tr("Use %1 header line(s)").arg(m_fix.headerRows));
                m_fixButton->show();
            } else if (!numeric.isEmpty()) {
                QStringList names, keep;
                for (int column : std::as_const(textual))
                    names << (preview.header.value(column).isEmpty()
                                  ? QString::number(column)
                                  : tr("%1 ('%2')").arg(column).arg(preview.header.value(column)));
                for (int column : std::as_const(numeric))
                    keep << QString::number(column);
                m_fix = options();
                m_fix.columns = numeric;
                badValue += QLatin1Char(' ')
                    + tr("Column(s) %1 hold text: keep the numeric ones with Columns: %2.")
                          .arg(names.join(QStringLiteral(", ")), keep.join(QLatin1Char(',')));
                m_fixButton->setText(tr("Use columns %1").arg(keep.join(QLatin1Char(','))));
                m_fixButton->show();
            } else {
                badValue += QLatin1Char(' ') + tr("Change the header lines or the delimiter.");
            }
        }
    }
    m_preview->clear();
    m_preview->setRowCount(problem.isEmpty() ? preview.rows.size() : 0);
    m_preview->setColumnCount(problem.isEmpty() ? columns.size() : 0);
    if (problem.isEmpty()) {
        QStringList labels;
        for (int column : std::as_const(columns))
            labels.append(preview.header.value(column).isEmpty()
                              ? QString::number(column)
                              : tr("%1: %2").arg(column).arg(preview.header.value(column)));
        m_preview->setHorizontalHeaderLabels(labels);
        for (int r = 0; r < preview.rows.size(); ++r) {
            for (int c = 0; c < columns.size(); ++c) {
                auto* item = new QTableWidgetItem(preview.rows[r].value(columns[c]));
                if (badCells.contains({ r, columns[c] })) {
                    item->setBackground(QColor(0xfd, 0xec, 0xea));
                    item->setForeground(QColor(0x92, 0x2b, 0x21));
                    item->setToolTip(tr("Not a number: the loader would refuse this file as it is set"));
                }
                m_preview->setItem(r, c, item);
            }
        }
        m_status->setText(badValue.isEmpty()
                              ? tr("Delimiter: %1, header lines: %2, %3 columns per line. The first %4 data lines "
                                   "are shown.")
                                    .arg(delimiterName(preview.delimiter))
                                    .arg(preview.headerRows)
                                    .arg(preview.columns)
                                    .arg(preview.rows.size())
                              : badValue);
    } else {
        m_status->setText(problem);
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && badValue.isEmpty());
    m_shown = m_requested;
    emit previewUpdated();
}

// --- DatasetPickerDialog ------------------------------------------------------------------------------

DatasetPickerDialog::DatasetPickerDialog(const QString& path, QWidget* parent)
    : QDialog(parent)
    , m_path(path)
    , m_hdf5(QFileInfo(path).suffix().toLower() != QLatin1String("npz"))
    , m_tree(new QTreeWidget(this))
    , m_slice(new QLineEdit(this))
    , m_status(new QLabel(tr("Reading the file…"), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(m_hdf5 ? tr("Choose a dataset of %1").arg(QFileInfo(path).fileName())
                          : tr("Choose an array of %1").arg(QFileInfo(path).fileName()));
    m_tree->setHeaderLabels({ tr("Name"), tr("Shape"), tr("Type") });
    m_tree->setMinimumSize(480, 260);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_slice->setPlaceholderText(tr("all"));
    m_slice->setToolTip(tr("Part of the dataset to load: START:STOP[:STEP] per dimension, separated by commas, "
                           "e.g. 0:1000,::2"));
    m_status->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_tree, 1);
    if (m_hdf5) {
        auto* form = new QFormLayout;
        form->addRow(tr("&Slice (optional):"), m_slice);
        layout->addLayout(form);
    } else {
        m_slice->hide();
    }
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &DatasetPickerDialog::validate);
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this] {
        if (m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
            accept();
    });
    connect(m_slice, &QLineEdit::textChanged, this, &DatasetPickerDialog::validate);
    connect(&m_watcher, &QFutureWatcher<QPair<QString, QVector<DatasetInfo>>>::finished, this,
            &DatasetPickerDialog::showListing);
    m_watcher.setFuture(QtConcurrent::run([path] {
        QVector<DatasetInfo> datasets;
        const QString error = listDatasets(path, LoadOptions(), &datasets);
        return qMakePair(error, datasets);
    }));
}

LoadOptions DatasetPickerDialog::options() const
{
    LoadOptions options;
    if (const QTreeWidgetItem* item = m_tree->currentItem())
        options.dataset = item->data(0, Qt::UserRole).toString();
    if (m_hdf5)
        options.slice = m_slice->text().trimmed();
    return options;
}

bool DatasetPickerDialog::selectDataset(const QString& name)
{
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
        if ((*it)->data(0, Qt::UserRole).toString() == name) {
            m_tree->setCurrentItem(*it);
            return true;
        }
    }
    return false;
}

void DatasetPickerDialog::showListing()
{
    const auto [error, datasets] = m_watcher.result();
    if (!error.isEmpty()) {
        m_status->setText(error);
        emit listed();
        return;
    }
    // Groups become parents; a dataset's item hangs under its group's item.
    QHash<QString, QTreeWidgetItem*> groups;
    QTreeWidgetItem* first = nullptr;
    for (const DatasetInfo& info : datasets) {
        const qsizetype slash = info.name.lastIndexOf(QLatin1Char('/'));
        QTreeWidgetItem* parent = slash > 0 ? groups.value(info.name.left(slash)) : nullptr;
        auto* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_tree);
        item->setText(0, slash > 0 ? info.name.mid(slash + 1) : info.name);
        if (info.isGroup) {
            groups.insert(info.name, item);
            item->setFlags(Qt::ItemIsEnabled);
            item->setExpanded(true);
            continue;
        }
        item->setData(0, Qt::UserRole, info.name);
        if (info.meta.dtype == DType::Invalid) {
            item->setText(2, tr("%1 (not supported)").arg(info.typeText));
            item->setFlags(Qt::NoItemFlags);
            continue;
        }
        item->setText(1, info.meta.shapeText());
        QStringList dims;
        for (qint64 dim : info.meta.shape)
            dims.append(QString::number(dim));
        item->setData(1, Qt::UserRole, dims.join(QLatin1Char('x')));
        // HDF5 names the stored type with its byte order ("int16 BE"); .npz gives the dtype alone.
        item->setText(2,
                      info.typeText.startsWith(dtypeName(info.meta.dtype))
                          ? info.typeText
                          : tr("%1 (%2)").arg(dtypeName(info.meta.dtype), info.typeText));
        if (!first)
            first = item;
    }
    m_tree->expandAll();
    if (first)
        m_tree->setCurrentItem(first);
    m_status->setText(first ? QString() : tr("The file holds no array SharedMap can read."));
    validate();
    emit listed();
}

void DatasetPickerDialog::validate()
{
    const QTreeWidgetItem* item = m_tree->currentItem();
    bool ok = item && (item->flags() & Qt::ItemIsSelectable) && !item->data(0, Qt::UserRole).toString().isEmpty();
    if (ok && m_hdf5 && !m_slice->text().trimmed().isEmpty()) {
        // The slice is checked against the dataset's shape, shown in the Shape column.
        QVector<qint64> dims;
        parseShape(item->data(1, Qt::UserRole).toString(), &dims);
        QVector<qint64> start, stride, count;
        const QString problem = parseHyperslab(m_slice->text(), dims, &start, &stride, &count);
        m_status->setText(problem);
        ok = problem.isEmpty();
    } else if (ok) {
        m_status->clear();
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
}

// --- RawImportDialog ------------------------------------------------------------------------------

RawImportDialog::RawImportDialog(const QString& path, QWidget* parent)
    : QDialog(parent)
    , m_path(path)
    , m_fileSize(QFileInfo(path).size())
    , m_dtype(new QComboBox(this))
    , m_shape(new QLineEdit(this))
    , m_byteOrder(new QComboBox(this))
    , m_offset(new QSpinBox(this))
    , m_status(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Import raw data from %1").arg(QFileInfo(path).fileName()));
    fillDtypes(m_dtype);
    m_shape->setPlaceholderText(tr("e.g. 480x640"));
    m_byteOrder->addItem(tr("Little-endian (x86, ARM)"), false);
    m_byteOrder->addItem(tr("Big-endian"), true);
    m_offset->setRange(0, INT_MAX);
    m_offset->setSuffix(tr(" bytes"));
    m_offset->setToolTip(tr("Bytes of header to skip before the data"));
    m_status->setWordWrap(true);
    auto* form = new QFormLayout(this);
    form->addRow(tr("File size:"), new QLabel(tr("%1 bytes (%2)").arg(m_fileSize).arg(formatBytes(m_fileSize)), this));
    form->addRow(tr("&Type:"), m_dtype);
    form->addRow(tr("&Shape:"), m_shape);
    form->addRow(tr("&Byte order:"), m_byteOrder);
    form->addRow(tr("Header &offset:"), m_offset);
    form->addRow(m_status);
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_dtype, &QComboBox::currentIndexChanged, this, &RawImportDialog::validate);
    connect(m_shape, &QLineEdit::textChanged, this, &RawImportDialog::validate);
    connect(m_offset, &QSpinBox::valueChanged, this, &RawImportDialog::validate);
    // A 1-D guess that fits the file, so a user sees at once what "fits" means.
    m_shape->setText(QString::number(m_fileSize / dtypeSize(DType::Float64)));
    validate();
}

LoadOptions RawImportDialog::options() const
{
    LoadOptions options;
    options.format = QStringLiteral("raw");
    options.dtype = dtypeFromName(m_dtype->currentText());
    parseShape(m_shape->text(), &options.shape);
    options.bigEndian = m_byteOrder->currentData().toBool();
    options.offset = m_offset->value();
    return options;
}

void RawImportDialog::validate()
{
    const LoadOptions options = this->options();
    ArrayMeta meta;
    meta.dtype = options.dtype;
    m_problem = parseShape(m_shape->text(), &meta.shape);
    if (m_problem.isEmpty()) {
        const qint64 available = m_fileSize - options.offset;
        if (meta.byteSize() < 0 || meta.byteSize() != available)
            m_problem = tr("Shape %1 of %2 needs %3 bytes; the file holds %4 bytes after the offset.")
                            .arg(meta.shapeText(), dtypeName(meta.dtype))
                            .arg(meta.byteSize())
                            .arg(available);
    }
    m_status->setText(m_problem.isEmpty() ? tr("The shape fits the file exactly.") : m_problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m_problem.isEmpty());
}

QDialog* importDialogFor(const QString& path, QWidget* parent, std::function<LoadOptions()>* options)
{
    QString error;
    const FormatHandler* handler = ArrayLoader::instance().handlerFor(path, LoadOptions(), &error);
    const QString format = handler ? handler->name : QString();
    if (format == QLatin1String("csv") || format == QLatin1String("tsv")) {
        auto* csv = new CsvImportDialog(path, parent);
        *options = [csv] { return csv->options(); };
        return csv;
    }
    if (format == QLatin1String("npz") || format == QLatin1String("hdf5")) {
        auto* picker = new DatasetPickerDialog(path, parent);
        *options = [picker] { return picker->options(); };
        return picker;
    }
    if (format == QLatin1String("raw")) {
        auto* raw = new RawImportDialog(path, parent);
        *options = [raw] { return raw->options(); };
        return raw;
    }
    return nullptr; // unknown types fail in the store, with its message
}

} // namespace sharedmap
