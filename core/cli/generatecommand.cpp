// `sharedmap-cli generate`: a .npy of seeded demo data, written as NumPy writes it.

#include "cli/cliapp.h"
#include "cli/clicommon.h"
#include "cli/commands.h"
#include "io/generator.h"
#include "job/jobspec.h"

#include <QCommandLineParser>

namespace sharedmap::cli {

int generateCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption shape(QStringLiteral("shape"), QStringLiteral("Array shape, e.g. 1000x1000."),
                                   QStringLiteral("SHAPE"));
    const QCommandLineOption dtype(QStringLiteral("dtype"), QStringLiteral("Element type (default float64)."),
                                   QStringLiteral("DTYPE"), QStringLiteral("float64"));
    const QCommandLineOption dist(QStringLiteral("dist"), QStringLiteral("uniform (default), normal or arange."),
                                  QStringLiteral("DIST"), QStringLiteral("uniform"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed (default 0)."),
                                  QStringLiteral("S"), QStringLiteral("0"));
    const QCommandLineOption output(QStringLiteral("output"), QStringLiteral("The .npy file to write."),
                                    QStringLiteral("FILE"));
    parser.addOptions({ shape, dtype, dist, seed, output });
    if (const int code = parseCommand(parser, arguments, QStringLiteral("Write a .npy file of demo data.")); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    if (!parser.isSet(shape))
        return usageError(QStringLiteral("generate needs --shape (e.g. --shape 1000x1000)"));
    if (!parser.isSet(output))
        return usageError(QStringLiteral("generate needs --output FILE.npy"));
    ArrayMeta meta;
    QString error = parseShape(parser.value(shape), &meta.shape);
    if (!error.isEmpty())
        return usageError(error);
    meta.dtype = dtypeFromName(parser.value(dtype));
    if (meta.dtype == DType::Invalid)
        return usageError(QStringLiteral("unknown dtype '%1' (use bool, int8..int64, uint8..uint64, float32, float64)")
                              .arg(parser.value(dtype)));
    Distribution distribution;
    if (!distributionFromName(parser.value(dist), &distribution))
        return usageError(
            QStringLiteral("unknown distribution '%1' (use uniform, normal or arange)").arg(parser.value(dist)));
    bool ok = false;
    const quint64 seedValue = parser.value(seed).toULongLong(&ok);
    if (!ok)
        return usageError(QStringLiteral("seed must be a non-negative integer, not '%1'").arg(parser.value(seed)));
    error = checkOutputPath(parser.value(output), { QStringLiteral("npy") });
    if (!error.isEmpty())
        return usageError(error);
    const qint64 bytes = meta.byteSize();
    if (bytes < 0 || bytes > (qint64(1) << 50))
        return usageError(QStringLiteral("shape %1 is too large").arg(meta.shapeText()));
    error = generateNpy(parser.value(output), meta, distribution, seedValue);
    if (!error.isEmpty())
        return usageError(error);
    return ExitOk;
}

} // namespace sharedmap::cli
