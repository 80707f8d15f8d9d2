#pragma once

#include <QString>
#include <QtGlobal>

namespace sharedmap {

/// The element types SharedMap reads and writes (NumPy's numeric dtypes without complex or float16).
enum class DType : quint8
{
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float32,
    Float64,
    Invalid = 255,
};

/// Size of one element in bytes (0 for Invalid).
int dtypeSize(DType type);

/// NumPy's name of the type, e.g. "float64".
QString dtypeName(DType type);

/// Parses a NumPy name ("float64", "int16", "bool"); Invalid when unknown.
DType dtypeFromName(const QString& name);

/// The `.npy` descr for native little-endian storage, e.g. "<f8", "|u1", "|b1".
QString dtypeDescr(DType type);

/// Calls `f(T{})` with the C++ type that stores `type`; bool is stored as quint8 (0 or 1).
/// The switch runs once per call, so typed loops inside `f` have no per-element dispatch.
template <typename F> decltype(auto) dispatchDType(DType type, F&& f)
{
    switch (type) {
    case DType::Bool:
    case DType::UInt8:
        return f(quint8 {});
    case DType::Int8:
        return f(qint8 {});
    case DType::Int16:
        return f(qint16 {});
    case DType::Int32:
        return f(qint32 {});
    case DType::Int64:
        return f(qint64 {});
    case DType::UInt16:
        return f(quint16 {});
    case DType::UInt32:
        return f(quint32 {});
    case DType::UInt64:
        return f(quint64 {});
    case DType::Float32:
        return f(float {});
    case DType::Float64:
    case DType::Invalid:
        break;
    }
    return f(double {});
}

} // namespace sharedmap
