#include "kernel.h"
#include "kernelsupport.h"

#include "formulakernel.h"

#include <QCoreApplication>
#include <QVarLengthArray>

#include <QSet>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <unistd.h>

#include <cmath>
#include <limits>

namespace sharedmap {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------------------------
// Row reductions. Each op has a typed loop for contiguous rows (vectorised with `omp simd`
// reductions, which need no -ffast-math) and is reused on a gathered double copy otherwise.

struct SumOp
{
    template <typename T>
    static double run(const T* p, qint64 n)
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
    template <typename T>
    static double run(const T* p, qint64 n)
    {
        return n == 0 ? kNaN : SumOp::run(p, n) / double(n);
    }
};

struct StdOp
{
    // Two passes (mean, then squared deviations), as NumPy does, for accuracy.
    template <typename T>
    static double run(const T* p, qint64 n)
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
    template <typename T>
    static double run(const T* p, qint64 n)
    {
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (qint64 i = 0; i < n; ++i)
            s += double(p[i]) * double(p[i]);
        return std::sqrt(s);
    }
};

template <bool IsMax>
struct ExtremeOp
{
    // NaN propagates as in NumPy's min/max; an empty row gives NaN instead of NumPy's error.
    template <typename T>
    static double run(const T* p, qint64 n)
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
template <typename Op, typename T>
class RowKernel final : public Kernel
{
public:
    explicit RowKernel(const ArrayView& view)
        : m_view(view)
        , m_rowLength(view.rowLength())
        , m_contiguous(view.rowsContiguous())
    {
    }

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

template <typename T>
class DiagKernel final : public Kernel
{
public:
    explicit DiagKernel(const ArrayView& view)
        : m_data(view.data)
        , m_step(view.strides[0] + view.strides[1])
    {
    }

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
        for (const QString& part : params.value(QStringLiteral("crash_at")).toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
            m_crashAt.insert(part.trimmed().toLongLong());
        for (const QString& part : params.value(QStringLiteral("fail_at")).toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
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

template <typename Op>
std::unique_ptr<Kernel> makeRowKernel(const KernelContext& context, QString* error)
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
    return dispatchDType(view.dtype,
                         [&](auto tag) -> std::unique_ptr<Kernel> { return std::make_unique<DiagKernel<decltype(tag)>>(view); });
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

ParamSpec sleepParam()
{
    return { QStringLiteral("sleep_ms"), ParamType::Double, 0.0, 0.0, 3600000.0,
             QT_TRANSLATE_NOOP("Kernels", "Simulated work per index, in milliseconds") };
}

KernelRegistry::KernelRegistry()
{
    KernelDef diag;
    diag.info.name = QStringLiteral("diag");
    diag.info.description = QT_TRANSLATE_NOOP("Kernels", "Diagonal element B[a, a] of a 2-D array (np.diag)");
    diag.info.indexSpace = QT_TRANSLATE_NOOP("Kernels", "diagonal: min(shape) of a 2-D array");
    diag.indexCount = diagCount;
    diag.create = makeDiagKernel;
    m_kernels.push_back(diag);

    m_kernels.push_back(rowKernel("row_sum", QT_TRANSLATE_NOOP("Kernels", "Sum of row a"), makeRowKernel<SumOp>));
    m_kernels.push_back(rowKernel("row_mean", QT_TRANSLATE_NOOP("Kernels", "Mean of row a"), makeRowKernel<MeanOp>));
    m_kernels.push_back(rowKernel("row_std", QT_TRANSLATE_NOOP("Kernels", "Population standard deviation (ddof=0) of row a"),
                                  makeRowKernel<StdOp>));
    m_kernels.push_back(rowKernel("row_min", QT_TRANSLATE_NOOP("Kernels", "Minimum of row a"), makeRowKernel<ExtremeOp<false>>));
    m_kernels.push_back(rowKernel("row_max", QT_TRANSLATE_NOOP("Kernels", "Maximum of row a"), makeRowKernel<ExtremeOp<true>>));
    m_kernels.push_back(rowKernel("row_norm", QT_TRANSLATE_NOOP("Kernels", "Euclidean (L2) norm of row a"), makeRowKernel<NormOp>));
    addArrayKernels(&m_kernels);
    addTeachingKernels(&m_kernels);
    m_kernels.push_back(formulaKernelDef());

    if (qEnvironmentVariableIsSet("SHAREDMAP_TEST_KERNELS")) {
        KernelDef fault;
        fault.info.name = QStringLiteral("test_fault");
        fault.info.description = "Test only: the index itself; crashes, hangs or fails on chosen indices";
        fault.info.indexSpace = "rows (first axis)";
        fault.info.params = { { QStringLiteral("crash_at"), ParamType::String, QString(), {}, {}, "indices that crash the worker" },
                              { QStringLiteral("fail_at"), ParamType::String, QString(), {}, {}, "indices that fail" },
                              { QStringLiteral("mode"), ParamType::String, QStringLiteral("segv"), {}, {},
                                "segv, abort, exit or hang" } };
        fault.indexCount = faultCount;
        fault.create = [](const KernelContext& context, QString*) -> std::unique_ptr<Kernel> {
            return std::make_unique<FaultKernel>(context.params);
        };
        m_kernels.push_back(fault);
    }

    // Every kernel accepts simulated work, as the tutorial's sleep(0.1) does.
    for (auto& def : m_kernels)
        def.info.params.prepend(sleepParam());
}

KernelRegistry& KernelRegistry::mutableInstance()
{
    static KernelRegistry registry;
    return registry;
}

const KernelRegistry& KernelRegistry::instance()
{
    return mutableInstance();
}

const KernelDef* KernelRegistry::find(const QString& name) const
{
    for (const auto& def : m_kernels) {
        if (def.info.name == name)
            return &def;
    }
    return nullptr;
}

QVector<const KernelDef*> KernelRegistry::all() const
{
    QVector<const KernelDef*> result;
    for (const auto& def : m_kernels)
        result.append(&def);
    return result;
}

QStringList KernelRegistry::names() const
{
    QStringList result;
    for (const auto& def : m_kernels)
        result.append(def.info.name);
    return result;
}

QString paramTypeName(ParamType type)
{
    switch (type) {
    case ParamType::Int:
        return QStringLiteral("int");
    case ParamType::Double:
        return QStringLiteral("double");
    case ParamType::Bool:
        return QStringLiteral("bool");
    case ParamType::String:
        break;
    }
    return QStringLiteral("string");
}

namespace {

QString convertParam(const ParamSpec& spec, const QVariant& raw, QVariant* value)
{
    const bool isText = raw.typeId() == QMetaType::QString;
    const QString text = raw.toString().trimmed();
    switch (spec.type) {
    case ParamType::Int: {
        bool ok = false;
        qint64 v = 0;
        if (isText) {
            v = text.toLongLong(&ok);
        } else if (raw.typeId() == QMetaType::Double) {
            const double d = raw.toDouble();
            ok = std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.0e15;
            v = qint64(d);
        } else if (raw.canConvert<qint64>() && raw.typeId() != QMetaType::Bool) {
            v = raw.toLongLong(&ok);
        }
        if (!ok)
            return QStringLiteral("parameter %1 must be an integer, not '%2'").arg(spec.name, raw.toString());
        if ((spec.minimum.isValid() && v < spec.minimum.toLongLong())
            || (spec.maximum.isValid() && v > spec.maximum.toLongLong()))
            return QStringLiteral("parameter %1 = %2 is outside %3..%4")
                .arg(spec.name)
                .arg(v)
                .arg(spec.minimum.toString(), spec.maximum.toString());
        *value = v;
        return {};
    }
    case ParamType::Double: {
        bool ok = false;
        double v = 0;
        if (isText)
            v = text.toDouble(&ok);
        else if (raw.typeId() != QMetaType::Bool)
            v = raw.toDouble(&ok);
        if (!ok || !std::isfinite(v))
            return QStringLiteral("parameter %1 must be a number, not '%2'").arg(spec.name, raw.toString());
        if ((spec.minimum.isValid() && v < spec.minimum.toDouble())
            || (spec.maximum.isValid() && v > spec.maximum.toDouble()))
            return QStringLiteral("parameter %1 = %2 is outside %3..%4")
                .arg(spec.name)
                .arg(v)
                .arg(spec.minimum.toString(), spec.maximum.toString());
        *value = v;
        return {};
    }
    case ParamType::Bool: {
        if (raw.typeId() == QMetaType::Bool) {
            *value = raw.toBool();
            return {};
        }
        const QString lower = text.toLower();
        if (lower == QLatin1String("true") || lower == QLatin1String("1") || lower == QLatin1String("yes")) {
            *value = true;
            return {};
        }
        if (lower == QLatin1String("false") || lower == QLatin1String("0") || lower == QLatin1String("no")) {
            *value = false;
            return {};
        }
        return QStringLiteral("parameter %1 must be true or false, not '%2'").arg(spec.name, raw.toString());
    }
    case ParamType::String:
        if (!spec.choices.isEmpty() && !spec.choices.contains(raw.toString()))
            return QStringLiteral("parameter %1 must be %2, not '%3'")
                .arg(spec.name, spec.choices.join(QStringLiteral(", ")), raw.toString());
        *value = raw.toString();
        return {};
    }
    return {};
}

} // namespace

QString resolveParams(const KernelInfo& info, const QVariantMap& raw, QVariantMap* typed)
{
    typed->clear();
    for (auto it = raw.cbegin(); it != raw.cend(); ++it) {
        const bool known = std::any_of(info.params.cbegin(), info.params.cend(),
                                       [&](const ParamSpec& spec) { return spec.name == it.key(); });
        if (!known) {
            QStringList names;
            for (const auto& spec : info.params)
                names << spec.name;
            return QStringLiteral("kernel %1 has no parameter '%2' (it takes: %3)")
                .arg(info.name, it.key(), names.join(QStringLiteral(", ")));
        }
    }
    for (const auto& spec : info.params) {
        QVariant value = spec.defaultValue;
        if (raw.contains(spec.name)) {
            const QString error = convertParam(spec, raw.value(spec.name), &value);
            if (!error.isEmpty())
                return error;
        }
        typed->insert(spec.name, value);
    }
    return {};
}

} // namespace sharedmap
