#include "kernels/kernelsupport.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <limits>
#include <QCoreApplication>
#include <QSet>
#include <QVarLengthArray>
#include <unistd.h>

// The contract kernels (diag and the row reductions) and the test-only fault kernel.

namespace sharedmap {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------------------------
// Row reductions. Each op has a typed loop for contiguous rows (vectorised with `omp simd`
// reductions, which need no -ffast-math) and is reused on a gathered double copy otherwise.

struct SumOp
{
    template <typename T> static double run(const T* p, qint64 n)
    {
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (qint64 i = 0; i < n; ++i)
            s += double(p[i]);
        return s;
    }
};

struct MeanOp
{
    template <typename T> static double run(const T* p, qint64 n)
    {
        return n == 0 ? kNaN : SumOp::run(p, n) / double(n);
    }
};

struct StdOp
{
    // Two passes (mean, then squared deviations), as NumPy does, for accuracy.
    template <typename T> static double run(const T* p, qint64 n)
    {
        if (n == 0)
            return kNaN;
        const double mean = SumOp::run(p, n) / double(n);
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (qint64 i = 0; i < n; ++i) {
            const double d = double(p[i]) - mean;
            s += d * d;
        }
        return std::sqrt(s / double(n));
    }
};

struct NormOp
{
    template <typename T> static double run(const T* p, qint64 n)
    {
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (qint64 i = 0; i < n; ++i)
            s += double(p[i]) * double(p[i]);
        return std::sqrt(s);
    }
};

template <bool IsMax> struct ExtremeOp
{
    // NaN propagates as in NumPy's min/max; an empty row gives NaN instead of NumPy's error.
    template <typename T> static double run(const T* p, qint64 n)
    {
        if (n == 0)
            return kNaN;
        if constexpr (std::is_floating_point_v<T>) {
            T best = p[0];
            bool nan = false;
            for (qint64 i = 0; i < n; ++i) {
                const T x = p[i];
                nan |= x != x;
                best = IsMax ? (x > best ? x : best) : (x < best ? x : best);
            }
            return nan ? kNaN : double(best);
        } else {
            T best = p[0];
            for (qint64 i = 0; i < n; ++i)
                best = IsMax ? std::max(best, p[i]) : std::min(best, p[i]);
            return double(best);
        }
    }
};

/// A row reduction over an array seen as (shape[0], -1), typed on the element type.
template <typename Op, typename T> class RowKernel final : public Kernel
{
public:
    explicit RowKernel(const ArrayView& view)
        : m_view(view)
        , m_rowLength(view.rowLength())
        , m_contiguous(view.rowsContiguous())
    { }

    bool evaluate(qint64 index, double* out) const override
    {
        if (m_contiguous) {
            const T* row = reinterpret_cast<const T*>(m_view.data + index * m_view.strides[0]);
            *out = Op::run(row, m_rowLength);
            return true;
        }
        // Strided rows (Fortran order): gather the row in C order into a per-thread buffer of the
        // element type, so the typed loop (and its rounding) is the same as for C order.
        thread_local std::vector<T> buffer;
        buffer.resize(size_t(m_rowLength));
        gatherRow<T, T>(m_view, index, buffer.data());
        *out = Op::run(buffer.data(), m_rowLength);
        return true;
    }

    std::pair<const char*, qint64> footprint(qint64 index) const override
    {
        if (!m_contiguous)
            return { nullptr, 0 };
        return { m_view.data + index * m_view.strides[0], m_rowLength * qint64(sizeof(T)) };
    }

private:
    ArrayView m_view;
    qint64 m_rowLength;
    bool m_contiguous;
};

template <typename T> class DiagKernel final : public Kernel
{
public:
    explicit DiagKernel(const ArrayView& view)
        : m_data(view.data)
        , m_step(view.strides[0] + view.strides[1])
    { }

    bool evaluate(qint64 index, double* out) const override
    {
        *out = double(*reinterpret_cast<const T*>(m_data + index * m_step));
        return true;
    }

private:
    const char* m_data;
    qint64 m_step;
};

/// Test-only kernel (registered when SHAREDMAP_TEST_KERNELS is set): returns the index itself,
/// and misbehaves on chosen indices so tests can exercise crash recovery, retries and timeouts.
class FaultKernel final : public Kernel
{
public:
    explicit FaultKernel(const QVariantMap& params)
        : m_mode(params.value(QStringLiteral("mode")).toString())
    {
        for (const QString& part :
             params.value(QStringLiteral("crash_at")).toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
            m_crashAt.insert(part.trimmed().toLongLong());
        for (const QString& part :
             params.value(QStringLiteral("fail_at")).toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
            m_failAt.insert(part.trimmed().toLongLong());
    }

    bool evaluate(qint64 index, double* out) const override
    {
        if (m_crashAt.contains(index)) {
            if (m_mode == QLatin1String("abort"))
                std::abort();
            if (m_mode == QLatin1String("exit"))
                std::_Exit(7);
            if (m_mode == QLatin1String("hang")) {
                for (;;)
                    pause();
            }
            std::raise(SIGSEGV);
        }
        if (m_failAt.contains(index))
            return false;
        *out = double(index);
        return true;
    }

private:
    QString m_mode;
    QSet<qint64> m_crashAt;
    QSet<qint64> m_failAt;
};

QString faultCount(const ArrayMeta& input, const QVariantMap&, qint64* count)
{
    *count = input.shape.isEmpty() ? 1 : input.shape[0];
    return {};
}

} // namespace

QString rowsCount(const ArrayMeta& input, const QVariantMap&, qint64* count)
{
    if (input.shape.isEmpty())
        return QStringLiteral("a row kernel needs an array with at least one dimension, not a 0-d array");
    *count = input.shape[0];
    return {};
}

void readRow(const ArrayView& view, qint64 index, double* out)
{
    dispatchDType(view.dtype, [&](auto tag) {
        using T = decltype(tag);
        if (!view.rowsContiguous()) {
            gatherRow<T, double>(view, index, out);
            return;
        }
        const T* row = reinterpret_cast<const T*>(view.data + index * view.strides[0]);
        const qint64 length = view.rowLength();
        for (qint64 k = 0; k < length; ++k)
            out[k] = double(row[k]);
    });
}

namespace {

QString diagCount(const ArrayMeta& input, const QVariantMap&, qint64* count)
{
    if (input.shape.size() != 2)
        return QStringLiteral("diag needs a 2-D array, not shape %1").arg(input.shapeText());
    *count = qMin(input.shape[0], input.shape[1]);
    return {};
}

template <typename Op> std::unique_ptr<Kernel> makeRowKernel(const KernelContext& context, QString* error)
{
    const ArrayView& view = context.input;
    if (view.ndim() < 1) {
        *error = QStringLiteral("a row kernel needs an array with at least one dimension");
        return nullptr;
    }
    return dispatchDType(view.dtype, [&](auto tag) -> std::unique_ptr<Kernel> {
        return std::make_unique<RowKernel<Op, decltype(tag)>>(view);
    });
}

std::unique_ptr<Kernel> makeDiagKernel(const KernelContext& context, QString* error)
{
    const ArrayView& view = context.input;
    if (view.ndim() != 2) {
        *error = QStringLiteral("diag needs a 2-D array");
        return nullptr;
    }
    return dispatchDType(view.dtype, [&](auto tag) -> std::unique_ptr<Kernel> {
        return std::make_unique<DiagKernel<decltype(tag)>>(view);
    });
}

KernelDef rowKernel(const char* name, const char* description,
                    std::function<std::unique_ptr<Kernel>(const KernelContext&, QString*)> create)
{
    KernelDef def;
    def.info.name = QString::fromLatin1(name);
    def.info.description = description;
    def.info.indexSpace = QT_TRANSLATE_NOOP("Kernels", "rows (first axis)");
    def.indexCount = rowsCount;
    def.create = std::move(create);
    return def;
}

} // namespace

void addRowKernels(std::deque<KernelDef>* kernels)
{
    KernelDef diag;
    diag.info.name = QStringLiteral("diag");
    diag.info.description = QT_TRANSLATE_NOOP("Kernels", "Diagonal element B[a, a] of a 2-D array (np.diag)");
    diag.info.indexSpace = QT_TRANSLATE_NOOP("Kernels", "diagonal: min(shape) of a 2-D array");
    diag.indexCount = diagCount;
    diag.create = makeDiagKernel;
    kernels->push_back(diag);

    kernels->push_back(rowKernel("row_sum", QT_TRANSLATE_NOOP("Kernels", "Sum of row a"), makeRowKernel<SumOp>));
    kernels->push_back(rowKernel("row_mean", QT_TRANSLATE_NOOP("Kernels", "Mean of row a"), makeRowKernel<MeanOp>));
    kernels->push_back(rowKernel("row_std",
                                 QT_TRANSLATE_NOOP("Kernels", "Population standard deviation (ddof=0) of row a"),
                                 makeRowKernel<StdOp>));
    kernels->push_back(
        rowKernel("row_min", QT_TRANSLATE_NOOP("Kernels", "Minimum of row a"), makeRowKernel<ExtremeOp<false>>));
    kernels->push_back(
        rowKernel("row_max", QT_TRANSLATE_NOOP("Kernels", "Maximum of row a"), makeRowKernel<ExtremeOp<true>>));
    kernels->push_back(
        rowKernel("row_norm", QT_TRANSLATE_NOOP("Kernels", "Euclidean (L2) norm of row a"), makeRowKernel<NormOp>));
}

void addTestKernels(std::deque<KernelDef>* kernels)
{
    KernelDef fault;
    fault.info.name = QStringLiteral("test_fault");
    fault.info.description = "Test only: the index itself; crashes, hangs or fails on chosen indices";
    fault.info.indexSpace = "rows (first axis)";
    fault.info.params = {
        { QStringLiteral("crash_at"), ParamType::String, QString(), {}, {}, "indices that crash the worker" },
        { QStringLiteral("fail_at"), ParamType::String, QString(), {}, {}, "indices that fail" },
        { QStringLiteral("mode"), ParamType::String, QStringLiteral("segv"), {}, {}, "segv, abort, exit or hang" }
    };
    for (ParamSpec& spec : fault.info.params)
        spec.affectsValues = false; // faults decide which indices fail, never a computed value
    fault.indexCount = faultCount;
    fault.create = [](const KernelContext& context, QString*) -> std::unique_ptr<Kernel> {
        return std::make_unique<FaultKernel>(context.params);
    };
    kernels->push_back(fault);
}

} // namespace sharedmap
