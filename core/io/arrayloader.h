#pragma once

#include "shm/sharedarray.h"

#include <atomic>
#include <functional>
#include <memory>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

namespace sharedmap {

/// How to read an input file: the format (empty = from the extension) and the options the
/// formats without a self-describing header need. Serialised in a job file's `input_options`.
struct LoadOptions
{
    /// csv, tsv, npy, npz, hdf5, raw, image or shm; empty to pick from the path.
    QString format;
    /// Array of a `.npz` or dataset path of an HDF5 file (e.g. `group/values`).
    QString dataset;
    /// HDF5 hyperslab, one `START:STOP[:STEP]` per dimension separated by commas; empty = all.
    QString slice;
    /// Element type: required for raw and shm, optional for text tables (default float64).
    DType dtype = DType::Invalid;
    /// Shape: required for raw and shm.
    QVector<qint64> shape;
    /// Raw data byte order: false = little-endian.
    bool bigEndian = false;
    /// Bytes to skip before raw data.
    qint64 offset = 0;
    /// Text table delimiter; 0 = detect. A space means "runs of blanks".
    QChar delimiter;
    /// Header lines of a text table; -1 = detect (one line when its fields are not numbers).
    int headerRows = -1;
    /// Text table columns to keep (0-based, in this order); empty = all.
    QVector<int> columns;
    /// `.npy` and shm: copy into a segment (default) or map the file read-only in place.
    bool map = false;
    /// A front end's policy, not part of the job: map a `.npy` in place when it can be (native byte
    /// order, aligned data), else copy it. The CLI sets it unless `--load` is given: mapping costs
    /// no load time and workers' first pass is 3× faster (docs/PERFORMANCE.md §5). The window
    /// keeps copies: it holds arrays for a long time and reads them itself, and a file rewritten
    /// in place (np.save truncates) would take a mapped array away under it.
    bool preferMap = false;

    bool isDefault() const;
    QJsonObject toJson() const;
    /// Reads options from JSON; unknown keys and values of the wrong type are errors.
    static LoadOptions fromJson(const QJsonObject& json, QString* error);
    bool operator==(const LoadOptions& other) const;
    bool operator!=(const LoadOptions& other) const { return !(*this == other); }
};

/// A dataset inside a container file (an `.npz` member, an HDF5 dataset or group), for pickers.
struct DatasetInfo
{
    QString name; ///< `.npz` array name or HDF5 path
    bool isGroup = false;
    ArrayMeta meta; ///< Invalid dtype when the dataset's type is not supported
    QString typeText; ///< the stored type as the format names it
};

/// One thing a format tells about a file beyond dtype and shape, for `info`: a typed value for
/// `info --json` and the text its human-readable form prints.
struct ProbeDetail
{
    ProbeDetail(const QString& key, const QJsonValue& value, const QString& text = QString())
        : key(key)
        , value(value)
        , text(text)
    { }

    QString key;
    QJsonValue value; ///< a number, string, list or object as `info --json` gives it
    QString text; ///< how `info` prints it; empty: the value itself, a list joined by ", "

    /// The value as `info` prints it.
    QString printed() const;
};

/// What a format knows about a file without loading its data.
struct ArrayProbe
{
    QString format;
    ArrayMeta meta;
    QVector<ProbeDetail> details; ///< extras for `info`, in the order it prints them
};

/// One input format: its extensions and the functions that probe and load it.
struct FormatHandler
{
    using Progress = SharedArray::Progress;
    using LoadFunction
        = std::function<std::shared_ptr<SharedArray>(const QString& path, const LoadOptions& options, QString* error,
                                                     const Progress& progress, const std::atomic_bool* cancel)>;
    using ProbeFunction = std::function<QString(const QString& path, const LoadOptions& options, ArrayProbe* probe)>;
    using ListFunction = std::function<QString(const QString& path, QVector<DatasetInfo>* datasets)>;

    QString name;
    QStringList extensions; ///< lower case, without the dot
    LoadFunction load;
    ProbeFunction probe;
    ListFunction list; ///< containers only (npz, hdf5)
};

/// The registry of input formats: core registers its own, the image library adds images.
class ArrayLoader
{
public:
    static ArrayLoader& instance();

    void registerFormat(const FormatHandler& handler);
    /// The handler for `options.format`, else for the path's extension (or `shm:` prefix).
    const FormatHandler* handlerFor(const QString& path, const LoadOptions& options, QString* error) const;
    QStringList formatNames() const;
    /// Every extension a registered format reads, lower case.
    QStringList extensions() const;
    const FormatHandler* find(const QString& name) const;

private:
    ArrayLoader();
    QVector<FormatHandler> m_handlers;
};

/// Loads an array of any registered format straight into shared memory (or maps it).
std::shared_ptr<SharedArray> loadArray(const QString& path, const LoadOptions& options, QString* error,
                                       const SharedArray::Progress& progress = {},
                                       const std::atomic_bool* cancel = nullptr);
/// Describes an array without loading its data; returns an error text.
QString probeArray(const QString& path, const LoadOptions& options, ArrayProbe* probe);
/// Lists the arrays of a container file (`.npz`, HDF5); returns an error text.
QString listDatasets(const QString& path, const LoadOptions& options, QVector<DatasetInfo>* datasets);

/// Parses a byte order name: little, big (or <, >); returns false when unknown.
bool byteOrderFromName(const QString& name, bool* bigEndian);
/// Parses a delimiter option: a single character, or tab, space, comma, semicolon.
QString delimiterFromName(const QString& name, QChar* delimiter);
/// Parses a column list "0,2,5" (0-based).
QString parseColumns(const QString& text, QVector<int>* columns);

} // namespace sharedmap
