#include "base/dtype.h"

namespace sharedmap {

namespace {
struct DTypeRow
{
    DType type;
    int size;
    const char* name;
    const char* descr;
};

constexpr DTypeRow kTypes[] = {
    { DType::Bool, 1, "bool", "|b1" },       { DType::Int8, 1, "int8", "|i1" },
    { DType::Int16, 2, "int16", "<i2" },     { DType::Int32, 4, "int32", "<i4" },
    { DType::Int64, 8, "int64", "<i8" },     { DType::UInt8, 1, "uint8", "|u1" },
    { DType::UInt16, 2, "uint16", "<u2" },   { DType::UInt32, 4, "uint32", "<u4" },
    { DType::UInt64, 8, "uint64", "<u8" },   { DType::Float32, 4, "float32", "<f4" },
    { DType::Float64, 8, "float64", "<f8" },
};

const DTypeRow* row(DType type)
{
    for (const auto& r : kTypes) {
        if (r.type == type)
            return &r;
    }
    return nullptr;
}
} // namespace

int dtypeSize(DType type)
{
    const auto* r = row(type);
    return r ? r->size : 0;
}

QString dtypeName(DType type)
{
    const auto* r = row(type);
    return r ? QString::fromLatin1(r->name) : QStringLiteral("invalid");
}

DType dtypeFromName(const QString& name)
{
    for (const auto& r : kTypes) {
        if (name == QLatin1String(r.name))
            return r.type;
    }
    return DType::Invalid;
}

QString dtypeDescr(DType type)
{
    const auto* r = row(type);
    return r ? QString::fromLatin1(r->descr) : QString();
}

} // namespace sharedmap
