// Unit tests of JobSpec: validation with readable errors, JSON round trips, refused JSON, and
// job files whose relative paths resolve against the file's folder.

#include "job/jobplan.h"
#include "job/jobspec.h"
#include "kernels/kernel.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

namespace sharedmap {
/// Lets QCOMPARE print a JobSpec (found by argument-dependent lookup).
char* toString(const JobSpec& spec)
{
    return qstrdup(QJsonDocument(spec.toJson()).toJson(QJsonDocument::Compact).constData());
}
} // namespace sharedmap

using namespace sharedmap;
using Field = JobError::Field;

Q_DECLARE_METATYPE(sharedmap::JobSpec)
Q_DECLARE_METATYPE(sharedmap::JobError::Field)

namespace {

bool writeText(const QString& path, const QByteArray& text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

} // namespace

class TestJobSpec : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void validation_data();
    void validation();
    void planFields_data();
    void planFields();
    void effectiveWorkers();
    void jsonRoundTrip_data();
    void jsonRoundTrip();
    void fromJsonAccepts_data();
    void fromJsonAccepts();
    void fromJsonRefuses_data();
    void fromJsonRefuses();
    void loadResolvesRelativePaths();
    void loadKeepsAbsolutePaths();
    void loadErrors();
    void saveThenLoad();
    void checkOutputPaths_data();
    void checkOutputPaths();
    void pythonValidation_data();
    void pythonValidation();
    void pythonJson();
    void pythonPlan();

private:
    JobSpec validSpec() const;
    QString path(const QString& name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
};

JobSpec TestJobSpec::validSpec() const
{
    JobSpec spec;
    spec.input = path(QStringLiteral("B.npy")); // validation never reads the input
    spec.kernel = QStringLiteral("row_sum");
    spec.params = { { QStringLiteral("sleep_ms"), QStringLiteral("5") } };
    spec.indices = QStringLiteral("0:4");
    spec.workers = 2;
    spec.chunkSize = 1;
    spec.output = path(QStringLiteral("out.npy"));
    spec.summary = path(QStringLiteral("summary.json"));
    return spec;
}

void TestJobSpec::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("folder.npy")));
}

void TestJobSpec::validation_data()
{
    QTest::addColumn<JobSpec>("spec");
    QTest::addColumn<QString>("errorText"); // empty: valid
    QTest::addColumn<Field>("field"); // the field at fault, from the error's type
    QTest::addColumn<QString>("param"); // the parameter at fault, for JobError::Field::Param

    const JobSpec valid = validSpec();
    auto with = [&valid](auto change) {
        JobSpec spec = valid;
        change(spec);
        return spec;
    };
    QTest::newRow("valid") << valid << "" << Field::None << QString();
    QTest::newRow("only kernel and input") << with([](JobSpec& s) {
        s = JobSpec();
        s.kernel = QStringLiteral("diag");
        s.input = QStringLiteral("B.npy");
    }) << "" << Field::None << QString();
    QTest::newRow("csv output") << with([this](JobSpec& s) { s.output = path(QStringLiteral("out.csv")); }) << ""
                                << Field::None << QString();
    QTest::newRow("upper-case extension")
        << with([this](JobSpec& s) { s.output = path(QStringLiteral("OUT.NPY")); }) << "" << Field::None << QString();
    QTest::newRow("no output, no summary") << with([](JobSpec& s) {
        s.output.clear();
        s.summary.clear();
    }) << "" << Field::None << QString();
    QTest::newRow("workers 0 (auto)") << with([](JobSpec& s) { s.workers = 0; }) << "" << Field::None << QString();
    QTest::newRow("workers 1") << with([](JobSpec& s) { s.workers = 1; }) << "" << Field::None << QString();
    QTest::newRow("workers 4096") << with([](JobSpec& s) { s.workers = 4096; }) << "" << Field::None << QString();
    QTest::newRow("chunk size auto") << with([](JobSpec& s) { s.chunkSize = 0; }) << "" << Field::None << QString();
    QTest::newRow("index file") << with([](JobSpec& s) { s.indices = QStringLiteral("@idx.npy"); }) << "" << Field::None
                                << QString();
    QTest::newRow("index list") << with([](JobSpec& s) { s.indices = QStringLiteral("3,3,1"); }) << "" << Field::None
                                << QString();
    QTest::newRow("no params") << with([](JobSpec& s) { s.params.clear(); }) << "" << Field::None << QString();

    QTest::newRow("no kernel") << with([](JobSpec& s) { s.kernel.clear(); }) << "kernel" << Field::Kernel << QString();
    QTest::newRow("unknown kernel") << with([](JobSpec& s) { s.kernel = QStringLiteral("nope"); }) << "unknown kernel"
                                    << Field::Kernel << QString();
    QTest::newRow("missing input") << with([](JobSpec& s) { s.input.clear(); }) << "input" << Field::Input << QString();
    QTest::newRow("workers -1") << with([](JobSpec& s) { s.workers = -1; }) << "workers" << Field::Workers << QString();
    QTest::newRow("workers 4097") << with([](JobSpec& s) { s.workers = 4097; }) << "workers" << Field::Workers
                                  << QString();
    QTest::newRow("workers 5000") << with([](JobSpec& s) { s.workers = 5000; }) << "workers" << Field::Workers
                                  << QString();
    QTest::newRow("chunk size -1") << with([](JobSpec& s) { s.chunkSize = -1; }) << "chunk size" << Field::ChunkSize
                                   << QString();
    QTest::newRow("max retries -1") << with([](JobSpec& s) { s.maxRetries = -1; }) << "retries" << Field::Retries
                                    << QString();
    QTest::newRow("step 0") << with([](JobSpec& s) { s.indices = QStringLiteral("5:1:0"); }) << "step" << Field::Indices
                            << QString();
    QTest::newRow("bad index") << with([](JobSpec& s) { s.indices = QStringLiteral("x"); }) << "index" << Field::Indices
                               << QString();
    QTest::newRow("too many colons") << with([](JobSpec& s) { s.indices = QStringLiteral("1:2:3:4"); }) << "slice"
                                     << Field::Indices << QString();
    QTest::newRow("index file name missing")
        << with([](JobSpec& s) { s.indices = QStringLiteral("@"); }) << "index" << Field::Indices << QString();
    QTest::newRow("output .txt") << with([this](JobSpec& s) { s.output = path(QStringLiteral("out.txt")); })
                                 << "extension" << Field::Output << QString();
    QTest::newRow("output without extension") << with([this](JobSpec& s) { s.output = path(QStringLiteral("out")); })
                                              << "extension" << Field::Output << QString();
    QTest::newRow("output in a missing folder")
        << with([this](JobSpec& s) { s.output = path(QStringLiteral("missing/out.npy")); }) << "does not exist"
        << Field::Output << QString();
    QTest::newRow("output is a folder") << with([this](JobSpec& s) { s.output = path(QStringLiteral("folder.npy")); })
                                        << "folder" << Field::Output << QString();
    QTest::newRow("summary not .json") << with([this](JobSpec& s) { s.summary = path(QStringLiteral("summary.csv")); })
                                       << "extension" << Field::Summary << QString();
    QTest::newRow("summary in a missing folder")
        << with([this](JobSpec& s) { s.summary = path(QStringLiteral("missing/summary.json")); }) << "does not exist"
        << Field::Summary << QString();
    QTest::newRow("unknown param") << with([](JobSpec& s) { s.params.insert(QStringLiteral("foo"), 1); }) << "foo"
                                   << Field::Param << QString("foo");
    QTest::newRow("param of the wrong type")
        << with([](JobSpec& s) { s.params[QStringLiteral("sleep_ms")] = QStringLiteral("abc"); }) << "sleep_ms"
        << Field::Param << QString("sleep_ms");
    QTest::newRow("param out of range") << with([](JobSpec& s) { s.params[QStringLiteral("sleep_ms")] = -1; })
                                        << "sleep_ms" << Field::Param << QString("sleep_ms");
    QTest::newRow("the bad one of several params") << with([](JobSpec& s) {
        s.kernel = QStringLiteral("mandelbrot");
        s.input.clear();
        s.params = { { QStringLiteral("width"), 64 }, { QStringLiteral("max_iter"), QStringLiteral("many") } };
    }) << "max_iter" << Field::Param << QString("max_iter");
    QTest::newRow("formula expression") << with([](JobSpec& s) {
        s.kernel = QStringLiteral("formula");
        s.params = { { QStringLiteral("expr"), QStringLiteral("B(i,i) + kind") } };
    }) << "formula" << Field::Param << QString();
    QTest::newRow("mode") << with([](JobSpec& s) { s.mode = QStringLiteral("weird"); }) << "mode" << Field::Mode
                          << QString();
    QTest::newRow("copy without input") << with([](JobSpec& s) {
        s.kernel = QStringLiteral("mandelbrot");
        s.input.clear();
        s.params.clear();
        s.mode = QStringLiteral("copy");
    }) << "nothing to copy" << Field::Mode
                                        << QString();
    QTest::newRow("task timeout") << with([](JobSpec& s) { s.taskTimeoutS = -1; }) << "timeout" << Field::TaskTimeout
                                  << QString();
    QTest::newRow("NUL in the indices") << with([](JobSpec& s) { s.indices = QStringLiteral("0:4") + QChar(0); })
                                        << "NUL" << Field::Indices << QString();
    QTest::newRow("NUL in the summary") << with([this](JobSpec& s) { s.summary = path("s") + QChar(0) + ".json"; })
                                        << "NUL" << Field::Summary << QString();
}

void TestJobSpec::validation()
{
    QFETCH(JobSpec, spec);
    QFETCH(QString, errorText);
    QFETCH(Field, field);
    QFETCH(QString, param);

    const JobError typed = spec.validate();
    QCOMPARE(typed.field, field);
    QCOMPARE(typed.param, param);
    const QString error = spec.validationError();
    QCOMPARE(error, typed.message);
    if (errorText.isEmpty()) {
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(spec.isValid());
    } else {
        QVERIFY2(!error.isEmpty(), "an invalid spec was accepted");
        QVERIFY2(error.contains(errorText, Qt::CaseInsensitive), qPrintable(error));
        QVERIFY(!spec.isValid());
    }
}

void TestJobSpec::planFields_data()
{
    QTest::addColumn<QString>("kernel");
    QTest::addColumn<QString>("indices");
    QTest::addColumn<QVector<qint64>>("shape"); // of the input; empty: none loaded
    QTest::addColumn<Field>("field");
    QTest::addColumn<qint64>("positions"); // when planned

    QTest::newRow("diag") << "diag"
                          << "0:4" << QVector<qint64> { 6, 6 } << Field::None << qint64(4);
    QTest::newRow("all rows") << "row_sum"
                              << "all" << QVector<qint64> { 6, 3 } << Field::None << qint64(6);
    QTest::newRow("no input loaded") << "row_sum"
                                     << "all" << QVector<qint64>() << Field::Input << qint64(0);
    QTest::newRow("diag of a 1-D input") << "diag"
                                         << "all" << QVector<qint64> { 6 } << Field::Input << qint64(0);
    QTest::newRow("listed index outside") << "row_sum"
                                          << "0,1,6" << QVector<qint64> { 6, 6 } << Field::Indices << qint64(0);
    QTest::newRow("index syntax") << "row_sum"
                                  << "1:2:3:4" << QVector<qint64> { 6, 6 } << Field::Indices << qint64(0);
    QTest::newRow("no input kernel") << "mandelbrot"
                                     << "0:3" << QVector<qint64>() << Field::None << qint64(3);
}

void TestJobSpec::planFields()
{
    QFETCH(QString, kernel);
    QFETCH(QString, indices);
    QFETCH(QVector<qint64>, shape);
    QFETCH(Field, field);
    QFETCH(qint64, positions);

    JobSpec spec;
    spec.kernel = kernel;
    spec.indices = indices;
    const bool needsInput = kernel != QLatin1String("mandelbrot");
    if (needsInput)
        spec.input = path(QStringLiteral("B.npy")); // planning reads the meta, never the file
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = shape;
    JobPlan plan;
    const JobError error = planJob(spec, shape.isEmpty() ? nullptr : &meta, &plan);
    QVERIFY2(error.field == field, qPrintable(error.message));
    QCOMPARE(error.isError(), field != Field::None);
    if (!error)
        QCOMPARE(plan.indices.size(), positions);
}

void TestJobSpec::effectiveWorkers()
{
    JobSpec spec;
    spec.workers = 3;
    QCOMPARE(spec.effectiveWorkers(), 3);
    spec.workers = 0;
    QCOMPARE(spec.effectiveWorkers(), qMax(1, QThread::idealThreadCount()));
}

void TestJobSpec::jsonRoundTrip_data()
{
    QTest::addColumn<JobSpec>("spec");

    QTest::newRow("default") << JobSpec();
    QTest::newRow("valid") << validSpec();
    JobSpec spec = validSpec();
    spec.chunkSize = 0;
    spec.workers = 0;
    QTest::newRow("auto chunk size, auto workers") << spec;
    spec.chunkSize = 123456789012;
    spec.maxRetries = 0;
    QTest::newRow("large chunk size") << spec;
    spec.params = { { QStringLiteral("sleep_ms"), 12.5 },
                    { QStringLiteral("flag"), true },
                    { QStringLiteral("expr"), QStringLiteral("B(i,i)*2") } };
    spec.indices = QStringLiteral("@/data/indices file.npy");
    QTest::newRow("typed params, index file") << spec;
    spec.input.clear();
    spec.output.clear();
    spec.summary.clear();
    spec.kernel = QStringLiteral("mandelbrot");
    QTest::newRow("no input") << spec;
}

void TestJobSpec::jsonRoundTrip()
{
    QFETCH(JobSpec, spec);

    const QJsonObject json = spec.toJson();
    const QJsonValue chunk = json.value(QStringLiteral("chunksize"));
    if (spec.chunkSize == 0) {
        QCOMPARE(chunk.toString(), QStringLiteral("auto"));
    } else {
        QVERIFY(chunk.isDouble());
        QCOMPARE(chunk.toInteger(), spec.chunkSize);
    }

    QString error;
    const JobSpec back = JobSpec::fromJson(json, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(back, spec);

    // Through text, as a job file holds it.
    const QByteArray text = QJsonDocument(json).toJson(QJsonDocument::Indented);
    const JobSpec reread = JobSpec::fromJson(QJsonDocument::fromJson(text).object(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(reread, spec);
}

void TestJobSpec::fromJsonAccepts_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<JobSpec>("expected");

    QTest::newRow("empty object") << QByteArray("{}") << JobSpec();
    JobSpec spec;
    spec.chunkSize = 0;
    QTest::newRow("chunksize auto") << QByteArray("{\"chunksize\": \"auto\"}") << spec;
    spec.chunkSize = 8;
    QTest::newRow("chunksize 8") << QByteArray("{\"chunksize\": 8}") << spec;
    QTest::newRow("chunksize 8.0") << QByteArray("{\"chunksize\": 8.0}") << spec;
    QTest::newRow("nulls keep defaults") << QByteArray("{\"chunksize\": 8, \"output\": null, \"params\": null}")
                                         << spec;
    spec = JobSpec();
    spec.kernel = QStringLiteral("diag");
    spec.input = QStringLiteral("/data/B.npy");
    spec.workers = 2;
    spec.chunkSize = 1;
    spec.indices = QStringLiteral("0:4");
    spec.params = { { QStringLiteral("sleep_ms"), 100 } };
    QTest::newRow("tutorial") << QByteArray("{\"input\": \"/data/B.npy\", \"kernel\": \"diag\", \"params\": "
                                            "{\"sleep_ms\": 100}, \"indices\": \"0:4\", \"workers\": 2, "
                                            "\"chunksize\": 1}")
                              << spec;
}

void TestJobSpec::fromJsonAccepts()
{
    QFETCH(QByteArray, json);
    QFETCH(JobSpec, expected);

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    QString error;
    const JobSpec spec = JobSpec::fromJson(document.object(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(spec, expected);
}

void TestJobSpec::fromJsonRefuses_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("key");

    QTest::newRow("unknown key") << QByteArray("{\"worker\": 2}") << "worker";
    QTest::newRow("unknown key among known") << QByteArray("{\"kernel\": \"diag\", \"sleep_ms\": 5}") << "sleep_ms";
    QTest::newRow("kernel number") << QByteArray("{\"kernel\": 3}") << "kernel";
    QTest::newRow("input bool") << QByteArray("{\"input\": true}") << "input";
    QTest::newRow("indices number") << QByteArray("{\"indices\": 5}") << "indices";
    QTest::newRow("indices list") << QByteArray("{\"indices\": [0, 1]}") << "indices";
    QTest::newRow("output array") << QByteArray("{\"output\": []}") << "output";
    QTest::newRow("summary object") << QByteArray("{\"summary\": {}}") << "summary";
    QTest::newRow("workers text") << QByteArray("{\"workers\": \"2\"}") << "workers";
    QTest::newRow("workers fraction") << QByteArray("{\"workers\": 2.5}") << "workers";
    QTest::newRow("workers -1") << QByteArray("{\"workers\": -1}") << "workers";
    QTest::newRow("workers 5000") << QByteArray("{\"workers\": 5000}") << "workers";
    QTest::newRow("workers bool") << QByteArray("{\"workers\": true}") << "workers";
    QTest::newRow("chunksize word") << QByteArray("{\"chunksize\": \"fast\"}") << "chunksize";
    QTest::newRow("chunksize 0") << QByteArray("{\"chunksize\": 0}") << "chunksize";
    QTest::newRow("chunksize -3") << QByteArray("{\"chunksize\": -3}") << "chunksize";
    QTest::newRow("chunksize fraction") << QByteArray("{\"chunksize\": 1.5}") << "chunksize";
    QTest::newRow("chunksize bool") << QByteArray("{\"chunksize\": true}") << "chunksize";
    QTest::newRow("params list") << QByteArray("{\"params\": []}") << "params";
    QTest::newRow("params text") << QByteArray("{\"params\": \"sleep_ms=5\"}") << "params";
    QTest::newRow("max_retries text") << QByteArray("{\"max_retries\": \"2\"}") << "max_retries";
    QTest::newRow("max_retries fraction") << QByteArray("{\"max_retries\": 1.5}") << "max_retries";
}

void TestJobSpec::fromJsonRefuses()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, key);

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    QString error;
    JobSpec::fromJson(document.object(), &error);
    QVERIFY2(!error.isEmpty(), "refused JSON was accepted");
    QVERIFY2(error.contains(key), qPrintable(error));
}

void TestJobSpec::loadResolvesRelativePaths()
{
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("jobs")));
    const QString jobPath = path(QStringLiteral("jobs/job.json"));
    QVERIFY(writeText(jobPath,
                      "{\"input\": \"data/B.npy\", \"kernel\": \"row_sum\", \"output\": \"out.csv\", "
                      "\"summary\": \"../summary.json\", \"indices\": \"@idx/i.npy\"}"));
    QString error;
    const JobSpec spec = JobSpec::load(jobPath, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(spec.input, QDir::cleanPath(path(QStringLiteral("jobs/data/B.npy"))));
    QCOMPARE(spec.output, QDir::cleanPath(path(QStringLiteral("jobs/out.csv"))));
    QCOMPARE(spec.summary, QDir::cleanPath(path(QStringLiteral("summary.json"))));
    QCOMPARE(spec.indices, QLatin1Char('@') + QDir::cleanPath(path(QStringLiteral("jobs/idx/i.npy"))));
    QCOMPARE(spec.kernel, QStringLiteral("row_sum"));
}

void TestJobSpec::loadKeepsAbsolutePaths()
{
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("jobs")));
    const QString jobPath = path(QStringLiteral("jobs/absolute.json"));
    QVERIFY(writeText(jobPath,
                      "{\"input\": \"/data/B.npy\", \"kernel\": \"row_sum\", \"indices\": \"1:5\", "
                      "\"output\": \"\"}"));
    QString error;
    const JobSpec spec = JobSpec::load(jobPath, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(spec.input, QStringLiteral("/data/B.npy"));
    QCOMPARE(spec.indices, QStringLiteral("1:5"));
    QCOMPARE(spec.output, QString());
}

void TestJobSpec::loadErrors()
{
    QString error;
    const QString missing = path(QStringLiteral("missing.json"));
    JobSpec::load(missing, &error);
    QVERIFY2(error.contains(missing), qPrintable(error));

    const QString notJson = path(QStringLiteral("not.json"));
    QVERIFY(writeText(notJson, "{\"kernel\": "));
    error.clear();
    JobSpec::load(notJson, &error);
    QVERIFY2(error.contains(notJson), qPrintable(error));

    const QString array = path(QStringLiteral("array.json"));
    QVERIFY(writeText(array, "[{\"kernel\": \"diag\"}]"));
    error.clear();
    JobSpec::load(array, &error);
    QVERIFY2(!error.isEmpty(), "a JSON array was taken for a job");

    const QString unknown = path(QStringLiteral("unknown.json"));
    QVERIFY(writeText(unknown, "{\"kernel\": \"diag\", \"speed\": 11}"));
    error.clear();
    JobSpec::load(unknown, &error);
    QVERIFY2(error.contains(QLatin1String("speed")) && error.contains(unknown), qPrintable(error));
}

void TestJobSpec::saveThenLoad()
{
    JobSpec spec = validSpec();
    spec.params = { { QStringLiteral("sleep_ms"), 100.0 } };
    spec.indices = QLatin1Char('@') + path(QStringLiteral("idx.npy"));
    spec.chunkSize = 0;
    spec.maxRetries = 5;
    const QString jobPath = path(QStringLiteral("saved.json"));
    QCOMPARE(spec.save(jobPath), QString());
    QString error;
    const JobSpec loaded = JobSpec::load(jobPath, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(loaded, spec);

    spec.chunkSize = 64;
    QCOMPARE(spec.save(jobPath), QString());
    QCOMPARE(JobSpec::load(jobPath, &error), spec);
    QVERIFY(JobSpec::load(jobPath, &error) != validSpec());

    QVERIFY(!spec.save(path(QStringLiteral("missing/saved.json"))).isEmpty());
}

void TestJobSpec::checkOutputPaths_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("extensions");
    QTest::addColumn<bool>("valid");

    const QStringList results = { QStringLiteral("npy"), QStringLiteral("csv") };
    QTest::newRow("npy") << "r.npy" << results << true;
    QTest::newRow("csv") << "r.csv" << results << true;
    QTest::newRow("json for results") << "r.json" << results << false;
    QTest::newRow("json") << "s.json" << QStringList { QStringLiteral("json") } << true;
    QTest::newRow("npy for summary") << "s.npy" << QStringList { QStringLiteral("json") } << false;
    QTest::newRow("double extension") << "r.npy.txt" << results << false;
    QTest::newRow("missing folder") << "no/such/r.npy" << results << false;
    QTest::newRow("existing folder") << "folder.npy" << results << false;
}

void TestJobSpec::checkOutputPaths()
{
    QFETCH(QString, name);
    QFETCH(QStringList, extensions);
    QFETCH(bool, valid);

    const QString error = checkOutputPath(path(name), extensions);
    QVERIFY2(error.isEmpty() == valid, qPrintable(error));
}

// --- Python functions (`--python FILE.py:FUNCTION`) ------------------------------------------

void TestJobSpec::pythonValidation_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("function");
    QTest::addColumn<QString>("kernel");
    QTest::addColumn<bool>("withInput");
    QTest::addColumn<QString>("indices");
    QTest::addColumn<QString>("error"); // a part of the error, empty when valid

    const QString fn = QStringLiteral("fn.py");
    QTest::newRow("with input, all") << fn << "f"
                                     << "" << true << "all"
                                     << "";
    QTest::newRow("no input, slice") << fn << "f"
                                     << "" << false << "0:100"
                                     << "";
    QTest::newRow("no input, list") << fn << "f"
                                    << "" << false << "3,1,3"
                                    << "";
    QTest::newRow("no input, down") << fn << "f"
                                    << "" << false << "10::-1"
                                    << "";
    QTest::newRow("no input, all") << fn << "f"
                                   << "" << false << "all"
                                   << "explicit stop";
    QTest::newRow("no input, open end") << fn << "f"
                                        << "" << false << "5:"
                                        << "explicit stop";
    QTest::newRow("no input, from the end") << fn << "f"
                                            << "" << false << "-3:10"
                                            << "explicit stop";
    QTest::newRow("no input, stop from the end") << fn << "f"
                                                 << "" << false << "0:-1"
                                                 << "explicit stop";
    QTest::newRow("no input, down without start") << fn << "f"
                                                  << "" << false << "::-1"
                                                  << "explicit stop";
    QTest::newRow("missing file") << "absent.py"
                                  << "f"
                                  << "" << true << "all"
                                  << "absent.py: no such file";
    QTest::newRow("no function") << fn << ""
                                 << "" << true << "all"
                                 << "FILE.py:FUNCTION";
    QTest::newRow("and a kernel") << fn << "f"
                                  << "diag" << true << "all"
                                  << "not both";
}

void TestJobSpec::pythonValidation()
{
    QFETCH(QString, file);
    QFETCH(QString, function);
    QFETCH(QString, kernel);
    QFETCH(bool, withInput);
    QFETCH(QString, indices);
    QFETCH(QString, error);
    QVERIFY(QFile(path(QStringLiteral("fn.py"))).open(QIODevice::WriteOnly));
    JobSpec spec = validSpec();
    spec.kernel = kernel;
    spec.python = { path(file), function };
    spec.params = { { QStringLiteral("not_a_kernel_param"), QStringLiteral("1") } }; // the probe checks these
    spec.indices = indices;
    if (!withInput)
        spec.input.clear();
    const QString problem = spec.validationError();
    if (error.isEmpty())
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    else
        QVERIFY2(problem.contains(error), qPrintable(problem));
    QCOMPARE(spec.needsInput(), withInput);
}

void TestJobSpec::pythonJson()
{
    QVERIFY(QFile(path(QStringLiteral("fn.py"))).open(QIODevice::WriteOnly));
    JobSpec spec = validSpec();
    spec.kernel.clear();
    spec.python = { QStringLiteral("fn.py"), QStringLiteral("test") };
    const QJsonObject json = spec.toJson();
    QCOMPARE(json.value(QStringLiteral("python")).toObject(),
             (QJsonObject { { QStringLiteral("file"), QStringLiteral("fn.py") },
                            { QStringLiteral("function"), QStringLiteral("test") } }));
    QString error;
    const JobSpec back = JobSpec::fromJson(json, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(back, spec);
    QCOMPARE(back.kernelLabel(), QStringLiteral("python:fn.py:test"));
    JobSpec other = spec;
    other.python.function = QStringLiteral("other");
    QVERIFY(other != spec);
    QVERIFY(!validSpec().toJson().contains(QStringLiteral("python"))); // absent for kernels

    // Loaded from a job file, the function's file is relative to the job file's folder.
    const QString job = path(QStringLiteral("python-job.json"));
    QFile file(job);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"input": "B.npy", "python": {"file": "fn.py", "function": "test"}})");
    file.close();
    const JobSpec loaded = JobSpec::load(job, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(loaded.python.file, path(QStringLiteral("fn.py")));
    QVERIFY2(loaded.validationError().isEmpty(), qPrintable(loaded.validationError()));

    for (const char* bad : { R"({"python": "fn.py:test"})", R"({"python": {"file": "fn.py"}})",
                             R"({"python": {"file": "fn.py", "function": 3}})",
                             R"({"python": {"file": "fn.py", "function": "f", "extra": 1}})" }) {
        error.clear();
        JobSpec::fromJson(QJsonDocument::fromJson(bad).object(), &error);
        QVERIFY2(error.contains(QLatin1String("'python'")), bad);
    }
}

void TestJobSpec::pythonPlan()
{
    QVERIFY(QFile(path(QStringLiteral("fn.py"))).open(QIODevice::WriteOnly));
    JobSpec spec;
    spec.python = { path(QStringLiteral("fn.py")), QStringLiteral("f") };
    spec.params = { { QStringLiteral("k"), QStringLiteral("[1, 2]") } };
    spec.indices = QStringLiteral("3:9:2");
    JobPlan plan;
    QString error = planJob(spec, nullptr, &plan).message;
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(plan.indices.size(), 3);
    QCOMPARE(plan.indexSpace, 8); // what the indices reach
    QCOMPARE(plan.params, spec.params); // raw: the Python side parses them
    QVERIFY(!plan.kernel->info.needsInput);

    ArrayMeta meta;
    meta.dtype = DType::Int16;
    meta.shape = { 7, 3 };
    spec.input = path(QStringLiteral("B.npy"));
    spec.indices = QStringLiteral("all");
    error = planJob(spec, &meta, &plan).message;
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(plan.indexSpace, 7); // len(B)
    QCOMPARE(plan.indices.size(), 7);
    meta.shape = {};
    QVERIFY(planJob(spec, &meta, &plan).message.contains(QLatin1String("0-d")));
}

QTEST_GUILESS_MAIN(TestJobSpec)
#include "tst_jobspec.moc"
