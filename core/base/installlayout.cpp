#include "base/installlayout.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace sharedmap {

QString defaultWorkerProgram()
{
    const QDir programDir(QCoreApplication::applicationDirPath());
    const QString beside = programDir.filePath(QStringLiteral("sharedmap-worker"));
    if (QFileInfo(beside).isExecutable())
        return beside;
    // SHAREDMAP_WORKER_RELATIVE_DIR comes from GNUInstallDirs (core/CMakeLists.txt).
    const QString installed
        = QDir::cleanPath(programDir.filePath(QStringLiteral(SHAREDMAP_WORKER_RELATIVE_DIR "/sharedmap-worker")));
    if (QFileInfo(installed).isExecutable())
        return installed;
    return beside; // neither exists: the error names the first place looked at
}

} // namespace sharedmap
