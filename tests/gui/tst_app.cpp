// The real `sharedmap` executable: what it does without a display, and how it ends on a signal.
#include "guitest.h"

#include <csignal>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using guitest::runPython;

namespace {

/// Children of `parent` still alive (its workers).
int childrenOf(qint64 parent)
{
    int count = 0;
    for (const QString& pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields[1].toLongLong() == parent && fields[0] != "Z")
            ++count;
    }
    return count;
}

/// Segments whose creator is `pid`, from /proc/sysvipc/shm.
int segmentsOf(qint64 pid)
{
    QFile file(QStringLiteral("/proc/sysvipc/shm"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = file.readAll().split('\n');
    int count = 0;
    for (int i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines[i].simplified().split(' ');
        if (fields.size() > 4 && fields[4].toLongLong() == pid)
            ++count;
    }
    return count;
}

} // namespace

class TestApp : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(runPython(QStringLiteral("import numpy as np\n"
                                         "np.save('B.npy', np.random.default_rng(3).random((200, 200)))\n"),
                          m_dir.path()));
    }

    /// Help and version print and exit 0 on a machine with no display at all.
    void printsWithoutADisplay_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("expected");
        QTest::newRow("--help") << QStringLiteral("--help") << QStringLiteral("--kernel");
        QTest::newRow("-h") << QStringLiteral("-h") << QStringLiteral("Usage:");
        QTest::newRow("--version") << QStringLiteral("--version") << QStringLiteral("SharedMap ");
    }

    void printsWithoutADisplay()
    {
        QFETCH(QString, option);
        QFETCH(QString, expected);
        QProcess app;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const char* name : { "DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM" })
            environment.remove(QLatin1String(name));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        app.setProcessEnvironment(environment);
        QSignalSpy finished(&app, &QProcess::finished);
        app.start(QStringLiteral(SHAREDMAP_GUI), { option });
        QVERIFY(finished.wait(20000));
        const QString out = QString::fromUtf8(app.readAllStandardOutput());
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QVERIFY2(app.exitCode() == 0, qPrintable(QString::fromUtf8(app.readAllStandardError())));
        QVERIFY2(out.contains(expected), qPrintable(out));
    }

    /// SIGTERM and SIGINT end a running window at once, without asking, and cleanly: no worker
    /// and no segment left, the exit code of the signal.
    void signalEndsARunAtOnce_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGINT") << int(SIGINT);
    }

    void signalEndsARunAtOnce()
    {
        QFETCH(int, signal);
        QProcess app;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        app.setProcessEnvironment(environment);
        QSignalSpy finished(&app, &QProcess::finished);
        // 200 × 100 ms over 2 workers: 10 s, far longer than the test waits.
        app.start(QStringLiteral(SHAREDMAP_GUI),
                  { m_dir.filePath(QStringLiteral("B.npy")), QStringLiteral("--kernel"), QStringLiteral("diag"),
                    QStringLiteral("--param"), QStringLiteral("sleep_ms=100"), QStringLiteral("--workers"),
                    QStringLiteral("2"), QStringLiteral("--chunksize"), QStringLiteral("1"), QStringLiteral("--run") });
        QVERIFY(app.waitForStarted(10000));
        const qint64 pid = app.processId();
        QTRY_COMPARE_WITH_TIMEOUT(childrenOf(pid), 2, 15000); // the job runs
        QVERIFY(segmentsOf(pid) > 0);
        ::kill(pid_t(pid), signal);
        QVERIFY(finished.wait(5000)); // at once: no question asked
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QCOMPARE(app.exitCode(), 128 + signal);
        QCOMPARE(segmentsOf(pid), 0);
        QTRY_COMPARE_WITH_TIMEOUT(childrenOf(pid), 0, 3000);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestApp)
#include "tst_app.moc"
