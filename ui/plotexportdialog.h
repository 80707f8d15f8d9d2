#pragma once

#include "plots/liveplot.h"

#include <QDialog>

class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace sharedmap {

/// File ▸ Save plot's questions before the file name: the size in pixels, the resolution (dpi:
/// 96 is the screen's) and the title written above the plot.
class PlotExportDialog : public QDialog
{
    Q_OBJECT
public:
    PlotExportDialog(const QSize& size, const QString& title, QWidget* parent = nullptr);

    PlotExport options() const;

private:
    QSpinBox* m_width;
    QSpinBox* m_height;
    QSpinBox* m_dpi;
    QLineEdit* m_title;
};

} // namespace sharedmap
