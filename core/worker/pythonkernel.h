#pragma once

#include "kernels/kernel.h"

#include <QJsonObject>

namespace sharedmap {

/// The kernel of a job whose spec has a `python` part ({file, display, function, result_shape}):
/// the user's function, called in this worker's embedded interpreter over a read-only NumPy view
/// of the input. Its parameters are the job's raw ones (the function's keyword arguments, not
/// resolved against any KernelInfo). `withInput` is false for `fn(a, **params)`.
KernelDef pythonKernelDef(const QJsonObject& python, bool withInput);

/// A worker started ahead of a Python job: starts the interpreter with NumPy so the job finds it
/// ready. Problems are left for the job (and its probe) to report.
void startPython();

/// `sharedmap-worker --probe-python FILE [--function NAME] [--params JSON] [--input SEGMENT]
/// [--indices I,J,...] [--with-input 0|1] [--display TEXT]`: imports FILE in this process, lists its functions,
/// checks NAME against the parameters and, given indices, calls it for the first of them (the
/// next ones while it raises, at most 16) to fix the result's shape. Writes one JSON object to
/// `resultFd`; returns the exit code (0, also when the file is refused: the JSON says why).
int runPythonProbe(int argc, char** argv, int resultFd);

} // namespace sharedmap
