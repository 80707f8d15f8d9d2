#pragma once

#include "base/arraymeta.h"
#include "base/indexlist.h"
#include "job/joberror.h"
#include "job/jobspec.h"

#include <QVariantMap>
#include <QVector>

namespace sharedmap {

struct KernelDef;

/// What a JobSpec resolves to against its input: the kernel, its typed parameters and the
/// positions to compute.
struct JobPlan
{
    const KernelDef* kernel = nullptr;
    QVariantMap params; ///< typed, defaults filled in
    qint64 indexSpace = 0; ///< what `all` covers
    IndexList indices;
    /// Shape of one index's result (empty: a scalar) and its number of values.
    QVector<qint64> resultShape;
    qint64 resultWidth = 1;
    /// Cells of the shared accumulator (0: none).
    qint64 accumulatorCells = 0;
    qint64 accumulatorJournal = 0;
};

/// Validates `spec` and resolves it against `input` (null when none is loaded): the one place
/// the pool, the CLI and the window's form plan a job. Returns the typed error, none on success.
JobError planJob(const JobSpec& spec, const ArrayMeta* input, JobPlan* plan);

} // namespace sharedmap
