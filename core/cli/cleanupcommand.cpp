// `sharedmap-cli cleanup`: removes what runs that were killed left in shared memory.

#include "base/progressformat.h"
#include "cli/cliapp.h"
#include "cli/clicommon.h"
#include "cli/commands.h"
#include "engine/cleanup.h"

#include <QCommandLineParser>

namespace sharedmap::cli {

int cleanupCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    if (const int code
        = parseCommand(parser, arguments,
                       QStringLiteral("Remove the shared-memory segments (and their /tmp/qipc_* key files) "
                                      "of SharedMap runs whose process is gone. Live runs are never touched."));
        code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("cleanup takes no arguments"));
    const QVector<StaleSegment> removed = cleanUpStaleRuns();
    qint64 bytes = 0;
    for (const StaleSegment& segment : removed) {
        printOut(QStringLiteral("removed %1 (%2, owner pid %3 is gone)\n")
                     .arg(segment.name, formatBytes(segment.bytes))
                     .arg(segment.ownerPid));
        bytes += segment.bytes;
    }
    printOut(removed.isEmpty()
                 ? QStringLiteral("nothing to remove\n")
                 : QStringLiteral("removed %1 segments, %2\n").arg(removed.size()).arg(formatBytes(bytes)));
    return ExitOk;
}

} // namespace sharedmap::cli
