#pragma once

#include "job/jobresult.h"

#include <QMap>
#include <QObject>
#include <QPointer>

class QLabel;
class QTabWidget;
class QWidget;

namespace sharedmap {

class ConvergencePlot;
class CountsPlot;
class OutputImageView;
class Pool;
class RacePlot;

/// The Monitor's views that only some kernels have: the output image that fills in live (row-
/// valued kernels such as mandelbrot and blur), the race demo's counter against its expected
/// value, the shared histogram's bars, and the Monte Carlo estimate converging to π. Each job
/// adds the tabs its kernel calls for; the monitor's 30 Hz pull feeds them.
class KernelViews : public QObject
{
    Q_OBJECT
public:
    KernelViews(QTabWidget* tabs, QObject* parent = nullptr);

    /// Removes the last job's tabs and adds the ones `plan`'s kernel calls for (the first of them
    /// becomes the current tab).
    void begin(const JobResult& plan);
    /// Newly computed positions [first, first + count): `values` holds their results.
    void addResults(qint64 first, qint64 count, const double* values, const quint8* status);
    /// A chunk finished (the image's worker overlay).
    void addChunk(const ChunkEvent& chunk);
    /// Reads the shared state the pool exposes live (race counter, histogram counts).
    void sample(const Pool& pool, double elapsedS);
    /// Shows the final values of a finished job.
    void end(const JobResult& result);
    /// Repaints the views whose data changed.
    void refresh();
    /// What the kernel's own view concludes, for the Monitor's summary (π's estimate and its
    /// error); empty when there is nothing to add.
    QString summary() const;
    /// The race demos' times side by side (same work: lock → seconds), as the Race tab shows them.
    QString raceTimesText() const;
    /// The image's key to the worker colours, shown while the bands are.
    QLabel* workerLegend() const { return m_legend; }

    OutputImageView* imageView() const { return m_image; }
    RacePlot* racePlot() const { return m_race; }
    CountsPlot* countsPlot() const { return m_counts; }
    ConvergencePlot* convergencePlot() const { return m_pi; }

private:
    void addTab(QWidget* page, const QString& title, const QString& tip);

    QTabWidget* m_tabs;
    QList<QPointer<QWidget>> m_pages;
    OutputImageView* m_image = nullptr;
    RacePlot* m_race = nullptr;
    CountsPlot* m_counts = nullptr;
    ConvergencePlot* m_pi = nullptr;
    QString m_kernel;
    QLabel* m_raceTimes = nullptr;
    QLabel* m_legend = nullptr;
    /// Seconds of the last finished run per lock mode, for one amount of work (the key).
    QString m_raceWork;
    QMap<QString, double> m_raceSeconds;
    QString m_raceLock;
    qint64 m_raceTasks = 0;
    qint64 m_raceIterations = 0;
};

} // namespace sharedmap
