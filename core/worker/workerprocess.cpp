#include "worker/workerprocess.h"

#include "kernels/kernel.h"
#include "protocol/framing.h"
#include "shm/jobsegment.h"
#include "worker/pythonkernel.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <signal.h>
#include <sys/prctl.h>
#include <thread>
#include <unistd.h>

namespace sharedmap {

namespace {

/// The control pipe's descriptors. A worker moves them off 0 and 1 before anything else runs
/// (moveProtocolOffStdio()), so that what a kernel prints — Python's print, C writes to fd 1 —
/// reaches its stderr, the log, and never the pipe, and nothing it reads from stdin eats a frame.
int g_protocolOut = STDOUT_FILENO;
int g_commandIn = STDIN_FILENO;

void moveProtocolOffStdio()
{
    const int out = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    const int in = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
    if (out < 0 || in < 0)
        return; // keep the pipes where they are: a worker that prints would still work, less safely
    g_protocolOut = out;
    g_commandIn = in;
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, STDIN_FILENO); // dup2 clears close-on-exec on fd 0
        ::close(null);
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // C-level prints reach the log line by line
}

void writeFrame(const QJsonObject& message)
{
    const QByteArray frame = protocol::encode(message);
    qint64 written = 0;
    while (written < frame.size()) {
        const ssize_t n = ::write(g_protocolOut, frame.constData() + written, size_t(frame.size() - written));
        if (n <= 0) {
            if (errno == EINTR)
                continue;
            _exit(0); // the pool is gone
        }
        written += n;
    }
}

[[noreturn]] void fail(const QString& message)
{
    writeFrame({ { QStringLiteral("type"), QLatin1String(protocol::kError) }, { QStringLiteral("message"), message } });
    std::fprintf(stderr, "sharedmap-worker: %s\n", qPrintable(message));
    std::exit(2);
}

/// Commands from the pool, filled by the stdin reader thread.
struct Mailbox
{
    std::mutex mutex;
    std::condition_variable wake;
    int runRequests = 0;
    bool quit = false;
    bool park = false;
    QString nextJob; ///< set by a "job" command while parked
    int nextSlot = -1;
};

void readCommands(Mailbox* mailbox)
{
    protocol::FrameReader reader;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(g_commandIn, buffer, sizeof buffer);
        if (n == 0 || (n < 0 && errno != EINTR))
            _exit(0); // stdin closed: the pool died; never outlive it
        if (n < 0)
            continue;
        reader.append(QByteArray(buffer, int(n)));
        QJsonObject message;
        while (reader.next(&message)) {
            const QString type = message.value(QStringLiteral("type")).toString();
            std::lock_guard<std::mutex> lock(mailbox->mutex);
            if (type == QLatin1String(protocol::kQuit)) {
                mailbox->quit = true;
            } else if (type == QLatin1String(protocol::kRun)) {
                ++mailbox->runRequests;
            } else if (type == QLatin1String(protocol::kPark)) {
                mailbox->park = true;
            } else if (type == QLatin1String(protocol::kJob)) {
                mailbox->nextJob = message.value(QStringLiteral("job")).toString();
                mailbox->nextSlot = message.value(QStringLiteral("slot")).toInt(-1);
            }
            mailbox->wake.notify_all();
        }
        if (!reader.error().isEmpty())
            _exit(3);
    }
}

class Worker
{
public:
    Worker(JobSegment* job, int slotIndex, const Kernel* kernel, double sleepMs, bool inputResident)
        : m_job(job)
        , m_header(job->header())
        , m_slot(job->slot(slotIndex))
        , m_kernel(kernel)
        , m_sleepNs(qint64(sleepMs * 1e6))
        , m_width(m_header->resultWidth)
        , m_chunk(m_header->chunkSize > 0 ? m_header->chunkSize : 1)
        , m_inputResident(inputResident)
    { }

    /// Claims and computes chunks until nothing is left or the job is cancelled.
    void work()
    {
        m_slot->state.store(qint32(WorkerState::Running), std::memory_order_relaxed);
        qint64 begin = 0, end = 0;
        while (!cancelled() && claim(&begin, &end)) {
            const qint64 start = monotonicNs();
            if (!m_started) {
                qint64 unset = 0;
                m_header->firstTaskNs.compare_exchange_strong(unset, start, std::memory_order_relaxed);
                m_started = true;
            }
            m_slot->rangeBegin.store(begin, std::memory_order_relaxed);
            m_slot->rangeEnd.store(end, std::memory_order_release);
            const qint64 computed = compute(begin, end);
            const qint64 finish = monotonicNs();
            record(begin, end - begin, start, finish);
            m_slot->rangeBegin.store(-1, std::memory_order_relaxed);
            m_slot->rangeEnd.store(-1, std::memory_order_release);
            adapt(computed, finish - start);
        }
        m_slot->heartbeatNs.store(monotonicNs(), std::memory_order_relaxed);
        m_slot->state.store(qint32(WorkerState::Idle), std::memory_order_release);
    }

private:
    bool cancelled() const { return m_header->cancel.load(std::memory_order_relaxed) != 0; }

    bool claim(qint64* begin, qint64* end)
    {
        // Ranges given back after a crash come first.
        qint64 taken = m_header->retryClaimed.load(std::memory_order_relaxed);
        while (taken < m_header->retryPublished.load(std::memory_order_acquire)) {
            if (m_header->retryClaimed.compare_exchange_weak(taken, taken + 1, std::memory_order_acq_rel)) {
                const RetryRange* range = m_job->retry(taken);
                *begin = qBound<qint64>(0, range->begin.load(std::memory_order_relaxed), m_header->taskCount);
                *end = qBound<qint64>(*begin, range->end.load(std::memory_order_relaxed), m_header->taskCount);
                return true;
            }
        }
        const qint64 total = m_header->taskCount;
        if (m_header->nextPosition.load(std::memory_order_relaxed) >= total)
            return false;
        *begin = m_header->nextPosition.fetch_add(m_chunk, std::memory_order_relaxed);
        if (*begin >= total)
            return false;
        *end = qMin(total, *begin + m_chunk);
        return true;
    }

    /// Maps the input pages a chunk will read in one call (MADV_POPULATE_READ) rather than one
    /// page fault per 4 KiB: the cold first pass over a fresh mapping is dominated by faults.
    void populate(qint64 begin, qint64 end)
    {
        if (end - begin < 1)
            return;
        const auto first = m_kernel->footprint(m_job->indexAt(begin));
        const auto last = m_kernel->footprint(m_job->indexAt(end - 1));
        if (!first.first || !last.first)
            return;
        const char* from = qMin(first.first, last.first);
        const char* to = qMax(first.first + first.second, last.first + last.second);
        if (to - from < (qint64(1) << 20) || to - from > (qint64(1) << 30))
            return; // small chunks fault cheaply; huge spans mean scattered indices
        populatePages(from, to - from);
    }

    qint64 compute(qint64 begin, qint64 end)
    {
        if (!m_inputResident)
            populate(begin, end); // a warm worker already mapped the whole input: nothing to gain
        quint8* status = m_job->status();
        double* results = m_job->results();
        const qint64 space = m_header->indexSpace;
        qint64 done = m_slot->tasksDone.load(std::memory_order_relaxed);
        qint64 computed = 0;
        for (qint64 p = begin; p < end; ++p) {
            if (__atomic_load_n(&status[p], __ATOMIC_ACQUIRE) != Pending)
                continue;
            if (m_sleepNs > 0 && !sleepWork())
                break;
            if (cancelled())
                break;
            const qint64 index = m_job->indexAt(p);
            bool ok = index >= 0 && index < space;
            if (ok) {
                ok = m_kernel->evaluateAt(p, index, results + p * m_width);
                if (!ok)
                    reportFailure(p, index);
            }
            __atomic_store_n(&status[p], quint8(ok ? Done : Failed), __ATOMIC_RELEASE);
            m_slot->tasksDone.store(++done, std::memory_order_relaxed);
            ++computed;
            if ((computed & 1023) == 0)
                m_slot->heartbeatNs.store(monotonicNs(), std::memory_order_relaxed);
        }
        return computed;
    }

    /// Tells the pool why the kernel failed an index, for the first kMaxReasons failures of the
    /// job only, so that a formula failing everywhere cannot flood the pipe.
    void reportFailure(qint64 position, qint64 index)
    {
        constexpr int kMaxReasons = 100;
        const QString reason = m_kernel->failureReason();
        if (reason.isEmpty() || m_reasonsSent >= kMaxReasons)
            return;
        ++m_reasonsSent;
        writeFrame({ { QStringLiteral("type"), QLatin1String(protocol::kFailure) },
                     { QStringLiteral("position"), position },
                     { QStringLiteral("index"), index },
                     { QStringLiteral("reason"), reason.left(500) } });
    }

    /// Simulated work, in slices so a cancel is seen within a few milliseconds.
    bool sleepWork()
    {
        const qint64 until = monotonicNs() + m_sleepNs;
        for (;;) {
            const qint64 now = monotonicNs();
            m_slot->heartbeatNs.store(now, std::memory_order_relaxed);
            if (now >= until)
                return true;
            if (cancelled())
                return false;
            const qint64 slice = qMin<qint64>(until - now, 5000000);
            timespec ts { time_t(slice / 1000000000), long(slice % 1000000000) };
            nanosleep(&ts, nullptr);
        }
    }

    void record(qint64 begin, qint64 count, qint64 start, qint64 finish)
    {
        const quint64 n = m_slot->ringWritten.load(std::memory_order_relaxed);
        ChunkRecord& r = m_slot->ring[n % WorkerSlot::kRingSize];
        r = { begin, count, start, finish };
        m_slot->ringWritten.store(n + 1, std::memory_order_release);
        m_slot->chunksDone.store(m_slot->chunksDone.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        m_slot->busyNs.store(m_slot->busyNs.load(std::memory_order_relaxed) + (finish - start),
                             std::memory_order_relaxed);
        m_slot->heartbeatNs.store(finish, std::memory_order_relaxed);
    }

    /// Auto chunk size: grow until a chunk takes about kTargetNs, but leave enough chunks at the
    /// end for every worker so the tail stays balanced.
    void adapt(qint64 computed, qint64 elapsedNs)
    {
        if (m_header->chunkSize > 0 || computed <= 0)
            return;
        constexpr qint64 kTargetNs = 5000000;
        const double perTask = double(qMax<qint64>(elapsedNs, 1)) / double(computed);
        qint64 wanted = qint64(kTargetNs / perTask);
        wanted = qBound<qint64>(1, wanted, m_chunk * 8);
        const qint64 remaining = m_header->taskCount - m_header->nextPosition.load(std::memory_order_relaxed);
        const qint64 fair = qMax<qint64>(1, remaining / (2 * qint64(m_header->slotCount)));
        m_chunk = qMax<qint64>(1, qMin(wanted, fair));
    }

    JobSegment* m_job;
    JobSegmentHeader* m_header;
    WorkerSlot* m_slot;
    const Kernel* m_kernel;
    qint64 m_sleepNs;
    qint64 m_width;
    qint64 m_chunk;
    bool m_started = false;
    bool m_inputResident = false;
    int m_reasonsSent = 0;
};

/// Reads exactly `bytes` from stdin into `into`; false on end of file or error.
bool readFully(char* into, qint64 bytes)
{
    qint64 done = 0;
    while (done < bytes) {
        const ssize_t n = ::read(g_commandIn, into + done, size_t(qMin<qint64>(bytes - done, qint64(1) << 30)));
        if (n == 0)
            return false;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        done += n;
    }
    return true;
}

/// A worker's private copy of the input (copy mode), received through its stdin.
struct InputCopy
{
    struct Free
    {
        void operator()(char* p) const { std::free(p); }
    };
    std::unique_ptr<char, Free> data;
    ArrayMeta meta;

    ArrayView view() const { return ArrayView::of(meta, data.get()); }
};

/// Copy mode: the pool's first message describes the input, then its bytes follow. Read
/// before the command reader thread starts, so nothing else reads stdin meanwhile.
QString receiveCopy(InputCopy* copy)
{
    quint32 length = 0;
    if (!readFully(reinterpret_cast<char*>(&length), sizeof length))
        return QStringLiteral("copy mode: the pool closed the pipe before sending the input");
    if (length > protocol::kMaxFrameBytes)
        return QStringLiteral("copy mode: bad first frame");
    QByteArray frame(int(sizeof length + length), Qt::Uninitialized);
    std::memcpy(frame.data(), &length, sizeof length);
    if (!readFully(frame.data() + sizeof length, length))
        return QStringLiteral("copy mode: the pool closed the pipe before sending the input");
    protocol::FrameReader reader;
    reader.append(frame);
    QJsonObject message;
    if (!reader.next(&message) || message.value(QStringLiteral("type")).toString() != QLatin1String(protocol::kData))
        return QStringLiteral("copy mode: expected the input's description first");
    copy->meta.dtype = dtypeFromName(message.value(QStringLiteral("dtype")).toString());
    for (const QJsonValue extent : message.value(QStringLiteral("shape")).toArray())
        copy->meta.shape.append(extent.toInteger(-1));
    copy->meta.fortranOrder = message.value(QStringLiteral("fortran_order")).toBool();
    const qint64 bytes = message.value(QStringLiteral("bytes")).toInteger(-1);
    if (copy->meta.dtype == DType::Invalid || copy->meta.shape.size() > kMaxDims
        || std::any_of(copy->meta.shape.cbegin(), copy->meta.shape.cend(), [](qint64 e) { return e < 0; }) || bytes < 0
        || copy->meta.byteSize() != bytes)
        return QStringLiteral("copy mode: the input's description is inconsistent");
    // The worker's own memory, as a pickled argument would be: written once, by the read below.
    copy->data.reset(static_cast<char*>(std::aligned_alloc(64, size_t((bytes + 63) / 64 * 64 + 64))));
    if (!copy->data)
        return QStringLiteral("copy mode: cannot allocate %1 bytes for the input's copy").arg(bytes);
    if (!readFully(copy->data.get(), bytes))
        return QStringLiteral("copy mode: the pool closed the pipe in the middle of the input");
    return {};
}

/// What a worker is attached to for one job; the input stays attached between jobs on it.
struct Attachment
{
    std::unique_ptr<JobSegment> job;
    std::shared_ptr<SharedArray> input;
    std::unique_ptr<InputCopy> copy; ///< copy mode: this worker's private copy instead of `input`
    std::unique_ptr<Kernel> kernel;
    int slot = 0;
    double sleepMs = 0;
    bool inputResident = false; ///< the whole input is in this worker's page tables (prefaulted while parked)
};

/// Attaches to a job segment, (re)uses or attaches its input, and builds the kernel.
QString attachJob(const QString& jobName, int slotIndex, Attachment* a)
{
    QString error;
    a->kernel.reset();
    a->job = JobSegment::attach(jobName, &error);
    if (!a->job)
        return error;
    if (slotIndex < 0 || slotIndex >= a->job->header()->slotCount)
        return QStringLiteral("slot %1 does not exist in job %2").arg(slotIndex).arg(jobName);
    a->slot = slotIndex;
    const QJsonObject spec = QJsonDocument::fromJson(a->job->spec()).object();
    const QString plugin = spec.value(QStringLiteral("plugin")).toString();
    if (!plugin.isEmpty()) {
        error = KernelRegistry::loadPlugin(plugin);
        if (!error.isEmpty())
            return error;
    }
    // A Python job's kernel is the user's function (worker/pythonkernel.h); its parameters are
    // that function's keyword arguments, passed on as they are.
    const QJsonObject python = spec.value(QStringLiteral("python")).toObject();
    KernelDef pythonDef;
    if (!python.isEmpty())
        pythonDef = pythonKernelDef(python, a->job->header()->inputSegment[0] != 0);
    const KernelDef* def = python.isEmpty()
        ? KernelRegistry::instance().find(spec.value(QStringLiteral("kernel")).toString())
        : &pythonDef;
    if (!def)
        return QStringLiteral("job names an unknown kernel");
    QVariantMap params;
    if (python.isEmpty())
        error = resolveParams(def->info, spec.value(QStringLiteral("params")).toObject().toVariantMap(), &params);
    else
        params = spec.value(QStringLiteral("params")).toObject().toVariantMap();
    if (!error.isEmpty())
        return error;
    KernelContext context;
    context.params = params;
    context.accumulator = a->job->accumulator();
    context.workers = a->job->header()->slotCount;
    const qint64 cells = def->accumulatorCells ? def->accumulatorCells(params) : 0;
    const SharedAccumulator* accumulator = context.accumulator;
    if (cells != (accumulator ? accumulator->cellCount() : 0)
        || (accumulator
            && (a->job->header()->accumulatorBytes != accumulator->bytes()
                || (accumulator->journalCapacity() > 0 && accumulator->positions() != a->job->taskCount()))))
        return QStringLiteral("job accumulator does not match the kernel");
    ArrayView& view = context.input;
    const QString inputName = QString::fromLatin1(a->job->header()->inputSegment);
    if (def->info.needsInput && a->job->header()->copyInput) {
        if (a->input || a->copy)
            return QStringLiteral("a copy-mode job was given to a worker that already holds an input");
        a->copy = std::make_unique<InputCopy>();
        error = receiveCopy(a->copy.get());
        if (!error.isEmpty())
            return error;
        view = a->copy->view();
        qint64 space = 0;
        error = def->indexCount(a->copy->meta, params, &space);
        if (!error.isEmpty())
            return error;
        if (space != a->job->header()->indexSpace)
            return QStringLiteral("job index space does not match the input array");
    } else if (def->info.needsInput) {
        // A warm worker keeps its input mapped (page tables and all) for the next job on it.
        if (!a->input || a->input->segmentName() != inputName) {
            a->input.reset();
            a->inputResident = false;
            a->input = SharedArray::attach(inputName, &error);
            if (!a->input)
                return error;
        }
        view = a->input->view();
        qint64 space = 0;
        error = def->indexCount(a->input->meta(), params, &space);
        if (!error.isEmpty())
            return error;
        if (space != a->job->header()->indexSpace)
            return QStringLiteral("job index space does not match the input array");
    }
    // The result shape follows from the input and parameters: check the job agrees before the
    // kernel writes that many values per position.
    QVector<qint64> shape;
    if (def->resultShape) {
        ArrayMeta meta;
        if (a->copy)
            meta = a->copy->meta;
        else if (a->input)
            meta = a->input->meta();
        error = def->resultShape(meta, params, &shape);
        if (!error.isEmpty())
            return error;
    }
    qint64 width = 1;
    for (qint64 extent : shape)
        width *= extent;
    if (width != a->job->header()->resultWidth)
        return QStringLiteral("job result width does not match the kernel");
    a->kernel = def->create(context, &error);
    if (!a->kernel)
        return error;
    a->sleepMs = python.isEmpty() ? params.value(QStringLiteral("sleep_ms")).toDouble() : 0.0;
    WorkerSlot* slot = a->job->slot(slotIndex);
    slot->pid.store(getpid(), std::memory_order_relaxed);
    slot->heartbeatNs.store(monotonicNs(), std::memory_order_relaxed);
    return {};
}

/// While parked, maps the whole input into this worker's page tables (a chunk at a time, giving
/// up as soon as a command arrives): the next job may hand this worker rows another worker read
/// before, and they should not cost a page fault each.
void prefaultInput(Attachment& a, Mailbox* mailbox)
{
    if (!a.input || a.inputResident)
        return;
    const char* data = a.input->view().data;
    const qint64 bytes = a.input->meta().byteSize();
    constexpr qint64 kStep = qint64(16) << 20; // ≈ 2–5 ms each: a new job waits at most that long
    for (qint64 at = 0; at < bytes; at += kStep) {
        {
            std::lock_guard<std::mutex> lock(mailbox->mutex);
            if (mailbox->quit || !mailbox->nextJob.isEmpty())
                return;
        }
        populatePages(data + at, qMin(kStep, bytes - at));
    }
    a.inputResident = true;
}

/// Parked (between jobs, or started ahead of one): waits for the next job and attaches to it.
/// False when told to quit instead.
bool waitForJob(Mailbox* mailbox, Attachment* attachment)
{
    QString nextJob;
    int nextSlot = -1;
    {
        std::unique_lock<std::mutex> lock(mailbox->mutex);
        mailbox->wake.wait(lock, [&] { return mailbox->quit || !mailbox->nextJob.isEmpty(); });
        if (mailbox->quit)
            return false;
        nextJob = mailbox->nextJob;
        nextSlot = mailbox->nextSlot;
        mailbox->nextJob.clear();
        mailbox->runRequests = 0;
    }
    const QString problem = attachJob(nextJob, nextSlot, attachment);
    if (!problem.isEmpty())
        fail(problem);
    return true;
}

} // namespace

int runWorker(int argc, char** argv)
{
    moveProtocolOffStdio();
    if (argc >= 3 && QByteArray(argv[1]) == "--probe-python")
        return runPythonProbe(argc, argv, g_protocolOut); // its JSON goes where a job's frames would
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
        const QString error = attachJob(jobName, slotIndex, &attachment);
        if (!error.isEmpty())
            fail(error);
    }

    Mailbox mailbox;
    std::thread(readCommands, &mailbox).detach();
    // Started ahead of a job (Pool::prestart()): do the slow part of starting now — for a Python
    // job, the interpreter and NumPy — then wait parked for the job.
    bool running = true;
    if (startParked) {
        if (python)
            startPython();
        writeFrame({ { QStringLiteral("type"), QLatin1String(protocol::kParked) } });
        running = waitForJob(&mailbox, &attachment);
    }
    while (running) {
        writeFrame({ { QStringLiteral("type"), QLatin1String(protocol::kHello) },
                     { QStringLiteral("pid"), qint64(getpid()) },
                     { QStringLiteral("slot"), attachment.slot } });
        Worker worker(attachment.job.get(), attachment.slot, attachment.kernel.get(), attachment.sleepMs,
                      attachment.inputResident);
        bool parked = false;
        for (;;) {
            worker.work();
            writeFrame({ { QStringLiteral("type"), QLatin1String(protocol::kIdle) },
                         { QStringLiteral("slot"), attachment.slot } });
            std::unique_lock<std::mutex> lock(mailbox.mutex);
            mailbox.wake.wait(lock, [&] { return mailbox.quit || mailbox.park || mailbox.runRequests > 0; });
            if (mailbox.quit)
                break;
            if (mailbox.park) {
                mailbox.park = false;
                parked = true;
                break;
            }
            mailbox.runRequests = 0;
        }
        if (!parked)
            break;
        // Parked: let go of the job (its segment can go) but keep the input mapped, and wait for
        // the next job or the end.
        attachment.job->slot(attachment.slot)->state.store(qint32(WorkerState::Finished), std::memory_order_release);
        attachment.kernel.reset();
        attachment.job.reset();
        writeFrame({ { QStringLiteral("type"), QLatin1String(protocol::kParked) } });
        const bool wasResident = attachment.inputResident;
        prefaultInput(attachment, &mailbox);
        if (attachment.inputResident && !wasResident)
            writeFrame({ { QStringLiteral("type"), QLatin1String(protocol::kResident) } });
        if (!waitForJob(&mailbox, &attachment))
            break;
    }
    if (attachment.job)
        attachment.job->slot(attachment.slot)->state.store(qint32(WorkerState::Finished), std::memory_order_release);
    attachment.kernel.reset();
    attachment.input.reset();
    attachment.job.reset();
    std::fflush(stdout);
    _exit(0); // the reader thread is blocked in read(); leave without joining it
}

} // namespace sharedmap
