// `sharedmap-cli COMMAND ...`: the top-level usage, --help and --version, and the dispatch to one
// function per command (commands.h; each in a file of its own).

#include "cli/cliapp.h"

#include "base/version.h"
#include "cli/clicommon.h"
#include "cli/commands.h"
#include "cli/jobscommand.h"

#include <cstdio>
#include <QCoreApplication>

namespace sharedmap::cli {

namespace {

const char kUsage[] = "Usage: sharedmap-cli COMMAND [OPTIONS]\n"
                      "\n"
                      "A parallel map over arrays held once in shared memory.\n"
                      "\n"
                      "Commands:\n"
                      "  run        run a kernel, or your Python function, over the indices of an array\n"
                      "  kernels    list the kernels, their descriptions and parameters\n"
                      "  info       describe an input file: dtype, shape, order, bytes\n"
                      "  generate   write a .npy file of demo data\n"
                      "  cleanup    remove shared memory left by SharedMap runs that were killed\n"
                      "  jobs       list the running jobs (of the CLI, scripts and windows) with their progress\n"
                      "\n"
                      "Options:\n"
                      "  -h, --help   show this help\n"
                      "  --version    show the version\n"
                      "\n"
                      "Run 'sharedmap-cli COMMAND --help' for a command's options.\n";

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sharedmap-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SHAREDMAP_VERSION));
    QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 2) {
        std::fputs(kUsage, stderr);
        return ExitUsage;
    }
    const QString command = arguments.at(1);
    arguments[0] = QStringLiteral("sharedmap-cli ") + command; // how a command's help names it
    arguments.removeAt(1); // the parser sees "sharedmap-cli COMMAND" and the options
    if (command == QLatin1String("-h") || command == QLatin1String("--help") || command == QLatin1String("help")) {
        printOut(QString::fromLatin1(kUsage));
        return ExitOk;
    }
    if (command == QLatin1String("--version")) {
        printOut(QStringLiteral("sharedmap-cli %1\n").arg(QStringLiteral(SHAREDMAP_VERSION)));
        return ExitOk;
    }
    qCDebug(lcCli, "command %s", qPrintable(command));
    if (command == QLatin1String("run"))
        return runCommand(arguments);
    if (command == QLatin1String("kernels"))
        return kernelsCommand(arguments);
    if (command == QLatin1String("info"))
        return infoCommand(arguments);
    if (command == QLatin1String("generate"))
        return generateCommand(arguments);
    if (command == QLatin1String("cleanup"))
        return cleanupCommand(arguments);
    if (command == QLatin1String("jobs"))
        return jobsCommand(arguments);
    return usageError(
        QStringLiteral("unknown command '%1' (commands: run, kernels, info, generate, cleanup, jobs)").arg(command));
}

} // namespace sharedmap::cli
