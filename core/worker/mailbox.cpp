#include "worker/mailbox.h"

#include "worker/logging.h"
#include "worker/pipe.h"

#include <cerrno>
#include <thread>
#include <unistd.h>

namespace sharedmap {

void Mailbox::start()
{
    std::thread([this] { readCommands(); }).detach();
}

void Mailbox::readCommands()
{
    protocol::FrameReader reader;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(workerpipe::commandIn(), buffer, sizeof buffer);
        if (n == 0 || (n < 0 && errno != EINTR))
            _exit(0); // stdin closed: the pool died; never outlive it
        if (n < 0)
            continue;
        reader.append(QByteArray(buffer, int(n)));
        QJsonObject frame;
        while (reader.next(&frame)) {
            QString error;
            const std::optional<protocol::PoolMessage> message = protocol::decodePoolMessage(frame, &error);
            if (!message) {
                qCWarning(lcWorker, "bad command from the pool: %s", qPrintable(error));
                _exit(3);
            }
            deliver(*message);
        }
        if (!reader.error().isEmpty())
            _exit(3);
    }
}

void Mailbox::deliver(const protocol::PoolMessage& message)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::visit(protocol::Overloaded {
                   [this](const protocol::Run&) { ++m_runRequests; },
                   [this](const protocol::Quit&) { m_quit = true; },
                   [this](const protocol::Park&) { m_park = true; },
                   [this](const protocol::JobAssignment& job) { m_nextJob = job; },
                   [](const protocol::DataHeader&) {
                       // Only ever the first thing on stdin, read before this thread starts.
                       qCWarning(lcWorker, "input description after the start: ignored");
                   },
               },
               message);
    m_wake.notify_all();
}

Mailbox::Next Mailbox::waitAfterIdle()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_wake.wait(lock, [&] { return m_quit || m_park || m_runRequests > 0; });
    if (m_quit)
        return Next::Quit;
    if (m_park) {
        m_park = false;
        return Next::Park;
    }
    m_runRequests = 0;
    return Next::Run;
}

std::optional<protocol::JobAssignment> Mailbox::waitForJob()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_wake.wait(lock, [&] { return m_quit || m_nextJob; });
    if (m_quit)
        return std::nullopt;
    std::optional<protocol::JobAssignment> job = std::move(m_nextJob);
    m_nextJob.reset();
    m_runRequests = 0;
    return job;
}

bool Mailbox::hasNews()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_quit || m_nextJob.has_value();
}

} // namespace sharedmap
