#pragma once

#include "base/arraymeta.h"
#include "shm/accumulator.h"
#include "shm/sharedarray.h"

#include <deque>
#include <functional>
#include <memory>
#include <QString>
#include <QVariant>
#include <QVariantMap>
#include <QVector>

namespace sharedmap {

/// The type of a kernel parameter, which decides the editor the GUI shows and how text parses.
enum class ParamType
{
    Int,
    Double,
    Bool,
    String
};

/// One parameter a kernel accepts: name, type, default and range. Texts are untranslated
/// (marked with QT_TRANSLATE_NOOP in the "Kernels" context) so the UI can translate them.
struct ParamSpec
{
    QString name;
    ParamType type = ParamType::Double;
    QVariant defaultValue;
    QVariant minimum; ///< invalid when unbounded
    QVariant maximum; ///< invalid when unbounded
    const char* description = "";
    /// For a String parameter with a fixed set of values (e.g. lock = none|mutex|atomic): the
    /// values allowed; empty for free text.
    QStringList choices = {};
    /// False for a parameter that changes how a task runs but never its value (`sleep_ms`, fault
    /// injection): `--resume` then accepts partial results made with another value of it.
    bool affectsValues = true;
};

/// What a kernel is, for listings and forms: name, description, index space and parameters.
struct KernelInfo
{
    QString name;
    const char* description = "";
    /// What `--indices all` covers, e.g. "rows (first axis)".
    const char* indexSpace = "";
    QVector<ParamSpec> params;
    bool needsInput = true;
    /// What one index produces, e.g. "one value" or "the normalised row" (untranslated).
    const char* resultText = QT_TRANSLATE_NOOP("Kernels", "one value");
    /// For kernels whose tasks add into one shared array (histogram): what `--output` saves
    /// instead of the per-index results. Empty otherwise.
    const char* accumulatorText = "";
};

/// Everything a kernel is built from in a worker.
struct KernelContext
{
    /// The input (an empty view when the kernel takes none).
    ArrayView input;
    /// Typed parameters, defaults filled in.
    QVariantMap params;
    /// The job's shared accumulator, for kernels that declare one (else null).
    SharedAccumulator* accumulator = nullptr;
    /// Worker processes of the job (a start barrier waits for them).
    int workers = 1;
};

/// A kernel prepared for one job in one worker: maps an index to its result. Implementations are
/// templates over the element type, so the per-element loops carry no dtype switch.
class Kernel
{
public:
    virtual ~Kernel() = default;
    /// Writes the result of `index` to `out` (as many values as the job's result shape holds:
    /// one for a scalar, a whole row for row-valued kernels); returns false when the index failed.
    virtual bool evaluate(qint64 index, double* out) const = 0;
    /// What a worker calls: evaluate() for the index at job `position`. Kernels whose adds must
    /// count once per position however often it is retried (SharedAccumulator::commitOnce())
    /// take the position here.
    virtual bool evaluateAt(qint64 position, qint64 index, double* out) const
    {
        Q_UNUSED(position);
        return evaluate(index, out);
    }
    /// Why the last evaluate() that returned false failed (empty when it cannot say).
    virtual QString failureReason() const { return {}; }
    /// The bytes of the input `index` reads when they are one contiguous block (else empty), so a
    /// worker can map a chunk's pages in one call instead of taking a fault per page.
    virtual std::pair<const char*, qint64> footprint(qint64 index) const
    {
        Q_UNUSED(index);
        return { nullptr, 0 };
    }
};

/// A registered kernel: its metadata and the functions that size and build it.
struct KernelDef
{
    KernelInfo info;
    /// Size of the index space `all` covers for this input, or an error text.
    std::function<QString(const ArrayMeta& input, const QVariantMap& params, qint64* count)> indexCount;
    /// Shape of one index's result (empty for a scalar, e.g. the row's shape for row_normalize);
    /// unset for scalar kernels. Returns an error text.
    std::function<QString(const ArrayMeta& input, const QVariantMap& params, QVector<qint64>* shape)> resultShape;
    /// Cells of the shared accumulator the tasks add into (0 or unset: none).
    std::function<qint64(const QVariantMap& params)> accumulatorCells;
    /// For kernels that add with SharedAccumulator::commitOnce(): the most (cell, value) pairs
    /// one task commits. Null: none.
    std::function<qint64(const ArrayMeta& input, const QVariantMap& params)> accumulatorJournal;
    /// Figures the kernel reports after (or during) a job from its accumulator, e.g. the race
    /// demo's `counter` and `expected_counter`; unset for most kernels.
    std::function<QVariantMap(const QVariantMap& params, const SharedAccumulator& accumulator, qint64 tasksDone)>
        figures;
    /// Builds the kernel for one job in a worker, or sets an error.
    std::function<std::unique_ptr<Kernel>(const KernelContext& context, QString* error)> create;
    /// Optional check of typed parameters before any worker starts (e.g. a formula's syntax).
    std::function<QString(const QVariantMap& params)> validate;
    /// The plugin file that provides this kernel; empty for a built-in kernel.
    QString pluginPath;
};

/// The kernels SharedMap knows (the contract table of DESIGN §4 and later additions).
class KernelRegistry
{
public:
    static const KernelRegistry& instance();

    const KernelDef* find(const QString& name) const;
    QVector<const KernelDef*> all() const;
    QStringList names() const;

    /// Loads a kernel plugin (a shared library built with the SDK in core/sdk) and registers its
    /// kernels. Loading the same file again does nothing. Returns a readable error, empty on
    /// success; `added` receives the names of the kernels it registered.
    static QString loadPlugin(const QString& path, QStringList* added = nullptr);
    /// Loads every plugin in `folder` (default: userPluginFolder()); returns one error per file
    /// that was refused. With `worker`, each is probed first (probePlugin()).
    static QStringList loadPluginFolder(const QString& folder = QString(), const QString& worker = QString());
    /// The plugin files (`*.so`) of `folder` (default: userPluginFolder()), by name.
    static QStringList pluginFiles(const QString& folder = QString());
    /// The plugins folder in the user's data directory, scanned at start by the CLI and the app.
    static QString userPluginFolder();
    /// Canonical paths of the plugins loaded so far.
    QStringList pluginPaths() const;

    /// Arguments that make `worker` load the plugin at `path` and list its kernels in a process
    /// of its own (`sharedmap-worker --probe-plugin PATH`), so a plugin that crashes on load
    /// takes down that process only. Run it, then judge it with probeVerdict().
    static QStringList probeArguments(const QString& path);
    /// What a probe's end means: empty when the plugin loaded, else a readable error (the
    /// probe's own message, or how it died).
    static QString probeVerdict(const QString& path, bool crashed, int exitCode, const QByteArray& errors);
    /// Probes `path` with `worker` and waits (for command-line use; the window probes with an
    /// asynchronous QProcess). Returns probeVerdict().
    static QString probePlugin(const QString& path, const QString& worker);
    /// probePlugin(), then loadPlugin() when the probe loaded it without a crash.
    static QString loadProbedPlugin(const QString& path, const QString& worker);

private:
    KernelRegistry();
    static KernelRegistry& mutableInstance();
    /// A deque: registering a plugin kernel never moves the KernelDefs find() handed out.
    std::deque<KernelDef> m_kernels;
    QStringList m_pluginPaths;
    std::deque<QByteArray> m_texts; ///< storage for plugin texts that KernelInfo holds as char*
};

/// Checks raw parameters (strings from a command line or JSON values) against a kernel's specs
/// and returns them typed, with defaults filled in. Returns an error text on the first problem.
QString resolveParams(const KernelInfo& info, const QVariantMap& raw, QVariantMap* typed);

/// The simulated-work parameter (`sleep_ms`) every kernel accepts, plugin kernels included.
ParamSpec sleepParam();

/// Name of a ParamType ("int", "double", "bool", "string").
QString paramTypeName(ParamType type);

} // namespace sharedmap
