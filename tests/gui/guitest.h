#pragma once

// Small helpers the GUI tests share: NumPy writes their input files, and they read results back.

#include "io/npyloader.h"
#include "shm/sharedarray.h"

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QVector>

namespace guitest {

/// Runs `script` with Debian's Python (NumPy, h5py) in `directory`; the test waits for it.
inline bool runPython(const QString& script, const QString& directory, int timeoutMs = 60000)
{
    QProcess python;
    python.setWorkingDirectory(directory);
    python.start(QStringLiteral(SHAREDMAP_PYTHON), { QStringLiteral("-c"), script });
    return python.waitForFinished(timeoutMs) && python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0;
}

/// The values of a float64 `.npy` file; empty when it cannot be read or is not float64.
inline QVector<double> loadDoubles(const QString& path)
{
    QString error;
    auto array = sharedmap::loadNpy(path, &error);
    if (!array || array->meta().dtype != sharedmap::DType::Float64)
        return {};
    const double* data = reinterpret_cast<const double*>(array->view().data);
    return QVector<double>(data, data + array->meta().elementCount());
}

} // namespace guitest
