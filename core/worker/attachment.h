#pragma once

#include "kernels/kernel.h"
#include "shm/jobsegment.h"
#include "shm/sharedarray.h"
#include "worker/inputcopy.h"

#include <functional>
#include <memory>
#include <QJsonObject>
#include <QString>

namespace sharedmap {

/// What a worker is attached to for one job: the job segment, the input (kept attached between
/// jobs on the same array, page tables and all), and the kernel built for both. Attaching runs
/// in steps (job segment, kernel definition, input, result shape, kernel), each checking what
/// the pool planned against what the worker sees.
class Attachment
{
public:
    /// Attaches to job `jobName` as slot `slotIndex`, (re)using or attaching its input, and builds
    /// the kernel. Returns an error text, empty on success.
    QString attach(const QString& jobName, int slotIndex);
    /// Lets go of the job and its kernel (marking the slot finished), keeping the input mapped.
    void detachJob();
    /// Lets go of everything.
    void release();
    /// While parked, maps the whole input into this worker's page tables, a chunk at a time,
    /// giving up as soon as `interrupted()` says a command arrived. True when it got to the end.
    bool prefault(const std::function<bool()>& interrupted);

    JobSegment* job() const { return m_job.get(); }
    int slot() const { return m_slot; }
    const Kernel* kernel() const { return m_kernel.get(); }
    double sleepMs() const { return m_sleepMs; }
    /// The whole input is in this worker's page tables (prefaulted while parked).
    bool inputResident() const { return m_inputResident; }

private:
    QString findKernel(const QJsonObject& spec, const KernelDef** def);
    QString bindInput(const KernelDef& def, const QVariantMap& params, ArrayView* view);
    QString checkResultWidth(const KernelDef& def, const QVariantMap& params) const;
    QString checkAccumulator(const KernelDef& def, const QVariantMap& params) const;

    std::unique_ptr<JobSegment> m_job;
    std::shared_ptr<SharedArray> m_input;
    std::unique_ptr<InputCopy> m_copy; ///< copy mode: this worker's private copy instead of `m_input`
    std::unique_ptr<Kernel> m_kernel;
    KernelDef m_pythonDef; ///< a Python job's kernel definition, made from its spec
    int m_slot = 0;
    double m_sleepMs = 0;
    bool m_inputResident = false;
};

} // namespace sharedmap
