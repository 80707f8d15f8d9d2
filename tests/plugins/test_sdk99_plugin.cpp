// Test plugin built as if against kernel SDK version 99: SharedMap must refuse it with a clear
// message, before running any of its code.

#include <cstdlib>
#include <sharedmap/kernelplugin.h>

class FutureSdkPlugin final : public QObject, public sharedmap::sdk::KernelPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.sharedmap.KernelPlugin/99")
    Q_INTERFACES(sharedmap::sdk::KernelPlugin)

public:
    QVector<sharedmap::sdk::KernelInfo> kernels() const override
    {
        std::abort(); // never called: the version check happens on the metadata
    }

    std::unique_ptr<sharedmap::sdk::Kernel> create(const QString&, const sharedmap::sdk::InputArray&,
                                                   const QVariantMap&, QString*) const override
    {
        return nullptr;
    }
};

#include "test_sdk99_plugin.moc"
