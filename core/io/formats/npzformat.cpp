#include "io/formats/npzformat.h"

#include "io/formats/rawformat.h"
#include "io/npyformat.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <zip.h>

namespace sharedmap {

namespace {

/// An open archive, closed (discarding nothing: it is read-only) when it goes.
using Archive = std::unique_ptr<zip_t, void (*)(zip_t*)>;
using Member = std::unique_ptr<zip_file_t, int (*)(zip_file_t*)>;

Archive openArchive(const QString& path, QString* error)
{
    Archive archive(nullptr, [](zip_t* z) { zip_discard(z); });
    if (!QFileInfo(path).isFile()) {
        *error = QStringLiteral("%1: no such file").arg(path);
        return archive;
    }
    int code = 0;
    archive.reset(zip_open(QFile::encodeName(path).constData(), ZIP_RDONLY | ZIP_CHECKCONS, &code));
    if (!archive) {
        zip_error_t zipError;
        zip_error_init_with_code(&zipError, code);
        *error = QStringLiteral("%1: not a readable .npz (zip) file: %2")
                     .arg(path, QString::fromUtf8(zip_error_strerror(&zipError)));
        zip_error_fini(&zipError);
    }
    return archive;
}

/// The `.npy` members of the archive: array name (member name without `.npy`) and index.
QVector<QPair<QString, zip_uint64_t>> arrayMembers(zip_t* archive)
{
    QVector<QPair<QString, zip_uint64_t>> members;
    const zip_int64_t count = zip_get_num_entries(archive, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        const char* name = zip_get_name(archive, zip_uint64_t(i), 0);
        const QString text = name ? QString::fromUtf8(name) : QString();
        if (text.endsWith(QLatin1String(".npy")))
            members.append({ text.chopped(4), zip_uint64_t(i) });
    }
    return members;
}

/// Reads exactly `bytes` from a member; false on a short read.
bool readExactly(zip_file_t* file, char* out, qint64 bytes)
{
    while (bytes > 0) {
        const zip_int64_t got = zip_fread(file, out, zip_uint64_t(bytes));
        if (got <= 0)
            return false;
        out += got;
        bytes -= got;
    }
    return true;
}

/// Opens the chosen array's member and reads its `.npy` header; leaves it at the first data byte.
QString openArray(const QString& path, zip_t* archive, const QString& dataset, QString* name, Member* member,
                  NpyHeader* header, qint64* memberBytes)
{
    const auto members = arrayMembers(archive);
    QStringList names;
    for (const auto& m : members)
        names.append(m.first);
    qint64 index = -1;
    if (dataset.isEmpty()) {
        if (members.size() != 1)
            return members.isEmpty() ? QStringLiteral("%1: the archive holds no .npy arrays").arg(path)
                                     : QStringLiteral("%1: the archive holds %2 arrays; pick one with --dataset (%3)")
                                           .arg(path)
                                           .arg(members.size())
                                           .arg(names.join(QLatin1String(", ")));
        index = 0;
    } else {
        index = names.indexOf(dataset);
        if (index < 0)
            return QStringLiteral("%1: no array named '%2' (arrays: %3)")
                .arg(path, dataset, names.join(QLatin1String(", ")));
    }
    *name = members[index].first;
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, members[index].second, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE))
        return QStringLiteral("%1: cannot read the entry of '%2': %3")
            .arg(path, *name, QString::fromUtf8(zip_strerror(archive)));
    *memberBytes = qint64(stat.size);
    member->reset(zip_fopen_index(archive, members[index].second, 0));
    if (!*member)
        return QStringLiteral("%1: cannot open array '%2': %3")
            .arg(path, *name, QString::fromUtf8(zip_strerror(archive)));
    QByteArray bytes(12, Qt::Uninitialized);
    if (*memberBytes < 12 || !readExactly(member->get(), bytes.data(), 12))
        return QStringLiteral("%1: array '%2' is not a .npy file (too short)").arg(path, *name);
    qint64 dictLength = 0;
    QString error = parseNpyPreamble(bytes, header, &dictLength);
    if (error.isEmpty() && (header->dataOffset < 12 || header->dataOffset > *memberBytes))
        error = QStringLiteral("header length runs past the end of the file");
    if (!error.isEmpty())
        return QStringLiteral("%1: array '%2': %3").arg(path, *name, error);
    bytes.resize(header->dataOffset);
    if (!readExactly(member->get(), bytes.data() + 12, header->dataOffset - 12))
        return QStringLiteral("%1: array '%2': truncated .npy header").arg(path, *name);
    error = parseNpyDict(bytes.right(dictLength), &header->meta);
    if (error.isEmpty()) {
        const qint64 available = *memberBytes - header->dataOffset;
        const qint64 needed = header->meta.byteSize();
        if (needed != available)
            error = QStringLiteral("shape %1 of %2 needs %3 bytes of data, the member holds %4")
                        .arg(header->meta.shapeText(), dtypeName(header->meta.dtype))
                        .arg(needed)
                        .arg(available);
    }
    if (!error.isEmpty())
        return QStringLiteral("%1: array '%2': %3").arg(path, *name, error);
    return {};
}

} // namespace

FormatHandler npzFormat()
{
    FormatHandler handler;
    handler.name = QStringLiteral("npz");
    handler.extensions = { QStringLiteral("npz") };
    handler.load
        = [](const QString& path, const LoadOptions& options, QString* error, const SharedArray::Progress& progress,
             const std::atomic_bool* cancel) -> std::shared_ptr<SharedArray> {
        Archive archive = openArchive(path, error);
        if (!archive)
            return nullptr;
        QString name;
        Member member(nullptr, zip_fclose);
        NpyHeader header;
        qint64 memberBytes = 0;
        const QString problem = openArray(path, archive.get(), options.dataset, &name, &member, &header, &memberBytes);
        if (!problem.isEmpty()) {
            *error = problem;
            return nullptr;
        }
        zip_file_t* file = member.get();
        auto array = streamIntoArray(
            path, header.meta,
            [file, &name](char* out, qint64 bytes, QString* readError) -> qint64 {
                const zip_int64_t got = zip_fread(file, out, zip_uint64_t(bytes));
                if (got < 0)
                    *readError = QStringLiteral("array '%1': %2").arg(name, QString::fromUtf8(zip_file_strerror(file)));
                else if (got == 0)
                    *readError = QStringLiteral("array '%1' is truncated").arg(name);
                return got == 0 ? -1 : qint64(got);
            },
            error, progress, cancel);
        return array;
    };
    handler.probe = [](const QString& path, const LoadOptions& options, ArrayProbe* probe) {
        QString error;
        Archive archive = openArchive(path, &error);
        if (!archive)
            return error;
        QString name;
        Member member(nullptr, zip_fclose);
        NpyHeader header;
        qint64 memberBytes = 0;
        error = openArray(path, archive.get(), options.dataset, &name, &member, &header, &memberBytes);
        if (!error.isEmpty())
            return error;
        probe->meta = header.meta;
        QStringList names;
        for (const auto& m : arrayMembers(archive.get()))
            names.append(m.first);
        probe->details
            = { { QStringLiteral("dataset"), name }, { QStringLiteral("arrays"), QJsonArray::fromStringList(names) } };
        return QString();
    };
    handler.list = [](const QString& path, QVector<DatasetInfo>* datasets) {
        QString error;
        Archive archive = openArchive(path, &error);
        if (!archive)
            return error;
        for (const auto& m : arrayMembers(archive.get())) {
            DatasetInfo info;
            info.name = m.first;
            QString name;
            Member member(nullptr, zip_fclose);
            NpyHeader header;
            qint64 memberBytes = 0;
            const QString problem = openArray(path, archive.get(), m.first, &name, &member, &header, &memberBytes);
            if (problem.isEmpty()) {
                info.meta = header.meta;
                info.typeText = dtypeName(header.meta.dtype);
            } else {
                info.typeText = problem.section(QLatin1String(": "), -1);
            }
            datasets->append(info);
        }
        return QString();
    };
    return handler;
}

} // namespace sharedmap
