#pragma once

#include "protocol/messages.h"

#include <condition_variable>
#include <mutex>
#include <optional>

namespace sharedmap {

/// The pool's commands to a worker, read from stdin by a thread of their own: a computing worker
/// never reads its pipe, so the thread is also what notices the pool's end (EOF exits the process).
class Mailbox
{
public:
    /// What the pool wants once the worker has gone idle.
    enum class Next
    {
        Run, ///< look for work again
        Park, ///< let go of the job, keep the input
        Quit
    };

    /// Starts the reader thread (detached: it lives as long as the process).
    void start();
    /// Blocks until the pool says run, park or quit (quit wins).
    Next waitAfterIdle();
    /// Blocks, while parked, until the pool hands over a next job; nullopt when it says quit.
    std::optional<protocol::JobAssignment> waitForJob();
    /// True when a quit or a next job is waiting: parked work in progress should stop.
    bool hasNews();

private:
    void readCommands();
    void deliver(const protocol::PoolMessage& message);

    std::mutex m_mutex;
    std::condition_variable m_wake;
    int m_runRequests = 0;
    bool m_quit = false;
    bool m_park = false;
    std::optional<protocol::JobAssignment> m_nextJob; ///< set by a `job` command while parked
};

} // namespace sharedmap
