#pragma once

#include "plots/liveplot.h"

#include <functional>
#include <QDialog>
#include <QPointer>

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

    /// File ▸ Save plot: asks size, resolution and `title`, then where (proposing `name` with
    /// the format's extension), writes `plot` and tells `done` (the path, an error or empty).
    static void saveAs(QWidget* parent, LivePlot* plot, const QString& title, const QString& name,
                       std::function<void(const QString& path, const QString& error)> done);

private:
    QSpinBox* m_width;
    QSpinBox* m_height;
    QSpinBox* m_dpi;
    QLineEdit* m_title;
};

} // namespace sharedmap
