#include "engine/pythonprobe.h"

#include "base/installlayout.h"
#include "shm/sharedarray.h"

#include <cstring>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <signal.h>
#include <sys/prctl.h>

namespace sharedmap {

namespace {
/// Positions a probe calls at most (the worker stops there too).
constexpr int kMaxProbePositions = 16;
} // namespace

PythonProbe::PythonProbe(QObject* parent)
    : QObject(parent)
    , m_program(defaultWorkerProgram())
{
    qRegisterMetaType<sharedmap::PythonProbeResult>();
}

PythonProbe::~PythonProbe()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(1000); // going away: a killed process ends at once
        delete m_process;
    }
}

QStringList PythonProbe::arguments(const QString& file, const QString& function, const QVariantMap& params,
                                   const QString& input, const QVector<qint64>& indices, bool withInput)
{
    QStringList arguments { QStringLiteral("--probe-python"), QFileInfo(file).absoluteFilePath(),
                            QStringLiteral("--display"), file };
    if (!function.isEmpty()) {
        arguments << QStringLiteral("--function") << function;
        arguments << QStringLiteral("--params")
                  << QString::fromUtf8(
                         QJsonDocument(QJsonObject::fromVariantMap(params)).toJson(QJsonDocument::Compact));
        arguments << QStringLiteral("--with-input") << (withInput ? QStringLiteral("1") : QStringLiteral("0"));
    }
    if (!input.isEmpty())
        arguments << QStringLiteral("--input") << input;
    if (!indices.isEmpty()) {
        QStringList list;
        for (qint64 index : indices)
            list.append(QString::number(index));
        arguments << QStringLiteral("--indices") << list.join(QLatin1Char(','));
    }
    return arguments;
}

PythonProbeResult PythonProbe::verdict(const QString& file, bool crashed, int exitCode, const QByteArray& output,
                                       const QByteArray& errors)
{
    PythonProbeResult result;
    result.file = file;
    result.output = QString::fromUtf8(errors);
    // The probe's JSON is its last line on the protocol descriptor.
    QJsonObject json;
    const QList<QByteArray> lines = output.trimmed().split('\n');
    if (!crashed && !lines.isEmpty())
        json = QJsonDocument::fromJson(lines.last()).object();
    if (json.isEmpty()) {
        result.errorKind = QStringLiteral("crash");
        result.error = crashed ? QStringLiteral("%1: the Python process crashed while importing it or calling the "
                                                "function (in a separate process: nothing else was affected)")
                                     .arg(file)
                               : QStringLiteral("%1: importing it or calling the function ended the Python process "
                                                "(exit code %2)")
                                     .arg(file)
                                     .arg(exitCode);
        return result;
    }
    result.ok = json.value(QStringLiteral("ok")).toBool();
    result.error = json.value(QStringLiteral("error")).toString();
    result.errorKind = json.value(QStringLiteral("error_kind")).toString();
    result.traceback = json.value(QStringLiteral("traceback")).toString();
    result.functions = json.value(QStringLiteral("functions")).toArray();
    result.function = json.value(QStringLiteral("function")).toObject();
    result.interpreterStartS = json.value(QStringLiteral("interpreter_start_s")).toDouble();
    for (const QJsonValue value : json.value(QStringLiteral("calls")).toArray()) {
        const QJsonObject object = value.toObject();
        PythonProbeCall call;
        call.position = object.value(QStringLiteral("position")).toInteger();
        call.index = object.value(QStringLiteral("index")).toInteger();
        call.ok = object.value(QStringLiteral("ok")).toBool();
        call.reason = object.value(QStringLiteral("reason")).toString();
        call.traceback = object.value(QStringLiteral("traceback")).toString();
        for (const QJsonValue extent : object.value(QStringLiteral("shape")).toArray())
            call.shape.append(extent.toInteger());
        const QByteArray raw
            = QByteArray::fromBase64(object.value(QStringLiteral("values_base64")).toString().toLatin1());
        call.values.resize(raw.size() / qsizetype(sizeof(double)));
        if (!call.values.isEmpty()) // a failed call has none (and memcpy may not be given null)
            std::memcpy(call.values.data(), raw.constData(), size_t(call.values.size()) * sizeof(double));
        if (call.ok) {
            result.resultShape = call.shape;
            result.shapeKnown = true;
        }
        result.calls.append(call);
    }
    if (!result.ok && result.error.isEmpty())
        result.error = QStringLiteral("%1: refused").arg(file);
    return result;
}

void PythonProbe::inspectFile(const QString& file, const QString& function, const QVariantMap& params, bool withInput)
{
    start(file, arguments(file, function, params, QString(), {}, withInput));
}

void PythonProbe::probeJob(const JobSpec& spec, const SharedArray* input, const IndexList& indices)
{
    QVector<qint64> first;
    for (qint64 p = 0; p < indices.size() && p < kMaxProbePositions; ++p)
        first.append(indices.at(p));
    start(spec.python.file,
          arguments(spec.python.file, spec.python.function, spec.params, input ? input->segmentName() : QString(),
                    first, input != nullptr));
}

void PythonProbe::start(const QString& file, const QStringList& args)
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        connect(m_process, &QProcess::finished, m_process, &QObject::deleteLater);
    }
    m_file = file;
    m_cancelled = false;
    m_done = false;
    auto* process = new QProcess(this);
    m_process = process;
    connect(process, &QProcess::finished, this, [this, process](int exitCode, QProcess::ExitStatus status) {
        if (process != m_process)
            return;
        m_process = nullptr;
        process->deleteLater();
        if (m_cancelled) {
            m_result = PythonProbeResult();
            m_result.file = m_file;
            m_result.errorKind = QStringLiteral("cancelled");
            m_result.error = QStringLiteral("%1: probe cancelled").arg(m_file);
        } else {
            m_result = verdict(m_file, status == QProcess::CrashExit, exitCode, process->readAllStandardOutput(),
                               process->readAllStandardError());
        }
        m_done = true;
        emit finished(m_result);
    });
    connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart || process != m_process)
            return;
        m_process = nullptr;
        process->deleteLater();
        m_result = PythonProbeResult();
        m_result.file = m_file;
        m_result.errorKind = QStringLiteral("crash");
        m_result.error
            = QStringLiteral("cannot check %1: %2 does not start (%3)").arg(m_file, m_program, process->errorString());
        m_done = true;
        emit finished(m_result);
    });
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); }); // never outlives us
    process->start(m_program, args);
}

void PythonProbe::cancel()
{
    if (!m_process)
        return;
    m_cancelled = true;
    m_process->kill();
}

bool PythonProbe::isRunning() const
{
    return m_process != nullptr;
}

PythonProbeResult PythonProbe::waitForResult()
{
    if (!m_done) {
        QEventLoop loop;
        connect(this, &PythonProbe::finished, &loop, &QEventLoop::quit);
        if (!m_done)
            loop.exec();
    }
    return m_result;
}

} // namespace sharedmap
