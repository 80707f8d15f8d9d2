#pragma once

#include <atomic>
#include <QObject>

namespace sharedmap {

/// Turns SIGINT and SIGTERM into a Qt signal delivered by the event loop (a socket pair written
/// by the handler and watched by a QSocketNotifier), so a front end stops its workers and
/// removes its segments instead of dying with them in place. One per process.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject* parent = nullptr);
    ~SignalWatcher() override;
    /// False when the handlers could not be installed (the default behaviour stays).
    bool isActive() const { return m_active; }
    /// The first SIGINT or SIGTERM received (0: none yet), recorded by the handler itself, so
    /// that work done before the event loop runs (a long load) can stop at once.
    static int pendingSignal();
    /// Set by the handler with the above: a loader's cancel flag.
    static const std::atomic_bool* cancelFlag();

signals:
    /// SIGINT or SIGTERM arrived (emitted once per signal).
    void received(int signal);

private:
    bool m_active = false;
};

} // namespace sharedmap
