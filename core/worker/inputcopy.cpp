#include "worker/inputcopy.h"

#include "protocol/messages.h"
#include "worker/pipe.h"

#include <algorithm>
#include <cstring>

namespace sharedmap {

QString receiveCopy(InputCopy* copy)
{
    const QString closed = QStringLiteral("copy mode: the pool closed the pipe before sending the input");
    quint32 length = 0;
    if (!workerpipe::readFully(reinterpret_cast<char*>(&length), sizeof length))
        return closed;
    if (length > protocol::kMaxFrameBytes)
        return QStringLiteral("copy mode: bad first frame");
    QByteArray frame(int(sizeof length + length), Qt::Uninitialized);
    std::memcpy(frame.data(), &length, sizeof length);
    if (!workerpipe::readFully(frame.data() + sizeof length, length))
        return closed;
    protocol::FrameReader reader;
    reader.append(frame);
    QJsonObject object;
    QString error;
    const std::optional<protocol::PoolMessage> message
        = reader.next(&object) ? protocol::decodePoolMessage(object, &error) : std::nullopt;
    if (message && !std::holds_alternative<protocol::DataHeader>(*message))
        return QStringLiteral("copy mode: expected the input's description first");
    if (!message)
        return QStringLiteral("copy mode: %1").arg(error.isEmpty() ? QStringLiteral("bad first frame") : error);
    const protocol::DataHeader* header = &std::get<protocol::DataHeader>(*message);
    copy->meta.dtype = header->dtype;
    copy->meta.shape = header->shape;
    copy->meta.fortranOrder = header->fortranOrder;
    const qint64 bytes = header->bytes;
    if (copy->meta.shape.size() > kMaxDims
        || std::any_of(copy->meta.shape.cbegin(), copy->meta.shape.cend(), [](qint64 e) { return e < 0; }) || bytes < 0
        || copy->meta.byteSize() != bytes)
        return QStringLiteral("copy mode: the input's description is inconsistent");
    // The worker's own memory, as a pickled argument would be: written once, by the read below.
    copy->data.reset(static_cast<char*>(std::aligned_alloc(64, size_t((bytes + 63) / 64 * 64 + 64))));
    if (!copy->data)
        return QStringLiteral("copy mode: cannot allocate %1 bytes for the input's copy").arg(bytes);
    if (!workerpipe::readFully(copy->data.get(), bytes))
        return QStringLiteral("copy mode: the pool closed the pipe in the middle of the input");
    return {};
}

} // namespace sharedmap
