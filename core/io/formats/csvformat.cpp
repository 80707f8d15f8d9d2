#include "io/formats/csvformat.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <string_view>
#include <vector>

namespace sharedmap {

namespace {

using Field = std::string_view;

/// A line in a buffer its reader owns: splitFields() may rewrite it in place.
struct Line
{
    char* data = nullptr;
    size_t size = 0;
    Field view() const { return Field(data, size); }
};

/// Reads a file line by line in 1 MiB blocks: a line never has to fit anything but the block
/// buffer, and the file is never held whole.
class LineReader
{
public:
    explicit LineReader(QFile& file)
        : m_file(file)
    { }

    /// The next line without its end of line; false at the end of the file or on a read error.
    bool next(Line* line)
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
    void take(qsizetype end, qsizetype next, Line* line)
    {
        qsizetype stop = end;
        if (stop > m_pos && m_buffer.at(stop - 1) == '\r')
            --stop;
        *line = Line { m_buffer.data() + m_pos, size_t(stop - m_pos) };
        if (m_line == 0 && line->view().substr(0, 3) == "\xEF\xBB\xBF") {
            line->data += 3; // the UTF-8 byte order mark spreadsheet programs write
            line->size -= 3;
        }
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

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

/// True for lines that carry no data: blank, or a `#` comment as np.savetxt writes headers.
bool isSkipped(Field line)
{
    size_t i = 0;
    while (i < line.size() && isBlank(line[i]))
        ++i;
    return i == line.size() || line[i] == '#';
}

/// The first `c` in [p, end), or null.
char* find(char* p, char* end, char c)
{
    return p < end ? static_cast<char*>(std::memchr(p, c, size_t(end - p))) : nullptr;
}

/// Splits a line into fields with their surrounding blanks removed; a space delimiter means runs
/// of blanks. A field in double quotes may hold the delimiter, and `""` inside it is one quote
/// (RFC 4180): the quotes are removed in place, so every field stays a view into the line and
/// nothing is copied. Returns false with `problem` set ("column N: ...") when a quoted field is
/// not closed on its line (a numeric table has no line breaks inside fields) or text follows its
/// closing quote.
bool splitFields(Line line, char delimiter, std::vector<Field>* fields, QString* problem)
{
    fields->clear();
    const bool runs = delimiter == ' ';
    // A blank that is not the delimiter itself: padding around a field.
    auto isPad = [runs, delimiter](char c) { return isBlank(c) && (runs || c != delimiter); };
    char* p = line.data;
    char* const end = line.data + line.size;
    for (;;) {
        while (p < end && isPad(*p))
            ++p;
        if (runs && p == end)
            return true;
        if (p < end && *p == '"') {
            char* const start = ++p;
            char* out = start;
            for (;;) {
                char* const quote = find(p, end, '"');
                if (!quote) {
                    *problem = QStringLiteral("column %1: a quoted field is not closed on its line (line breaks "
                                              "inside quotes are not supported)")
                                   .arg(fields->size() + 1);
                    return false;
                }
                if (out != p)
                    std::memmove(out, p, size_t(quote - p));
                out += quote - p;
                p = quote + 1;
                if (p == end || *p != '"')
                    break;
                *out++ = '"';
                ++p;
            }
            fields->emplace_back(start, size_t(out - start));
            char* const closed = p;
            while (p < end && isPad(*p))
                ++p;
            if (p == end)
                return true;
            if (runs ? p == closed : *p != delimiter) {
                *problem = QStringLiteral("column %1: text after the closing quote").arg(fields->size());
                return false;
            }
            if (!runs)
                ++p;
            continue;
        }
        char* const start = p;
        if (runs) {
            while (p < end && !isBlank(*p))
                ++p;
            fields->emplace_back(start, size_t(p - start));
            continue;
        }
        char* const stop = find(p, end, delimiter);
        char* last = stop ? stop : end;
        while (last > start && isPad(last[-1]))
            --last;
        fields->emplace_back(start, size_t(last - start));
        if (!stop)
            return true;
        p = stop + 1;
    }
}

QString fieldText(Field field)
{
    QString text = QString::fromUtf8(field.data(), qsizetype(qMin<size_t>(field.size(), 40)));
    if (field.size() > 40)
        text += QStringLiteral("...");
    return text;
}

/// How often `c` occurs in a line outside double quotes.
qsizetype countOutsideQuotes(const std::string& line, char c)
{
    qsizetype n = 0;
    bool quoted = false;
    for (char ch : line) {
        if (ch == '"')
            quoted = !quoted;
        else if (ch == c && !quoted)
            ++n;
    }
    return n;
}

/// Picks the delimiter found on every sampled line after the first (which may be a header),
/// preferring one that gives every line the same number of fields (a ragged table is still
/// detected, so its error can name the line). Delimiters inside quoted fields do not count, and
/// lines with an odd number of quotes (halves of a field with a line break, which the load then
/// reports) are left out while other lines remain.
char detectDelimiter(const std::vector<std::string>& sample)
{
    std::vector<const std::string*> lines;
    auto take = [&](size_t from, bool balancedOnly) {
        for (size_t i = from; i < sample.size(); ++i) {
            if (!balancedOnly || std::count(sample[i].begin(), sample[i].end(), '"') % 2 == 0)
                lines.push_back(&sample[i]);
        }
    };
    take(sample.size() > 1 ? 1 : 0, true);
    if (lines.empty())
        take(0, true);
    if (lines.empty())
        take(0, false);
    char best = ' ';
    std::pair<bool, qsizetype> bestScore { false, 0 };
    for (char candidate : { ',', '\t', ';', '|' }) {
        qsizetype least = -1;
        bool consistent = true;
        for (const std::string* line : lines) {
            const qsizetype n = countOutsideQuotes(*line, candidate);
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
    qint64 firstLine = 0;
    LineReader reader(file);
    Line line;
    while (sample.size() < 20 && reader.next(&line)) {
        if (isSkipped(line.view()))
            continue;
        if (sample.empty())
            firstLine = reader.lineNumber();
        sample.emplace_back(line.view());
    }
    if (reader.failed())
        return QStringLiteral("read error: %1").arg(file.errorString());
    if (!options.delimiter.isNull())
        *delimiter = char(options.delimiter.toLatin1());
    else if (!defaultDelimiter.isNull())
        *delimiter = char(defaultDelimiter.toLatin1());
    else
        *delimiter = detectDelimiter(sample);
    if (options.headerRows >= 0) {
        *headerRows = options.headerRows;
    } else {
        // One header line when the first data line has a field that is not a number.
        *headerRows = 0;
        if (!sample.empty()) {
            std::vector<Field> fields;
            QString problem;
            std::string& first = sample.front();
            if (!splitFields(Line { first.data(), first.size() }, *delimiter, &fields, &problem))
                return QStringLiteral("line %1, %2").arg(firstLine).arg(problem);
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

    // Pass 1: count the data lines and check that every line has the same number of fields (and
    // that the header's quotes are closed: a line break inside them would shift every line).
    std::vector<Field> fields;
    qint64 rows = 0;
    qsizetype width = -1;
    qint64 firstDataLine = 0;
    {
        file.seek(0);
        LineReader reader(file);
        Line line;
        int headersLeft = headerRows;
        qint64 nextReport = 0;
        while (reader.next(&line)) {
            if (stopped(reader, 0, &nextReport))
                return nullptr;
            if (isSkipped(line.view()))
                continue;
            if (!splitFields(line, delimiter, &fields, &problem)) {
                *error = QStringLiteral("%1: line %2, %3").arg(path).arg(reader.lineNumber()).arg(problem);
                return nullptr;
            }
            if (headersLeft > 0) {
                --headersLeft;
                continue;
            }
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
        Line line;
        int headersLeft = headerRows;
        qint64 nextReport = kReportBytes;
        QString why;
        while (reader.next(&line)) {
            if (stopped(reader, fileSize, &nextReport))
                return false;
            if (isSkipped(line.view()))
                continue;
            if (headersLeft > 0) {
                --headersLeft;
                continue;
            }
            if (!splitFields(line, delimiter, &fields, &problem) || qsizetype(fields.size()) != width) {
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
    Line line;
    std::vector<Field> fields;
    qint64 rows = 0;
    qint64 firstDataLine = 0;
    int headersLeft = preview.headerRows;
    const char delimiter = char(preview.delimiter.toLatin1());
    while (reader.next(&line)) {
        if (isSkipped(line.view()))
            continue;
        if (!splitFields(line, delimiter, &fields, &error))
            return QStringLiteral("%1: line %2, %3").arg(path).arg(reader.lineNumber()).arg(error);
        if (headersLeft > 0) {
            --headersLeft;
            continue;
        }
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
    probe->details
        = { { QStringLiteral("delimiter"), delimiterName }, { QStringLiteral("header_rows"), preview.headerRows } };
    if (!preview.header.isEmpty())
        probe->details.append({ QStringLiteral("columns"), QJsonArray::fromStringList(preview.header) });
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
    Line line;
    std::vector<Field> fields;
    int headersLeft = headerRows;
    // Stop after the wanted rows, or after 1 MiB of lines for a file without data lines.
    while ((preview->columns == 0 || preview->rows.size() < maxRows) && reader.bytesConsumed() < (qint64(1) << 20)
           && reader.next(&line)) {
        if (isSkipped(line.view()))
            continue;
        if (!splitFields(line, delimiter, &fields, &error))
            return QStringLiteral("%1: line %2, %3").arg(path).arg(reader.lineNumber()).arg(error);
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
