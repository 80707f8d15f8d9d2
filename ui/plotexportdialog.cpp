#include "plotexportdialog.h"

#include "filechooser.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>

namespace sharedmap {

namespace {
constexpr int kScreenDpi = 96;
} // namespace

PlotExportDialog::PlotExportDialog(const QSize& size, const QString& title, QWidget* parent)
    : QDialog(parent)
    , m_width(new QSpinBox(this))
    , m_height(new QSpinBox(this))
    , m_dpi(new QSpinBox(this))
    , m_title(new QLineEdit(title, this))
{
    setWindowTitle(tr("Save plot"));
    for (QSpinBox* box : { m_width, m_height }) {
        box->setRange(100, 10000);
        box->setSuffix(tr(" px"));
    }
    m_width->setValue(size.width());
    m_height->setValue(size.height());
    m_dpi->setRange(48, 1200);
    m_dpi->setValue(kScreenDpi);
    m_dpi->setSuffix(tr(" dpi"));
    m_dpi->setToolTip(tr("Resolution of a PNG: 96 is the screen's, 300 is for print (the pixels grow with it)"));
    m_title->setToolTip(tr("Written above the plot in the file; empty for none"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* form = new QFormLayout(this);
    form->addRow(tr("&Width:"), m_width);
    form->addRow(tr("&Height:"), m_height);
    form->addRow(tr("&Resolution:"), m_dpi);
    form->addRow(tr("&Title:"), m_title);
    form->addRow(buttons);
}

void PlotExportDialog::saveAs(QWidget* parent, LivePlot* plot, const QString& title, const QString& name,
                              std::function<void(const QString&, const QString&)> done)
{
    auto* dialog = new PlotExportDialog(plot->exportSize({}), title, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<LivePlot> target(plot); // a job's own tab may be gone by the time a name is chosen
    connect(dialog, &QDialog::accepted, parent, [parent, dialog, target, name, done] {
        const PlotExport chosen = dialog->options();
        FileChooser::save(parent, tr("Save plot"), tr("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)"),
                          name + QStringLiteral(".png"), [target, chosen, done](const QString& path) {
                              QString error = tr("The plot is no longer shown.");
                              if (target && target->save(path, &error, chosen))
                                  error.clear();
                              done(path, error);
                          });
    });
    dialog->open();
}

PlotExport PlotExportDialog::options() const
{
    PlotExport options;
    options.width = m_width->value();
    options.height = m_height->value();
    options.scale = double(m_dpi->value()) / kScreenDpi;
    options.title = m_title->text().trimmed();
    return options;
}

} // namespace sharedmap
