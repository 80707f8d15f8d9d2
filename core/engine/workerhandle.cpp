#include "engine/workerhandle.h"

#include "engine/logging.h"

#include <QCoreApplication>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

namespace sharedmap {

WorkerHandle::WorkerHandle(int slot, QObject* parent)
    : QObject(parent)
    , m_slot(slot)
{
    m_helloTimer.setSingleShot(true);
    m_helloTimer.setInterval(kHelloTimeoutMs);
    connect(&m_helloTimer, &QTimer::timeout, this, [this] {
        emit attachTimedOut();
        kill(); // its exit counts as a failed start
    });
    m_stopTimer.setSingleShot(true);
    connect(&m_stopTimer, &QTimer::timeout, this, [this] {
        if (!(m_parkAsked && m_parked))
            kill();
    });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &WorkerHandle::readFrames);
    connect(&m_process, &QProcess::readyReadStandardError, this, &WorkerHandle::readStderr);
    connect(&m_process, &QProcess::finished, this, &WorkerHandle::onFinished);
    connect(&m_process, &QProcess::started, this, [this] {
        m_pid = m_process.processId();
        qCDebug(lcEngine, "worker %d launched: pid %lld", m_slot, m_pid);
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        m_gone = true;
        m_helloTimer.stop();
        emit failedToStart(m_process.errorString());
        if (m_abandoned)
            deleteLater();
    });
}

WorkerHandle::~WorkerHandle()
{
    disconnect(&m_process, nullptr, this, nullptr);
    if (m_process.state() != QProcess::NotRunning) {
        // Only when the pool itself goes, with no event loop left to wait in: reap it here.
        m_process.kill();
        m_process.waitForFinished(1000);
    }
}

void WorkerHandle::launch(const QString& program, const QString& jobName, int niceness,
                          std::shared_ptr<const SharedArray> copyInput)
{
    m_copyInput = std::move(copyInput);
    if (m_copyInput) {
        connect(&m_process, &QProcess::started, this, [this] { sendCopy(true); });
        connect(&m_process, &QProcess::bytesWritten, this, [this] { sendCopy(false); });
    }
    start(program, { QStringLiteral("--job"), jobName, QStringLiteral("--slot"), QString::number(m_slot) }, niceness);
    m_helloTimer.start();
}

void WorkerHandle::launchParked(const QString& program, int niceness, bool python)
{
    QStringList arguments { QStringLiteral("--parked"), QStringLiteral("1") };
    if (python)
        arguments << QStringLiteral("--start-python") << QStringLiteral("1");
    m_parked = true; // it waits for a job from its first instruction: assign() hands it one
    start(program, arguments, niceness);
}

void WorkerHandle::start(const QString& program, QStringList arguments, int niceness)
{
    m_process.setProgram(program);
    arguments << QStringLiteral("--parent") << QString::number(QCoreApplication::applicationPid());
    m_process.setArguments(arguments);
    m_process.setChildProcessModifier([niceness] {
        // In the child between fork and exec: die with the parent; run at a lower priority.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (niceness > 0)
            ::setpriority(PRIO_PROCESS, 0, niceness);
    });
    m_process.start(QIODevice::ReadWrite);
}

void WorkerHandle::assign(const QString& jobName)
{
    m_attached = m_idle = m_parked = false;
    m_killReason.clear();
    m_helloTimer.start();
    send(protocol::JobAssignment { jobName, m_slot });
    qCDebug(lcEngine, "worker %d (warm) assigned %s", m_slot, qPrintable(jobName));
}

bool WorkerHandle::wake()
{
    if (!m_attached || !m_idle)
        return false;
    m_idle = false;
    send(protocol::Run {});
    return true;
}

void WorkerHandle::stop(bool park, int graceMs)
{
    m_helloTimer.stop();
    m_copyInput.reset(); // the job is over: the rest of a copy is of no use
    m_parkAsked = park;
    if (park)
        send(protocol::Park {});
    else
        send(protocol::Quit {});
    m_stopTimer.start(graceMs);
}

void WorkerHandle::kill(const QString& reason)
{
    if (!reason.isEmpty())
        m_killReason = reason;
    m_helloTimer.stop();
    m_copyInput.reset();
    if (m_process.state() != QProcess::NotRunning)
        m_process.kill();
}

void WorkerHandle::abandon()
{
    disconnect(this, nullptr, nullptr, nullptr);
    m_abandoned = true;
    if (m_gone)
        deleteLater();
}

void WorkerHandle::readFrames()
{
    m_reader.append(m_process.readAllStandardOutput());
    QJsonObject frame;
    while (!m_abandoned && m_reader.next(&frame)) {
        QString error;
        const std::optional<protocol::WorkerMessage> message = protocol::decodeWorkerMessage(frame, &error);
        if (!message) {
            emit protocolError(error);
            kill();
            return;
        }
        std::visit(protocol::Overloaded {
                       [this](const protocol::Hello&) {
                           m_attached = true;
                           m_helloTimer.stop();
                       },
                       [this](const protocol::Idle&) { m_idle = true; },
                       [this](const protocol::Parked&) {
                           m_parked = true;
                           if (m_parkAsked)
                               m_stopTimer.stop();
                       },
                       [this](const protocol::Resident&) { m_resident = true; },
                       [](const auto&) {},
                   },
                   *message);
        emit messageReceived(*message);
    }
    if (!m_reader.error().isEmpty() && !m_gone && m_process.state() != QProcess::NotRunning) {
        emit protocolError(m_reader.error());
        kill();
    }
}

void WorkerHandle::readStderr()
{
    const QByteArray text = m_process.readAllStandardError();
    m_stderrTail = (m_stderrTail + text).right(2000);
    forwardStderr(text, false);
}

void WorkerHandle::forwardStderr(const QByteArray& text, bool flush)
{
    // Whole lines only: a worker's print() may reach us in pieces.
    m_stderrLine += text;
    qsizetype from = 0;
    for (;;) {
        const qsizetype end = m_stderrLine.indexOf('\n', from);
        if (end < 0 && !(flush && from < m_stderrLine.size()))
            break;
        QByteArray line = m_stderrLine.mid(from, end < 0 ? -1 : end - from);
        from = end < 0 ? m_stderrLine.size() : end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        // Also here, for a front end that shows no log (the CLI): the worker's own debug lines.
        qCDebug(lcEngine, "worker %d stderr: %s", m_slot, line.constData());
        if (!m_abandoned)
            emit stderrLine(QString::fromLocal8Bit(line));
    }
    m_stderrLine.remove(0, from);
    if (m_stderrLine.size() > (1 << 16)) { // a line without end: show it in pieces
        const QByteArray piece = m_stderrLine;
        m_stderrLine.clear();
        forwardStderr(piece, true);
    }
}

void WorkerHandle::sendCopy(bool first)
{
    // Copy mode: the input goes down the worker's stdin in slices, a few MiB in flight at a
    // time, so the pool never holds a whole extra copy in its write buffer.
    constexpr qint64 kSlice = qint64(1) << 20;
    constexpr qint64 kInFlight = qint64(8) << 20;
    if (!m_copyInput)
        return;
    const ArrayMeta& meta = m_copyInput->meta();
    if (first)
        send(protocol::DataHeader { meta.dtype, meta.shape, meta.fortranOrder, meta.byteSize() });
    const char* data = m_copyInput->view().data;
    const qint64 total = meta.byteSize();
    while (m_copySent < total && m_process.bytesToWrite() < kInFlight) {
        const qint64 n = qMin(kSlice, total - m_copySent);
        m_process.write(data + m_copySent, n);
        m_copySent += n;
    }
}

void WorkerHandle::onFinished(int exitCode, QProcess::ExitStatus status)
{
    const QByteArray rest = m_process.readAllStandardError(); // its last words, a traceback without a newline
    m_stderrTail = (m_stderrTail + rest).right(2000);
    forwardStderr(rest, true);
    m_gone = true;
    m_helloTimer.stop();
    m_stopTimer.stop();
    m_copyInput.reset();
    qCDebug(lcEngine, "worker %d (pid %lld) ended: %s %d%s%s", m_slot, m_pid,
            status == QProcess::CrashExit ? "crashed, signal" : "exit code", exitCode,
            m_killReason.isEmpty() ? "" : ", killed: ", qPrintable(m_killReason));
    emit exited(WorkerExit { exitCode, status == QProcess::CrashExit, m_killReason });
    deleteLater();
}

} // namespace sharedmap
