// Kernel plugins: shared libraries built against the SDK header (core/sdk/sharedmap/kernelplugin.h)
// and adapted here into KernelRegistry entries, so the pool, the workers, the CLI and the GUI
// treat them like built-in kernels.

#include "kernels/kernel.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QPluginLoader>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <sharedmap/kernelplugin.h>

namespace sharedmap {

namespace {

constexpr char kIidPrefix[] = "org.sharedmap.KernelPlugin/";

static_assert(int(sdk::DType::Float64) == int(DType::Float64) && int(sdk::DType::UInt8) == int(DType::UInt8),
              "the SDK's dtype numbering follows core/dtype.h");

/// The SDK view of an array: shape and strides live in the adapter that owns it.
struct SdkArray
{
    QVector<int64_t> shape;
    QVector<int64_t> strides;
    sdk::InputArray array;

    SdkArray(DType dtype, const QVector<qint64>& dims, const QVector<qint64>& byteStrides, const char* data)
        : shape(dims.cbegin(), dims.cend())
        , strides(byteStrides.cbegin(), byteStrides.cend())
    {
        array.data = data;
        array.dtype = sdk::DType(int(dtype));
        array.ndim = int(shape.size());
        array.shape = shape.constData();
        array.strides = strides.constData();
    }
};

/// A plugin kernel seen as a core Kernel. It owns the SDK view its kernel was built on.
class PluginKernel final : public Kernel
{
public:
    PluginKernel(std::unique_ptr<SdkArray> input, std::unique_ptr<sdk::Kernel> kernel)
        : m_input(std::move(input))
        , m_kernel(std::move(kernel))
    { }

    bool evaluate(qint64 index, double* out) const override { return m_kernel->evaluate(index, out); }
    QString failureReason() const override { return m_kernel->failureReason(); }

private:
    std::unique_ptr<SdkArray> m_input;
    std::unique_ptr<sdk::Kernel> m_kernel;
};

ParamType coreType(sdk::ParamType type)
{
    switch (type) {
    case sdk::ParamType::Int:
        return ParamType::Int;
    case sdk::ParamType::Bool:
        return ParamType::Bool;
    case sdk::ParamType::String:
        return ParamType::String;
    case sdk::ParamType::Double:
        break;
    }
    return ParamType::Double;
}

} // namespace

QString KernelRegistry::userPluginFolder()
{
    // One folder for the app and the CLI (their application names differ).
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/SharedMap/plugins");
}

QStringList KernelRegistry::pluginPaths() const
{
    return m_pluginPaths;
}

QString KernelRegistry::loadPlugin(const QString& path, QStringList* added)
{
    KernelRegistry& registry = mutableInstance();
    const QFileInfo file(path);
    if (!file.isFile())
        return QStringLiteral("plugin %1: no such file").arg(path);
    const QString canonical = file.canonicalFilePath();
    if (registry.m_pluginPaths.contains(canonical))
        return {};

    QPluginLoader loader(canonical);
    // The interface id carries the SDK version: read it from the metadata before any of the
    // plugin's code runs, so a plugin of another version is refused with a clear message.
    const QString iid = loader.metaData().value(QStringLiteral("IID")).toString();
    if (iid.isEmpty())
        return QStringLiteral("plugin %1 is not a Qt plugin (%2)").arg(path, loader.errorString());
    if (!iid.startsWith(QLatin1String(kIidPrefix)))
        return QStringLiteral("plugin %1 is not a SharedMap kernel plugin (interface %2)").arg(path, iid);
    const QString version = iid.mid(int(qstrlen(kIidPrefix)));
    if (iid != QLatin1String(SHAREDMAP_KERNEL_PLUGIN_IID))
        return QStringLiteral("plugin %1 was built for kernel SDK version %2, but this SharedMap supports version %3: "
                              "rebuild it against this SharedMap's SDK")
            .arg(path, version)
            .arg(SHAREDMAP_SDK_VERSION);
    QObject* object = loader.instance();
    if (!object)
        return QStringLiteral("cannot load plugin %1: %2").arg(path, loader.errorString());
    auto* plugin = qobject_cast<sdk::KernelPlugin*>(object);
    if (!plugin)
        return QStringLiteral("plugin %1 does not implement the kernel interface").arg(path);

    const QVector<sdk::KernelInfo> kernels = plugin->kernels();
    if (kernels.isEmpty())
        return QStringLiteral("plugin %1 offers no kernels").arg(path);
    for (const sdk::KernelInfo& info : kernels) {
        if (info.name.isEmpty() || registry.find(info.name))
            return QStringLiteral("plugin %1: kernel name '%2' is empty or already taken").arg(path, info.name);
        if (info.resultWidth < 1 || info.resultWidth > 4096)
            return QStringLiteral("plugin %1: kernel %2 has a result width of %3 (1..4096)")
                .arg(path, info.name)
                .arg(info.resultWidth);
    }

    auto text = [&registry](const QString& s) {
        registry.m_texts.push_back(s.toUtf8());
        return registry.m_texts.back().constData();
    };
    for (const sdk::KernelInfo& info : kernels) {
        KernelDef def;
        def.info.name = info.name;
        def.info.description = text(info.description);
        def.info.indexSpace = text(info.indexSpace);
        if (info.resultWidth > 1) {
            const qint64 width = info.resultWidth;
            def.resultShape = [width](const ArrayMeta&, const QVariantMap&, QVector<qint64>* shape) {
                *shape = { width };
                return QString();
            };
        }
        def.info.params.append(sleepParam());
        for (const sdk::ParamInfo& p : info.params)
            def.info.params.append(
                { p.name, coreType(p.type), p.defaultValue, p.minimum, p.maximum, text(p.description) });
        def.pluginPath = canonical;
        const QString name = info.name;
        def.indexCount = [plugin, name](const ArrayMeta& meta, const QVariantMap& params, qint64* count) {
            SdkArray input(meta.dtype, meta.shape, meta.strides(), nullptr);
            int64_t n = 0;
            const QString error = plugin->indexCount(name, input.array, params, &n);
            if (error.isEmpty())
                *count = n;
            return error;
        };
        def.create = [plugin, name](const KernelContext& context, QString* error) -> std::unique_ptr<Kernel> {
            const ArrayView& view = context.input;
            const QVariantMap& params = context.params;
            auto input = std::make_unique<SdkArray>(view.dtype, view.shape, view.strides, view.data);
            std::unique_ptr<sdk::Kernel> kernel = plugin->create(name, input->array, params, error);
            if (!kernel) {
                if (error->isEmpty())
                    *error = QStringLiteral("kernel %1 could not be built for this input").arg(name);
                return nullptr;
            }
            return std::make_unique<PluginKernel>(std::move(input), std::move(kernel));
        };
        registry.m_kernels.push_back(std::move(def));
        if (added)
            added->append(name);
    }
    registry.m_pluginPaths.append(canonical);
    return {}; // the loader is not unloaded: the registry keeps pointers into the plugin
}

QStringList KernelRegistry::pluginFiles(const QString& folder)
{
    const QDir dir(folder.isEmpty() ? userPluginFolder() : folder);
    QStringList paths;
    for (const QFileInfo& file : dir.entryInfoList({ QStringLiteral("*.so") }, QDir::Files, QDir::Name))
        paths.append(file.filePath());
    return paths;
}

QStringList KernelRegistry::loadPluginFolder(const QString& folder, const QString& worker)
{
    QStringList errors;
    for (const QString& path : pluginFiles(folder)) {
        const QString error = worker.isEmpty() ? loadPlugin(path) : loadProbedPlugin(path, worker);
        if (!error.isEmpty())
            errors.append(error);
    }
    return errors;
}

QString KernelRegistry::loadProbedPlugin(const QString& path, const QString& worker)
{
    const QString error = probePlugin(path, worker);
    return error.isEmpty() ? loadPlugin(path) : error;
}

QStringList KernelRegistry::probeArguments(const QString& path)
{
    return { QStringLiteral("--probe-plugin"), path };
}

QString KernelRegistry::probeVerdict(const QString& path, bool crashed, int exitCode, const QByteArray& errors)
{
    if (crashed)
        return QStringLiteral("plugin %1 crashed while it was loaded (in a separate process): not loaded").arg(path);
    if (exitCode == 0)
        return {};
    // The probe's one line, without the program's prefix.
    QString message = QString::fromUtf8(errors).trimmed().section(QLatin1Char('\n'), -1);
    message.remove(QRegularExpression(QStringLiteral("^sharedmap-worker: ")));
    return message.isEmpty() ? QStringLiteral("plugin %1 could not be loaded (exit %2)").arg(path).arg(exitCode)
                             : message;
}

QString KernelRegistry::probePlugin(const QString& path, const QString& worker)
{
    QProcess probe;
    probe.start(worker, probeArguments(path));
    if (!probe.waitForStarted(10000))
        return QStringLiteral("cannot check plugin %1: %2 does not start").arg(path, worker);
    if (!probe.waitForFinished(30000)) {
        probe.kill();
        probe.waitForFinished(1000);
        return QStringLiteral("plugin %1 did not finish loading within 30 s: not loaded").arg(path);
    }
    return probeVerdict(path, probe.exitStatus() == QProcess::CrashExit, probe.exitCode(),
                        probe.readAllStandardError());
}

} // namespace sharedmap
