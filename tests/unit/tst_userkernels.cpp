// Formula kernels and plugins (docs/KERNELS.md) in process: the formula kernel against the
// built-in kernels on every dtype and both memory orders, its error positions and bounds-checked
// reads; JobSpec's `plugins` and loadJobPlugins(); and KernelRegistry::loadPlugin() with real
// plugins (the example, one built for SDK version 99).
#include "io/generator.h"
#include "job/jobspec.h"
#include "kernels/builtin/formulakernel.h"
#include "kernels/kernel.h"

#include <cmath>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace sharedmap;

namespace {

/// Evaluates `kernel` with `params` on every row of `array`; ok[r] says whether row r succeeded.
QVector<double> evaluateAll(const SharedArray& array, const QString& kernel, const QVariantMap& raw, QVector<bool>* ok,
                            QStringList* reasons = nullptr)
{
    const KernelDef* def = KernelRegistry::instance().find(kernel);
    if (!def)
        return {};
    QVariantMap params;
    if (!resolveParams(def->info, raw, &params).isEmpty())
        return {};
    QString error;
    KernelContext context;
    context.input = array.view();
    context.params = params;
    const std::unique_ptr<Kernel> k = def->create(context, &error);
    if (!k)
        return {};
    const qint64 rows = array.meta().shape[0];
    QVector<double> values(rows);
    ok->resize(rows);
    for (qint64 r = 0; r < rows; ++r) {
        (*ok)[r] = k->evaluate(r, &values[r]);
        if (reasons)
            reasons->append((*ok)[r] ? QString() : k->failureReason());
    }
    return values;
}

QVariantMap formula(const QString& expr, const QString& reduce)
{
    return { { QStringLiteral("expr"), expr }, { QStringLiteral("reduce"), reduce } };
}

bool close(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || std::abs(a - b) <= 1e-9 * (1 + std::abs(b));
}

} // namespace

class TestUserKernels : public QObject
{
    Q_OBJECT

private slots:
    void formulaMatchesBuiltins_data()
    {
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<bool>("fortran");
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("reduce");
        QTest::addColumn<QString>("builtin");
        QTest::addColumn<bool>("squareBuiltin");
        const char* dtypes[] = { "bool",   "int8",  "uint8",  "int16",   "uint16", "int32",
                                 "uint32", "int64", "uint64", "float32", "float64" };
        for (const char* dtype : dtypes) {
            for (bool fortran : { false, true }) {
                const QString order = fortran ? QStringLiteral("F") : QStringLiteral("C");
                auto row = [&](const char* expr, const char* reduce, const char* builtin, bool square) {
                    QTest::addRow("%s %s %s %s", dtype, qPrintable(order), expr, reduce)
                        << QString::fromLatin1(dtype) << fortran << QString::fromLatin1(expr)
                        << QString::fromLatin1(reduce) << QString::fromLatin1(builtin) << square;
                };
                row("x", "sum", "row_sum", false);
                row("x", "mean", "row_mean", false);
                row("x", "min", "row_min", false);
                row("x", "max", "row_max", false);
                row("x*x", "sum", "row_norm", true);
                row("B(i, j)", "sum", "row_sum", false);
                row("B(i*n + j)", "max", "row_max", false);
            }
        }
    }

    void formulaMatchesBuiltins()
    {
        QFETCH(QString, dtype);
        QFETCH(bool, fortran);
        QFETCH(QString, expr);
        QFETCH(QString, reduce);
        QFETCH(QString, builtin);
        QFETCH(bool, squareBuiltin);
        ArrayMeta meta;
        meta.dtype = dtypeFromName(dtype);
        meta.shape = { 9, 4, 3 };
        meta.fortranOrder = fortran;
        QString error;
        const auto array = generateArray(meta, Distribution::Normal, 5, &error);
        QVERIFY2(array, qPrintable(error));
        QVector<bool> okFormula, okBuiltin;
        const QVector<double> got = evaluateAll(*array, QStringLiteral("formula"), formula(expr, reduce), &okFormula);
        QVector<double> want = evaluateAll(*array, builtin, {}, &okBuiltin);
        QCOMPARE(got.size(), 9);
        QCOMPARE(want.size(), 9);
        for (int r = 0; r < 9; ++r) {
            QVERIFY(okFormula[r] && okBuiltin[r]);
            const double reference = squareBuiltin ? want[r] * want[r] : want[r];
            QVERIFY2(close(got[r], reference),
                     qPrintable(QStringLiteral("row %1: %2 vs %3").arg(r).arg(got[r]).arg(reference)));
        }
    }

    void formulaDiagonal()
    {
        ArrayMeta meta;
        meta.dtype = DType::Int32;
        meta.shape = { 6, 6 };
        QString error;
        const auto array = generateArray(meta, Distribution::Uniform, 9, &error);
        QVERIFY(array);
        QVector<bool> okFormula, okDiag;
        const QVector<double> got = evaluateAll(
            *array, QStringLiteral("formula"), formula(QStringLiteral("B(i,i)*2"), QStringLiteral("none")), &okFormula);
        const QVector<double> diag = evaluateAll(*array, QStringLiteral("diag"), {}, &okDiag);
        QCOMPARE(got.size(), 6);
        for (int r = 0; r < 6; ++r)
            QCOMPARE(got[r], 2 * diag[r]);
    }

    void outOfRangeReadsFailTheIndex_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("reduce");
        QTest::addColumn<int>("firstBad");
        QTest::addColumn<QString>("reason");
        QTest::newRow("row past the end") << "B(i + 3, 0)"
                                          << "none" << 3 << "B(6, 0) is outside the array of 6 rows x 5 columns";
        QTest::newRow("column past the end") << "B(i, i + 3)"
                                             << "none" << 2 << "B(2, 5) is outside the array of 6 rows x 5 columns";
        QTest::newRow("negative") << "B(i - 1, 0)"
                                  << "none" << 0 << "B(-1, 0) is outside the array of 6 rows x 5 columns";
        QTest::newRow("flat past the end") << "B(i*n + 10)"
                                           << "none" << 4 << "B(30) is outside the array of 30 elements";
        QTest::newRow("not whole") << "B(i / 2, 0)"
                                   << "none" << 1 << "B(0.5, 0): indices must be whole numbers";
        QTest::newRow("element mode") << "x + B(i + 4, j)"
                                      << "sum" << 2 << "B(6, 0) is outside the array of 6 rows x 5 columns";
    }

    void outOfRangeReadsFailTheIndex()
    {
        QFETCH(QString, expr);
        QFETCH(QString, reduce);
        QFETCH(int, firstBad);
        QFETCH(QString, reason);
        ArrayMeta meta;
        meta.dtype = DType::Float64;
        meta.shape = { 6, 5 };
        QString error;
        const auto array = generateArray(meta, Distribution::Arange, 1, &error);
        QVERIFY(array);
        QVector<bool> ok;
        QStringList reasons;
        const QVector<double> values
            = evaluateAll(*array, QStringLiteral("formula"), formula(expr, reduce), &ok, &reasons);
        QCOMPARE(values.size(), 6);
        int first = -1;
        for (int r = 0; r < 6; ++r) {
            if (!ok[r] && first < 0)
                first = r;
            QCOMPARE(std::isnan(values[r]), !ok[r]);
        }
        QCOMPARE(first, firstBad);
        QCOMPARE(reasons[firstBad], reason);
    }

    void errorPositions_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("reduce");
        QTest::addColumn<int>("position");
        QTest::addColumn<QString>("message");
        QTest::newRow("ok") << "sin(x)*j + i/n"
                            << "sum" << -1 << "";
        QTest::newRow("ok none") << "B(i, n-1) - B(i*n)"
                                 << "none" << -1 << "";
        QTest::newRow("dangling operator") << "x*"
                                           << "sum" << 2 << "Unexpected end of expression";
        QTest::newRow("unknown variable") << "x + z"
                                          << "mean" << 4 << "Unexpected token \"z\"";
        QTest::newRow("unknown function") << "median(x)"
                                          << "sum" << 0 << "Unexpected token \"median\"";
        QTest::newRow("x without elements") << "x*2"
                                            << "none" << 0
                                            << "x exists only with reduce=sum, mean, min, max or map; with reduce=none "
                                               "read elements with B(r, c) or B(k)";
        QTest::newRow("non-ASCII counts characters") << "\u00e9 + x"
                                                     << "sum" << 0 << "";
        QTest::newRow("two results") << "x, 2"
                                     << "sum" << -1
                                     << "one expression only: a comma separates function arguments, not results";
        QTest::newRow("empty") << "  "
                               << "sum" << 0 << "the expression is empty (e.g. --param \"expr=x^2\")";
        QTest::newRow("unknown reducer") << "x"
                                         << "median" << -1
                                         << "reduce must be sum, mean, min, max, none or map, not 'median'";
    }

    void errorPositions()
    {
        QFETCH(QString, expr);
        QFETCH(QString, reduce);
        QFETCH(int, position);
        QFETCH(QString, message);
        const FormulaProblem problem = checkFormula(expr, reduce);
        QCOMPARE(problem.position, position);
        if (!message.isEmpty())
            QCOMPARE(problem.message, message);
        QCOMPARE(problem.isEmpty(), position < 0 && message.isEmpty());
        // The same problem reaches JobSpec validation (what the CLI prints, exit 2).
        JobSpec spec;
        spec.input = QStringLiteral("B.npy");
        spec.kernel = QStringLiteral("formula");
        spec.params = formula(expr, reduce);
        const QString error = spec.validationError();
        QCOMPARE(error.isEmpty(), problem.isEmpty());
        if (position >= 0)
            QVERIFY2(error.contains(QStringLiteral("position %1: ").arg(position)), qPrintable(error));
    }

    void jobSpecPlugins()
    {
        QTemporaryDir dir;
        JobSpec spec;
        spec.input = QStringLiteral("/data/B.npy");
        spec.kernel = QStringLiteral("row_sum");
        spec.plugins = { QStringLiteral("/opt/a.so"), QStringLiteral("b.so") };
        QString error;
        const JobSpec back = JobSpec::fromJson(spec.toJson(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(back, spec);
        QCOMPARE(back.plugins, spec.plugins);
        // Relative plugin paths in a job file are relative to its folder.
        QFile file(dir.filePath(QStringLiteral("job.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(spec.toJson()).toJson());
        file.close();
        const JobSpec loaded = JobSpec::load(file.fileName(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(loaded.plugins, QStringList({ QStringLiteral("/opt/a.so"), dir.filePath(QStringLiteral("b.so")) }));
        // Wrong types are errors.
        for (const QJsonValue& bad : { QJsonValue(5), QJsonValue(QStringLiteral("a.so")), QJsonValue(QJsonArray { 1 }),
                                       QJsonValue(QJsonArray { QString() }) }) {
            QJsonObject json = spec.toJson();
            json[QStringLiteral("plugins")] = bad;
            error.clear();
            JobSpec::fromJson(json, &error);
            QVERIFY2(error.contains(QLatin1String("'plugins' must be a list of file paths")), qPrintable(error));
        }
        // Loading a job's plugins is a step of its own: a plugin that cannot be loaded is an
        // error, with the reason, only when the kernel is not found without it.
        spec.plugins = { dir.filePath(QStringLiteral("missing.so")) };
        QVERIFY(!loadJobPlugins(spec).isError()); // row_sum is built in
        QVERIFY(spec.validationError().isEmpty());
        spec.kernel = QStringLiteral("from_the_missing_plugin");
        const JobError loadError = loadJobPlugins(spec);
        QCOMPARE(loadError.field, JobError::Field::Plugin);
        QVERIFY2(loadError.message.contains(QLatin1String("missing.so: no such file")), qPrintable(loadError.message));
        // Validation loads nothing: a kernel whose plugin was not loaded is unknown, and the
        // plugin stays out of the process (loadPlugins() below relies on that).
        spec.kernel = QStringLiteral("row_median");
        spec.plugins = { QStringLiteral(ROW_MEDIAN_PLUGIN) };
        const JobError unknown = spec.validate();
        QCOMPARE(unknown.field, JobError::Field::Kernel);
        QVERIFY2(unknown.message.contains(QLatin1String("unknown kernel 'row_median'")), qPrintable(unknown.message));
        QVERIFY(!KernelRegistry::instance().find(QStringLiteral("row_median")));
    }

    void loadPlugins()
    {
        QString error = KernelRegistry::loadPlugin(QStringLiteral(SDK99_PLUGIN));
        QVERIFY2(
            error.contains(QLatin1String("was built for kernel SDK version 99, but this SharedMap supports version 1")),
            qPrintable(error));
        QTemporaryDir dir;
        QFile text(dir.filePath(QStringLiteral("notes.so")));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("not a library");
        text.close();
        error = KernelRegistry::loadPlugin(text.fileName());
        QVERIFY2(error.contains(QLatin1String("is not a Qt plugin")), qPrintable(error));
        QVERIFY(!KernelRegistry::instance().find(QStringLiteral("row_median")));

        QStringList added;
        QCOMPARE(KernelRegistry::loadPlugin(QStringLiteral(ROW_MEDIAN_PLUGIN), &added), QString());
        QCOMPARE(added, QStringList({ QStringLiteral("row_median"), QStringLiteral("row_quantile") }));
        const KernelDef* quantile = KernelRegistry::instance().find(QStringLiteral("row_quantile"));
        QVERIFY(quantile);
        QCOMPARE(quantile->pluginPath, QFileInfo(QStringLiteral(ROW_MEDIAN_PLUGIN)).canonicalFilePath());
        QCOMPARE(quantile->info.params.size(), 2); // sleep_ms, q
        QCOMPARE(quantile->info.params[1].name, QStringLiteral("q"));
        QCOMPARE(quantile->info.params[1].type, ParamType::Double);
        QCOMPARE(quantile->info.params[1].maximum.toDouble(), 1.0);
        QVariantMap typed;
        QVERIFY(resolveParams(quantile->info, { { QStringLiteral("q"), QStringLiteral("1.5") } }, &typed)
                    .contains(QLatin1String("outside")));
        // Loading again is a no-op; the same kernels from another file are refused.
        added.clear();
        QCOMPARE(KernelRegistry::loadPlugin(QStringLiteral(ROW_MEDIAN_PLUGIN), &added), QString());
        QVERIFY(added.isEmpty());
        const QString copy = dir.filePath(QStringLiteral("copy.so"));
        QVERIFY(QFile::copy(QStringLiteral(ROW_MEDIAN_PLUGIN), copy));
        error = KernelRegistry::loadPlugin(copy);
        QVERIFY2(error.contains(QLatin1String("'row_median' is empty or already taken")), qPrintable(error));

        // The plugin kernel runs in process like any other: the median of 0..4 per row is 2 + 5r.
        ArrayMeta meta;
        meta.dtype = DType::Int16;
        meta.shape = { 4, 5 };
        const auto array = generateArray(meta, Distribution::Arange, 0, &error);
        QVERIFY(array);
        QVector<bool> ok;
        const QVector<double> medians = evaluateAll(*array, QStringLiteral("row_median"), {}, &ok);
        const QVector<double> means = evaluateAll(*array, QStringLiteral("row_mean"), {}, &ok);
        QCOMPARE(medians.size(), 4);
        QCOMPARE(medians, means); // arange rows are symmetric: median == mean
    }
};

QTEST_MAIN(TestUserKernels)
#include "tst_userkernels.moc"
