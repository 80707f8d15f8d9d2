#include "protocol/framing.h"

#include <QJsonDocument>

namespace sharedmap::protocol {

QByteArray encode(const QJsonObject& message)
{
    const QByteArray body = QJsonDocument(message).toJson(QJsonDocument::Compact);
    const quint32 length = quint32(body.size());
    QByteArray frame;
    frame.reserve(4 + body.size());
    for (int i = 0; i < 4; ++i)
        frame.append(char((length >> (8 * i)) & 0xff));
    return frame + body;
}

bool FrameReader::next(QJsonObject* message)
{
    if (!m_error.isEmpty() || m_buffer.size() < 4)
        return false;
    quint32 length = 0;
    for (int i = 3; i >= 0; --i)
        length = (length << 8) | quint8(m_buffer[i]);
    if (length > kMaxFrameBytes) {
        m_error = QStringLiteral("control frame of %1 bytes exceeds the limit").arg(length);
        return false;
    }
    if (quint32(m_buffer.size()) < 4 + length)
        return false;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(m_buffer.mid(4, int(length)), &parseError);
    m_buffer.remove(0, int(4 + length));
    if (parseError.error != QJsonParseError::NoError || !document.isObject()
        || !document.object().value(QStringLiteral("type")).isString()) {
        m_error = QStringLiteral("malformed control frame");
        return false;
    }
    *message = document.object();
    return true;
}

} // namespace sharedmap::protocol
