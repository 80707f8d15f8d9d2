// Unit tests of the input formats (core/arrayloader, core/formats, ui/imageio): files written at
// test time by NumPy (np.savetxt, np.savez, np.savez_compressed, tofile), h5py and Qt's image
// writers, loaded through loadArray and compared byte for byte with what the writer holds; bad
// files with the exact error text; the read-only file mapping; load options in job files.

#include "imageio/imageformat.h"
#include "io/arrayloader.h"
#include "io/formats/csvformat.h"
#include "io/formats/hdf5format.h"
#include "io/npyformat.h"
#include "io/npyloader.h"
#include "job/jobspec.h"
#include "shm/sharedarray.h"

#include <cmath>
#include <cstring>
#include <QColor>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace sharedmap;

namespace {

/// Load options from a case's JSON, through the same parser job files use.
LoadOptions optionsOf(const QJsonObject& json)
{
    QString error;
    const LoadOptions options = LoadOptions::fromJson(json, &error);
    if (!error.isEmpty())
        qWarning("bad case options: %s", qPrintable(error));
    return options;
}

/// Describes how two arrays differ, empty when dtype, shape, order and every byte agree.
QString difference(const SharedArray& got, const SharedArray& want)
{
    const ArrayMeta& a = got.meta();
    const ArrayMeta& b = want.meta();
    if (a.dtype != b.dtype)
        return QStringLiteral("dtype %1, expected %2").arg(dtypeName(a.dtype), dtypeName(b.dtype));
    if (a.shape != b.shape)
        return QStringLiteral("shape %1, expected %2").arg(a.shapeText(), b.shapeText());
    if (a.fortranOrder != b.fortranOrder)
        return QStringLiteral("order %1, expected %2").arg(a.orderText(), b.orderText());
    const ArrayView va = got.view();
    const ArrayView vb = want.view();
    const int size = dtypeSize(a.dtype);
    for (qint64 i = 0; i < a.elementCount(); ++i) {
        if (std::memcmp(va.data + i * size, vb.data + i * size, size_t(size)) != 0)
            return QStringLiteral("element %1 differs").arg(i);
    }
    return {};
}

} // namespace

class TestFormats : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void goodFiles_data();
    void goodFiles();
    void badFiles_data();
    void badFiles();
    void probeMatchesLoad_data();
    void probeMatchesLoad();
    void parseNumber_data();
    void parseNumber();
    void csvDetection_data();
    void csvDetection();
    void csvQuotedHeaders_data();
    void csvQuotedHeaders();
    void hyperslab_data();
    void hyperslab();
    void listDatasets_data();
    void listDatasets();
    void images_data();
    void images();
    void mapNpy();
    void mapRefusals_data();
    void mapRefusals();
    void loadOptionsJson_data();
    void loadOptionsJson();
    void jobSpecOptions();
    void formatFromExtension_data();
    void formatFromExtension();
    void cancel();

private:
    QString file(const QString& name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    QJsonObject m_cases;
};

void TestFormats::initTestCase()
{
    QVERIFY(m_dir.isValid());
    registerImageFormat();
    QProcess python;
    python.start(QStringLiteral(PYTHON3), { QStringLiteral(MAKE_FORMAT_FILES), m_dir.path() });
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    QFile cases(file(QStringLiteral("cases.json")));
    QVERIFY(cases.open(QIODevice::ReadOnly));
    m_cases = QJsonDocument::fromJson(cases.readAll()).object();
    QVERIFY(m_cases.value(QStringLiteral("csv")).toArray().size() >= 10);
}

void TestFormats::goodFiles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("options");
    QTest::addColumn<QString>("reference");
    for (const char* kind : { "csv", "npz", "hdf5", "raw" }) {
        const QJsonArray list = m_cases.value(QLatin1String(kind)).toArray();
        QVERIFY(!list.isEmpty());
        for (const QJsonValue& value : list) {
            const QJsonObject c = value.toObject();
            const QString tag
                = QStringLiteral("%1 %2").arg(QLatin1String(kind), c.value(QStringLiteral("tag")).toString());
            QTest::newRow(qPrintable(tag))
                << file(c.value(QStringLiteral("file")).toString()) << c.value(QStringLiteral("options")).toObject()
                << file(c.value(QStringLiteral("ref")).toString());
        }
    }
}

void TestFormats::goodFiles()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, options);
    QFETCH(QString, reference);
    QString error;
    const auto want = loadNpy(reference, &error);
    QVERIFY2(want, qPrintable(error));
    qint64 lastDone = -1, lastTotal = -1;
    const auto got = loadArray(path, optionsOf(options), &error, [&](qint64 done, qint64 total) {
        QVERIFY(done >= lastDone && done <= total);
        lastDone = done;
        lastTotal = total;
    });
    QVERIFY2(got, qPrintable(error));
    QCOMPARE(difference(*got, *want), QString());
    QCOMPARE(got->sourcePath(), path);
    if (want->meta().byteSize() > 0)
        QCOMPARE(lastDone, lastTotal); // progress reached the end
    // A worker attaching the segment sees the same array.
    const auto attached = SharedArray::attach(got->segmentName(), &error);
    QVERIFY2(attached, qPrintable(error));
    QCOMPARE(difference(*attached, *want), QString());
}

void TestFormats::badFiles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("options");
    QTest::addColumn<QString>("message");
    const QJsonArray list = m_cases.value(QStringLiteral("bad")).toArray();
    QVERIFY(list.size() >= 20);
    for (const QJsonValue& value : list) {
        const QJsonObject c = value.toObject();
        QTest::newRow(qPrintable(c.value(QStringLiteral("tag")).toString()))
            << file(c.value(QStringLiteral("file")).toString()) << c.value(QStringLiteral("options")).toObject()
            << c.value(QStringLiteral("message")).toString();
    }
}

void TestFormats::badFiles()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, options);
    QFETCH(QString, message);
    QString error;
    const auto array = loadArray(path, optionsOf(options), &error);
    QVERIFY(!array);
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
    QVERIFY2(error.startsWith(path) || !message.contains(QLatin1String("line")), qPrintable(error));
}

void TestFormats::probeMatchesLoad_data()
{
    goodFiles_data();
}

void TestFormats::probeMatchesLoad()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, options);
    QFETCH(QString, reference);
    ArrayProbe probe;
    QCOMPARE(probeArray(path, optionsOf(options), &probe), QString());
    QString error;
    const auto want = loadNpy(reference, &error);
    QVERIFY2(want, qPrintable(error));
    QCOMPARE(probe.meta.dtype, want->meta().dtype);
    QCOMPARE(probe.meta.shape, want->meta().shape);
    QVERIFY(!probe.format.isEmpty());
}

void TestFormats::parseNumber_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<double>("value");
    const double nan = std::nan("");
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("integer") << QByteArray("42") << true << 42.0;
    QTest::newRow("plus") << QByteArray("+1.5") << true << 1.5;
    QTest::newRow("minus exp") << QByteArray("-2.5e-3") << true << -2.5e-3;
    QTest::newRow("savetxt") << QByteArray("1.234567890123456789e+02") << true << 123.4567890123456789;
    QTest::newRow("blanks") << QByteArray("  7 ") << true << 7.0;
    QTest::newRow("empty") << QByteArray("") << true << nan;
    QTest::newRow("NaN") << QByteArray("NaN") << true << nan;
    QTest::newRow("nan") << QByteArray("nan") << true << nan;
    QTest::newRow("inf") << QByteArray("inf") << true << inf;
    QTest::newRow("-Infinity") << QByteArray("-Infinity") << true << -inf;
    QTest::newRow("overflow") << QByteArray("1e999") << true << inf;
    QTest::newRow("underflow") << QByteArray("-1e-999") << true << -0.0;
    QTest::newRow("word") << QByteArray("abc") << false << 0.0;
    QTest::newRow("trailing") << QByteArray("1.5x") << false << 0.0;
    QTest::newRow("comma decimal") << QByteArray("1,5") << false << 0.0;
    QTest::newRow("double sign") << QByteArray("+-1") << false << 0.0;
}

void TestFormats::parseNumber()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QFETCH(double, value);
    double got = 12345;
    QCOMPARE(sharedmap::parseNumber(text.constData(), text.constData() + text.size(), &got), ok);
    if (!ok)
        return;
    if (std::isnan(value))
        QVERIFY(std::isnan(got));
    else
        QCOMPARE(got, value);
    QCOMPARE(std::signbit(got), std::signbit(value));
}

void TestFormats::csvDetection_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QChar>("delimiter");
    QTest::addColumn<int>("headerRows");
    QTest::addColumn<int>("columns");
    QTest::newRow("comma, header") << QByteArray("a,b,c\n1,2,3\n4,5,6\n") << "csv" << QChar(',') << 1 << 3;
    QTest::newRow("comma, none") << QByteArray("1,2,3\n4,5,6\n") << "csv" << QChar(',') << 0 << 3;
    QTest::newRow("semicolon") << QByteArray("x;y\n1.5;2\n3;4\n") << "csv" << QChar(';') << 1 << 2;
    QTest::newRow("tab") << QByteArray("1\t2\n3\t4\n") << "txt" << QChar('\t') << 0 << 2;
    QTest::newRow("tsv default") << QByteArray("a b\tc\n1\t2\n") << "tsv" << QChar('\t') << 1 << 2;
    QTest::newRow("spaces") << QByteArray("  1.0   2.0  3.0\n4 5 6\n") << "txt" << QChar(' ') << 0 << 3;
    QTest::newRow("comments first") << QByteArray("# made by numpy\n\n1|2\n3|4\n") << "csv" << QChar('|') << 0 << 2;
    QTest::newRow("header with nan") << QByteArray("nan,b\n1,2\n") << "csv" << QChar(',') << 1 << 2;
    QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF"
                                                   "1.5,2\r\n3,4\r\n")
                                     << "csv" << QChar(',') << 0 << 2;
    QTest::newRow("single column") << QByteArray("1\n2\n3\n") << "csv" << QChar(' ') << 0 << 1;
    QTest::newRow("quoted, blanks around")
        << QByteArray(" \"a, b\" , \"c\"\n \"1\" , 2\n3,\"4\"\n") << "csv" << QChar(',') << 1 << 2;
    QTest::newRow("quoted delimiters") << QByteArray("x|y\n\"1\"|\"2\"\n\"3\"|\"4\"\n\"5\"|\"6\"\n") << "csv"
                                       << QChar('|') << 1 << 2;
    QTest::newRow("commas in quoted names")
        << QByteArray("\"a,b,c\";\"d,e\"\n1;2\n3;4\n") << "csv" << QChar(';') << 1 << 2;
    QTest::newRow("quoted numbers, no header")
        << QByteArray("\"1.5\",\"-2\"\n\"3\",\"4e2\"\n") << "csv" << QChar(',') << 0 << 2;
}

void TestFormats::csvDetection()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, suffix);
    QFETCH(QChar, delimiter);
    QFETCH(int, headerRows);
    QFETCH(int, columns);
    const QString path = file(QStringLiteral("detect.") + suffix);
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
    out.write(text);
    out.close();
    CsvPreview preview;
    QCOMPARE(previewCsv(path, LoadOptions(), 10, &preview), QString());
    QCOMPARE(preview.delimiter, delimiter);
    QCOMPARE(preview.headerRows, headerRows);
    QCOMPARE(preview.columns, columns);
    QVERIFY(!preview.rows.isEmpty());
    QCOMPARE(preview.rows.first().size(), columns);
    QString error;
    const auto array = loadArray(path, LoadOptions(), &error);
    QVERIFY2(array, qPrintable(error));
    QCOMPARE(array->meta().shape.value(1), qint64(columns));
}

void TestFormats::csvQuotedHeaders_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("names");
    const QJsonArray list = m_cases.value(QStringLiteral("headers")).toArray();
    QVERIFY(list.size() >= 5);
    for (const QJsonValue& value : list) {
        const QJsonObject c = value.toObject();
        QStringList names;
        for (const QJsonValue& name : c.value(QStringLiteral("names")).toArray())
            names.append(name.toString());
        const QString name = c.value(QStringLiteral("file")).toString();
        QTest::newRow(qPrintable(name)) << file(name) << names;
    }
}

void TestFormats::csvQuotedHeaders()
{
    QFETCH(QString, path);
    QFETCH(QStringList, names);
    // Python's csv module (or np.savetxt with a quoting format) wrote the names; the preview and
    // `info` read them back with the quotes removed, delimiters and `""` inside them intact.
    CsvPreview preview;
    QCOMPARE(previewCsv(path, LoadOptions(), 3, &preview), QString());
    QCOMPARE(preview.headerRows, 1);
    QCOMPARE(preview.header, names);
    QCOMPARE(preview.columns, names.size());
    ArrayProbe probe;
    QCOMPARE(probeArray(path, LoadOptions(), &probe), QString());
    const auto columns = std::find_if(probe.details.cbegin(), probe.details.cend(),
                                      [](const ProbeDetail& d) { return d.key == QLatin1String("columns"); });
    QVERIFY(columns != probe.details.cend());
    QCOMPARE(columns->value, QJsonValue(QJsonArray::fromStringList(names)));
}

void TestFormats::hyperslab_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QVector<qint64>>("dims");
    QTest::addColumn<QVector<qint64>>("start");
    QTest::addColumn<QVector<qint64>>("stride");
    QTest::addColumn<QVector<qint64>>("count");
    QTest::addColumn<bool>("ok");
    using V = QVector<qint64>;
    QTest::newRow("all") << "" << V { 10, 4 } << V { 0, 0 } << V { 1, 1 } << V { 10, 4 } << true;
    QTest::newRow("rows") << "2:5" << V { 10, 4 } << V { 2, 0 } << V { 1, 1 } << V { 3, 4 } << true;
    QTest::newRow("step") << "1::3,1:3" << V { 10, 4 } << V { 1, 1 } << V { 3, 1 } << V { 3, 2 } << true;
    QTest::newRow("negative") << "-3:" << V { 10 } << V { 7 } << V { 1 } << V { 3 } << true;
    QTest::newRow("clipped") << "5:100" << V { 10 } << V { 5 } << V { 1 } << V { 5 } << true;
    QTest::newRow("empty") << "7:2" << V { 10 } << V { 7 } << V { 1 } << V { 0 } << true;
    QTest::newRow("index") << ",-1" << V { 10, 4 } << V { 0, 3 } << V { 1, 1 } << V { 10, 1 } << true;
    QTest::newRow("index out") << "10" << V { 10 } << V {} << V {} << V {} << false;
    QTest::newRow("step 0") << "::0" << V { 10 } << V {} << V {} << V {} << false;
    QTest::newRow("too many") << "1:2,3:4" << V { 10 } << V {} << V {} << V {} << false;
    QTest::newRow("garbage") << "a:b" << V { 10 } << V {} << V {} << V {} << false;
}

void TestFormats::hyperslab()
{
    QFETCH(QString, text);
    QFETCH(QVector<qint64>, dims);
    QFETCH(QVector<qint64>, start);
    QFETCH(QVector<qint64>, stride);
    QFETCH(QVector<qint64>, count);
    QFETCH(bool, ok);
    QVector<qint64> s, t, c;
    const QString error = parseHyperslab(text, dims, &s, &t, &c);
    QCOMPARE(error.isEmpty(), ok);
    if (!ok)
        return;
    QCOMPARE(s, start);
    QCOMPARE(t, stride);
    QCOMPARE(c, count);
}

void TestFormats::listDatasets_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("npz") << file(QStringLiteral("stored.npz"))
                         << QStringList { "f8", "f4be", "i2", "u8", "b1", "fortran", "scalar", "empty" };
    QTest::newRow("hdf5") << file(QStringLiteral("single.h5")) << QStringList { "values" };
}

void TestFormats::listDatasets()
{
    QFETCH(QString, path);
    QFETCH(QStringList, names);
    QVector<DatasetInfo> datasets;
    QCOMPARE(sharedmap::listDatasets(path, LoadOptions(), &datasets), QString());
    QStringList got;
    for (const DatasetInfo& info : datasets) {
        got.append(info.name);
        QVERIFY(info.meta.dtype != DType::Invalid);
    }
    QCOMPARE(got, names);

    // The HDF5 tree lists groups, nested datasets and the refused types with their stored type.
    datasets.clear();
    QCOMPARE(sharedmap::listDatasets(file(QStringLiteral("data.h5")), LoadOptions(), &datasets), QString());
    QHash<QString, DatasetInfo> byName;
    for (const DatasetInfo& info : datasets)
        byName.insert(info.name, info);
    QVERIFY(byName.value(QStringLiteral("group")).isGroup);
    QVERIFY(byName.value(QStringLiteral("group/inner")).isGroup);
    QCOMPARE(byName.value(QStringLiteral("group/inner/cube")).meta.shape, (QVector<qint64> { 20, 6, 8 }));
    QCOMPARE(byName.value(QStringLiteral("types/be_i4")).typeText, QStringLiteral("int32 BE"));
    QCOMPARE(byName.value(QStringLiteral("text")).meta.dtype, DType::Invalid);
    QCOMPARE(byName.value(QStringLiteral("text")).typeText, QStringLiteral("string"));
}

void TestFormats::images_data()
{
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<bool>("grey");
    QTest::addColumn<bool>("lossless");
    for (const char* suffix : { "png", "bmp", "tiff", "jpg" }) {
        for (bool grey : { false, true }) {
            QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(
                QLatin1String(suffix), grey ? QStringLiteral("grey") : QStringLiteral("colour"))))
                << QString::fromLatin1(suffix) << grey << (qstrcmp(suffix, "jpg") != 0);
        }
    }
}

void TestFormats::images()
{
    QFETCH(QString, suffix);
    QFETCH(bool, grey);
    QFETCH(bool, lossless);
    // An image that is not square and whose rows are not a multiple of 4 bytes (QImage pads them).
    QImage image(37, 23, grey ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            image.setPixelColor(x, y, grey ? QColor(x * 6, x * 6, x * 6) : QColor(x * 6, y * 11, (x * y) % 256));
    }
    const QString path = file(QStringLiteral("image.") + suffix);
    QVERIFY(image.save(path, nullptr, 100));
    // What a decoder sees (the JPEG is lossy): read back by Qt in the format the loader uses.
    const QImage written = lossless ? image : QImage(path).convertToFormat(image.format());
    QVERIFY(!written.isNull());
    QString error;
    const auto array = loadArray(path, LoadOptions(), &error);
    QVERIFY2(array, qPrintable(error));
    QCOMPARE(array->meta().dtype, DType::UInt8);
    const QVector<qint64> shape = grey ? QVector<qint64> { 23, 37 } : QVector<qint64> { 23, 37, 3 };
    QCOMPARE(array->meta().shape, shape);
    const auto* data = reinterpret_cast<const quint8*>(array->view().data);
    const int channels = grey ? 1 : 3;
    for (int y = 0; y < 23; ++y) {
        for (int x = 0; x < 37; ++x) {
            const QColor colour = written.pixelColor(x, y);
            const quint8* pixel = data + (y * 37 + x) * channels;
            if (grey) {
                QCOMPARE(int(pixel[0]), qGray(colour.rgb()));
            } else {
                QCOMPARE(int(pixel[0]), colour.red());
                QCOMPARE(int(pixel[1]), colour.green());
                QCOMPARE(int(pixel[2]), colour.blue());
            }
        }
    }
    ArrayProbe probe;
    QCOMPARE(probeArray(path, LoadOptions(), &probe), QString());
    QCOMPARE(probe.meta.shape, shape);
}

void TestFormats::mapNpy()
{
    const QString path = file(QStringLiteral("plain_csv.ref.npy"));
    QString error;
    const auto copy = loadNpy(path, &error);
    QVERIFY2(copy, qPrintable(error));
    LoadOptions options;
    options.map = true;
    const auto mapped = loadArray(path, options, &error);
    QVERIFY2(mapped, qPrintable(error));
    QVERIFY(mapped->isFileMapped());
    QVERIFY(!copy->isFileMapped());
    QCOMPARE(difference(*mapped, *copy), QString());
    QVERIFY(!mapped->mutableData()); // read-only
    QVERIFY(mapped->segmentBytes() < 4096); // the descriptor only, not the data
    // A worker attaches the descriptor and maps the same file.
    const auto attached = SharedArray::attach(mapped->segmentName(), &error);
    QVERIFY2(attached, qPrintable(error));
    QVERIFY(attached->isFileMapped());
    QCOMPARE(difference(*attached, *copy), QString());
    QCOMPARE(attached->sourcePath(), QFileInfo(path).absoluteFilePath());
    // A raw file mapped at an aligned offset.
    LoadOptions raw;
    raw.dtype = DType::Float64;
    raw.shape = { 23, 5 };
    raw.offset = 128; // the .npy header NumPy wrote is 128 bytes
    raw.map = true;
    raw.format = QStringLiteral("raw");
    NpyHeader header;
    QFile npy(path);
    QVERIFY(npy.open(QIODevice::ReadOnly));
    QCOMPARE(readNpyHeader(npy, npy.size(), &header), QString());
    raw.offset = header.dataOffset;
    const auto rawMapped = loadArray(path, raw, &error);
    QVERIFY2(rawMapped, qPrintable(error));
    QCOMPARE(difference(*rawMapped, *copy), QString());
}

void TestFormats::mapRefusals_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("options");
    QTest::addColumn<QString>("message");
    QTest::newRow("big-endian npy") << file(QStringLiteral("raw_f8_be.bin")) // raw bytes, big-endian
                                    << QJsonObject { { "dtype", "float64" },
                                                     { "shape", QJsonArray { 6, 10 } },
                                                     { "offset", 26 },
                                                     { "byte_order", "big" },
                                                     { "load", "map" } }
                                    << "big-endian data cannot be mapped";
    QTest::newRow("unaligned") << file(QStringLiteral("raw_f8.bin"))
                               << QJsonObject { { "dtype", "float64" },
                                                { "shape", QJsonArray { 6, 10 } },
                                                { "offset", 26 },
                                                { "load", "map" } }
                               << "not aligned for float64";
    QTest::newRow("shm without dtype") << "shm:whatever" << QJsonObject { { "shape", QJsonArray { 3 } } }
                                       << "needs --dtype";
    QTest::newRow("shm missing") << "shm:sharedmap-test-no-such-block"
                                 << QJsonObject { { "dtype", "float64" }, { "shape", QJsonArray { 3 } } }
                                 << "no shared-memory block named 'sharedmap-test-no-such-block'";
    QTest::newRow("shm escapes") << "shm:../etc/passwd"
                                 << QJsonObject { { "dtype", "uint8" }, { "shape", QJsonArray { 3 } } }
                                 << "is not a shared-memory block name";
}

void TestFormats::mapRefusals()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, options);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!loadArray(path, optionsOf(options), &error));
    QVERIFY2(error.contains(message), qPrintable(error));
    // The big-endian .npy written by NumPy is refused the same way.
    LoadOptions map;
    map.map = true;
    QVERIFY(!loadArray(file(QStringLiteral("stored_npz_f4be.ref.npy")), map, &error));
    QVERIFY2(error.contains(QLatin1String("big-endian data cannot be mapped")), qPrintable(error));
}

void TestFormats::loadOptionsJson_data()
{
    QTest::addColumn<QJsonObject>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("empty") << QJsonObject() << "";
    QTest::newRow("all") << QJsonObject { { "format", "raw" },
                                          { "dataset", "g/v" },
                                          { "slice", "1:2" },
                                          { "dtype", "int16" },
                                          { "shape", QJsonArray { 2, 3 } },
                                          { "byte_order", "big" },
                                          { "offset", 12 },
                                          { "delimiter", ";" },
                                          { "header_rows", 2 },
                                          { "columns", QJsonArray { 2, 0 } },
                                          { "load", "map" } }
                         << "";
    QTest::newRow("unknown key") << QJsonObject { { "delimeter", "," } } << "unknown key 'input_options.delimeter'";
    QTest::newRow("bad format") << QJsonObject { { "format", "xls" } } << "'input_options.format' must be";
    QTest::newRow("bad dtype") << QJsonObject { { "dtype", "complex64" } } << "'input_options.dtype' must be";
    QTest::newRow("bad shape") << QJsonObject { { "shape", QJsonArray { -1 } } } << "'input_options.shape' must be";
    QTest::newRow("bad order") << QJsonObject { { "byte_order", "middle" } } << "'input_options.byte_order' must be";
    QTest::newRow("bad load") << QJsonObject { { "load", "mmap" } } << "'input_options.load' must be";
    QTest::newRow("bad columns") << QJsonObject { { "columns", "0,1" } } << "'input_options.columns' must be";
    QTest::newRow("bad delimiter") << QJsonObject { { "delimiter", "ab" } } << "'input_options.delimiter' must be";
}

void TestFormats::loadOptionsJson()
{
    QFETCH(QJsonObject, json);
    QFETCH(QString, error);
    QString problem;
    const LoadOptions options = LoadOptions::fromJson(json, &problem);
    if (!error.isEmpty()) {
        QVERIFY2(problem.contains(error), qPrintable(problem));
        return;
    }
    QCOMPARE(problem, QString());
    QCOMPARE(options.toJson(), json); // the round trip is exact
    QCOMPARE(LoadOptions::fromJson(options.toJson(), &problem), options);
}

void TestFormats::jobSpecOptions()
{
    // A job file naming an HDF5 dataset; an old job file without input_options still reads.
    JobSpec spec;
    spec.input = file(QStringLiteral("data.h5"));
    spec.kernel = QStringLiteral("row_sum");
    spec.inputOptions.dataset = QStringLiteral("group/inner/cube");
    spec.inputOptions.slice = QStringLiteral("0:4");
    const QString path = file(QStringLiteral("job.json"));
    QCOMPARE(spec.save(path), QString());
    QString error;
    const JobSpec back = JobSpec::load(path, &error);
    QCOMPARE(error, QString());
    QCOMPARE(back, spec);
    QCOMPARE(back.inputOptions.dataset, QStringLiteral("group/inner/cube"));
    JobSpec plain;
    plain.input = spec.input;
    plain.kernel = spec.kernel;
    QVERIFY(!plain.toJson().contains(QStringLiteral("input_options")));
    QJsonObject bad = spec.toJson();
    bad.insert(QStringLiteral("input_options"), QStringLiteral("csv"));
    JobSpec::fromJson(bad, &error);
    QVERIFY2(error.contains(QLatin1String("'input_options' must be an object")), qPrintable(error));
    // shm: inputs are names, not paths relative to the job file.
    JobSpec shm;
    shm.input = QStringLiteral("shm:block");
    shm.kernel = QStringLiteral("row_sum");
    QCOMPARE(shm.save(path), QString());
    QCOMPARE(JobSpec::load(path, &error).input, QStringLiteral("shm:block"));
}

void TestFormats::formatFromExtension_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("format");
    QTest::newRow("npy") << "a.npy"
                         << "npy";
    QTest::newRow("CSV upper") << "A.CSV"
                               << "csv";
    QTest::newRow("txt") << "a.txt"
                         << "csv";
    QTest::newRow("tsv") << "a.tsv"
                         << "tsv";
    QTest::newRow("npz") << "a.npz"
                         << "npz";
    QTest::newRow("h5") << "a.h5"
                        << "hdf5";
    QTest::newRow("hdf5") << "a.hdf5"
                          << "hdf5";
    QTest::newRow("bin") << "a.bin"
                         << "raw";
    QTest::newRow("raw") << "a.raw"
                         << "raw";
    QTest::newRow("png") << "a.png"
                         << "image";
    QTest::newRow("jpeg") << "a.jpeg"
                          << "image";
    QTest::newRow("tif") << "a.tif"
                         << "image";
    QTest::newRow("shm") << "shm:psm_1234"
                         << "shm";
    QTest::newRow("unknown") << "a.xls"
                             << "";
}

void TestFormats::formatFromExtension()
{
    QFETCH(QString, path);
    QFETCH(QString, format);
    QString error;
    const FormatHandler* handler = ArrayLoader::instance().handlerFor(path, LoadOptions(), &error);
    QCOMPARE(handler ? handler->name : QString(), format);
    if (!handler)
        QVERIFY2(error.contains(QLatin1String("--format")), qPrintable(error));
}

void TestFormats::cancel()
{
    // A set cancel flag stops every streaming loader before it finishes.
    std::atomic_bool stop { true };
    for (const char* name : { "big.npz", "plain.csv" }) {
        QString error;
        QVERIFY(!loadArray(file(QLatin1String(name)), LoadOptions(), &error, {}, &stop));
        QVERIFY2(error.contains(QLatin1String("cancelled")), qPrintable(error));
    }
    LoadOptions options;
    options.dataset = QStringLiteral("group/inner/cube");
    QString error;
    QVERIFY(!loadArray(file(QStringLiteral("data.h5")), options, &error, {}, &stop));
    QVERIFY2(error.contains(QLatin1String("cancelled")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestFormats)
#include "tst_formats.moc"
