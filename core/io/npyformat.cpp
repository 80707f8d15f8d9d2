#include "io/npyformat.h"

#include "io/atomicfile.h"

#include <cstring>
#include <QFile>

namespace sharedmap {

namespace {

const char kMagic[] = "\x93NUMPY";
constexpr int kMagicLength = 6;

/// A tiny tokenizer for the Python literal NumPy writes. It knows strings, integers, the words
/// True/False and punctuation; anything else is an error, so nothing is ever evaluated.
class DictParser
{
public:
    explicit DictParser(const QByteArray& text)
        : m_text(text)
    { }

    QString parse(ArrayMeta* meta)
    {
        skipSpace();
        if (!take('{'))
            return QStringLiteral("header is not a Python dict");
        bool haveDescr = false, haveOrder = false, haveShape = false;
        skipSpace();
        while (!peek('}')) {
            QByteArray key;
            if (!readString(&key))
                return m_error.isEmpty() ? QStringLiteral("header dict key is not a string") : m_error;
            skipSpace();
            if (!take(':'))
                return QStringLiteral("header dict: expected ':' after '%1'").arg(QString::fromLatin1(key));
            skipSpace();
            if (key == "descr") {
                if (haveDescr)
                    return QStringLiteral("header repeats 'descr'");
                haveDescr = true;
                if (peek('['))
                    return QStringLiteral("structured dtypes (record arrays) are not supported");
                QByteArray descr;
                if (!readString(&descr))
                    return m_error.isEmpty() ? QStringLiteral("header 'descr' is not a string") : m_error;
                const QString error = parseDescr(descr, meta);
                if (!error.isEmpty())
                    return error;
            } else if (key == "fortran_order") {
                if (haveOrder)
                    return QStringLiteral("header repeats 'fortran_order'");
                haveOrder = true;
                if (takeWord("True"))
                    meta->fortranOrder = true;
                else if (takeWord("False"))
                    meta->fortranOrder = false;
                else
                    return QStringLiteral("header 'fortran_order' is not True or False");
            } else if (key == "shape") {
                if (haveShape)
                    return QStringLiteral("header repeats 'shape'");
                haveShape = true;
                const QString error = readShape(&meta->shape);
                if (!error.isEmpty())
                    return error;
            } else {
                return QStringLiteral("header has an unexpected key '%1'").arg(QString::fromLatin1(key));
            }
            skipSpace();
            if (take(',')) {
                skipSpace();
                continue;
            }
            if (!peek('}'))
                return QStringLiteral("header dict: expected ',' or '}'");
        }
        take('}');
        skipSpace();
        if (m_pos != m_text.size())
            return QStringLiteral("header has text after the dict");
        if (!haveDescr || !haveOrder || !haveShape)
            return QStringLiteral("header lacks one of 'descr', 'fortran_order', 'shape'");
        return {};
    }

private:
    static QString parseDescr(const QByteArray& descr, ArrayMeta* meta)
    {
        const QString text = QString::fromLatin1(descr);
        if (descr.isEmpty())
            return QStringLiteral("empty dtype descr");
        int pos = 0;
        char order = '=';
        if (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' || descr[0] == '=') {
            order = descr[0];
            pos = 1;
        }
        if (pos >= descr.size())
            return QStringLiteral("bad dtype descr '%1'").arg(text);
        const char kind = descr[pos++];
        const QByteArray sizeText = descr.mid(pos);
        bool ok = false;
        const int size = sizeText.isEmpty() ? 0 : sizeText.toInt(&ok);
        switch (kind) {
        case 'c':
            return QStringLiteral("complex dtype '%1' is not supported").arg(text);
        case 'S':
        case 'a':
        case 'U':
            return QStringLiteral("string dtype '%1' is not supported").arg(text);
        case 'O':
            return QStringLiteral("object arrays (pickled Python objects) are not supported; nothing was unpickled");
        case 'V':
            return QStringLiteral("void/structured dtype '%1' is not supported").arg(text);
        case 'M':
        case 'm':
            return QStringLiteral("datetime dtype '%1' is not supported").arg(text);
        default:
            break;
        }
        if (!ok)
            return QStringLiteral("bad dtype descr '%1'").arg(text);
        DType type = DType::Invalid;
        if (kind == 'b' && size == 1)
            type = DType::Bool;
        else if (kind == 'i')
            type = size == 1 ? DType::Int8
                : size == 2  ? DType::Int16
                : size == 4  ? DType::Int32
                : size == 8  ? DType::Int64
                             : DType::Invalid;
        else if (kind == 'u')
            type = size == 1 ? DType::UInt8
                : size == 2  ? DType::UInt16
                : size == 4  ? DType::UInt32
                : size == 8  ? DType::UInt64
                             : DType::Invalid;
        else if (kind == 'f')
            type = size == 4 ? DType::Float32 : size == 8 ? DType::Float64 : DType::Invalid;
        if (type == DType::Invalid) {
            if (kind == 'f' && size == 2)
                return QStringLiteral("float16 ('%1') is not supported").arg(text);
            return QStringLiteral("unsupported dtype '%1'").arg(text);
        }
        if (order == '|' && size > 1)
            return QStringLiteral("dtype '%1' has no byte order").arg(text);
        meta->dtype = type;
        meta->sourceBigEndian = order == '>';
        return {};
    }

    QString readShape(QVector<qint64>* shape)
    {
        shape->clear();
        if (!take('('))
            return QStringLiteral("header 'shape' is not a tuple");
        skipSpace();
        while (!peek(')')) {
            if (m_pos < m_text.size() && m_text[m_pos] == '-')
                return QStringLiteral("header 'shape' has a negative dimension");
            const int start = m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
            if (m_pos == start)
                return QStringLiteral("header 'shape' holds something other than integers");
            bool ok = false;
            const qint64 dim = m_text.mid(start, m_pos - start).toLongLong(&ok);
            if (!ok)
                return QStringLiteral("header 'shape' has a dimension too large for 64 bits");
            if (m_pos < m_text.size() && m_text[m_pos] == 'L') // written by Python 2
                ++m_pos;
            if (shape->size() == kMaxDims)
                return QStringLiteral("array has more than %1 dimensions").arg(kMaxDims);
            shape->append(dim);
            skipSpace();
            if (take(',')) {
                skipSpace();
                continue;
            }
            if (!peek(')'))
                return QStringLiteral("header 'shape': expected ',' or ')'");
            // In Python "(3)" is the integer 3, not a tuple: a single dimension needs its comma.
            if (shape->size() == 1)
                return QStringLiteral("header 'shape' is not a tuple (a single dimension needs a trailing comma)");
        }
        take(')');
        return {};
    }

    bool readString(QByteArray* out)
    {
        if (m_pos >= m_text.size())
            return false;
        const char quote = m_text[m_pos];
        if (quote != '\'' && quote != '"')
            return false;
        const int end = m_text.indexOf(quote, m_pos + 1);
        if (end < 0)
            return false;
        *out = m_text.mid(m_pos + 1, end - m_pos - 1);
        if (out->contains('\\')) {
            m_error = QStringLiteral("header strings with escapes are not supported");
            return false;
        }
        m_pos = end + 1;
        return true;
    }

    bool takeWord(const char* word)
    {
        const int length = int(std::strlen(word));
        if (m_text.mid(m_pos, length) != word)
            return false;
        m_pos += length;
        return true;
    }

    bool peek(char c) const { return m_pos < m_text.size() && m_text[m_pos] == c; }

    bool take(char c)
    {
        if (!peek(c))
            return false;
        ++m_pos;
        return true;
    }

    void skipSpace()
    {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\t'))
            ++m_pos;
    }

    const QByteArray m_text;
    int m_pos = 0;
    QString m_error;
};

quint32 readLittle(const QByteArray& bytes, int offset, int length)
{
    quint32 value = 0;
    for (int i = length - 1; i >= 0; --i)
        value = (value << 8) | quint8(bytes[offset + i]);
    return value;
}

} // namespace

QString parseNpyPreamble(const QByteArray& bytes, NpyHeader* header, qint64* dictLength)
{
    if (bytes.size() < 10 || std::memcmp(bytes.constData(), kMagic, kMagicLength) != 0)
        return QStringLiteral("not a NumPy .npy file (bad magic)");
    header->major = quint8(bytes[6]);
    header->minor = quint8(bytes[7]);
    if (header->minor != 0 || header->major < 1 || header->major > 3)
        return QStringLiteral("unsupported .npy format version %1.%2").arg(header->major).arg(header->minor);
    int preamble = 10;
    if (header->major == 1) {
        *dictLength = readLittle(bytes, 8, 2);
    } else {
        if (bytes.size() < 12)
            return QStringLiteral("truncated .npy header");
        *dictLength = readLittle(bytes, 8, 4);
        preamble = 12;
    }
    if (*dictLength > kMaxNpyHeaderBytes)
        return QStringLiteral(".npy header of %1 bytes is too long").arg(*dictLength);
    header->dataOffset = preamble + *dictLength;
    return {};
}

QString parseNpyDict(const QByteArray& dict, ArrayMeta* meta)
{
    for (char c : dict) {
        if (c == '\0')
            return QStringLiteral(".npy header contains a NUL byte");
        if (quint8(c) > 0x7f)
            return QStringLiteral(".npy header contains non-ASCII bytes");
    }
    *meta = ArrayMeta();
    const QString error = DictParser(dict).parse(meta);
    if (!error.isEmpty())
        return error;
    if (meta->elementCount() < 0 || meta->byteSize() < 0)
        return QStringLiteral("shape %1 is too large (its size overflows 64 bits)").arg(meta->shapeText());
    return {};
}

QString parseNpyHeader(const QByteArray& bytes, NpyHeader* header)
{
    qint64 dictLength = 0;
    QString error = parseNpyPreamble(bytes, header, &dictLength);
    if (!error.isEmpty())
        return error;
    if (header->dataOffset > bytes.size())
        return QStringLiteral("header length runs past the end of the file");
    const QByteArray dict = bytes.mid(header->dataOffset - dictLength, dictLength);
    return parseNpyDict(dict, &header->meta);
}

QString readNpyHeader(QIODevice& device, qint64 fileSize, NpyHeader* header)
{
    QByteArray preamble = device.read(12);
    qint64 dictLength = 0;
    QString error = parseNpyPreamble(preamble, header, &dictLength);
    if (!error.isEmpty())
        return error;
    if (header->dataOffset > fileSize)
        return QStringLiteral("header length runs past the end of the file");
    if (!device.seek(header->dataOffset - dictLength))
        return QStringLiteral("cannot seek in file");
    const QByteArray dict = device.read(dictLength);
    if (dict.size() != dictLength)
        return QStringLiteral("truncated .npy header");
    error = parseNpyDict(dict, &header->meta);
    if (!error.isEmpty())
        return error;
    const qint64 available = fileSize - header->dataOffset;
    const qint64 needed = header->meta.byteSize();
    if (needed > available)
        return QStringLiteral("file is truncated: shape %1 of %2 needs %3 bytes of data, the file holds %4")
            .arg(header->meta.shapeText(), dtypeName(header->meta.dtype))
            .arg(needed)
            .arg(available);
    if (needed < available)
        return QStringLiteral("file has %1 bytes after the data its header describes").arg(available - needed);
    return {};
}

QByteArray makeNpyHeader(const ArrayMeta& meta)
{
    QByteArray shape = "(";
    for (qint64 dim : meta.shape)
        shape += QByteArray::number(dim) + ", ";
    if (meta.shape.size() > 1)
        shape.chop(2);
    else if (meta.shape.size() == 1)
        shape.chop(1);
    shape += ")";
    QByteArray dict = "{'descr': '" + dtypeDescr(meta.dtype).toLatin1()
        + "', 'fortran_order': " + (meta.fortranOrder ? "True" : "False") + ", 'shape': " + shape + ", }";
    int preamble = 10;
    qint64 total = preamble + dict.size() + 1;
    if (total + 63 > 65535 + 10) {
        preamble = 12;
        total = preamble + dict.size() + 1;
    }
    const qint64 padded = (total + 63) / 64 * 64;
    dict += QByteArray(padded - total, ' ') + '\n';
    QByteArray out(kMagic, kMagicLength);
    out += char(preamble == 10 ? 1 : 2);
    out += char(0);
    const quint32 length = quint32(dict.size());
    out += char(length & 0xff);
    out += char((length >> 8) & 0xff);
    if (preamble == 12) {
        out += char((length >> 16) & 0xff);
        out += char((length >> 24) & 0xff);
    }
    return out + dict;
}

QString writeNpy(const QString& path, const ArrayMeta& meta, const void* data)
{
    AtomicFile file(path);
    if (!file.open() || !file.write(makeNpyHeader(meta)) || !file.write(data, meta.byteSize()) || !file.commit())
        return file.errorString();
    return {};
}

} // namespace sharedmap
