// Test plugin: a kernel that crashes its worker or fails with a reason on chosen indices, to
// check that a bad plugin takes down only its worker and that the retry machinery applies.

#include <csignal>
#include <QSet>
#include <QStringList>
#include <sharedmap/kernelplugin.h>

namespace {

using namespace sharedmap::sdk;

QSet<int64_t> parseList(const QString& text)
{
    QSet<int64_t> values;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        values.insert(part.trimmed().toLongLong());
    return values;
}

class Misbehave final : public Kernel
{
public:
    explicit Misbehave(const QVariantMap& params)
        : m_crashAt(parseList(params.value(QStringLiteral("crash_at")).toString()))
        , m_failAt(parseList(params.value(QStringLiteral("fail_at")).toString()))
    { }

    bool evaluate(int64_t index, double* out) override
    {
        if (m_crashAt.contains(index))
            std::raise(SIGSEGV);
        if (m_failAt.contains(index)) {
            m_reason = QStringLiteral("plugin refused index %1").arg(index);
            return false;
        }
        *out = double(index) * 10;
        return true;
    }

    QString failureReason() const override { return m_reason; }

private:
    QSet<int64_t> m_crashAt;
    QSet<int64_t> m_failAt;
    QString m_reason;
};

} // namespace

class TestKernelsPlugin final : public QObject, public KernelPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SHAREDMAP_KERNEL_PLUGIN_IID)
    Q_INTERFACES(sharedmap::sdk::KernelPlugin)

public:
    QVector<KernelInfo> kernels() const override
    {
        KernelInfo info;
        info.name = QStringLiteral("plugin_misbehave");
        info.description = QStringLiteral("Test only: 10 * index; crashes or fails on chosen indices");
        info.params = {
            { QStringLiteral("crash_at"), ParamType::String, QString(), {}, {}, QStringLiteral("indices that crash") },
            { QStringLiteral("fail_at"), ParamType::String, QString(), {}, {}, QStringLiteral("indices that fail") }
        };
        return { info };
    }

    std::unique_ptr<Kernel> create(const QString&, const InputArray&, const QVariantMap& params,
                                   QString*) const override
    {
        return std::make_unique<Misbehave>(params);
    }
};

#include "test_kernels_plugin.moc"
