#include "jobfile.h"

#include "base/progressformat.h"
#include "io/npyformat.h"
#include "kernels/kernel.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <QTimer>

namespace sharedmap {

JobFile::JobFile(QObject* parent)
    : QObject(parent)
{ }

QString JobFile::inputPathFor(const QString& jobPath)
{
    const QFileInfo job(jobPath);
    return job.absoluteDir().filePath(job.completeBaseName() + QStringLiteral(".input.npy"));
}

QString JobFile::save(const QString& path, JobSpec spec, const ArrayStore::Entry& input)
{
    const KernelDef* def = KernelRegistry::instance().find(spec.kernel);
    const bool needsInput = !def || def->info.needsInput;
    spec.input.clear();
    spec.inputOptions = LoadOptions();
    if (!needsInput || !input.array) {
        const QString error = spec.save(path);
        if (error.isEmpty())
            QTimer::singleShot(0, this, [this, path] { emit saved(path, tr("Job saved to %1").arg(path), {}); });
        return error;
    }
    if (!input.path.isEmpty()) { // read from a file: the job says which and how
        spec.input = input.path;
        spec.inputOptions = input.options;
        const QString error = spec.save(path);
        if (error.isEmpty())
            QTimer::singleShot(0, this, [this, path] { emit saved(path, tr("Job saved to %1").arg(path), {}); });
        return error;
    }
    // Made in the window: written beside the job (relative, so the pair can be moved together),
    // then the job, so a job file never names an array that is not there.
    const QString arrayPath = inputPathFor(path);
    spec.input = QFileInfo(arrayPath).fileName();
    std::shared_ptr<const SharedArray> array = input.array;
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path, arrayPath, spec, array, input] {
        QString error = watcher->result();
        watcher->deleteLater();
        if (error.isEmpty())
            error = spec.save(path);
        emit saved(path,
                   error.isEmpty() ? tr("Job saved to %1, with its input \"%2\" (%3) written beside it as %4")
                                         .arg(path, input.name, formatBytes(array->meta().byteSize()),
                                              QFileInfo(arrayPath).fileName())
                                   : QString(),
                   error.isEmpty() ? QString() : tr("Could not save the job to %1: %2").arg(path, error));
    });
    watcher->setFuture(
        QtConcurrent::run([array, arrayPath] { return writeNpy(arrayPath, array->meta(), array->view().data); }));
    return {};
}

} // namespace sharedmap
