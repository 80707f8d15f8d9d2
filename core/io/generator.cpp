#include "io/generator.h"

#include "io/atomicfile.h"
#include "io/npyformat.h"

#include <random>
#include <vector>

namespace sharedmap {

bool distributionFromName(const QString& name, Distribution* out)
{
    if (name == QLatin1String("uniform"))
        *out = Distribution::Uniform;
    else if (name == QLatin1String("normal"))
        *out = Distribution::Normal;
    else if (name == QLatin1String("arange"))
        *out = Distribution::Arange;
    else
        return false;
    return true;
}

struct Generator::Private
{
    DType dtype;
    Distribution distribution;
    std::mt19937_64 engine;
    std::normal_distribution<double> normal { 0.0, 1.0 };
    qint64 position = 0;

    double uniform01() { return double(engine() >> 11) * 0x1.0p-53; }
};

Generator::Generator(DType dtype, Distribution distribution, quint64 seed)
    : d(new Private { dtype, distribution, std::mt19937_64(seed) })
{ }

Generator::~Generator() = default;

void Generator::next(qint64 count, char* out)
{
    dispatchDType(d->dtype, [&](auto tag) {
        using T = decltype(tag);
        T* values = reinterpret_cast<T*>(out);
        const bool isFloat = std::is_floating_point_v<T>;
        for (qint64 i = 0; i < count; ++i) {
            const qint64 position = d->position + i;
            T value {};
            switch (d->distribution) {
            case Distribution::Uniform:
                if (d->dtype == DType::Bool)
                    value = T(d->uniform01() < 0.5 ? 0 : 1);
                else if constexpr (std::is_same_v<T, float>)
                    value = float(d->engine() >> 40) * 0x1.0p-24f; // 24 bits: never rounds up to 1.0f
                else if (isFloat)
                    value = T(d->uniform01());
                else
                    value = T(d->engine() % 100);
                break;
            case Distribution::Normal:
                if (d->dtype == DType::Bool)
                    value = T(d->normal(d->engine) > 0 ? 1 : 0);
                else if constexpr (std::is_unsigned_v<T>)
                    value = T(std::llround(std::abs(d->normal(d->engine)) * 10));
                else if (isFloat)
                    value = T(d->normal(d->engine));
                else
                    value = T(std::llround(d->normal(d->engine) * 10));
                break;
            case Distribution::Arange:
                // Wraps for narrow integer types as NumPy's astype does.
                if (d->dtype == DType::Bool)
                    value = T(position != 0 ? 1 : 0);
                else if (isFloat)
                    value = T(position);
                else
                    value = T(quint64(position));
                break;
            }
            values[i] = value;
        }
    });
    d->position += count;
}

QString generateNpy(const QString& path, const ArrayMeta& meta, Distribution distribution, quint64 seed)
{
    ArrayMeta out = meta;
    out.fortranOrder = false;
    out.sourceBigEndian = false;
    const qint64 elements = out.elementCount();
    if (elements < 0 || out.byteSize() < 0)
        return QStringLiteral("shape %1 is too large").arg(out.shapeText());
    AtomicFile file(path);
    if (!file.open() || !file.write(makeNpyHeader(out)))
        return file.errorString();
    Generator generator(out.dtype, distribution, seed);
    constexpr qint64 kBlock = 1 << 20;
    std::vector<char> buffer(size_t(kBlock * dtypeSize(out.dtype)));
    for (qint64 done = 0; done < elements;) {
        const qint64 count = qMin(kBlock, elements - done);
        generator.next(count, buffer.data());
        const qint64 bytes = count * dtypeSize(out.dtype);
        if (!file.write(buffer.data(), bytes))
            return file.errorString();
        done += count;
    }
    if (!file.commit())
        return file.errorString();
    return {};
}

std::shared_ptr<SharedArray> generateArray(const ArrayMeta& meta, Distribution distribution, quint64 seed,
                                           QString* error)
{
    ArrayMeta out = meta;
    out.fortranOrder = false;
    auto array = SharedArray::create(out, error);
    if (!array)
        return nullptr;
    Generator generator(out.dtype, distribution, seed);
    generator.next(out.elementCount(), array->mutableData());
    return array;
}

} // namespace sharedmap
