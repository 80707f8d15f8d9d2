// Unit tests of the control-plane framing (a partial read is never taken for a whole frame) and
// of the tqdm-shaped progress texts.

#include "base/progressformat.h"
#include "protocol/framing.h"

#include <limits>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace sharedmap;

namespace {

QJsonObject message(const char* type, const QJsonObject& extra = {})
{
    QJsonObject object = extra;
    object[QStringLiteral("type")] = QLatin1String(type);
    return object;
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

    QTest::newRow("hello") << message(protocol::kHello,
                                      { { QStringLiteral("pid"), 1234 }, { QStringLiteral("slot"), 0 } });
    QTest::newRow("idle") << message(protocol::kIdle, { { QStringLiteral("slot"), 17 } });
    QTest::newRow("error") << message(protocol::kError,
                                      { { QStringLiteral("message"), QStringLiteral("cannot attach: ß ✓") } });
    QTest::newRow("run") << message(protocol::kRun);
    QTest::newRow("quit") << message(protocol::kQuit);
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
        = { message(protocol::kHello, { { QStringLiteral("pid"), 42 } }),
            message(protocol::kIdle, { { QStringLiteral("slot"), 3 } }), message(protocol::kQuit) };
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
        = { message(protocol::kRun), message(protocol::kIdle, { { QStringLiteral("slot"), 1 } }) };
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
    const QJsonObject first = message(protocol::kHello, { { QStringLiteral("slot"), 0 } });
    const QJsonObject second = message(protocol::kIdle, { { QStringLiteral("slot"), 0 } });
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
    reader.append(protocol::encode(message(protocol::kIdle)));
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
    reader.append(lengthPrefix(quint32(payload.size())) + payload + protocol::encode(message(protocol::kQuit)));
    QJsonObject received;
    QVERIFY(!reader.next(&received));
    QVERIFY(!reader.error().isEmpty());
    QVERIFY(!reader.next(&received));
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
