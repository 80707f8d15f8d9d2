#include "cli/jobscommand.h"

#include "cli/cliapp.h"
#include "engine/attachedjob.h"
#include "engine/jobannouncer.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sharedmap::cli {

namespace {
void print(FILE* stream, const QString& text)
{
    std::fputs(text.toUtf8().constData(), stream);
    std::fflush(stream);
}

int fail(const QString& message)
{
    print(stderr, QStringLiteral("sharedmap-cli: error: %1\n").arg(message.simplified()));
    return ExitUsage;
}

/// One running job with its progress as read now.
struct JobRow
{
    JobAnnouncement job;
    JobProgress progress;
};
} // namespace

int jobsCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "List the running SharedMap jobs of this user (CLI runs, scripts, windows), with their progress. "
        "Each job announces itself in $XDG_RUNTIME_DIR/sharedmap/jobs (else /tmp/sharedmap-UID/jobs); "
        "'sharedmap --attach PID' shows one live in the window."));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({ QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print a JSON array: pid, kernel, input, done, total, rate (tasks/s), "
                                                 "workers, started_at per job."));
    parser.addOptions({ help, json });
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        const QString started = QCoreApplication::arguments().constFirst();
        const QString usage = QStringLiteral("Usage: ");
        if (text.startsWith(usage + started))
            text.replace(usage.size(), started.size(), arguments.constFirst());
        print(stdout, text);
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("jobs takes no arguments"));

    QString error;
    const QVector<JobAnnouncement> announced = listJobs(&error);
    if (!error.isEmpty())
        return fail(error);
    QVector<JobRow> rows;
    for (const JobAnnouncement& job : announced) {
        QString problem;
        const JobProgress progress = AttachedJob::peek(job, &problem);
        if (problem.isEmpty()) // else it ended between the listing and the look
            rows.append({ job, progress });
    }

    if (parser.isSet(json)) {
        QJsonArray list;
        for (const JobRow& row : rows) {
            list.append(QJsonObject { { QStringLiteral("pid"), row.job.pid },
                                      { QStringLiteral("kernel"), row.job.kernel },
                                      { QStringLiteral("input"), row.job.input },
                                      { QStringLiteral("done"), row.progress.done },
                                      { QStringLiteral("total"), row.progress.total },
                                      { QStringLiteral("rate"), row.progress.rate },
                                      { QStringLiteral("workers"), row.job.workers },
                                      { QStringLiteral("started_at"), row.job.startedAt.toString(Qt::ISODateWithMs) },
                                      { QStringLiteral("elapsed_s"), row.progress.elapsedS },
                                      { QStringLiteral("program"), row.job.program } });
        }
        print(stdout, QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    if (rows.isEmpty()) {
        print(stdout, QStringLiteral("no running jobs\n"));
        return ExitOk;
    }
    QString text = QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                       .arg(QStringLiteral("PID"), -8)
                       .arg(QStringLiteral("PROGRAM"), -14)
                       .arg(QStringLiteral("KERNEL"), -14)
                       .arg(QStringLiteral("DONE/TOTAL"), 21)
                       .arg(QStringLiteral("RATE"), 12)
                       .arg(QStringLiteral("WORKERS"), 7)
                       .arg(QStringLiteral("STARTED         INPUT"));
    for (const JobRow& row : rows) {
        const QString done = QStringLiteral("%1/%2 (%3%)")
                                 .arg(row.progress.done)
                                 .arg(row.progress.total)
                                 .arg(row.progress.total > 0 ? 100 * row.progress.done / row.progress.total : 100);
        text += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                    .arg(row.job.pid, -8)
                    .arg(row.job.program, -14)
                    .arg(row.job.kernel, -14)
                    .arg(done, 21)
                    .arg(QStringLiteral("%1/s").arg(row.progress.rate, 0, 'f', 1), 12)
                    .arg(row.job.workers, 7)
                    .arg(row.job.startedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), -15)
                    .arg(row.job.input.isEmpty() ? QStringLiteral("-") : row.job.input);
    }
    print(stdout, text);
    return ExitOk;
}

} // namespace sharedmap::cli
