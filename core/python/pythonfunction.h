#pragma once

#include "base/arrayview.h"

#include <memory>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QVector>
#include <vector>

// The embedded CPython of the worker (only the worker links it): one interpreter per process,
// the user's file imported as a module, their function called once per index over a read-only
// NumPy view of the shared input. No Python header leaks out of this folder.

namespace sharedmap::python {

/// What kind of problem refused a file or a function (the probe's `error_kind`).
enum class ErrorKind
{
    None,
    File, ///< missing or unreadable
    Syntax, ///< SyntaxError (and IndentationError, TabError)
    Import, ///< the module raised while it was imported (ImportError and any other exception)
    Function, ///< no such function, or not callable
    Signature, ///< cannot be called as (a, B) / (a)
    Param, ///< a --param it cannot accept, or a required keyword not given
    Interpreter, ///< the interpreter or NumPy did not start
    Input ///< the input cannot be seen as an ndarray
};

/// The probe's name of a kind: "file", "syntax", ... ("" for None).
QString errorKindName(ErrorKind kind);

/// A refusal: its kind, one readable line, and the traceback when Python gave one.
struct Error
{
    ErrorKind kind = ErrorKind::None;
    QString message;
    QString traceback;
    bool isSet() const { return kind != ErrorKind::None; }
};

/// Starts the interpreter once per process (Debian's prefix, whatever python3 is first on PATH),
/// with unbuffered stdio and no signal handlers of its own, and imports NumPy. Later calls
/// return at once. False (and `error`) when it cannot start.
bool startInterpreter(Error* error);
/// Seconds the first startInterpreter() took (interpreter and NumPy), 0 before.
double interpreterStartSeconds();

/// One user file imported as a module named after the file (never `__main__`, so its
/// `if __name__ == "__main__":` block does not run). Modules are cached per path and imported
/// again when the file's contents change.
class Module
{
public:
    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    /// Imports `path` (absolute), or returns the cached module when the file is unchanged.
    /// `display` is how error messages name the file (as the user gave it).
    static std::shared_ptr<Module> load(const QString& path, const QString& display, Error* error);
    /// The module's own functions as JSON: [{name, doc, line, end_line, signature, params:
    /// [{name, kind, default (repr or null)}]}], in the order of the file.
    QJsonArray functions() const;
    QString path() const;
    QString display() const;

private:
    struct Impl;
    explicit Module(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
    friend class Function;
};

/// What one call gave: a scalar (empty shape) or an array of `shape`, as float64 values.
struct CallResult
{
    bool ok = false;
    QVector<qint64> shape;
    std::vector<double> values;
    QString reason; ///< why it failed: `Type: message (file:line)`, or what was wrong with the result
    QString traceback; ///< the full traceback of an exception, empty otherwise
};

/// The user's function bound to one job: `fn(a, B, **params)` (or `fn(a, **params)` with no
/// input), called with a cached vectorcall.
class Function
{
public:
    ~Function();
    Function(const Function&) = delete;
    Function& operator=(const Function&) = delete;

    /// Finds `name` in `module` and checks it can take the call with these parameters (a JSON
    /// object of raw values: strings are parsed as Python literals when they are ones). `input`
    /// is null for a function without input; its memory must outlive the Function.
    static std::unique_ptr<Function> bind(std::shared_ptr<Module> module, const QString& name, const ArrayView* input,
                                          const QJsonObject& params, Error* error);

    /// Checks without binding an input: the function exists and can take (a, B, **params) —
    /// (a, **params) when not `withInput`. Returns its description (as info()), or sets `error`.
    static QJsonObject check(std::shared_ptr<Module> module, const QString& name, bool withInput,
                             const QJsonObject& params, Error* error);

    /// Calls the function for `index` and returns its result, whatever its shape (the probe).
    CallResult call(qint64 index);
    /// Calls the function for `index` and writes its result to `out`, which holds exactly the
    /// values of `shape` (empty: one scalar). False when it raised or returned anything else;
    /// then `reason` (and `traceback` for an exception) say why.
    bool evaluate(qint64 index, const QVector<qint64>& shape, double* out, QString* reason, QString* traceback);
    /// The function's description (describe_function of the helper) as JSON.
    QJsonObject info() const;

private:
    struct Impl;
    explicit Function(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace sharedmap::python
