// sharedmap-mpi's rank-0 logic without MPI: the global queue, the gathered results and the
// messages' encoding.

#include "base/status.h"
#include "mpi/gatheredresults.h"
#include "mpi/globalqueue.h"
#include "mpi/messages.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <QTest>

using namespace sharedmap;
using namespace sharedmap::mpi;

namespace {
qint64 total(const QVector<PositionRange>& ranges)
{
    qint64 n = 0;
    for (const PositionRange& r : ranges)
        n += r.size();
    return n;
}
} // namespace

class TestMpiQueue : public QObject
{
    Q_OBJECT

private slots:
    void fixedChunks_data();
    void fixedChunks();
    void automaticChunks();
    void resumedPositionsAreNotHandedOut();
    void lostNodeRangesComeBack();
    void completeAcrossRanges();
    void gatherMerges();
    void messagesRoundTrip();
    void messagesRefuseForeignBytes_data();
    void messagesRefuseForeignBytes();
};

void TestMpiQueue::fixedChunks_data()
{
    QTest::addColumn<qint64>("tasks");
    QTest::addColumn<qint64>("chunk");
    QTest::addColumn<int>("wanted");
    QTest::newRow("100 by 1") << qint64(100) << qint64(1) << 4;
    QTest::newRow("100 by 7") << qint64(100) << qint64(7) << 3;
    QTest::newRow("5 by 10") << qint64(5) << qint64(10) << 2;
    QTest::newRow("none") << qint64(0) << qint64(3) << 1;
}

void TestMpiQueue::fixedChunks()
{
    QFETCH(qint64, tasks);
    QFETCH(qint64, chunk);
    QFETCH(int, wanted);
    GlobalQueue queue(tasks, chunk);
    QVector<int> owner(tasks, -1);
    int node = 0;
    for (;;) {
        const QVector<PositionRange> ranges = queue.grant(node, wanted, 0);
        if (ranges.isEmpty())
            break;
        QVERIFY(ranges.size() <= wanted);
        for (const PositionRange& r : ranges) {
            QVERIFY(r.size() >= 1 && r.size() <= chunk);
            for (qint64 p = r.begin; p < r.end; ++p) {
                QCOMPARE(owner[p], -1); // never handed out twice
                owner[p] = node;
            }
            QVERIFY(queue.complete(node, r));
        }
        node = (node + 1) % 3;
    }
    QVERIFY(std::find(owner.cbegin(), owner.cend(), -1) == owner.cend());
    QCOMPARE(queue.queuedPositions(), qint64(0));
    QCOMPARE(queue.heldPositions(), qint64(0));
}

void TestMpiQueue::automaticChunks()
{
    // Automatic: from 1, growing towards the target time, never beyond a fair share of the rest.
    GlobalQueue queue(100000, 0);
    queue.setTotalWorkers(4);
    QCOMPARE(queue.grant(0, 1, 0).first().size(), qint64(1));
    const qint64 perTask = 1000; // 1 µs a task: the target wants 20000 a chunk
    qint64 previous = 1;
    for (int i = 0; i < 6; ++i) {
        const qint64 size = queue.grant(0, 1, perTask).first().size();
        QVERIFY2(size <= previous * 8, qPrintable(QStringLiteral("%1 after %2").arg(size).arg(previous)));
        QVERIFY(size <= qMax<qint64>(1, queue.queuedPositions() / 8 + size));
        previous = size;
    }
    QVERIFY(previous > 1000);
    // Near the end, chunks shrink to share the rest among every worker.
    GlobalQueue small(40, 0);
    small.setTotalWorkers(4);
    QVector<qint64> sizes;
    for (QVector<PositionRange> r = small.grant(1, 1, 1); !r.isEmpty(); r = small.grant(1, 1, 1))
        sizes.append(r.first().size());
    QCOMPARE(std::accumulate(sizes.cbegin(), sizes.cend(), qint64(0)), qint64(40));
    QCOMPARE(sizes.last(), qint64(1));
    QVERIFY(*std::max_element(sizes.cbegin(), sizes.cend()) <= 5); // 40 / (2 * 4)
}

void TestMpiQueue::resumedPositionsAreNotHandedOut()
{
    QVector<bool> done(20, false);
    for (int p : { 0, 1, 2, 7, 8, 19 })
        done[p] = true;
    GlobalQueue queue(20, 100, done);
    QCOMPARE(queue.queuedPositions(), qint64(14));
    const QVector<PositionRange> ranges = queue.grant(0, 10, 0);
    QCOMPARE(ranges, (QVector<PositionRange> { { 3, 7 }, { 9, 19 } }));
}

void TestMpiQueue::lostNodeRangesComeBack()
{
    GlobalQueue queue(30, 5);
    const auto a = queue.grant(1, 2, 0); // [0,5) [5,10)
    const auto b = queue.grant(2, 1, 0); // [10,15)
    QCOMPARE(total(a) + total(b), qint64(15));
    QVERIFY(queue.complete(1, a[0]));
    const QVector<PositionRange> back = queue.reclaim(1);
    QCOMPARE(back, QVector<PositionRange> { a[1] });
    QCOMPARE(queue.reclaim(1), QVector<PositionRange> {});
    for (const PositionRange& r : back)
        queue.requeue(r);
    // The lost node's range comes first, to the next node that asks.
    QCOMPARE(queue.grant(2, 1, 0).first(), a[1]);
    QVERIFY(!queue.complete(1, a[1])); // a lost node no longer holds anything
}

void TestMpiQueue::completeAcrossRanges()
{
    GlobalQueue queue(10, 2);
    const auto ranges = queue.grant(0, 4, 0); // [0,2) [2,4) [4,6) [6,8)
    QCOMPARE(ranges.size(), 4);
    QVERIFY(queue.complete(0, { 0, 5 })); // two whole ranges and a first part of the third
    QCOMPARE(queue.held(0), (QVector<PositionRange> { { 5, 6 }, { 6, 8 } }));
    QVERIFY(!queue.complete(0, { 4, 6 }));
    QVERIFY(queue.complete(0, { 5, 8 }));
    QCOMPARE(queue.heldPositions(), qint64(0));
}

void TestMpiQueue::gatherMerges()
{
    GatheredResults gathered(6, 2);
    const double nan = std::nan("");
    const double previous[12] = { 1, 2, nan, 3, 5, 6, nan, nan, 9, 10, 11, nan };
    QVector<bool> done;
    QCOMPARE(gathered.takePrevious(previous, &done), qint64(3));
    QCOMPARE(done, (QVector<bool> { true, false, true, false, true, false }));
    ResultsMessage m;
    m.begin = 1;
    m.width = 2;
    m.status = QByteArray("\x01\x01\x00\x02", 4); // positions 1, 2 (already there), 3 pending, 4 failed
    m.values = { 30, 40, 50, 60, 70, 80, 90, 100 };
    QCOMPARE(gathered.merge(m), qint64(1)); // 4 was resumed as done: kept; only 1 is new
    QCOMPARE(gathered.values()[2], 30.0);
    QCOMPARE(gathered.values()[4], 5.0);
    QCOMPARE(gathered.statusAt(3), quint8(Pending));
    QCOMPARE(gathered.completed(), qint64(4));
    m.begin = 5;
    QCOMPARE(gathered.merge(m), qint64(-1)); // runs past the end
    m.width = 1;
    m.begin = 0;
    QCOMPARE(gathered.merge(m), qint64(-1)); // another width
}

void TestMpiQueue::messagesRoundTrip()
{
    HelloMessage hello;
    hello.node = 3;
    hello.ranksOnNode = 2;
    hello.pid = 123456789;
    hello.workers = 8;
    hello.tasks = qint64(1) << 40;
    hello.resultWidth = 7;
    hello.host = QStringLiteral("nöde-1");
    HelloMessage h;
    QVERIFY(HelloMessage::decode(hello.encode(), &h));
    QCOMPARE(h.host, hello.host);
    QCOMPARE(h.tasks, hello.tasks);
    QCOMPARE(h.workers, 8);

    GrantMessage grant;
    grant.ranges = { { 1, 5 }, { 9, 10 } };
    GrantMessage g;
    QVERIFY(GrantMessage::decode(grant.encode(), &g));
    QCOMPARE(g.ranges, grant.ranges);

    ResultsMessage results;
    results.begin = 40;
    results.width = 3;
    results.status = QByteArray("\x01\x02", 2);
    results.values = { 1.5, -2, std::nan(""), 4, 5, 6 };
    ResultsMessage r;
    QVERIFY(ResultsMessage::decode(results.encode(), &r));
    QCOMPARE(r.begin, qint64(40));
    QCOMPARE(r.status, results.status);
    QVERIFY(std::isnan(r.values[2]));
    QCOMPARE(r.values[5], 6.0);

    FinalMessage final;
    final.report = { { QStringLiteral("retried_chunks"), 4 } };
    FinalMessage f;
    QVERIFY(FinalMessage::decode(final.encode(), &f));
    QCOMPARE(f.report.value(QStringLiteral("retried_chunks")).toInt(), 4);

    QVERIFY(EndMessage::decode(EndMessage().encode(), nullptr));
    ByeMessage bye;
    bye.exitCode = 143;
    bye.rankLost = true;
    ByeMessage b;
    QVERIFY(ByeMessage::decode(bye.encode(), &b));
    QCOMPARE(b.exitCode, 143);
    QVERIFY(b.rankLost);
}

void TestMpiQueue::messagesRefuseForeignBytes_data()
{
    QTest::addColumn<QByteArray>("bytes");
    ResultsMessage results;
    results.begin = 0;
    results.width = 2;
    results.status = QByteArray(3, '\x01');
    results.values = QVector<double>(6, 1.0);
    const QByteArray good = results.encode();
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("truncated") << good.left(good.size() - 1);
    QTest::newRow("trailing") << good + QByteArray("x");
    QByteArray version = good;
    version[3] = char(version[3] + 1);
    QTest::newRow("other wire version") << version;
    QTest::newRow("a grant") << [] {
        GrantMessage g;
        g.ranges = { { 0, 1 } };
        return g.encode();
    }();
}

void TestMpiQueue::messagesRefuseForeignBytes()
{
    QFETCH(QByteArray, bytes);
    ResultsMessage m;
    QVERIFY(!ResultsMessage::decode(bytes, &m));
}

QTEST_GUILESS_MAIN(TestMpiQueue)
#include "tst_mpiqueue.moc"
