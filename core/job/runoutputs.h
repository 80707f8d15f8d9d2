#pragma once

#include "job/jobresult.h"
#include "job/preflight.h"

#include <QJsonObject>
#include <QString>

namespace sharedmap {

class SharedArray;
struct JobPlan;

/// The file beside a `.npy` output that records what its values belong to (`OUT.npy` →
/// `OUT.npy.sharedmap.json`), so that `--resume` never completes one run's partial results
/// with another's.
QString resumeRecordPath(const QString& output);

/// What a results file belongs to: the kernel, the parameters that change values (not
/// `sleep_ms` or fault injection), the positions (count and a digest of the index list), the
/// result shape and the identity of the input as it was loaded (path, device, inode, size,
/// modification time, dtype, shape).
QJsonObject makeResumeRecord(const QString& kernel, const QVariantMap& typedParams, const IndexList& indices,
                             const QVector<qint64>& resultShape, const SharedArray* input);

/// Refuses a partial results file for `--resume` when its record is missing (an older file, or
/// one not written by `run`) or differs from the job about to run (names the first difference).
/// `partialValues` is the number of values the partial file holds.
PreflightError checkResumeRecord(const QString& partial, qint64 partialValues, const JobSpec& spec, const JobPlan& plan,
                                 const SharedArray* input);

/// Plans `spec` against its input and checks what needs the plan: the partial file of a
/// `--resume` (its length, then its record) and the free space for `--output`.
PreflightError checkPlannedRun(const JobSpec& spec, const SharedArray* input, const QString& resumeFrom = QString(),
                               qint64 partialValues = -1);

/// What became of a finished job's files.
struct SavedOutputs
{
    bool outputWritten = false; ///< `--output` holds the results (false also when there was none)
    QString rescuedTo; ///< where the results went when `--output` could not be written
    QString error; ///< one line for stderr when a file could not be written; empty otherwise
};

/// Writes a finished job's `--output` (with its resume record beside a `.npy`) and `--summary`
/// (adding, when there is an `--output`, `output_written` and where it applies `output_rescued`). A results file that
/// cannot be written (a full disk, an I/O error) is written to the first of $TMPDIR, /tmp, /var/tmp, $HOME and /dev/shm
/// that takes it, and the error says where. `writeOutput` false skips the results file (a run interrupted before it
/// computed anything: no empty "partial").
SavedOutputs saveRunOutputs(const JobResult& result, const JobSpec& spec, const SharedArray* input, bool writeOutput);

} // namespace sharedmap
