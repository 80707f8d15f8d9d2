#pragma once

#include "job/jobspec.h"

#include <QStringList>

namespace sharedmap {

/// The window's command line: `sharedmap [FILE] [--job JOB.json] [--kernel NAME] [--param K=V]...
/// [--indices SPEC] [--workers N] [--chunksize N|auto] [--plugin PATH]... [--run] [--demo NAME]
/// [--attach PID]`. The job options are read by core's JobOptionSet, as `sharedmap-cli run` reads them.
struct GuiOptions
{
    QString file; ///< array to open instead of the demo array
    JobSpec job; ///< the job to show (fields not given keep the remembered ones)
    bool hasJob = false; ///< a job file or a job option was given
    QStringList setFields; ///< which JobSpec fields the command line set
    bool run = false; ///< run as soon as the input is loaded
    QString demo; ///< a teaching demo to set up first (see Demos)
    qint64 attachPid = 0; ///< `--attach PID`: show that process's running job, read-only

    /// Parses the arguments (argv without the program name); returns an error text (for the
    /// job options, the one `sharedmap-cli run` prints).
    static QString parse(const QStringList& arguments, GuiOptions* options);
};

} // namespace sharedmap
