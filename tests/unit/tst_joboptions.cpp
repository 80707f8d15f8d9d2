// The job options as both front ends read them: the same arguments through `sharedmap-cli run`'s
// parser (cli::parseRunArguments) and the window's command line (GuiOptions::parse) give the
// same JobSpec or the same error — `--chunksize 0` refused by both — with the typed field at
// fault; the options only one of them offers; the input options' typed errors.

#include "cli/runcommand.h"
#include "guioptions.h"
#include "job/joboptions.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace sharedmap;
using Field = JobError::Field;

Q_DECLARE_METATYPE(sharedmap::JobError::Field)

class TestJobOptions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void bothFrontEndsAgree_data();
    void bothFrontEndsAgree();
    void windowFields();
    void runOnlyOptions_data();
    void runOnlyOptions();
    void inputOptions_data();
    void inputOptions();
    void optionSetOffersWhatItIsGiven();

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
};

void TestJobOptions::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QFile job(path(QStringLiteral("job.json")));
    QVERIFY(job.open(QIODevice::WriteOnly));
    job.write(R"({"input": "B.npy", "kernel": "row_sum", "indices": "0:4", "workers": 2, "chunksize": 8,
                 "params": {"sleep_ms": 5}, "plugins": ["p.so"]})");
    job.close();
    QFile bad(path(QStringLiteral("bad.json")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(R"({"kernel": "row_sum", "speed": 3})");
}

void TestJobOptions::bothFrontEndsAgree_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<Field>("field"); // Field::None: accepted
    QTest::addColumn<QString>("message"); // the CLI's message, exactly; empty when accepted

    QTest::newRow("nothing") << QStringList() << Field::None << QString();
    QTest::newRow("kernel") << QStringList { "--kernel", "row_max" } << Field::None << QString();
    QTest::newRow("param value after the first =")
        << QStringList { "--kernel", "formula", "--param", "expr=B(i,i)*2", "--param", "reduce=sum" } << Field::None
        << QString();
    QTest::newRow("param repeated: the last wins")
        << QStringList { "--param", "sleep_ms=1", "--param", "sleep_ms=2" } << Field::None << QString();
    QTest::newRow("param with an empty value") << QStringList { "--param", "sleep_ms=" } << Field::None << QString();
    QTest::newRow("indices") << QStringList { "--indices", "::-2" } << Field::None << QString();
    QTest::newRow("workers 1") << QStringList { "--workers", "1" } << Field::None << QString();
    QTest::newRow("workers 4096") << QStringList { "--workers", "4096" } << Field::None << QString();
    QTest::newRow("chunksize auto") << QStringList { "--chunksize", "auto" } << Field::None << QString();
    QTest::newRow("chunksize 1") << QStringList { "--chunksize", "1" } << Field::None << QString();
    QTest::newRow("chunksize large") << QStringList { "--chunksize", "123456789012" } << Field::None << QString();
    QTest::newRow("plugins") << QStringList { "--plugin", "a.so", "--plugin", "/opt/b.so" } << Field::None << QString();
    QTest::newRow("job file") << QStringList { "--job", path("job.json") } << Field::None << QString();
    QTest::newRow("options override the job file")
        << QStringList { "--kernel", "row_max", "--job",      path("job.json"), "--workers",
                         "3",        "--param", "sleep_ms=9", "--plugin",       "q.so" }
        << Field::None << QString();

    QTest::newRow("chunksize 0") << QStringList { "--chunksize", "0" } << Field::ChunkSize
                                 << "--chunksize must be at least 1 or auto, not '0'";
    QTest::newRow("chunksize -1") << QStringList { "--chunksize", "-1" } << Field::ChunkSize
                                  << "--chunksize must be at least 1 or auto, not '-1'";
    QTest::newRow("chunksize word") << QStringList { "--chunksize", "fast" } << Field::ChunkSize
                                    << "--chunksize must be at least 1 or auto, not 'fast'";
    QTest::newRow("workers 0") << QStringList { "--workers", "0" } << Field::Workers
                               << "--workers must be 1..4096, not '0'";
    QTest::newRow("workers 4097") << QStringList { "--workers", "4097" } << Field::Workers
                                  << "--workers must be 1..4096, not '4097'";
    QTest::newRow("workers beyond int") << QStringList { "--workers", "4294967297" } << Field::Workers
                                        << "--workers must be 1..4096, not '4294967297'";
    QTest::newRow("workers word") << QStringList { "--workers", "two" } << Field::Workers
                                  << "--workers must be 1..4096, not 'two'";
    QTest::newRow("param without =") << QStringList { "--param", "novalue" } << Field::Param
                                     << "--param needs KEY=VALUE, not 'novalue'";
    QTest::newRow("param without key") << QStringList { "--param", "=3" } << Field::Param
                                       << "--param needs KEY=VALUE, not '=3'";
    QTest::newRow("missing job file") << QStringList {
        "--job", path("missing.json")
    } << Field::JobFile << QString("cannot read job file %1: No such file or directory").arg(path("missing.json"));
    QTest::newRow("job file with an unknown key")
        << QStringList { "--job", path("bad.json") } << Field::JobFile
        << QString("job file: unknown key 'speed' (%1)").arg(path("bad.json"));
    QTest::newRow("unknown option") << QStringList { "--frobnicate" } << Field::Arguments
                                    << "Unknown option 'frobnicate'.";
    QTest::newRow("option without its value")
        << QStringList { "--workers" } << Field::Arguments << "Missing value after '--workers'.";
}

void TestJobOptions::bothFrontEndsAgree()
{
    QFETCH(QStringList, arguments);
    QFETCH(Field, field);
    QFETCH(QString, message);

    cli::RunRequest run;
    const JobError cliError = cli::parseRunArguments(arguments, &run);
    GuiOptions window;
    const QString windowError = GuiOptions::parse(arguments, &window);

    QCOMPARE(cliError.message, message);
    QCOMPARE(cliError.field, field);
    QCOMPARE(windowError, message);
    if (field != Field::None)
        return;
    // A one-shot run maps a .npy in place when it can: a policy of `run`, not part of the job.
    QVERIFY(run.spec.inputOptions.preferMap);
    run.spec.inputOptions.preferMap = false;
    QVERIFY2(window.job == run.spec,
             qPrintable(QJsonDocument(window.job.toJson()).toJson(QJsonDocument::Compact)
                        + " != " + QJsonDocument(run.spec.toJson()).toJson(QJsonDocument::Compact)));
    QCOMPARE(window.hasJob, !arguments.isEmpty());
}

void TestJobOptions::windowFields()
{
    // MainWindow::applyOptions() takes from the command line the fields it names.
    GuiOptions options;
    QCOMPARE(GuiOptions::parse({ "--kernel", "row_max", "--param", "sleep_ms=1", "--indices", "0:3", "--workers", "2",
                                 "--chunksize", "4", "--plugin", "a.so", "--run", "B.npy" },
                               &options),
             QString());
    QCOMPARE(options.setFields, QStringList({ "kernel", "params", "indices", "workers", "chunksize", "plugins" }));
    QCOMPARE(options.file, QStringLiteral("B.npy"));
    QVERIFY(options.run);
    QCOMPARE(options.job.chunkSize, qint64(4));
    // A job file sets every field, and its input is the file to open unless one is given.
    options = GuiOptions();
    QCOMPARE(GuiOptions::parse({ "--job", path("job.json") }, &options), QString());
    QCOMPARE(options.setFields, QStringList { "all" });
    QCOMPARE(options.file, path("B.npy"));
    QCOMPARE(options.job.plugins, QStringList { path("p.so") });
    options = GuiOptions();
    QCOMPARE(GuiOptions::parse({ "--job", path("job.json"), "C.npy" }, &options), QString());
    QCOMPARE(options.file, QStringLiteral("C.npy"));
    options = GuiOptions();
    QCOMPARE(GuiOptions::parse({}, &options), QString());
    QVERIFY(options.setFields.isEmpty());
    QVERIFY(!options.hasJob);
}

void TestJobOptions::runOnlyOptions_data()
{
    QTest::addColumn<QStringList>("arguments");

    QTest::newRow("mode") << QStringList { "--mode", "copy" };
    QTest::newRow("output") << QStringList { "--output", "out.npy" };
    QTest::newRow("summary") << QStringList { "--summary", "s.json" };
    QTest::newRow("max retries") << QStringList { "--max-retries", "3" };
    QTest::newRow("task timeout") << QStringList { "--task-timeout", "2.5" };
    QTest::newRow("resume") << QStringList { "--resume", "partial.npy" };
    QTest::newRow("input") << QStringList { "--input", "B.npy" };
    QTest::newRow("format") << QStringList { "--format", "csv" };
    QTest::newRow("quiet") << QStringList { "--quiet" };
}

void TestJobOptions::runOnlyOptions()
{
    QFETCH(QStringList, arguments);

    // `run` takes them; the window's command line has no such option.
    cli::RunRequest run;
    QCOMPARE(cli::parseRunArguments(arguments, &run).message, QString());
    GuiOptions window;
    QCOMPARE(GuiOptions::parse(arguments, &window),
             QStringLiteral("Unknown option '%1'.").arg(arguments.first().mid(2)));
    const QString option = arguments.first();
    if (option == QLatin1String("--mode"))
        QCOMPARE(run.spec.mode, QStringLiteral("copy"));
    else if (option == QLatin1String("--output"))
        QCOMPARE(run.spec.output, QStringLiteral("out.npy"));
    else if (option == QLatin1String("--summary"))
        QCOMPARE(run.spec.summary, QStringLiteral("s.json"));
    else if (option == QLatin1String("--max-retries"))
        QCOMPARE(run.spec.maxRetries, 3);
    else if (option == QLatin1String("--task-timeout"))
        QCOMPARE(run.spec.taskTimeoutS, 2.5);
    else if (option == QLatin1String("--input"))
        QCOMPARE(run.spec.input, QStringLiteral("B.npy"));
    else if (option == QLatin1String("--format"))
        QCOMPARE(run.spec.inputOptions.format, QStringLiteral("csv"));
    else if (option == QLatin1String("--quiet"))
        QVERIFY(run.quiet);
    if (option == QLatin1String("--resume")) {
        // The partial results are also the output, unless one is given.
        QCOMPARE(run.resumeFrom, QStringLiteral("partial.npy"));
        QCOMPARE(run.spec.output, QStringLiteral("partial.npy"));
        QCOMPARE(cli::parseRunArguments({ "--resume", "partial.npy", "--output", "o.npy" }, &run).message, QString());
        QCOMPARE(run.spec.output, QStringLiteral("o.npy"));
    } else {
        QVERIFY(run.resumeFrom.isEmpty());
    }
}

void TestJobOptions::inputOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<Field>("field");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("message"); // a part of it

    QTest::newRow("format") << QStringList { "--format", "weird" } << Field::InputOptions << "format"
                            << "unknown format 'weird'";
    QTest::newRow("dtype") << QStringList { "--dtype", "complex" } << Field::InputOptions << "dtype"
                           << "unknown dtype 'complex'";
    QTest::newRow("byte order") << QStringList { "--byte-order", "middle" } << Field::InputOptions << "byte-order"
                                << "--byte-order must be little or big, not 'middle'";
    QTest::newRow("offset") << QStringList { "--offset", "-1" } << Field::InputOptions << "offset"
                            << "--offset must be a non-negative number of bytes, not '-1'";
    QTest::newRow("header rows") << QStringList { "--header-rows", "x" } << Field::InputOptions << "header-rows"
                                 << "--header-rows must be a non-negative integer, not 'x'";
    QTest::newRow("load") << QStringList { "--load", "foo" } << Field::InputOptions << "load"
                          << "--load must be copy or map, not 'foo'";
    QTest::newRow("unexpected argument") << QStringList { "B.npy" } << Field::Arguments << QString()
                                         << "unexpected argument 'B.npy'";
    QTest::newRow("h5 is hdf5") << QStringList { "--format", "h5" } << Field::None << QString() << QString();
}

void TestJobOptions::inputOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(Field, field);
    QFETCH(QString, param);
    QFETCH(QString, message);

    cli::RunRequest run;
    const JobError error = cli::parseRunArguments(arguments, &run);
    QCOMPARE(error.field, field);
    QCOMPARE(error.param, param);
    QVERIFY2(message.isEmpty() ? !error.isError() : error.message.contains(message), qPrintable(error.message));
    if (field == Field::None)
        QCOMPARE(run.spec.inputOptions.format, QStringLiteral("hdf5"));
}

void TestJobOptions::optionSetOffersWhatItIsGiven()
{
    const JobOptionSet window(JobOptionSet::windowOptions());
    QStringList names;
    for (const QCommandLineOption& option : window.options())
        names += option.names();
    QCOMPARE(names, QStringList({ "job", "kernel", "param", "indices", "workers", "chunksize", "plugin" }));
    names.clear();
    const JobOptionSet all;
    for (const QCommandLineOption& option : all.options())
        names += option.names();
    QCOMPARE(names,
             QStringList({ "job", "kernel", "python", "param", "indices", "workers", "chunksize", "max-retries",
                           "task-timeout", "mode", "output", "summary", "resume", "plugin" }));
    // Reading asks the parser only about offered options (it warns about any other), and reports
    // which were given.
    QCommandLineParser parser;
    window.addTo(parser);
    QVERIFY(parser.parse({ "sharedmap", "--workers", "3", "--kernel", "diag" }));
    JobSpec spec;
    QList<JobOption> given;
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    QVERIFY(!window.read(parser, &spec, &given).isError());
    QCOMPARE(given, QList<JobOption>({ JobOption::Kernel, JobOption::Workers }));
    QCOMPARE(spec.workers, 3);
    QCOMPARE(spec.kernel, QStringLiteral("diag"));
    QCOMPARE(window.resumeFrom(parser), QString());
    // A front end's own help text.
    JobOptionSet described(JobOptionSet::windowOptions());
    described.setDescription(JobOption::Kernel, QStringLiteral("Kernel name."));
    QCOMPARE(described.option(JobOption::Kernel).description(), QStringLiteral("Kernel name."));
    QCOMPARE(all.option(JobOption::Kernel).description(), QStringLiteral("Kernel name (see 'sharedmap-cli kernels')."));
}

QTEST_GUILESS_MAIN(TestJobOptions)
#include "tst_joboptions.moc"
