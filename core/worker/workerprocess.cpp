#include "worker/workerprocess.h"

#include "kernels/kernel.h"
#include "worker/attachment.h"
#include "worker/claimloop.h"
#include "worker/logging.h"
#include "worker/mailbox.h"
#include "worker/pipe.h"
#include "worker/pythonkernel.h"

#include <cstdio>
#include <optional>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace sharedmap {

int runWorker(int argc, char** argv)
{
    workerpipe::moveOffStdio();
    if (argc >= 3 && QByteArray(argv[1]) == "--probe-python")
        return runPythonProbe(argc, argv, workerpipe::protocolOut()); // its JSON goes where a job's frames would
    if (argc == 3 && QByteArray(argv[1]) == "--probe-plugin") {
        // Loads a plugin and lists its kernels in this process, for a front end that must not
        // be the one to crash if the plugin does.
        const QString error = KernelRegistry::loadPlugin(QString::fromLocal8Bit(argv[2]));
        if (!error.isEmpty()) {
            std::fprintf(stderr, "sharedmap-worker: %s\n", error.toUtf8().constData());
            return 2;
        }
        return 0;
    }
    QString jobName;
    int slotIndex = -1;
    qint64 parent = -1;
    bool startParked = false;
    bool python = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        const QByteArray key = argv[i];
        const QByteArray value = argv[i + 1];
        if (key == "--job")
            jobName = QString::fromLocal8Bit(value);
        else if (key == "--slot")
            slotIndex = value.toInt();
        else if (key == "--parent")
            parent = value.toLongLong();
        else if (key == "--parked")
            startParked = value == "1";
        else if (key == "--start-python")
            python = value == "1";
    }
    if (!startParked && (jobName.isEmpty() || slotIndex < 0)) {
        std::fprintf(stderr,
                     "usage: sharedmap-worker --job NAME --slot N [--parent PID]\n"
                     "       sharedmap-worker --parked 1 [--parent PID] [--start-python 1]\n"
                     "       sharedmap-worker --probe-plugin PATH\n"
                     "       sharedmap-worker --probe-python FILE.py [--function NAME] [--params JSON]\n"
                     "                        [--input SEGMENT] [--indices I,J,...] [--display TEXT]\n"
                     "Started by SharedMap's pool; not meant to be run by hand.\n");
        return 2;
    }
    // Never outlive the pool: die with it, and close the race where it died before this line.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (parent > 0 && getppid() != parent)
        return 1;

    Attachment attachment;
    if (!startParked) {
        const QString error = attachment.attach(jobName, slotIndex);
        if (!error.isEmpty())
            workerpipe::fail(error);
    }

    Mailbox mailbox;
    mailbox.start();
    // Parks until the pool hands over a job, and attaches to it; false when told to quit instead.
    const auto attachNext = [&mailbox, &attachment] {
        const std::optional<protocol::JobAssignment> job = mailbox.waitForJob();
        if (!job)
            return false;
        const QString problem = attachment.attach(job->job, job->slot);
        if (!problem.isEmpty())
            workerpipe::fail(problem);
        return true;
    };
    // Started ahead of a job (Pool::prestart()): do the slow part of starting now — for a Python
    // job, the interpreter and NumPy — then wait parked for the job.
    bool running = true;
    if (startParked) {
        if (python)
            startPython();
        workerpipe::send(protocol::Parked {});
        running = attachNext();
    }
    while (running) {
        workerpipe::send(protocol::Hello { qint64(getpid()), attachment.slot() });
        ClaimLoop loop(attachment.job(), attachment.slot(), attachment.kernel(), attachment.sleepMs(),
                       attachment.inputResident());
        Mailbox::Next next = Mailbox::Next::Run;
        while (next == Mailbox::Next::Run) {
            loop.work();
            workerpipe::send(protocol::Idle { attachment.slot() });
            next = mailbox.waitAfterIdle();
        }
        if (next == Mailbox::Next::Quit)
            break;
        // Parked: let go of the job (its segment can go) but keep the input mapped, and wait for
        // the next job or the end.
        attachment.detachJob();
        workerpipe::send(protocol::Parked {});
        qCDebug(lcWorker, "slot %d parked", attachment.slot());
        const bool wasResident = attachment.inputResident();
        if (attachment.prefault([&mailbox] { return mailbox.hasNews(); }) && !wasResident)
            workerpipe::send(protocol::Resident {});
        running = attachNext();
    }
    qCDebug(lcWorker, "slot %d quits", attachment.slot());
    attachment.release();
    std::fflush(stdout);
    _exit(0); // the reader thread is blocked in read(); leave without joining it
}

} // namespace sharedmap
