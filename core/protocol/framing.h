#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace sharedmap {

/// Control messages between the pool and a worker travel over the worker's stdin and stdout as
/// frames: a 4-byte little-endian length, then that many bytes of a compact JSON object with a
/// "type" key (the typed messages are in messages.h). Frames are small; anything over
/// kMaxFrameBytes is garbage and ends the peer.
namespace protocol {

constexpr quint32 kMaxFrameBytes = 64 * 1024;

/// Encodes one frame.
QByteArray encode(const QJsonObject& message);

/// Accumulates bytes and yields whole frames; a partial frame is kept for the next read.
class FrameReader
{
public:
    /// Appends bytes read from the peer.
    void append(const QByteArray& bytes) { m_buffer.append(bytes); }
    /// Takes the next whole frame into `message`. Returns false when none is complete yet or
    /// when the stream is corrupt (then error() is set and the peer must be treated as crashed).
    bool next(QJsonObject* message);
    QString error() const { return m_error; }

private:
    QByteArray m_buffer;
    QString m_error;
};

} // namespace protocol
} // namespace sharedmap
