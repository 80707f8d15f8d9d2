#include "cli/clicommon.h"

#include "base/installlayout.h"
#include "cli/cliapp.h"
#include "kernels/kernel.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>

namespace sharedmap::cli {

Q_LOGGING_CATEGORY(lcCli, "sharedmap.cli", QtInfoMsg)

void printError(const QString& message)
{
    // Named after the program: sharedmap-mpi reads `run`'s command line through this layer too.
    std::fprintf(stderr, "%s: error: %s\n", qPrintable(QCoreApplication::applicationName()),
                 message.simplified().toUtf8().constData());
}

void printWarning(const QString& message)
{
    std::fprintf(stderr, "%s: warning: %s\n", qPrintable(QCoreApplication::applicationName()),
                 message.simplified().toUtf8().constData());
}

int usageError(const QString& message)
{
    printError(message);
    return ExitUsage;
}

void printOut(const QString& text)
{
    std::fputs(text.toUtf8().constData(), stdout);
    std::fflush(stdout);
}

int parseCommand(QCommandLineParser& parser, const QStringList& arguments, const QString& description)
{
    parser.setApplicationDescription(description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({ QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        // Qt's usage line names the program as it was started (argv[0]); name it as it is typed,
        // with the command (main() puts "sharedmap-cli COMMAND" first in `arguments`).
        QString text = parser.helpText();
        const QString started = QCoreApplication::arguments().constFirst();
        const QString usage = QStringLiteral("Usage: ");
        if (text.startsWith(usage + started))
            text.replace(usage.size(), started.size(), arguments.constFirst());
        printOut(text);
        return ExitOk;
    }
    return -1;
}

int loadPlugins(const QStringList& named)
{
    // Each plugin is loaded in a worker process first: one that crashes there is reported, and
    // only then would it have been loaded here.
    const QString worker = defaultWorkerProgram();
    for (const QString& path : named) {
        const QString error = KernelRegistry::loadProbedPlugin(path, worker);
        if (!error.isEmpty())
            return usageError(error);
        qCDebug(lcCli, "plugin %s loaded (probed by %s)", qPrintable(path), qPrintable(worker));
    }
    for (const QString& error : KernelRegistry::loadPluginFolder(QString(), worker))
        printWarning(error);
    return -1;
}

} // namespace sharedmap::cli
