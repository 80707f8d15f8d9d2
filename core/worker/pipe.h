#pragma once

#include "protocol/messages.h"

#include <QByteArray>
#include <QString>

namespace sharedmap::workerpipe {

// The worker's end of the control pipe: frames to the pool and bytes from it, on the pipes the
// pool connected to stdout and stdin, moved off descriptors 0 and 1 first (moveOffStdio()).

/// Moves the control pipe to descriptors of its own (close-on-exec, 3 and up), points 1 at
/// stderr and 0 at /dev/null, before anything else runs: what a kernel prints — Python's print,
/// C writes to fd 1 — reaches the worker's stderr, the log, and never the pipe, and nothing it
/// reads from stdin eats a frame. If the descriptors cannot be had, the pipe stays on 0 and 1.
void moveOffStdio();

/// The descriptor frames go to (stdout until moveOffStdio()).
int protocolOut();
/// The descriptor commands come from (stdin until moveOffStdio()).
int commandIn();

/// Writes one whole frame to protocolOut(); exits the process when the pool is gone.
void writeFrame(const QByteArray& frame);

/// Sends one typed message to the pool.
template <class Message> void send(const Message& message)
{
    writeFrame(protocol::encodeMessage(message));
}

/// Tells the pool about a fatal problem (an `error` message and a stderr line) and exits 2.
[[noreturn]] void fail(const QString& message);

/// Reads exactly `bytes` from commandIn() into `into`; false on end of file or error.
bool readFully(char* into, qint64 bytes);

} // namespace sharedmap::workerpipe
