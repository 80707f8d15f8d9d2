#pragma once

// SharedMap kernel SDK: the one header a kernel plugin needs. It depends on Qt Core only, not
// on SharedMap's own headers, and is installed with the CMake package SharedMapSDK:
//
//     find_package(SharedMapSDK REQUIRED)
//     add_library(my_kernels MODULE my_kernels.cpp)
//     target_link_libraries(my_kernels PRIVATE SharedMap::SDK)
//
// A plugin is a QObject that implements sharedmap::sdk::KernelPlugin and declares it with
// Q_PLUGIN_METADATA(IID SHAREDMAP_KERNEL_PLUGIN_IID) and Q_INTERFACES(sharedmap::sdk::KernelPlugin).
// SharedMap loads it with QPluginLoader in the app, the CLI and every worker; see docs/KERNELS.md.

#include <cstdint>
#include <cstring>
#include <memory>
#include <QObject>
#include <QString>
#include <QtPlugin>
#include <QVariant>
#include <QVariantMap>
#include <QVector>

/// Version of this SDK. A plugin built against another version is refused when it is loaded;
/// the version is part of the plugin's interface id, so the check needs no code in the plugin.
#define SHAREDMAP_SDK_VERSION 1
#define SHAREDMAP_KERNEL_PLUGIN_IID "org.sharedmap.KernelPlugin/1"

namespace sharedmap::sdk {

/// Element types of the input array (NumPy's numeric dtypes; bool is stored as one byte 0/1).
enum class DType : int
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
    Float64
};

/// A read-only view of the input array in shared memory: the same bytes NumPy would see.
/// Strides are in bytes. Kernels usually see the array as (shape[0], -1): rows of rowLength().
struct InputArray
{
    const char* data = nullptr; ///< null while SharedMap only sizes a job (indexCount)
    DType dtype = DType::Float64;
    int ndim = 0;
    const int64_t* shape = nullptr;
    const int64_t* strides = nullptr;

    /// Rows: shape[0] (1 for a 0-d array).
    int64_t rows() const { return ndim > 0 ? shape[0] : 1; }
    /// Elements per row: the product of the trailing dimensions.
    int64_t rowLength() const
    {
        int64_t n = 1;
        for (int d = 1; d < ndim; ++d)
            n *= shape[d];
        return n;
    }
    /// True when each row's elements are adjacent in memory (C order), so rowData() applies.
    bool rowsContiguous() const
    {
        int64_t expected = itemSize();
        for (int d = ndim - 1; d >= 1; --d) {
            if (shape[d] != 1 && strides[d] != expected)
                return false;
            expected *= shape[d];
        }
        return true;
    }
    /// Bytes per element.
    int itemSize() const
    {
        static const int sizes[] = { 1, 1, 2, 4, 8, 1, 2, 4, 8, 4, 8 };
        return sizes[int(dtype)];
    }
    /// Row `row` as a typed pointer; only when rowsContiguous() and T matches dtype.
    template <typename T> const T* rowData(int64_t row) const
    {
        return reinterpret_cast<const T*>(data + row * strides[0]);
    }
    /// Element `col` of row `row`, converted to double (any dtype, any memory order).
    double at(int64_t row, int64_t col) const
    {
        const char* p = data + row * (ndim > 0 ? strides[0] : 0);
        for (int d = ndim - 1; d >= 1; --d) {
            p += (col % shape[d]) * strides[d];
            col /= shape[d];
        }
        switch (dtype) {
        case DType::Bool:
        case DType::UInt8:
            return double(*reinterpret_cast<const uint8_t*>(p));
        case DType::Int8:
            return double(*reinterpret_cast<const int8_t*>(p));
        case DType::Int16:
            return double(*reinterpret_cast<const int16_t*>(p));
        case DType::Int32:
            return double(*reinterpret_cast<const int32_t*>(p));
        case DType::Int64:
            return double(*reinterpret_cast<const int64_t*>(p));
        case DType::UInt16:
            return double(*reinterpret_cast<const uint16_t*>(p));
        case DType::UInt32:
            return double(*reinterpret_cast<const uint32_t*>(p));
        case DType::UInt64:
            return double(*reinterpret_cast<const uint64_t*>(p));
        case DType::Float32:
            return double(*reinterpret_cast<const float*>(p));
        case DType::Float64:
            break;
        }
        return *reinterpret_cast<const double*>(p);
    }
};

/// Type of a kernel parameter: decides how `--param name=text` parses and the GUI's editor.
enum class ParamType : int
{
    Int,
    Double,
    Bool,
    String
};

/// One parameter: name, type, default, optional range (invalid QVariant = unbounded), help text.
struct ParamInfo
{
    QString name;
    ParamType type = ParamType::Double;
    QVariant defaultValue;
    QVariant minimum;
    QVariant maximum;
    QString description;
};

/// What a kernel is, for `sharedmap-cli kernels` and the GUI's kernel picker.
struct KernelInfo
{
    QString name; ///< unique, e.g. "row_median"; must not clash with a built-in kernel
    QString description;
    QString indexSpace = QStringLiteral("rows (first axis)"); ///< what `--indices all` covers
    QVector<ParamInfo> params;
    int resultWidth = 1; ///< values per index
};

/// A kernel prepared for one job in one worker process: maps an index to its result. Only one
/// thread calls it, so it may keep scratch buffers in members.
class Kernel
{
public:
    virtual ~Kernel() = default;
    /// Writes resultWidth values for `index` to `out`. Returns false when the index fails (its
    /// result becomes NaN); failureReason() then says why.
    virtual bool evaluate(int64_t index, double* out) = 0;
    /// Why the last failed evaluate() failed; shown in the run's summary.
    virtual QString failureReason() const { return {}; }
};

/// The interface a plugin implements: the kernels it offers and how to build them.
class KernelPlugin
{
public:
    virtual ~KernelPlugin() = default;
    /// The kernels of this plugin.
    virtual QVector<KernelInfo> kernels() const = 0;
    /// How many indices `--indices all` covers for this input (input.data is null here), or an
    /// error text. The default: one index per row, shape[0].
    virtual QString indexCount(const QString& kernel, const InputArray& input, const QVariantMap& params,
                               int64_t* count) const
    {
        (void)kernel;
        (void)params;
        if (input.ndim < 1)
            return QStringLiteral("needs an array with at least one dimension");
        *count = input.shape[0];
        return {};
    }
    /// Builds `kernel` for one job. Parameters arrive typed and complete (defaults filled in,
    /// ranges checked). Returns null and sets `error` when the input does not suit the kernel.
    virtual std::unique_ptr<Kernel> create(const QString& kernel, const InputArray& input, const QVariantMap& params,
                                           QString* error) const = 0;
};

} // namespace sharedmap::sdk

Q_DECLARE_INTERFACE(sharedmap::sdk::KernelPlugin, SHAREDMAP_KERNEL_PLUGIN_IID)
