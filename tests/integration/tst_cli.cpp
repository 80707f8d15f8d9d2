// Integration tests of the real sharedmap-cli binary: exit codes, outputs, signals, clean-up.

#include "base/arraymeta.h"
#include "io/npyformat.h"
#include "procwatch.h"
#include "testfiles.h"

#include <cmath>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <signal.h>

using namespace sharedmap;

namespace {

constexpr qint64 kN = 600; // B is kN x kN float64

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void run_data();
    void run();
    void sigkill();
    void progressOutput_data();
    void progressOutput();
    void badInputFiles_data();
    void badInputFiles();

private:
    double diagonal(qint64 i) const { return m_b[int(i * kN + i)]; }

    QTemporaryDir m_dir;
    QString m_input;
    QVector<double> m_b;
};

void TestCli::initTestCase()
{
    QVERIFY(QFileInfo(QStringLiteral(SHAREDMAP_CLI)).isExecutable());
    QVERIFY(m_dir.isValid());
    m_b.resize(int(kN * kN));
    for (int i = 0; i < m_b.size(); ++i)
        m_b[i] = std::cos(i * 0.011) * 100.0 + i % 7;
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = { kN, kN };
    m_input = m_dir.filePath(QStringLiteral("B.npy"));
    QCOMPARE(writeNpy(m_input, meta, m_b.constData()), QString());
}

void TestCli::run_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<int>("signal"); // 0 for none
    QTest::addColumn<bool>("toWorker"); // sent to one worker instead of the CLI
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("tasks");
    QTest::addColumn<int>("failed");

    const QStringList slow { "--kernel", "diag",      "--param", "sleep_ms=20", "--indices",
                             "0:500",    "--workers", "2",       "--chunksize", "1" };
    const QStringList shortSlow { "--kernel", "diag",      "--param", "sleep_ms=20", "--indices",
                                  "0:60",     "--workers", "2",       "--chunksize", "1" };
    QTest::newRow("tutorial") << QStringList { "--kernel", "diag",      "--param", "sleep_ms=100", "--indices",
                                               "0:4",      "--workers", "2",       "--chunksize",  "1" }
                              << 0 << false << 0 << 4 << 0;
    QTest::newRow("SIGINT") << slow << int(SIGINT) << false << 130 << 500 << 0;
    QTest::newRow("SIGTERM") << slow << int(SIGTERM) << false << 143 << 500 << 0;
    QTest::newRow("worker killed, retried") << shortSlow << int(SIGKILL) << true << 0 << 60 << 0;
    QTest::newRow("worker killed, no retries")
        << shortSlow + QStringList { "--max-retries", "0" } << int(SIGKILL) << true << 3 << 60 << 1;
    QTest::newRow("unknown kernel") << QStringList { "--kernel", "nope" } << 0 << false << 2 << 0 << 0;
    QTest::newRow("index out of range") << QStringList { "--kernel", "diag", "--indices", "0,99999" } << 0 << false << 2
                                        << 0 << 0;
    QTest::newRow("bad workers") << QStringList { "--kernel", "diag", "--workers", "0" } << 0 << false << 2 << 0 << 0;
}

void TestCli::run()
{
    QFETCH(QStringList, options);
    QFETCH(int, signal);
    QFETCH(bool, toWorker);
    QFETCH(int, exitCode);
    QFETCH(int, tasks);
    QFETCH(int, failed);

    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out.npy"));
    const QString summary = dir.filePath(QStringLiteral("s.json"));
    QProcess cli;
    cli.start(QStringLiteral(SHAREDMAP_CLI),
              QStringList { "run", "--input", m_input, "--output", out, "--summary", summary } + options);
    QVERIFY(cli.waitForStarted());
    const qint64 pid = cli.processId();

    QSet<qint64> workers;
    if (signal) {
        workers = procwatch::waitForWorkers(pid, 2, 5000);
        QCOMPARE(workers.size(), 2);
        QTest::qWait(300); // a dozen or so indices get computed
        const QSet<qint64> running = procwatch::children(pid);
        QVERIFY(!running.isEmpty());
        const qint64 target = toWorker ? *running.cbegin() : pid;
        QCOMPARE(::kill(pid_t(target), signal), 0);
    }
    // Keep track of every worker (replacements too) until the CLI exits.
    QElapsedTimer clock;
    clock.start();
    while (!cli.waitForFinished(20) && clock.elapsed() < 10000)
        workers |= procwatch::children(pid);
    QCOMPARE(cli.state(), QProcess::NotRunning);
    const QString errors = QString::fromUtf8(cli.readAllStandardError());
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QVERIFY2(cli.exitCode() == exitCode, qPrintable(QStringLiteral("exit %1: %2").arg(cli.exitCode()).arg(errors)));

    // Whatever happened, nothing is left behind.
    QVERIFY(procwatch::waitGone(workers, 1000).isEmpty());
    QCOMPARE(procwatch::keyFilesOf(pid), QStringList());
    QVERIFY(procwatch::shmSegmentsOf(pid).isEmpty());

    if (exitCode == 2) {
        QVERIFY2(errors.startsWith(QLatin1String("sharedmap-cli: error: ")) && errors.count(QLatin1Char('\n')) == 1,
                 qPrintable(errors));
        QVERIFY(!QFile::exists(out));
        QVERIFY(!QFile::exists(summary));
        return;
    }
    const QVector<double> values = testfiles::readVector(out);
    QCOMPARE(values.size(), tasks);
    const QJsonObject json = testfiles::readJson(summary);
    QCOMPARE(json.value(QStringLiteral("tasks")).toInt(), tasks);
    const bool interrupted = signal && !toWorker;
    QCOMPARE(json.value(QStringLiteral("cancelled")).toBool(), interrupted);
    const QJsonArray missing = json.value(QStringLiteral("missing_indices")).toArray();
    const QJsonArray failedIndices = json.value(QStringLiteral("failed_indices")).toArray();
    QCOMPARE(failedIndices.size(), failed);
    int computed = 0;
    for (int p = 0; p < tasks; ++p) { // here index == position
        if (std::isnan(values[p])) {
            QVERIFY2(missing.contains(p) != failedIndices.contains(p), qPrintable(QString::number(p)));
        } else {
            QCOMPARE(values[p], diagonal(p));
            ++computed;
        }
    }
    QCOMPARE(computed + missing.size() + failedIndices.size(), tasks);
    if (interrupted) {
        QVERIFY(!missing.isEmpty());
        QVERIFY(computed > 0);
        QVERIFY2(errors.contains(QLatin1String("interrupted")), qPrintable(errors));
    } else {
        QVERIFY(missing.isEmpty());
        QCOMPARE(computed, tasks - failed);
    }
    if (toWorker)
        QVERIFY(json.value(QStringLiteral("retried_chunks")).toInt() >= 1);
    if (failed)
        QVERIFY2(errors.contains(QLatin1String("warning")), qPrintable(errors));
}

void TestCli::sigkill()
{
    QTemporaryDir dir;
    QProcess cli;
    cli.start(QStringLiteral(SHAREDMAP_CLI),
              { "run", "--input", m_input, "--kernel", "diag", "--param", "sleep_ms=20", "--indices", "0:500",
                "--workers", "2", "--output", dir.filePath(QStringLiteral("out.npy")) });
    QVERIFY(cli.waitForStarted());
    const qint64 pid = cli.processId();
    const QSet<qint64> workers = procwatch::waitForWorkers(pid, 2, 5000);
    QCOMPARE(workers.size(), 2);
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
    QVERIFY(cli.waitForFinished(2000));
    QCOMPARE(cli.exitStatus(), QProcess::CrashExit);

    QElapsedTimer clock;
    clock.start();
    const QSet<qint64> alive = procwatch::waitGone(workers, 1000);
    for (qint64 worker : alive)
        ::kill(pid_t(worker), SIGKILL); // do not leak them into the next test
    QVERIFY2(alive.isEmpty(), "workers outlived their SIGKILLed parent");
    qInfo("workers gone %lld ms after the CLI was killed", clock.elapsed());
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("out.npy"))));

    // A SIGKILLed CLI cannot remove its segments; a later start will. Clean up and tell.
    const QStringList files = procwatch::keyFilesOf(pid);
    const int segments = procwatch::removeLeftovers(pid);
    qInfo("left behind by the killed CLI: %d SysV segment(s), %lld key file(s): %s", segments, qint64(files.size()),
          qPrintable(files.join(QLatin1Char(' '))));
    QVERIFY(procwatch::shmSegmentsOf(pid).isEmpty());
    QVERIFY(procwatch::keyFilesOf(pid).isEmpty());
}

void TestCli::badInputFiles_data()
{
    QTest::addColumn<QByteArray>("content"); // written to the file named below
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("infoFails"); // info reads no values, so a bad value is found by run only
    QTest::newRow("ragged csv") << QByteArray("a,b,c\n1,2,3\n4,5\n") << "t.csv" << QStringList()
                                << "line 3 has 2 values, expected 3 as on line 2" << true;
    QTest::newRow("bad value") << QByteArray("1;2\n3;4\n5;x\n") << "t.csv" << QStringList()
                               << "line 3, column 2: 'x' is not a number" << false;
    QTest::newRow("int with NaN") << QByteArray("1\t2\n\t4\n") << "t.tsv" << QStringList { "--dtype", "int8" }
                                  << "line 2, column 1: '' is empty" << false;
    QTest::newRow("raw size")
        << QByteArray(100, 'x') << "r.bin" << QStringList { "--dtype", "int32", "--shape", "5x6" }
        << "size mismatch: shape (5, 6) of int32 needs 120 bytes, the file holds 100 bytes after offset 0" << true;
    QTest::newRow("raw offset") << QByteArray(100, 'x') << "r.bin"
                                << QStringList { "--dtype", "int32", "--shape", "5x5", "--offset", "4" }
                                << "needs 100 bytes, the file holds 96 bytes after offset 4" << true;
    QTest::newRow("raw no shape") << QByteArray(100, 'x') << "r.raw" << QStringList { "--dtype", "uint8" }
                                  << "needs --shape" << true;
    QTest::newRow("not a zip") << QByteArray("PK not really") << "a.npz" << QStringList() << "not a readable .npz"
                               << true;
    QTest::newRow("not hdf5") << QByteArray("plain text") << "a.h5" << QStringList() << "not an HDF5 file" << true;
    QTest::newRow("not an image") << QByteArray("plain text") << "a.png" << QStringList() << "not a readable image"
                                  << true;
    QTest::newRow("unknown type") << QByteArray("1,2") << "a.xls" << QStringList() << "unknown file type '.xls'"
                                  << true;
    QTest::newRow("unknown format") << QByteArray("1,2") << "a.csv" << QStringList { "--format", "excel" }
                                    << "unknown format 'excel'" << true;
}

void TestCli::badInputFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, fileName);
    QFETCH(QStringList, options);
    QFETCH(QString, message);
    QFETCH(bool, infoFails);
    QTemporaryDir dir;
    const QString path = dir.filePath(fileName);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    for (const QString& command : { QStringLiteral("run"), QStringLiteral("info") }) {
        if (command == QLatin1String("info") && !infoFails)
            continue;
        QProcess cli;
        const QStringList arguments = command == QLatin1String("run")
            ? QStringList { "run", "--input", path, "--kernel", "row_sum", "--output", dir.filePath("o.npy") } + options
            : QStringList { "info", path } + options;
        cli.start(QStringLiteral(SHAREDMAP_CLI), arguments);
        QVERIFY(cli.waitForStarted());
        const qint64 pid = cli.processId();
        QVERIFY(cli.waitForFinished(10000));
        const QString errors = QString::fromUtf8(cli.readAllStandardError());
        QCOMPARE(cli.exitCode(), 2);
        QVERIFY2(errors.startsWith(QLatin1String("sharedmap-cli: error: ")) && errors.count(QLatin1Char('\n')) == 1,
                 qPrintable(errors));
        QVERIFY2(errors.contains(message), qPrintable(errors));
        QVERIFY(!QFile::exists(dir.filePath("o.npy")));
        QVERIFY(procwatch::shmSegmentsOf(pid).isEmpty());
        QCOMPARE(procwatch::keyFilesOf(pid), QStringList());
    }
}

void TestCli::progressOutput_data()
{
    QTest::addColumn<bool>("quiet");
    QTest::newRow("progress") << false;
    QTest::newRow("quiet") << true;
}

void TestCli::progressOutput()
{
    QFETCH(bool, quiet);
    QStringList arguments { "run", "--input", m_input, "--kernel", "row_sum", "--workers", "2" };
    if (quiet)
        arguments << "--quiet";
    QProcess cli; // stderr is a pipe here: the bar prints plain lines, not a redrawn one
    cli.start(QStringLiteral(SHAREDMAP_CLI), arguments);
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 0);
    const QString errors = QString::fromUtf8(cli.readAllStandardError());
    if (quiet) {
        QCOMPARE(errors, QString());
    } else {
        const QStringList lines = errors.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(!lines.isEmpty() && lines.last().startsWith(QLatin1String("100%|"))
                     && lines.last().contains(QStringLiteral("%1/%1").arg(kN)),
                 qPrintable(errors));
        QVERIFY2(!errors.contains(QLatin1Char('\r')) && !errors.contains(QLatin1String("\x1b[")), qPrintable(errors));
    }
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
