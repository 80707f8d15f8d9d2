#include "kernelviews.h"

#include "engine/jobsource.h"
#include "kernels/kernel.h"
#include "plots/convergenceplot.h"
#include "plots/countsplot.h"
#include "plots/outputimageview.h"
#include "plots/raceplot.h"

#include <cmath>
#include <QCheckBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace sharedmap {

namespace {
/// Histograms with more bins than this are not drawn live (their counts are still saved).
constexpr qint64 kMaxLiveBins = 100000;
} // namespace

KernelViews::KernelViews(QTabWidget* tabs, QObject* parent)
    : QObject(parent)
    , m_tabs(tabs)
{ }

void KernelViews::addTab(QWidget* page, const QString& title, const QString& tip)
{
    const int index = m_tabs->addTab(page, title);
    m_tabs->setTabToolTip(index, tip);
    if (m_pages.isEmpty())
        m_tabs->setCurrentIndex(index);
    m_pages.append(page);
}

void KernelViews::begin(const JobResult& plan)
{
    for (const QPointer<QWidget>& page : std::as_const(m_pages))
        delete page.data();
    m_pages.clear();
    m_image = nullptr;
    m_race = nullptr;
    m_counts = nullptr;
    m_pi = nullptr;
    m_kernel = plan.kernelName;
    const KernelDef* def = KernelRegistry::instance().find(plan.kernelName);
    QVariantMap params;
    if (def)
        resolveParams(def->info, plan.spec.params, &params);

    if (OutputImageView::isImageShaped(plan.resultShape)) {
        auto* page = new QWidget;
        m_image = new OutputImageView(page);
        m_image->reset(plan.taskCount(), plan.resultShape, plan.values);
        auto* overlay = new QCheckBox(tr("Colour bands by worker"), page);
        overlay->setToolTip(tr("Tint each row with the colour of the worker that computed it (as in the Timeline)"));
        connect(overlay, &QCheckBox::toggled, m_image, &OutputImageView::setOverlay);
        auto* logScale = new QCheckBox(tr("Log colours"), page);
        logScale->setToolTip(tr("Colour by the logarithm of the value: for values spanning orders of magnitude"));
        connect(logScale, &QCheckBox::toggled, m_image, &OutputImageView::setLogScale);
        logScale->setChecked(plan.kernelName == QLatin1String("mandelbrot")); // escape counts span 1..max_iter
        auto* save = new QPushButton(tr("Save image…"), page);
        OutputImageView* image = m_image;
        connect(save, &QPushButton::clicked, page, [page, image] {
            const QString path
                = QFileDialog::getSaveFileName(page, tr("Save image"), QString(), tr("PNG image (*.png)"));
            QString error;
            if (!path.isEmpty() && !image->save(path, &error))
                page->setToolTip(error);
        });
        auto* bar = new QHBoxLayout;
        bar->addWidget(overlay);
        bar->addWidget(logScale);
        bar->addStretch(1);
        bar->addWidget(save);
        auto* layout = new QVBoxLayout(page);
        layout->addLayout(bar);
        layout->addWidget(m_image, 1);
        addTab(page, tr("Image"), tr("The results as an image, filling in as chunks finish"));
    }
    if (def && def->figures) { // the race demo's counter figures
        m_race = new RacePlot;
        m_race->addSample(0, 0, 0);
        addTab(m_race, tr("Race"), tr("The shared counter against what it should be"));
    }
    if (plan.kernelName == QLatin1String("histogram")) {
        const qint64 bins = params.value(QStringLiteral("bins")).toLongLong();
        if (bins <= kMaxLiveBins) {
            m_counts = new CountsPlot;
            m_counts->setBins(bins, params.value(QStringLiteral("min")).toDouble(),
                              params.value(QStringLiteral("max")).toDouble());
            addTab(m_counts, tr("Histogram"), tr("The shared counts, as the workers add to them"));
        }
    }
    if (plan.kernelName == QLatin1String("monte_carlo_pi")) {
        m_pi = new ConvergencePlot;
        m_pi->setTarget(M_PI, tr("π"));
        addTab(m_pi, tr("π estimate"), tr("The mean of the batches done so far, converging to π"));
    }
}

void KernelViews::addResults(qint64 first, qint64 count, const double* values, const quint8* status)
{
    if (m_image)
        m_image->setRows(first, count, status);
    if (m_pi) {
        QVector<double> done;
        for (qint64 i = 0; i < count; ++i) {
            if (status[i] == Done)
                done.append(values[i]);
        }
        m_pi->addValues(done);
    }
}

void KernelViews::addChunk(const ChunkEvent& chunk)
{
    if (m_image)
        m_image->setWorker(chunk.begin, chunk.count, chunk.slot);
}

void KernelViews::sample(const JobSource& source, double elapsedS)
{
    if (m_race) {
        const QVariantMap figures = source.figures();
        if (!figures.isEmpty()) // live, the increments attempted so far are what the counter should show
            m_race->addSample(elapsedS, figures.value(QStringLiteral("attempted_increments")).toLongLong(),
                              figures.value(QStringLiteral("counter")).toLongLong());
    }
    if (m_counts)
        m_counts->setCounts(source.readAccumulator());
}

void KernelViews::end(const JobResult& result)
{
    if (m_race && !result.figures.isEmpty())
        m_race->addSample(result.elapsedS, result.figures.value(QStringLiteral("expected_counter")).toLongLong(),
                          result.figures.value(QStringLiteral("counter")).toLongLong());
    if (m_counts && !result.accumulator.isEmpty())
        m_counts->setCounts(result.accumulator);
    refresh();
}

void KernelViews::refresh()
{
    if (m_image)
        m_image->refresh();
    for (LivePlot* plot :
         { static_cast<LivePlot*>(m_race), static_cast<LivePlot*>(m_counts), static_cast<LivePlot*>(m_pi) }) {
        if (plot)
            plot->refresh();
    }
}

} // namespace sharedmap
