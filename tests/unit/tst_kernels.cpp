// Unit tests of the built-in kernels (docs/KERNELS.md) on small arrays in shared memory, in C and
// Fortran order, against values worked out by hand; and of the registry and resolveParams().

#include "kernels/kernel.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QtTest>

using namespace sharedmap;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

const QStringList kKernelNames
    = { QStringLiteral("diag"),    QStringLiteral("row_sum"), QStringLiteral("row_mean"), QStringLiteral("row_std"),
        QStringLiteral("row_min"), QStringLiteral("row_max"), QStringLiteral("row_norm") };

/// Kernels added after the first table (docs/KERNELS.md): writable rows and teaching demos.
const QStringList kLaterKernelNames
    = { QStringLiteral("row_normalize"), QStringLiteral("row_cumsum"),     QStringLiteral("blur"),
        QStringLiteral("mandelbrot"),    QStringLiteral("race_increment"), QStringLiteral("histogram"),
        QStringLiteral("monte_carlo_pi") };

/// Position in Fortran order of the element at position `c` in C order.
qint64 fortranPosition(const QVector<qint64>& shape, qint64 c)
{
    QVector<qint64> index(shape.size());
    for (int d = int(shape.size()) - 1; d >= 0; --d) {
        index[d] = c % shape[d];
        c /= shape[d];
    }
    qint64 position = 0, stride = 1;
    for (int d = 0; d < shape.size(); ++d) {
        position += index[d] * stride;
        stride *= shape[d];
    }
    return position;
}

/// An array in shared memory whose logical elements, in C order, are `elements` (native bytes);
/// stored in Fortran order when `fortran`.
std::shared_ptr<SharedArray> makeArray(DType type, const QVector<qint64>& shape, bool fortran,
                                       const QByteArray& elements)
{
    ArrayMeta meta;
    meta.dtype = type;
    meta.shape = shape;
    meta.fortranOrder = fortran;
    const int size = dtypeSize(type);
    if (elements.size() != meta.byteSize()) {
        qWarning("makeArray: %lld bytes given for shape %s", qint64(elements.size()), qPrintable(meta.shapeText()));
        return nullptr;
    }
    QString error;
    auto array = SharedArray::create(meta, &error);
    if (!array) {
        qWarning("makeArray: %s", qPrintable(error));
        return nullptr;
    }
    char* data = array->mutableData();
    for (qint64 c = 0; c < meta.elementCount(); ++c) {
        const qint64 to = fortran ? fortranPosition(shape, c) : c;
        std::memcpy(data + to * size, elements.constData() + c * size, size_t(size));
    }
    return array;
}

/// `values` converted to `type`, C order.
QByteArray typedBytes(DType type, const QVector<double>& values)
{
    QByteArray bytes(values.size() * dtypeSize(type), Qt::Uninitialized);
    dispatchDType(type, [&](auto tag) {
        using T = decltype(tag);
        T* p = reinterpret_cast<T*>(bytes.data());
        for (int i = 0; i < values.size(); ++i)
            p[i] = T(values[i]);
    });
    return bytes;
}

template <typename T> QByteArray rawBytes(std::initializer_list<T> values)
{
    QByteArray bytes;
    for (T value : values)
        bytes.append(reinterpret_cast<const char*>(&value), sizeof value);
    return bytes;
}

/// Runs `name` over its whole index space (`all`) with default parameters.
QVector<double> runKernel(const QString& name, const SharedArray& array, QString* error)
{
    const KernelDef* def = KernelRegistry::instance().find(name);
    if (!def) {
        *error = QStringLiteral("no kernel ") + name;
        return {};
    }
    QVariantMap params;
    *error = resolveParams(def->info, {}, &params);
    if (!error->isEmpty())
        return {};
    qint64 count = -1;
    *error = def->indexCount(array.meta(), params, &count);
    if (!error->isEmpty())
        return {};
    KernelContext context;
    context.input = array.view();
    context.params = params;
    const auto kernel = def->create(context, error);
    if (!kernel) {
        if (error->isEmpty())
            *error = QStringLiteral("create() failed without an error text");
        return {};
    }
    QVector<qint64> shape;
    if (def->resultShape)
        *error = def->resultShape(array.meta(), params, &shape);
    qint64 width = 1;
    for (qint64 extent : shape)
        width *= extent;
    QVector<double> out(count * width, -12345.0);
    for (qint64 i = 0; i < count; ++i) {
        if (!kernel->evaluate(i, out.data() + i * width)) {
            *error = QStringLiteral("index %1 failed").arg(i);
            return {};
        }
    }
    return out;
}

bool sameValue(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

/// Bit-identical, except that any NaN equals any NaN.
bool identical(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

/// Within a few units in the last place.
bool nearlyEqual(double a, double b)
{
    return identical(a, b) || std::abs(a - b) <= 1e-14 * std::max(std::abs(a), std::abs(b));
}

QString listText(const QVector<double>& values)
{
    QStringList parts;
    for (double v : values)
        parts << QString::number(v, 'g', 17);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

QString mismatch(const QVector<double>& actual, const QVector<double>& expected, bool (*equal)(double, double))
{
    bool same = actual.size() == expected.size();
    for (int i = 0; same && i < actual.size(); ++i)
        same = equal(actual[i], expected[i]);
    return same ? QString() : QStringLiteral("got %1, expected %2").arg(listText(actual), listText(expected));
}

/// One small array and the results of every kernel on it, worked out by hand.
struct Dataset
{
    const char* name;
    QVector<qint64> shape;
    QVector<double> values; ///< C order
    QVector<DType> types;
    QMap<QString, QVector<double>> expected; ///< a missing kernel must refuse the array
};

const QVector<DType> kNonNegativeTypes
    = { DType::Int8,   DType::Int16,  DType::Int32,  DType::Int64,   DType::UInt8,
        DType::UInt16, DType::UInt32, DType::UInt64, DType::Float32, DType::Float64 };
const QVector<DType> kSignedTypes
    = { DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::Float32, DType::Float64 };
const QVector<DType> kAllTypes = kNonNegativeTypes + QVector<DType> { DType::Bool };

QVector<Dataset> datasets()
{
    return {
        { "2-D non-negative",
          { 3, 4 },
          { 1, 2, 3, 4, /**/ 0, 0, 0, 0, /**/ 5, 1, 9, 3 },
          kNonNegativeTypes,
          { { "diag", { 1, 0, 9 } },
            { "row_sum", { 10, 0, 18 } },
            { "row_mean", { 2.5, 0, 4.5 } },
            { "row_std", { std::sqrt(1.25), 0, std::sqrt(8.75) } },
            { "row_min", { 1, 0, 1 } },
            { "row_max", { 4, 0, 9 } },
            { "row_norm", { std::sqrt(30.0), 0, std::sqrt(116.0) } } } },
        { "2-D signed",
          { 3, 4 },
          { -3, 4, 0, -1, /**/ 2, 2, 2, 2, /**/ -7, -1, -2, -6 },
          kSignedTypes,
          { { "diag", { -3, 2, -2 } },
            { "row_sum", { 0, 8, -16 } },
            { "row_mean", { 0, 2, -4 } },
            { "row_std", { std::sqrt(6.5), 0, std::sqrt(6.5) } },
            { "row_min", { -3, 2, -7 } },
            { "row_max", { 4, 2, -1 } },
            { "row_norm", { std::sqrt(26.0), 4, std::sqrt(90.0) } } } },
        { "2-D bool",
          { 3, 4 },
          { 1, 0, 1, 1, /**/ 0, 0, 0, 0, /**/ 1, 1, 1, 1 },
          { DType::Bool },
          { { "diag", { 1, 0, 1 } },
            { "row_sum", { 3, 0, 4 } },
            { "row_mean", { 0.75, 0, 1 } },
            { "row_std", { std::sqrt(0.1875), 0, 0 } },
            { "row_min", { 0, 0, 1 } },
            { "row_max", { 1, 0, 1 } },
            { "row_norm", { std::sqrt(3.0), 0, 2 } } } },
        { "2-D fractions",
          { 2, 4 },
          { 0.5, -1.25, 2.75, 0, /**/ -0.125, 0.375, 0.375, -0.125 },
          { DType::Float32, DType::Float64 },
          { { "diag", { 0.5, 0.375 } },
            { "row_sum", { 2, 0.5 } },
            { "row_mean", { 0.5, 0.125 } },
            { "row_std", { std::sqrt(2.09375), 0.25 } },
            { "row_min", { -1.25, -0.125 } },
            { "row_max", { 2.75, 0.375 } },
            { "row_norm", { std::sqrt(9.375), std::sqrt(0.3125) } } } },
        { "2-D wide",
          { 2, 3 },
          { 4, 8, 6, /**/ 1, 3, 2 },
          kNonNegativeTypes,
          { { "diag", { 4, 3 } },
            { "row_sum", { 18, 6 } },
            { "row_mean", { 6, 2 } },
            { "row_std", { std::sqrt(8.0 / 3.0), std::sqrt(2.0 / 3.0) } },
            { "row_min", { 4, 1 } },
            { "row_max", { 8, 3 } },
            { "row_norm", { std::sqrt(116.0), std::sqrt(14.0) } } } },
        { "1-D",
          { 5 },
          { 3, 2, 0, 7, 5 },
          kNonNegativeTypes,
          { { "row_sum", { 3, 2, 0, 7, 5 } },
            { "row_mean", { 3, 2, 0, 7, 5 } },
            { "row_std", { 0, 0, 0, 0, 0 } },
            { "row_min", { 3, 2, 0, 7, 5 } },
            { "row_max", { 3, 2, 0, 7, 5 } },
            { "row_norm", { 3, 2, 0, 7, 5 } } } },
        { "1-D signed",
          { 4 },
          { -3, 2, -1, 0 },
          kSignedTypes,
          { { "row_sum", { -3, 2, -1, 0 } },
            { "row_mean", { -3, 2, -1, 0 } },
            { "row_std", { 0, 0, 0, 0 } },
            { "row_min", { -3, 2, -1, 0 } },
            { "row_max", { -3, 2, -1, 0 } },
            { "row_norm", { 3, 2, 1, 0 } } } },
        { "3-D non-negative",
          { 2, 2, 3 },
          { 1, 2, 3, 4, 5, 6, /**/ 3, 0, 7, 0, 0, 2 },
          kNonNegativeTypes,
          { { "row_sum", { 21, 12 } },
            { "row_mean", { 3.5, 2 } },
            { "row_std", { std::sqrt(17.5 / 6.0), std::sqrt(38.0 / 6.0) } },
            { "row_min", { 1, 0 } },
            { "row_max", { 6, 7 } },
            { "row_norm", { std::sqrt(91.0), std::sqrt(62.0) } } } },
        { "3-D signed",
          { 2, 3, 2 },
          { -1, 2, -3, 4, -5, 6, /**/ -6, 0, 0, 0, 0, 0 },
          kSignedTypes,
          { { "row_sum", { 3, -6 } },
            { "row_mean", { 0.5, -1 } },
            { "row_std", { std::sqrt(89.5 / 6.0), std::sqrt(5.0) } },
            { "row_min", { -5, -6 } },
            { "row_max", { 6, 0 } },
            { "row_norm", { std::sqrt(91.0), 6 } } } },
        { "3-D bool",
          { 2, 2, 2 },
          { 1, 1, 0, 0, /**/ 1, 1, 1, 1 },
          { DType::Bool },
          { { "row_sum", { 2, 4 } },
            { "row_mean", { 0.5, 1 } },
            { "row_std", { 0.5, 0 } },
            { "row_min", { 0, 1 } },
            { "row_max", { 1, 1 } },
            { "row_norm", { std::sqrt(2.0), 2 } } } },
        { "empty rows",
          { 3, 0 },
          {},
          kAllTypes,
          { { "diag", {} },
            { "row_sum", { 0, 0, 0 } },
            { "row_mean", { kNaN, kNaN, kNaN } },
            { "row_std", { kNaN, kNaN, kNaN } },
            { "row_min", { kNaN, kNaN, kNaN } },
            { "row_max", { kNaN, kNaN, kNaN } },
            { "row_norm", { 0, 0, 0 } } } },
        { "empty rows 3-D",
          { 2, 0, 3 },
          {},
          { DType::Float64, DType::Int16, DType::UInt8 },
          { { "row_sum", { 0, 0 } },
            { "row_mean", { kNaN, kNaN } },
            { "row_std", { kNaN, kNaN } },
            { "row_min", { kNaN, kNaN } },
            { "row_max", { kNaN, kNaN } },
            { "row_norm", { 0, 0 } } } },
        { "no rows",
          { 0, 4 },
          {},
          { DType::Float64, DType::Int32 },
          { { "diag", {} },
            { "row_sum", {} },
            { "row_mean", {} },
            { "row_std", {} },
            { "row_min", {} },
            { "row_max", {} },
            { "row_norm", {} } } },
        { "NaN and infinities",
          { 4, 3 },
          { kNaN, 1, 2, /**/ 1, kNaN, 2, /**/ 1, 2, kNaN, /**/ -kInf, 1, kInf },
          { DType::Float32, DType::Float64 },
          { { "diag", { kNaN, kNaN, kNaN } },
            { "row_sum", { kNaN, kNaN, kNaN, kNaN } },
            { "row_mean", { kNaN, kNaN, kNaN, kNaN } },
            { "row_std", { kNaN, kNaN, kNaN, kNaN } },
            { "row_min", { kNaN, kNaN, kNaN, -kInf } },
            { "row_max", { kNaN, kNaN, kNaN, kInf } },
            { "row_norm", { kNaN, kNaN, kNaN, kInf } } } },
        { "0-d", {}, { 5 }, { DType::Float64, DType::Int32 }, {} },
    };
}

} // namespace

Q_DECLARE_METATYPE(sharedmap::DType)

class TestKernels : public QObject
{
    Q_OBJECT

private slots:
    void registry();
    void kernels_data();
    void kernels();
    void extremeIntegers_data();
    void extremeIntegers();
    void fortranMatchesCOnRandomData_data();
    void fortranMatchesCOnRandomData();
    void indexCount_data();
    void indexCount();
    void resolveSleep_data();
    void resolveSleep();
    void resolveTypes_data();
    void resolveTypes();
    void paramTypeNames();
};

void TestKernels::registry()
{
    const KernelRegistry& registry = KernelRegistry::instance();
    QStringList names = registry.names();
    names.sort();
    // formula is tested in tst_userkernels and interop_formula.
    QStringList expected = kKernelNames + kLaterKernelNames + QStringList { QStringLiteral("formula") };
    expected.sort();
    QCOMPARE(names, expected);
    QCOMPARE(registry.all().size(), expected.size());
    QVERIFY(!registry.find(QStringLiteral("nope")));
    QVERIFY(!registry.find(QStringLiteral("Diag")));

    for (const QString& name : kKernelNames) {
        const KernelDef* def = registry.find(name);
        QVERIFY2(def, qPrintable(name));
        QCOMPARE(def->info.name, name);
        QVERIFY2(def->info.description && std::strlen(def->info.description) > 0, qPrintable(name));
        QVERIFY2(def->info.indexSpace && std::strlen(def->info.indexSpace) > 0, qPrintable(name));
        QVERIFY(def->info.needsInput);
        QVERIFY2(!def->resultShape, qPrintable(name)); // the contract kernels give one value per index
        QVERIFY(def->indexCount);
        QVERIFY(def->create);
        const ParamSpec* sleep = nullptr;
        for (const ParamSpec& spec : def->info.params) {
            if (spec.name == QLatin1String("sleep_ms"))
                sleep = &spec;
        }
        QVERIFY2(sleep, qPrintable(name + QStringLiteral(" has no sleep_ms")));
        QCOMPARE(sleep->defaultValue.toDouble(), 0.0);
        QVERIFY(sleep->type == ParamType::Double || sleep->type == ParamType::Int);
        QVERIFY(sleep->minimum.isValid());
        QCOMPARE(sleep->minimum.toDouble(), 0.0);
    }
}

void TestKernels::kernels_data()
{
    QTest::addColumn<QString>("kernel");
    QTest::addColumn<DType>("dtype");
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::addColumn<QVector<double>>("values");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QVector<double>>("expected");

    for (const Dataset& set : datasets()) {
        for (DType type : set.types) {
            for (const QString& kernel : kKernelNames) {
                const bool valid = set.expected.contains(kernel);
                QTest::addRow("%s %s %s", set.name, qPrintable(dtypeName(type)), qPrintable(kernel))
                    << kernel << type << set.shape << set.values << valid << set.expected.value(kernel);
            }
        }
    }
}

void TestKernels::kernels()
{
    QFETCH(QString, kernel);
    QFETCH(DType, dtype);
    QFETCH(QVector<qint64>, shape);
    QFETCH(QVector<double>, values);
    QFETCH(bool, valid);
    QFETCH(QVector<double>, expected);

    const QByteArray elements = typedBytes(dtype, values);
    const auto cArray = makeArray(dtype, shape, false, elements);
    const auto fArray = makeArray(dtype, shape, true, elements);
    QVERIFY(cArray && fArray);
    if (shape.size() >= 2 && shape[0] > 1 && shape[1] > 1)
        QVERIFY(!fArray->view().rowsContiguous()); // the Fortran case really takes the strided path

    QString cError, fError;
    const QVector<double> cResult = runKernel(kernel, *cArray, &cError);
    const QVector<double> fResult = runKernel(kernel, *fArray, &fError);
    if (!valid) {
        QVERIFY2(!cError.isEmpty(), qPrintable(QStringLiteral("accepted, gave %1").arg(listText(cResult))));
        QVERIFY2(!fError.isEmpty(), qPrintable(QStringLiteral("accepted, gave %1").arg(listText(fResult))));
        return;
    }
    QVERIFY2(cError.isEmpty(), qPrintable(cError));
    QVERIFY2(fError.isEmpty(), qPrintable(fError));
    const QString cProblem = mismatch(cResult, expected, sameValue);
    QVERIFY2(cProblem.isEmpty(), qPrintable(QStringLiteral("C order: ") + cProblem));
    const QString fProblem = mismatch(fResult, cResult, identical);
    QVERIFY2(fProblem.isEmpty(), qPrintable(QStringLiteral("Fortran order differs from C order: ") + fProblem));
}

void TestKernels::extremeIntegers_data()
{
    // Values a double cannot hold exactly or a wrong signedness would ruin; shape (2, 2).
    QTest::addColumn<DType>("dtype");
    QTest::addColumn<QByteArray>("elements");
    QTest::addColumn<QString>("kernel");
    QTest::addColumn<QVector<double>>("expected");

    constexpr qint64 i64min = std::numeric_limits<qint64>::min();
    constexpr qint64 i64max = std::numeric_limits<qint64>::max();
    constexpr quint64 u64max = std::numeric_limits<quint64>::max();
    const double two63 = std::ldexp(1.0, 63), two64 = std::ldexp(1.0, 64);
    const QByteArray int64s = rawBytes<qint64>({ i64min, i64max, -1, 1 });
    const QByteArray uint64s = rawBytes<quint64>({ u64max, 1, 0, u64max - 1 });
    const QByteArray int8s = rawBytes<qint8>({ -128, 127, -1, -128 });
    const QByteArray uint8s = rawBytes<quint8>({ 255, 0, 200, 100 });
    const QByteArray uint32s = rawBytes<quint32>({ 4294967295u, 1, 0, 2147483648u });

    QTest::newRow("int64 diag") << DType::Int64 << int64s << "diag" << QVector<double> { -two63, 1 };
    QTest::newRow("int64 min") << DType::Int64 << int64s << "row_min" << QVector<double> { -two63, -1 };
    QTest::newRow("int64 max") << DType::Int64 << int64s << "row_max" << QVector<double> { two63, 1 };
    QTest::newRow("int64 sum") << DType::Int64 << int64s << "row_sum" << QVector<double> { 0, 0 };
    QTest::newRow("int64 norm") << DType::Int64 << int64s << "row_norm"
                                << QVector<double> { std::sqrt(2.0) * two63, std::sqrt(2.0) };
    QTest::newRow("uint64 diag") << DType::UInt64 << uint64s << "diag" << QVector<double> { two64, two64 };
    QTest::newRow("uint64 max") << DType::UInt64 << uint64s << "row_max" << QVector<double> { two64, two64 };
    QTest::newRow("uint64 min") << DType::UInt64 << uint64s << "row_min" << QVector<double> { 1, 0 };
    QTest::newRow("uint64 sum") << DType::UInt64 << uint64s << "row_sum" << QVector<double> { two64, two64 };
    QTest::newRow("int8 min") << DType::Int8 << int8s << "row_min" << QVector<double> { -128, -128 };
    QTest::newRow("int8 max") << DType::Int8 << int8s << "row_max" << QVector<double> { 127, -1 };
    QTest::newRow("int8 sum") << DType::Int8 << int8s << "row_sum" << QVector<double> { -1, -129 };
    QTest::newRow("int8 mean") << DType::Int8 << int8s << "row_mean" << QVector<double> { -0.5, -64.5 };
    QTest::newRow("uint8 sum") << DType::UInt8 << uint8s << "row_sum" << QVector<double> { 255, 300 };
    QTest::newRow("uint8 norm") << DType::UInt8 << uint8s << "row_norm" << QVector<double> { 255, std::sqrt(50000.0) };
    QTest::newRow("uint32 sum") << DType::UInt32 << uint32s << "row_sum"
                                << QVector<double> { 4294967296.0, 2147483648.0 };
    QTest::newRow("uint32 max") << DType::UInt32 << uint32s << "row_max"
                                << QVector<double> { 4294967295.0, 2147483648.0 };
}

void TestKernels::extremeIntegers()
{
    QFETCH(DType, dtype);
    QFETCH(QByteArray, elements);
    QFETCH(QString, kernel);
    QFETCH(QVector<double>, expected);

    for (bool fortran : { false, true }) {
        const auto array = makeArray(dtype, { 2, 2 }, fortran, elements);
        QVERIFY(array);
        QString error;
        const QVector<double> result = runKernel(kernel, *array, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString problem = mismatch(result, expected, sameValue);
        QVERIFY2(problem.isEmpty(), qPrintable((fortran ? QStringLiteral("F: ") : QStringLiteral("C: ")) + problem));
    }
}

void TestKernels::fortranMatchesCOnRandomData_data()
{
    QTest::addColumn<DType>("dtype");
    QTest::addColumn<QVector<qint64>>("shape");

    for (DType type : { DType::Float64, DType::Float32, DType::Int16, DType::UInt64 }) {
        QTest::addRow("%s (37, 23)", qPrintable(dtypeName(type))) << type << QVector<qint64> { 37, 23 };
        QTest::addRow("%s (5, 7, 3, 2)", qPrintable(dtypeName(type))) << type << QVector<qint64> { 5, 7, 3, 2 };
    }
}

void TestKernels::fortranMatchesCOnRandomData()
{
    QFETCH(DType, dtype);
    QFETCH(QVector<qint64>, shape);

    qint64 count = 1;
    for (qint64 dim : shape)
        count *= dim;
    QRandomGenerator random(1234);
    QVector<double> values(count);
    for (double& v : values)
        v = dtype == DType::UInt64 ? double(random.bounded(1000)) : random.generateDouble() * 200.0 - 100.0;
    const QByteArray elements = typedBytes(dtype, values);
    const auto cArray = makeArray(dtype, shape, false, elements);
    const auto fArray = makeArray(dtype, shape, true, elements);
    QVERIFY(cArray && fArray);
    for (const QString& kernel : kKernelNames) {
        if (kernel == QLatin1String("diag") && shape.size() != 2)
            continue;
        QString cError, fError;
        const QVector<double> cResult = runKernel(kernel, *cArray, &cError);
        const QVector<double> fResult = runKernel(kernel, *fArray, &fError);
        QVERIFY2(cError.isEmpty() && fError.isEmpty(), qPrintable(cError + fError));
        QCOMPARE(cResult.size(), qsizetype(kernel == QLatin1String("diag") ? qMin(shape[0], shape[1]) : shape[0]));
        // The strided path gathers a row into doubles and reduces it with the double instantiation,
        // whose vectorised sums may associate differently from the typed one: for the summing
        // kernels of other dtypes the last bit may differ. Everything else must be bit-identical.
        const bool sums = kernel != QLatin1String("diag") && kernel != QLatin1String("row_min")
            && kernel != QLatin1String("row_max");
        const bool lastBitMayDiffer = sums && dtype != DType::Float64;
        const QString problem = mismatch(fResult, cResult, lastBitMayDiffer ? nearlyEqual : identical);
        QVERIFY2(problem.isEmpty(), qPrintable(kernel + QStringLiteral(": ") + problem));
    }
}

void TestKernels::indexCount_data()
{
    QTest::addColumn<QString>("kernel");
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::addColumn<qint64>("count"); // -1: refused

    QTest::newRow("diag square") << "diag" << QVector<qint64> { 4, 4 } << qint64(4);
    QTest::newRow("diag tall") << "diag" << QVector<qint64> { 7, 2 } << qint64(2);
    QTest::newRow("diag wide") << "diag" << QVector<qint64> { 2, 7 } << qint64(2);
    QTest::newRow("diag empty") << "diag" << QVector<qint64> { 0, 7 } << qint64(0);
    QTest::newRow("diag 1-D") << "diag" << QVector<qint64> { 7 } << qint64(-1);
    QTest::newRow("diag 3-D") << "diag" << QVector<qint64> { 2, 2, 2 } << qint64(-1);
    QTest::newRow("diag 0-d") << "diag" << QVector<qint64> {} << qint64(-1);
    for (const QString& name : kKernelNames.mid(1)) {
        QTest::addRow("%s 1-D", qPrintable(name)) << name << QVector<qint64> { 9 } << qint64(9);
        QTest::addRow("%s 3-D", qPrintable(name)) << name << QVector<qint64> { 6, 2, 3 } << qint64(6);
        QTest::addRow("%s 0-d", qPrintable(name)) << name << QVector<qint64> {} << qint64(-1);
    }
}

void TestKernels::indexCount()
{
    QFETCH(QString, kernel);
    QFETCH(QVector<qint64>, shape);
    QFETCH(qint64, count);

    const KernelDef* def = KernelRegistry::instance().find(kernel);
    QVERIFY(def);
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = shape;
    qint64 actual = -7;
    const QString error = def->indexCount(meta, {}, &actual);
    if (count < 0) {
        QVERIFY2(!error.isEmpty(), qPrintable(QStringLiteral("accepted with count %1").arg(actual)));
    } else {
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(actual, count);
    }
}

void TestKernels::resolveSleep_data()
{
    QTest::addColumn<QVariantMap>("raw");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("errorText");

    const auto one = [](const QVariant& value) { return QVariantMap { { QStringLiteral("sleep_ms"), value } }; };
    QTest::newRow("default") << QVariantMap() << true << 0.0 << "";
    QTest::newRow("text") << one(QStringLiteral("100")) << true << 100.0 << "";
    QTest::newRow("text with spaces") << one(QStringLiteral(" 2.5 ")) << true << 2.5 << "";
    QTest::newRow("double") << one(12.5) << true << 12.5 << "";
    QTest::newRow("int") << one(3) << true << 3.0 << "";
    QTest::newRow("qlonglong") << one(qlonglong(7)) << true << 7.0 << "";
    QTest::newRow("maximum") << one(3600000.0) << true << 3600000.0 << "";
    QTest::newRow("JSON double") << QJsonObject { { QStringLiteral("sleep_ms"), 42.0 } }.toVariantMap() << true << 42.0
                                 << "";
    QTest::newRow("JSON fraction") << QJsonDocument::fromJson("{\"sleep_ms\": 0.25}").object().toVariantMap() << true
                                   << 0.25 << "";
    QTest::newRow("JSON integer") << QJsonDocument::fromJson("{\"sleep_ms\": 5}").object().toVariantMap() << true << 5.0
                                  << "";
    QTest::newRow("word") << one(QStringLiteral("abc")) << false << 0.0 << "sleep_ms";
    QTest::newRow("empty text") << one(QString()) << false << 0.0 << "sleep_ms";
    QTest::newRow("number and unit") << one(QStringLiteral("100ms")) << false << 0.0 << "sleep_ms";
    QTest::newRow("negative text") << one(QStringLiteral("-1")) << false << 0.0 << "sleep_ms";
    QTest::newRow("negative double") << one(-1.0) << false << 0.0 << "sleep_ms";
    QTest::newRow("above maximum") << one(3600001.0) << false << 0.0 << "sleep_ms";
    QTest::newRow("nan") << one(QStringLiteral("nan")) << false << 0.0 << "sleep_ms";
    QTest::newRow("inf") << one(QStringLiteral("inf")) << false << 0.0 << "sleep_ms";
    QTest::newRow("bool") << one(true) << false << 0.0 << "sleep_ms";
    QTest::newRow("unknown key") << QVariantMap { { QStringLiteral("sleep"), 1 } } << false << 0.0 << "sleep";
    QTest::newRow("extra key") << QVariantMap { { QStringLiteral("sleep_ms"), 1 }, { QStringLiteral("extra"), 2 } }
                               << false << 0.0 << "extra";
}

void TestKernels::resolveSleep()
{
    QFETCH(QVariantMap, raw);
    QFETCH(bool, valid);
    QFETCH(double, value);
    QFETCH(QString, errorText);

    for (const QString& name : kKernelNames) {
        const KernelDef* def = KernelRegistry::instance().find(name);
        QVERIFY(def);
        QVariantMap typed;
        const QString error = resolveParams(def->info, raw, &typed);
        if (!valid) {
            QVERIFY2(!error.isEmpty(), qPrintable(name + QStringLiteral(": accepted")));
            QVERIFY2(error.contains(errorText), qPrintable(error));
            continue;
        }
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(typed.size(), def->info.params.size());
        QVERIFY(typed.contains(QStringLiteral("sleep_ms")));
        const QVariant sleep = typed.value(QStringLiteral("sleep_ms"));
        QCOMPARE(sleep.typeId(), int(QMetaType::Double));
        QCOMPARE(sleep.toDouble(), value);
    }
}

void TestKernels::resolveTypes_data()
{
    // A kernel made up for the test, so every ParamType and range is exercised.
    QTest::addColumn<QString>("key");
    QTest::addColumn<QVariant>("raw");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QVariant>("expected");

    const QString count = QStringLiteral("count"), flag = QStringLiteral("flag"), expr = QStringLiteral("expr"),
                  scale = QStringLiteral("scale");
    QTest::newRow("int text") << count << QVariant(QStringLiteral("7")) << true << QVariant(qint64(7));
    QTest::newRow("int JSON double") << count << QVariant(4.0) << true << QVariant(qint64(4));
    QTest::newRow("int qlonglong") << count << QVariant(qlonglong(10)) << true << QVariant(qint64(10));
    QTest::newRow("int minimum") << count << QVariant(1) << true << QVariant(qint64(1));
    QTest::newRow("int fraction") << count << QVariant(4.5) << false << QVariant();
    QTest::newRow("int fraction text") << count << QVariant(QStringLiteral("4.5")) << false << QVariant();
    QTest::newRow("int word") << count << QVariant(QStringLiteral("abc")) << false << QVariant();
    QTest::newRow("int below range") << count << QVariant(0) << false << QVariant();
    QTest::newRow("int above range") << count << QVariant(QStringLiteral("11")) << false << QVariant();
    QTest::newRow("int bool") << count << QVariant(true) << false << QVariant();
    QTest::newRow("int nan") << count << QVariant(kNaN) << false << QVariant();
    QTest::newRow("bool true") << flag << QVariant(QStringLiteral("true")) << true << QVariant(true);
    QTest::newRow("bool yes") << flag << QVariant(QStringLiteral("yes")) << true << QVariant(true);
    QTest::newRow("bool 1") << flag << QVariant(QStringLiteral("1")) << true << QVariant(true);
    QTest::newRow("bool FALSE") << flag << QVariant(QStringLiteral("FALSE")) << true << QVariant(false);
    QTest::newRow("bool no") << flag << QVariant(QStringLiteral("no")) << true << QVariant(false);
    QTest::newRow("bool JSON") << flag << QVariant(true) << true << QVariant(true);
    QTest::newRow("bool maybe") << flag << QVariant(QStringLiteral("maybe")) << false << QVariant();
    QTest::newRow("string") << expr << QVariant(QStringLiteral("B(i,i)*2")) << true
                            << QVariant(QStringLiteral("B(i,i)*2"));
    QTest::newRow("double unbounded") << scale << QVariant(QStringLiteral("-1e3")) << true << QVariant(-1000.0);
    QTest::newRow("double word") << scale << QVariant(QStringLiteral("1,5")) << false << QVariant();
}

void TestKernels::resolveTypes()
{
    QFETCH(QString, key);
    QFETCH(QVariant, raw);
    QFETCH(bool, valid);
    QFETCH(QVariant, expected);

    KernelInfo info;
    info.name = QStringLiteral("made_up");
    info.params = {
        { QStringLiteral("count"), ParamType::Int, qint64(3), qint64(1), qint64(10), "" },
        { QStringLiteral("flag"), ParamType::Bool, false, {}, {}, "" },
        { QStringLiteral("expr"), ParamType::String, QStringLiteral("x"), {}, {}, "" },
        { QStringLiteral("scale"), ParamType::Double, 1.0, {}, {}, "" },
    };

    QVariantMap defaults;
    QCOMPARE(resolveParams(info, {}, &defaults), QString());
    QCOMPARE(defaults.value(QStringLiteral("count")), QVariant(qint64(3)));
    QCOMPARE(defaults.value(QStringLiteral("flag")), QVariant(false));
    QCOMPARE(defaults.value(QStringLiteral("expr")), QVariant(QStringLiteral("x")));
    QCOMPARE(defaults.value(QStringLiteral("scale")), QVariant(1.0));

    QVariantMap typed;
    const QString error = resolveParams(info, { { key, raw } }, &typed);
    if (!valid) {
        QVERIFY2(!error.isEmpty(), qPrintable(QStringLiteral("accepted as %1").arg(typed.value(key).toString())));
        QVERIFY2(error.contains(key), qPrintable(error));
        return;
    }
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(typed.size(), qsizetype(4));
    QCOMPARE(typed.value(key).typeId(), expected.typeId());
    QCOMPARE(typed.value(key), expected);
}

void TestKernels::paramTypeNames()
{
    QCOMPARE(paramTypeName(ParamType::Int), QStringLiteral("int"));
    QCOMPARE(paramTypeName(ParamType::Double), QStringLiteral("double"));
    QCOMPARE(paramTypeName(ParamType::Bool), QStringLiteral("bool"));
    QCOMPARE(paramTypeName(ParamType::String), QStringLiteral("string"));
}

QTEST_GUILESS_MAIN(TestKernels)
#include "tst_kernels.moc"
