#include "plots/liveplot.h"

#include <cmath>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QSvgGenerator>
#include <QToolTip>

namespace sharedmap {

namespace {
// Above this many points, antialiasing costs more than it adds (and blurs dense plots).
constexpr qint64 kAntialiasLimit = 2000; // antialiased zigzag lines get slow beyond this
// Exports of a small or never-shown widget still get a readable size.
constexpr int kMinExportWidth = 640;
constexpr int kMinExportHeight = 400;
} // namespace

LivePlot::LivePlot(QWidget* parent)
    : QCustomPlot(parent)
{
    applyLightStyle();
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setNoAntialiasingOnDrag(true);
    setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels);
    setMouseTracking(true);
    setContextMenuPolicy(Qt::CustomContextMenu);
    connect(this, &QWidget::customContextMenuRequested, this, &LivePlot::showContextMenu);
    connect(this, &QCustomPlot::beforeReplot, this, [this] { updateStyleForView(); });
}

QColor LivePlot::paletteColor(int index)
{
    static const QColor palette[] = {
        QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b), QColor(0xe1, 0x57, 0x59), QColor(0x76, 0xb7, 0xb2),
        QColor(0x59, 0xa1, 0x4f), QColor(0xed, 0xc9, 0x48), QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7),
        QColor(0x9c, 0x75, 0x5f), QColor(0xba, 0xb0, 0xac),
    };
    constexpr int size = int(sizeof(palette) / sizeof(palette[0]));
    return palette[((index % size) + size) % size];
}

QCPColorGradient LivePlot::viridis()
{
    QCPColorGradient gradient;
    gradient.clearColorStops();
    const char* stops[]
        = { "#440154", "#472c7a", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725" };
    for (int i = 0; i < 9; ++i)
        gradient.setColorStopAt(i / 8.0, QColor(stops[i]));
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(QColor(0xd8, 0xd8, 0xd8));
    return gradient;
}

void LivePlot::refresh()
{
    if (!m_dirty)
        return;
    m_dirty = false;
    if (m_follow)
        rescaleToData();
    replot(QCustomPlot::rpQueuedReplot);
}

void LivePlot::resetView()
{
    m_follow = true;
    rescaleToData();
    replot(QCustomPlot::rpQueuedReplot);
}

void LivePlot::dataCleared()
{
    m_follow = true;
    m_dirty = true;
}

QSize LivePlot::exportSize(const PlotExport& options) const
{
    return QSize(options.width > 0 ? options.width : qMax(width(), kMinExportWidth),
                 options.height > 0 ? options.height : qMax(height(), kMinExportHeight));
}

bool LivePlot::save(const QString& path, QString* error, const PlotExport& options)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("pdf") && suffix != QLatin1String("svg")) {
        if (error)
            *error = tr("Cannot save a plot as \"%1\": choose a file name ending in .png, .pdf or .svg.")
                         .arg(QFileInfo(path).fileName());
        return false;
    }
    // A title for the file only (what job, on what): a row above the axes while it is drawn.
    QCPTextElement* title = nullptr;
    if (!options.title.isEmpty()) {
        plotLayout()->insertRow(0);
        title = new QCPTextElement(this, options.title, QFont(font().family(), font().pointSize() + 1, QFont::Bold));
        plotLayout()->addElement(0, 0, title);
    }
    // Exports draw directly, without replot(): bring ranges and styles up to date first.
    if (m_follow)
        rescaleToData();
    updateStyleForView();
    const QSize size = exportSize(options);
    const double scale = qBound(0.25, options.scale, 8.0);
    bool ok = false;
    if (suffix == QLatin1String("png")) {
        ok = savePng(path, size.width(), size.height(), scale);
    } else if (suffix == QLatin1String("pdf")) {
        ok = savePdf(path, size.width(), size.height(), QCP::epAllowCosmetic, QCoreApplication::applicationName(),
                     options.title);
    } else {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        generator.setTitle(options.title);
        QCPPainter painter;
        ok = painter.begin(&generator);
        if (ok) {
            toPainter(&painter, size.width(), size.height());
            ok = painter.end() && QFileInfo(path).size() > 0;
        }
    }
    if (title) {
        plotLayout()->remove(title);
        plotLayout()->simplify();
        replot(rpQueuedReplot);
    }
    if (!ok && error)
        *error = tr("Could not write the plot to %1.").arg(QDir::toNativeSeparators(path));
    return ok;
}

QString LivePlot::hoverText(const QPointF&) const
{
    return {};
}

QCPGraph* LivePlot::addFilledGraph(const QString& name, const QColor& color)
{
    QCPGraph* graph = addGraph();
    graph->setName(name);
    graph->setAdaptiveSampling(true);
    graph->setPen(QPen(color, 1.5));
    QColor fill = color;
    fill.setAlpha(40);
    graph->setBrush(fill);
    return graph;
}

void LivePlot::setAntialiasingFor(qint64 pointCount)
{
    if (pointCount > kAntialiasLimit) {
        setAntialiasedElements(QCP::aeNone);
        setNotAntialiasedElements(QCP::aePlottables);
    } else {
        setNotAntialiasedElements(QCP::aeNone);
        setAntialiasedElements(QCP::aePlottables);
    }
}

void LivePlot::useIntegerTicks(QCPAxis* axis)
{
    axis->setTicker(QSharedPointer<IntegerTicker>::create());
    axis->setNumberFormat(QStringLiteral("f"));
    axis->setNumberPrecision(0);
}

QCPRange LivePlot::paddedRange(double lower, double upper, double fraction)
{
    if (!std::isfinite(lower) || !std::isfinite(upper) || upper < lower)
        return QCPRange(0, 1);
    const double span = upper - lower;
    const double margin = span > 0 ? span * fraction : qMax(std::abs(lower) * 0.1, 0.5);
    return QCPRange(lower - margin, upper + margin);
}

void LivePlot::mouseDoubleClickEvent(QMouseEvent* event)
{
    QCustomPlot::mouseDoubleClickEvent(event);
    if (event->button() == Qt::LeftButton)
        resetView();
}

void LivePlot::mouseMoveEvent(QMouseEvent* event)
{
    QCustomPlot::mouseMoveEvent(event);
    if (event->buttons() & Qt::LeftButton) {
        m_follow = false; // the user drags the view: stop following new data
        QToolTip::hideText();
        return;
    }
    const QPointF pos = event->position();
    const QString text = axisRect()->rect().contains(pos.toPoint()) ? hoverText(pos) : QString();
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void LivePlot::wheelEvent(QWheelEvent* event)
{
    m_follow = false; // the user zooms: stop following new data
    QCustomPlot::wheelEvent(event);
}

void LivePlot::leaveEvent(QEvent* event)
{
    QToolTip::hideText();
    QCustomPlot::leaveEvent(event);
}

void LivePlot::applyLightStyle()
{
    const QColor axisColor(0x90, 0x90, 0x90);
    const QColor textColor(0x40, 0x40, 0x40);
    setBackground(Qt::white);
    for (QCPAxis* axis : { xAxis, yAxis }) {
        axis->setBasePen(QPen(axisColor, 1));
        axis->setTickPen(QPen(axisColor, 1));
        axis->setSubTickPen(QPen(axisColor, 1));
        axis->setTickLengthIn(0);
        axis->setTickLengthOut(4);
        axis->setSubTicks(false);
        axis->setTickLabelColor(textColor);
        axis->setLabelColor(textColor);
        axis->grid()->setPen(QPen(QColor(0xe8, 0xe8, 0xe8), 1));
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
    legend->setBrush(QColor(255, 255, 255, 230));
    legend->setBorderPen(QPen(QColor(0xd0, 0xd0, 0xd0)));
    legend->setTextColor(textColor);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
}

void LivePlot::showContextMenu(const QPoint& pos)
{
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(tr("Reset view"), this, &LivePlot::resetView);
    menu->addAction(tr("Save image…"), this, &LivePlot::saveWithDialog);
    menu->popup(mapToGlobal(pos));
}

void LivePlot::saveWithDialog()
{
    auto* dialog = new QFileDialog(this, tr("Save plot"), QString(),
                                   tr("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("png"));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
        QString error;
        if (!save(path, &error)) {
            auto* box = new QMessageBox(QMessageBox::Warning, tr("Save plot"), error, QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
    });
    dialog->open();
}

} // namespace sharedmap
