#include "base/signalwatcher.h"

#include <csignal>
#include <QSocketNotifier>
#include <sys/socket.h>
#include <unistd.h>

namespace sharedmap {

namespace {
int g_pipe[2] = { -1, -1 };
std::atomic_bool g_cancel { false }; // lock-free: safe to store from a signal handler
std::atomic_int g_first { 0 };

void onSignal(int signal)
{
    int none = 0;
    g_first.compare_exchange_strong(none, signal);
    g_cancel.store(true);
    const char byte = char(signal);
    [[maybe_unused]] const ssize_t n = ::write(g_pipe[1], &byte, 1); // async-signal-safe
}
} // namespace

SignalWatcher::SignalWatcher(QObject* parent)
    : QObject(parent)
{
    if (g_pipe[0] >= 0 || ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_pipe) != 0)
        return;
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    auto* notifier = new QSocketNotifier(g_pipe[0], QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this, [this] {
        char byte = 0;
        if (::read(g_pipe[0], &byte, 1) == 1)
            emit received(int(byte));
    });
    m_active = true;
}

int SignalWatcher::pendingSignal()
{
    return g_first.load();
}

const std::atomic_bool* SignalWatcher::cancelFlag()
{
    return &g_cancel;
}

SignalWatcher::~SignalWatcher()
{
    if (!m_active)
        return;
    struct sigaction action = {};
    action.sa_handler = SIG_DFL;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
}

} // namespace sharedmap
