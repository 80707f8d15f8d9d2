#include "worker/pythonkernel.h"

#include "python/pythonfunction.h"
#include "shm/sharedarray.h"

#include <cmath>
#include <cstdio>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <unistd.h>

namespace sharedmap {

namespace {

/// Tracebacks a worker writes to the log per job; the reasons of the others are in the summary.
constexpr int kTracebacksShown = 3;
/// Positions the probe calls at most before it gives up fixing the result's shape.
constexpr int kMaxProbeCalls = 16;

QVector<qint64> shapeFrom(const QJsonValue& value)
{
    QVector<qint64> shape;
    for (const QJsonValue extent : value.toArray())
        shape.append(extent.toInteger());
    return shape;
}

/// Writes `text` to stderr (the log) in one piece.
void logText(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    qint64 written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(STDERR_FILENO, bytes.constData() + written, size_t(bytes.size() - written));
        if (n <= 0 && errno != EINTR)
            return;
        if (n > 0)
            written += n;
    }
}

class PythonKernel : public Kernel
{
public:
    PythonKernel(std::unique_ptr<python::Function> function, QVector<qint64> shape)
        : m_function(std::move(function))
        , m_shape(std::move(shape))
    { }

    bool evaluate(qint64 index, double* out) const override
    {
        QString traceback;
        if (m_function->evaluate(index, m_shape, out, &m_reason, &traceback))
            return true;
        // An exception's whole traceback goes to the log for the first few; every failed
        // index has its one-line reason in the summary.
        if (!traceback.isEmpty() && m_tracebacks <= kTracebacksShown) {
            ++m_tracebacks;
            if (m_tracebacks <= kTracebacksShown)
                logText(QStringLiteral("index %1 raised:\n%2").arg(index).arg(traceback));
            else
                logText(QStringLiteral("more indices raised: their tracebacks are not shown (reasons in the "
                                       "summary)\n"));
        }
        return false;
    }

    QString failureReason() const override { return m_reason; }

private:
    std::unique_ptr<python::Function> m_function;
    QVector<qint64> m_shape;
    mutable QString m_reason;
    mutable int m_tracebacks = 0;
};

} // namespace

KernelDef pythonKernelDef(const QJsonObject& python, bool withInput)
{
    KernelDef def;
    def.info.name = QStringLiteral("python");
    def.info.needsInput = withInput;
    const QString file = python.value(QStringLiteral("file")).toString();
    const QString display = python.value(QStringLiteral("display")).toString(file);
    const QString function = python.value(QStringLiteral("function")).toString();
    const QVector<qint64> shape = shapeFrom(python.value(QStringLiteral("result_shape")));
    def.indexCount = [](const ArrayMeta& input, const QVariantMap&, qint64* count) {
        if (input.shape.isEmpty())
            return QStringLiteral("a 0-d input has no first axis to take indices from");
        *count = input.shape[0];
        return QString();
    };
    def.resultShape = [shape](const ArrayMeta&, const QVariantMap&, QVector<qint64>* out) {
        *out = shape;
        return QString();
    };
    def.create = [file, display, function, shape, withInput](const KernelContext& context,
                                                             QString* error) -> std::unique_ptr<Kernel> {
        python::Error problem;
        auto module = python::Module::load(file, display, &problem);
        std::unique_ptr<python::Function> bound;
        if (module)
            bound = python::Function::bind(module, function, withInput ? &context.input : nullptr,
                                           QJsonObject::fromVariantMap(context.params), &problem);
        if (!bound) {
            *error = problem.message;
            if (!problem.traceback.isEmpty())
                logText(problem.traceback);
            return nullptr;
        }
        return std::make_unique<PythonKernel>(std::move(bound), shape);
    };
    return def;
}

void startPython()
{
    python::Error ignored;
    python::startInterpreter(&ignored);
}

int runPythonProbe(int argc, char** argv, int resultFd)
{
    QString file, display, function, inputName;
    QJsonObject params;
    QVector<qint64> indices;
    bool withInput = false;
    for (int i = 3; i + 1 < argc; i += 2) { // argv: worker --probe-python FILE [--key value]...
        const QByteArray key = argv[i];
        const QString value = QString::fromLocal8Bit(argv[i + 1]);
        if (key == "--function") {
            function = value;
        } else if (key == "--display") {
            display = value;
        } else if (key == "--input") {
            inputName = value;
        } else if (key == "--params") {
            params = QJsonDocument::fromJson(value.toUtf8()).object();
        } else if (key == "--with-input") {
            withInput = value == QLatin1String("1");
        } else if (key == "--indices") {
            for (const QString& part : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
                indices.append(part.toLongLong());
        }
    }
    if (argc >= 3)
        file = QString::fromLocal8Bit(argv[2]);
    if (display.isEmpty())
        display = file;

    QJsonObject out { { QStringLiteral("ok"), false },
                      { QStringLiteral("error"), QString() },
                      { QStringLiteral("error_kind"), QString() },
                      { QStringLiteral("file"), display },
                      { QStringLiteral("path"), QFileInfo(file).absoluteFilePath() },
                      { QStringLiteral("functions"), QJsonArray() } };
    auto finish = [&](const python::Error& error) {
        if (error.isSet()) {
            out.insert(QStringLiteral("error"), error.message);
            out.insert(QStringLiteral("error_kind"), python::errorKindName(error.kind));
            if (!error.traceback.isEmpty())
                out.insert(QStringLiteral("traceback"), error.traceback);
        } else {
            out.insert(QStringLiteral("ok"), true);
        }
        out.insert(QStringLiteral("interpreter_start_s"), python::interpreterStartSeconds());
        const QByteArray json = QJsonDocument(out).toJson(QJsonDocument::Compact) + '\n';
        qint64 written = 0;
        while (written < json.size()) {
            const ssize_t n = ::write(resultFd, json.constData() + written, size_t(json.size() - written));
            if (n <= 0 && errno != EINTR)
                return 2;
            if (n > 0)
                written += n;
        }
        return 0;
    };

    python::Error error;
    if (file.isEmpty())
        return finish({ python::ErrorKind::File, QStringLiteral("no Python file given"), {} });
    auto module = python::Module::load(QFileInfo(file).absoluteFilePath(), display, &error);
    if (!module)
        return finish(error);
    out.insert(QStringLiteral("functions"), module->functions());
    if (function.isEmpty())
        return finish({});

    withInput = withInput || !inputName.isEmpty();
    if (inputName.isEmpty() && (withInput || indices.isEmpty())) {
        // Nothing to call the function with: check it can take the call, and describe it.
        const QJsonObject info = python::Function::check(module, function, withInput, params, &error);
        if (!info.isEmpty())
            out.insert(QStringLiteral("function"), info);
        return finish(error);
    }
    std::shared_ptr<SharedArray> input;
    ArrayView view;
    if (!inputName.isEmpty()) {
        QString problem;
        input = SharedArray::attach(inputName, &problem);
        if (!input)
            return finish({ python::ErrorKind::Input, QStringLiteral("cannot attach the input: %1").arg(problem), {} });
        view = input->view();
    }
    auto bound = python::Function::bind(module, function, input ? &view : nullptr, params, &error);
    if (!bound)
        return finish(error);
    out.insert(QStringLiteral("function"), bound->info());
    if (indices.isEmpty())
        return finish({});

    // The first position fixes the shape of every result; while it raises, the next ones are
    // tried. What each call gave is that position's result: the job does not compute it again.
    QJsonArray calls;
    const qint64 space = input ? (input->meta().shape.isEmpty() ? 0 : input->meta().shape[0]) : -1;
    for (int position = 0; position < indices.size() && position < kMaxProbeCalls; ++position) {
        const qint64 index = indices[position];
        QJsonObject call { { QStringLiteral("position"), position }, { QStringLiteral("index"), index } };
        if (index < 0 || (space >= 0 && index >= space)) {
            call.insert(QStringLiteral("ok"), false);
            call.insert(QStringLiteral("reason"), QStringLiteral("index %1 is outside the input").arg(index));
            calls.append(call);
            continue;
        }
        const python::CallResult result = bound->call(index);
        call.insert(QStringLiteral("ok"), result.ok);
        if (result.ok) {
            QJsonArray shape;
            for (qint64 extent : result.shape)
                shape.append(extent);
            call.insert(QStringLiteral("shape"), shape);
            const QByteArray raw(reinterpret_cast<const char*>(result.values.data()),
                                 int(result.values.size() * sizeof(double)));
            call.insert(QStringLiteral("values_base64"), QString::fromLatin1(raw.toBase64()));
            QJsonArray first; // for people reading the probe: the exact values are the base64 ones
            for (size_t k = 0; k < result.values.size() && k < 16; ++k)
                first.append(std::isfinite(result.values[k]) ? QJsonValue(result.values[k]) : QJsonValue());
            call.insert(QStringLiteral("values"), first);
            out.insert(QStringLiteral("result_shape"), shape);
            calls.append(call);
            break;
        }
        call.insert(QStringLiteral("reason"), result.reason);
        if (!result.traceback.isEmpty()) {
            call.insert(QStringLiteral("traceback"), result.traceback);
            logText(QStringLiteral("index %1 raised:\n%2").arg(index).arg(result.traceback));
        }
        calls.append(call);
    }
    out.insert(QStringLiteral("calls"), calls);
    return finish({});
}

} // namespace sharedmap
