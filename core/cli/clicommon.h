#pragma once

#include <QLoggingCategory>
#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace sharedmap::cli {

/// `sharedmap.cli`: what the commands do, as debug lines (off unless QT_LOGGING_RULES turns
/// them on: they never change what the user sees).
Q_DECLARE_LOGGING_CATEGORY(lcCli)

/// Prints an error as one readable line (never several).
void printError(const QString& message);
/// Prints a warning as one readable line; the run goes on.
void printWarning(const QString& message);
/// Prints the error and returns the usage exit code.
int usageError(const QString& message);
/// Writes `text` to stdout as it is.
void printOut(const QString& text);

/// Parses a command's options (`arguments` start with "sharedmap-cli COMMAND"): returns -1 to
/// go on, else the exit code (help printed, or a usage error). Uses QCommandLineParser::parse(),
/// never process(), which would exit with 1.
int parseCommand(QCommandLineParser& parser, const QStringList& arguments, const QString& description);

/// Loads the plugins named on the command line (or in a job file), then those of the user's
/// plugins folder: named ones first, so that they win over a same-named copy in the folder,
/// which is then only a warning. Returns an exit code on error, -1 otherwise.
int loadPlugins(const QStringList& named);

} // namespace sharedmap::cli
