#pragma once

#include "protocol/messages.h"

#include <QByteArray>
#include <QString>

namespace sharedmap::workerpipe {

// The worker's end of the control pipe: frames to the pool on stdout, bytes from it on stdin.

/// Writes one whole frame to stdout; exits the process when the pool is gone.
void writeFrame(const QByteArray& frame);

/// Sends one typed message to the pool.
template <class Message> void send(const Message& message)
{
    writeFrame(protocol::encodeMessage(message));
}

/// Tells the pool about a fatal problem (an `error` message and a stderr line) and exits 2.
[[noreturn]] void fail(const QString& message);

/// Reads exactly `bytes` from stdin into `into`; false on end of file or error.
bool readFully(char* into, qint64 bytes);

} // namespace sharedmap::workerpipe
