#pragma once

#include "base/dtype.h"
#include "protocol/framing.h"

#include <optional>
#include <QJsonObject>
#include <QLatin1String>
#include <QString>
#include <QVector>
#include <variant>

namespace sharedmap::protocol {

// The control messages, one struct each. Both sides build and read only these structs: the
// codec of each one (messages.cpp) binds its members with a structured binding, so a member
// added to a struct without teaching the codec does not compile, and a field one side sets is
// always a field the other side reads. The wire names and fields are in docs/ARCHITECTURE.md,
// "Worker protocol". Decoding is strict: a missing, mistyped or unknown field is an error.

/// Every message there is; the wire names come from typeName().
enum class MessageType
{
    // Worker -> pool
    Hello,
    Idle,
    Failure,
    Error,
    Parked,
    Resident,
    // Pool -> worker
    Run,
    Quit,
    Park,
    Job,
    Data
};

/// The message's `type` on the wire ("hello", "job", ...).
QLatin1String typeName(MessageType type);
/// The type a wire name stands for; nullopt for a name no message has.
std::optional<MessageType> typeFromName(const QString& name);

/// Worker -> pool: attached to the job and validated, starting to claim.
struct Hello
{
    static constexpr MessageType kType = MessageType::Hello;
    qint64 pid = 0;
    int slot = 0;
    QJsonObject toJson() const;
    static std::optional<Hello> fromJson(const QJsonObject& object, QString* error);
};

/// Worker -> pool: nothing left to claim, or the job is cancelled.
struct Idle
{
    static constexpr MessageType kType = MessageType::Idle;
    int slot = 0;
    QJsonObject toJson() const;
    static std::optional<Idle> fromJson(const QJsonObject& object, QString* error);
};

/// Worker -> pool: why the kernel failed an index.
struct Failure
{
    static constexpr MessageType kType = MessageType::Failure;
    qint64 position = 0;
    qint64 index = 0;
    QString reason;
    QJsonObject toJson() const;
    static std::optional<Failure> fromJson(const QJsonObject& object, QString* error);
};

/// Worker -> pool: a fatal problem; the worker exits next.
struct Error
{
    static constexpr MessageType kType = MessageType::Error;
    QString message;
    QJsonObject toJson() const;
    static std::optional<Error> fromJson(const QJsonObject& object, QString* error);
};

/// A message without fields, one type per MessageType (so each is its own variant alternative).
template <MessageType Type> struct EmptyMessage
{
    static constexpr MessageType kType = Type;
    QJsonObject toJson() const;
    static std::optional<EmptyMessage> fromJson(const QJsonObject& object, QString* error);
};

/// Worker -> pool: let go of the job, input still mapped; ready for a next one.
using Parked = EmptyMessage<MessageType::Parked>;
/// Worker -> pool: parked, and the whole input is now in its page tables.
using Resident = EmptyMessage<MessageType::Resident>;
/// Pool -> worker: look for work again (retries were queued).
using Run = EmptyMessage<MessageType::Run>;
/// Pool -> worker: detach and exit.
using Quit = EmptyMessage<MessageType::Quit>;
/// Pool -> worker: the job is over; detach from it, keep the input mapped, wait (warm pool).
using Park = EmptyMessage<MessageType::Park>;

/// Pool -> worker: a parked worker's next job (wire type "job").
struct JobAssignment
{
    static constexpr MessageType kType = MessageType::Job;
    QString job; ///< the job segment's name
    int slot = 0;
    QJsonObject toJson() const;
    static std::optional<JobAssignment> fromJson(const QJsonObject& object, QString* error);
};

/// Pool -> worker, copy mode only, the first message (wire type "data"): followed on the stream
/// by exactly `bytes` raw bytes of the input, the worker's private copy.
struct DataHeader
{
    static constexpr MessageType kType = MessageType::Data;
    DType dtype = DType::Invalid;
    QVector<qint64> shape;
    bool fortranOrder = false;
    qint64 bytes = 0;
    QJsonObject toJson() const;
    static std::optional<DataHeader> fromJson(const QJsonObject& object, QString* error);
};

/// What a worker sends.
using WorkerMessage = std::variant<Hello, Idle, Failure, Error, Parked, Resident>;
/// What the pool sends.
using PoolMessage = std::variant<Run, Quit, Park, JobAssignment, DataHeader>;

/// Decodes a frame a worker sent; nullopt with `error` set for another type or a bad field.
std::optional<WorkerMessage> decodeWorkerMessage(const QJsonObject& object, QString* error);
/// Decodes a frame the pool sent; nullopt with `error` set for another type or a bad field.
std::optional<PoolMessage> decodePoolMessage(const QJsonObject& object, QString* error);

/// One lambda per message type, for std::visit over a WorkerMessage or a PoolMessage.
template <class... Handlers> struct Overloaded : Handlers...
{
    using Handlers::operator()...;
};
template <class... Handlers> Overloaded(Handlers...) -> Overloaded<Handlers...>;

/// Encodes one message as a frame.
template <class Message> QByteArray encodeMessage(const Message& message)
{
    return encode(message.toJson());
}

} // namespace sharedmap::protocol
