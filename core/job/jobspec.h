#pragma once

#include "base/arraymeta.h"
#include "base/indexlist.h"
#include "io/arrayloader.h"
#include "job/joberror.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace sharedmap {

/// The user's Python function a job runs instead of a named kernel (`--python FILE.py:FUNCTION`).
struct PythonFunctionSpec
{
    /// The `.py` file, as given (a job file's relative path is made relative to the job file).
    QString file;
    /// A function of that file's module, called as FUNCTION(a, B, **params).
    QString function;

    bool isSet() const { return !file.isEmpty() || !function.isEmpty(); }
    /// `python:FILE:FUNCTION`: what summaries and logs call the kernel.
    QString label() const { return QStringLiteral("python:%1:%2").arg(file, function); }
    bool operator==(const PythonFunctionSpec& other) const { return file == other.file && function == other.function; }
};

/// A job as a copyable value: what to run on which array, with how many workers. The GUI and
/// the CLI both build one; core runs it. Serialises to the JSON that `run --job` reads.
struct KernelDef;

struct JobSpec
{
    /// Path of the input array; empty when the kernel takes no input.
    QString input;
    /// How to read the input (format, dataset, dtype, ...); the default picks by extension.
    LoadOptions inputOptions;
    QString kernel;
    /// The user's Python function, when the job runs one instead of `kernel` (then `params` are
    /// its keyword arguments, checked by the Python probe, not against a KernelInfo).
    PythonFunctionSpec python;
    /// Raw parameter values (text from a command line, or JSON values); typed by resolveParams().
    QVariantMap params;
    /// `all`, a slice, a list or `@FILE.npy`.
    QString indices = QStringLiteral("all");
    /// Worker processes; 0 means one per core.
    int workers = 0;
    /// Positions per claim; 0 means auto (adapted to the measured task time).
    qint64 chunkSize = 0;
    /// Crashes a position may cause before it is marked failed.
    int maxRetries = 2;
    /// A worker that makes no progress on its chunk for this long is killed and the chunk
    /// retried (0 = no timeout).
    double taskTimeoutS = 0;
    /// How workers see the input: `shared` (attach the one shared segment: the point of
    /// SharedMap) or `copy` (each worker receives its own copy through its pipe first, as
    /// process_map does when the array is passed as an argument — for teaching and comparison).
    QString mode = QStringLiteral("shared");
    /// Result file (.npy, .csv or .h5) and summary file (.json); empty for none.
    QString output;
    QString summary;
    /// Kernel plugins (.so files) to load before the kernel is looked up.
    QStringList plugins;

    /// Number of workers to start (resolves 0 to the core count).
    int effectiveWorkers() const;
    /// What summaries and logs call the kernel: `kernel`, or the Python function's label.
    QString kernelLabel() const { return python.isSet() ? python.label() : kernel; }
    /// Whether the job reads an input array (a Python function does when `input` is given).
    bool needsInput() const;
    /// Checks everything that can be checked without reading the input, against the kernels
    /// registered now: it loads no plugin (loadJobPlugins() does, as a step of its own).
    JobError validate() const;
    /// validate()'s message; empty when the spec is valid.
    QString validationError() const { return validate().message; }
    bool isValid() const { return !validate().isError(); }

    QJsonObject toJson() const;
    /// Reads a spec from JSON; unknown keys and values of the wrong type are errors.
    static JobSpec fromJson(const QJsonObject& json, QString* error);
    /// Loads from / saves to a `.json` file.
    static JobSpec load(const QString& path, QString* error);
    QString save(const QString& path) const;

    bool operator==(const JobSpec& other) const;

    /// The kernel definition the job plans with: the named kernel, or for a Python function one
    /// whose index space is `len(B)` (or, without input, what the indices reach); null when unknown.
    const KernelDef* planDef() const;
    bool operator!=(const JobSpec& other) const { return !(*this == other); }
};

/// Loads the plugins `spec` names into this process (probed first in a `worker` process when
/// one is given), so that validate() finds their kernels. A plugin that cannot be loaded is an
/// error only when the job's kernel is not found without it (e.g. a copy of a plugin already
/// loaded from the user's folder is refused, but its kernel is there).
JobError loadJobPlugins(const JobSpec& spec, const QString& worker = QString());

/// The index space of a job without input whose indices name their own stop (a Python function
/// without --input): large enough for any index a spec gives.
constexpr qint64 kUnboundedIndexSpace = qint64(1) << 62;

/// Upper bound on workers: `--workers` and a job file take 1..4096 (0 in a JobSpec means one per core).
constexpr int kMaxWorkers = 4096;

/// Checks an output path: known extension (.npy or .csv) and an existing folder.
QString checkOutputPath(const QString& path, const QStringList& extensions);

} // namespace sharedmap
