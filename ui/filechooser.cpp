#include "filechooser.h"

#include "io/arrayloader.h"
#include "job/resultwriter.h"
#include "settings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QRegularExpression>

namespace sharedmap {

namespace {

QString translate(const char* text)
{
    return QCoreApplication::translate("FileChooser", text);
}

/// What a format is called in a filter; a format without a name here shows as its own name.
QString formatTitle(const QString& name)
{
    static const QHash<QString, const char*> titles
        = { { QStringLiteral("npy"), QT_TRANSLATE_NOOP("FileChooser", "NumPy array") },
            { QStringLiteral("npz"), QT_TRANSLATE_NOOP("FileChooser", "NumPy archive") },
            { QStringLiteral("hdf5"), QT_TRANSLATE_NOOP("FileChooser", "HDF5") },
            { QStringLiteral("csv"), QT_TRANSLATE_NOOP("FileChooser", "CSV table") },
            { QStringLiteral("tsv"), QT_TRANSLATE_NOOP("FileChooser", "TSV table") },
            { QStringLiteral("raw"), QT_TRANSLATE_NOOP("FileChooser", "Raw binary") },
            { QStringLiteral("image"), QT_TRANSLATE_NOOP("FileChooser", "Images") },
            { QStringLiteral("png"), QT_TRANSLATE_NOOP("FileChooser", "PNG image of image-shaped results") } };
    const auto it = titles.constFind(name);
    return it != titles.constEnd() ? translate(it.value()) : name.toUpper();
}

QString patterns(const QStringList& extensions)
{
    QStringList globs;
    for (const QString& extension : extensions)
        globs << QStringLiteral("*.") + extension;
    return globs.join(QLatin1Char(' '));
}

QFileDialog* makeDialog(QWidget* parent, const QString& title, const QString& folder, const QString& filter)
{
    auto* dialog = new QFileDialog(parent, title, folder, filter);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    return dialog;
}

} // namespace

QString FileChooser::openArrayFilter()
{
    const ArrayLoader& loader = ArrayLoader::instance();
    QStringList filters;
    QStringList all;
    for (const QString& name : loader.formatNames()) {
        const FormatHandler* handler = loader.find(name);
        if (!handler || handler->extensions.isEmpty())
            continue; // shm:NAME and the like are not files
        all += handler->extensions;
        filters << QStringLiteral("%1 (%2)").arg(formatTitle(name), patterns(handler->extensions));
    }
    filters.prepend(QCoreApplication::translate("FileChooser", "All arrays (%1)").arg(patterns(all)));
    filters << QCoreApplication::translate("FileChooser", "All files (*)");
    return filters.join(QStringLiteral(";;"));
}

QString FileChooser::exportFilter()
{
    QStringList filters;
    QStringList extensions = resultExtensions();
    // HDF5's two extensions are one format.
    if (extensions.contains(QStringLiteral("h5")))
        extensions.removeAll(QStringLiteral("hdf5"));
    for (const QString& extension : extensions) {
        if (extension == QLatin1String("h5"))
            filters << QStringLiteral("%1 (*.h5 *.hdf5)").arg(formatTitle(QStringLiteral("hdf5")));
        else
            filters << QStringLiteral("%1 (*.%2)").arg(formatTitle(extension), extension);
    }
    return filters.join(QStringLiteral(";;"));
}

QString FileChooser::filterSuffix(const QString& filter)
{
    static const QRegularExpression first(QStringLiteral("\\(\\*\\.([A-Za-z0-9]+)"));
    const QRegularExpressionMatch match = first.match(filter);
    return match.hasMatch() ? match.captured(1) : QString();
}

void FileChooser::open(QWidget* parent, const QString& title, const QString& filter,
                       std::function<void(const QString&)> then)
{
    QFileDialog* dialog = makeDialog(parent, title, Settings::instance()->lastDirectory(), filter);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    dialog->setFileMode(QFileDialog::ExistingFile);
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog, [then](const QString& path) {
        Settings::instance()->setLastDirectory(QFileInfo(path).absolutePath());
        then(path);
    });
    dialog->open();
}

void FileChooser::save(QWidget* parent, const QString& title, const QString& filter, const QString& name,
                       std::function<void(const QString&)> then)
{
    QFileDialog* dialog
        = makeDialog(parent, title, QDir(Settings::instance()->lastSaveDirectory()).filePath(name), filter);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    // A name typed without an extension gets the selected format's ("results" -> "results.csv").
    dialog->setDefaultSuffix(filterSuffix(dialog->selectedNameFilter()));
    QObject::connect(dialog, &QFileDialog::filterSelected, dialog,
                     [dialog](const QString& selected) { dialog->setDefaultSuffix(filterSuffix(selected)); });
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog, [then](const QString& path) {
        Settings::instance()->setLastSaveDirectory(QFileInfo(path).absolutePath());
        then(path);
    });
    dialog->open();
}

} // namespace sharedmap
