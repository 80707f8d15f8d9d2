#include "guioptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace sharedmap {

QString GuiOptions::parse(const QStringList& arguments, GuiOptions* options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("GuiOptions", "SharedMap: a parallel map over arrays in shared memory."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption job(QStringLiteral("job"), QCoreApplication::translate("GuiOptions", "Open a job file."),
                                 QStringLiteral("JOB.json"));
    const QCommandLineOption kernel(QStringLiteral("kernel"), QCoreApplication::translate("GuiOptions", "Kernel name."),
                                    QStringLiteral("NAME"));
    const QCommandLineOption param(QStringLiteral("param"),
                                   QCoreApplication::translate("GuiOptions", "Kernel parameter (repeatable)."),
                                   QStringLiteral("KEY=VALUE"));
    const QCommandLineOption indices(QStringLiteral("indices"),
                                     QCoreApplication::translate("GuiOptions", "Index spec."), QStringLiteral("SPEC"));
    const QCommandLineOption workers(
        QStringLiteral("workers"), QCoreApplication::translate("GuiOptions", "Worker processes."), QStringLiteral("N"));
    const QCommandLineOption chunk(QStringLiteral("chunksize"),
                                   QCoreApplication::translate("GuiOptions", "Chunk size or auto."),
                                   QStringLiteral("N|auto"));
    const QCommandLineOption run(QStringLiteral("run"),
                                 QCoreApplication::translate("GuiOptions", "Run the job once the input is loaded."));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QCoreApplication::translate("GuiOptions",
                                                              "Start with a teaching demo (copy, race, mutex, "
                                                              "atomic, histogram, pi, mandelbrot, blur)."),
                                  QStringLiteral("NAME"));
    const QCommandLineOption plugin(QStringLiteral("plugin"),
                                    QCoreApplication::translate("GuiOptions", "Load a kernel plugin (repeatable)."),
                                    QStringLiteral("PATH"));
    const QCommandLineOption attach(
        QStringLiteral("attach"),
        QCoreApplication::translate("GuiOptions",
                                    "Show the running job of process PID (a sharedmap-cli run, a script, another "
                                    "window) live in the Monitor, read-only; see 'sharedmap-cli jobs'."),
        QStringLiteral("PID"));
    parser.addOptions({ job, kernel, param, indices, workers, chunk, run, demo, plugin, attach });
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
    if (parser.isSet(job)) {
        QString error;
        options->job = JobSpec::load(parser.value(job), &error);
        if (!error.isEmpty())
            return error;
        options->hasJob = true;
        options->setFields << QStringLiteral("all");
        if (options->file.isEmpty())
            options->file = options->job.input;
    }
    if (parser.isSet(kernel)) {
        options->job.kernel = parser.value(kernel);
        options->setFields << QStringLiteral("kernel");
    }
    for (const QString& pair : parser.values(param)) {
        const int eq = pair.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return QCoreApplication::translate("GuiOptions", "--param needs KEY=VALUE, not '%1'").arg(pair);
        options->job.params.insert(pair.left(eq), pair.mid(eq + 1));
        options->setFields << QStringLiteral("params");
    }
    if (parser.isSet(indices)) {
        options->job.indices = parser.value(indices);
        options->setFields << QStringLiteral("indices");
    }
    if (parser.isSet(workers)) {
        bool ok = false;
        options->job.workers = parser.value(workers).toInt(&ok);
        if (!ok || options->job.workers < 1 || options->job.workers > kMaxWorkers)
            return QCoreApplication::translate("GuiOptions", "--workers must be 1..%1").arg(kMaxWorkers);
        options->setFields << QStringLiteral("workers");
    }
    if (parser.isSet(chunk)) {
        const QString value = parser.value(chunk);
        bool ok = value == QLatin1String("auto");
        options->job.chunkSize = ok ? 0 : value.toLongLong(&ok);
        if (!ok || options->job.chunkSize < 0)
            return QCoreApplication::translate("GuiOptions", "--chunksize must be at least 1 or auto");
        options->setFields << QStringLiteral("chunksize");
    }
    if (parser.isSet(plugin)) {
        options->job.plugins += parser.values(plugin);
        options->setFields << QStringLiteral("plugins");
    }
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
