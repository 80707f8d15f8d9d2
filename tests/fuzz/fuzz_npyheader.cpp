// libFuzzer target for the .npy header parser (malformed headers are errors, never
// crashes). Built only with clang and SHAREDMAP_FUZZ=ON; run it with scripts/fuzz.
//
// Besides what AddressSanitizer and UBSan catch, every header the parser accepts must satisfy the
// invariants checked below; a violation aborts, which libFuzzer reports as a crash.

#include "base/arraymeta.h"
#include "io/npyformat.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <QBuffer>
#include <QByteArray>

using namespace sharedmap;

namespace {

[[noreturn]] void fail(const char* what, const ArrayMeta& meta)
{
    std::fprintf(stderr, "fuzz_npyheader: invariant violated: %s (dtype %d, shape %s, %s order, %s-endian)\n", what,
                 int(meta.dtype), qPrintable(meta.shapeText()), meta.fortranOrder ? "F" : "C",
                 meta.sourceBigEndian ? "big" : "little");
    std::abort();
}

bool sameMeta(const ArrayMeta& a, const ArrayMeta& b)
{
    return a.dtype == b.dtype && a.shape == b.shape && a.fortranOrder == b.fortranOrder
        && a.sourceBigEndian == b.sourceBigEndian;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // Not copied: AddressSanitizer then catches any read past the input's last byte (a copy would
    // hide small over-reads in the allocation's slack and Qt's terminating NUL).
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));

    NpyHeader header;
    const QString error = parseNpyHeader(bytes, &header);

    // readNpyHeader (the path real files take) must never accept what parseNpyHeader refuses, and
    // must agree with it on what both accept; it also checks the data's size against the shape.
    QBuffer device;
    device.setData(bytes.constData(), int(bytes.size()));
    device.open(QIODevice::ReadOnly);
    NpyHeader fromDevice;
    const QString deviceError = readNpyHeader(device, bytes.size(), &fromDevice);
    if (deviceError.isEmpty()) {
        if (!error.isEmpty())
            fail("readNpyHeader accepts a header parseNpyHeader refuses", fromDevice.meta);
        if (!sameMeta(fromDevice.meta, header.meta) || fromDevice.dataOffset != header.dataOffset)
            fail("readNpyHeader and parseNpyHeader disagree", fromDevice.meta);
        if (fromDevice.dataOffset + fromDevice.meta.byteSize() != bytes.size())
            fail("readNpyHeader accepts a file whose size does not match its shape", fromDevice.meta);
    }

    if (!error.isEmpty())
        return 0;

    const ArrayMeta& meta = header.meta;
    if (meta.dtype == DType::Invalid || dtypeSize(meta.dtype) <= 0)
        fail("accepted header has no valid dtype", meta);
    if (meta.shape.size() > kMaxDims)
        fail("accepted header has more than 32 dimensions", meta);
    for (qint64 dim : meta.shape) {
        if (dim < 0)
            fail("accepted header has a negative dimension", meta);
    }
    if (meta.elementCount() < 0 || meta.byteSize() < 0)
        fail("accepted header's size overflows", meta);
    if (header.major < 1 || header.major > 3 || header.minor != 0)
        fail("accepted header has an unsupported version", meta);
    if (header.dataOffset < 10 || header.dataOffset > bytes.size())
        fail("accepted header's data offset is outside the input", meta);

    // What we write for this array must read back as the same array (now little-endian: data in
    // memory is native, and makeNpyHeader describes native data).
    ArrayMeta expected = meta;
    expected.sourceBigEndian = false;
    const QByteArray written = makeNpyHeader(expected);
    NpyHeader reread;
    const QString rereadError = parseNpyHeader(written, &reread);
    if (!rereadError.isEmpty()) {
        std::fprintf(stderr, "fuzz_npyheader: makeNpyHeader output refused: %s\n", qPrintable(rereadError));
        fail("makeNpyHeader(meta) does not re-parse", meta);
    }
    if (!sameMeta(reread.meta, expected))
        fail("makeNpyHeader(meta) re-parses to a different meta", meta);
    if (reread.dataOffset != written.size() || written.size() % 64 != 0)
        fail("makeNpyHeader(meta) is not a whole 64-byte-aligned header", meta);
    return 0;
}
