// bench_load: loading a .npy from a warm page cache (docs/PERFORMANCE.md §5) next to the baselines it
// is measured against, all in the same run.
//
// It writes one .npy (default 10000 x 10000 float64, 800 MB) unless --input names one, reads it
// once so the page cache holds it, checks with mincore() that it stays resident, and then, for
// each repetition, times every variant below: (a) and (b) first, back to back in alternating
// order, so their per-run ratio compares like with like; then the others, in an order that
// rotates each repetition, so machine noise does not always hit the same variant:
//   (a) SharedMap: loadNpy() into a new SysV segment (64 MiB slices, each populated
//       with madvise(MADV_POPULATE_WRITE) before its read());
//   (b) a plain read() of the whole file into a fresh page-aligned buffer (pages first touched
//       by the copy), (b') into a page-aligned buffer touched before (pure copy from the page
//       cache), and (b-malloc) into a fresh buffer straight from malloc(): glibc returns large
//       blocks 16 bytes past a page boundary, and a copy to a destination that is not 64-byte
//       aligned runs at about half speed on this CPU, so (b-malloc) is the weaker baseline;
//   (c) mmap() of the file read-only + madvise(MADV_POPULATE_READ): what making the file itself
//       resident for a reader costs (no copy at all); and (c') the same mapping touched once per
//       4 KiB page instead (what a worker pays without the populate call);
//   and, to see where (a)'s time goes, replicas of its steps: creating the segment, populating
//   it, read() into a populated or unpopulated segment, loadNpy's loop with other slice sizes,
//   and the anonymous-memory counterparts (populate; 2 MiB pages via MADV_HUGEPAGE).
// Every variant's bytes are compared with the file's (untimed). Prints markdown tables of
// medians and same-run ratios; --json writes every run.
//
//   bench_load [--quick] [--shape 10000x10000] [--dtype float64] [--repeat 5] [--input FILE.npy]
//              [--dir DIR] [--slices 64,4,1] [--variants KEYS] [--json FILE]

#include "benchutil.h"
#include "io/generator.h"
#include "io/npyformat.h"
#include "io/npyloader.h"
#include "shm/sharedarray.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QThread>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 // Linux 5.14
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

using namespace sharedmap;
using namespace benchutil;

namespace {

const qint64 kPage = sysconf(_SC_PAGESIZE);

long minorFaults()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

qint64 roundUp(qint64 n, qint64 to)
{
    return (n + to - 1) / to * to;
}

/// Reads `bytes` from `fd` at its current position into `dst`, `slice` bytes per read() call
/// (0 = as much as is left). Returns false on a short read or an error.
bool readFully(int fd, char* dst, qint64 bytes, qint64 slice = 0)
{
    qint64 done = 0;
    while (done < bytes) {
        const qint64 want = slice > 0 ? qMin(slice, bytes - done) : bytes - done;
        const ssize_t got = ::read(fd, dst + done, size_t(want));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        done += got;
    }
    return true;
}

/// Fraction of the file's pages in the page cache (mincore over a read-only mapping).
double residentFraction(const QString& path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kNaN;
    struct stat st
    {
    };
    fstat(fd, &st);
    const size_t size = size_t(st.st_size);
    void* map = size ? mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
    ::close(fd);
    if (map == MAP_FAILED)
        return kNaN;
    const size_t pages = (size + size_t(kPage) - 1) / size_t(kPage);
    std::vector<unsigned char> vec(pages);
    double fraction = kNaN;
    if (mincore(map, size, vec.data()) == 0) {
        size_t resident = 0;
        for (unsigned char v : vec)
            resident += v & 1;
        fraction = double(resident) / double(pages);
    }
    munmap(map, size);
    return fraction;
}

struct Context
{
    QString path;
    QByteArray cpath;
    qint64 fileBytes = 0;
    qint64 dataOffset = 0;
    qint64 dataBytes = 0;
    ArrayMeta meta;
    const char* reference = nullptr; ///< the file's data bytes, read once
    char* touched = nullptr; ///< a buffer of fileBytes, reused by (b'); every page is written before each run
    std::shared_ptr<const SharedArray> loaded; ///< loaded once (untimed), for the reader rows
    int threads = 2; ///< threads of the parallel loadNpy replica
};

/// What one variant measured: seconds of the timed part, and where its copy of the data is.
struct Measured
{
    double seconds = kNaN;
    double releaseS = kNaN; ///< freeing what it allocated (segment, buffer, mapping)
    long faults = 0; ///< minor faults during the timed part
    QString error;
};

/// A variant: does its timed work, then checks its bytes against the reference (untimed) and
/// releases what it allocated (timed separately).
struct Variant
{
    QString key;
    QString label;
    std::function<Measured(const Context&)> run;
};

bool sameBytes(const Context& c, const char* data)
{
    return std::memcmp(data, c.reference, size_t(c.dataBytes)) == 0;
}

int openFile(const Context& c)
{
    return ::open(c.cpath.constData(), O_RDONLY | O_CLOEXEC);
}

/// A read() of the whole file into `buffer` (fileBytes), timed with open and close.
Measured readInto(const Context& c, char* buffer, double extraS = 0)
{
    Measured m;
    const long f0 = minorFaults();
    const double t0 = nowS();
    const int fd = openFile(c);
    const bool ok = fd >= 0 && readFully(fd, buffer, c.fileBytes);
    if (fd >= 0)
        ::close(fd);
    m.seconds = nowS() - t0 + extraS;
    m.faults = minorFaults() - f0;
    if (!ok)
        m.error = QStringLiteral("read failed: %1").arg(QString::fromLocal8Bit(strerror(errno)));
    else if (!sameBytes(c, buffer + c.dataOffset))
        m.error = QStringLiteral("bytes differ from the file");
    return m;
}

/// loadNpy's loop, replicated with another slice size: a new segment, then per slice
/// MADV_POPULATE_WRITE and read(). With slice 0, read() with no populate call at all.
Measured loadReplica(const Context& c, qint64 slice, bool populate)
{
    Measured m;
    QString error;
    const long f0 = minorFaults();
    const double t0 = nowS();
    std::shared_ptr<SharedArray> array = SharedArray::create(c.meta, &error);
    if (!array) {
        m.error = error;
        return m;
    }
    char* out = array->mutableData();
    const int fd = openFile(c);
    bool ok = fd >= 0 && lseek(fd, c.dataOffset, SEEK_SET) == c.dataOffset;
    const qint64 step = slice > 0 ? slice : c.dataBytes;
    for (qint64 done = 0; ok && done < c.dataBytes; done += step) {
        const qint64 n = qMin(step, c.dataBytes - done);
        if (populate)
            populatePages(out + done, n, true);
        ok = readFully(fd, out + done, n);
    }
    if (fd >= 0)
        ::close(fd);
    m.seconds = nowS() - t0;
    m.faults = minorFaults() - f0;
    if (!ok)
        m.error = QStringLiteral("read failed");
    else if (!sameBytes(c, out))
        m.error = QStringLiteral("bytes differ from the file");
    const double r0 = nowS();
    array.reset();
    m.releaseS = nowS() - r0;
    return m;
}

/// loadNpy's loop split over `threads` threads: each takes a contiguous part of the data and
/// populates + pread()s it slice by slice (what a parallel loadNpy would do).
Measured loadParallel(const Context& c, int threads, qint64 slice)
{
    Measured m;
    QString error;
    const long f0 = minorFaults();
    const double t0 = nowS();
    std::shared_ptr<SharedArray> array = SharedArray::create(c.meta, &error);
    if (!array) {
        m.error = error;
        return m;
    }
    char* out = array->mutableData();
    const int fd = openFile(c);
    std::atomic_bool ok { fd >= 0 };
    auto part = [&](qint64 begin, qint64 end) {
        for (qint64 done = begin; done < end && ok;) {
            const qint64 n = qMin(slice, end - done);
            populatePages(out + done, n, true);
            qint64 got = 0;
            while (got < n) {
                const ssize_t r = ::pread(fd, out + done + got, size_t(n - got), c.dataOffset + done + got);
                if (r < 0 && errno == EINTR)
                    continue;
                if (r <= 0) {
                    ok = false;
                    return;
                }
                got += r;
            }
            done += n;
        }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        // Part boundaries on page multiples, so no page is populated by two threads.
        const qint64 begin = c.dataBytes * t / threads / kPage * kPage;
        const qint64 end = t + 1 == threads ? c.dataBytes : c.dataBytes * (t + 1) / threads / kPage * kPage;
        pool.emplace_back(part, begin, end);
    }
    for (auto& th : pool)
        th.join();
    if (fd >= 0)
        ::close(fd);
    m.seconds = nowS() - t0;
    m.faults = minorFaults() - f0;
    if (!ok)
        m.error = QStringLiteral("read failed");
    else if (!sameBytes(c, out))
        m.error = QStringLiteral("bytes differ from the file");
    const double r0 = nowS();
    array.reset();
    m.releaseS = nowS() - r0;
    return m;
}

/// Sum of all elements (the row_sum kernel's vectorised loop over the whole array), optionally
/// populating each 4 MiB block with MADV_POPULATE_READ first as workers do with their chunks.
double sumAll(DType dtype, const char* data, qint64 bytes, bool populate)
{
    return dispatchDType(dtype, [&](auto tag) {
        using T = decltype(tag);
        constexpr qint64 kBlock = qint64(4) << 20;
        double total = 0;
        for (qint64 b = 0; b < bytes; b += kBlock) {
            const qint64 n = qMin(kBlock, bytes - b);
            if (populate)
                populatePages(data + b, n);
            const T* p = reinterpret_cast<const T*>(data + b);
            const qint64 count = n / qint64(sizeof(T));
            double s = 0;
#pragma omp simd reduction(+ : s)
            for (qint64 i = 0; i < count; ++i)
                s += double(p[i]);
            total += s;
        }
        return total;
    });
}

/// A reader after the load (what each worker pays on its first pass): a fresh mapping of the
/// file itself or a fresh attach of the loaded segment, then one summing pass over all of it.
Measured readerPass(const Context& c, bool file, bool populate)
{
    Measured m;
    QString error;
    const long f0 = minorFaults();
    const double t0 = nowS();
    void* map = MAP_FAILED;
    std::shared_ptr<SharedArray> attached;
    const char* data = nullptr;
    if (file) {
        const int fd = openFile(c);
        map = fd >= 0 ? mmap(nullptr, size_t(c.fileBytes), PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
        if (fd >= 0)
            ::close(fd);
        if (map == MAP_FAILED) {
            m.error = QStringLiteral("mmap failed");
            return m;
        }
        data = static_cast<const char*>(map) + c.dataOffset;
    } else {
        attached = SharedArray::attach(c.loaded->segmentName(), &error);
        if (!attached) {
            m.error = error;
            return m;
        }
        data = attached->view().data;
    }
    const double sum = sumAll(c.meta.dtype, data, c.dataBytes, populate);
    m.seconds = nowS() - t0;
    m.faults = minorFaults() - f0;
    // Compared with a tolerance: the vectorised reduction's order depends on alignment and code path.
    const double want = sumAll(c.meta.dtype, c.reference, c.dataBytes, false);
    if (!(std::abs(sum - want) <= 1e-9 * std::max(1.0, std::abs(want))))
        m.error = QStringLiteral("sum %1 differs from the reference's %2").arg(sum).arg(want);
    const double r0 = nowS();
    if (map != MAP_FAILED)
        munmap(map, size_t(c.fileBytes));
    attached.reset();
    m.releaseS = nowS() - r0;
    return m;
}

std::vector<Variant> makeVariants(const QVector<qint64>& slicesMiB)
{
    std::vector<Variant> v;
    v.push_back({ "loadnpy", "**SharedMap** `loadNpy` -> new SysV segment", [](const Context& c) {
                     Measured m;
                     QString error;
                     const long f0 = minorFaults();
                     const double t0 = nowS();
                     std::shared_ptr<SharedArray> array = loadNpy(c.path, &error);
                     m.seconds = nowS() - t0;
                     m.faults = minorFaults() - f0;
                     if (!array) {
                         m.error = error;
                         return m;
                     }
                     if (!sameBytes(c, array->view().data))
                         m.error = QStringLiteral("bytes differ from the file");
                     const double r0 = nowS();
                     array.reset();
                     m.releaseS = nowS() - r0;
                     return m;
                 } });
    v.push_back({ "read_fresh", "(b) plain `read()` of the file -> fresh page-aligned buffer (`aligned_alloc`)",
                  [](const Context& c) {
                      const double t0 = nowS();
                      char* buffer
                          = static_cast<char*>(std::aligned_alloc(size_t(kPage), size_t(roundUp(c.fileBytes, kPage))));
                      const double allocS = nowS() - t0;
                      if (!buffer)
                          return Measured { kNaN, kNaN, 0, QStringLiteral("out of memory") };
                      Measured m = readInto(c, buffer, allocS);
                      const double r0 = nowS();
                      std::free(buffer);
                      m.releaseS = nowS() - r0;
                      return m;
                  } });
    v.push_back({ "read_malloc",
                  "(b-malloc) plain `read()` -> fresh `malloc` buffer (16 bytes past a page: misaligned copy)",
                  [](const Context& c) {
                      const double t0 = nowS();
                      char* buffer = static_cast<char*>(std::malloc(size_t(c.fileBytes)));
                      const double allocS = nowS() - t0;
                      if (!buffer)
                          return Measured { kNaN, kNaN, 0, QStringLiteral("out of memory") };
                      Measured m = readInto(c, buffer, allocS);
                      const double r0 = nowS();
                      std::free(buffer);
                      m.releaseS = nowS() - r0;
                      return m;
                  } });
    v.push_back({ "read_touched", "(b') plain `read()` -> page-aligned buffer touched beforehand (copy only)",
                  [](const Context& c) {
                      for (qint64 off = 0; off < c.fileBytes; off += kPage) // untimed: every page written just before
                          c.touched[off] = char(off >> 12);
                      return readInto(c, c.touched);
                  } });
    v.push_back(
        { "mmap_populate", "(c) `mmap` of the file read-only + `MADV_POPULATE_READ` (no copy)", [](const Context& c) {
             Measured m;
             const long f0 = minorFaults();
             const double t0 = nowS();
             const int fd = openFile(c);
             void* map = fd >= 0 ? mmap(nullptr, size_t(c.fileBytes), PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
             if (fd >= 0)
                 ::close(fd);
             if (map == MAP_FAILED) {
                 m.error = QStringLiteral("mmap failed");
                 return m;
             }
             const bool ok = populatePages(static_cast<const char*>(map), c.fileBytes);
             m.seconds = nowS() - t0;
             m.faults = minorFaults() - f0;
             if (!ok)
                 m.error = QStringLiteral("MADV_POPULATE_READ failed: %1").arg(QString::fromLocal8Bit(strerror(errno)));
             else if (!sameBytes(c, static_cast<const char*>(map) + c.dataOffset))
                 m.error = QStringLiteral("bytes differ from the file");
             const double r0 = nowS();
             munmap(map, size_t(c.fileBytes));
             m.releaseS = nowS() - r0;
             return m;
         } });
    v.push_back(
        { "mmap_touch", "(c') `mmap` of the file read-only, one load per 4 KiB page (faults)", [](const Context& c) {
             Measured m;
             const long f0 = minorFaults();
             const double t0 = nowS();
             const int fd = openFile(c);
             void* map = fd >= 0 ? mmap(nullptr, size_t(c.fileBytes), PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
             if (fd >= 0)
                 ::close(fd);
             if (map == MAP_FAILED) {
                 m.error = QStringLiteral("mmap failed");
                 return m;
             }
             const volatile char* p = static_cast<const char*>(map);
             unsigned sum = 0;
             for (qint64 off = 0; off < c.fileBytes; off += kPage)
                 sum += unsigned(p[off]);
             m.seconds = nowS() - t0;
             m.faults = minorFaults() - f0;
             (void)sum;
             if (!sameBytes(c, static_cast<const char*>(map) + c.dataOffset))
                 m.error = QStringLiteral("bytes differ from the file");
             const double r0 = nowS();
             munmap(map, size_t(c.fileBytes));
             m.releaseS = nowS() - r0;
             return m;
         } });
    // --- where (a)'s time goes: replicas of its steps ---
    // Placeholder: main() times this one in parts (shmSteps) and prints a row per part.
    v.push_back({ "shm_steps", "", [](const Context&) { return Measured {}; } });
    for (qint64 s : slicesMiB)
        v.push_back({ QStringLiteral("replica_%1").arg(s),
                      QStringLiteral("loadNpy's loop replicated, %1 MiB slices (populate + `read()` per slice)").arg(s),
                      [s](const Context& c) { return loadReplica(c, s << 20, true); } });
    v.push_back({ "replica_parallel",
                  "loadNpy's loop on T threads (each populates + `pread()`s its part in 64 MiB slices)",
                  [](const Context& c) { return loadParallel(c, c.threads, qint64(64) << 20); } });
    v.push_back({ "shm_read_faulting", "`read()` -> fresh SysV segment, no populate (a fault per page)",
                  [](const Context& c) { return loadReplica(c, 0, false); } });
    v.push_back({ "anon_populate", "`MADV_POPULATE_WRITE` of a fresh `malloc` buffer (allocate + zero, anonymous)",
                  [](const Context& c) {
                      Measured m;
                      const long f0 = minorFaults();
                      const double t0 = nowS();
                      char* buffer = static_cast<char*>(std::malloc(size_t(c.fileBytes)));
                      const bool ok = buffer && populatePages(buffer, c.fileBytes, true);
                      m.seconds = nowS() - t0;
                      m.faults = minorFaults() - f0;
                      if (!ok)
                          m.error = QStringLiteral("MADV_POPULATE_WRITE failed");
                      std::free(buffer);
                      return m;
                  } });
    v.push_back({ "read_fresh_thp", "`read()` -> fresh 2 MiB-aligned buffer with `MADV_HUGEPAGE` (anonymous THP)",
                  [](const Context& c) {
                      const double t0 = nowS();
                      void* p = nullptr;
                      const qint64 bytes
                          = (c.fileBytes + (qint64(2) << 20) - 1) / (qint64(2) << 20) * (qint64(2) << 20);
                      if (posix_memalign(&p, size_t(2) << 20, size_t(bytes)) != 0)
                          return Measured { kNaN, kNaN, 0, QStringLiteral("out of memory") };
                      madvise(p, size_t(bytes), MADV_HUGEPAGE);
                      const double allocS = nowS() - t0;
                      Measured m = readInto(c, static_cast<char*>(p), allocS);
                      std::free(p);
                      return m;
                  } });
    // --- what a reader pays afterwards (printed in their own table) ---
    v.push_back({ "reader_file_fault", "fresh `mmap` of the file, one summing pass (page faults)",
                  [](const Context& c) { return readerPass(c, true, false); } });
    v.push_back({ "reader_file_populate", "fresh `mmap` of the file, `MADV_POPULATE_READ` per 4 MiB + summing pass",
                  [](const Context& c) { return readerPass(c, true, true); } });
    v.push_back({ "reader_seg_fault", "fresh attach of the loaded SysV segment, one summing pass (page faults)",
                  [](const Context& c) { return readerPass(c, false, false); } });
    v.push_back(
        { "reader_seg_populate",
          "fresh attach of the loaded SysV segment, `MADV_POPULATE_READ` per 4 MiB + summing pass (as workers do)",
          [](const Context& c) { return readerPass(c, false, true); } });
    return v;
}

/// The segment steps of loadNpy timed one by one: create + attach, MADV_POPULATE_WRITE of the
/// whole data range, read() of the data into the populated segment.
struct Steps
{
    double createS = kNaN, populateS = kNaN, readS = kNaN, releaseS = kNaN;
    QString error;
};

Steps shmSteps(const Context& c)
{
    Steps s;
    QString error;
    double t0 = nowS();
    std::shared_ptr<SharedArray> array = SharedArray::create(c.meta, &error);
    s.createS = nowS() - t0;
    if (!array) {
        s.error = error;
        return s;
    }
    char* out = array->mutableData();
    t0 = nowS();
    populatePages(out, c.dataBytes, true);
    s.populateS = nowS() - t0;
    t0 = nowS();
    const int fd = openFile(c);
    const bool ok = fd >= 0 && lseek(fd, c.dataOffset, SEEK_SET) == c.dataOffset && readFully(fd, out, c.dataBytes);
    if (fd >= 0)
        ::close(fd);
    s.readS = nowS() - t0;
    if (!ok)
        s.error = QStringLiteral("read failed");
    else if (!sameBytes(c, out))
        s.error = QStringLiteral("bytes differ from the file");
    t0 = nowS();
    array.reset();
    s.releaseS = nowS() - t0;
    return s;
}

QString gbps(double bytes, double seconds)
{
    if (std::isnan(seconds) || seconds <= 0)
        return QStringLiteral("n/a");
    return QString::number(bytes / seconds / 1e9, 'f', 2);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_load"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Loading a .npy from a warm page cache: SharedArray::loadNpy next "
                                                    "to plain read() and mmap of the same file, in the same run."));
    parser.addHelpOption();
    const QCommandLineOption quick(QStringLiteral("quick"), QStringLiteral("Tiny file, one run (smoke test)."));
    const QCommandLineOption shape(QStringLiteral("shape"),
                                   QStringLiteral("ROWSxCOLS of the generated file (default 10000x10000)."),
                                   QStringLiteral("SHAPE"));
    const QCommandLineOption dtype(QStringLiteral("dtype"),
                                   QStringLiteral("dtype of the generated file (default float64)."),
                                   QStringLiteral("DTYPE"));
    const QCommandLineOption repeat(
        QStringLiteral("repeat"), QStringLiteral("Repetitions; medians are printed (default 5)."), QStringLiteral("N"));
    const QCommandLineOption input(QStringLiteral("input"), QStringLiteral("Use this .npy instead of generating one."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption dir(QStringLiteral("dir"),
                                 QStringLiteral("Folder for the generated file (default: the temp folder)."),
                                 QStringLiteral("DIR"));
    const QCommandLineOption slices(QStringLiteral("slices"),
                                    QStringLiteral("Slice sizes in MiB for the loadNpy replicas (default 64,4,1)."),
                                    QStringLiteral("LIST"));
    const QCommandLineOption only(QStringLiteral("variants"),
                                  QStringLiteral("Run only these variants (keys as in the JSON: loadnpy, read_fresh, "
                                                 "read_malloc, read_touched, mmap_populate, mmap_touch, shm_steps, "
                                                 "replica_64, replica_parallel, shm_read_faulting, anon_populate, "
                                                 "read_fresh_thp, reader_file_fault, ...), e.g. to profile one."),
                                  QStringLiteral("LIST"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Write every run as JSON to FILE."),
                                  QStringLiteral("FILE"));
    parser.addOptions({ quick, shape, dtype, repeat, input, dir, slices, only, json });
    parser.process(app);

    ArrayMeta meta;
    meta.dtype = dtypeFromName(parser.isSet(dtype) ? parser.value(dtype) : QStringLiteral("float64"));
    meta.shape = { 10000, 10000 };
    int repeats = 5;
    if (parser.isSet(quick)) {
        meta.shape = { 1000, 2000 };
        repeats = 1;
    }
    if (parser.isSet(shape) && (!parseShape(parser.value(shape), &meta.shape).isEmpty() || meta.shape.isEmpty())) {
        std::fprintf(stderr, "bench_load: bad --shape\n");
        return 2;
    }
    if (meta.dtype == DType::Invalid) {
        std::fprintf(stderr, "bench_load: unknown dtype\n");
        return 2;
    }
    if (parser.isSet(repeat))
        repeats = qMax(1, parser.value(repeat).toInt());
    const QStringList onlyKeys
        = parser.isSet(only) ? parser.value(only).split(QLatin1Char(','), Qt::SkipEmptyParts) : QStringList();
    QVector<qint64> slicesMiB = { 64, 4, 1 };
    if (parser.isSet(slices)) {
        slicesMiB.clear();
        for (const QString& s : parser.value(slices).split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (s.toLongLong() > 0)
                slicesMiB.append(s.toLongLong());
    }

    // --- the file ---------------------------------------------------------------------------
    Context c;
    QString generated;
    if (parser.isSet(input)) {
        c.path = parser.value(input);
    } else {
        const QString folder = parser.isSet(dir) ? parser.value(dir) : QDir::tempPath();
        generated = QDir(folder).filePath(QStringLiteral("bench_load-%1.npy").arg(QCoreApplication::applicationPid()));
        std::fprintf(stderr, "bench_load: writing %s (%.0f MB)...\n", qPrintable(generated),
                     double(meta.byteSize()) / 1e6);
        const QString problem = generateNpy(generated, meta, Distribution::Uniform, 1);
        if (!problem.isEmpty()) {
            std::fprintf(stderr, "bench_load: %s\n", qPrintable(problem));
            return 1;
        }
        // Keep it open and remove its name at once: the file (800 MB) goes away when this process
        // ends, however it ends; every variant opens it through /proc/self/fd.
        const int keep = ::open(QFile::encodeName(generated).constData(), O_RDONLY | O_CLOEXEC);
        QFile::remove(generated);
        if (keep < 0) {
            std::fprintf(stderr, "bench_load: cannot reopen %s\n", qPrintable(generated));
            return 1;
        }
        c.path = QStringLiteral("/proc/self/fd/%1").arg(keep);
    }

    c.cpath = QFile::encodeName(c.path);
    {
        QFile file(c.path);
        NpyHeader header;
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "bench_load: cannot open %s\n", qPrintable(c.path));
            return 1;
        }
        const QString problem = readNpyHeader(file, file.size(), &header);
        if (!problem.isEmpty()) {
            std::fprintf(stderr, "bench_load: %s: %s\n", qPrintable(c.path), qPrintable(problem));
            return 1;
        }
        c.fileBytes = file.size();
        c.dataOffset = header.dataOffset;
        c.meta = header.meta;
        c.meta.sourceBigEndian = false;
        c.dataBytes = header.meta.byteSize();
        if (header.meta.sourceBigEndian && dtypeSize(header.meta.dtype) > 1) {
            std::fprintf(stderr, "bench_load: big-endian files are swapped by loadNpy; use a little-endian file\n");
            return 2;
        }
    }

    // --- warm the page cache: read the file once; keep those bytes as the reference ----------
    const double residentBefore = residentFraction(c.path);
    std::vector<char> reference(size_t(c.fileBytes));
    {
        const int fd = openFile(c);
        if (fd < 0 || !readFully(fd, reference.data(), c.fileBytes)) {
            std::fprintf(stderr, "bench_load: cannot read %s\n", qPrintable(c.path));
            return 1;
        }
        ::close(fd);
    }
    c.reference = reference.data() + c.dataOffset;
    std::unique_ptr<char, decltype(&std::free)> touched(
        static_cast<char*>(std::aligned_alloc(size_t(kPage), size_t(roundUp(c.fileBytes, kPage)))), &std::free);
    if (!touched) {
        std::fprintf(stderr, "bench_load: out of memory\n");
        return 1;
    }
    std::memset(touched.get(), 1, size_t(c.fileBytes));
    c.touched = touched.get();
    c.threads = qMax(2, QThread::idealThreadCount());
    {
        QString error;
        c.loaded = loadNpy(c.path, &error); // for the reader rows, untimed
        if (!c.loaded) {
            std::fprintf(stderr, "bench_load: %s\n", qPrintable(error));
            return 1;
        }
    }
    const double residentWarm = residentFraction(c.path);
    std::fprintf(stderr, "bench_load: %s: %.0f MB of data; page cache %.1f %% resident before, %.1f %% after warming\n",
                 qPrintable(c.path), double(c.dataBytes) / 1e6, residentBefore * 100, residentWarm * 100);

    // --- runs ---------------------------------------------------------------------------------
    std::vector<Variant> variants = makeVariants(slicesMiB);
    if (!onlyKeys.isEmpty()) { // --variants: a subset, e.g. to profile one path
        variants.erase(std::remove_if(variants.begin(), variants.end(),
                                      [&](const Variant& v) { return !onlyKeys.contains(v.key); }),
                       variants.end());
        if (variants.empty()) {
            std::fprintf(stderr, "bench_load: --variants matches none of the variants\n");
            return 2;
        }
    }
    QHash<QString, std::vector<double>> seconds, release, faults;
    std::vector<double> resident;
    QJsonArray runs;
    bool allOk = true;
    const QString loadStart = loadAverage();
    const CpuSnapshot cpu0 = cpuSnapshot();
    for (int r = 0; r < repeats; ++r) {
        QJsonObject runJson;
        // The figure's pair first, back to back, in alternating order (a, b / b, a); then the
        // others, in an order that rotates each repetition.
        std::vector<const Variant*> order;
        for (const Variant& v : variants)
            if (v.key == QLatin1String("loadnpy") || v.key == QLatin1String("read_fresh"))
                order.push_back(&v);
        if (r % 2 == 1)
            std::reverse(order.begin(), order.end());
        std::vector<const Variant*> rest;
        for (const Variant& v : variants)
            if (v.key != QLatin1String("loadnpy") && v.key != QLatin1String("read_fresh"))
                rest.push_back(&v);
        for (size_t k = 0; k < rest.size(); ++k)
            order.push_back(rest[(k + size_t(r)) % rest.size()]);
        for (const Variant* vp : order) {
            const Variant& v = *vp;
            const QString& key = v.key;
            if (key == QLatin1String("shm_steps")) {
                const Steps s = shmSteps(c);
                if (!s.error.isEmpty()) {
                    std::fprintf(stderr, "bench_load: %s: %s\n", qPrintable(key), qPrintable(s.error));
                    allOk = false;
                }
                const std::pair<const char*, double> parts[] = { { "shm_create", s.createS },
                                                                 { "shm_populate", s.populateS },
                                                                 { "shm_read_populated", s.readS },
                                                                 { "shm_release", s.releaseS } };
                for (const auto& [name, value] : parts) {
                    seconds[QString::fromLatin1(name)].push_back(value);
                    runJson[QString::fromLatin1(name)] = value;
                }
                continue;
            }
            const Measured m = v.run(c);
            if (!m.error.isEmpty()) {
                std::fprintf(stderr, "bench_load: %s: %s\n", qPrintable(key), qPrintable(m.error));
                allOk = false;
            }
            seconds[key].push_back(m.error.isEmpty() ? m.seconds : kNaN);
            release[key].push_back(m.releaseS);
            faults[key].push_back(double(m.faults));
            runJson[key] = m.error.isEmpty() ? QJsonValue(m.seconds) : QJsonValue();
            runJson[key + QStringLiteral("_faults")] = double(m.faults);
            if (!std::isnan(m.releaseS))
                runJson[key + QStringLiteral("_release")] = m.releaseS;
        }
        const double res = residentFraction(c.path);
        resident.push_back(res);
        runJson[QStringLiteral("resident")] = res;
        runs.append(runJson);
        auto last = [&](const char* key) {
            const auto& v = seconds[QString::fromLatin1(key)];
            return v.empty() ? kNaN : v.back() * 1e3;
        };
        std::fprintf(stderr,
                     "bench_load: run %d/%d: loadNpy %.1f ms, read fresh %.1f ms, read touched %.1f ms, "
                     "mmap+populate %.1f ms; page cache %.1f %% resident\n",
                     r + 1, repeats, last("loadnpy"), last("read_fresh"), last("read_touched"), last("mmap_populate"),
                     res * 100);
    }
    const QString loadEnd = loadAverage();
    const CpuUse cpu = cpuUse(cpu0, cpuSnapshot());

    // Same-run ratios: per repetition, then the median.
    auto ratioOf = [&](const QString& a, const QString& b) {
        std::vector<double> v;
        const auto& x = seconds[a];
        const auto& y = seconds[b];
        for (size_t i = 0; i < x.size() && i < y.size(); ++i)
            v.push_back(y[i] / x[i]); // GB/s of a / GB/s of b
        return v;
    };

    // --- tables -------------------------------------------------------------------------------
    const double bytes = double(c.dataBytes);
    out(QStringLiteral("### Load: %1 MB %2 .npy from a warm page cache (median of %3 run%4; %5 cores; Qt %6; "
                       "page cache %7 % resident after warming, min %8 % after each run; load average %9 -> %10; other "
                       "programs used %11 cores on average meanwhile)")
            .arg(bytes / 1e6, 0, 'f', 0)
            .arg(dtypeName(c.meta.dtype))
            .arg(repeats)
            .arg(repeats == 1 ? "" : "s")
            .arg(QThread::idealThreadCount())
            .arg(QString::fromLatin1(qVersion()))
            .arg(residentWarm * 100, 0, 'f', 1)
            .arg(minOf(resident) * 100, 0, 'f', 1)
            .arg(loadStart, loadEnd)
            .arg(cpu.othersCores, 0, 'f', 2));
    out(QString());
    out(QStringLiteral("| path (all over the same file, same run) | GB/s | median ms (min-max) | minor faults | "
                       "GB/s vs (b) fresh `read()`, median of per-run ratios | release ms |"));
    out(QStringLiteral("|---|---|---|---|---|---|"));
    auto row = [&](const QString& label, const QString& key, bool rate = true) {
        const auto& s = seconds[key];
        const double m = median(s);
        const double vsB = median(ratioOf(key, QStringLiteral("read_fresh")));
        out(QStringLiteral("| %1 | %2 | %3 (%4-%5) | %6 | %7 | %8 |")
                .arg(label, rate ? gbps(bytes, m) : QStringLiteral("-"), num(m * 1e3, 1), num(minOf(s) * 1e3, 1),
                     num(maxOf(s) * 1e3, 1), faults.contains(key) ? num(median(faults[key]), 0) : QStringLiteral("-"),
                     rate ? num(vsB, 3) : QStringLiteral("-"),
                     release.contains(key) ? num(median(release[key]) * 1e3, 1) : QStringLiteral("-")));
    };
    for (const Variant& v : variants) {
        const QString& key = v.key;
        if (key == QLatin1String("shm_steps")) {
            row(QStringLiteral("step 1 of (a): SysV segment create + attach (`SharedArray::create`)"),
                QStringLiteral("shm_create"), false);
            row(QStringLiteral(
                    "step 2 of (a): `MADV_POPULATE_WRITE` of the whole fresh segment (allocate + zero pages)"),
                QStringLiteral("shm_populate"));
            row(QStringLiteral("step 3 of (a): `read()` -> that populated segment (copy only)"),
                QStringLiteral("shm_read_populated"));
            row(QStringLiteral("freeing the segment (destroy; not in any row above)"), QStringLiteral("shm_release"),
                false);
            continue;
        }
        if (!key.startsWith(QLatin1String("reader_")))
            row(QString(v.label).replace(QLatin1String(" T threads"), QStringLiteral(" %1 threads").arg(c.threads)),
                key);
    }
    out(QString());
    out(QStringLiteral("### After the load: one reader's first pass over the data (1 thread, fresh mapping, sum of all "
                       "elements; median of %1)")
            .arg(repeats));
    out(QString());
    out(QStringLiteral("| reader | GB/s | median ms (min-max) | minor faults | GB/s vs the segment with populate (as "
                       "workers do) | unmap ms |"));
    out(QStringLiteral("|---|---|---|---|---|---|"));
    for (const Variant& v : variants) {
        if (!v.key.startsWith(QLatin1String("reader_")))
            continue;
        const auto& sec = seconds[v.key];
        const double m = median(sec);
        out(QStringLiteral("| %1 | %2 | %3 (%4-%5) | %6 | %7 | %8 |")
                .arg(v.label, gbps(bytes, m), num(m * 1e3, 1), num(minOf(sec) * 1e3, 1), num(maxOf(sec) * 1e3, 1),
                     num(median(faults[v.key]), 0),
                     num(median(ratioOf(v.key, QStringLiteral("reader_seg_populate"))), 3),
                     num(median(release[v.key]) * 1e3, 1)));
    }
    out(QString());

    const double target = 0.80;
    const double aOverB = median(ratioOf(QStringLiteral("loadnpy"), QStringLiteral("read_fresh")));
    out(QStringLiteral("### Load ratios (GB/s / GB/s, per run, median; > 1 means the first is faster)"));
    out(QString());
    out(QStringLiteral("| ratio | median of the per-run ratios | min-max | ratio of the medians | target | verdict |"));
    out(QStringLiteral("|---|---|---|---|---|---|"));
    auto ratioRow = [&](const QString& label, const QString& a, const QString& b, double goal) {
        const auto v = ratioOf(a, b);
        const double m = median(v);
        const double ofMedians = median(seconds[b]) / median(seconds[a]);
        QString verdict = QStringLiteral("-");
        if (goal > 0 && !std::isnan(m))
            verdict = m >= goal ? QStringLiteral("**met**")
                                : QStringLiteral("**missed** (%1 of the target)").arg(m / goal, 0, 'f', 2);
        out(QStringLiteral("| %1 | **%2** | %3-%4 | %5 | %6 | %7 |")
                .arg(label, num(m, 3), num(minOf(v), 3), num(maxOf(v), 3), num(ofMedians, 3),
                     goal > 0 ? QStringLiteral(">= %1").arg(goal, 0, 'f', 2) : QStringLiteral("-"), verdict));
    };
    ratioRow(QStringLiteral("(a) `loadNpy` / (b) `read()` -> fresh page-aligned buffer (issue 5 target 4)"), "loadnpy",
             "read_fresh", target);
    ratioRow(QStringLiteral("(a) `loadNpy` / (b-malloc) `read()` -> fresh `malloc` buffer (misaligned)"), "loadnpy",
             "read_malloc", 0);
    ratioRow(QStringLiteral("(a) `loadNpy` / (b') `read()` -> touched buffer (copy only)"), "loadnpy", "read_touched",
             0);
    ratioRow(QStringLiteral("(c) `mmap` + `MADV_POPULATE_READ` / (b) fresh `read()`"), "mmap_populate", "read_fresh",
             0);
    ratioRow(QStringLiteral("(c) `mmap` + `MADV_POPULATE_READ` / (a) `loadNpy`"), "mmap_populate", "loadnpy", 0);
    if (!slicesMiB.isEmpty())
        for (qint64 s : slicesMiB)
            ratioRow(QStringLiteral("loadNpy's loop with %1 MiB slices / (b) fresh `read()`").arg(s),
                     QStringLiteral("replica_%1").arg(s), "read_fresh", 0);
    ratioRow(QStringLiteral("loadNpy's loop on %1 threads / (b) fresh `read()`").arg(c.threads), "replica_parallel",
             "read_fresh", 0);
    ratioRow(QStringLiteral("`read()` -> fresh segment, no populate / (b) fresh `read()`"), "shm_read_faulting",
             "read_fresh", 0);
    ratioRow(QStringLiteral("(b') `read()` -> touched buffer / (b) fresh `read()` (what first touch costs)"),
             "read_touched", "read_fresh", 0);

    if (parser.isSet(json)) {
        QJsonObject doc { { QStringLiteral("file"), c.path },
                          { QStringLiteral("bytes"), bytes },
                          { QStringLiteral("cores"), QThread::idealThreadCount() },
                          { QStringLiteral("kernel"), QSysInfo::kernelVersion() },
                          { QStringLiteral("resident_warm"), residentWarm },
                          { QStringLiteral("loadavg_start"), loadStart },
                          { QStringLiteral("loadavg_end"), loadEnd },
                          { QStringLiteral("others_cores"), cpu.othersCores },
                          { QStringLiteral("load_over_read"), aOverB },
                          { QStringLiteral("runs"), runs },
                          { QStringLiteral("ok"), allOk } };
        QFile file(parser.value(json));
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(doc).toJson()) < 0) {
            std::fprintf(stderr, "bench_load: cannot write %s\n", qPrintable(parser.value(json)));
            return 1;
        }
    }
    if (minOf(resident) < 0.99)
        std::fprintf(stderr, "bench_load: warning: the file fell partly out of the page cache (%.1f %% resident)\n",
                     minOf(resident) * 100);
    if (!allOk) {
        std::fprintf(stderr, "bench_load: some variants failed (see above)\n");
        return 1;
    }
    return 0;
}
