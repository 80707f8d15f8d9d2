// `sharedmap-cli kernels`: the registry's kernels (built in, named plugins, the plugins folder)
// as text or JSON.

#include "cli/cliapp.h"
#include "cli/clicommon.h"
#include "cli/commands.h"
#include "kernels/kernel.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sharedmap::cli {

int kernelsCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON instead of text."));
    const QCommandLineOption plugin(QStringLiteral("plugin"), QStringLiteral("Load a kernel plugin first. Repeatable."),
                                    QStringLiteral("PATH"));
    parser.addOptions({ json, plugin });
    parser.setApplicationDescription(QString());
    if (const int code = parseCommand(parser, arguments, QStringLiteral("List the kernels and their parameters."));
        code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("kernels takes no arguments"));
    if (const int code = loadPlugins(parser.values(plugin)); code >= 0)
        return code;
    const auto kernels = KernelRegistry::instance().all();
    if (parser.isSet(json)) {
        QJsonArray list;
        for (const KernelDef* def : kernels) {
            QJsonArray params;
            for (const ParamSpec& spec : def->info.params) {
                params.append(QJsonObject { { QStringLiteral("name"), spec.name },
                                            { QStringLiteral("type"), paramTypeName(spec.type) },
                                            { QStringLiteral("default"), QJsonValue::fromVariant(spec.defaultValue) },
                                            { QStringLiteral("min"), QJsonValue::fromVariant(spec.minimum) },
                                            { QStringLiteral("max"), QJsonValue::fromVariant(spec.maximum) },
                                            { QStringLiteral("description"), QString::fromUtf8(spec.description) },
                                            { QStringLiteral("choices"), QJsonArray::fromStringList(spec.choices) } });
            }
            list.append(
                QJsonObject { { QStringLiteral("name"), def->info.name },
                              { QStringLiteral("description"), QString::fromUtf8(def->info.description) },
                              { QStringLiteral("index_space"), QString::fromUtf8(def->info.indexSpace) },
                              { QStringLiteral("needs_input"), def->info.needsInput },
                              { QStringLiteral("result"), QString::fromUtf8(def->info.resultText) },
                              { QStringLiteral("output"),
                                QString::fromUtf8(*def->info.accumulatorText ? def->info.accumulatorText : "results") },
                              { QStringLiteral("plugin"), def->pluginPath },
                              { QStringLiteral("params"), params } });
        }
        printOut(QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    QString text;
    for (const KernelDef* def : kernels) {
        text += QStringLiteral("%1\n    %2\n    indices: %3%4\n    result per index: %5\n")
                    .arg(def->info.name, QString::fromUtf8(def->info.description),
                         QString::fromUtf8(def->info.indexSpace),
                         def->info.needsInput ? QString() : QStringLiteral(" (no input array)"),
                         QString::fromUtf8(def->info.resultText));
        if (*def->info.accumulatorText)
            text += QStringLiteral("    --output saves: %1\n").arg(QString::fromUtf8(def->info.accumulatorText));
        if (!def->pluginPath.isEmpty())
            text += QStringLiteral("    plugin: %1\n").arg(def->pluginPath);
        for (const ParamSpec& spec : def->info.params) {
            QString range;
            if (spec.minimum.isValid() || spec.maximum.isValid())
                range = QStringLiteral(", %1..%2").arg(spec.minimum.toString(), spec.maximum.toString());
            text += QStringLiteral("    --param %1=%2 (%3, default %4%5): %6\n")
                        .arg(spec.name,
                             spec.choices.isEmpty() ? paramTypeName(spec.type).toUpper()
                                                    : spec.choices.join(QLatin1Char('|')),
                             paramTypeName(spec.type), spec.defaultValue.toString(), range,
                             QString::fromUtf8(spec.description));
        }
    }
    printOut(text);
    return ExitOk;
}

} // namespace sharedmap::cli
