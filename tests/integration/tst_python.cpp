// Python kernels through the engine's facades, as the window uses them: PythonProbe (the
// asynchronous probe in a worker process) and Pool::start with its result, on a cold and a warm
// pool. Real workers, a real interpreter, real shared memory.
#include "engine/pool.h"
#include "engine/pythonprobe.h"
#include "job/jobresult.h"
#include "procwatch.h"
#include "shm/sharedarray.h"

#include <cmath>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sharedmap;

namespace {

std::shared_ptr<SharedArray> makeSquare(qint64 n)
{
    ArrayMeta meta;
    meta.dtype = DType::Float64;
    meta.shape = { n, n };
    QString error;
    auto array = SharedArray::create(meta, &error);
    auto* data = reinterpret_cast<double*>(array->mutableData());
    for (qint64 i = 0; i < n * n; ++i)
        data[i] = double((i * 7919) % 1000) / 7.0;
    return array;
}

double at(const SharedArray& array, qint64 r, qint64 c)
{
    return reinterpret_cast<const double*>(array.view().data)[r * array.meta().shape[1] + c];
}

bool writeFile(const QString& path, const QByteArray& text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
}

PythonProbeResult probeNow(PythonProbe& probe)
{
    QSignalSpy finished(&probe, &PythonProbe::finished);
    if (!finished.wait(60000))
        return {};
    return finished.first().first().value<PythonProbeResult>();
}

} // namespace

class TestPython : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString file(const QString& name) const { return m_dir.filePath(name); }

    /// A Python job over the in-memory array: `function` of the test folder's `name`, 2 workers.
    JobSpec pythonSpec(const char* name, const char* function) const
    {
        JobSpec spec;
        spec.input = QStringLiteral("in-memory array");
        spec.python = { file(QLatin1String(name)), QLatin1String(function) };
        spec.workers = 2;
        return spec;
    }

    /// Probes and runs `spec` on `pool`; the job's result, or an empty one (and a warning).
    JobResult runJob(Pool& pool, PythonProbe& probe, const JobSpec& spec, std::shared_ptr<SharedArray> input,
                     const IndexList& indices)
    {
        probe.probeJob(spec, input.get(), indices);
        const PythonProbeResult probed = probeNow(probe);
        if (!probed.ok) {
            qWarning("probe refused: %s", qPrintable(probed.error));
            return {};
        }
        QSignalSpy finished(&pool, &Pool::finished);
        QString error;
        if (pool.start(spec, input, probed, &error) == 0 || !finished.wait(60000)) {
            qWarning("job did not run: %s", qPrintable(error));
            return {};
        }
        return finished.first().first().value<JobResult>();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(writeFile(file("funcs.py"),
                          "import numpy as np\n"
                          "\n"
                          "def diag(a, B):\n"
                          "    \"\"\"The tutorial's B[a, a].\"\"\"\n"
                          "    return B[a, a]\n"
                          "\n"
                          "def scaled(a, B, scale=2.0, *, mode='row'):\n"
                          "    return B[a] * scale\n"
                          "\n"
                          "def raises(a, B):\n"
                          "    if a % 5 == 2:\n"
                          "        raise RuntimeError('index %d' % a)\n"
                          "    return float(a)\n"
                          "\n"
                          "def slow(a, B):\n"
                          "    import time\n"
                          "    time.sleep(60)\n"
                          "    return 0.0\n"));
    }

    void inspectListsFunctions()
    {
        PythonProbe probe;
        probe.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        probe.inspectFile(file("funcs.py"));
        const PythonProbeResult result = probeNow(probe);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.errorKind, QString());
        QStringList names;
        for (const QJsonValue f : result.functions)
            names.append(f.toObject().value(QStringLiteral("name")).toString());
        QCOMPARE(names, (QStringList { "diag", "scaled", "raises", "slow" }));
        const QJsonObject diag = result.functions.at(0).toObject();
        QCOMPARE(diag.value(QStringLiteral("doc")).toString(), QStringLiteral("The tutorial's B[a, a]."));
        QCOMPARE(diag.value(QStringLiteral("line")).toInt(), 3);
        QCOMPARE(diag.value(QStringLiteral("end_line")).toInt(), 5);
        const QJsonArray params = result.functions.at(1).toObject().value(QStringLiteral("params")).toArray();
        QCOMPARE(params.size(), 4);
        QCOMPARE(params.at(2).toObject().value(QStringLiteral("default")).toString(), QStringLiteral("2.0"));
        QCOMPARE(params.at(3).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("keyword_only"));
        QCOMPARE(params.at(3).toObject().value(QStringLiteral("default")).toString(), QStringLiteral("'row'"));
        QVERIFY(params.at(0).toObject().value(QStringLiteral("default")).isNull());
        QVERIFY(result.calls.isEmpty());
    }

    void inspectRefusals_data()
    {
        QTest::addColumn<QByteArray>("source");
        QTest::addColumn<QString>("function");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("text");
        QTest::newRow("syntax") << QByteArray("def f(a, B):\n    return (\n") << QString() << "syntax"
                                << "bad.py:2: SyntaxError: ";
        QTest::newRow("import") << QByteArray("import no_such_module_xyz\n") << QString() << "import"
                                << "no_such_module_xyz";
        QTest::newRow("function") << QByteArray("def f(a, B):\n    return 0\n") << "g"
                                  << "function"
                                  << "no function 'g' (functions: f)";
        QTest::newRow("signature") << QByteArray("def f(a):\n    return 0\n") << "f"
                                   << "signature"
                                   << "cannot be called as f(a, B)";
        QTest::newRow("crash") << QByteArray("import ctypes\nctypes.string_at(0)\n") << QString() << "crash"
                               << "crashed";
        QTest::newRow("exit") << QByteArray("import os\nos._exit(4)\n") << QString() << "crash"
                              << "exit code 4";
    }

    void inspectRefusals()
    {
        QFETCH(QByteArray, source);
        QFETCH(QString, function);
        QFETCH(QString, kind);
        QFETCH(QString, text);
        QVERIFY(writeFile(file("bad.py"), source));
        PythonProbe probe;
        probe.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        probe.inspectFile(file("bad.py"), function);
        const PythonProbeResult result = probeNow(probe);
        QVERIFY(!result.ok);
        QCOMPARE(result.errorKind, kind);
        QVERIFY2(result.error.contains(text), qPrintable(result.error));
        QVERIFY2(!result.error.contains(QLatin1Char('\n')), qPrintable(result.error));
    }

    void cancelStopsAProbe()
    {
        auto input = makeSquare(8);
        const JobSpec spec = pythonSpec("funcs.py", "slow");
        PythonProbe probe;
        probe.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        QSignalSpy finished(&probe, &PythonProbe::finished);
        probe.probeJob(spec, input.get(), IndexList::range(0, 1, 8));
        QVERIFY(probe.isRunning());
        QTest::qWait(300);
        probe.cancel();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().first().value<PythonProbeResult>().errorKind, QStringLiteral("cancelled"));
        QVERIFY(!probe.isRunning());
    }

    void poolRunsTheProbedJob()
    {
        auto input = makeSquare(30);
        Pool pool;
        pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        PythonProbe probe;
        probe.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        JobSpec spec = pythonSpec("funcs.py", "scaled");
        spec.params.insert(QStringLiteral("scale"), QStringLiteral("0.5"));
        const JobResult result = runJob(pool, probe, spec, input, IndexList::range(0, 1, 30));
        QCOMPARE(result.taskCount(), 30);
        QCOMPARE(result.resultShape, QVector<qint64> { 30 });
        QCOMPARE(result.doneCount(), 30);
        QCOMPARE(result.kernelName, QStringLiteral("python:%1:scaled").arg(file("funcs.py")));
        for (qint64 r = 0; r < 30; ++r)
            for (qint64 c = 0; c < 30; ++c)
                QCOMPARE(result.values[r * 30 + c], at(*input, r, c) * 0.5);

        // A Python job needs its probe: the plain start() refuses it.
        QString error;
        QCOMPARE(pool.start(spec, input, &error), quint64(0));
        QVERIFY2(error.contains(QLatin1String("probe")), qPrintable(error));
    }

    void failuresCarryTheException()
    {
        auto input = makeSquare(20);
        Pool pool;
        pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        PythonProbe probe;
        probe.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        JobSpec spec = pythonSpec("funcs.py", "raises");
        spec.chunkSize = 1;
        // Start at 2: the probe's first position raises, the next one fixes the shape.
        spec.indices = QStringLiteral("2:20");
        const JobResult result = runJob(pool, probe, spec, input, IndexList::range(2, 1, 18));
        QCOMPARE(result.failedPositions(), (QVector<qint64> { 0, 5, 10, 15 }));
        for (qint64 p : result.failedPositions()) {
            QCOMPARE(result.failureReasons.value(p),
                     QStringLiteral("RuntimeError: index %1 (funcs.py:12)").arg(result.indices.at(p)));
            QVERIFY(std::isnan(result.values[p]));
        }
        QCOMPARE(result.values[1], 3.0);
        QCOMPARE(result.retriedChunks, qint64(0));
    }

    void warmPoolReimportsAChangedFile()
    {
        // One interpreter per worker, reused by every job of a warm pool; a file saved since the
        // last job is imported again (what the window's Edit button relies on).
        auto input = makeSquare(16);
        QVERIFY(writeFile(file("edited.py"), "def f(a, B):\n    return B[a, a]\n"));
        Pool pool;
        pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        pool.setKeepWarm(true);
        PythonProbe probe;
        probe.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        JobSpec spec = pythonSpec("edited.py", "f");
        spec.chunkSize = 1;
        const JobResult first = runJob(pool, probe, spec, input, IndexList::range(0, 1, 16));
        QCOMPARE(first.doneCount(), 16);
        QVERIFY(writeFile(file("edited.py"), "def f(a, B):\n    return B[a, a] * 3 + 1\n"));
        const JobResult second = runJob(pool, probe, spec, input, IndexList::range(0, 1, 16));
        QCOMPARE(second.doneCount(), 16);
        for (qint64 a = 0; a < 16; ++a) {
            QCOMPARE(first.values[a], at(*input, a, a));
            QCOMPARE(second.values[a], at(*input, a, a) * 3 + 1);
        }
        QSet<qint64> before, after;
        for (const WorkerInfo& info : first.workerStats)
            before.insert(info.pid);
        for (const WorkerInfo& info : second.workerStats)
            after.insert(info.pid);
        QCOMPARE(after, before); // the same worker processes, their interpreters reused
        QCOMPARE(before.size(), 2);
    }

    void prestartedWorkersTakeTheJob()
    {
        // Pool::prestart: the workers start the interpreter and NumPy while the probe runs, but
        // run nothing of the file before the probe has accepted it; the job then takes them.
        auto input = makeSquare(12);
        const QString log = file("imports.log");
        QFile::remove(log);
        QVERIFY(writeFile(file("logged.py"),
                          QStringLiteral("import os\n"
                                         "open(%1, 'a').write('%d\\n' % os.getpid())\n"
                                         "def f(a, B):\n"
                                         "    return B[a, a] + 1\n")
                              .arg(QLatin1Char('\'') + log + QLatin1Char('\''))
                              .toUtf8()));
        auto importers = [&log] {
            QFile imports(log);
            QSet<qint64> pids;
            if (imports.open(QIODevice::ReadOnly))
                for (const QByteArray& line : imports.readAll().split('\n'))
                    if (!line.isEmpty())
                        pids.insert(line.toLongLong());
            return pids;
        };
        const qint64 self = QCoreApplication::applicationPid();
        const QSet<qint64> before = procwatch::children(self);
        Pool pool;
        pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        pool.prestart(2, true);
        QTRY_COMPARE_WITH_TIMEOUT(procwatch::children(self).subtract(before).size(), 2, 10000);
        const QSet<qint64> prestarted = procwatch::children(self).subtract(before);
        QTest::qWait(1500); // long enough for their interpreters to be up
        QVERIFY(importers().isEmpty()); // nothing of the file ran in them
        PythonProbe probe;
        probe.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        JobSpec spec = pythonSpec("logged.py", "f");
        spec.chunkSize = 1;
        const JobResult result = runJob(pool, probe, spec, input, IndexList::range(0, 1, 12));
        QCOMPARE(result.doneCount(), 12);
        for (qint64 a = 0; a < 12; ++a)
            QCOMPARE(result.values[a], at(*input, a, a) + 1);
        QSet<qint64> workers;
        for (const WorkerInfo& info : result.workerStats)
            workers.insert(info.pid);
        QCOMPARE(workers, prestarted); // the prestarted processes ran the job
        QCOMPARE(importers().size(), 3); // the file imported once in each worker, and in the probe
        QVERIFY(importers().contains(prestarted));
    }

    void workerOutputComesInLines()
    {
        auto input = makeSquare(6);
        QVERIFY(writeFile(file("talk.py"),
                          "import sys\n"
                          "def f(a, B):\n"
                          "    sys.stdout.write('part of ')\n"
                          "    sys.stdout.flush()\n"
                          "    print('line', a)\n"
                          "    return float(a)\n"));
        Pool pool;
        pool.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        PythonProbe probe;
        probe.setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        JobSpec spec = pythonSpec("talk.py", "f");
        spec.workers = 1;
        QSignalSpy output(&pool, &Pool::workerOutput);
        const JobResult result = runJob(pool, probe, spec, input, IndexList::range(0, 1, 6));
        QCOMPARE(result.doneCount(), 6);
        QStringList lines;
        for (const QList<QVariant>& signal : output) {
            QCOMPARE(signal.at(0).toInt(), 0);
            lines.append(signal.at(1).toString());
        }
        // Position 0 is the probe's: its line is in the probe's output, not the pool's.
        QCOMPARE(
            lines,
            (QStringList { "part of line 1", "part of line 2", "part of line 3", "part of line 4", "part of line 5" }));
        QVERIFY2(probe.result().output.contains(QLatin1String("part of line 0")), qPrintable(probe.result().output));
    }
};

QTEST_GUILESS_MAIN(TestPython)
#include "tst_python.moc"
