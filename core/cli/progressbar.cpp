#include "cli/progressbar.h"

#include "base/progressformat.h"

#include <fcntl.h>
#include <unistd.h>

namespace sharedmap::cli {

ProgressBar::ProgressBar(std::FILE* stream)
    : m_stream(stream)
    , m_terminal(isatty(fileno(stream)))
{
    m_clock.start();
    bool ok = false;
    const int fd = qEnvironmentVariableIntValue("SHAREDMAP_PROGRESS_FD", &ok);
    // Only a pipe or a file someone handed us on purpose: never the terminal or our own stderr.
    if (ok && fd > 2 && fcntl(fd, F_GETFD) != -1) {
        fcntl(fd, F_SETFD, FD_CLOEXEC); // not inherited by the workers
        m_report = fdopen(fd, "w");
    }
}

ProgressBar::~ProgressBar()
{
    if (m_report)
        std::fclose(m_report);
}

void ProgressBar::report(qint64 done, qint64 total, double rate, bool force)
{
    if (!m_report)
        return;
    const qint64 now = m_clock.elapsed();
    if (!force && now - m_lastReportMs < 100)
        return;
    m_lastReportMs = now;
    std::fprintf(m_report, "%lld/%lld %.6g\n", static_cast<long long>(done), static_cast<long long>(total), rate);
    std::fflush(m_report);
}

void ProgressBar::update(qint64 done, qint64 total, double rate, bool force)
{
    report(done, total, rate, force);
    if (!m_enabled)
        return;
    const qint64 now = m_clock.elapsed();
    const qint64 period = m_terminal ? 100 : 2000;
    if (!force && now - m_lastDrawMs < period)
        return;
    m_lastDrawMs = now;
    draw(done, total, rate);
}

void ProgressBar::printLine(const QString& line)
{
    if (m_terminal && m_enabled)
        std::fputs("\r\x1b[K", m_stream);
    std::fprintf(m_stream, "%s\n", line.toUtf8().constData());
    std::fflush(m_stream);
    if (m_terminal)
        m_lastDrawMs = -1000000; // the bar was wiped: draw it at the next update
}

void ProgressBar::finish(qint64 done, qint64 total, double rate)
{
    report(done, total, rate, true);
    if (!m_enabled)
        return;
    const double elapsed = double(m_clock.elapsed()) / 1000.0;
    const double average = elapsed > 0 ? double(done) / elapsed : rate;
    draw(done, total, average);
    if (m_terminal)
        std::fputc('\n', m_stream);
    std::fflush(m_stream);
}

void ProgressBar::draw(qint64 done, qint64 total, double rate)
{
    const QString line = formatProgressLine(done, total, double(m_clock.elapsed()) / 1000.0, rate);
    if (m_terminal)
        std::fprintf(m_stream, "\r%s\x1b[K", line.toUtf8().constData());
    else
        std::fprintf(m_stream, "%s\n", line.toUtf8().constData());
    std::fflush(m_stream);
}

} // namespace sharedmap::cli
