#include "io/arraystore.h"

#include <QFileInfo>

namespace sharedmap {

ArrayStore::ArrayStore(QObject* parent)
    : QObject(parent)
{
    m_threads.setMaxThreadCount(2);
}

ArrayStore::~ArrayStore()
{
    for (const auto& flag : std::as_const(m_cancel))
        flag->store(true);
    m_threads.waitForDone(); // loads stop at their next 64 MiB slice
}

std::shared_ptr<std::atomic_bool> ArrayStore::beginEntry(int id, const QString& name, const QString& path)
{
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_cancel.insert(id, cancel);
    Entry entry;
    entry.id = id;
    entry.name = name;
    entry.path = path;
    m_entries.insert(id, entry);
    emit loadStarted(id, name);
    return cancel;
}

int ArrayStore::load(const QString& path, const LoadOptions& options)
{
    const int id = m_nextId++;
    QString name = path.startsWith(QLatin1String("shm:")) ? path : QFileInfo(path).fileName();
    if (!options.dataset.isEmpty())
        name += QLatin1Char(':') + options.dataset;
    const auto cancel = beginEntry(id, name, path);
    m_entries[id].options = options;
    m_threads.start([this, id, path, options, cancel] {
        QString error;
        auto progress = [this, id](qint64 done, qint64 total) {
            QMetaObject::invokeMethod(
                this, [this, id, done, total] { emit loadProgress(id, done, total); }, Qt::QueuedConnection);
        };
        std::shared_ptr<SharedArray> array = loadArray(path, options, &error, progress, cancel.get());
        QMetaObject::invokeMethod(
            this, [this, id, array, error] { finishLoad(id, array, error); }, Qt::QueuedConnection);
    });
    return id;
}

int ArrayStore::generate(const QString& name, const ArrayMeta& meta, Distribution distribution, quint64 seed)
{
    const int id = m_nextId++;
    beginEntry(id, name, QString());
    m_threads.start([this, id, meta, distribution, seed] {
        QString error;
        std::shared_ptr<SharedArray> array = generateArray(meta, distribution, seed, &error);
        QMetaObject::invokeMethod(
            this, [this, id, array, error] { finishLoad(id, array, error); }, Qt::QueuedConnection);
    });
    return id;
}

int ArrayStore::adopt(const QString& name, std::shared_ptr<const SharedArray> array)
{
    const int id = m_nextId++;
    beginEntry(id, name, QString());
    QMetaObject::invokeMethod(
        this, [this, id, array] { finishLoad(id, array, QString()); }, Qt::QueuedConnection);
    return id;
}

void ArrayStore::finishLoad(int id, std::shared_ptr<const SharedArray> array, const QString& error)
{
    const bool cancelled = m_cancel.contains(id) && m_cancel.value(id)->load();
    m_cancel.remove(id);
    if (!array || cancelled || !m_entries.contains(id)) {
        m_entries.remove(id);
        emit loadFailed(id, array ? tr("loading cancelled") : error);
        return;
    }
    m_entries[id].array = std::move(array);
    m_order.append(id);
    emit loaded(id);
}

void ArrayStore::cancelLoad(int id)
{
    if (auto flag = m_cancel.value(id))
        flag->store(true);
}

void ArrayStore::remove(int id)
{
    cancelLoad(id);
    if (!m_entries.contains(id) || !m_entries.value(id).array)
        return;
    m_entries.remove(id);
    m_order.removeAll(id);
    emit removed(id);
}

bool ArrayStore::rename(int id, const QString& name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty() || !m_entries.contains(id) || !m_entries.value(id).array)
        return false;
    if (m_entries[id].name != trimmed) {
        m_entries[id].name = trimmed;
        emit renamed(id);
    }
    return true;
}

QVector<int> ArrayStore::ids() const
{
    return m_order;
}

} // namespace sharedmap
