#include "cli/progressbar.h"

#include "base/progressformat.h"

#include <unistd.h>

namespace sharedmap::cli {

ProgressBar::ProgressBar(std::FILE* stream)
    : m_stream(stream)
    , m_terminal(isatty(fileno(stream)))
{
    m_clock.start();
}

void ProgressBar::update(qint64 done, qint64 total, double rate, bool force)
{
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
