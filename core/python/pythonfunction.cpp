// Python.h first, and without Qt's `slots` keyword, which names a member of a CPython struct.
#define PY_SSIZE_T_CLEAN
#pragma push_macro("slots")
#undef slots
#include <Python.h>
#pragma pop_macro("slots")

#include "python/helpersource.h"
#include "python/pythonfunction.h"

#include <chrono>
#include <cstring>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>

namespace sharedmap::python {

namespace {

/// An owned reference, released when it goes.
class Ref
{
public:
    Ref() = default;
    explicit Ref(PyObject* object)
        : m_object(object)
    { }
    Ref(const Ref&) = delete;
    Ref& operator=(const Ref&) = delete;
    Ref(Ref&& other) noexcept
        : m_object(other.m_object)
    {
        other.m_object = nullptr;
    }
    Ref& operator=(Ref&& other) noexcept
    {
        std::swap(m_object, other.m_object);
        return *this;
    }
    ~Ref() { Py_XDECREF(m_object); }
    PyObject* get() const { return m_object; }
    explicit operator bool() const { return m_object != nullptr; }
    PyObject* release()
    {
        PyObject* object = m_object;
        m_object = nullptr;
        return object;
    }

private:
    PyObject* m_object = nullptr;
};

/// What the process keeps once the interpreter runs: the helper's functions and NumPy's scalar
/// types (for the fast conversion of a result). Never freed: the interpreter is never finalised.
struct Runtime
{
    bool started = false;
    bool failed = false;
    Error failure;
    double startSeconds = 0;
    PyObject* helper = nullptr;
    PyObject* load = nullptr;
    PyObject* describe = nullptr;
    PyObject* describeJson = nullptr;
    PyObject* parseParams = nullptr;
    PyObject* check = nullptr;
    PyObject* makeInput = nullptr;
    PyObject* convert = nullptr;
    PyObject* exceptionReason = nullptr;
    PyObject* refused = nullptr;
    PyObject* numpyInteger = nullptr;
    PyObject* numpyFloating = nullptr;
    PyObject* numpyBool = nullptr;
};

Runtime& runtime()
{
    static Runtime r;
    return r;
}

QString fromPython(PyObject* object)
{
    if (!object)
        return {};
    Ref text(PyObject_Str(object));
    if (!text) {
        PyErr_Clear();
        return QStringLiteral("(unprintable)");
    }
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(text.get(), &size);
    if (!utf8) {
        PyErr_Clear();
        return QStringLiteral("(unprintable)");
    }
    return QString::fromUtf8(utf8, int(size));
}

Ref toPython(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    return Ref(PyUnicode_FromStringAndSize(utf8.constData(), utf8.size()));
}

/// The pending exception as (reason, traceback) through the helper; clears it.
void takeException(QString* reason, QString* traceback)
{
    PyObject* type = nullptr;
    PyObject* value = nullptr;
    PyObject* tb = nullptr;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb && value)
        PyException_SetTraceback(value, tb);
    Ref typeRef(type), valueRef(value), tbRef(tb);
    Runtime& r = runtime();
    if (value && r.exceptionReason) {
        Ref pair(PyObject_CallOneArg(r.exceptionReason, value));
        if (pair && PyTuple_Check(pair.get()) && PyTuple_GET_SIZE(pair.get()) == 2) {
            *reason = fromPython(PyTuple_GET_ITEM(pair.get(), 0));
            if (traceback)
                *traceback = fromPython(PyTuple_GET_ITEM(pair.get(), 1));
            return;
        }
        PyErr_Clear();
    }
    *reason = value ? fromPython(value) : QStringLiteral("unknown Python error");
}

PyObject* attribute(PyObject* module, const char* name, Error* error)
{
    PyObject* object = PyObject_GetAttrString(module, name);
    if (!object && !error->isSet()) {
        QString reason;
        takeException(&reason, &error->traceback);
        *error = { ErrorKind::Interpreter, QStringLiteral("embedded helper: %1").arg(reason), error->traceback };
    }
    return object;
}

/// (None, (kind, message[, traceback])) from the helper into `error`.
void readRefusal(PyObject* refusal, Error* error)
{
    static const QHash<QString, ErrorKind> kinds {
        { QStringLiteral("file"), ErrorKind::File },           { QStringLiteral("syntax"), ErrorKind::Syntax },
        { QStringLiteral("import"), ErrorKind::Import },       { QStringLiteral("function"), ErrorKind::Function },
        { QStringLiteral("signature"), ErrorKind::Signature }, { QStringLiteral("param"), ErrorKind::Param },
    };
    error->kind = kinds.value(fromPython(PyTuple_GetItem(refusal, 0)), ErrorKind::Import);
    error->message = fromPython(PyTuple_GetItem(refusal, 1));
    if (PyTuple_Size(refusal) > 2)
        error->traceback = fromPython(PyTuple_GetItem(refusal, 2));
    PyErr_Clear();
}

QString shapeText(const QVector<qint64>& shape)
{
    if (shape.isEmpty())
        return QStringLiteral("a number");
    QStringList parts;
    for (qint64 extent : shape)
        parts.append(QString::number(extent));
    return QStringLiteral("shape (%1%2)").arg(parts.join(QStringLiteral(", ")), shape.size() == 1 ? "," : "");
}

} // namespace

QString errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::None:
        return {};
    case ErrorKind::File:
        return QStringLiteral("file");
    case ErrorKind::Syntax:
        return QStringLiteral("syntax");
    case ErrorKind::Import:
        return QStringLiteral("import");
    case ErrorKind::Function:
        return QStringLiteral("function");
    case ErrorKind::Signature:
        return QStringLiteral("signature");
    case ErrorKind::Param:
        return QStringLiteral("param");
    case ErrorKind::Interpreter:
        return QStringLiteral("interpreter");
    case ErrorKind::Input:
        return QStringLiteral("input");
    }
    return {};
}

bool startInterpreter(Error* error)
{
    Runtime& r = runtime();
    if (r.started)
        return true;
    if (r.failed) {
        *error = r.failure;
        return false;
    }
    const auto began = std::chrono::steady_clock::now();
    auto fail = [&](const QString& message, const QString& traceback = QString()) {
        r.failed = true;
        r.failure = { ErrorKind::Interpreter, message, traceback };
        *error = r.failure;
        return false;
    };
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    // Debian's interpreter, named explicitly: left alone, CPython derives its prefix from the
    // `python3` it finds first on PATH, which here is another installation without NumPy.
    const std::wstring executable = QStringLiteral(SHAREDMAP_PYTHON_EXECUTABLE).toStdWString();
    const std::wstring home = QStringLiteral(SHAREDMAP_PYTHON_HOME).toStdWString();
    config.install_signal_handlers = 0; // SIGINT stays the worker's (a Ctrl-C is not an exception of an index)
    config.buffered_stdio = 0; // what the function prints reaches the log as it prints it
    config.parse_argv = 0;
    config.write_bytecode = 0;
    PyStatus status = PyConfig_SetString(&config, &config.program_name, executable.c_str());
    if (!PyStatus_Exception(status))
        status = PyConfig_SetString(&config, &config.executable, executable.c_str());
    if (!PyStatus_Exception(status))
        status = PyConfig_SetString(&config, &config.home, home.c_str());
    if (!PyStatus_Exception(status))
        status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status))
        return fail(QStringLiteral("cannot start the Python interpreter (%1): %2")
                        .arg(QString::fromWCharArray(executable.c_str()),
                             QString::fromUtf8(status.err_msg ? status.err_msg : "unknown error")));

    Ref numpy(PyImport_ImportModule("numpy"));
    if (!numpy) {
        QString reason, traceback;
        takeException(&reason, &traceback);
        return fail(
            QStringLiteral("cannot import NumPy in the embedded Python (install python3-numpy): %1").arg(reason),
            traceback);
    }
    // A segfault in an extension still kills the worker (the pool retries it), but the log gets
    // the Python stack that led there first.
    if (Ref faulthandler(PyImport_ImportModule("faulthandler")); faulthandler) {
        Ref enabled(PyObject_CallMethod(faulthandler.get(), "enable", nullptr));
    }
    PyErr_Clear();

    Ref code(Py_CompileString(kHelperSource, "<sharedmap helper>", Py_file_input));
    Ref helper(code ? PyImport_ExecCodeModule("_sharedmap_embed", code.get()) : nullptr);
    if (!helper) {
        QString reason, traceback;
        takeException(&reason, &traceback);
        return fail(QStringLiteral("cannot load the embedded helper: %1").arg(reason), traceback);
    }
    Error problem;
    r.helper = helper.release();
    r.load = attribute(r.helper, "load", &problem);
    r.describe = attribute(r.helper, "describe", &problem);
    r.describeJson = attribute(r.helper, "describe_json", &problem);
    r.parseParams = attribute(r.helper, "parse_params", &problem);
    r.check = attribute(r.helper, "check", &problem);
    r.makeInput = attribute(r.helper, "make_input", &problem);
    r.convert = attribute(r.helper, "convert", &problem);
    r.exceptionReason = attribute(r.helper, "exception_reason", &problem);
    r.refused = attribute(r.helper, "Refused", &problem);
    r.numpyInteger = attribute(numpy.get(), "integer", &problem);
    r.numpyFloating = attribute(numpy.get(), "floating", &problem);
    r.numpyBool = attribute(numpy.get(), "bool_", &problem);
    if (problem.isSet())
        return fail(problem.message, problem.traceback);
    Ref bootstrap(PyObject_CallMethod(r.helper, "bootstrap", nullptr));
    if (!bootstrap) {
        QString reason, traceback;
        takeException(&reason, &traceback);
        return fail(QStringLiteral("embedded helper: %1").arg(reason), traceback);
    }
    r.started = true;
    r.startSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    return true;
}

double interpreterStartSeconds()
{
    return runtime().startSeconds;
}

// --- Module ---------------------------------------------------------------------------------

struct Module::Impl
{
    QString path;
    QString display;
    QByteArray source;
    PyObject* module = nullptr;
    ~Impl() { Py_XDECREF(module); }
};

Module::Module(std::unique_ptr<Impl> impl)
    : d(std::move(impl))
{ }

Module::~Module() = default;

QString Module::path() const
{
    return d->path;
}

QString Module::display() const
{
    return d->display;
}

std::shared_ptr<Module> Module::load(const QString& path, const QString& display, Error* error)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        *error = { ErrorKind::File, QStringLiteral("%1: no such file").arg(display), {} };
        return nullptr;
    }
    if (info.isDir()) {
        *error = { ErrorKind::File, QStringLiteral("%1: is a folder, not a Python file").arg(display), {} };
        return nullptr;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = { ErrorKind::File, QStringLiteral("%1: cannot read: %2").arg(display, file.errorString()), {} };
        return nullptr;
    }
    if (file.size() > (qint64(64) << 20)) {
        *error
            = { ErrorKind::File, QStringLiteral("%1: larger than 64 MiB: not a Python source file").arg(display), {} };
        return nullptr;
    }
    const QByteArray source = file.readAll();
    if (!startInterpreter(error))
        return nullptr;

    // One module per file in this process: a warm worker's next job on the same, unchanged file
    // reuses it; a file saved since is imported again.
    static QHash<QString, std::shared_ptr<Module>> cache;
    const QString key = info.absoluteFilePath();
    if (auto cached = cache.value(key); cached && cached->d->source == source) {
        cached->d->display = display;
        return cached;
    }
    Runtime& r = runtime();
    Ref pathObject = toPython(key);
    Ref displayObject = toPython(display);
    Ref sourceObject(PyBytes_FromStringAndSize(source.constData(), source.size()));
    Ref result(
        PyObject_CallFunctionObjArgs(r.load, pathObject.get(), displayObject.get(), sourceObject.get(), nullptr));
    if (!result || !PyTuple_Check(result.get()) || PyTuple_GET_SIZE(result.get()) != 2) {
        QString reason, traceback;
        takeException(&reason, &traceback);
        *error = { ErrorKind::Import, QStringLiteral("%1: %2").arg(display, reason), traceback };
        return nullptr;
    }
    PyObject* refusal = PyTuple_GET_ITEM(result.get(), 1);
    if (refusal != Py_None) {
        readRefusal(refusal, error);
        return nullptr;
    }
    auto impl = std::make_unique<Impl>();
    impl->path = key;
    impl->display = display;
    impl->source = source;
    impl->module = Py_NewRef(PyTuple_GET_ITEM(result.get(), 0));
    std::shared_ptr<Module> module(new Module(std::move(impl)));
    cache.insert(key, module);
    return module;
}

QJsonArray Module::functions() const
{
    Ref text(PyObject_CallOneArg(runtime().describe, d->module));
    if (!text) {
        PyErr_Clear();
        return {};
    }
    return QJsonDocument::fromJson(fromPython(text.get()).toUtf8()).array();
}

// --- Function -------------------------------------------------------------------------------

struct Function::Impl
{
    std::shared_ptr<Module> module;
    PyObject* function = nullptr;
    PyObject* input = nullptr; ///< B, null without input
    PyObject* kwnames = nullptr; ///< tuple of keyword names, null when none
    std::vector<PyObject*> stack; ///< [scratch, a, B, keyword values...] for the vectorcall
    size_t positional = 1;

    ~Impl()
    {
        // stack[1] is the index of the last call, released after each call; the others are owned here.
        for (size_t i = 1 + positional; i < stack.size(); ++i)
            Py_XDECREF(stack[i]);
        Py_XDECREF(kwnames);
        Py_XDECREF(input);
        Py_XDECREF(function);
    }

    /// fn(a, B, **params): a new reference, or null with the exception pending.
    PyObject* invoke(qint64 index)
    {
        PyObject* a = PyLong_FromLongLong(index);
        if (!a)
            return nullptr;
        stack[1] = a;
        PyObject* result
            = PyObject_Vectorcall(function, stack.data() + 1, positional | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames);
        stack[1] = nullptr;
        Py_DECREF(a);
        return result;
    }
};

Function::Function(std::unique_ptr<Impl> impl)
    : d(std::move(impl))
{ }

Function::~Function() = default;

namespace {

/// The helper's check(): the function (a new reference) and its parsed keyword arguments, or
/// null with `error` set.
PyObject* checkedFunction(Module& module, PyObject* moduleObject, const QString& name, bool withInput,
                          const QJsonObject& params, Ref* kwargsOut, Error* error)
{
    Runtime& r = runtime();
    const QByteArray paramsJson = QJsonDocument(params).toJson(QJsonDocument::Compact);
    Ref paramsText(PyUnicode_FromStringAndSize(paramsJson.constData(), paramsJson.size()));
    Ref kwargs(PyObject_CallOneArg(r.parseParams, paramsText.get()));
    if (!kwargs || !PyDict_Check(kwargs.get())) {
        QString reason;
        takeException(&reason, nullptr);
        *error = { ErrorKind::Param, QStringLiteral("%1: parameters: %2").arg(module.display(), reason), {} };
        return nullptr;
    }
    Ref displayObject = toPython(module.display());
    Ref nameObject = toPython(name);
    Ref checked(PyObject_CallFunctionObjArgs(r.check, moduleObject, displayObject.get(), nameObject.get(),
                                             withInput ? Py_True : Py_False, kwargs.get(), nullptr));
    if (!checked || !PyTuple_Check(checked.get()) || PyTuple_GET_SIZE(checked.get()) != 2) {
        QString reason, traceback;
        takeException(&reason, &traceback);
        *error = { ErrorKind::Signature, QStringLiteral("%1: %2").arg(module.display(), reason), traceback };
        return nullptr;
    }
    if (PyTuple_GET_ITEM(checked.get(), 1) != Py_None) {
        readRefusal(PyTuple_GET_ITEM(checked.get(), 1), error);
        return nullptr;
    }
    *kwargsOut = std::move(kwargs);
    return Py_NewRef(PyTuple_GET_ITEM(checked.get(), 0));
}

QJsonObject describeFunction(PyObject* function)
{
    Ref text(PyObject_CallOneArg(runtime().describeJson, function));
    if (!text) {
        PyErr_Clear();
        return {};
    }
    return QJsonDocument::fromJson(fromPython(text.get()).toUtf8()).object();
}

} // namespace

QJsonObject Function::check(std::shared_ptr<Module> module, const QString& name, bool withInput,
                            const QJsonObject& params, Error* error)
{
    Ref kwargs;
    Ref function(checkedFunction(*module, module->d->module, name, withInput, params, &kwargs, error));
    return function ? describeFunction(function.get()) : QJsonObject();
}

std::unique_ptr<Function> Function::bind(std::shared_ptr<Module> module, const QString& name, const ArrayView* input,
                                         const QJsonObject& params, Error* error)
{
    Runtime& r = runtime();
    auto impl = std::make_unique<Impl>();
    impl->module = module;
    Ref kwargs;
    impl->function = checkedFunction(*module, module->d->module, name, input != nullptr, params, &kwargs, error);
    if (!impl->function)
        return nullptr;

    impl->stack.push_back(nullptr); // scratch slot PY_VECTORCALL_ARGUMENTS_OFFSET lets the callee use
    impl->stack.push_back(nullptr); // a
    if (input) {
        // B: a memoryview over the mapping (read-only, no copy) seen through numpy.frombuffer.
        const qint64 bytes = input->elementCount() * qint64(dtypeSize(input->dtype));
        Ref memory(bytes > 0 ? PyMemoryView_FromMemory(const_cast<char*>(input->data), Py_ssize_t(bytes), PyBUF_READ)
                             : Py_NewRef(Py_None));
        Ref shape(PyList_New(0));
        for (qint64 extent : input->shape) {
            Ref value(PyLong_FromLongLong(extent));
            PyList_Append(shape.get(), value.get());
        }
        Ref dtype = toPython(dtypeName(input->dtype));
        Ref view(memory ? PyObject_CallFunctionObjArgs(r.makeInput, memory.get(), dtype.get(), shape.get(),
                                                       input->fortranOrder ? Py_True : Py_False, nullptr)
                        : nullptr);
        if (!view) {
            QString reason;
            takeException(&reason, nullptr);
            *error = { ErrorKind::Input,
                       QStringLiteral("cannot show the input to Python as an array: %1").arg(reason),
                       {} };
            return nullptr;
        }
        impl->input = view.release();
        impl->stack.push_back(impl->input);
        impl->positional = 2;
    }
    if (PyDict_GET_SIZE(kwargs.get()) > 0) {
        impl->kwnames = PyTuple_New(PyDict_GET_SIZE(kwargs.get()));
        Py_ssize_t at = 0, i = 0;
        PyObject* key = nullptr;
        PyObject* value = nullptr;
        while (PyDict_Next(kwargs.get(), &at, &key, &value)) {
            PyTuple_SET_ITEM(impl->kwnames, i++, Py_NewRef(key));
            impl->stack.push_back(Py_NewRef(value));
        }
    }
    return std::unique_ptr<Function>(new Function(std::move(impl)));
}

QJsonObject Function::info() const
{
    return describeFunction(d->function);
}

namespace {

/// A result's conversion, on the fast path for floats, ints and NumPy's real scalars, else
/// through the helper: sets `scalar` or `array` (a float64 C-order ndarray), or `reason`.
bool convertResult(PyObject* result, double* scalar, Ref* array, QString* reason, QString* traceback, bool* isScalar)
{
    Runtime& r = runtime();
    *isScalar = true;
    if (PyFloat_Check(result)) { // numpy.float64 is a float
        *scalar = PyFloat_AS_DOUBLE(result);
        return true;
    }
    if (PyLong_Check(result)) { // bool too
        *scalar = PyLong_AsDouble(result);
        if (*scalar == -1.0 && PyErr_Occurred()) {
            takeException(reason, nullptr);
            *reason = QStringLiteral("returned an int too large for a float64 (%1)").arg(*reason);
            return false;
        }
        return true;
    }
    if (PyObject_TypeCheck(result, reinterpret_cast<PyTypeObject*>(r.numpyFloating))
        || PyObject_TypeCheck(result, reinterpret_cast<PyTypeObject*>(r.numpyInteger))
        || PyObject_TypeCheck(result, reinterpret_cast<PyTypeObject*>(r.numpyBool))) {
        Ref value(PyNumber_Float(result));
        if (value) {
            *scalar = PyFloat_AS_DOUBLE(value.get());
            return true;
        }
        PyErr_Clear();
    }
    Ref converted(PyObject_CallOneArg(r.convert, result));
    if (!converted) {
        if (PyErr_ExceptionMatches(r.refused)) {
            PyObject* type = nullptr;
            PyObject* value = nullptr;
            PyObject* tb = nullptr;
            PyErr_Fetch(&type, &value, &tb);
            PyErr_NormalizeException(&type, &value, &tb);
            Ref typeRef(type), valueRef(value), tbRef(tb);
            *reason = fromPython(value);
        } else {
            takeException(reason, traceback);
        }
        return false;
    }
    if (PyFloat_Check(converted.get())) {
        *scalar = PyFloat_AS_DOUBLE(converted.get());
        return true;
    }
    *isScalar = false;
    *array = std::move(converted);
    return true;
}

} // namespace

CallResult Function::call(qint64 index)
{
    CallResult out;
    Ref result(d->invoke(index));
    if (!result) {
        takeException(&out.reason, &out.traceback);
        return out;
    }
    double scalar = 0;
    Ref array;
    bool isScalar = true;
    if (!convertResult(result.get(), &scalar, &array, &out.reason, &out.traceback, &isScalar))
        return out;
    if (isScalar) {
        out.values = { scalar };
        out.ok = true;
        return out;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(array.get(), &view, PyBUF_C_CONTIGUOUS) != 0) {
        takeException(&out.reason, &out.traceback);
        return out;
    }
    for (int k = 0; k < view.ndim; ++k)
        out.shape.append(view.shape[k]);
    const auto* values = static_cast<const double*>(view.buf);
    out.values.assign(values, values + view.len / Py_ssize_t(sizeof(double)));
    PyBuffer_Release(&view);
    out.ok = true;
    return out;
}

bool Function::evaluate(qint64 index, const QVector<qint64>& shape, double* out, QString* reason, QString* traceback)
{
    Ref result(d->invoke(index));
    if (!result) {
        takeException(reason, traceback);
        return false;
    }
    double scalar = 0;
    Ref array;
    bool isScalar = true;
    if (!convertResult(result.get(), &scalar, &array, reason, traceback, &isScalar))
        return false;
    if (isScalar) {
        if (!shape.isEmpty()) {
            *reason = QStringLiteral("returned a number, not %1 as the first result").arg(shapeText(shape));
            return false;
        }
        *out = scalar;
        return true;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(array.get(), &view, PyBUF_C_CONTIGUOUS) != 0) {
        takeException(reason, traceback);
        return false;
    }
    QVector<qint64> got;
    for (int k = 0; k < view.ndim; ++k)
        got.append(view.shape[k]);
    const bool same = got == shape || (got.isEmpty() && shape.isEmpty());
    if (same)
        std::memcpy(out, view.buf, size_t(view.len));
    PyBuffer_Release(&view);
    if (!same)
        *reason = QStringLiteral("returned %1, not %2 as the first result").arg(shapeText(got), shapeText(shape));
    return same;
}

} // namespace sharedmap::python
