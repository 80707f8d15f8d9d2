#include "kernels/kernel.h"

#include <cmath>
#include <limits>
#include <QCoreApplication>

namespace sharedmap {

ParamSpec sleepParam()
{
    ParamSpec spec { QStringLiteral("sleep_ms"),
                     ParamType::Double,
                     0.0,
                     0.0,
                     3600000.0,
                     QT_TRANSLATE_NOOP("Kernels", "Simulated work per index, in milliseconds") };
    spec.affectsValues = false; // simulated work: the same values, later
    return spec;
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
