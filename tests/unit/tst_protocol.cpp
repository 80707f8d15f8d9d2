// Unit tests of the control-plane framing (a partial read is never taken for a whole frame), of
// the typed messages (each round-trips, on the wire as docs/ARCHITECTURE.md says; a missing,
// mistyped or unknown field is refused) and of the tqdm-shaped progress texts.

#include "base/progressformat.h"
#include "protocol/framing.h"
#include "protocol/messages.h"

#include <limits>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace sharedmap;
using protocol::MessageType;

namespace {

QJsonObject message(const char* type, const QJsonObject& extra = {})
{
    QJsonObject object = extra;
    object[QStringLiteral("type")] = QLatin1String(type);
    return object;
}

QJsonObject message(MessageType type, const QJsonObject& extra = {})
{
    return message(protocol::typeName(type).data(), extra);
}

/// The type of a decoded message, and the message back as JSON.
template <class Variant> QPair<MessageType, QJsonObject> unpack(const Variant& decoded)
{
    return std::visit([](const auto& m) { return qMakePair(m.kType, m.toJson()); }, decoded);
}

/// Decodes with the decoder for the message's direction; the type and JSON, or the error.
QPair<MessageType, QJsonObject> decodeEither(const QJsonObject& object, bool fromWorker, QString* error)
{
    if (fromWorker) {
        const auto decoded = protocol::decodeWorkerMessage(object, error);
        return decoded ? unpack(*decoded) : qMakePair(MessageType::Error, QJsonObject());
    }
    const auto decoded = protocol::decodePoolMessage(object, error);
    return decoded ? unpack(*decoded) : qMakePair(MessageType::Error, QJsonObject());
}

QByteArray lengthPrefix(quint32 length)
{
    QByteArray out;
    for (int i = 0; i < 4; ++i)
        out += char((length >> (8 * i)) & 0xff);
    return out;
}

/// Takes every whole frame the reader has.
QList<QJsonObject> drain(protocol::FrameReader& reader)
{
    QList<QJsonObject> out;
    QJsonObject next;
    while (reader.next(&next))
        out.append(next);
    return out;
}

} // namespace

class TestProtocol : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void splitAtEveryByte();
    void byteByByte();
    void twoFramesInOneAppend();
    void incompleteHeaderWaits();
    void oversizedFrame_data();
    void oversizedFrame();
    void malformedPayload_data();
    void malformedPayload();

    void typeNames_data();
    void typeNames();
    void typedRoundTrip_data();
    void typedRoundTrip();
    void refused_data();
    void refused();
    void otherTypeRefused();
    void typedSplitAtEveryByte();

    void formatDuration_data();
    void formatDuration();
    void progressLine();
    void progressPercent_data();
    void progressPercent();
    void progressBarEnds();
    void progressStats_data();
    void progressStats();
    void formatBytes_data();
    void formatBytes();
};

void TestProtocol::roundTrip_data()
{
    QTest::addColumn<QJsonObject>("object");

    QTest::newRow("hello") << message(MessageType::Hello,
                                      { { QStringLiteral("pid"), 1234 }, { QStringLiteral("slot"), 0 } });
    QTest::newRow("idle") << message(MessageType::Idle, { { QStringLiteral("slot"), 17 } });
    QTest::newRow("error") << message(MessageType::Error,
                                      { { QStringLiteral("message"), QStringLiteral("cannot attach: ß ✓") } });
    QTest::newRow("run") << message(MessageType::Run);
    QTest::newRow("quit") << message(MessageType::Quit);
    QTest::newRow("nested") << message("custom",
                                       { { QStringLiteral("list"), QJsonArray { 1, 2.5, QStringLiteral("x") } },
                                         { QStringLiteral("object"), QJsonObject { { QStringLiteral("a"), true } } } });
    QTest::newRow("near the limit") << message("big", { { QStringLiteral("text"), QString(60000, QLatin1Char('z')) } });
}

void TestProtocol::roundTrip()
{
    QFETCH(QJsonObject, object);

    const QByteArray frame = protocol::encode(object);
    QVERIFY(frame.size() > 4);
    const quint32 length = quint32(quint8(frame[0])) | quint32(quint8(frame[1])) << 8 | quint32(quint8(frame[2])) << 16
        | quint32(quint8(frame[3])) << 24;
    QCOMPARE(qsizetype(length), frame.size() - 4);
    QCOMPARE(QJsonDocument::fromJson(frame.mid(4)).object(), object);

    protocol::FrameReader reader;
    reader.append(frame);
    QJsonObject received;
    QVERIFY(reader.next(&received));
    QCOMPARE(received, object);
    QVERIFY(!reader.next(&received));
    QCOMPARE(reader.error(), QString());
}

void TestProtocol::splitAtEveryByte()
{
    const QList<QJsonObject> sent
        = { message(MessageType::Hello, { { QStringLiteral("pid"), 42 } }),
            message(MessageType::Idle, { { QStringLiteral("slot"), 3 } }), message(MessageType::Quit) };
    QByteArray stream;
    for (const QJsonObject& object : sent)
        stream += protocol::encode(object);

    for (int split = 0; split <= stream.size(); ++split) {
        protocol::FrameReader reader;
        reader.append(stream.left(split));
        QList<QJsonObject> received = drain(reader);
        // Only frames wholly inside the first part may have arrived.
        int whole = 0, end = 0;
        for (const QJsonObject& object : sent) {
            end += int(protocol::encode(object).size());
            if (end <= split)
                ++whole;
        }
        QCOMPARE(received.size(), qsizetype(whole));
        reader.append(stream.mid(split));
        received += drain(reader);
        QVERIFY2(received == sent, qPrintable(QStringLiteral("split at %1").arg(split)));
        QCOMPARE(reader.error(), QString());
    }
}

void TestProtocol::byteByByte()
{
    const QList<QJsonObject> sent
        = { message(MessageType::Run), message(MessageType::Idle, { { QStringLiteral("slot"), 1 } }) };
    QByteArray stream;
    for (const QJsonObject& object : sent)
        stream += protocol::encode(object);

    protocol::FrameReader reader;
    QList<QJsonObject> received;
    for (char byte : stream) {
        reader.append(QByteArray(1, byte));
        received += drain(reader);
    }
    QCOMPARE(received, sent);
    QCOMPARE(reader.error(), QString());
}

void TestProtocol::twoFramesInOneAppend()
{
    const QJsonObject first = message(MessageType::Hello, { { QStringLiteral("slot"), 0 } });
    const QJsonObject second = message(MessageType::Idle, { { QStringLiteral("slot"), 0 } });
    protocol::FrameReader reader;
    reader.append(protocol::encode(first) + protocol::encode(second));
    QJsonObject received;
    QVERIFY(reader.next(&received));
    QCOMPARE(received, first);
    QVERIFY(reader.next(&received));
    QCOMPARE(received, second);
    QVERIFY(!reader.next(&received));
    QCOMPARE(reader.error(), QString());
}

void TestProtocol::incompleteHeaderWaits()
{
    protocol::FrameReader reader;
    QJsonObject received;
    reader.append(QByteArray("\x10\x00", 2));
    QVERIFY(!reader.next(&received));
    QCOMPARE(reader.error(), QString());
    // A frame of exactly the largest size is legal while its body is still on the way.
    protocol::FrameReader large;
    large.append(lengthPrefix(protocol::kMaxFrameBytes) + QByteArray("{\"type\":"));
    QVERIFY(!large.next(&received));
    QCOMPARE(large.error(), QString());
}

void TestProtocol::oversizedFrame_data()
{
    QTest::addColumn<quint32>("length");
    QTest::newRow("limit + 1") << quint32(protocol::kMaxFrameBytes + 1);
    QTest::newRow("1 MiB") << quint32(1 << 20);
    QTest::newRow("4 GiB - 1") << std::numeric_limits<quint32>::max();
}

void TestProtocol::oversizedFrame()
{
    QFETCH(quint32, length);

    protocol::FrameReader reader;
    reader.append(lengthPrefix(length) + "{\"type\":\"idle\"}");
    QJsonObject received;
    QVERIFY(!reader.next(&received));
    QVERIFY(!reader.error().isEmpty());
    // A corrupt stream stays corrupt: later good frames are not taken.
    reader.append(protocol::encode(message(MessageType::Idle)));
    QVERIFY(!reader.next(&received));
    QVERIFY(!reader.error().isEmpty());
}

void TestProtocol::malformedPayload_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::newRow("not JSON") << QByteArray("hello");
    QTest::newRow("truncated JSON") << QByteArray("{\"type\": \"idle\"");
    QTest::newRow("JSON array") << QByteArray("[\"idle\"]");
    QTest::newRow("JSON string") << QByteArray("\"idle\"");
    QTest::newRow("no type") << QByteArray("{\"slot\": 1}");
    QTest::newRow("type not a string") << QByteArray("{\"type\": 7}");
    QTest::newRow("empty") << QByteArray();
}

void TestProtocol::malformedPayload()
{
    QFETCH(QByteArray, payload);

    protocol::FrameReader reader;
    reader.append(lengthPrefix(quint32(payload.size())) + payload + protocol::encode(message(MessageType::Quit)));
    QJsonObject received;
    QVERIFY(!reader.next(&received));
    QVERIFY(!reader.error().isEmpty());
    QVERIFY(!reader.next(&received));
}

void TestProtocol::typeNames_data()
{
    // The wire names are the contract between pool and worker (docs/ARCHITECTURE.md).
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("name");
    QTest::newRow("hello") << int(MessageType::Hello) << "hello";
    QTest::newRow("idle") << int(MessageType::Idle) << "idle";
    QTest::newRow("failure") << int(MessageType::Failure) << "failure";
    QTest::newRow("error") << int(MessageType::Error) << "error";
    QTest::newRow("parked") << int(MessageType::Parked) << "parked";
    QTest::newRow("resident") << int(MessageType::Resident) << "resident";
    QTest::newRow("run") << int(MessageType::Run) << "run";
    QTest::newRow("quit") << int(MessageType::Quit) << "quit";
    QTest::newRow("park") << int(MessageType::Park) << "park";
    QTest::newRow("job") << int(MessageType::Job) << "job";
    QTest::newRow("data") << int(MessageType::Data) << "data";
}

void TestProtocol::typeNames()
{
    QFETCH(int, type);
    QFETCH(QString, name);
    QCOMPARE(QString(protocol::typeName(MessageType(type))), name);
    const std::optional<MessageType> back = protocol::typeFromName(name);
    QVERIFY(back);
    QCOMPARE(int(*back), type);
    QVERIFY(!protocol::typeFromName(name.toUpper()));
}

void TestProtocol::typedRoundTrip_data()
{
    // Each message as its struct encodes it, and the same message as the wire format spells it.
    QTest::addColumn<QJsonObject>("typed");
    QTest::addColumn<QJsonObject>("wire");
    QTest::addColumn<bool>("fromWorker");
    QTest::addColumn<int>("type");

    const auto row = [](const char* name, const auto& typed, const QJsonObject& fields, bool fromWorker) {
        QTest::newRow(name) << typed.toJson() << message(typed.kType, fields) << fromWorker << int(typed.kType);
    };
    const qint64 big = qint64(1) << 53;
    row("hello", protocol::Hello { 4242, 3 }, { { "pid", 4242 }, { "slot", 3 } }, true);
    row("hello, slot 4095", protocol::Hello { 1, 4095 }, { { "pid", 1 }, { "slot", 4095 } }, true);
    row("idle", protocol::Idle { 17 }, { { "slot", 17 } }, true);
    row("failure", protocol::Failure { 12, 99, QStringLiteral("division by zero") },
        { { "position", 12 }, { "index", 99 }, { "reason", "division by zero" } }, true);
    row("failure, 2^53 positions, unicode", protocol::Failure { big, big - 1, QStringLiteral("ß ✓ \"quoted\"\n") },
        { { "position", big }, { "index", big - 1 }, { "reason", QStringLiteral("ß ✓ \"quoted\"\n") } }, true);
    row("error", protocol::Error { QStringLiteral("cannot attach: ß ✓") }, { { "message", "cannot attach: ß ✓" } },
        true);
    row("error, empty", protocol::Error { QString() }, { { "message", "" } }, true);
    row("parked", protocol::Parked {}, {}, true);
    row("resident", protocol::Resident {}, {}, true);
    row("run", protocol::Run {}, {}, false);
    row("quit", protocol::Quit {}, {}, false);
    row("park", protocol::Park {}, {}, false);
    row("job", protocol::JobAssignment { QStringLiteral("sharedmap-job-1-2-abc"), 5 },
        { { "job", "sharedmap-job-1-2-abc" }, { "slot", 5 } }, false);
    row("data", protocol::DataHeader { DType::Float32, { 3, 4 }, true, 48 },
        { { "dtype", "float32" }, { "shape", QJsonArray { 3, 4 } }, { "fortran_order", true }, { "bytes", 48 } },
        false);
    row("data, 0-d", protocol::DataHeader { DType::Int8, {}, false, 1 },
        { { "dtype", "int8" }, { "shape", QJsonArray {} }, { "fortran_order", false }, { "bytes", 1 } }, false);
    row("data, empty", protocol::DataHeader { DType::UInt64, { 0, 7 }, false, 0 },
        { { "dtype", "uint64" }, { "shape", QJsonArray { 0, 7 } }, { "fortran_order", false }, { "bytes", 0 } }, false);
}

void TestProtocol::typedRoundTrip()
{
    QFETCH(QJsonObject, typed);
    QFETCH(QJsonObject, wire);
    QFETCH(bool, fromWorker);
    QFETCH(int, type);

    QCOMPARE(typed, wire);
    // Through a frame, as the pipe carries it, and back into a struct.
    protocol::FrameReader reader;
    reader.append(protocol::encode(typed));
    QJsonObject received;
    QVERIFY(reader.next(&received));
    QString error;
    const auto [decodedType, decoded] = decodeEither(received, fromWorker, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(int(decodedType), type);
    QCOMPARE(decoded, wire);
    // The other side's decoder does not take it.
    decodeEither(received, !fromWorker, &error);
    QVERIFY2(error.contains(QLatin1String("is not a message")), qPrintable(error));
}

void TestProtocol::refused_data()
{
    QTest::addColumn<QJsonObject>("object");
    QTest::addColumn<bool>("fromWorker");
    QTest::addColumn<QString>("error");

    const auto hello = [](const QJsonObject& fields) { return message(MessageType::Hello, fields); };
    const auto data = [](const char* key, const QJsonValue& value) {
        QJsonObject fields {
            { "dtype", "float64" }, { "shape", QJsonArray { 2 } }, { "fortran_order", false }, { "bytes", 16 }
        };
        if (value.isUndefined())
            fields.remove(QLatin1String(key));
        else
            fields[QLatin1String(key)] = value;
        return message(MessageType::Data, fields);
    };
    QTest::newRow("hello, no pid") << hello({ { "slot", 0 } }) << true << "hello message: field 'pid' is missing";
    QTest::newRow("hello, no slot") << hello({ { "pid", 1 } }) << true << "field 'slot' is missing";
    QTest::newRow("hello, pid a string") << hello({ { "pid", "12" }, { "slot", 0 } }) << true
                                         << "field 'pid' must be an integer";
    QTest::newRow("hello, pid a fraction")
        << hello({ { "pid", 1.5 }, { "slot", 0 } }) << true << "field 'pid' must be an integer";
    QTest::newRow("hello, pid null") << hello({ { "pid", QJsonValue() }, { "slot", 0 } }) << true
                                     << "field 'pid' must be an integer";
    QTest::newRow("hello, pid 1e300") << hello({ { "pid", 1e300 }, { "slot", 0 } }) << true
                                      << "field 'pid' must be an integer";
    QTest::newRow("hello, slot beyond int")
        << hello({ { "pid", 1 }, { "slot", qint64(1) << 40 } }) << true << "field 'slot' must be an integer";
    QTest::newRow("hello, slot true") << hello({ { "pid", 1 }, { "slot", true } }) << true
                                      << "field 'slot' must be an integer";
    QTest::newRow("hello, unknown field")
        << hello({ { "pid", 1 }, { "slot", 0 }, { "extra", 1 } }) << true << "hello message: unknown field 'extra'";
    QTest::newRow("idle, slot an object")
        << message(MessageType::Idle, { { "slot", QJsonObject() } }) << true << "field 'slot' must be an integer";
    QTest::newRow("failure, no index") << message(MessageType::Failure, { { "position", 1 }, { "reason", "x" } })
                                       << true << "failure message: field 'index' is missing";
    QTest::newRow("failure, reason a number")
        << message(MessageType::Failure, { { "position", 1 }, { "index", 1 }, { "reason", 7 } }) << true
        << "field 'reason' must be a string";
    QTest::newRow("error, no message") << message(MessageType::Error) << true
                                       << "error message: field 'message' is missing";
    QTest::newRow("error, message a list") << message(MessageType::Error, { { "message", QJsonArray { "a" } } }) << true
                                           << "field 'message' must be a string";
    QTest::newRow("parked, a field") << message(MessageType::Parked, { { "slot", 1 } }) << true
                                     << "parked message: unknown field 'slot'";
    QTest::newRow("resident, a field") << message(MessageType::Resident, { { "bytes", 1 } }) << true
                                       << "unknown field 'bytes'";
    QTest::newRow("run, a field") << message(MessageType::Run, { { "now", true } }) << false
                                  << "run message: unknown field 'now'";
    QTest::newRow("quit, a field") << message(MessageType::Quit, { { "code", 0 } }) << false << "unknown field 'code'";
    QTest::newRow("job, no slot") << message(MessageType::Job, { { "job", "x" } }) << false
                                  << "job message: field 'slot' is missing";
    QTest::newRow("job, name a number") << message(MessageType::Job, { { "job", 3 }, { "slot", 0 } }) << false
                                        << "field 'job' must be a string";
    QTest::newRow("data, no bytes") << data("bytes", QJsonValue::Undefined) << false
                                    << "data message: field 'bytes' is missing";
    QTest::newRow("data, unknown dtype") << data("dtype", "complex128") << false
                                         << "field 'dtype' must be a dtype name";
    QTest::newRow("data, dtype a number") << data("dtype", 8) << false << "field 'dtype' must be a dtype name";
    QTest::newRow("data, shape a number") << data("shape", 2) << false << "field 'shape' must be a list of integers";
    QTest::newRow("data, shape of strings")
        << data("shape", QJsonArray { "2" }) << false << "field 'shape' must be a list of integers";
    QTest::newRow("data, shape of fractions")
        << data("shape", QJsonArray { 2.5 }) << false << "field 'shape' must be a list of integers";
    QTest::newRow("data, order a string")
        << data("fortran_order", "yes") << false << "field 'fortran_order' must be true or false";
    QTest::newRow("unknown type") << message("bogus") << true << "unknown message type 'bogus'";
    QTest::newRow("unknown type, to a worker") << message("HELLO") << false << "unknown message type 'HELLO'";
    QTest::newRow("pool's message from a worker")
        << message(MessageType::Run) << true << "'run' is not a message a worker sends";
    QTest::newRow("worker's message from the pool")
        << hello({ { "pid", 1 }, { "slot", 0 } }) << false << "'hello' is not a message the pool sends";
}

void TestProtocol::refused()
{
    QFETCH(QJsonObject, object);
    QFETCH(bool, fromWorker);
    QFETCH(QString, error);

    QString problem;
    if (fromWorker)
        QVERIFY(!protocol::decodeWorkerMessage(object, &problem));
    else
        QVERIFY(!protocol::decodePoolMessage(object, &problem));
    QVERIFY2(problem.contains(error), qPrintable(problem));
    // Through the frame reader it is a whole, well-formed frame: refusing it is the decoder's job.
    protocol::FrameReader reader;
    reader.append(protocol::encode(object));
    QJsonObject received;
    QVERIFY(reader.next(&received));
    QCOMPARE(received, object);
}

void TestProtocol::otherTypeRefused()
{
    QString error;
    QVERIFY(!protocol::Hello::fromJson(protocol::Idle { 1 }.toJson(), &error));
    QVERIFY2(error.contains(QLatin1String("expected a 'hello' message")), qPrintable(error));
    QVERIFY(!protocol::Quit::fromJson(protocol::Park {}.toJson(), &error));
    QVERIFY2(error.contains(QLatin1String("expected a 'quit' message")), qPrintable(error));
    QVERIFY(!protocol::DataHeader::fromJson(QJsonObject(), &error));
    QVERIFY2(error.contains(QLatin1String("expected a 'data' message")), qPrintable(error));
    // A good message leaves the error empty.
    QVERIFY(protocol::Idle::fromJson(protocol::Idle { 1 }.toJson(), &error));
    QCOMPARE(protocol::Idle::fromJson(protocol::Idle { 8 }.toJson(), &error)->slot, 8);
}

void TestProtocol::typedSplitAtEveryByte()
{
    // What a worker says over a job, cut at every byte: every whole frame decodes, in order,
    // into the message that was sent, and a partial one is never taken.
    const protocol::Hello hello { 77, 2 };
    const protocol::Failure failure { 5, 6, QStringLiteral("nan in row ✓") };
    const protocol::Idle idle { 2 };
    const QList<QJsonObject> sent = { hello.toJson(), failure.toJson(), idle.toJson(), protocol::Parked {}.toJson(),
                                      protocol::Resident {}.toJson() };
    const QByteArray stream = protocol::encodeMessage(hello) + protocol::encodeMessage(failure)
        + protocol::encodeMessage(idle) + protocol::encodeMessage(protocol::Parked {})
        + protocol::encodeMessage(protocol::Resident {});
    QList<qsizetype> ends;
    qsizetype end = 0;
    for (const QJsonObject& object : sent)
        ends.append(end += protocol::encode(object).size());
    QCOMPARE(end, stream.size());

    for (int split = 0; split <= stream.size(); ++split) {
        protocol::FrameReader reader;
        QList<QJsonObject> decoded;
        const auto take = [&] {
            QJsonObject frame;
            while (reader.next(&frame)) {
                QString error;
                const auto message = protocol::decodeWorkerMessage(frame, &error);
                decoded.append(message ? unpack(*message).second : QJsonObject { { "error", error } });
            }
        };
        reader.append(stream.left(split));
        take();
        const auto whole = std::count_if(ends.cbegin(), ends.cend(), [&](qsizetype e) { return e <= split; });
        QCOMPARE(decoded.size(), qsizetype(whole));
        reader.append(stream.mid(split));
        take();
        QVERIFY2(decoded == sent, qPrintable(QStringLiteral("split at %1").arg(split)));
        QCOMPARE(reader.error(), QString());
    }
}

void TestProtocol::formatDuration_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QString>("text");

    QTest::newRow("0") << 0.0 << "00:00";
    QTest::newRow("59.9") << 59.9 << "00:59";
    QTest::newRow("65") << 65.0 << "01:05";
    QTest::newRow("3599") << 3599.0 << "59:59";
    QTest::newRow("3600") << 3600.0 << "1:00:00";
    QTest::newRow("3665") << 3665.0 << "1:01:05";
    QTest::newRow("36000") << 36000.0 << "10:00:00";
    QTest::newRow("100 hours") << 360005.0 << "100:00:05";
    QTest::newRow("negative") << -1.0 << "?";
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << "?";
    QTest::newRow("infinity") << std::numeric_limits<double>::infinity() << "?";
}

void TestProtocol::formatDuration()
{
    QFETCH(double, seconds);
    QFETCH(QString, text);
    QCOMPARE(sharedmap::formatDuration(seconds), text);
}

void TestProtocol::progressLine()
{
    const QString line = formatProgressLine(450, 1000, 2.0, 180.0);
    QVERIFY2(line.contains(QLatin1String("45%|")), qPrintable(line));
    QVERIFY2(line.contains(QLatin1String("450/1000")), qPrintable(line));
    QVERIFY2(line.contains(QLatin1String("[00:02<00:03, 180.00it/s]")), qPrintable(line));
    // The whole line, as tqdm draws it: 4 full blocks and a half block of 10.
    QCOMPARE(line, QStringLiteral(" 45%|████▌     | 450/1000 [00:02<00:03, 180.00it/s]"));
    QCOMPARE(formatProgressStats(450, 1000, 2.0, 180.0), QStringLiteral("450/1000 [00:02<00:03, 180.00it/s]"));
}

void TestProtocol::progressPercent_data()
{
    // Exact fractions must print their exact percentage: 29/100 is 29%, not 28%.
    QTest::addColumn<qint64>("done");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<int>("percent");

    for (qint64 done = 0; done <= 100; ++done)
        QTest::addRow("%lld/100", done) << done << qint64(100) << int(done);
    QTest::newRow("450/1000") << qint64(450) << qint64(1000) << 45;
    QTest::newRow("7/700") << qint64(7) << qint64(700) << 1;
    QTest::newRow("1/3") << qint64(1) << qint64(3) << 33;
}

void TestProtocol::progressPercent()
{
    QFETCH(qint64, done);
    QFETCH(qint64, total);
    QFETCH(int, percent);

    const QString line = formatProgressLine(done, total, 1.0, 10.0);
    const QString expected = QStringLiteral("%1%|").arg(percent, 3);
    QVERIFY2(line.startsWith(expected),
             qPrintable(QStringLiteral("'%1' does not start with '%2'").arg(line, expected)));
}

void TestProtocol::progressBarEnds()
{
    const QString empty = formatProgressLine(0, 50, 0.0, 0.0, 8);
    QVERIFY2(empty.startsWith(QStringLiteral("  0%|        | 0/50")), qPrintable(empty));
    const QString full = formatProgressLine(50, 50, 5.0, 10.0, 8);
    QVERIFY2(full.startsWith(QStringLiteral("100%|████████| 50/50")), qPrintable(full));
    const QString wide = formatProgressLine(1, 2, 1.0, 1.0, 20);
    QCOMPARE(wide.section(QLatin1Char('|'), 1, 1).size(), qsizetype(20));
}

void TestProtocol::progressStats_data()
{
    QTest::addColumn<qint64>("done");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<double>("elapsed");
    QTest::addColumn<double>("rate");
    QTest::addColumn<QString>("text");

    QTest::newRow("no rate yet") << qint64(0) << qint64(10) << 0.0 << 0.0 << "0/10 [00:00<?, ?it/s]";
    QTest::newRow("slow tasks") << qint64(2) << qint64(10) << 4.0 << 0.5 << "2/10 [00:04<00:16, 2.00s/it]";
    QTest::newRow("one per second") << qint64(5) << qint64(10) << 5.0 << 1.0 << "5/10 [00:05<00:05, 1.00it/s]";
    QTest::newRow("hours left") << qint64(1) << qint64(100001) << 1.0 << 10.0 << "1/100001 [00:01<2:46:40, 10.00it/s]";
    QTest::newRow("done") << qint64(10) << qint64(10) << 65.0 << 2.0 << "10/10 [01:05<00:00, 2.00it/s]";
}

void TestProtocol::progressStats()
{
    QFETCH(qint64, done);
    QFETCH(qint64, total);
    QFETCH(double, elapsed);
    QFETCH(double, rate);
    QFETCH(QString, text);
    QCOMPARE(formatProgressStats(done, total, elapsed, rate), text);
}

void TestProtocol::formatBytes_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");

    QTest::newRow("0") << qint64(0) << "0 B";
    QTest::newRow("512") << qint64(512) << "512 B";
    QTest::newRow("1023") << qint64(1023) << "1023 B";
    QTest::newRow("1 KiB") << qint64(1024) << "1.0 KiB";
    QTest::newRow("1.5 KiB") << qint64(1536) << "1.5 KiB";
    QTest::newRow("800 MiB") << qint64(800) * 1024 * 1024 << "800.0 MiB";
    QTest::newRow("1.5 GiB") << qint64(3) * 512 * 1024 * 1024 << "1.5 GiB";
    QTest::newRow("2 TiB") << (qint64(2) << 40) << "2.0 TiB";
    QTest::newRow("2048 TiB") << (qint64(2048) << 40) << "2048.0 TiB";
}

void TestProtocol::formatBytes()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(sharedmap::formatBytes(bytes), text);
}

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
