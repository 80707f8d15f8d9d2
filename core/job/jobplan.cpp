#include "job/jobplan.h"

#include "io/indexspec.h"
#include "kernels/kernel.h"

#include <limits>

namespace sharedmap {

JobError planJob(const JobSpec& spec, const ArrayMeta* input, JobPlan* plan)
{
    using Field = JobError::Field;
    JobError error = spec.validate();
    if (error)
        return error;
    plan->kernel = spec.planDef();
    if (spec.python.isSet())
        plan->params = spec.params; // the function's keyword arguments, raw: the Python side parses them
    else
        resolveParams(plan->kernel->info, spec.params, &plan->params);
    const bool needsInput = plan->kernel->info.needsInput;
    if (needsInput && !input)
        return { Field::Input, QStringLiteral("kernel %1 needs an input array").arg(spec.kernelLabel()) };
    // What the kernel says about the index space and its results is about the input's shape when
    // it reads one, else about its parameters (mandelbrot's width and height).
    const Field shapeField = needsInput ? Field::Input : Field::Param;
    const ArrayMeta meta = input ? *input : ArrayMeta();
    QString problem = plan->kernel->indexCount(meta, plan->params, &plan->indexSpace);
    if (!problem.isEmpty())
        return { shapeField, problem };
    plan->resultShape.clear();
    if (plan->kernel->resultShape) {
        problem = plan->kernel->resultShape(meta, plan->params, &plan->resultShape);
        if (!problem.isEmpty())
            return { shapeField, problem };
    }
    plan->resultWidth = 1;
    for (qint64 extent : plan->resultShape)
        plan->resultWidth *= extent;
    if (plan->resultWidth < 1 || plan->resultWidth > std::numeric_limits<qint32>::max())
        return { shapeField,
                 QStringLiteral("kernel %1 would give %2 values per index: use an array with shorter rows")
                     .arg(spec.kernelLabel())
                     .arg(plan->resultWidth) };
    plan->accumulatorCells = plan->kernel->accumulatorCells ? plan->kernel->accumulatorCells(plan->params) : 0;
    plan->accumulatorJournal = plan->kernel->accumulatorJournal && plan->accumulatorCells > 0
        ? plan->kernel->accumulatorJournal(meta, plan->params)
        : 0;
    problem = parseIndexSpec(spec.indices, plan->indexSpace, &plan->indices);
    if (!problem.isEmpty())
        return { Field::Indices, problem };
    if (!plan->kernel->info.needsInput && plan->indexSpace == kUnboundedIndexSpace) {
        // A Python function without input: the space is what the indices reach.
        qint64 top = -1;
        const IndexList& list = plan->indices;
        if (list.isArithmetic() && list.size() > 0)
            top = qMax(list.at(0), list.at(list.size() - 1));
        for (qint64 index : list.explicitList())
            top = qMax(top, index);
        plan->indexSpace = top + 1;
    }
    qint64 values = 0;
    if (__builtin_mul_overflow(plan->indices.size(), plan->resultWidth, &values) || values > (qint64(1) << 40))
        return { Field::Results,
                 QStringLiteral("the results would hold %1 × %2 values: too many")
                     .arg(plan->indices.size())
                     .arg(plan->resultWidth) };
    return {};
}

} // namespace sharedmap
