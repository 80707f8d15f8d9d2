#include "kernels/builtin/formulakernel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <muParser.h>
#include <QCoreApplication>
#include <QRegularExpression>
#include <QVarLengthArray>

namespace sharedmap {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class Reduce
{
    Sum,
    Mean,
    Min,
    Max,
    None,
    Map ///< no reduction: the row of f's values is the result (an output array like the input)
};

bool parseReduce(const QString& text, Reduce* reduce)
{
    static const std::pair<const char*, Reduce> names[]
        = { { "sum", Reduce::Sum }, { "mean", Reduce::Mean }, { "min", Reduce::Min },
            { "max", Reduce::Max }, { "none", Reduce::None }, { "map", Reduce::Map } };
    for (const auto& [name, value] : names) {
        if (text == QLatin1String(name)) {
            *reduce = value;
            return true;
        }
    }
    return false;
}

/// muparser's message without its own "at position N" (ours counts characters, not bytes).
QString plainMessage(const mu::Parser::exception_type& e)
{
    static const QRegularExpression position(QStringLiteral("( found)? at position \\d+\\.?$"));
    return QString::fromStdString(e.GetMsg()).trimmed().remove(position);
}

template <typename T> double readAs(const char* p)
{
    return double(*reinterpret_cast<const T*>(p));
}

/// One muparser instance with its variables and the B() reader. muparser keeps pointers to the
/// variables and is not thread-safe, so each kernel (one per job in a worker) owns its own.
class FormulaKernel final : public Kernel
{
public:
    /// `view.data` null means "no data": B() reads nothing and returns 0 (syntax checks).
    FormulaKernel(const ArrayView& view, Reduce reduce)
        : m_view(view)
        , m_reduce(reduce)
    {
        if (view.dtype != DType::Invalid) {
            m_read = dispatchDType(view.dtype, [](auto tag) { return &readAs<decltype(tag)>; });
            m_itemSize = dtypeSize(view.dtype);
            m_rowLength = view.ndim() > 0 ? view.rowLength() : 1;
            m_rows = view.ndim() > 0 ? view.shape[0] : 1;
            m_contiguous = view.ndim() > 0 && view.rowsContiguous();
            m_n = double(m_rowLength);
        }
        if (reduce != Reduce::None) {
            m_parser.DefineVar("x", &m_x);
            m_parser.DefineVar("j", &m_j);
        }
        m_parser.DefineVar("i", &m_i);
        m_parser.DefineVar("n", &m_n);
        // Not optimisable: B(0, 0) must not be folded into a constant while parsing.
        m_parser.DefineFunUserData("B", &FormulaKernel::readB, this, false);
    }

    FormulaKernel(const FormulaKernel&) = delete;
    FormulaKernel& operator=(const FormulaKernel&) = delete;

    /// The names the parser knows, as it was set up for this reducer.
    FormulaNames names() const
    {
        FormulaNames names;
        for (const auto& [name, variable] : m_parser.GetVar())
            names.variables << QString::fromStdString(name);
        for (const auto& [name, callback] : m_parser.GetFunDef())
            names.functions << QString::fromStdString(name);
        for (const auto& [name, value] : m_parser.GetConst())
            names.constants << QString::fromStdString(name);
        names.variables.sort();
        names.functions.sort();
        names.constants.sort();
        return names;
    }

    /// Sets and parses the expression; returns the problem, empty when it is valid.
    FormulaProblem setExpression(const QString& expr)
    {
        const QByteArray bytes = expr.toUtf8();
        try {
            m_parser.SetExpr(bytes.toStdString());
            m_parser.Eval(); // parses; with no data every read gives 0
            if (m_parser.GetNumResults() != 1)
                return { QStringLiteral("one expression only: a comma separates function arguments, not results"), -1 };
        } catch (const mu::Parser::exception_type& e) {
            FormulaProblem problem;
            const int bytePos = e.GetPos();
            problem.position = bytePos < 0 ? -1 : QString::fromUtf8(bytes.left(bytePos)).size();
            const QString token = QString::fromStdString(e.GetToken());
            if (m_reduce == Reduce::None && (token == QLatin1String("x") || token == QLatin1String("j")))
                problem.message = QStringLiteral("%1 exists only with reduce=sum, mean, min, max or map; with "
                                                 "reduce=none read elements with B(r, c) or B(k)")
                                      .arg(token);
            else
                problem.message = plainMessage(e);
            return problem;
        }
        m_reason.clear();
        m_failed = false;
        return {};
    }

    bool evaluate(qint64 index, double* out) const override
    {
        m_failed = false;
        m_i = double(index);
        try {
            if (m_reduce == Reduce::None) {
                const double v = m_parser.Eval();
                if (m_failed) {
                    *out = kNaN;
                    return false;
                }
                *out = v;
                return true;
            }
            const char* row = m_view.data + index * m_view.strides[0];
            if (m_reduce == Reduce::Map) {
                for (qint64 k = 0; k < m_rowLength; ++k) {
                    m_x = m_read(m_contiguous ? row + k * m_itemSize : elementInRow(row, k));
                    m_j = double(k);
                    out[k] = m_parser.Eval();
                    if (m_failed) {
                        std::fill(out, out + m_rowLength, kNaN);
                        return false;
                    }
                }
                return true;
            }
            double acc = m_reduce == Reduce::Min ? std::numeric_limits<double>::infinity()
                : m_reduce == Reduce::Max        ? -std::numeric_limits<double>::infinity()
                                                 : 0.0;
            bool nan = false;
            for (qint64 k = 0; k < m_rowLength; ++k) {
                m_x = m_read(m_contiguous ? row + k * m_itemSize : elementInRow(row, k));
                m_j = double(k);
                const double v = m_parser.Eval();
                if (m_failed) {
                    *out = kNaN;
                    return false;
                }
                switch (m_reduce) {
                case Reduce::Sum:
                case Reduce::Mean:
                    acc += v;
                    break;
                case Reduce::Min: // NaN propagates, as in NumPy's min and max
                    nan |= std::isnan(v);
                    acc = v < acc ? v : acc;
                    break;
                case Reduce::Max:
                    nan |= std::isnan(v);
                    acc = v > acc ? v : acc;
                    break;
                case Reduce::None:
                case Reduce::Map:
                    break;
                }
            }
            if (m_reduce == Reduce::Mean)
                acc = m_rowLength == 0 ? kNaN : acc / double(m_rowLength);
            if ((m_reduce == Reduce::Min || m_reduce == Reduce::Max) && (nan || m_rowLength == 0))
                acc = kNaN;
            *out = acc;
            return true;
        } catch (const mu::Parser::exception_type& e) {
            m_reason = plainMessage(e);
            std::fill(out, out + (m_reduce == Reduce::Map ? m_rowLength : 1), kNaN);
            return false;
        }
    }

    QString failureReason() const override { return m_reason; }

private:
    /// Element k of a row that is not contiguous (Fortran order): unravel k over the trailing dims.
    const char* elementInRow(const char* row, qint64 k) const
    {
        qint64 offset = 0;
        for (int d = m_view.ndim() - 1; d >= 1; --d) {
            offset += (k % m_view.shape[d]) * m_view.strides[d];
            k /= m_view.shape[d];
        }
        return row + offset;
    }

    /// B(r, c): element c of row r (the array seen as (shape[0], -1)); B(k): flat element k in
    /// C order. A read outside the array fails the index with a reason instead of reading.
    static double readB(void* self, const double* args, int count)
    {
        auto* kernel = static_cast<FormulaKernel*>(self);
        if (count != 1 && count != 2)
            throw mu::Parser::exception_type("B takes one index B(k) or two B(r, c)");
        if (!kernel->m_view.data)
            return 0.0;
        if (kernel->m_failed)
            return kNaN;
        const qint64 rows = kernel->m_rows;
        const qint64 cols = kernel->m_rowLength;
        const double r = count == 2 ? args[0] : std::floor(args[0] / double(qMax<qint64>(cols, 1)));
        const double c = count == 2 ? args[1] : args[0] - r * double(cols);
        auto describe = [&] {
            return count == 2 ? QStringLiteral("B(%1, %2)").arg(args[0]).arg(args[1])
                              : QStringLiteral("B(%1)").arg(args[0]);
        };
        if (!(r == std::floor(r) && c == std::floor(c))) {
            kernel->fail(QStringLiteral("%1: indices must be whole numbers").arg(describe()));
            return kNaN;
        }
        const bool inside = count == 2 ? (r >= 0 && r < double(rows) && c >= 0 && c < double(cols))
                                       : (args[0] >= 0 && args[0] < double(rows) * double(cols));
        if (!inside) {
            kernel->fail(
                count == 2 ? QStringLiteral("%1 is outside the array of %2 rows x %3 columns")
                                 .arg(describe())
                                 .arg(rows)
                                 .arg(cols)
                           : QStringLiteral("%1 is outside the array of %2 elements").arg(describe()).arg(rows * cols));
            return kNaN;
        }
        const char* row = kernel->m_view.data + qint64(r) * kernel->m_view.strides[0];
        const qint64 k = qint64(c);
        return kernel->m_read(kernel->m_contiguous ? row + k * kernel->m_itemSize : kernel->elementInRow(row, k));
    }

    void fail(const QString& reason) const
    {
        if (!m_failed)
            m_reason = reason;
        m_failed = true;
    }

    ArrayView m_view;
    Reduce m_reduce;
    double (*m_read)(const char*) = nullptr;
    qint64 m_itemSize = 0;
    qint64 m_rowLength = 0;
    qint64 m_rows = 0;
    bool m_contiguous = false;
    // Evaluation state: one thread evaluates a kernel at a time (one per worker).
    mutable mu::Parser m_parser;
    mutable double m_x = 0, m_i = 0, m_j = 0, m_n = 0;
    mutable bool m_failed = false;
    mutable QString m_reason;
};

QString validateFormula(const QVariantMap& params)
{
    const FormulaProblem problem = checkFormula(params.value(QStringLiteral("expr")).toString(),
                                                params.value(QStringLiteral("reduce")).toString());
    if (problem.isEmpty())
        return {};
    if (problem.position < 0)
        return QStringLiteral("formula: %1").arg(problem.message);
    QString expr = params.value(QStringLiteral("expr")).toString();
    if (expr.size() > 80)
        expr = expr.left(77) + QStringLiteral("...");
    return QStringLiteral("formula '%1', position %2: %3").arg(expr).arg(problem.position).arg(problem.message);
}

} // namespace

FormulaProblem checkFormula(const QString& expr, const QString& reduce)
{
    Reduce mode = Reduce::Sum;
    if (!parseReduce(reduce, &mode))
        return { QStringLiteral("reduce must be sum, mean, min, max, none or map, not '%1'").arg(reduce), -1 };
    if (expr.trimmed().isEmpty())
        return { QStringLiteral("the expression is empty (e.g. --param \"expr=x^2\")"), 0 };
    FormulaKernel kernel(ArrayView(), mode);
    return kernel.setExpression(expr);
}

FormulaNames formulaNames(const QString& reduce)
{
    Reduce mode = Reduce::Sum;
    parseReduce(reduce, &mode);
    return FormulaKernel(ArrayView(), mode).names();
}

KernelDef formulaKernelDef()
{
    KernelDef def;
    def.info.name = QStringLiteral("formula");
    def.info.description = QT_TRANSLATE_NOOP("Kernels",
                                             "Your formula (muparser): per element x of row a, reduced, or kept "
                                             "as a row with reduce=map; or per index with B(r, c) reads when "
                                             "reduce=none");
    def.info.indexSpace = QT_TRANSLATE_NOOP("Kernels", "rows (first axis)");
    def.info.params = {
        { QStringLiteral("expr"),
          ParamType::String,
          QString(),
          {},
          {},
          QT_TRANSLATE_NOOP("Kernels",
                            "Expression in x (element), i (row index a), j (position in the row), n (row length); "
                            "B(r, c) and B(k) read the input") },
        { QStringLiteral("reduce"),
          ParamType::String,
          QStringLiteral("sum"),
          {},
          {},
          QT_TRANSLATE_NOOP("Kernels",
                            "sum, mean, min, max; map (keep the row of values: an output array "
                            "shaped like the input); or none (evaluate once per index)") },
    };
    def.indexCount = [](const ArrayMeta& input, const QVariantMap&, qint64* count) {
        if (input.shape.isEmpty())
            return QStringLiteral("formula needs an array with at least one dimension, not a 0-d array");
        *count = input.shape[0];
        return QString();
    };
    def.resultShape = [](const ArrayMeta& input, const QVariantMap& params, QVector<qint64>* shape) {
        // reduce=map keeps a row of the input's trailing shape per index; the others, one number.
        *shape = params.value(QStringLiteral("reduce")).toString() == QLatin1String("map") ? input.shape.mid(1)
                                                                                           : QVector<qint64>();
        return QString();
    };
    def.validate = validateFormula;
    def.create = [](const KernelContext& context, QString* error) -> std::unique_ptr<Kernel> {
        const ArrayView& view = context.input;
        const QVariantMap& params = context.params;
        Reduce mode = Reduce::Sum;
        if (!parseReduce(params.value(QStringLiteral("reduce")).toString(), &mode) || view.ndim() < 1) {
            *error = QStringLiteral(
                "formula needs reduce=sum|mean|min|max|none|map and an array of at least one dimension");
            return nullptr;
        }
        auto kernel = std::make_unique<FormulaKernel>(view, mode);
        const FormulaProblem problem = kernel->setExpression(params.value(QStringLiteral("expr")).toString());
        if (!problem.isEmpty()) {
            *error = validateFormula(params);
            return nullptr;
        }
        return kernel;
    };
    return def;
}

} // namespace sharedmap
