#pragma once

#include <cstdio>
#include <QElapsedTimer>
#include <QtGlobal>

namespace sharedmap::cli {

/// The tqdm-shaped progress bar on stderr: redrawn in place on a terminal (at most 10 times a
/// second), printed as a plain line every few seconds otherwise. When `SHAREDMAP_PROGRESS_FD`
/// names an open descriptor (the Python package passes a pipe), it also gets one machine-readable
/// line `DONE/TOTAL RATE` at most 10 times a second, whether or not the bar is shown (`--quiet`).
class ProgressBar
{
public:
    explicit ProgressBar(std::FILE* stream = stderr);
    ~ProgressBar();
    void setEnabled(bool enabled) { m_enabled = enabled; }
    void update(qint64 done, qint64 total, double rate, bool force = false);
    /// Prints one line of text (e.g. a worker's output) above the bar: on a terminal the bar is
    /// cleared first and drawn again at the next update.
    void printLine(const QString& line);
    /// Draws the final state and ends the line.
    void finish(qint64 done, qint64 total, double rate);

private:
    void draw(qint64 done, qint64 total, double rate);
    void report(qint64 done, qint64 total, double rate, bool force);

    std::FILE* m_stream;
    bool m_enabled = true;
    bool m_terminal = false;
    QElapsedTimer m_clock;
    qint64 m_lastDrawMs = -1000000;
    std::FILE* m_report = nullptr; ///< SHAREDMAP_PROGRESS_FD, if given
    qint64 m_lastReportMs = -1000000;
};

} // namespace sharedmap::cli
