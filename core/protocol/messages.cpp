#include "protocol/messages.h"

#include <limits>
#include <QJsonArray>
#include <QStringList>
#include <type_traits>

namespace sharedmap::protocol {

namespace {

struct Name
{
    MessageType type;
    const char* name;
};

constexpr Name kNames[]
    = { { MessageType::Hello, "hello" }, { MessageType::Idle, "idle" },     { MessageType::Failure, "failure" },
        { MessageType::Error, "error" }, { MessageType::Parked, "parked" }, { MessageType::Resident, "resident" },
        { MessageType::Run, "run" },     { MessageType::Quit, "quit" },     { MessageType::Park, "park" },
        { MessageType::Job, "job" },     { MessageType::Data, "data" } };

const QString kTypeKey = QStringLiteral("type");

QJsonObject header(MessageType type)
{
    return QJsonObject { { kTypeKey, typeName(type) } };
}

/// Reads the fields of one message: each read checks presence and type, and ok() refuses any
/// field nobody read, so a frame is taken only when it is exactly the message.
class Fields
{
public:
    Fields(const QJsonObject& object, MessageType type, QString* error)
        : m_object(object)
        , m_type(type)
        , m_error(error)
    {
        if (object.value(kTypeKey).toString() != typeName(type))
            fail(QStringLiteral("expected a '%1' message").arg(typeName(type)));
    }

    void read(const char* key, qint64* out) { readInteger(key, out, std::numeric_limits<qint64>::min()); }
    void read(const char* key, int* out)
    {
        qint64 value = 0;
        if (readInteger(key, &value, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()))
            *out = int(value);
    }
    void read(const char* key, QString* out)
    {
        const QJsonValue value = take(key);
        if (check(value.isString(), key, "a string"))
            *out = value.toString();
    }
    void read(const char* key, bool* out)
    {
        const QJsonValue value = take(key);
        if (check(value.isBool(), key, "true or false"))
            *out = value.toBool();
    }
    void read(const char* key, QVector<qint64>* out)
    {
        const QJsonValue value = take(key);
        if (!check(value.isArray(), key, "a list of integers"))
            return;
        out->clear();
        for (const QJsonValue item : value.toArray()) {
            if (!check(isInteger(item), key, "a list of integers"))
                return;
            out->append(item.toInteger());
        }
    }
    void read(const char* key, DType* out)
    {
        const QJsonValue value = take(key);
        const DType type = value.isString() ? dtypeFromName(value.toString()) : DType::Invalid;
        if (check(type != DType::Invalid, key, "a dtype name"))
            *out = type;
    }

    /// True when every field was present and well typed and no other field came with them.
    bool ok()
    {
        if (m_failed)
            return false;
        for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
            if (it.key() != kTypeKey && !m_read.contains(it.key())) {
                fail(QStringLiteral("unknown field '%1'").arg(it.key()));
                return false;
            }
        }
        return true;
    }

private:
    static bool isInteger(const QJsonValue& value)
    {
        // toInteger() is 0 for a fraction or a value beyond qint64: the round trip tells them apart.
        return value.isDouble() && double(value.toInteger()) == value.toDouble();
    }

    QJsonValue take(const char* key)
    {
        const QString name = QLatin1String(key);
        m_read.append(name);
        const QJsonValue value = m_object.value(name);
        if (value.isUndefined())
            fail(QStringLiteral("field '%1' is missing").arg(name));
        return value;
    }

    bool readInteger(const char* key, qint64* out, qint64 min, qint64 max = std::numeric_limits<qint64>::max())
    {
        const QJsonValue value = take(key);
        if (!check(isInteger(value) && value.toInteger() >= min && value.toInteger() <= max, key, "an integer"))
            return false;
        *out = value.toInteger();
        return true;
    }

    bool check(bool good, const char* key, const char* what)
    {
        if (!good && !m_failed && m_object.contains(QLatin1String(key)))
            fail(QStringLiteral("field '%1' must be %2").arg(QLatin1String(key), QLatin1String(what)));
        return good && !m_failed;
    }

    void fail(const QString& why)
    {
        if (m_failed)
            return; // the first problem is the one worth reporting
        m_failed = true;
        if (m_error)
            *m_error = QStringLiteral("%1 message: %2").arg(typeName(m_type), why);
    }

    const QJsonObject& m_object;
    MessageType m_type;
    QString* m_error;
    QStringList m_read;
    bool m_failed = false;
};

template <class Variant, std::size_t I = 0>
std::optional<Variant> decodeAs(MessageType type, const QJsonObject& object, QString* error)
{
    if constexpr (I == std::variant_size_v<Variant>) {
        return std::nullopt;
    } else {
        using Message = std::variant_alternative_t<I, Variant>;
        if (Message::kType != type)
            return decodeAs<Variant, I + 1>(type, object, error);
        std::optional<Message> message = Message::fromJson(object, error);
        return message ? std::optional<Variant>(std::move(*message)) : std::nullopt;
    }
}

template <class Variant> std::optional<Variant> decode(const QJsonObject& object, const char* sender, QString* error)
{
    QString problem;
    const QString name = object.value(kTypeKey).toString();
    const std::optional<MessageType> type = typeFromName(name);
    std::optional<Variant> message;
    if (!type)
        problem = QStringLiteral("unknown message type '%1'").arg(name);
    else if (!(message = decodeAs<Variant>(*type, object, &problem)) && problem.isEmpty())
        problem = QStringLiteral("'%1' is not a message %2 sends").arg(name, QLatin1String(sender));
    if (error)
        *error = problem;
    return message;
}

} // namespace

QLatin1String typeName(MessageType type)
{
    for (const Name& entry : kNames) {
        if (entry.type == type)
            return QLatin1String(entry.name);
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<MessageType> typeFromName(const QString& name)
{
    for (const Name& entry : kNames) {
        if (name == QLatin1String(entry.name))
            return entry.type;
    }
    return std::nullopt;
}

QJsonObject Hello::toJson() const
{
    const auto& [pid, slot] = *this;
    QJsonObject object = header(kType);
    object.insert(QStringLiteral("pid"), pid);
    object.insert(QStringLiteral("slot"), slot);
    return object;
}

std::optional<Hello> Hello::fromJson(const QJsonObject& object, QString* error)
{
    Hello message;
    auto& [pid, slot] = message;
    Fields fields(object, kType, error);
    fields.read("pid", &pid);
    fields.read("slot", &slot);
    return fields.ok() ? std::optional(message) : std::nullopt;
}

QJsonObject Idle::toJson() const
{
    const auto& [slot] = *this;
    QJsonObject object = header(kType);
    object.insert(QStringLiteral("slot"), slot);
    return object;
}

std::optional<Idle> Idle::fromJson(const QJsonObject& object, QString* error)
{
    Idle message;
    auto& [slot] = message;
    Fields fields(object, kType, error);
    fields.read("slot", &slot);
    return fields.ok() ? std::optional(message) : std::nullopt;
}

QJsonObject Failure::toJson() const
{
    const auto& [position, index, reason] = *this;
    QJsonObject object = header(kType);
    object.insert(QStringLiteral("position"), position);
    object.insert(QStringLiteral("index"), index);
    object.insert(QStringLiteral("reason"), reason);
    return object;
}

std::optional<Failure> Failure::fromJson(const QJsonObject& object, QString* error)
{
    Failure message;
    auto& [position, index, reason] = message;
    Fields fields(object, kType, error);
    fields.read("position", &position);
    fields.read("index", &index);
    fields.read("reason", &reason);
    return fields.ok() ? std::optional(message) : std::nullopt;
}

QJsonObject Error::toJson() const
{
    const auto& [text] = *this;
    QJsonObject object = header(kType);
    object.insert(QStringLiteral("message"), text);
    return object;
}

std::optional<Error> Error::fromJson(const QJsonObject& object, QString* error)
{
    Error message;
    auto& [text] = message;
    Fields fields(object, kType, error);
    fields.read("message", &text);
    return fields.ok() ? std::optional(message) : std::nullopt;
}

QJsonObject JobAssignment::toJson() const
{
    const auto& [job, slot] = *this;
    QJsonObject object = header(kType);
    object.insert(QStringLiteral("job"), job);
    object.insert(QStringLiteral("slot"), slot);
    return object;
}

std::optional<JobAssignment> JobAssignment::fromJson(const QJsonObject& object, QString* error)
{
    JobAssignment message;
    auto& [job, slot] = message;
    Fields fields(object, kType, error);
    fields.read("job", &job);
    fields.read("slot", &slot);
    return fields.ok() ? std::optional(message) : std::nullopt;
}

QJsonObject DataHeader::toJson() const
{
    const auto& [dtype, shape, fortranOrder, bytes] = *this;
    QJsonArray extents;
    for (qint64 extent : shape)
        extents.append(extent);
    QJsonObject object = header(kType);
    object.insert(QStringLiteral("dtype"), dtypeName(dtype));
    object.insert(QStringLiteral("shape"), extents);
    object.insert(QStringLiteral("fortran_order"), fortranOrder);
    object.insert(QStringLiteral("bytes"), bytes);
    return object;
}

std::optional<DataHeader> DataHeader::fromJson(const QJsonObject& object, QString* error)
{
    DataHeader message;
    auto& [dtype, shape, fortranOrder, bytes] = message;
    Fields fields(object, kType, error);
    fields.read("dtype", &dtype);
    fields.read("shape", &shape);
    fields.read("fortran_order", &fortranOrder);
    fields.read("bytes", &bytes);
    return fields.ok() ? std::optional(message) : std::nullopt;
}

template <MessageType Type> QJsonObject EmptyMessage<Type>::toJson() const
{
    static_assert(std::is_empty_v<EmptyMessage>, "a message with fields needs its own codec");
    return header(kType);
}

template <MessageType Type>
std::optional<EmptyMessage<Type>> EmptyMessage<Type>::fromJson(const QJsonObject& object, QString* error)
{
    Fields fields(object, kType, error);
    return fields.ok() ? std::optional<EmptyMessage>(EmptyMessage {}) : std::nullopt;
}

template struct EmptyMessage<MessageType::Parked>;
template struct EmptyMessage<MessageType::Resident>;
template struct EmptyMessage<MessageType::Run>;
template struct EmptyMessage<MessageType::Quit>;
template struct EmptyMessage<MessageType::Park>;

std::optional<WorkerMessage> decodeWorkerMessage(const QJsonObject& object, QString* error)
{
    return decode<WorkerMessage>(object, "a worker", error);
}

std::optional<PoolMessage> decodePoolMessage(const QJsonObject& object, QString* error)
{
    return decode<PoolMessage>(object, "the pool", error);
}

} // namespace sharedmap::protocol
