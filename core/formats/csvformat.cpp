#include "csvformat.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <QFile>
#include <QFileInfo>
#include <string_view>
#include <vector>

namespace sharedmap {

namespace {

using Field = std::string_view;

/// Reads a file line by line in 1 MiB blocks: a line never has to fit anything but the block
/// buffer, and the file is never held whole.
class LineReader
{
public:
    explicit LineReader(QFile& file)
        : m_file(file)
    { }

    /// The next line without its end of line; false at the end of the file or on a read error.
    bool next(Field* line)
    {
        for (;;) {
            const qsizetype newline = m_buffer.indexOf('\n', m_pos);
            if (newline >= 0) {
                take(newline, newline + 1, line);
                return true;
            }
            if (m_atEnd) {
                if (m_pos >= m_buffer.size())
                    return false;
                take(m_buffer.size(), m_buffer.size(), line);
                return true;
            }
            m_buffer.remove(0, m_pos);
            m_pos = 0;
            const qsizetype old = m_buffer.size();
            m_buffer.resize(old + kBlock);
            const qint64 got = m_file.read(m_buffer.data() + old, kBlock);
            m_buffer.resize(old + qMax<qint64>(0, got));
            if (got < 0)
                m_failed = true;
            if (got <= 0)
                m_atEnd = true;
        }
    }
    qint64 lineNumber() const { return m_line; }
    qint64 bytesConsumed() const { return m_consumed; }
    bool failed() const { return m_failed; }

private:
    void take(qsizetype end, qsizetype next, Field* line)
    {
        qsizetype stop = end;
        if (stop > m_pos && m_buffer.at(stop - 1) == '\r')
            --stop;
        *line = Field(m_buffer.constData() + m_pos, size_t(stop - m_pos));
        if (m_line == 0 && line->substr(0, 3) == "\xEF\xBB\xBF")
            line->remove_prefix(3); // the UTF-8 byte order mark spreadsheet programs write
        m_consumed += next - m_pos;
        m_pos = next;
        ++m_line;
    }

    static constexpr qint64 kBlock = 1 << 20;
    QFile& m_file;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    qint64 m_line = 0;
    qint64 m_consumed = 0;
    bool m_atEnd = false;
    bool m_failed = false;
};

Field trim(Field s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
        s.remove_prefix(1);
        s.remove_suffix(1);
    }
    return s;
}

/// True for lines that carry no data: blank, or a `#` comment as np.savetxt writes headers.
bool isSkipped(Field line)
{
    const Field t = trim(line);
    return t.empty() || t.front() == '#';
}

/// Splits a line into trimmed fields; a space delimiter means runs of blanks.
void splitFields(Field line, char delimiter, std::vector<Field>* fields)
{
    fields->clear();
    if (delimiter == ' ') {
        size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
                ++i;
            if (i == line.size())
                break;
            const size_t start = i;
            while (i < line.size() && line[i] != ' ' && line[i] != '\t')
                ++i;
            fields->push_back(trim(line.substr(start, i - start)));
        }
        return;
    }
    size_t start = 0;
    for (;;) {
        const size_t end = line.find(delimiter, start);
        if (end == Field::npos) {
            fields->push_back(trim(line.substr(start)));
            return;
        }
        fields->push_back(trim(line.substr(start, end - start)));
        start = end + 1;
    }
}

QString fieldText(Field field)
{
    QString text = QString::fromUtf8(field.data(), qsizetype(qMin<size_t>(field.size(), 40)));
    if (field.size() > 40)
        text += QStringLiteral("...");
    return text;
}

/// Picks the delimiter found on every sampled line, preferring one that gives every line the
/// same number of fields (a ragged table is still detected, so its error can name the line).
char detectDelimiter(const std::vector<std::string>& lines)
{
    char best = ' ';
    std::pair<bool, qsizetype> bestScore { false, 0 };
    for (char candidate : { ',', '\t', ';', '|' }) {
        qsizetype least = -1;
        bool consistent = true;
        for (const std::string& line : lines) {
            const qsizetype n = qsizetype(std::count(line.begin(), line.end(), candidate));
            if (least >= 0 && n != least)
                consistent = false;
            least = least < 0 ? n : qMin(least, n);
        }
        const std::pair<bool, qsizetype> score { consistent, least };
        if (least > 0 && score > bestScore) {
            best = candidate;
            bestScore = score;
        }
    }
    return best;
}

/// Delimiter and header rows: given, or detected from the first data lines.
QString resolveLayout(QFile& file, const LoadOptions& options, QChar defaultDelimiter, char* delimiter, int* headerRows)
{
    std::vector<std::string> sample;
    LineReader reader(file);
    Field line;
    while (sample.size() < 20 && reader.next(&line)) {
        if (!isSkipped(line))
            sample.emplace_back(line);
    }
    if (reader.failed())
        return QStringLiteral("read error: %1").arg(file.errorString());
    if (!options.delimiter.isNull())
        *delimiter = char(options.delimiter.toLatin1());
    else if (!defaultDelimiter.isNull())
        *delimiter = char(defaultDelimiter.toLatin1());
    else
        *delimiter
            = detectDelimiter(sample.size() > 1 ? std::vector<std::string>(sample.begin() + 1, sample.end()) : sample);
    if (options.headerRows >= 0) {
        *headerRows = options.headerRows;
    } else {
        // One header line when the first data line has a field that is not a number.
        *headerRows = 0;
        if (!sample.empty()) {
            std::vector<Field> fields;
            splitFields(sample.front(), *delimiter, &fields);
            for (const Field& field : fields) {
                double value = 0;
                if (!parseNumber(field.data(), field.data() + field.size(), &value)) {
                    *headerRows = 1;
                    break;
                }
            }
        }
    }
    return {};
}

/// Parses a field into an element of type T; false when it does not fit.
template <typename T> bool parseElement(Field field, T* out, QString* why)
{
    if constexpr (std::is_floating_point_v<T>) {
        double value = 0;
        if (!parseNumber(field.data(), field.data() + field.size(), &value)) {
            *why = QStringLiteral("is not a number");
            return false;
        }
        *out = T(value);
        return true;
    } else {
        if (field.empty()) {
            *why = QStringLiteral("is empty, and an integer type has no NaN");
            return false;
        }
        const char* begin = field.data();
        const char* end = begin + field.size();
        if (*begin == '+')
            ++begin;
        if (std::is_same_v<T, quint8> && field == "True") {
            *out = 1;
            return true;
        }
        if (std::is_same_v<T, quint8> && field == "False") {
            *out = 0;
            return true;
        }
        using Wide = std::conditional_t<std::is_signed_v<T>, qint64, quint64>;
        Wide wide = 0;
        const auto [ptr, ec] = std::from_chars(begin, end, wide);
        if (ec == std::errc() && ptr == end) {
            if (wide < Wide(std::numeric_limits<T>::min()) || wide > Wide(std::numeric_limits<T>::max())) {
                *why = QStringLiteral("is out of range");
                return false;
            }
            *out = T(wide);
            return true;
        }
        // "3.0" or "1e3" are integers written as floats (np.savetxt's default format).
        double value = 0;
        if (!parseNumber(field.data(), field.data() + field.size(), &value)) {
            *why = QStringLiteral("is not a number");
            return false;
        }
        if (!std::isfinite(value) || value != std::floor(value)) {
            *why = QStringLiteral("is not an integer");
            return false;
        }
        if (value < double(std::numeric_limits<T>::min()) || value > double(std::numeric_limits<T>::max())) {
            *why = QStringLiteral("is out of range");
            return false;
        }
        *out = T(value);
        return true;
    }
}

std::shared_ptr<SharedArray> loadText(const QString& path, const LoadOptions& options, QChar defaultDelimiter,
                                      QString* error, const SharedArray::Progress& progress,
                                      const std::atomic_bool* cancel)
{
    QFile file(path);
    if (!QFileInfo(path).isFile()) {
        *error = QStringLiteral("%1: no such file").arg(path);
        return nullptr;
    }
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return nullptr;
    }
    char delimiter = ',';
    int headerRows = 0;
    QString problem = resolveLayout(file, options, defaultDelimiter, &delimiter, &headerRows);
    if (!problem.isEmpty()) {
        *error = QStringLiteral("%1: %2").arg(path, problem);
        return nullptr;
    }
    const qint64 fileSize = file.size();
    const qint64 total = 2 * qMax<qint64>(1, fileSize);
    constexpr qint64 kReportBytes = 8 << 20;
    auto stopped = [&](const LineReader& reader, qint64 base, qint64* nextReport) {
        if (reader.bytesConsumed() < *nextReport)
            return false;
        *nextReport = reader.bytesConsumed() + kReportBytes;
        if (progress)
            progress(base + reader.bytesConsumed(), total);
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            *error = QStringLiteral("%1: loading cancelled").arg(path);
            return true;
        }
        return false;
    };

    // Pass 1: count the data lines and check that every line has the same number of fields.
    std::vector<Field> fields;
    qint64 rows = 0;
    qsizetype width = -1;
    qint64 firstDataLine = 0;
    {
        file.seek(0);
        LineReader reader(file);
        Field line;
        int headersLeft = headerRows;
        qint64 nextReport = 0;
        while (reader.next(&line)) {
            if (stopped(reader, 0, &nextReport))
                return nullptr;
            if (isSkipped(line))
                continue;
            if (headersLeft > 0) {
                --headersLeft;
                continue;
            }
            splitFields(line, delimiter, &fields);
            const qsizetype n = qsizetype(fields.size());
            if (width < 0) {
                width = n;
                firstDataLine = reader.lineNumber();
            } else if (n != width) {
                *error = QStringLiteral("%1: line %2 has %3 values, expected %4 as on line %5")
                             .arg(path)
                             .arg(reader.lineNumber())
                             .arg(n)
                             .arg(width)
                             .arg(firstDataLine);
                return nullptr;
            }
            ++rows;
        }
        if (reader.failed()) {
            *error = QStringLiteral("%1: read error: %2").arg(path, file.errorString());
            return nullptr;
        }
    }
    if (rows == 0) {
        *error = QStringLiteral("%1: no data lines (after %2 header lines)").arg(path).arg(headerRows);
        return nullptr;
    }
    QVector<int> columns = options.columns;
    if (columns.isEmpty()) {
        for (int c = 0; c < width; ++c)
            columns.append(c);
    }
    for (int column : std::as_const(columns)) {
        if (column >= width) {
            *error = QStringLiteral("%1: column %2 does not exist (lines have %3 values, columns count from 0)")
                         .arg(path)
                         .arg(column)
                         .arg(width);
            return nullptr;
        }
    }

    ArrayMeta meta;
    meta.dtype = options.dtype == DType::Invalid ? DType::Float64 : options.dtype;
    meta.shape = { rows, qint64(columns.size()) };
    std::shared_ptr<SharedArray> array = SharedArray::create(meta, &problem);
    if (!array) {
        *error = QStringLiteral("%1: %2").arg(path, problem);
        return nullptr;
    }
    array->setSourcePath(path);

    // Pass 2: parse straight into the segment.
    const bool ok = dispatchDType(meta.dtype, [&](auto zero) {
        using T = decltype(zero);
        T* out = reinterpret_cast<T*>(array->mutableData());
        const bool isBool = meta.dtype == DType::Bool;
        file.seek(0);
        LineReader reader(file);
        Field line;
        int headersLeft = headerRows;
        qint64 nextReport = kReportBytes;
        QString why;
        while (reader.next(&line)) {
            if (stopped(reader, fileSize, &nextReport))
                return false;
            if (isSkipped(line))
                continue;
            if (headersLeft > 0) {
                --headersLeft;
                continue;
            }
            splitFields(line, delimiter, &fields);
            if (qsizetype(fields.size()) != width) {
                *error = QStringLiteral("%1: line %2 changed while loading").arg(path).arg(reader.lineNumber());
                return false;
            }
            for (int column : std::as_const(columns)) {
                const Field field = fields[size_t(column)];
                if (!parseElement(field, out, &why) || (isBool && *out > 1)) {
                    if (why.isEmpty())
                        why = QStringLiteral("is not 0 or 1");
                    *error = QStringLiteral("%1: line %2, column %3: '%4' %5 (dtype %6)")
                                 .arg(path)
                                 .arg(reader.lineNumber())
                                 .arg(column + 1)
                                 .arg(fieldText(field), why, dtypeName(meta.dtype));
                    return false;
                }
                ++out;
            }
        }
        if (reader.failed()) {
            *error = QStringLiteral("%1: read error: %2").arg(path, file.errorString());
            return false;
        }
        return true;
    });
    if (!ok)
        return nullptr;
    if (progress)
        progress(total, total);
    return array;
}

QString probeText(const QString& path, const LoadOptions& options, QChar defaultDelimiter, ArrayProbe* probe)
{
    CsvPreview preview;
    LoadOptions local = options;
    if (local.delimiter.isNull())
        local.delimiter = defaultDelimiter;
    QString error = previewCsv(path, local, 0, &preview);
    if (!error.isEmpty())
        return error;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("%1: %2").arg(path, file.errorString());
    // The first pass of a load (count lines, check their widths): cheap next to parsing.
    LineReader reader(file);
    Field line;
    std::vector<Field> fields;
    qint64 rows = 0;
    qint64 firstDataLine = 0;
    int headersLeft = preview.headerRows;
    const char delimiter = char(preview.delimiter.toLatin1());
    while (reader.next(&line)) {
        if (isSkipped(line))
            continue;
        if (headersLeft > 0) {
            --headersLeft;
            continue;
        }
        splitFields(line, delimiter, &fields);
        if (rows == 0)
            firstDataLine = reader.lineNumber();
        if (qsizetype(fields.size()) != preview.columns)
            return QStringLiteral("%1: line %2 has %3 values, expected %4 as on line %5")
                .arg(path)
                .arg(reader.lineNumber())
                .arg(fields.size())
                .arg(preview.columns)
                .arg(firstDataLine);
        ++rows;
    }
    for (int column : options.columns) {
        if (column >= preview.columns)
            return QStringLiteral("%1: column %2 does not exist (lines have %3 values, columns count from 0)")
                .arg(path)
                .arg(column)
                .arg(preview.columns);
    }
    probe->meta.dtype = options.dtype == DType::Invalid ? DType::Float64 : options.dtype;
    probe->meta.shape = { rows, qint64(options.columns.isEmpty() ? preview.columns : options.columns.size()) };
    const QString delimiterName = preview.delimiter == QLatin1Char('\t') ? QStringLiteral("tab")
        : preview.delimiter == QLatin1Char(' ')                          ? QStringLiteral("space")
                                                                         : QString(preview.delimiter);
    probe->details = { QStringLiteral("delimiter: %1").arg(delimiterName),
                       QStringLiteral("header_rows: %1").arg(preview.headerRows) };
    if (!preview.header.isEmpty())
        probe->details.append(QStringLiteral("columns: %1").arg(preview.header.join(QLatin1String(", "))));
    return {};
}

FormatHandler textFormat(const QString& name, const QStringList& extensions, QChar defaultDelimiter)
{
    FormatHandler handler;
    handler.name = name;
    handler.extensions = extensions;
    handler.load = [defaultDelimiter](const QString& path, const LoadOptions& options, QString* error,
                                      const SharedArray::Progress& progress, const std::atomic_bool* cancel) {
        return loadText(path, options, defaultDelimiter, error, progress, cancel);
    };
    handler.probe = [defaultDelimiter](const QString& path, const LoadOptions& options, ArrayProbe* probe) {
        return probeText(path, options, defaultDelimiter, probe);
    };
    return handler;
}

} // namespace

bool parseNumber(const char* begin, const char* end, double* value)
{
    while (begin < end && (*begin == ' ' || *begin == '\t'))
        ++begin;
    while (end > begin && (end[-1] == ' ' || end[-1] == '\t'))
        --end;
    if (begin == end) {
        *value = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (*begin == '+' && end - begin > 1 && begin[1] != '-')
        ++begin;
    // from_chars reads nan, inf and infinity in any case, and never allocates or looks at the locale.
    const auto [ptr, ec] = std::from_chars(begin, end, *value);
    if (ptr != end)
        return false;
    if (ec == std::errc::result_out_of_range) {
        // Out-of-range text: like strtod, overflow goes to infinity and underflow to zero.
        const std::string_view text(begin, size_t(end - begin));
        const size_t exponent = text.find_first_of("eE");
        const bool tiny = exponent != std::string_view::npos && exponent + 1 < text.size() && text[exponent + 1] == '-';
        const double magnitude = tiny ? 0.0 : std::numeric_limits<double>::infinity();
        *value = *begin == '-' ? -magnitude : magnitude;
        return true;
    }
    return ec == std::errc();
}

QString previewCsv(const QString& path, const LoadOptions& options, int maxRows, CsvPreview* preview)
{
    QFile file(path);
    if (!QFileInfo(path).isFile())
        return QStringLiteral("%1: no such file").arg(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("%1: %2").arg(path, file.errorString());
    const QChar fallback
        = QFileInfo(path).suffix().toLower() == QLatin1String("tsv") ? QChar(QLatin1Char('\t')) : QChar();
    char delimiter = ',';
    int headerRows = 0;
    QString error = resolveLayout(file, options, fallback, &delimiter, &headerRows);
    if (!error.isEmpty())
        return QStringLiteral("%1: %2").arg(path, error);
    preview->delimiter = QLatin1Char(delimiter);
    preview->headerRows = headerRows;
    preview->rows.clear();
    preview->header.clear();
    preview->columns = 0;
    file.seek(0);
    LineReader reader(file);
    Field line;
    std::vector<Field> fields;
    int headersLeft = headerRows;
    // Stop after the wanted rows, or after 1 MiB of lines for a file without data lines.
    while ((preview->columns == 0 || preview->rows.size() < maxRows) && reader.bytesConsumed() < (qint64(1) << 20)
           && reader.next(&line)) {
        if (isSkipped(line))
            continue;
        splitFields(line, delimiter, &fields);
        QStringList texts;
        for (const Field& field : fields)
            texts.append(QString::fromUtf8(field.data(), qsizetype(field.size())));
        if (headersLeft > 0) {
            --headersLeft;
            preview->header = texts;
            continue;
        }
        if (preview->columns == 0)
            preview->columns = texts.size();
        if (preview->rows.size() < maxRows)
            preview->rows.append(texts);
    }
    return {};
}

FormatHandler csvFormat()
{
    return textFormat(QStringLiteral("csv"), { QStringLiteral("csv"), QStringLiteral("txt") }, QChar());
}

FormatHandler tsvFormat()
{
    return textFormat(QStringLiteral("tsv"), { QStringLiteral("tsv") }, QLatin1Char('\t'));
}

} // namespace sharedmap
