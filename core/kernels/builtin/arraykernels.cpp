// Kernels whose result for one index is a whole row: each writes its own row of the job's
// results, so workers never write the same place and need no lock.

#include "kernels/kernelsupport.h"

#include <cmath>
#include <limits>

namespace sharedmap {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Result shapes are asked for after the index space (rowsCount, blurCount), which refuses 0-d arrays.

QString rowShape(const ArrayMeta& input, const QVariantMap&, QVector<qint64>* shape)
{
    *shape = input.shape.mid(1);
    return {};
}

QString flatRowShape(const ArrayMeta& input, const QVariantMap&, QVector<qint64>* shape)
{
    qint64 length = 1;
    for (int d = 1; d < input.shape.size(); ++d)
        length *= input.shape[d];
    *shape = { length };
    return {};
}

/// Row a scaled to unit L2 norm (NaN for a zero row, as NumPy's 0/0).
class NormalizeKernel final : public Kernel
{
public:
    explicit NormalizeKernel(const ArrayView& view)
        : m_view(view)
        , m_length(view.rowLength())
    { }

    bool evaluate(qint64 index, double* out) const override
    {
        readRow(m_view, index, out);
        double sum = 0;
#pragma omp simd reduction(+ : sum)
        for (qint64 k = 0; k < m_length; ++k)
            sum += out[k] * out[k];
        const double norm = std::sqrt(sum);
        for (qint64 k = 0; k < m_length; ++k)
            out[k] /= norm;
        return true;
    }

private:
    ArrayView m_view;
    qint64 m_length;
};

/// Running sum along row a (flattened), in double.
class CumsumKernel final : public Kernel
{
public:
    explicit CumsumKernel(const ArrayView& view)
        : m_view(view)
        , m_length(view.rowLength())
    { }

    bool evaluate(qint64 index, double* out) const override
    {
        readRow(m_view, index, out);
        double sum = 0;
        for (qint64 k = 0; k < m_length; ++k) {
            sum += out[k];
            out[k] = sum;
        }
        return true;
    }

private:
    ArrayView m_view;
    qint64 m_length;
};

/// Gaussian blur of a 2-D array or an H×W×C image, one output row per index. Separable: the
/// rows around `a` are combined vertically, then the result horizontally; edges repeat the
/// nearest pixel (scipy.ndimage.gaussian_filter with mode="nearest", truncate=3, channels apart).
class BlurKernel final : public Kernel
{
public:
    BlurKernel(const ArrayView& view, double sigma)
        : m_view(view)
        , m_height(view.shape[0])
        , m_width(view.shape[1])
        , m_channels(view.ndim() == 3 ? view.shape[2] : 1)
    {
        const int radius = int(3.0 * sigma + 0.5);
        double total = 0;
        for (int k = -radius; k <= radius; ++k) {
            const double w = std::exp(-0.5 * double(k) * double(k) / (sigma * sigma));
            m_weights.push_back(w);
            total += w;
        }
        for (double& w : m_weights)
            w /= total;
    }

    bool evaluate(qint64 index, double* out) const override
    {
        const int radius = int(m_weights.size() / 2);
        const qint64 rowValues = m_width * m_channels;
        thread_local std::vector<double> row, vertical;
        row.resize(size_t(rowValues));
        vertical.assign(size_t(rowValues), 0.0);
        for (int k = -radius; k <= radius; ++k) {
            const qint64 source = qBound<qint64>(0, index + k, m_height - 1);
            readRow(m_view, source, row.data());
            const double w = m_weights[size_t(k + radius)];
            for (qint64 v = 0; v < rowValues; ++v)
                vertical[size_t(v)] += w * row[size_t(v)];
        }
        for (qint64 x = 0; x < m_width; ++x) {
            for (qint64 c = 0; c < m_channels; ++c) {
                double sum = 0;
                for (int k = -radius; k <= radius; ++k) {
                    const qint64 source = qBound<qint64>(0, x + k, m_width - 1);
                    sum += m_weights[size_t(k + radius)] * vertical[size_t(source * m_channels + c)];
                }
                out[x * m_channels + c] = sum;
            }
        }
        return true;
    }

    std::pair<const char*, qint64> footprint(qint64 index) const override
    {
        if (!m_view.rowsContiguous())
            return { nullptr, 0 };
        return { m_view.data + index * m_view.strides[0], m_view.strides[0] };
    }

private:
    ArrayView m_view;
    qint64 m_height;
    qint64 m_width;
    qint64 m_channels;
    std::vector<double> m_weights;
};

QString blurCount(const ArrayMeta& input, const QVariantMap&, qint64* count)
{
    const bool image = input.shape.size() == 3 && input.shape[2] >= 1 && input.shape[2] <= 4;
    if (input.shape.size() != 2 && !image)
        return QStringLiteral("blur needs a 2-D array or an H×W×C image (C ≤ 4), not shape %1").arg(input.shapeText());
    *count = input.shape[0];
    return {};
}

/// The Mandelbrot set, one image row per index, computed from its parameters alone.
class MandelbrotKernel final : public Kernel
{
public:
    explicit MandelbrotKernel(const QVariantMap& p)
        : m_width(p.value(QStringLiteral("width")).toLongLong())
        , m_height(p.value(QStringLiteral("height")).toLongLong())
        , m_xMin(p.value(QStringLiteral("x_min")).toDouble())
        , m_xMax(p.value(QStringLiteral("x_max")).toDouble())
        , m_yMin(p.value(QStringLiteral("y_min")).toDouble())
        , m_yMax(p.value(QStringLiteral("y_max")).toDouble())
        , m_maxIter(int(p.value(QStringLiteral("max_iter")).toLongLong()))
    { }

    bool evaluate(qint64 index, double* out) const override
    {
        // Pixel centres; row 0 is the top of the image (y_max).
        const double dx = (m_xMax - m_xMin) / double(m_width);
        const double dy = (m_yMax - m_yMin) / double(m_height);
        const double ci = m_yMax - (double(index) + 0.5) * dy;
        for (qint64 x = 0; x < m_width; ++x) {
            const double cr = m_xMin + (double(x) + 0.5) * dx;
            double zr = 0, zi = 0;
            int n = 0;
            while (n < m_maxIter) {
                const double rr = zr * zr, ii = zi * zi;
                if (rr + ii > 4.0)
                    break;
                zi = 2.0 * zr * zi + ci;
                zr = rr - ii + cr;
                ++n;
            }
            out[x] = double(n); // escape count: max_iter inside the set
        }
        return true;
    }

private:
    qint64 m_width, m_height;
    double m_xMin, m_xMax, m_yMin, m_yMax;
    int m_maxIter;
};

QString mandelbrotCount(const ArrayMeta&, const QVariantMap& p, qint64* count)
{
    if (p.value(QStringLiteral("x_max")).toDouble() <= p.value(QStringLiteral("x_min")).toDouble()
        || p.value(QStringLiteral("y_max")).toDouble() <= p.value(QStringLiteral("y_min")).toDouble())
        return QStringLiteral("mandelbrot needs x_min < x_max and y_min < y_max");
    *count = p.value(QStringLiteral("height")).toLongLong();
    return {};
}

KernelDef rowValued(const char* name, const char* description, const char* result)
{
    KernelDef def;
    def.info.name = QString::fromLatin1(name);
    def.info.description = description;
    def.info.indexSpace = QT_TRANSLATE_NOOP("Kernels", "rows (first axis)");
    def.info.resultText = result;
    def.indexCount = rowsCount;
    return def;
}

} // namespace

void addArrayKernels(std::deque<KernelDef>* kernels)
{
    KernelDef normalize = rowValued("row_normalize", QT_TRANSLATE_NOOP("Kernels", "Row a scaled to unit L2 norm"),
                                    QT_TRANSLATE_NOOP("Kernels", "the normalised row (shape of a row)"));
    normalize.resultShape = rowShape;
    normalize.create = [](const KernelContext& c, QString*) -> std::unique_ptr<Kernel> {
        return std::make_unique<NormalizeKernel>(c.input);
    };
    kernels->push_back(normalize);

    KernelDef cumsum = rowValued("row_cumsum", QT_TRANSLATE_NOOP("Kernels", "Running sum along row a (flattened)"),
                                 QT_TRANSLATE_NOOP("Kernels", "the running sums (row length values)"));
    cumsum.resultShape = flatRowShape;
    cumsum.create = [](const KernelContext& c, QString*) -> std::unique_ptr<Kernel> {
        return std::make_unique<CumsumKernel>(c.input);
    };
    kernels->push_back(cumsum);

    KernelDef blur = rowValued("blur",
                               QT_TRANSLATE_NOOP("Kernels",
                                                 "Gaussian blur of a 2-D array or an H×W×C image; "
                                                 "index a is output row a"),
                               QT_TRANSLATE_NOOP("Kernels", "the blurred row (W or W×C values)"));
    blur.indexCount = blurCount;
    blur.info.params = { { QStringLiteral("sigma"), ParamType::Double, 2.0, 0.1, 100.0,
                           QT_TRANSLATE_NOOP("Kernels", "Standard deviation of the Gaussian, in pixels") } };
    blur.resultShape = rowShape;
    blur.create = [](const KernelContext& c, QString*) -> std::unique_ptr<Kernel> {
        return std::make_unique<BlurKernel>(c.input, c.params.value(QStringLiteral("sigma")).toDouble());
    };
    kernels->push_back(blur);

    KernelDef mandelbrot;
    mandelbrot.info.name = QStringLiteral("mandelbrot");
    mandelbrot.info.description = QT_TRANSLATE_NOOP("Kernels",
                                                    "Escape counts of the Mandelbrot set, one image row per index "
                                                    "(no input array)");
    mandelbrot.info.indexSpace = QT_TRANSLATE_NOOP("Kernels", "image rows: `height`");
    mandelbrot.info.resultText = QT_TRANSLATE_NOOP("Kernels", "a row of `width` escape counts");
    mandelbrot.info.needsInput = false;
    mandelbrot.info.params = {
        { QStringLiteral("width"), ParamType::Int, qint64(800), qint64(1), qint64(100000),
          QT_TRANSLATE_NOOP("Kernels", "Image width in pixels") },
        { QStringLiteral("height"), ParamType::Int, qint64(600), qint64(1), qint64(100000),
          QT_TRANSLATE_NOOP("Kernels", "Image height in pixels (the index space)") },
        { QStringLiteral("x_min"), ParamType::Double, -2.25, -10.0, 10.0,
          QT_TRANSLATE_NOOP("Kernels", "Left edge (real part)") },
        { QStringLiteral("x_max"), ParamType::Double, 0.75, -10.0, 10.0,
          QT_TRANSLATE_NOOP("Kernels", "Right edge (real part)") },
        { QStringLiteral("y_min"), ParamType::Double, -1.125, -10.0, 10.0,
          QT_TRANSLATE_NOOP("Kernels", "Bottom edge (imaginary part)") },
        { QStringLiteral("y_max"), ParamType::Double, 1.125, -10.0, 10.0,
          QT_TRANSLATE_NOOP("Kernels", "Top edge (imaginary part)") },
        { QStringLiteral("max_iter"), ParamType::Int, qint64(256), qint64(1), qint64(1000000),
          QT_TRANSLATE_NOOP("Kernels", "Iterations before a point counts as inside") },
    };
    mandelbrot.indexCount = mandelbrotCount;
    mandelbrot.resultShape = [](const ArrayMeta&, const QVariantMap& p, QVector<qint64>* shape) {
        *shape = { p.value(QStringLiteral("width")).toLongLong() };
        return QString();
    };
    mandelbrot.create = [](const KernelContext& c, QString*) -> std::unique_ptr<Kernel> {
        return std::make_unique<MandelbrotKernel>(c.params);
    };
    kernels->push_back(mandelbrot);
}

} // namespace sharedmap
