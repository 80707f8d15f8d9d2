#pragma once

#include "base/indexlist.h"
#include "job/jobspec.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMetaType>
#include <QObject>
#include <QProcess>
#include <QVector>

namespace sharedmap {

class SharedArray;

/// One position the probe computed: its result is that position's result in the job.
struct PythonProbeCall
{
    qint64 position = 0;
    qint64 index = 0;
    bool ok = false;
    QVector<qint64> shape; ///< empty: a number
    QVector<double> values; ///< bit-exact, as the function returned them (converted to float64)
    QString reason; ///< why it failed: `Type: message (file:line)`, or what the result lacked
    QString traceback;
};

/// What a Python probe found: whether the file imports, its functions (for the window's
/// dialog), whether the chosen function takes the job's call and parameters, and the first
/// positions' results, which fix the shape of every result before the job starts.
struct PythonProbeResult
{
    /// The file imported and, when a function was named, it can take the call.
    bool ok = false;
    /// One readable line naming the file when !ok (`FILE:LINE: SyntaxError: message`, ...).
    QString error;
    /// Why not: file, syntax, import, function, signature, param, input, interpreter, crash,
    /// cancelled (empty when ok). Decide what to highlight from this, not from the text.
    QString errorKind;
    /// The traceback behind an import error, when Python gave one.
    QString traceback;
    QString file; ///< as given
    /// The module's own functions, in the order of the file: [{name, doc, line, end_line,
    /// signature, params: [{name, kind (positional_or_keyword, keyword_only, var_keyword, ...),
    /// default (its repr, or null when required)}]}].
    QJsonArray functions;
    /// The chosen function, as one entry of `functions` (empty when none was named).
    QJsonObject function;
    /// The positions called (probeJob with indices): the first, and the next ones while it
    /// raised, at most 16.
    QVector<PythonProbeCall> calls;
    /// The shape of every result (empty: a number); valid when shapeKnown.
    QVector<qint64> resultShape;
    bool shapeKnown = false;
    /// What the file printed while it was imported (the probe process's stderr).
    QString output;
    /// Seconds the probe's interpreter took to start with NumPy.
    double interpreterStartS = 0;

    /// Calls were made and none succeeded: the job stops after them (they failed, the rest is
    /// not computed).
    bool halted() const { return !calls.isEmpty() && !shapeKnown; }
};

/// Probes a Python file in a worker process (`sharedmap-worker --probe-python`), so that an
/// import that crashes takes down that process only, never the window or the CLI. Asynchronous:
/// start one probe, get finished(). For the window: inspectFile() lists a file's functions with
/// their docstrings, parameters and defaults; probeJob() checks a job's function and computes
/// its first positions. The CLI uses the same through waitForResult().
class PythonProbe : public QObject
{
    Q_OBJECT
public:
    explicit PythonProbe(QObject* parent = nullptr);
    ~PythonProbe() override;

    /// The worker executable (default: defaultWorkerProgram()).
    void setWorkerProgram(const QString& path) { m_program = path; }

    /// Lists the functions of `file`; with `function`, also checks it can be called with
    /// `params` (raw values, as JobSpec::params holds them) and an input when `withInput`.
    void inspectFile(const QString& file, const QString& function = QString(), const QVariantMap& params = {},
                     bool withInput = true);
    /// Probes the Python function of `spec` for a job over `input` (null without input) and
    /// `indices`: checks it and calls it for the first positions. Pool::start() takes the result.
    void probeJob(const JobSpec& spec, const SharedArray* input, const IndexList& indices);
    /// Kills a running probe; finished() follows with errorKind "cancelled".
    void cancel();
    bool isRunning() const;
    /// Runs a local event loop until the probe started last has finished, and returns its
    /// result (for the command line; signals such as the CLI's SIGINT watcher still arrive and
    /// may cancel()).
    PythonProbeResult waitForResult();
    /// The last result.
    const PythonProbeResult& result() const { return m_result; }

    /// The worker's arguments for a probe (`--probe-python FILE ...`). `input` is the input's
    /// segment name (empty: none); `indices`, the first positions to call (none: no call).
    static QStringList arguments(const QString& file, const QString& function, const QVariantMap& params,
                                 const QString& input, const QVector<qint64>& indices, bool withInput);
    /// What a probe process's end means.
    static PythonProbeResult verdict(const QString& file, bool crashed, int exitCode, const QByteArray& output,
                                     const QByteArray& errors);

signals:
    void finished(const sharedmap::PythonProbeResult& result);

private:
    void start(const QString& file, const QStringList& arguments);

    QString m_program;
    QProcess* m_process = nullptr;
    QString m_file;
    bool m_cancelled = false;
    bool m_done = true;
    PythonProbeResult m_result;
};

} // namespace sharedmap

Q_DECLARE_METATYPE(sharedmap::PythonProbeResult)
