#include "kernelviews.h"

#include "engine/pool.h"
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
#include <QLocale>
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
    m_raceTimes = nullptr;
    m_legend = nullptr;
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
        // The key to the bands: which colour is which worker, shown with them.
        m_legend = new QLabel(page);
        QStringList keys;
        const int workers = int(qMin<qint64>(plan.workers, qMax<qint64>(1, plan.taskCount())));
        for (int slot = 0; slot < workers; ++slot)
            keys << tr("<span style='color:%1'>■</span> worker %2").arg(LivePlot::paletteColor(slot).name()).arg(slot);
        m_legend->setText(keys.join(QStringLiteral("&nbsp;&nbsp;")));
        m_legend->setTextFormat(Qt::RichText);
        m_legend->setVisible(false);
        connect(overlay, &QCheckBox::toggled, m_legend, &QWidget::setVisible);
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
        bar->addWidget(m_legend);
        bar->addWidget(logScale);
        bar->addStretch(1);
        bar->addWidget(save);
        auto* layout = new QVBoxLayout(page);
        layout->addLayout(bar);
        layout->addWidget(m_image, 1);
        addTab(page, tr("Image"), tr("The results as an image, filling in as chunks finish"));
    }
    if (def && def->figures) { // the race demo's counter figures
        auto* page = new QWidget;
        m_race = new RacePlot(page);
        m_race->addSample(0, 0, 0);
        m_raceTimes = new QLabel(page);
        m_raceTimes->setWordWrap(true);
        m_raceTimes->setToolTip(tr("The last run of each lock on the same work: the race, the mutex and the atomic "
                                   "add side by side"));
        const QString work = QStringLiteral("%1×%2/%3")
                                 .arg(params.value(QStringLiteral("tasks")).toLongLong())
                                 .arg(params.value(QStringLiteral("iterations")).toLongLong())
                                 .arg(params.value(QStringLiteral("duration_ms")).toDouble());
        if (work != m_raceWork) { // other work: earlier times do not compare
            m_raceWork = work;
            m_raceSeconds.clear();
        }
        m_raceLock = params.value(QStringLiteral("lock")).toString();
        m_raceTasks = params.value(QStringLiteral("tasks")).toLongLong();
        m_raceIterations = params.value(QStringLiteral("iterations")).toLongLong();
        m_raceTimes->setText(raceTimesText());
        auto* layout = new QVBoxLayout(page);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_raceTimes);
        layout->addWidget(m_race, 1);
        addTab(page, tr("Race"), tr("The shared counter against what it should be"));
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

void KernelViews::sample(const Pool& pool, double elapsedS)
{
    if (m_race) {
        const QVariantMap figures = pool.figures();
        if (!figures.isEmpty()) // live, the increments attempted so far are what the counter should show
            m_race->addSample(elapsedS, figures.value(QStringLiteral("attempted_increments")).toLongLong(),
                              figures.value(QStringLiteral("counter")).toLongLong());
    }
    if (m_counts)
        m_counts->setCounts(pool.readAccumulator());
}

void KernelViews::end(const JobResult& result)
{
    if (m_race && !result.figures.isEmpty())
        m_race->addSample(result.elapsedS, result.figures.value(QStringLiteral("expected_counter")).toLongLong(),
                          result.figures.value(QStringLiteral("counter")).toLongLong());
    if (m_race && !result.cancelled) {
        m_raceSeconds.insert(m_raceLock, result.elapsedS);
        m_raceTimes->setText(raceTimesText());
    }
    if (m_counts && !result.accumulator.isEmpty())
        m_counts->setCounts(result.accumulator);
    refresh();
}

QString KernelViews::raceTimesText() const
{
    if (m_raceSeconds.isEmpty())
        return tr("Same work for each lock: %1 tasks × %2 increments. Run with lock = none, mutex and atomic to "
                  "compare their times here.")
            .arg(m_raceTasks)
            .arg(QLocale().toString(m_raceIterations));
    QStringList times;
    for (const QString& lock : { QStringLiteral("none"), QStringLiteral("mutex"), QStringLiteral("atomic") }) {
        if (m_raceSeconds.contains(lock))
            times << tr("%1: %2 s").arg(lock).arg(m_raceSeconds.value(lock), 0, 'f', 2);
        else
            times << tr("%1: not run yet").arg(lock);
    }
    return tr("Same work (%1 tasks × %2 increments), lock by lock — %3")
        .arg(m_raceTasks)
        .arg(QLocale().toString(m_raceIterations))
        .arg(times.join(QStringLiteral(" · ")));
}

QString KernelViews::summary() const
{
    if (m_pi && m_pi->count() > 0) {
        const double mean = m_pi->mean();
        return tr("π ≈ %1 ± %2 (95 %, from %3 batches); it differs from π by %4.")
            .arg(mean, 0, 'f', 6)
            .arg(1.96 * m_pi->standardError(), 0, 'f', 6)
            .arg(m_pi->count())
            .arg(std::abs(mean - M_PI), 0, 'g', 2);
    }
    if (m_raceTimes && m_raceSeconds.size() > 1)
        return m_raceTimes->text() + QLatin1Char('.');
    return {};
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
