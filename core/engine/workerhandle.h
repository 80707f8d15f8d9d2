#pragma once

#include "protocol/messages.h"
#include "shm/sharedarray.h"

#include <memory>
#include <QObject>
#include <QProcess>
#include <QTimer>

namespace sharedmap {

/// How a worker process ended.
struct WorkerExit
{
    int exitCode = 0;
    bool crashed = false; ///< ended by a signal
    QString killReason; ///< why the pool killed it, when it gave one
};

/// One worker process and the pool's end of its pipes. It owns the QProcess; it launches it
/// (dying with the pool, at a given niceness), decodes the worker's frames into typed messages,
/// keeps the tail of its stderr, streams the input in copy mode, and has one stop path: ask
/// (park or quit), wait on a timer, kill — never a blocking wait. A handle deletes itself once
/// its process has exited, after `exited()`.
class WorkerHandle : public QObject
{
    Q_OBJECT
public:
    /// How long a worker has, from its launch or a new job, to say hello before it is killed.
    static constexpr int kHelloTimeoutMs = 10000;

    explicit WorkerHandle(int slot, QObject* parent = nullptr);
    ~WorkerHandle() override;

    /// Starts `program --job NAME --slot N --parent PID`. With `copyInput` (copy mode), the
    /// input's description and bytes go down the worker's stdin first, a few MiB in flight.
    void launch(const QString& program, const QString& jobName, int niceness,
                std::shared_ptr<const SharedArray> copyInput);
    /// Starts `program --parked 1 --parent PID` ahead of a job: parked from the start, it gets
    /// ready (with `python`, the interpreter and NumPy) and waits to be assign()ed one.
    void launchParked(const QString& program, int niceness, bool python);
    /// Hands a parked worker its next job; it says hello again once attached.
    void assign(const QString& jobName);
    /// Tells an attached, idle worker to look for work again; false when it is not idle.
    bool wake();
    /// Asks the worker to park (keep its input, warm pool) or to quit, and kills it if within
    /// `graceMs` it has neither parked nor exited.
    void stop(bool park, int graceMs);
    /// Kills the process now; `reason`, if given, is the exit's killReason.
    void kill(const QString& reason = {});
    /// The pool is done with this handle: nothing is reported any more, and the handle deletes
    /// itself once the process is gone (stop() or kill() it too).
    void abandon();

    int slot() const { return m_slot; }
    /// The process's id as soon as it is started (0 before, or once it is gone).
    qint64 processId() const { return m_process.processId(); }
    /// Said hello since its launch or last job.
    bool attached() const { return m_attached; }
    /// Said idle since it was last told to run.
    bool idle() const { return m_idle; }
    bool parked() const { return m_parked; }
    /// Parked with the whole input in its page tables.
    bool resident() const { return m_resident; }
    /// Forgets residency: a warm worker given another array maps that one first.
    void clearResident() { m_resident = false; }
    QString killReason() const { return m_killReason; }
    QByteArray stderrTail() const { return m_stderrTail; }

signals:
    /// A whole, valid message from the worker (the flags above already updated).
    void messageReceived(const sharedmap::protocol::WorkerMessage& message);
    /// One non-empty line the worker wrote on stderr, whole (what a Python function prints, a
    /// traceback line with its indentation); the last one, unfinished, once the worker is gone.
    void stderrLine(const QString& line);
    void failedToStart(const QString& error);
    /// The worker sent something that is not a valid message; it is killed next, as crashed.
    void protocolError(const QString& error);
    /// The worker did not say hello within kHelloTimeoutMs; it is killed next.
    void attachTimedOut();
    void exited(const sharedmap::WorkerExit& exit);

private:
    template <class Message> void send(const Message& message) { m_process.write(protocol::encodeMessage(message)); }
    void readFrames();
    void readStderr();
    /// Emits the whole lines of `text` (a partial last line waits for the rest, or for `flush`).
    void forwardStderr(const QByteArray& text, bool flush);
    void start(const QString& program, QStringList arguments, int niceness);
    void sendCopy(bool first);
    void onFinished(int exitCode, QProcess::ExitStatus status);

    QProcess m_process;
    int m_slot;
    protocol::FrameReader m_reader;
    QByteArray m_stderrTail;
    QByteArray m_stderrLine; ///< the start of a line the worker has not finished writing
    QTimer m_helloTimer;
    QTimer m_stopTimer;
    std::shared_ptr<const SharedArray> m_copyInput; ///< copy mode, while its bytes are being sent
    qint64 m_copySent = 0;
    qint64 m_pid = 0; ///< for the log: QProcess forgets it at the exit
    QString m_killReason;
    bool m_attached = false;
    bool m_idle = false;
    bool m_parked = false;
    bool m_resident = false;
    bool m_parkAsked = false; ///< the pending stop() is a park: parking in time spares the worker
    bool m_gone = false; ///< exited, or never started
    bool m_abandoned = false;
};

} // namespace sharedmap
