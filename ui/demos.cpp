#include "demos.h"

#include "settings.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace sharedmap {

namespace {

JobSpec job(const char* kernel, QVariantMap params, int workers = 2)
{
    JobSpec spec;
    spec.kernel = QString::fromLatin1(kernel);
    spec.params = std::move(params);
    spec.workers = workers;
    return spec;
}

ArrayMeta float64(qint64 rows, qint64 columns)
{
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = { rows, columns };
    return meta;
}

QVector<Demo> makeDemos()
{
    QVector<Demo> demos;
    Demo copy;
    copy.id = QStringLiteral("copy");
    copy.title = QT_TRANSLATE_NOOP("Demos", "Copy vs shared memory");
    copy.explanation = QT_TRANSLATE_NOOP(
        "Demos",
        "<p>Python's <code>process_map(f, indices)</code> pickles every argument into every worker: pass it a big "
        "NumPy array and each worker holds its <b>own copy</b>. With 2 workers an 800 MB array costs 2.4 GB, and a "
        "bigger one ends in <code>MemoryError</code>.</p>"
        "<p>This demo loads a 200 MB array and sets the job to <b>Copy per worker</b>. Press <b>Run</b> and watch "
        "the <b>Memory</b> tab: the total climbs to about three times the array (the app's copy and one per worker), "
        "and the start-up includes sending the copies. Switch <i>Memory</i> in the Job panel to <b>Shared memory</b> "
        "and run again: the workers read the one shared copy, the total stays at the array's size, and they start at "
        "once. The results are identical.</p>"
        "<p><b>Demos ▸ Compare shared vs copy</b> runs both and puts them side by side.</p>");
    copy.job = job("row_sum", {});
    copy.job.mode = QStringLiteral("copy");
    copy.pacing = { { QStringLiteral("sleep_ms"), 4.0 } }; // 5000 rows, 2 workers: 10 s
    copy.data = float64(5000, 5000);
    copy.dataName = QStringLiteral("copy-demo");
    demos.append(copy);

    Demo race;
    race.id = QStringLiteral("race");
    race.title = QT_TRANSLATE_NOOP("Demos", "A race: counting without a lock");
    race.explanation = QT_TRANSLATE_NOOP(
        "Demos",
        "<p>Every task adds 1 to <b>one shared counter</b> 16,000,000 times, paced over 0.4 s at least so you can "
        "watch. "
        "All workers start together. Adding 1 is "
        "three steps: read the counter, add, write it back. When two workers read the same value, both write value + 1 "
        "and one update is <b>lost</b>.</p>"
        "<p>Press <b>Run</b> and watch the <b>Race</b> tab: the counter falls behind the expected line; the summary "
        "tells how many updates were lost. Run again: the loss changes every time — that is what makes races hard to "
        "find.</p><p>Fix it with <b>lock = mutex</b> (one worker at a time in the critical section) or "
        "<b>lock = atomic</b> (the processor does read-add-write as one step): see the next demos.</p>");
    // The same work for the race and both fixes, so their times compare: paced to about 5 s,
    // which the race and the atomic add keep to and the mutex, waiting for its lock, exceeds.
    race.job = job("race_increment",
                   { { QStringLiteral("lock"), QStringLiteral("none") },
                     { QStringLiteral("iterations"), 16000000 },
                     { QStringLiteral("tasks"), 24 } });
    race.pacing = { { QStringLiteral("duration_ms"), 420.0 } };
    demos.append(race);

    Demo mutex = race;
    mutex.id = QStringLiteral("mutex");
    mutex.title = QT_TRANSLATE_NOOP("Demos", "The race fixed with a mutex");
    mutex.explanation = QT_TRANSLATE_NOOP(
        "Demos",
        "<p>The same counter, now behind a <b>process-shared mutex</b> that lives in the job's shared memory: only one "
        "worker at a time reads, adds and writes. No update is lost — the counter follows the expected line exactly — "
        "but the workers now wait for each other, so it is slower: the same work as the race, and the Race tab puts "
        "the times of the three side by side.</p>"
        "<p>The mutex is <i>robust</i>: if a worker dies while holding it, the next worker to lock it takes it over "
        "and the job goes on (SharedMap retries the dead worker's task).</p>");
    mutex.job.params.insert(QStringLiteral("lock"), QStringLiteral("mutex"));
    demos.append(mutex);

    Demo atomic = race;
    atomic.id = QStringLiteral("atomic");
    atomic.title = QT_TRANSLATE_NOOP("Demos", "The race fixed with an atomic add");
    atomic.explanation = QT_TRANSLATE_NOOP(
        "Demos",
        "<p>The same counter, incremented with an <b>atomic add</b>: the processor performs read-add-write as one "
        "indivisible step, so no update is lost and no worker waits for a lock. For a single number this is the "
        "fastest correct choice; a mutex is for updates of several places at once.</p>");
    atomic.job.params.insert(QStringLiteral("lock"), QStringLiteral("atomic"));
    demos.append(atomic);

    Demo histogram;
    histogram.id = QStringLiteral("histogram");
    histogram.title = QT_TRANSLATE_NOOP("Demos", "A shared histogram");
    histogram.explanation = QT_TRANSLATE_NOOP(
        "Demos",
        "<p>Every task counts the values of one row into <b>one shared array of counts</b> — tasks write the same "
        "places, so each count is added atomically. Watch the bell curve of normal data build up in the "
        "<b>Histogram</b> tab. The counts equal NumPy's <code>np.histogram(B, 60, range=(-4, 4))</code>; "
        "<i>File ▸ Export results</i> saves them.</p>");
    histogram.job
        = job("histogram",
              { { QStringLiteral("bins"), 60 }, { QStringLiteral("min"), -4.0 }, { QStringLiteral("max"), 4.0 } });
    histogram.pacing = { { QStringLiteral("sleep_ms"), 8.0 } }; // 2000 rows, 2 workers: 8 s of pauses
    histogram.data = float64(2000, 5000);
    histogram.distribution = Distribution::Normal;
    histogram.dataName = QStringLiteral("normal-data");
    demos.append(histogram);

    Demo pi;
    pi.id = QStringLiteral("pi");
    pi.title = QT_TRANSLATE_NOOP("Demos", "Monte Carlo π");
    pi.explanation = QT_TRANSLATE_NOOP(
        "Demos",
        "<p>Each task throws one batch of 200,000 random points into the unit square and counts those inside the "
        "quarter circle: 4 × inside / all estimates π. The <b>π estimate</b> tab shows the mean of the batches done so "
        "far converging to π, with its 95 % band narrowing as 1/√n.</p>"
        "<p>Every batch has its own seed, derived from the run's seed and its index, so the results are the same for "
        "any number of workers — parallel and reproducible.</p>");
    pi.job = job("monte_carlo_pi", { { QStringLiteral("samples"), 200000 }, { QStringLiteral("batches"), 4000 } });
    pi.pacing = { { QStringLiteral("sleep_ms"), 2.5 } }; // 4000 batches, 2 workers: 5 s of pauses, and the work
    demos.append(pi);

    Demo mandelbrot;
    mandelbrot.id = QStringLiteral("mandelbrot");
    mandelbrot.title = QT_TRANSLATE_NOOP("Demos", "Mandelbrot, live");
    mandelbrot.explanation = QT_TRANSLATE_NOOP(
        "Demos",
        "<p>Each index is one row of the image; workers write their rows straight into the shared results, so no "
        "lock is needed and the image comes out in order. Watch the <b>Image</b> tab fill in; tick <i>Colour bands by "
        "worker</i> to see who computed what. Rows inside the set are slow, rows outside are fast: the chunks adapt "
        "so both workers stay busy (see the <b>Timeline</b>).</p>");
    mandelbrot.job = job(
        "mandelbrot",
        { { QStringLiteral("width"), 1200 }, { QStringLiteral("height"), 900 }, { QStringLiteral("max_iter"), 2000 } });
    mandelbrot.pacing = { { QStringLiteral("sleep_ms"), 7.0 } }; // 900 rows, 2 workers: 3 s of pauses, and the work
    demos.append(mandelbrot);

    Demo blur;
    blur.id = QStringLiteral("blur");
    blur.title = QT_TRANSLATE_NOOP("Demos", "Blurring an image in bands");
    blur.explanation = QT_TRANSLATE_NOOP(
        "Demos",
        "<p>A Gaussian blur of a noisy 900 × 1200 image: each task computes one output row from the rows around it, "
        "reading the shared input and writing its own row of the output. Neighbouring tasks read the same input rows "
        "but never write the same place. Change <i>sigma</i> to blur more or less; open a photo with File ▸ Open to "
        "blur it instead.</p>");
    blur.job = job("blur", { { QStringLiteral("sigma"), 4.0 } });
    blur.pacing = { { QStringLiteral("sleep_ms"), 20.0 } }; // 900 rows, 2 workers: 9 s
    blur.data = float64(900, 1200);
    blur.dataName = QStringLiteral("noise");
    demos.append(blur);
    return demos;
}

} // namespace

JobSpec Demo::jobAt(double pace) const
{
    JobSpec spec = job;
    for (auto it = pacing.cbegin(); it != pacing.cend(); ++it)
        spec.params.insert(it.key(), it.value().toDouble() * qMax(0.0, pace));
    return spec;
}

const QVector<DemoPace>& demoPaces()
{
    static const QVector<DemoPace> paces = { { 1.0, QT_TRANSLATE_NOOP("Demos", "watchable (about 10 s)") },
                                             { 0.25, QT_TRANSLATE_NOOP("Demos", "brisk (a quarter of the pauses)") },
                                             { 0.0, QT_TRANSLATE_NOOP("Demos", "no pauses (as fast as it goes)") } };
    return paces;
}

const QVector<Demo>& builtInDemos()
{
    static const QVector<Demo> demos = makeDemos();
    return demos;
}

const Demo* findDemo(const QString& id)
{
    for (const Demo& demo : builtInDemos()) {
        if (demo.id == id)
            return &demo;
    }
    return nullptr;
}

DemoPanel::DemoPanel(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_text(new QTextBrowser(this))
    , m_pace(new QComboBox(this))
{
    QFont font = m_title->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.2);
    m_title->setFont(font);
    m_title->setWordWrap(true);
    m_text->setOpenExternalLinks(false);
    for (const DemoPace& pace : demoPaces())
        m_pace->addItem(QCoreApplication::translate("Demos", pace.name), pace.factor);
    const double remembered = Settings::instance()->demoPace();
    int index = 0;
    for (int i = 0; i < m_pace->count(); ++i) {
        if (qFuzzyCompare(1.0 + m_pace->itemData(i).toDouble(), 1.0 + remembered))
            index = i;
    }
    m_pace->setCurrentIndex(index);
    m_pace->setToolTip(tr("How fast the demos run: slowed down to be watched (pauses in each task), or at full "
                          "speed. The work itself stays the same."));
    connect(m_pace, &QComboBox::currentIndexChanged, this, [this] {
        Settings::instance()->setDemoPace(pace());
        emit paceChanged(pace());
    });
    auto* paceRow = new QHBoxLayout;
    auto* paceLabel = new QLabel(tr("&Pace:"), this);
    paceLabel->setBuddy(m_pace);
    paceRow->addWidget(paceLabel);
    paceRow->addWidget(m_pace, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addLayout(paceRow);
    layout->addWidget(m_text, 1);
    clearDemo();
}

void DemoPanel::clearDemo()
{
    m_demoId.clear();
    m_title->setText(tr("Demos"));
    m_text->setHtml(tr("<p>Pick a demo from the <b>Demos</b> menu: it loads its data and its job in one click, "
                       "and this panel explains what to look at.</p>"));
}

void DemoPanel::showDemo(const Demo& demo)
{
    m_demoId = demo.id;
    m_title->setText(QCoreApplication::translate("Demos", demo.title));
    m_text->setHtml(QCoreApplication::translate("Demos", demo.explanation));
}

void DemoPanel::follow(const QString& kernel, const QString& arrayName,
                       const std::function<bool(const QString&)>& loaded)
{
    const Demo* demo = findDemo(m_demoId);
    if (!demo)
        return;
    // Until the demo's own array is loaded (generated off the GUI thread), the one selected is
    // just what was there before.
    const bool otherData = demo->data.dtype != DType::Invalid && !arrayName.isEmpty() && arrayName != demo->dataName
        && loaded(demo->dataName);
    if (kernel != demo->job.kernel || otherData)
        clearDemo();
}

double DemoPanel::pace() const
{
    return m_pace->currentData().toDouble();
}

QString DemoPanel::title() const
{
    return m_title->text();
}

QString DemoPanel::text() const
{
    return m_text->toPlainText();
}

} // namespace sharedmap
