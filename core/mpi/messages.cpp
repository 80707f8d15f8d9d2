#include "mpi/messages.h"

#include <QDataStream>
#include <QIODevice>
#include <QJsonDocument>

namespace sharedmap::mpi {

namespace {
/// Bumped whenever a message's fields change: ranks of two builds refuse each other's bytes.
constexpr quint32 kWireVersion = 2;

/// Writes `write(stream)` after the wire version.
template <typename F> QByteArray encodeWith(F write)
{
    QByteArray bytes;
    QDataStream stream(&bytes, QIODevice::WriteOnly);
    stream.setVersion(QDataStream::Qt_6_0);
    stream << kWireVersion;
    write(stream);
    return bytes;
}

/// Reads with `read(stream)` after checking the wire version; false on short or foreign bytes.
template <typename F> bool decodeWith(const QByteArray& bytes, F read)
{
    QDataStream stream(bytes);
    stream.setVersion(QDataStream::Qt_6_0);
    quint32 version = 0;
    stream >> version;
    if (version != kWireVersion)
        return false;
    read(stream);
    return stream.status() == QDataStream::Ok && stream.atEnd();
}
} // namespace

QByteArray HelloMessage::encode() const
{
    return encodeWith(
        [this](QDataStream& s) { s << node << ranksOnNode << pid << workers << tasks << resultWidth << host; });
}

bool HelloMessage::decode(const QByteArray& bytes, HelloMessage* m)
{
    return decodeWith(bytes, [m](QDataStream& s) {
        s >> m->node >> m->ranksOnNode >> m->pid >> m->workers >> m->tasks >> m->resultWidth >> m->host;
    });
}

QByteArray RequestMessage::encode() const
{
    return encodeWith([this](QDataStream& s) { s << wanted << perTaskNs; });
}

bool RequestMessage::decode(const QByteArray& bytes, RequestMessage* m)
{
    return decodeWith(bytes, [m](QDataStream& s) { s >> m->wanted >> m->perTaskNs; });
}

QByteArray GrantMessage::encode() const
{
    return encodeWith([this](QDataStream& s) {
        s << qint32(ranges.size());
        for (const PositionRange& range : ranges)
            s << range.begin << range.end;
    });
}

bool GrantMessage::decode(const QByteArray& bytes, GrantMessage* m)
{
    return decodeWith(bytes, [m](QDataStream& s) {
        qint32 count = 0;
        s >> count;
        if (count < 0 || count > (1 << 20)) {
            s.setStatus(QDataStream::ReadCorruptData);
            return;
        }
        m->ranges.resize(count);
        for (PositionRange& range : m->ranges)
            s >> range.begin >> range.end;
    });
}

QByteArray ResultsMessage::encode() const
{
    // The values go raw, in the machine's byte order: a node's doubles are copied, not converted
    // one by one (every node of a run has the same architecture).
    return encodeWith([this](QDataStream& s) {
        s << begin << width << qint64(status.size()) << qint64(values.size());
        s.writeRawData(status.constData(), int(status.size()));
        s.writeRawData(reinterpret_cast<const char*>(values.constData()), int(values.size() * sizeof(double)));
    });
}

bool ResultsMessage::decode(const QByteArray& bytes, ResultsMessage* m)
{
    return decodeWith(bytes, [m, &bytes](QDataStream& s) {
        qint64 positions = 0, count = 0;
        s >> m->begin >> m->width >> positions >> count;
        if (s.status() != QDataStream::Ok || m->width < 1 || positions < 0 || count != positions * m->width
            || count * qint64(sizeof(double)) + positions > bytes.size()) {
            s.setStatus(QDataStream::ReadCorruptData);
            return;
        }
        m->status.resize(positions);
        m->values.resize(count);
        if (s.readRawData(m->status.data(), int(positions)) != positions
            || s.readRawData(reinterpret_cast<char*>(m->values.data()), int(count * sizeof(double)))
                != count * qint64(sizeof(double)))
            s.setStatus(QDataStream::ReadPastEnd);
    });
}

QByteArray FinalMessage::encode() const
{
    return encodeWith([this](QDataStream& s) { s << QJsonDocument(report).toJson(QJsonDocument::Compact); });
}

bool FinalMessage::decode(const QByteArray& bytes, FinalMessage* m)
{
    return decodeWith(bytes, [m](QDataStream& s) {
        QByteArray json;
        s >> json;
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(json, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject()) {
            s.setStatus(QDataStream::ReadCorruptData);
            return;
        }
        m->report = document.object();
    });
}

QByteArray ByeMessage::encode() const
{
    return encodeWith([this](QDataStream& s) { s << exitCode << rankLost; });
}

bool ByeMessage::decode(const QByteArray& bytes, ByeMessage* m)
{
    return decodeWith(bytes, [m](QDataStream& s) { s >> m->exitCode >> m->rankLost; });
}

} // namespace sharedmap::mpi
