// Unit tests of index specs (`--indices`): Python slices checked against an independent
// reference of CPython's slice rules, lists, `all`, and `@FILE.npy` index files.

#include "io/indexspec.h"
#include "io/npyformat.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace sharedmap;

namespace {

using Bound = std::optional<qint64>;

/// CPython's PySlice_Unpack and PySlice_AdjustIndices (Objects/sliceobject.c), then the indices
/// range(start, stop, step) walks. Written from CPython's rules, not from core's code.
QVector<qint64> referenceSlice(Bound startArg, Bound stopArg, Bound stepArg, qint64 length)
{
    constexpr qint64 kMax = std::numeric_limits<qint64>::max();
    constexpr qint64 kMin = std::numeric_limits<qint64>::min();
    const qint64 step = stepArg.value_or(1);
    qint64 start = startArg ? *startArg : (step < 0 ? kMax : 0);
    qint64 stop = stopArg ? *stopArg : (step < 0 ? kMin : kMax);
    if (start < 0) {
        start += length;
        if (start < 0)
            start = step < 0 ? -1 : 0;
    } else if (start >= length) {
        start = step < 0 ? length - 1 : length;
    }
    if (stop < 0) {
        stop += length;
        if (stop < 0)
            stop = step < 0 ? -1 : 0;
    } else if (stop >= length) {
        stop = step < 0 ? length - 1 : length;
    }
    QVector<qint64> out;
    for (qint64 i = start; step > 0 ? i < stop : i > stop; i += step)
        out.append(i);
    return out;
}

QString boundText(Bound value)
{
    return value ? QString::number(*value) : QString();
}

/// Splits "a:b[:c]" into optional integers for the reference.
QVector<qint64> referenceForSpec(const QString& spec, qint64 n)
{
    const QStringList parts = spec.split(QLatin1Char(':'));
    Bound values[3];
    for (int i = 0; i < parts.size() && i < 3; ++i) {
        if (!parts[i].trimmed().isEmpty())
            values[i] = parts[i].trimmed().toLongLong();
    }
    return referenceSlice(values[0], values[1], values[2], n);
}

QVector<qint64> listOf(const IndexList& list)
{
    QVector<qint64> out;
    for (qint64 p = 0; p < list.size(); ++p)
        out.append(list.at(p));
    return out;
}

QVector<qint64> iota(qint64 n)
{
    QVector<qint64> out(n);
    std::iota(out.begin(), out.end(), 0);
    return out;
}

/// A `.npy` file with a hand-written big-endian descr and byte-swapped data.
QByteArray bigEndianNpy(DType type, const QByteArray& nativeData, qint64 count)
{
    QByteArray descr = dtypeDescr(type).toLatin1();
    descr[0] = '>';
    QByteArray dict
        = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + QByteArray::number(count) + ",), }";
    const int total = 10 + int(dict.size()) + 1;
    dict += QByteArray((64 - total % 64) % 64, ' ') + '\n';
    QByteArray out("\x93NUMPY\x01\x00", 8);
    out += char(dict.size() & 0xff);
    out += char((dict.size() >> 8) & 0xff);
    out += dict;
    QByteArray data = nativeData;
    const int size = dtypeSize(type);
    for (qsizetype i = 0; i < data.size(); i += size)
        std::reverse(data.begin() + i, data.begin() + i + size);
    return out + data;
}

QByteArray typedData(DType type, const QVector<qint64>& values)
{
    QByteArray data(values.size() * dtypeSize(type), Qt::Uninitialized);
    dispatchDType(type, [&](auto tag) {
        using T = decltype(tag);
        T* p = reinterpret_cast<T*>(data.data());
        for (int i = 0; i < values.size(); ++i)
            p[i] = T(values[i]);
    });
    return data;
}

} // namespace

class TestIndexList : public QObject
{
    Q_OBJECT

private slots:
    void slices_data();
    void slices();
    void pythonExpectations_data();
    void pythonExpectations();
    void slicesMatchReferenceExhaustively();
    void lists_data();
    void lists();
    void all_data();
    void all();
    void errors_data();
    void errors();
    void files_data();
    void files();
    void fileErrors();
    void syntax_data();
    void syntax();
    void rangeAndList();

private:
    QTemporaryDir m_dir;
};

void TestIndexList::slices_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<qint64>("n");

    const char* specs[] = { "5:",
                            ":10",
                            "::3",
                            "-5:",
                            "10:2:-2",
                            "::-1",
                            "-100:100",
                            "3:3",
                            "1:-1:4",
                            "-1:-11:-1",
                            "::-3",
                            "100:",
                            ":-100",
                            ":",
                            "::",
                            "::2",
                            "-3:",
                            "2:8",
                            "8:2",
                            "8:2:-1",
                            "-1::-1",
                            "0:0",
                            "::-10",
                            "::100",
                            "-10:",
                            "-11:",
                            "10::-1",
                            "9::-1",
                            "11::-1",
                            ":-1",
                            "1:-1",
                            "-2:-1",
                            "5:-100:-1",
                            "-3::-2",
                            "0:1",
                            " 2 : 6 ",
                            "::-100",
                            "-1:",
                            ":-11:-1",
                            "0::-1",
                            "1:0:-1",
                            "-9223372036854775807:9223372036854775807",
                            "9223372036854775807::-1",
                            "::9223372036854775807",
                            "::-9223372036854775807" };
    for (qint64 n : { 0, 1, 10 }) {
        for (const char* spec : specs)
            QTest::addRow("n=%lld '%s'", n, spec) << QString::fromLatin1(spec) << n;
    }
}

void TestIndexList::slices()
{
    QFETCH(QString, spec);
    QFETCH(qint64, n);

    IndexList list;
    const QString error = parseIndexSpec(spec, n, &list);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(list.isArithmetic());
    QCOMPARE(listOf(list), referenceForSpec(spec, n));
}

void TestIndexList::pythonExpectations_data()
{
    // Printed by Python 3: list(range(10))[slice(...)]. They check the reference as well as core.
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QVector<qint64>>("expected");

    QTest::newRow("5:") << "5:" << QVector<qint64> { 5, 6, 7, 8, 9 };
    QTest::newRow(":10") << ":10" << iota(10);
    QTest::newRow("::3") << "::3" << QVector<qint64> { 0, 3, 6, 9 };
    QTest::newRow("-5:") << "-5:" << QVector<qint64> { 5, 6, 7, 8, 9 };
    QTest::newRow("10:2:-2") << "10:2:-2" << QVector<qint64> { 9, 7, 5, 3 };
    QTest::newRow("::-1") << "::-1" << QVector<qint64> { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 };
    QTest::newRow("-100:100") << "-100:100" << iota(10);
    QTest::newRow("3:3") << "3:3" << QVector<qint64> {};
    QTest::newRow("1:-1:4") << "1:-1:4" << QVector<qint64> { 1, 5 };
    QTest::newRow("-1:-11:-1") << "-1:-11:-1" << QVector<qint64> { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 };
    QTest::newRow("::-3") << "::-3" << QVector<qint64> { 9, 6, 3, 0 };
    QTest::newRow("100:") << "100:" << QVector<qint64> {};
    QTest::newRow(":-100") << ":-100" << QVector<qint64> {};
    QTest::newRow("2:8:3") << "2:8:3" << QVector<qint64> { 2, 5 };
    QTest::newRow("8:2") << "8:2" << QVector<qint64> {};
    QTest::newRow("-3::-2") << "-3::-2" << QVector<qint64> { 7, 5, 3, 1 };
}

void TestIndexList::pythonExpectations()
{
    QFETCH(QString, spec);
    QFETCH(QVector<qint64>, expected);

    QCOMPARE(referenceForSpec(spec, 10), expected);
    IndexList list;
    const QString error = parseIndexSpec(spec, 10, &list);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(listOf(list), expected);
}

void TestIndexList::slicesMatchReferenceExhaustively()
{
    QVector<Bound> bounds = { std::nullopt };
    for (qint64 v = -13; v <= 13; ++v)
        bounds.append(v);
    QVector<Bound> steps = { std::nullopt, 10, -10 };
    for (qint64 v = -4; v <= 4; ++v) {
        if (v != 0)
            steps.append(v);
    }
    int checked = 0;
    for (qint64 n = 0; n <= 7; ++n) {
        for (const Bound& start : bounds) {
            for (const Bound& stop : bounds) {
                for (const Bound& step : steps) {
                    QString spec = boundText(start) + QLatin1Char(':') + boundText(stop);
                    if (step)
                        spec += QLatin1Char(':') + boundText(step);
                    IndexList list;
                    const QString error = parseIndexSpec(spec, n, &list);
                    if (!error.isEmpty())
                        QFAIL(qPrintable(QStringLiteral("n=%1 '%2': %3").arg(n).arg(spec, error)));
                    const QVector<qint64> expected = referenceSlice(start, stop, step, n);
                    if (listOf(list) != expected)
                        QFAIL(qPrintable(QStringLiteral("n=%1 '%2': size %3, expected size %4")
                                             .arg(n)
                                             .arg(spec)
                                             .arg(list.size())
                                             .arg(expected.size())));
                    ++checked;
                }
            }
        }
    }
    QCOMPARE(checked, 8 * 28 * 28 * 11);
}

void TestIndexList::lists_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<QVector<qint64>>("expected");

    QTest::newRow("0,1,2,3") << "0,1,2,3" << qint64(10) << QVector<qint64> { 0, 1, 2, 3 };
    QTest::newRow("repeats kept in order") << "3,3,1" << qint64(10) << QVector<qint64> { 3, 3, 1 };
    QTest::newRow("descending") << "9,5,0" << qint64(10) << QVector<qint64> { 9, 5, 0 };
    QTest::newRow("single") << "9" << qint64(10) << QVector<qint64> { 9 };
    QTest::newRow("spaces") << " 4 , 5 " << qint64(10) << QVector<qint64> { 4, 5 };
    QTest::newRow("n=1") << "0,0" << qint64(1) << QVector<qint64> { 0, 0 };
}

void TestIndexList::lists()
{
    QFETCH(QString, spec);
    QFETCH(qint64, n);
    QFETCH(QVector<qint64>, expected);

    IndexList list;
    const QString error = parseIndexSpec(spec, n, &list);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!list.isArithmetic());
    QCOMPARE(list.explicitList(), expected);
    QCOMPARE(listOf(list), expected);
}

void TestIndexList::all_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<qint64>("n");

    for (qint64 n : { 0, 1, 10 }) {
        QTest::addRow("'' n=%lld", n) << QString() << n;
        QTest::addRow("all n=%lld", n) << QStringLiteral("all") << n;
        QTest::addRow("' all ' n=%lld", n) << QStringLiteral(" all ") << n;
    }
}

void TestIndexList::all()
{
    QFETCH(QString, spec);
    QFETCH(qint64, n);

    IndexList list = IndexList::list({ 42 });
    const QString error = parseIndexSpec(spec, n, &list);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(list.isArithmetic());
    QCOMPARE(listOf(list), iota(n));
}

void TestIndexList::errors_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<qint64>("n");

    QTest::newRow("step 0") << "5:1:0" << qint64(10);
    QTest::newRow("step 0 alone") << "::0" << qint64(10);
    QTest::newRow("step 0 n=0") << "::0" << qint64(0);
    QTest::newRow("four parts") << "1:2:3:4" << qint64(10);
    QTest::newRow("word") << "x" << qint64(10);
    QTest::newRow("word in slice") << "1:x" << qint64(10);
    QTest::newRow("word as step") << "::y" << qint64(10);
    QTest::newRow("float in slice") << "1:2.5" << qint64(10);
    QTest::newRow("out of range in list") << "0,1,99" << qint64(10);
    QTest::newRow("n itself") << "10" << qint64(10);
    QTest::newRow("any index of nothing") << "0" << qint64(0);
    QTest::newRow("negative listed index") << "-1" << qint64(10);
    QTest::newRow("negative in list") << "1,-2" << qint64(10);
    QTest::newRow("empty element") << "1,,2" << qint64(10);
    QTest::newRow("trailing comma") << "3," << qint64(10);
    QTest::newRow("leading comma") << ",3" << qint64(10);
    QTest::newRow("float in list") << "1.5" << qint64(10);
    QTest::newRow("hex") << "0x5" << qint64(10);
    QTest::newRow("space separated") << "1 2" << qint64(10);
    QTest::newRow("over 64 bits") << "99999999999999999999" << qint64(10);
    QTest::newRow("unknown word") << "everything" << qint64(10);
}

void TestIndexList::errors()
{
    QFETCH(QString, spec);
    QFETCH(qint64, n);

    IndexList list;
    const QString error = parseIndexSpec(spec, n, &list);
    QVERIFY2(!error.isEmpty(),
             qPrintable(QStringLiteral("'%1' was accepted with %2 positions").arg(spec).arg(list.size())));
}

void TestIndexList::files_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<QVector<qint64>>("values");
    QTest::addColumn<bool>("bigEndian");
    QTest::addColumn<qint64>("n");

    QTest::newRow("int64") << int(DType::Int64) << QVector<qint64> { 5, 0, 9, 5 } << false << qint64(10);
    QTest::newRow("int32") << int(DType::Int32) << QVector<qint64> { 2, 2, 7 } << false << qint64(10);
    QTest::newRow("int16") << int(DType::Int16) << QVector<qint64> { 300, 1 } << false << qint64(301);
    QTest::newRow("int8") << int(DType::Int8) << QVector<qint64> { 127, 0 } << false << qint64(128);
    QTest::newRow("uint8") << int(DType::UInt8) << QVector<qint64> { 0, 9, 3, 255 } << false << qint64(256);
    QTest::newRow("uint16") << int(DType::UInt16) << QVector<qint64> { 65535 } << false << qint64(65536);
    QTest::newRow("uint32") << int(DType::UInt32) << QVector<qint64> { 4, 1 } << false << qint64(5);
    QTest::newRow("uint64") << int(DType::UInt64) << QVector<qint64> { 4 } << false << qint64(5);
    QTest::newRow("empty int64") << int(DType::Int64) << QVector<qint64> {} << false << qint64(10);
    QTest::newRow("big-endian int16") << int(DType::Int16) << QVector<qint64> { 1, 8, 3 } << true << qint64(10);
    QTest::newRow("big-endian int32") << int(DType::Int32) << QVector<qint64> { 1, 0 } << true << qint64(2);
    QTest::newRow("big-endian int64") << int(DType::Int64) << QVector<qint64> { 7, 0, 300 } << true << qint64(1000);
    QTest::newRow("big-endian uint64") << int(DType::UInt64) << QVector<qint64> { 1 } << true << qint64(2);
}

void TestIndexList::files()
{
    QFETCH(int, dtype);
    QFETCH(QVector<qint64>, values);
    QFETCH(bool, bigEndian);
    QFETCH(qint64, n);

    QVERIFY(m_dir.isValid());
    const DType type = DType(dtype);
    const QByteArray data = typedData(type, values);
    const QString path = m_dir.filePath(QStringLiteral("indices.npy"));
    if (bigEndian) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bigEndianNpy(type, data, values.size()));
    } else {
        ArrayMeta meta;
        meta.dtype = type;
        meta.shape = { qint64(values.size()) };
        QCOMPARE(writeNpy(path, meta, data.constData()), QString());
    }

    IndexList list;
    const QString error = parseIndexSpec(QLatin1Char('@') + path, n, &list);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!list.isArithmetic());
    QCOMPARE(listOf(list), values);
}

void TestIndexList::fileErrors()
{
    QVERIFY(m_dir.isValid());
    auto write = [this](const QString& name, DType type, const QVector<qint64>& shape, const QByteArray& data) {
        ArrayMeta meta;
        meta.dtype = type;
        meta.shape = shape;
        const QString path = m_dir.filePath(name);
        return writeNpy(path, meta, data.constData()).isEmpty() ? path : QString();
    };
    const double doubles[] = { 1.0, 2.0 };
    const float floats[] = { 1.0f };
    const QString files[] = {
        write(QStringLiteral("float64.npy"), DType::Float64, { 2 },
              QByteArray(reinterpret_cast<const char*>(doubles), 16)),
        write(QStringLiteral("float32.npy"), DType::Float32, { 1 },
              QByteArray(reinterpret_cast<const char*>(floats), 4)),
        write(QStringLiteral("bool.npy"), DType::Bool, { 2 }, QByteArray("\x01\x00", 2)),
        write(QStringLiteral("2d.npy"), DType::Int64, { 2, 2 }, typedData(DType::Int64, { 0, 1, 2, 3 })),
        write(QStringLiteral("0d.npy"), DType::Int64, {}, typedData(DType::Int64, { 1 })),
        write(QStringLiteral("too-large.npy"), DType::Int64, { 2 }, typedData(DType::Int64, { 0, 10 })),
        write(QStringLiteral("negative.npy"), DType::Int32, { 2 }, typedData(DType::Int32, { 3, -1 })),
        write(QStringLiteral("negative-int8.npy"), DType::Int8, { 1 }, typedData(DType::Int8, { -128 })),
        write(QStringLiteral("uint64-max.npy"), DType::UInt64, { 1 }, QByteArray(8, '\xff')),
    };
    for (const QString& path : files) {
        QVERIFY(!path.isEmpty());
        IndexList list;
        const QString error = parseIndexSpec(QLatin1Char('@') + path, 10, &list);
        QVERIFY2(!error.isEmpty(), qPrintable(path + QStringLiteral(" was accepted")));
        QVERIFY2(error.contains(path), qPrintable(error));
    }

    // A big-endian file whose values are in range only once swapped: the check must see swapped data.
    const QString big = m_dir.filePath(QStringLiteral("big-out-of-range.npy"));
    {
        QFile file(big);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bigEndianNpy(DType::Int64, typedData(DType::Int64, { 10 }), 1));
    }
    IndexList list;
    QVERIFY(!parseIndexSpec(QLatin1Char('@') + big, 10, &list).isEmpty());

    const QString missing = m_dir.filePath(QStringLiteral("missing.npy"));
    QString error = parseIndexSpec(QLatin1Char('@') + missing, 10, &list);
    QVERIFY2(error.contains(missing), qPrintable(error));

    const QString garbage = m_dir.filePath(QStringLiteral("garbage.npy"));
    {
        QFile file(garbage);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("0,1,2\n");
    }
    QVERIFY(!parseIndexSpec(QLatin1Char('@') + garbage, 10, &list).isEmpty());
    QVERIFY(!parseIndexSpec(QStringLiteral("@"), 10, &list).isEmpty());
}

void TestIndexList::syntax_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<bool>("valid");

    QTest::newRow("all") << "all" << true;
    QTest::newRow("empty") << "" << true;
    QTest::newRow("5:") << "5:" << true;
    QTest::newRow("::-1") << "::-1" << true;
    QTest::newRow("-100:100") << "-100:100" << true;
    QTest::newRow("10:2:-2") << "10:2:-2" << true;
    QTest::newRow("list") << "0,1,2,3" << true;
    QTest::newRow("large list index") << "123456789012" << true;
    QTest::newRow("file") << "@indices.npy" << true;
    QTest::newRow("step 0") << "5:1:0" << false;
    QTest::newRow("step 0 alone") << "::0" << false;
    QTest::newRow("four parts") << "1:2:3:4" << false;
    QTest::newRow("word") << "x" << false;
    QTest::newRow("empty element") << "1,,2" << false;
    QTest::newRow("negative listed index") << "-1" << false;
    QTest::newRow("file name missing") << "@" << false;
}

void TestIndexList::syntax()
{
    QFETCH(QString, spec);
    QFETCH(bool, valid);

    const QString error = checkIndexSpecSyntax(spec);
    QVERIFY2(error.isEmpty() == valid, qPrintable(QStringLiteral("'%1': '%2'").arg(spec, error)));
}

void TestIndexList::rangeAndList()
{
    const IndexList range = IndexList::range(9, -3, 4);
    QVERIFY(range.isArithmetic());
    QCOMPARE(range.size(), qint64(4));
    QCOMPARE(range.start(), qint64(9));
    QCOMPARE(range.step(), qint64(-3));
    QCOMPARE(listOf(range), (QVector<qint64> { 9, 6, 3, 0 }));

    const IndexList list = IndexList::list({ 4, 4, 2 });
    QVERIFY(!list.isArithmetic());
    QCOMPARE(list.size(), qint64(3));
    QCOMPARE(listOf(list), (QVector<qint64> { 4, 4, 2 }));

    const IndexList empty;
    QCOMPARE(empty.size(), qint64(0));
}

QTEST_GUILESS_MAIN(TestIndexList)
#include "tst_indexlist.moc"
