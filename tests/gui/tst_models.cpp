#include "base/progressformat.h"
#include "io/arraystore.h"
#include "job/jobresult.h"
#include "models/arraylistmodel.h"
#include "models/arraytablemodel.h"
#include "models/resultsmodel.h"
#include "models/workermodel.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sharedmap;

Q_DECLARE_METATYPE(sharedmap::DType)
Q_DECLARE_METATYPE(sharedmap::WorkerState)

namespace {

using Tester = QAbstractItemModelTester;
constexpr auto kReport = QAbstractItemModelTester::FailureReportingMode::QtTest;

/// The value the test arrays hold at C-order flat index `c`: never constant, fits every dtype.
double pattern(DType dtype, qint64 c)
{
    switch (dtype) {
    case DType::Bool:
        return c % 3 == 0 ? 1 : 0;
    case DType::Int8:
    case DType::Int16:
    case DType::Int32:
    case DType::Int64:
        return double((c * 37 + 11) % 201 - 100);
    case DType::Float32:
    case DType::Float64:
        return double((c * 37 + 11) % 1001 - 500) / 8.0; // exact in both float types
    default:
        return double((c * 37 + 11) % 251);
    }
}

/// A shared array whose element at multi-index i holds pattern(C-order flat index of i). The
/// memory is walked in the array's own order (first dimension fastest for Fortran), so the fill
/// does not rely on the stride code the model uses.
std::shared_ptr<SharedArray> makePatternArray(DType dtype, const QVector<qint64>& shape, bool fortran)
{
    ArrayMeta meta;
    meta.dtype = dtype;
    meta.shape = shape;
    meta.fortranOrder = fortran;
    QString error;
    auto array = SharedArray::create(meta, &error);
    if (!array)
        qFatal("cannot create array: %s", qPrintable(error));
    char* data = array->mutableData();
    const int size = dtypeSize(dtype);
    const int ndim = shape.size();
    QVector<qint64> index(ndim, 0);
    for (qint64 m = 0; m < meta.elementCount(); ++m) {
        qint64 c = 0;
        for (int d = 0; d < ndim; ++d)
            c = c * shape[d] + index[d];
        const double value = pattern(dtype, c);
        dispatchDType(dtype, [&](auto zero) {
            const decltype(zero) typed = decltype(zero)(value);
            std::memcpy(data + m * size, &typed, sizeof typed);
            return 0;
        });
        // Next multi-index in memory order.
        if (fortran) {
            for (int d = 0; d < ndim && ++index[d] == shape[d]; ++d)
                index[d] = 0;
        } else {
            for (int d = ndim - 1; d >= 0 && ++index[d] == shape[d]; --d)
                index[d] = 0;
        }
    }
    return array;
}

template <typename T> QByteArray bytesOf(T value)
{
    return QByteArray(reinterpret_cast<const char*>(&value), sizeof value);
}

/// "a-b,c-d" for the row ranges a dataChanged spy saw; also checks each spans every column.
QString changedRanges(const QSignalSpy& spy, int columns)
{
    QStringList ranges;
    for (const QList<QVariant>& args : spy) {
        const auto topLeft = args.at(0).value<QModelIndex>();
        const auto bottomRight = args.at(1).value<QModelIndex>();
        if (topLeft.column() != 0 || bottomRight.column() != columns - 1)
            ranges << QStringLiteral("bad columns %1-%2").arg(topLeft.column()).arg(bottomRight.column());
        ranges << QStringLiteral("%1-%2").arg(topLeft.row()).arg(bottomRight.row());
    }
    return ranges.join(QLatin1Char(','));
}

/// Writes a small Fortran-order int32 `.npy` (shape (2, 3)) by hand.
bool writeFortranNpy(const QString& path)
{
    QByteArray header = "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }";
    const int total = ((10 + header.size() + 1 + 63) / 64) * 64;
    header += QByteArray(total - 10 - header.size() - 1, ' ') + '\n';
    QByteArray file("\x93NUMPY\x01\x00", 8);
    const quint16 length = quint16(header.size());
    file += bytesOf(length) + header;
    for (qint32 v : { 1, 4, 2, 5, 3, 6 })
        file += bytesOf(v);
    QFile out(path);
    return out.open(QIODevice::WriteOnly) && out.write(file) == file.size();
}

WorkerInfo worker(int slot, WorkerState state, qint64 begin = -1, qint64 end = -1)
{
    WorkerInfo info;
    info.slot = slot;
    info.pid = 1000 + slot;
    info.state = state;
    info.rangeBegin = begin;
    info.rangeEnd = end;
    info.tasksDone = 10 * slot;
    info.chunksDone = slot;
    info.heartbeatAgeS = 0.1 * (slot + 1);
    info.cpuPercent = 97.3;
    info.rssBytes = 5 * 1024 * 1024;
    info.pssBytes = 3 * 1024 * 1024;
    return info;
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();

    void arrayTableValues_data();
    void arrayTableValues();
    void arrayTableFormatting_data();
    void arrayTableFormatting();
    void arrayTableHeaders();
    void arrayTableHuge_data();
    void arrayTableHuge();

    void arrayListFollowsStore();

    void resultsUpdateRanges_data();
    void resultsUpdateRanges();
    void resultsBigBlockOneSignal();
    void resultsDisplay();
    void resultsCopyText();
    void resultsSetResult();

    void workerRows();
    void workerStates_data();
    void workerStates();
};

void TestModels::initTestCase()
{
    qRegisterMetaType<QModelIndex>();
}

void TestModels::arrayTableValues_data()
{
    QTest::addColumn<DType>("dtype");
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::addColumn<bool>("fortran");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("columns");

    const DType all[] = { DType::Bool,   DType::Int8,   DType::Int16,  DType::Int32,   DType::Int64,  DType::UInt8,
                          DType::UInt16, DType::UInt32, DType::UInt64, DType::Float32, DType::Float64 };
    for (DType dtype : all) {
        for (bool fortran : { false, true }) {
            const char* order = fortran ? "F" : "C";
            const QByteArray name = dtypeName(dtype).toLatin1();
            QTest::addRow("%s %s 3-D", name.constData(), order)
                << dtype << QVector<qint64> { 3, 4, 5 } << fortran << 3 << 20;
            QTest::addRow("%s %s 2-D", name.constData(), order)
                << dtype << QVector<qint64> { 4, 3 } << fortran << 4 << 3;
        }
    }
    for (bool fortran : { false, true }) {
        const char* order = fortran ? "F" : "C";
        QTest::addRow("float64 %s 0-d", order) << DType::Float64 << QVector<qint64> {} << fortran << 1 << 1;
        QTest::addRow("int16 %s 1-D", order) << DType::Int16 << QVector<qint64> { 7 } << fortran << 7 << 1;
        QTest::addRow("int32 %s 4-D", order) << DType::Int32 << QVector<qint64> { 2, 3, 2, 2 } << fortran << 2 << 12;
        QTest::addRow("float32 %s empty rows", order)
            << DType::Float32 << QVector<qint64> { 0, 4 } << fortran << 0 << 4;
    }
}

void TestModels::arrayTableValues()
{
    QFETCH(DType, dtype);
    QFETCH(QVector<qint64>, shape);
    QFETCH(bool, fortran);
    QFETCH(int, rows);
    QFETCH(int, columns);

    ArrayTableModel model;
    Tester tester(&model, kReport);
    QCOMPARE(model.rowCount(), 0);
    model.setArray(makePatternArray(dtype, shape, fortran));
    QCOMPARE(model.rowCount(), rows);
    QCOMPARE(model.columnCount(), columns);

    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < columns; ++c) {
            const double expected = pattern(dtype, qint64(r) * columns + c);
            const QVariant value = model.valueAt(r, c);
            QVERIFY2(value.isValid(), qPrintable(QStringLiteral("(%1, %2)").arg(r).arg(c)));
            QCOMPARE(value.toDouble(), expected);
            const QString text = model.data(model.index(r, c)).toString();
            if (dtype == DType::Bool)
                QCOMPARE(text, expected != 0 ? QStringLiteral("true") : QStringLiteral("false"));
            else if (dtype == DType::Float32 || dtype == DType::Float64)
                QCOMPARE(text.toDouble(), expected);
            else
                QCOMPARE(text, QString::number(qint64(expected)));
        }
    }
    QVERIFY(!model.valueAt(rows, 0).isValid());
    QVERIFY(!model.valueAt(0, columns).isValid());
    QVERIFY(!model.valueAt(-1, 0).isValid());

    model.setArray(nullptr);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), 0);
}

void TestModels::arrayTableFormatting_data()
{
    QTest::addColumn<DType>("dtype");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("display");
    QTest::addColumn<QString>("toolTip");

    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("float64 pi") << DType::Float64 << bytesOf(3.14159265358979) << "3.14159"
                                << "3.14159265358979";
    QTest::newRow("float64 big") << DType::Float64 << bytesOf(123456789.0) << "1.23457e+08"
                                 << "123456789";
    QTest::newRow("float64 tiny") << DType::Float64 << bytesOf(1e-7) << "1e-07"
                                  << "1e-07";
    QTest::newRow("float64 sum") << DType::Float64 << bytesOf(0.1 + 0.2) << "0.3"
                                 << "0.30000000000000004";
    QTest::newRow("float64 nan") << DType::Float64 << bytesOf(nan) << "nan"
                                 << "nan";
    QTest::newRow("float64 -inf") << DType::Float64 << bytesOf(-inf) << "-inf"
                                  << "-inf";
    QTest::newRow("float32 0.1") << DType::Float32 << bytesOf(0.1f) << "0.1"
                                 << "0.1";
    QTest::newRow("float32 third") << DType::Float32 << bytesOf(1.0f / 3.0f) << "0.333333"
                                   << "0.33333334";
    QTest::newRow("float32 nan") << DType::Float32 << bytesOf(std::numeric_limits<float>::quiet_NaN()) << "nan"
                                 << "nan";
    QTest::newRow("int64 beyond double") << DType::Int64 << bytesOf(qint64(9007199254740993)) << "9007199254740993"
                                         << "9007199254740993";
    QTest::newRow("uint64 max") << DType::UInt64 << bytesOf(std::numeric_limits<quint64>::max())
                                << "18446744073709551615"
                                << "18446744073709551615";
    QTest::newRow("int8 min") << DType::Int8 << bytesOf(qint8(-128)) << "-128"
                              << "-128";
    QTest::newRow("uint16 max") << DType::UInt16 << bytesOf(quint16(65535)) << "65535"
                                << "65535";
    QTest::newRow("int32 negative") << DType::Int32 << bytesOf(qint32(-5)) << "-5"
                                    << "-5";
    QTest::newRow("bool true") << DType::Bool << bytesOf(quint8(1)) << "true"
                               << "true";
    QTest::newRow("bool false") << DType::Bool << bytesOf(quint8(0)) << "false"
                                << "false";
}

void TestModels::arrayTableFormatting()
{
    QFETCH(DType, dtype);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, display);
    QFETCH(QString, toolTip);

    ArrayMeta meta;
    meta.dtype = dtype;
    meta.shape = { 2 };
    QString error;
    auto array = SharedArray::create(meta, &error);
    QVERIFY2(array, qPrintable(error));
    QCOMPARE(bytes.size(), dtypeSize(dtype));
    std::memcpy(array->mutableData() + dtypeSize(dtype), bytes.constData(), size_t(bytes.size())); // row 1

    ArrayTableModel model;
    Tester tester(&model, kReport);
    model.setArray(array);
    QCOMPARE(model.data(model.index(1, 0), Qt::DisplayRole).toString(), display);
    QCOMPARE(model.data(model.index(1, 0), Qt::ToolTipRole).toString(), toolTip);
}

void TestModels::arrayTableHeaders()
{
    ArrayTableModel model;
    Tester tester(&model, kReport);
    model.setArray(makePatternArray(DType::Int32, { 2, 3, 4 }, true));
    QCOMPARE(model.headerData(6, Qt::Horizontal).toString(), QStringLiteral("6"));
    QCOMPARE(model.headerData(1, Qt::Vertical).toString(), QStringLiteral("1"));
    QCOMPARE(model.headerData(0, Qt::Horizontal, Qt::ToolTipRole).toString(), QStringLiteral("[0, 0]"));
    QCOMPARE(model.headerData(6, Qt::Horizontal, Qt::ToolTipRole).toString(), QStringLiteral("[1, 2]"));
    QCOMPARE(model.headerData(11, Qt::Horizontal, Qt::ToolTipRole).toString(), QStringLiteral("[2, 3]"));
    QCOMPARE(model.trailingIndex(7), (QVector<qint64> { 1, 3 }));

    model.setArray(makePatternArray(DType::Int32, { 5 }, false));
    QCOMPARE(model.headerData(4, Qt::Vertical).toString(), QStringLiteral("4"));
    QVERIFY(!model.headerData(0, Qt::Horizontal, Qt::ToolTipRole).isValid());
}

void TestModels::arrayTableHuge_data()
{
    QTest::addColumn<bool>("fortran");
    QTest::newRow("C") << false;
    QTest::newRow("F") << true;
}

void TestModels::arrayTableHuge()
{
    QFETCH(bool, fortran);
    // 10^8 float64 elements (800 MB of shared memory, untouched pages: only the pages written
    // below get backed). No QAbstractItemModelTester here: it visits every one of the 10^8 cells,
    // which is exactly the work this test shows the model never does; the other tests attach it.
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = { 10000, 10000 };
    meta.fortranOrder = fortran;
    QString error;
    auto array = SharedArray::create(meta, &error);
    QVERIFY2(array, qPrintable(error));
    // Element (9999, 1) and (1, 9999), placed by hand for the memory order.
    const qint64 a = fortran ? 9999 + 1 * 10000 : 9999 * 10000 + 1;
    const qint64 b = fortran ? 1 + 9999 * 10000 : 1 * 10000 + 9999;
    const double valueA = 2.5;
    const double valueB = -7.25;
    std::memcpy(array->mutableData() + a * 8, &valueA, 8);
    std::memcpy(array->mutableData() + b * 8, &valueB, 8);

    ArrayTableModel model;
    QElapsedTimer timer;
    timer.start();
    model.setArray(array);
    const int rows = model.rowCount();
    const int columns = model.columnCount();
    const QString corner = model.data(model.index(9999, 1)).toString();
    const qint64 elapsedMs = timer.elapsed();
    QVERIFY2(elapsedMs < 100, qPrintable(QStringLiteral("setArray took %1 ms").arg(elapsedMs)));
    QCOMPARE(rows, 10000);
    QCOMPARE(columns, 10000);
    QCOMPARE(corner, QStringLiteral("2.5"));
    QCOMPARE(model.valueAt(9999, 1).toDouble(), valueA);
    QCOMPARE(model.valueAt(1, 9999).toDouble(), valueB);
    QCOMPARE(model.valueAt(9999, 9999).toDouble(), 0.0);
    QVERIFY(!model.valueAt(10000, 0).isValid());
}

void TestModels::arrayListFollowsStore()
{
    ArrayStore store;
    ArrayListModel model(&store);
    Tester tester(&model, kReport);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy loaded(&store, &ArrayStore::loaded);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(ArrayListModel::ColumnCount));

    ArrayMeta small;
    small.dtype = DType::Float64;
    small.shape = { 3, 4 };
    ArrayMeta big;
    big.dtype = DType::Float64;
    big.shape = { 1000, 1000 };
    const int smallId = store.generate(QStringLiteral("small"), small, Distribution::Arange, 1);
    const int bigId = store.generate(QStringLiteral("big"), big, Distribution::Uniform, 2);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString npy = dir.filePath(QStringLiteral("fortran.npy"));
    QVERIFY(writeFortranNpy(npy));
    const int fileId = store.load(npy);
    QCOMPARE(model.rowCount(), 0); // nothing listed while loading
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 3, 10000);

    QCOMPARE(inserted.count(), 3);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(model.rowCount(), 3);
    const QVector<int> ids = store.ids();
    for (int row = 0; row < 3; ++row) {
        QCOMPARE(model.idAt(row), ids.at(row));
        QCOMPARE(model.rowOf(ids.at(row)), row);
    }
    QCOMPARE(model.idAt(3), 0);
    QCOMPARE(model.rowOf(12345), -1);

    auto text = [&](int id, int column, int role = Qt::DisplayRole) {
        return model.data(model.index(model.rowOf(id), column), role).toString();
    };
    QCOMPARE(text(smallId, ArrayListModel::NameColumn), QStringLiteral("small"));
    QCOMPARE(text(smallId, ArrayListModel::DTypeColumn), QStringLiteral("float64"));
    QCOMPARE(text(smallId, ArrayListModel::ShapeColumn), QStringLiteral("(3, 4)"));
    QCOMPARE(text(smallId, ArrayListModel::OrderColumn), QStringLiteral("C"));
    QCOMPARE(text(smallId, ArrayListModel::SizeColumn), QStringLiteral("96 B"));
    QCOMPARE(text(bigId, ArrayListModel::SizeColumn), QStringLiteral("7.6 MiB"));
    QCOMPARE(text(bigId, ArrayListModel::ShapeColumn), QStringLiteral("(1000, 1000)"));
    QCOMPARE(text(fileId, ArrayListModel::NameColumn), QStringLiteral("fortran.npy"));
    QCOMPARE(text(fileId, ArrayListModel::DTypeColumn), QStringLiteral("int32"));
    QCOMPARE(text(fileId, ArrayListModel::ShapeColumn), QStringLiteral("(2, 3)"));
    QCOMPARE(text(fileId, ArrayListModel::OrderColumn), QStringLiteral("F"));
    QCOMPARE(text(fileId, ArrayListModel::NameColumn, Qt::ToolTipRole), npy);
    const auto bigArray = store.array(bigId);
    QCOMPARE(text(bigId, ArrayListModel::SegmentColumn), bigArray->segmentName());
    QVERIFY(!bigArray->segmentName().isEmpty());
    QCOMPARE(
        text(bigId, ArrayListModel::SegmentColumn, Qt::ToolTipRole),
        QStringLiteral("System V shared memory segment, %1 bytes including the header").arg(bigArray->segmentBytes()));
    QVERIFY(bigArray->segmentBytes() > 8000000);
    QCOMPARE(model.headerData(ArrayListModel::SegmentColumn, Qt::Horizontal).toString(), QStringLiteral("Segment"));

    // A second model sees what is already loaded.
    ArrayListModel late(&store);
    Tester lateTester(&late, kReport);
    QCOMPARE(late.rowCount(), 3);
    QCOMPARE(late.idAt(2), ids.at(2));

    const int middleRow = 1;
    const int middleId = model.idAt(middleRow);
    store.remove(middleId);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), middleRow);
    QCOMPARE(removed.at(0).at(2).toInt(), middleRow);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOf(middleId), -1);
    QCOMPARE(model.idAt(0), ids.at(0));
    QCOMPARE(model.idAt(1), ids.at(2));
    QCOMPARE(late.rowCount(), 2);

    store.remove(middleId); // already gone: nothing happens
    QCOMPARE(removed.count(), 1);
    store.remove(model.idAt(0));
    store.remove(model.idAt(0));
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(removed.count(), 3);

    const int againId = store.generate(QStringLiteral("again"), small, Distribution::Normal, 3);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.idAt(0), againId);
    QCOMPARE(inserted.count(), 4);
    QCOMPARE(resets.count(), 0);
}

void TestModels::resultsUpdateRanges_data()
{
    // Status strings: one char per position, '.' pending, 'D' done, 'F' failed. The output array
    // holds row * 0.5 for every row, as if the workers were halfway through writing it. `first`
    // is applied from position 0 before the spy starts.
    QTest::addColumn<QString>("first");
    QTest::addColumn<int>("from");
    QTest::addColumn<QString>("second");
    QTest::addColumn<QString>("ranges");
    QTest::addColumn<qint64>("done");
    QTest::addColumn<qint64>("failed");

    QTest::newRow("nothing changes") << "" << 0 << "...................."
                                     << "" << qint64(0) << qint64(0);
    QTest::newRow("two runs") << "" << 0 << "..DDD.....DDD......."
                              << "2-4,10-12" << qint64(6) << qint64(0);
    QTest::newRow("whole block") << "" << 5 << "DDDDDDDDDD"
                                 << "5-14" << qint64(10) << qint64(0);
    QTest::newRow("failed is a change") << "" << 0 << "F.D.FF"
                                        << "0-0,2-2,4-5" << qint64(1) << qint64(3);
    QTest::newRow("same again") << "..DD" << 0 << "..DD"
                                << "" << qint64(2) << qint64(0);
    QTest::newRow("only new rows") << "DDDD" << 0 << "DDDDDD.D"
                                   << "4-5,7-7" << qint64(7) << qint64(0);
    QTest::newRow("done rows fail on a retry") << "DDDD" << 1 << "FF"
                                               << "1-2" << qint64(2) << qint64(2);
    QTest::newRow("ends at table end") << "" << 15 << "...DDDDDD"
                                       << "18-19" << qint64(2) << qint64(0);
    QTest::newRow("beyond the table") << "" << 25 << "DDD"
                                      << "" << qint64(0) << qint64(0);
}

void TestModels::resultsUpdateRanges()
{
    QFETCH(QString, first);
    QFETCH(int, from);
    QFETCH(QString, second);
    QFETCH(QString, ranges);
    QFETCH(qint64, done);
    QFETCH(qint64, failed);

    auto apply = [](ResultsModel& model, int start, const QString& text) {
        std::vector<quint8> status(size_t(text.size()), quint8(Pending));
        for (int i = 0; i < text.size(); ++i) {
            if (text.at(i) == QLatin1Char('D'))
                status[size_t(i)] = Done;
            else if (text.at(i) == QLatin1Char('F'))
                status[size_t(i)] = Failed;
        }
        model.update(start, text.size(), status.data());
    };

    QVector<double> output(20);
    for (int row = 0; row < 20; ++row)
        output[row] = row * 0.5;
    ResultsModel model;
    Tester tester(&model, kReport);
    model.reset(IndexList::range(100, 3, 20), 1, ResultValues(output));
    QCOMPARE(model.rowCount(), 20);
    QCOMPARE(model.doneCount(), qint64(0));
    apply(model, 0, first);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    apply(model, from, second);
    QCOMPARE(changedRanges(changed, model.columnCount()), ranges);
    QCOMPARE(model.doneCount(), done);
    QCOMPARE(model.failedCount(), failed);
    // The values are read from the output array, and only once a row is no longer pending.
    for (int row = 0; row < 20; ++row) {
        if (model.statusAt(row) == Pending)
            QVERIFY(std::isnan(model.value(row)));
        else
            QCOMPARE(model.value(row), row * 0.5);
    }
}

void TestModels::resultsBigBlockOneSignal()
{
    // The tester walks every cell on reset with several QtTest checks each (about 0.3 ms per cell
    // in Qt 6.4), so the block stays at 2000 rows: enough that one signal per row would show.
    const qint64 n = 2000;
    ResultsModel model;
    Tester tester(&model, kReport);
    QVector<double> values(n);
    std::iota(values.begin(), values.end(), 0.0);
    model.reset(IndexList::range(0, 1, n), 1, ResultValues(values));
    std::vector<quint8> status(static_cast<size_t>(n), quint8(Done));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.update(0, n, status.data());
    QCOMPARE(changedRanges(changed, model.columnCount()), QStringLiteral("0-1999"));
    QCOMPARE(model.doneCount(), n);

    // Every other row fails: one signal per changed row is what a contiguous run cannot avoid,
    // but untouched rows between them must not be reported.
    changed.clear();
    for (qint64 i = 0; i < 1000; i += 2)
        status[size_t(i)] = Failed;
    model.update(0, n, status.data());
    QCOMPARE(changed.count(), 500);
    QCOMPARE(model.failedCount(), qint64(500));
    QCOMPARE(model.doneCount(), n - 500);
}

void TestModels::resultsDisplay()
{
    ResultsModel model;
    Tester tester(&model, kReport);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // What the workers left in the output array: the pending row's value is being written.
    model.reset(IndexList::range(10, 5, 4), 1, ResultValues { 3.14159265358979, nan, 7.0, 42.0 });
    QCOMPARE(model.columnCount(), 4);
    QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Position"));
    QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("Index"));
    QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("Value"));
    QCOMPARE(model.headerData(3, Qt::Horizontal).toString(), QStringLiteral("Status"));

    const quint8 status[] = { Done, Failed, Pending, Done };
    model.update(0, 4, status);
    auto cell = [&](int row, int column, int role = Qt::DisplayRole) {
        return model.data(model.index(row, column), role).toString();
    };
    QCOMPARE(cell(2, 0), QStringLiteral("2"));
    QCOMPARE(cell(2, 1), QStringLiteral("20"));
    QCOMPARE(cell(0, 2), QStringLiteral("3.14159"));
    QCOMPARE(cell(0, 2, Qt::ToolTipRole), QStringLiteral("3.14159265358979"));
    QCOMPARE(cell(1, 2), QStringLiteral("nan"));
    QCOMPARE(cell(2, 2), QString()); // pending: not known yet
    QCOMPARE(cell(3, 2), QStringLiteral("42"));
    QCOMPARE(cell(0, 3), QStringLiteral("done"));
    QCOMPARE(cell(1, 3), QStringLiteral("failed"));
    QCOMPARE(cell(2, 3), QStringLiteral("pending"));
    QCOMPARE(model.doneCount(), qint64(2));

    model.reset(IndexList::list({ 4, 2 }), 3, ResultValues { 1, 2, 3, 4.5, 5.5, 6.5 });
    QCOMPARE(model.columnCount(), 6);
    QCOMPARE(model.doneCount(), qint64(0));
    QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("Value 0"));
    QCOMPARE(model.headerData(4, Qt::Horizontal).toString(), QStringLiteral("Value 2"));
    QCOMPARE(model.headerData(5, Qt::Horizontal).toString(), QStringLiteral("Status"));
    const quint8 wideStatus[] = { Done, Done };
    model.update(0, 2, wideStatus);
    QCOMPARE(cell(1, 1), QStringLiteral("2"));
    QCOMPARE(cell(1, 4), QStringLiteral("6.5"));
    QCOMPARE(cell(0, 5), QStringLiteral("done"));
}

void TestModels::resultsCopyText()
{
    ResultsModel model;
    Tester tester(&model, kReport);
    model.reset(IndexList::list({ 7, 3, 9, 3 }), 2, ResultValues { 1.5, -2, 0.1 + 0.2, 1e300, 5, 6, 8, 9 });
    const quint8 status[] = { Done, Done, Pending, Done };
    model.update(0, 4, status);

    QModelIndexList selection { model.index(3, 0), model.index(1, 2), model.index(1, 0), model.index(0, 4),
                                model.index(3, 3) };
    QCOMPARE(model.copyText(selection), QStringLiteral("7\t1.5\t-2\n3\t0.30000000000000004\t1e+300\n3\t8\t9"));
    QCOMPARE(model.copyText({ model.index(2, 1) }), QStringLiteral("9\tnan\tnan"));
    QCOMPARE(model.copyText({}), QString());
}

void TestModels::resultsSetResult()
{
    ResultsModel model;
    Tester tester(&model, kReport);
    model.reset(IndexList::range(0, 1, 3), 1, {});
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);

    JobResult result;
    result.indices = IndexList::range(0, 2, 5);
    result.resultWidth = 1;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    result.values = { 0.5, nan, 2.5, 3.5, nan };
    result.status = QByteArray("\x01\x02\x01\x01\x00", 5);
    result.failureReasons.insert(1, QStringLiteral("kernel raised: boom"));
    model.setResult(result);

    QCOMPARE(resets.count(), 1);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.doneCount(), qint64(3));
    QCOMPARE(model.failedCount(), qint64(1));
    QCOMPARE(model.data(model.index(3, 1)).toString(), QStringLiteral("6"));
    QCOMPARE(model.data(model.index(3, 2)).toString(), QStringLiteral("3.5"));
    QCOMPARE(model.data(model.index(1, 3)).toString(), QStringLiteral("failed"));
    QCOMPARE(model.data(model.index(1, 3), Qt::ToolTipRole).toString(), QStringLiteral("kernel raised: boom"));
    QCOMPARE(model.data(model.index(4, 3)).toString(), QStringLiteral("pending"));
    QCOMPARE(model.copyText({ model.index(2, 0) }), QStringLiteral("4\t2.5"));
}

void TestModels::workerRows()
{
    WorkerModel model;
    Tester tester(&model, kReport);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(WorkerModel::ColumnCount));

    model.setWorkers({ worker(0, WorkerState::Starting), worker(1, WorkerState::Starting) });
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 1);
    QCOMPARE(changed.count(), 0);

    inserted.clear();
    model.setWorkers({ worker(0, WorkerState::Running, 120, 128), worker(1, WorkerState::Idle),
                       worker(2, WorkerState::Running, 0, 1), worker(3, WorkerState::Crashed) });
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 2);
    QCOMPARE(inserted.at(0).at(2).toInt(), 3);
    QCOMPARE(changedRanges(changed, WorkerModel::ColumnCount), QStringLiteral("0-1"));

    auto cell = [&](int row, int column, int role = Qt::DisplayRole) {
        return model.data(model.index(row, column), role).toString();
    };
    QCOMPARE(cell(0, WorkerModel::WorkerColumn), QStringLiteral("0"));
    QCOMPARE(cell(0, WorkerModel::PidColumn), QStringLiteral("1000"));
    QCOMPARE(cell(0, WorkerModel::StateColumn), QStringLiteral("running"));
    QCOMPARE(cell(0, WorkerModel::ChunkColumn), QStringLiteral("120:128"));
    QCOMPARE(cell(1, WorkerModel::ChunkColumn), QStringLiteral("—"));
    QCOMPARE(cell(2, WorkerModel::ChunkColumn), QStringLiteral("0:1"));
    QCOMPARE(cell(2, WorkerModel::TasksColumn), QStringLiteral("20"));
    QCOMPARE(cell(2, WorkerModel::CpuColumn), QStringLiteral("97"));
    QCOMPARE(cell(2, WorkerModel::RssColumn), QStringLiteral("5.0 MiB"));
    QCOMPARE(cell(2, WorkerModel::PssColumn), formatBytes(3 * 1024 * 1024));
    QCOMPARE(cell(0, WorkerModel::HeartbeatColumn), QStringLiteral("0.1 s ago"));
    QCOMPARE(cell(2, WorkerModel::HeartbeatColumn), QStringLiteral("0.3 s ago"));
    QCOMPARE(cell(3, WorkerModel::HeartbeatColumn), QStringLiteral("—")); // crashed: no process to beat
    QCOMPARE(cell(0, WorkerModel::OwnColumn), QStringLiteral("—")); // no memory reading yet
    QSignalSpy ownChanged(&model, &QAbstractItemModel::dataChanged);
    model.setOwnMemory({ 2 * 1024 * 1024, 0, 7 * 1024 * 1024 });
    QCOMPARE(ownChanged.count(), 1);
    QCOMPARE(ownChanged.at(0).at(0).toModelIndex().column(), int(WorkerModel::OwnColumn));
    QCOMPARE(cell(0, WorkerModel::OwnColumn), QStringLiteral("2.0 MiB"));
    QCOMPARE(cell(1, WorkerModel::OwnColumn), QStringLiteral("—"));
    QCOMPARE(cell(2, WorkerModel::OwnColumn), QStringLiteral("7.0 MiB"));
    QCOMPARE(cell(3, WorkerModel::OwnColumn), QStringLiteral("—")); // beyond the reading
    model.setOwnMemory({ 2 * 1024 * 1024, 0, 7 * 1024 * 1024 });
    QCOMPARE(ownChanged.count(), 1); // the same reading: nothing to repaint
    // A restarted worker says so in its row; a beat read just after it was stamped is never negative.
    WorkerInfo restarted = worker(1, WorkerState::Running, 277, 279);
    restarted.restarts = 2;
    restarted.heartbeatAgeS = -0.00002;
    model.setWorkers({ worker(0, WorkerState::Running, 120, 128), restarted, worker(2, WorkerState::Running, 0, 1),
                       worker(3, WorkerState::Crashed) });
    QCOMPARE(cell(1, WorkerModel::WorkerColumn), QStringLiteral("1 (↻2)"));
    QVERIFY(cell(1, WorkerModel::WorkerColumn, Qt::ToolTipRole).contains(QStringLiteral("2 process restart")));
    QCOMPARE(cell(1, WorkerModel::ChunkColumn), QStringLiteral("277:279"));
    QCOMPARE(cell(1, WorkerModel::HeartbeatColumn), QStringLiteral("0.0 s ago"));
    changed.clear();
    QVERIFY(cell(0, WorkerModel::HeartbeatColumn, Qt::ToolTipRole).contains(QStringLiteral("heartbeat")));
    QCOMPARE(model.headerData(WorkerModel::CpuColumn, Qt::Horizontal).toString(), QStringLiteral("CPU %"));

    changed.clear();
    model.setWorkers({ worker(0, WorkerState::Finished) });
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 1);
    QCOMPARE(removed.at(0).at(2).toInt(), 3);
    QCOMPARE(changedRanges(changed, WorkerModel::ColumnCount), QStringLiteral("0-0"));
    QCOMPARE(cell(0, WorkerModel::StateColumn), QStringLiteral("finished"));
    // A cancelled job's workers were stopped, not finished.
    model.setWorkers({ worker(0, WorkerState::Finished) }, true);
    QCOMPARE(cell(0, WorkerModel::StateColumn), QStringLiteral("stopped"));
    QVERIFY(cell(0, WorkerModel::StateColumn, Qt::ToolTipRole).contains(QStringLiteral("cancelled")));
    model.setWorkers({ worker(0, WorkerState::Finished) });
    QCOMPARE(cell(0, WorkerModel::StateColumn), QStringLiteral("finished"));

    // Same count: one dataChanged over the whole table, no structural change.
    changed.clear();
    inserted.clear();
    removed.clear();
    WorkerInfo again = worker(0, WorkerState::Finished);
    again.tasksDone = 12345;
    model.setWorkers({ again });
    QCOMPARE(changedRanges(changed, WorkerModel::ColumnCount), QStringLiteral("0-0"));
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(cell(0, WorkerModel::TasksColumn), QStringLiteral("12345"));

    model.setWorkers({});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(resets.count(), 0);
}

void TestModels::workerStates_data()
{
    QTest::addColumn<WorkerState>("state");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("hueLow"); // expected hue range in degrees; -1 for grey
    QTest::addColumn<int>("hueHigh");

    QTest::newRow("starting") << WorkerState::Starting << "starting" << 30 << 50; // amber
    QTest::newRow("running") << WorkerState::Running << "running" << 90 << 150; // green
    QTest::newRow("idle") << WorkerState::Idle << "idle" << -1 << -1; // grey
    QTest::newRow("crashed") << WorkerState::Crashed << "crashed" << 0 << 10; // red
    QTest::newRow("finished") << WorkerState::Finished << "finished" << 200 << 240; // blue
}

void TestModels::workerStates()
{
    QFETCH(WorkerState, state);
    QFETCH(QString, text);
    QFETCH(int, hueLow);
    QFETCH(int, hueHigh);

    WorkerModel model;
    Tester tester(&model, kReport);
    model.setWorkers({ worker(0, state) });
    const QModelIndex index = model.index(0, WorkerModel::StateColumn);
    QCOMPARE(model.data(index).toString(), text);

    const QColor colour = WorkerModel::stateColor(state);
    if (hueLow < 0) {
        QVERIFY2(colour.hsvSaturation() < 30, qPrintable(colour.name()));
    } else {
        QVERIFY2(colour.hsvSaturation() > 120, qPrintable(colour.name()));
        QVERIFY2(colour.hsvHue() >= hueLow && colour.hsvHue() <= hueHigh, qPrintable(colour.name()));
    }

    // The decoration is a dot of that colour: centre painted, corners transparent.
    const QVariant decoration = model.data(index, Qt::DecorationRole);
    QCOMPARE(decoration.typeId(), QMetaType::QIcon);
    const QImage image = decoration.value<QIcon>().pixmap(12, 12).toImage();
    QCOMPARE(image.size(), QSize(12, 12));
    QCOMPARE(image.pixelColor(6, 6), colour);
    QCOMPARE(image.pixelColor(0, 0).alpha(), 0);
    QVERIFY(!model.data(model.index(0, WorkerModel::PidColumn), Qt::DecorationRole).isValid());
}

QTEST_MAIN(TestModels)
#include "tst_models.moc"
