// Test plugin that crashes (SIGSEGV) as soon as SharedMap asks for its kernels: loading it must
// take down only the separate process that probes it, never the CLI or the window.

#include <csignal>
#include <sharedmap/kernelplugin.h>

class CrashingPlugin final : public QObject, public sharedmap::sdk::KernelPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SHAREDMAP_KERNEL_PLUGIN_IID)
    Q_INTERFACES(sharedmap::sdk::KernelPlugin)

public:
    QVector<sharedmap::sdk::KernelInfo> kernels() const override
    {
        std::raise(SIGSEGV);
        return {};
    }

    std::unique_ptr<sharedmap::sdk::Kernel> create(const QString&, const sharedmap::sdk::InputArray&,
                                                   const QVariantMap&, QString*) const override
    {
        return nullptr;
    }
};

#include "test_crash_plugin.moc"
