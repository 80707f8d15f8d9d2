#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace sharedmap {

/// Control messages between the pool and a worker travel over the worker's stdin and stdout as
/// frames: a 4-byte little-endian length, then that many bytes of a compact JSON object with a
/// "type" key. Frames are small; anything over kMaxFrameBytes is garbage and ends the peer.
namespace protocol {

constexpr quint32 kMaxFrameBytes = 64 * 1024;

// Worker -> pool
inline constexpr char kHello[] = "hello"; ///< attached and ready: {pid, slot}
inline constexpr char kIdle[] = "idle"; ///< nothing left to claim (or cancelled): {slot}
inline constexpr char kError[] = "error"; ///< fatal problem, the worker exits next: {message}
inline constexpr char kParked[] = "parked"; ///< let go of the job, input still mapped: ready for a next one
inline constexpr char kResident[] = "resident"; ///< parked, and the whole input is now in its page tables
inline constexpr char kFailure[] = "failure"; ///< why the kernel failed an index: {position, index, reason}
// Pool -> worker
inline constexpr char kRun[] = "run"; ///< look for work again (retries were queued)
inline constexpr char kQuit[] = "quit"; ///< detach and exit
inline constexpr char kPark[] = "park"; ///< job over: detach from it, keep the input, wait (warm pool)
inline constexpr char kJob[] = "job"; ///< a parked worker's next job: {job, slot}
/// Copy mode only, the first message: {dtype, shape, fortran_order, bytes}, followed on the
/// stream by exactly `bytes` raw bytes of the input (the worker's private copy).
inline constexpr char kData[] = "data";

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
