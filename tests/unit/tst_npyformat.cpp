// Unit tests of the .npy reader and writer (versions 1.0-3.0, as NumPy writes them): headers built byte by byte, every
// supported descr in every format version, malformed headers, and files loaded into shared memory.

#include "io/npyformat.h"
#include "io/npyloader.h"
#include "shm/sharedarray.h"

#include <algorithm>
#include <cstring>
#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>
#include <type_traits>

using namespace sharedmap;

namespace {

/// A whole header as NumPy lays it out: magic, version, little-endian length (2 bytes for 1.0,
/// 4 for 2.0/3.0), then the dict padded with spaces and a final '\n' to a multiple of 64.
QByteArray npyBytes(int major, int minor, const QByteArray& dict, bool pad = true)
{
    const int preamble = major >= 2 ? 12 : 10;
    QByteArray body = dict;
    if (pad) {
        const int total = preamble + int(body.size()) + 1;
        body += QByteArray((64 - total % 64) % 64, ' ');
        body += '\n';
    }
    QByteArray out("\x93NUMPY", 6);
    out += char(major);
    out += char(minor);
    const quint32 length = quint32(body.size());
    out += char(length & 0xff);
    out += char((length >> 8) & 0xff);
    if (preamble == 12) {
        out += char((length >> 16) & 0xff);
        out += char((length >> 24) & 0xff);
    }
    return out + body;
}

/// A preamble whose length field says `length`, followed by `dict` as is.
QByteArray npyWithLength(int major, quint32 length, const QByteArray& dict)
{
    QByteArray out("\x93NUMPY", 6);
    out += char(major);
    out += char(0);
    for (int i = 0; i < (major >= 2 ? 4 : 2); ++i)
        out += char((length >> (8 * i)) & 0xff);
    return out + dict;
}

QByteArray dictText(const QByteArray& descr, bool fortran, const QByteArray& shape)
{
    return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape
        + ", }";
}

/// Python's repr of a shape tuple: "()", "(5,)", "(3, 4)".
QByteArray tupleText(const QVector<qint64>& shape)
{
    if (shape.size() == 1)
        return "(" + QByteArray::number(shape[0]) + ",)";
    QByteArrayList parts;
    for (qint64 dim : shape)
        parts << QByteArray::number(dim);
    return "(" + parts.join(", ") + ")";
}

QByteArray repeatedDims(int count, qint64 dim)
{
    QVector<qint64> shape(count, dim);
    return tupleText(shape);
}

/// Element values that differ in every byte, so a missing or doubled byte swap shows.
QByteArray patternData(DType type, qint64 count)
{
    QByteArray bytes(count * dtypeSize(type), Qt::Uninitialized);
    dispatchDType(type, [&](auto tag) {
        using T = decltype(tag);
        T* p = reinterpret_cast<T*>(bytes.data());
        for (qint64 i = 0; i < count; ++i) {
            if (type == DType::Bool)
                p[i] = T(i % 3 == 0 ? 1 : 0);
            else if constexpr (std::is_floating_point_v<T>)
                p[i] = T(double(i) * 1.1 - 3.3);
            else
                p[i] = T(quint64(i + 1) * 0x9E3779B97F4A7C15ull);
        }
    });
    return bytes;
}

/// Reverses the bytes of each element (written independently of core's byteSwapInPlace).
QByteArray swapped(const QByteArray& data, int size)
{
    QByteArray out = data;
    for (qsizetype i = 0; i + size <= out.size(); i += size)
        std::reverse(out.begin() + i, out.begin() + i + size);
    return out;
}

QString metaDiff(const ArrayMeta& actual, const ArrayMeta& expected)
{
    QStringList problems;
    if (actual.dtype != expected.dtype)
        problems << QStringLiteral("dtype %1 != %2").arg(dtypeName(actual.dtype), dtypeName(expected.dtype));
    if (actual.shape != expected.shape)
        problems << QStringLiteral("shape %1 != %2").arg(actual.shapeText(), expected.shapeText());
    if (actual.fortranOrder != expected.fortranOrder)
        problems << QStringLiteral("fortranOrder %1 != %2").arg(actual.fortranOrder).arg(expected.fortranOrder);
    if (actual.sourceBigEndian != expected.sourceBigEndian)
        problems
            << QStringLiteral("sourceBigEndian %1 != %2").arg(actual.sourceBigEndian).arg(expected.sourceBigEndian);
    return problems.join(QStringLiteral("; "));
}

QString readFromBytes(const QByteArray& bytes, NpyHeader* header, qint64* position = nullptr)
{
    QByteArray copy = bytes;
    QBuffer buffer(&copy);
    buffer.open(QIODevice::ReadOnly);
    const QString error = readNpyHeader(buffer, copy.size(), header);
    if (position)
        *position = buffer.pos();
    return error;
}

const QVector<DType> kAllTypes
    = { DType::Bool,   DType::Int8,   DType::Int16,  DType::Int32,   DType::Int64,  DType::UInt8,
        DType::UInt16, DType::UInt32, DType::UInt64, DType::Float32, DType::Float64 };

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

class TestNpyFormat : public QObject
{
    Q_OBJECT

private slots:
    void parseDescr_data();
    void parseDescr();
    void parseShape_data();
    void parseShape();
    void parseLayout_data();
    void parseLayout();
    void refused_data();
    void refused();
    void refusesIntegerInParentheses();
    void preamble_data();
    void preamble();
    void makeHeaderRoundTrip_data();
    void makeHeaderRoundTrip();
    void writeLoadRoundTrip_data();
    void writeLoadRoundTrip();
    void bigEndian_data();
    void bigEndian();
    void loadsEveryVersion_data();
    void loadsEveryVersion();
    void dataSizeChecks_data();
    void dataSizeChecks();
    void loadErrors();

private:
    QTemporaryDir m_dir;
};

void TestNpyFormat::parseDescr_data()
{
    QTest::addColumn<QByteArray>("descr");
    QTest::addColumn<int>("major");
    QTest::addColumn<int>("dtype");
    QTest::addColumn<bool>("bigEndian");

    const struct
    {
        const char* descr;
        DType type;
        bool big;
    } rows[] = {
        { "|b1", DType::Bool, false },    { "|i1", DType::Int8, false },   { "<i2", DType::Int16, false },
        { ">i2", DType::Int16, true },    { "<i4", DType::Int32, false },  { ">i4", DType::Int32, true },
        { "<i8", DType::Int64, false },   { ">i8", DType::Int64, true },   { "|u1", DType::UInt8, false },
        { "<u2", DType::UInt16, false },  { ">u2", DType::UInt16, true },  { "<u4", DType::UInt32, false },
        { ">u4", DType::UInt32, true },   { "<u8", DType::UInt64, false }, { ">u8", DType::UInt64, true },
        { "<f4", DType::Float32, false }, { ">f4", DType::Float32, true }, { "<f8", DType::Float64, false },
        { ">f8", DType::Float64, true },
    };
    for (int major = 1; major <= 3; ++major) {
        for (const auto& row : rows) {
            QTest::addRow("%s v%d.0", row.descr, major) << QByteArray(row.descr) << major << int(row.type) << row.big;
        }
    }
}

void TestNpyFormat::parseDescr()
{
    QFETCH(QByteArray, descr);
    QFETCH(int, major);
    QFETCH(int, dtype);
    QFETCH(bool, bigEndian);

    const QByteArray bytes = npyBytes(major, 0, dictText(descr, false, "(2, 3)"));
    NpyHeader header;
    const QString error = parseNpyHeader(bytes, &header);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(header.major, major);
    QCOMPARE(header.minor, 0);
    QCOMPARE(dtypeName(header.meta.dtype), dtypeName(DType(dtype)));
    QCOMPARE(header.meta.sourceBigEndian, bigEndian);
    QCOMPARE(header.meta.shape, (QVector<qint64> { 2, 3 }));
    QCOMPARE(header.meta.fortranOrder, false);
    QCOMPARE(header.dataOffset, qint64(bytes.size()));

    // The streaming reader agrees and leaves the device at the first data byte.
    const QByteArray file = bytes + QByteArray(6 * dtypeSize(DType(dtype)), '\x01');
    NpyHeader streamed;
    qint64 position = -1;
    const QString streamError = readFromBytes(file, &streamed, &position);
    QVERIFY2(streamError.isEmpty(), qPrintable(streamError));
    QCOMPARE(position, qint64(bytes.size()));
    QCOMPARE(streamed.dataOffset, header.dataOffset);
    QCOMPARE(metaDiff(streamed.meta, header.meta), QString());
}

void TestNpyFormat::parseShape_data()
{
    QTest::addColumn<QByteArray>("shapeText");
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::addColumn<bool>("fortran");

    QVector<qint64> dims32(32, 1);
    dims32[0] = 2;
    dims32[17] = 3;
    dims32[31] = 2;
    const struct
    {
        const char* name;
        QByteArray text;
        QVector<qint64> shape;
    } rows[] = {
        { "0-d", "()", {} },
        { "empty 1-D", "(0,)", { 0 } },
        { "1-D", "(5,)", { 5 } },
        { "2-D", "(3, 4)", { 3, 4 } },
        { "empty 3-D", "(2, 0, 3)", { 2, 0, 3 } },
        { "32 dims", tupleText(dims32), dims32 },
        { "32 dims of 1", repeatedDims(32, 1), QVector<qint64>(32, 1) },
        { "no spaces", "(3,4)", { 3, 4 } },
        { "trailing comma", "(3, 4,)", { 3, 4 } },
        { "spaces inside", "( 3 , 4 )", { 3, 4 } },
        { "python 2 longs", "(3L, 4L)", { 3, 4 } },
        { "large", "(1000000, 1000000)", { 1000000, 1000000 } },
    };
    for (const auto& row : rows) {
        QTest::addRow("%s C", row.name) << row.text << row.shape << false;
        QTest::addRow("%s F", row.name) << row.text << row.shape << true;
    }
}

void TestNpyFormat::parseShape()
{
    QFETCH(QByteArray, shapeText);
    QFETCH(QVector<qint64>, shape);
    QFETCH(bool, fortran);

    NpyHeader header;
    const QString error = parseNpyHeader(npyBytes(1, 0, dictText("<f8", fortran, shapeText)), &header);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(header.meta.shape, shape);
    QCOMPARE(header.meta.fortranOrder, fortran);
    QCOMPARE(dtypeName(header.meta.dtype), QStringLiteral("float64"));
}

void TestNpyFormat::parseLayout_data()
{
    // Dicts that are valid Python literals NumPy (or a hand-written file) may produce.
    QTest::addColumn<QByteArray>("dict");

    QTest::newRow("numpy layout") << QByteArray("{'descr': '<i4', 'fortran_order': True, 'shape': (3, 4), }");
    QTest::newRow("no trailing comma") << QByteArray("{'descr': '<i4', 'fortran_order': True, 'shape': (3, 4)}");
    QTest::newRow("compact") << QByteArray("{'descr':'<i4','fortran_order':True,'shape':(3,4)}");
    QTest::newRow("double quotes") << QByteArray("{\"descr\": \"<i4\", \"fortran_order\": True, \"shape\": (3, 4)}");
    QTest::newRow("other key order") << QByteArray("{'shape': (3, 4), 'fortran_order': True, 'descr': '<i4'}");
    QTest::newRow("newlines and tabs") << QByteArray(
        "{\n\t'descr': '<i4',\n\t'fortran_order': True,\n\t'shape': (3, 4)\n}");
    QTest::newRow("leading spaces") << QByteArray("   {'descr': '<i4', 'fortran_order': True, 'shape': (3, 4)}");
}

void TestNpyFormat::parseLayout()
{
    QFETCH(QByteArray, dict);

    NpyHeader header;
    const QString error = parseNpyHeader(npyBytes(1, 0, dict), &header);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    ArrayMeta expected;
    expected.dtype = DType::Int32;
    expected.shape = { 3, 4 };
    expected.fortranOrder = true;
    QCOMPARE(metaDiff(header.meta, expected), QString());
}

void TestNpyFormat::refused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expectedText"); // a word a clear message must contain; empty: any text

    const QByteArray good = dictText("<f8", false, "(3,)");
    const auto v1 = [](const QByteArray& dict) { return npyBytes(1, 0, dict); };
    const auto descr = [](const QByteArray& text) { return npyBytes(1, 0, dictText(text, false, "(3,)")); };
    const auto shape = [](const QByteArray& text) { return npyBytes(1, 0, dictText("<f8", false, text)); };

    // Preamble.
    QTest::newRow("empty input") << QByteArray() << "";
    QTest::newRow("wrong magic") << QByteArray("\x93NUMPZ").append(npyBytes(1, 0, good).mid(6)) << "magic";
    QTest::newRow("lowercase magic") << QByteArray("\x93numpy").append(npyBytes(1, 0, good).mid(6)) << "magic";
    QTest::newRow("no magic byte") << QByteArray("NUMPY\x01").append(npyBytes(1, 0, good).mid(6)) << "magic";
    QTest::newRow("truncated preamble") << npyBytes(1, 0, good).left(9) << "";
    QTest::newRow("v2 preamble truncated") << npyBytes(2, 0, good).left(11) << "";
    QTest::newRow("version 0.0") << npyBytes(0, 0, good) << "version";
    QTest::newRow("version 4.0") << npyBytes(4, 0, good) << "version";
    QTest::newRow("version 1.1") << npyBytes(1, 1, good) << "version";
    QTest::newRow("version 2.1") << npyBytes(2, 1, good) << "version";
    QTest::newRow("header length past end v1") << npyWithLength(1, 500, good + '\n') << "";
    QTest::newRow("header length past end v3") << npyWithLength(3, 70000, good + '\n') << "";
    QTest::newRow("header length 4 GiB v2") << npyWithLength(2, 0xffffffffu, good + '\n') << "";

    // The dict's shape as a whole.
    QTest::newRow("not a dict") << v1("['<f8', False, (3,)]") << "dict";
    QTest::newRow("blank header") << v1("") << "dict";
    QTest::newRow("empty dict") << v1("{}") << "";
    QTest::newRow("missing descr") << v1("{'fortran_order': False, 'shape': (3,), }") << "descr";
    QTest::newRow("missing fortran_order") << v1("{'descr': '<f8', 'shape': (3,), }") << "fortran_order";
    QTest::newRow("missing shape") << v1("{'descr': '<f8', 'fortran_order': False, }") << "shape";
    QTest::newRow("extra key") << v1("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1, }")
                               << "extra";
    QTest::newRow("repeated descr") << v1("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3,)}")
                                    << "descr";
    QTest::newRow("repeated shape") << v1("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'shape': (3,)}")
                                    << "shape";
    QTest::newRow("repeated fortran_order")
        << v1("{'descr': '<f8', 'fortran_order': False, 'fortran_order': True, 'shape': (3,)}") << "fortran_order";
    QTest::newRow("key not quoted") << v1("{descr: '<f8', 'fortran_order': False, 'shape': (3,)}") << "";
    QTest::newRow("missing colon") << v1("{'descr' '<f8', 'fortran_order': False, 'shape': (3,)}") << "";
    QTest::newRow("missing comma") << v1("{'descr': '<f8' 'fortran_order': False, 'shape': (3,)}") << "";
    QTest::newRow("double comma") << v1("{'descr': '<f8',, 'fortran_order': False, 'shape': (3,)}") << "";
    QTest::newRow("unclosed dict") << v1("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), ") << "";
    QTest::newRow("unterminated string") << v1("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x") << "";
    QTest::newRow("unterminated descr") << v1("{'descr': '<f8") << "";
    QTest::newRow("trailing garbage") << v1(good + " x") << "";
    QTest::newRow("second closing brace") << v1(good + "}") << "";
    QTest::newRow("escape in value") << v1("{'descr': '<f\\x38', 'fortran_order': False, 'shape': (3,)}") << "";
    QTest::newRow("escaped quote in key") << v1("{'de\\'scr': '<f8', 'fortran_order': False, 'shape': (3,)}") << "";
    QTest::newRow("NUL byte in padding") << v1(good + QByteArray(1, '\0')) << "NUL";
    QTest::newRow("NUL byte in descr") << descr(QByteArray("<f8\0", 4)) << "NUL";
    QTest::newRow("non-ASCII byte") << v1(good + "\xe9") << "ASCII";
    QTest::newRow("non-ASCII key") << v1("{'d\xc3\xa9scr': '<f8', 'fortran_order': False, 'shape': (3,)}") << "ASCII";
    QTest::newRow("code as value") << v1("{'descr': __import__('os').system('true'), 'fortran_order': False, "
                                         "'shape': (3,)}")
                                   << "";

    // descr.
    QTest::newRow("structured descr") << v1("{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, "
                                            "'shape': (3,)}")
                                      << "structured";
    QTest::newRow("descr not a string") << v1("{'descr': 8, 'fortran_order': False, 'shape': (3,)}") << "descr";
    QTest::newRow("empty descr") << descr("") << "";
    QTest::newRow("complex <c16") << descr("<c16") << "complex";
    QTest::newRow("complex <c8") << descr("<c8") << "complex";
    QTest::newRow("unicode <U3") << descr("<U3") << "string";
    QTest::newRow("bytes |S5") << descr("|S5") << "string";
    QTest::newRow("object |O") << descr("|O") << "object";
    QTest::newRow("void |V8") << descr("|V8") << "";
    QTest::newRow("datetime <M8[ns]") << descr("<M8[ns]") << "datetime";
    QTest::newRow("timedelta <m8[s]") << descr("<m8[s]") << "datetime";
    QTest::newRow("float16 <f2") << descr("<f2") << "float16";
    QTest::newRow("long double <f16") << descr("<f16") << "";
    QTest::newRow("|f8 without byte order") << descr("|f8") << "byte order";
    QTest::newRow("|i4 without byte order") << descr("|i4") << "byte order";
    QTest::newRow("odd size <i3") << descr("<i3") << "";
    QTest::newRow("bool of 2 bytes") << descr("<b2") << "";
    QTest::newRow("size missing <i") << descr("<i") << "";
    QTest::newRow("unknown kind <x4") << descr("<x4") << "";
    QTest::newRow("order only") << descr("<") << "";

    // fortran_order.
    QTest::newRow("fortran_order lowercase")
        << v1("{'descr': '<f8', 'fortran_order': true, 'shape': (3,)}") << "fortran_order";
    QTest::newRow("fortran_order 0") << v1("{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}") << "fortran_order";
    QTest::newRow("fortran_order string")
        << v1("{'descr': '<f8', 'fortran_order': 'False', 'shape': (3,)}") << "fortran_order";
    QTest::newRow("fortran_order Truex") << v1("{'descr': '<f8', 'fortran_order': Truex, 'shape': (3,)}") << "";

    // shape.
    QTest::newRow("shape as list") << shape("[3, 4]") << "tuple";
    QTest::newRow("shape as int") << shape("3") << "tuple";
    QTest::newRow("negative dimension") << shape("(-1,)") << "negative";
    QTest::newRow("negative second dimension") << shape("(3, -4)") << "negative";
    QTest::newRow("non-integer dimension") << shape("(2.5,)") << "";
    QTest::newRow("string dimension") << shape("('3',)") << "";
    QTest::newRow("None dimension") << shape("(None,)") << "";
    QTest::newRow("expression dimension") << shape("(3*4,)") << "";
    QTest::newRow("comma only") << shape("(,)") << "";
    QTest::newRow("double comma in shape") << shape("(3,,4)") << "";
    QTest::newRow("unclosed tuple") << v1("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4}") << "";
    QTest::newRow("missing comma in shape") << shape("(3 4)") << "";
    QTest::newRow("dimension over 64 bits") << shape("(99999999999999999999,)") << "";
    QTest::newRow("shape overflow (2**62, 16)") << shape("(4611686018427387904, 16)") << "large";
    QTest::newRow("bytes overflow (2**61,) f8") << shape("(2305843009213693952,)") << "large";
    QTest::newRow("elements overflow (2**32, 2**32)")
        << npyBytes(1, 0, dictText("|u1", false, "(4294967296, 4294967296)")) << "large";
    QTest::newRow("33 dimensions") << shape(repeatedDims(33, 1)) << "dimensions";
}

void TestNpyFormat::refused()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expectedText);

    NpyHeader header;
    const QString error = parseNpyHeader(bytes, &header);
    QVERIFY2(!error.isEmpty(), "parseNpyHeader accepted a malformed header");
    if (!expectedText.isEmpty())
        QVERIFY2(error.contains(expectedText, Qt::CaseInsensitive), qPrintable(error));

    // The reader used for files refuses the same bytes, even with plenty of data behind them.
    NpyHeader streamed;
    const QString streamError = readFromBytes(bytes + QByteArray(64, '\0'), &streamed);
    QVERIFY2(!streamError.isEmpty(), "readNpyHeader accepted a malformed header");
}

void TestNpyFormat::refusesIntegerInParentheses()
{
    // In Python `(3)` is the integer 3, not a tuple: NumPy refuses such a header with
    // "shape is not valid: 3". A one-element shape needs its comma, `(3,)`.
    NpyHeader header;
    const QString error = parseNpyHeader(npyBytes(1, 0, dictText("<f8", false, "(3)")), &header);
    QVERIFY2(!error.isEmpty(), "shape '(3)' (a Python int, not a tuple) was accepted");
}

void TestNpyFormat::preamble_data()
{
    QTest::addColumn<int>("major");
    QTest::addColumn<quint32>("length");
    QTest::addColumn<qint64>("dataOffset");

    QTest::newRow("v1 short") << 1 << 54u << qint64(64);
    QTest::newRow("v1 longest") << 1 << 65535u << qint64(65545);
    QTest::newRow("v2") << 2 << 116u << qint64(128);
    QTest::newRow("v2 over 64 KiB") << 2 << 70000u << qint64(70012);
    QTest::newRow("v3") << 3 << 52u << qint64(64);
}

void TestNpyFormat::preamble()
{
    QFETCH(int, major);
    QFETCH(quint32, length);
    QFETCH(qint64, dataOffset);

    NpyHeader header;
    qint64 dictLength = -1;
    const QString error = parseNpyPreamble(npyWithLength(major, length, QByteArray()), &header, &dictLength);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(header.major, major);
    QCOMPARE(header.minor, 0);
    QCOMPARE(dictLength, qint64(length));
    QCOMPARE(header.dataOffset, dataOffset);
}

void TestNpyFormat::makeHeaderRoundTrip_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::addColumn<bool>("fortran");

    QVector<qint64> dims32(32, 1);
    dims32[3] = 2;
    dims32[30] = 5;
    const QVector<QVector<qint64>> shapes = { {}, { 0 }, { 5 }, { 3, 4 }, { 2, 0, 3 }, dims32, { 1000000, 1000000 } };
    for (DType type : kAllTypes) {
        for (const auto& shape : shapes) {
            ArrayMeta meta;
            meta.shape = shape;
            for (bool fortran : { false, true }) {
                QTest::addRow("%s %s %s", qPrintable(dtypeName(type)), qPrintable(meta.shapeText()),
                              fortran ? "F" : "C")
                    << int(type) << shape << fortran;
            }
        }
    }
}

void TestNpyFormat::makeHeaderRoundTrip()
{
    QFETCH(int, dtype);
    QFETCH(QVector<qint64>, shape);
    QFETCH(bool, fortran);

    ArrayMeta meta;
    meta.dtype = DType(dtype);
    meta.shape = shape;
    meta.fortranOrder = fortran;
    const QByteArray bytes = makeNpyHeader(meta);

    QCOMPARE(bytes.size() % 64, qsizetype(0));
    QCOMPARE(bytes.left(8), QByteArray("\x93NUMPY\x01\x00", 8));
    QCOMPARE(int(quint8(bytes[8])) | (int(quint8(bytes[9])) << 8), int(bytes.size()) - 10);
    QCOMPARE(bytes.back(), '\n');
    QVERIFY(bytes.contains("'descr': '" + dtypeDescr(meta.dtype).toLatin1() + "'"));

    NpyHeader header;
    const QString error = parseNpyHeader(bytes, &header);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(metaDiff(header.meta, meta), QString());
    QCOMPARE(header.dataOffset, qint64(bytes.size()));
    QCOMPARE(header.major, 1);
}

void TestNpyFormat::writeLoadRoundTrip_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::addColumn<bool>("fortran");

    const QVector<QVector<qint64>> shapes = { {}, { 0 }, { 7 }, { 3, 4 }, { 2, 3, 4 }, { 3, 0 } };
    for (DType type : kAllTypes) {
        for (const auto& shape : shapes) {
            ArrayMeta meta;
            meta.shape = shape;
            for (bool fortran : { false, true }) {
                QTest::addRow("%s %s %s", qPrintable(dtypeName(type)), qPrintable(meta.shapeText()),
                              fortran ? "F" : "C")
                    << int(type) << shape << fortran;
            }
        }
    }
}

void TestNpyFormat::writeLoadRoundTrip()
{
    QFETCH(int, dtype);
    QFETCH(QVector<qint64>, shape);
    QFETCH(bool, fortran);

    QVERIFY(m_dir.isValid());
    ArrayMeta meta;
    meta.dtype = DType(dtype);
    meta.shape = shape;
    meta.fortranOrder = fortran;
    const QByteArray data = patternData(meta.dtype, meta.elementCount());
    QCOMPARE(qint64(data.size()), meta.byteSize());

    const QString path = m_dir.filePath(QStringLiteral("roundtrip.npy"));
    const QString writeError = writeNpy(path, meta, data.constData());
    QVERIFY2(writeError.isEmpty(), qPrintable(writeError));
    QCOMPARE(QFileInfo(path).size(), qint64(makeNpyHeader(meta).size()) + meta.byteSize());

    QString error;
    const auto array = loadNpy(path, &error);
    QVERIFY2(array, qPrintable(error));
    QCOMPARE(metaDiff(array->meta(), meta), QString());
    QCOMPARE(array->sourcePath(), path);
    const ArrayView view = array->view();
    QCOMPARE(view.shape, shape);
    QCOMPARE(view.strides, meta.strides());
    QCOMPARE(view.fortranOrder, fortran);
    QVERIFY(view.data);
    QCOMPARE(QByteArray(view.data, data.size()), data);
    // The segment holds the header and the data (and never zero bytes, even for an empty array).
    QVERIFY(array->segmentBytes() >= kArrayDataOffset + meta.byteSize());
}

void TestNpyFormat::bigEndian_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<QByteArray>("bigDescr");
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::addColumn<bool>("fortran");
    QTest::addColumn<int>("major");

    const struct
    {
        DType type;
        const char* descr;
    } rows[] = {
        { DType::Int16, ">i2" }, { DType::UInt16, ">u2" }, { DType::Int32, ">i4" },   { DType::UInt32, ">u4" },
        { DType::Int64, ">i8" }, { DType::UInt64, ">u8" }, { DType::Float32, ">f4" }, { DType::Float64, ">f8" },
        { DType::Int8, ">i1" },  { DType::UInt8, ">u1" },  { DType::Bool, ">b1" },
    };
    for (const auto& row : rows) {
        QTest::addRow("%s 1-D", row.descr)
            << int(row.type) << QByteArray(row.descr) << QVector<qint64> { 9 } << false << 1;
        QTest::addRow("%s 2-D F v2", row.descr)
            << int(row.type) << QByteArray(row.descr) << QVector<qint64> { 3, 5 } << true << 2;
        QTest::addRow("%s 0-d v3", row.descr)
            << int(row.type) << QByteArray(row.descr) << QVector<qint64> {} << false << 3;
    }
}

void TestNpyFormat::bigEndian()
{
    QFETCH(int, dtype);
    QFETCH(QByteArray, bigDescr);
    QFETCH(QVector<qint64>, shape);
    QFETCH(bool, fortran);
    QFETCH(int, major);

    ArrayMeta meta;
    meta.dtype = DType(dtype);
    meta.shape = shape;
    meta.fortranOrder = fortran;
    const QByteArray native = patternData(meta.dtype, meta.elementCount());

    const QString littlePath = m_dir.filePath(QStringLiteral("little.npy"));
    QCOMPARE(writeNpy(littlePath, meta, native.constData()), QString());
    const QString bigPath = m_dir.filePath(QStringLiteral("big.npy"));
    const QByteArray bigData = swapped(native, dtypeSize(meta.dtype));
    if (dtypeSize(meta.dtype) > 1)
        QVERIFY(bigData != native); // else the test could not tell swapped from unswapped data
    QVERIFY(writeFile(bigPath, npyBytes(major, 0, dictText(bigDescr, fortran, tupleText(shape))) + bigData));

    QString error;
    const auto little = loadNpy(littlePath, &error);
    QVERIFY2(little, qPrintable(error));
    const auto big = loadNpy(bigPath, &error);
    QVERIFY2(big, qPrintable(error));

    QCOMPARE(big->meta().sourceBigEndian, true);
    QCOMPARE(little->meta().sourceBigEndian, false);
    QCOMPARE(dtypeName(big->meta().dtype), dtypeName(meta.dtype));
    QCOMPARE(big->meta().shape, shape);
    QCOMPARE(big->meta().fortranOrder, fortran);
    // Data in the segment is native, so both files load to the same bytes.
    QCOMPARE(QByteArray(big->view().data, native.size()), native);
    QCOMPARE(QByteArray(little->view().data, native.size()), native);
}

void TestNpyFormat::loadsEveryVersion_data()
{
    QTest::addColumn<int>("major");
    QTest::newRow("1.0") << 1;
    QTest::newRow("2.0") << 2;
    QTest::newRow("3.0") << 3;
}

void TestNpyFormat::loadsEveryVersion()
{
    QFETCH(int, major);

    const QByteArray data = patternData(DType::Int32, 12);
    const QString path = m_dir.filePath(QStringLiteral("version.npy"));
    QVERIFY(writeFile(path, npyBytes(major, 0, dictText("<i4", false, "(4, 3)")) + data));
    QString error;
    const auto array = loadNpy(path, &error);
    QVERIFY2(array, qPrintable(error));
    QCOMPARE(array->meta().shape, (QVector<qint64> { 4, 3 }));
    QCOMPARE(QByteArray(array->view().data, data.size()), data);
}

void TestNpyFormat::dataSizeChecks_data()
{
    QTest::addColumn<QByteArray>("shapeText");
    QTest::addColumn<int>("dataBytes");
    QTest::addColumn<bool>("valid");

    QTest::newRow("exact") << QByteArray("(4,)") << 32 << true;
    QTest::newRow("one element short") << QByteArray("(4,)") << 24 << false;
    QTest::newRow("one byte short") << QByteArray("(4,)") << 31 << false;
    QTest::newRow("no data") << QByteArray("(4,)") << 0 << false;
    QTest::newRow("one trailing byte") << QByteArray("(4,)") << 33 << false;
    QTest::newRow("a trailing element") << QByteArray("(4,)") << 40 << false;
    QTest::newRow("header lies about shape") << QByteArray("(1000, 1000)") << 80 << false;
    QTest::newRow("empty exact") << QByteArray("(0, 5)") << 0 << true;
    QTest::newRow("empty with a trailing byte") << QByteArray("(0, 5)") << 1 << false;
    QTest::newRow("0-d exact") << QByteArray("()") << 8 << true;
    QTest::newRow("0-d missing") << QByteArray("()") << 0 << false;
    QTest::newRow("0-d doubled") << QByteArray("()") << 16 << false;
}

void TestNpyFormat::dataSizeChecks()
{
    QFETCH(QByteArray, shapeText);
    QFETCH(int, dataBytes);
    QFETCH(bool, valid);

    const QByteArray bytes = npyBytes(1, 0, dictText("<f8", false, shapeText)) + QByteArray(dataBytes, '\x7f');
    NpyHeader header;
    const QString error = readFromBytes(bytes, &header);
    QCOMPARE(error.isEmpty(), valid);

    const QString path = m_dir.filePath(QStringLiteral("sized.npy"));
    QVERIFY(writeFile(path, bytes));
    QString loadError;
    const auto array = loadNpy(path, &loadError);
    QCOMPARE(bool(array), valid);
    QCOMPARE(loadError.isEmpty(), valid);
}

void TestNpyFormat::loadErrors()
{
    QString error;
    const QString missing = m_dir.filePath(QStringLiteral("does-not-exist.npy"));
    QVERIFY(!loadNpy(missing, &error));
    QVERIFY2(error.contains(missing), qPrintable(error));

    error.clear();
    QVERIFY(!loadNpy(m_dir.path(), &error));
    QVERIFY(!error.isEmpty());

    const QString pickle = m_dir.filePath(QStringLiteral("object.npy"));
    QVERIFY(writeFile(pickle, npyBytes(1, 0, dictText("|O", false, "(2,)")) + QByteArray("\x80\x04N.", 4)));
    error.clear();
    QVERIFY(!loadNpy(pickle, &error));
    QVERIFY2(error.contains(pickle) && error.contains(QLatin1String("object")), qPrintable(error));

    const QString text = m_dir.filePath(QStringLiteral("text.npy"));
    QVERIFY(writeFile(text, "just some text, not an array\n"));
    error.clear();
    QVERIFY(!loadNpy(text, &error));
    QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(TestNpyFormat)
#include "tst_npyformat.moc"
