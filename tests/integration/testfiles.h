#pragma once

// Reading what the CLI wrote, for the integration tests: result .npy files and summaries.

#include "io/npyformat.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QVector>

namespace testfiles {

/// A 1-D little-endian float64 .npy (what `run --output` writes); empty, with a warning, otherwise.
inline QVector<double> readVector(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("cannot open %s", qPrintable(path));
        return {};
    }
    sharedmap::NpyHeader header;
    const QString error = sharedmap::readNpyHeader(file, file.size(), &header);
    if (!error.isEmpty() || header.meta.dtype != sharedmap::DType::Float64 || header.meta.shape.size() != 1
        || header.meta.sourceBigEndian) {
        qWarning("%s: not a 1-D little-endian float64 array (%s)", qPrintable(path), qPrintable(error));
        return {};
    }
    QVector<double> values(int(header.meta.shape[0]));
    const qint64 bytes = qint64(sizeof(double)) * values.size();
    if (file.read(reinterpret_cast<char*>(values.data()), bytes) != bytes)
        return {};
    return values;
}

/// A JSON object file (a `--summary`); empty when missing or not an object.
inline QJsonObject readJson(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object() : QJsonObject();
}

} // namespace testfiles
