#include "guioptions.h"

#include "job/joboptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace sharedmap {

namespace {

/// The JobSpec fields MainWindow::applyOptions() takes from the command line, by option.
QString fieldName(JobOption option)
{
    switch (option) {
    case JobOption::Job:
        return QStringLiteral("all");
    case JobOption::Kernel:
        return QStringLiteral("kernel");
    case JobOption::Param:
        return QStringLiteral("params");
    case JobOption::Indices:
        return QStringLiteral("indices");
    case JobOption::Workers:
        return QStringLiteral("workers");
    case JobOption::ChunkSize:
        return QStringLiteral("chunksize");
    case JobOption::Plugin:
        return QStringLiteral("plugins");
    default:
        return {}; // not offered by the window
    }
}

} // namespace

QString GuiOptions::parse(const QStringList& arguments, GuiOptions* options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("GuiOptions", "SharedMap: a parallel map over arrays in shared memory."));
    parser.addHelpOption();
    parser.addVersionOption();
    // The job options are the CLI's: one parser, the same checks and messages (the window once
    // took `--chunksize 0`, which `run` refuses). Only their help texts are the window's own.
    JobOptionSet jobOptions(JobOptionSet::windowOptions());
    jobOptions.setDescription(JobOption::Job, QCoreApplication::translate("GuiOptions", "Open a job file."));
    jobOptions.setDescription(JobOption::Kernel, QCoreApplication::translate("GuiOptions", "Kernel name."));
    jobOptions.setDescription(JobOption::Param,
                              QCoreApplication::translate("GuiOptions", "Kernel parameter (repeatable)."));
    jobOptions.setDescription(JobOption::Indices, QCoreApplication::translate("GuiOptions", "Index spec."));
    jobOptions.setDescription(JobOption::Workers, QCoreApplication::translate("GuiOptions", "Worker processes."));
    jobOptions.setDescription(JobOption::ChunkSize, QCoreApplication::translate("GuiOptions", "Chunk size or auto."));
    jobOptions.setDescription(JobOption::Plugin,
                              QCoreApplication::translate("GuiOptions", "Load a kernel plugin (repeatable)."));
    const QCommandLineOption run(QStringLiteral("run"),
                                 QCoreApplication::translate("GuiOptions", "Run the job once the input is loaded."));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QCoreApplication::translate("GuiOptions",
                                                              "Start with a teaching demo (copy, race, mutex, "
                                                              "atomic, histogram, pi, mandelbrot, blur)."),
                                  QStringLiteral("NAME"));
    const QCommandLineOption attach(
        QStringLiteral("attach"),
        QCoreApplication::translate("GuiOptions",
                                    "Show the running job of process PID (a sharedmap-cli run, a script, another "
                                    "window) live in the Monitor, read-only; see 'sharedmap-cli jobs'."),
        QStringLiteral("PID"));
    QList<QCommandLineOption> list = jobOptions.options(); // --help lists --run and --demo before --plugin
    list.insert(list.size() - 1, run);
    list.insert(list.size() - 1, demo);
    list.append(attach);
    parser.addOptions(list);
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QCoreApplication::translate("GuiOptions", "A .npy file to open."),
                                 QStringLiteral("[FILE]"));
    QStringList args = arguments;
    args.prepend(QStringLiteral("sharedmap"));
    if (!parser.parse(args))
        return parser.errorText();
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("version"))) {
        // Handled by the caller through process() semantics: print and exit 0.
        parser.process(args);
    }
    if (parser.positionalArguments().size() > 1)
        return QCoreApplication::translate("GuiOptions", "at most one FILE");
    if (!parser.positionalArguments().isEmpty())
        options->file = parser.positionalArguments().first();
    QList<JobOption> given;
    const JobError error = jobOptions.read(parser, &options->job, &given);
    if (error)
        return error.message;
    for (JobOption option : std::as_const(given))
        options->setFields << fieldName(option);
    if (given.contains(JobOption::Job) && options->file.isEmpty())
        options->file = options->job.input;
    options->hasJob = options->hasJob || !options->setFields.isEmpty();
    options->run = parser.isSet(run);
    options->demo = parser.value(demo);
    if (parser.isSet(attach)) {
        bool ok = false;
        options->attachPid = parser.value(attach).toLongLong(&ok);
        if (!ok || options->attachPid <= 0)
            return QCoreApplication::translate("GuiOptions", "--attach needs a process id, not '%1'")
                .arg(parser.value(attach));
    }
    return {};
}

} // namespace sharedmap
