// Example kernel plugin: the median (and any quantile) of each row, as np.median(B, axis=1)
// and np.quantile(B, q, axis=1) compute them (linear interpolation, NaN when a row holds NaN).

#include <algorithm>
#include <cmath>
#include <limits>
#include <sharedmap/kernelplugin.h>
#include <vector>

namespace {

using namespace sharedmap::sdk;

/// The q-quantile of one row. One instance serves one job in one worker, so the row buffer
/// can be a member.
class RowQuantile final : public Kernel
{
public:
    RowQuantile(const InputArray& input, double q)
        : m_input(input)
        , m_q(q)
        , m_row(size_t(input.rowLength()))
    { }

    bool evaluate(int64_t index, double* out) override
    {
        const int64_t n = m_input.rowLength();
        if (n == 0) {
            m_reason = QStringLiteral("row %1 is empty").arg(index);
            return false;
        }
        for (int64_t k = 0; k < n; ++k) {
            m_row[size_t(k)] = m_input.at(index, k);
            if (std::isnan(m_row[size_t(k)])) {
                *out = std::numeric_limits<double>::quiet_NaN();
                return true;
            }
        }
        // NumPy's "linear" method: between the sorted values at floor(q(n-1)) and the next one.
        const double position = m_q * double(n - 1);
        const int64_t below = int64_t(std::floor(position));
        const double t = position - double(below);
        const auto lower = m_row.begin() + below;
        std::nth_element(m_row.begin(), lower, m_row.end());
        const double a = *lower;
        const double b = below + 1 < n ? *std::min_element(lower + 1, m_row.end()) : a;
        *out = t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
        return true;
    }

    QString failureReason() const override { return m_reason; }

private:
    InputArray m_input;
    double m_q;
    std::vector<double> m_row;
    QString m_reason;
};

} // namespace

/// The plugin object SharedMap loads: lists the kernels and builds them.
class RowMedianPlugin final : public QObject, public KernelPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SHAREDMAP_KERNEL_PLUGIN_IID)
    Q_INTERFACES(sharedmap::sdk::KernelPlugin)

public:
    QVector<KernelInfo> kernels() const override
    {
        KernelInfo median;
        median.name = QStringLiteral("row_median");
        median.description = QStringLiteral("Median of row a (np.median(B, axis=1)); example plugin");
        KernelInfo quantile;
        quantile.name = QStringLiteral("row_quantile");
        quantile.description = QStringLiteral("Quantile q of row a (np.quantile(B, q, axis=1)); example plugin");
        quantile.params = { { QStringLiteral("q"), ParamType::Double, 0.5, 0.0, 1.0,
                              QStringLiteral("Which quantile, 0 (minimum) to 1 (maximum)") } };
        return { median, quantile };
    }

    std::unique_ptr<Kernel> create(const QString& kernel, const InputArray& input, const QVariantMap& params,
                                   QString* error) const override
    {
        if (input.ndim < 1) {
            *error = QStringLiteral("%1 needs an array with at least one dimension").arg(kernel);
            return nullptr;
        }
        const double q = kernel == QLatin1String("row_median") ? 0.5 : params.value(QStringLiteral("q")).toDouble();
        return std::make_unique<RowQuantile>(input, q);
    }
};

#include "row_median.moc"
