#include "generatedialog.h"

#include "base/procstats.h"
#include "base/progressformat.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace sharedmap {

GenerateDialog::GenerateDialog(QWidget* parent)
    : QDialog(parent)
    , m_shape(new QLineEdit(QStringLiteral("1000x1000"), this))
    , m_dtype(new QComboBox(this))
    , m_distribution(new QComboBox(this))
    , m_seed(new QSpinBox(this))
    , m_size(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Generate an array"));
    for (const char* name :
         { "float64", "float32", "int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8", "bool" })
        m_dtype->addItem(QString::fromLatin1(name));
    m_distribution->addItem(tr("uniform"), int(Distribution::Uniform));
    m_distribution->addItem(tr("normal"), int(Distribution::Normal));
    m_distribution->addItem(tr("arange"), int(Distribution::Arange));
    m_seed->setRange(0, INT_MAX);
    m_shape->setToolTip(tr("Dimensions separated by x, e.g. 1000x1000 or 100x20x30"));
    m_dtype->setToolTip(tr("Element type, as NumPy names it"));
    m_distribution->setToolTip(
        tr("uniform: [0, 1) for floats, 0–99 for integers; normal: N(0, 1); arange: 0, 1, 2, …"));
    m_seed->setToolTip(tr("The same seed gives the same array"));
    auto* form = new QFormLayout(this);
    form->addRow(tr("&Shape:"), m_shape);
    form->addRow(tr("&Type:"), m_dtype);
    form->addRow(tr("&Distribution:"), m_distribution);
    form->addRow(tr("S&eed:"), m_seed);
    form->addRow(QString(), m_size);
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_shape, &QLineEdit::textChanged, this, &GenerateDialog::validate);
    connect(m_dtype, &QComboBox::currentIndexChanged, this, &GenerateDialog::validate);
    validate();
}

ArrayMeta GenerateDialog::meta() const
{
    ArrayMeta meta;
    parseShape(m_shape->text(), &meta.shape);
    meta.dtype = dtypeFromName(m_dtype->currentText());
    return meta;
}

Distribution GenerateDialog::distribution() const
{
    return Distribution(m_distribution->currentData().toInt());
}

quint64 GenerateDialog::seed() const
{
    return quint64(m_seed->value());
}

QString GenerateDialog::arrayName() const
{
    return tr("%1 %2 %3").arg(m_distribution->currentText(), m_dtype->currentText(), m_shape->text().trimmed());
}

void GenerateDialog::validate()
{
    ArrayMeta candidate;
    QString error = parseShape(m_shape->text(), &candidate.shape);
    candidate.dtype = dtypeFromName(m_dtype->currentText());
    const qint64 available = availableMemoryBytes();
    if (error.isEmpty() && available > 0 && candidate.byteSize() > available)
        error = tr("%1 needed, %2 available").arg(formatBytes(candidate.byteSize()), formatBytes(available));
    m_size->setText(error.isEmpty() ? tr("%1 in shared memory").arg(formatBytes(candidate.byteSize())) : error);
    m_size->setStyleSheet(error.isEmpty() ? QString() : QStringLiteral("color: #c0392b;"));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
}

} // namespace sharedmap
