#include "kernels/builtin/formulakernel.h"
#include "kernels/kernel.h"
#include "kernels/kernelsupport.h"

namespace sharedmap {

KernelRegistry::KernelRegistry()
{
    addRowKernels(&m_kernels);
    addArrayKernels(&m_kernels);
    addTeachingKernels(&m_kernels);
    m_kernels.push_back(formulaKernelDef());

    if (qEnvironmentVariableIsSet("SHAREDMAP_TEST_KERNELS"))
        addTestKernels(&m_kernels);

    // Every kernel accepts simulated work, as the tutorial's sleep(0.1) does.
    for (auto& def : m_kernels)
        def.info.params.prepend(sleepParam());
}

KernelRegistry& KernelRegistry::mutableInstance()
{
    static KernelRegistry registry;
    return registry;
}

const KernelRegistry& KernelRegistry::instance()
{
    return mutableInstance();
}

const KernelDef* KernelRegistry::find(const QString& name) const
{
    for (const auto& def : m_kernels) {
        if (def.info.name == name)
            return &def;
    }
    return nullptr;
}

QVector<const KernelDef*> KernelRegistry::all() const
{
    QVector<const KernelDef*> result;
    for (const auto& def : m_kernels)
        result.append(&def);
    return result;
}

QStringList KernelRegistry::names() const
{
    QStringList result;
    for (const auto& def : m_kernels)
        result.append(def.info.name);
    return result;
}

} // namespace sharedmap
