#pragma once

#include "io/arrayloader.h"
#include "job/joberror.h"
#include "job/jobspec.h"

#include <map>
#include <QCommandLineOption>
#include <QList>

class QCommandLineParser;

namespace sharedmap {

/// The options that say what the input is and how to read it, shared by `sharedmap-cli run`
/// and `info`: `--input FILE` (run only: info and the window take a positional FILE) and the
/// reading options (`--format`, `--dataset`, `--dtype`, `--shape`, `--load`, ...).
struct InputOptionSet
{
    QCommandLineOption input { QStringLiteral("input"),
                               QStringLiteral("Input array: .npy, .npz, .h5, .csv, .tsv, .txt, raw, an image, or "
                                              "shm:NAME."),
                               QStringLiteral("FILE") };
    QCommandLineOption format { QStringLiteral("format"),
                                QStringLiteral(
                                    "Input format: csv, tsv, npy, npz, hdf5, raw, image or shm (default: from the "
                                    "extension, or shm: for shm:NAME)."),
                                QStringLiteral("FORMAT") };
    QCommandLineOption dataset {
        QStringLiteral("dataset"),
        QStringLiteral("Array of a .npz, or dataset path of an HDF5 file (e.g. group/values)."), QStringLiteral("NAME")
    };
    QCommandLineOption slice { QStringLiteral("slice"),
                               QStringLiteral("HDF5 hyperslab: START:STOP[:STEP] per dimension, comma-separated."),
                               QStringLiteral("SLICE") };
    QCommandLineOption dtype {
        QStringLiteral("dtype"),
        QStringLiteral("Element type of raw and shm: input (required), or of a text table (default float64)."),
        QStringLiteral("DTYPE")
    };
    QCommandLineOption shape { QStringLiteral("shape"), QStringLiteral("Shape of raw and shm: input, e.g. 480x640."),
                               QStringLiteral("SHAPE") };
    QCommandLineOption byteOrder { QStringLiteral("byte-order"),
                                   QStringLiteral("Byte order of raw input: little (default) or big."),
                                   QStringLiteral("ORDER") };
    QCommandLineOption offset { QStringLiteral("offset"), QStringLiteral("Bytes to skip before raw data (default 0)."),
                                QStringLiteral("BYTES") };
    QCommandLineOption delimiter {
        QStringLiteral("delimiter"),
        QStringLiteral("Text table delimiter: one character, tab or space (default: detected)."), QStringLiteral("CHAR")
    };
    QCommandLineOption headerRows { QStringLiteral("header-rows"),
                                    QStringLiteral("Header lines of a text table (default: detected, 0 or 1)."),
                                    QStringLiteral("N") };
    QCommandLineOption columns {
        QStringLiteral("columns"),
        QStringLiteral("Text table columns to keep, counted from 0, e.g. 0,2,5 (default: all)."), QStringLiteral("LIST")
    };
    QCommandLineOption load { QStringLiteral("load"),
                              QStringLiteral("copy the input into shared memory, or map a .npy or raw file read-only "
                                             "in place (default for a .npy in native byte order: no load time)."),
                              QStringLiteral("copy|map") };

    /// Adds the reading options (not `input`, which a command places itself) to `parser`.
    void addTo(QCommandLineParser& parser) const;
    /// Applies the reading options given on the command line over `options`.
    JobError read(const QCommandLineParser& parser, LoadOptions* options) const;
};

/// One option of JobOptionSet.
enum class JobOption
{
    Job, ///< `--job JOB.json`: the job file the other options override
    Kernel,
    Python, ///< `--python FILE.py:FUNCTION`: the user's function instead of a kernel (split at the last ':')
    Param, ///< `--param KEY=VALUE`, repeatable; the value is everything after the first `=`
    Indices,
    Workers, ///< 1..kMaxWorkers
    ChunkSize, ///< N >= 1 or `auto`
    MaxRetries,
    TaskTimeout,
    Mode, ///< shared or copy
    Output,
    Summary,
    Resume, ///< `--resume PARTIAL.npy`: also the output unless one is given
    Plugin, ///< repeatable; added to the job file's plugins
};

/// The job options, one parser for every front end: `sharedmap-cli run` offers them all, the
/// window's command line a subset (windowOptions()). Each front end adds them to its own
/// QCommandLineParser (it may give them descriptions of its own, e.g. translated), parses, and
/// reads them back into a JobSpec: the job file first, the options override it. Reading checks
/// the options themselves (`--workers 0`, `--chunksize 0` are refused); JobSpec::validate()
/// checks the job.
class JobOptionSet
{
public:
    /// Every option, in the order `run --help` lists them (a new JobOption goes here too).
    static QList<JobOption> allOptions();
    /// The ones the window's command line takes (`sharedmap [FILE] [--job JOB.json] ...`).
    static QList<JobOption> windowOptions();

    explicit JobOptionSet(const QList<JobOption>& offered = allOptions());

    /// The command-line option behind `which` (offered or not).
    const QCommandLineOption& option(JobOption which) const { return m_options.at(which); }
    /// Replaces the help text of an option (the window's are translated).
    void setDescription(JobOption which, const QString& description);
    /// The offered options, in the order given to the constructor.
    QList<QCommandLineOption> options() const;
    void addTo(QCommandLineParser& parser) const;

    /// Reads the job file (`--job`), when offered and given, into `spec`.
    JobError readJobFile(const QCommandLineParser& parser, JobSpec* spec) const;
    /// Applies the other offered options given on the command line over `spec`; `given`
    /// receives those that were given, `--job` included, in the constructor's order.
    JobError readOptions(const QCommandLineParser& parser, JobSpec* spec, QList<JobOption>* given = nullptr) const;
    /// readJobFile(), then readOptions().
    JobError read(const QCommandLineParser& parser, JobSpec* spec, QList<JobOption>* given = nullptr) const;
    /// The partial results of `--resume` (empty when not given).
    QString resumeFrom(const QCommandLineParser& parser) const;

private:
    bool isGiven(const QCommandLineParser& parser, JobOption which) const;

    std::map<JobOption, QCommandLineOption> m_options; ///< every JobOption, offered or not
    QList<JobOption> m_offered;
};

} // namespace sharedmap
