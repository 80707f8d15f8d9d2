#pragma once

#include "io/arrayloader.h"
#include "io/generator.h"
#include "shm/sharedarray.h"

#include <atomic>
#include <memory>
#include <QHash>
#include <QObject>
#include <QThreadPool>

namespace sharedmap {

/// The arrays a session holds in shared memory: loads and generates them off the calling thread
/// and reports through signals, so a window never blocks on a big file.
class ArrayStore : public QObject
{
    Q_OBJECT
public:
    /// One loaded (or loading) array.
    struct Entry
    {
        int id = 0;
        QString name; ///< file name, or the generated array's name
        QString path; ///< empty for generated arrays
        LoadOptions options; ///< how the file was read
        std::shared_ptr<const SharedArray> array; ///< null while loading
    };

    explicit ArrayStore(QObject* parent = nullptr);
    ~ArrayStore() override;

    /// Starts loading a file of any registered format (see ArrayLoader) with `options`; returns
    /// the id the signals will carry.
    int load(const QString& path, const LoadOptions& options = {});
    /// Starts generating an array in shared memory; returns its id.
    int generate(const QString& name, const ArrayMeta& meta, Distribution distribution, quint64 seed);
    /// Adds an array already in shared memory — a finished job's output — under `name`, with no
    /// copy; announced like a load (loadStarted, then loaded from the event loop). Returns its id.
    int adopt(const QString& name, std::shared_ptr<const SharedArray> array);
    /// Stops a load in progress (loadFailed follows with "cancelled").
    void cancelLoad(int id);
    /// Drops an array; its segment goes away once no running job holds it.
    void remove(int id);
    /// Renames a loaded array (what the window lists and a job names as its input); false when
    /// there is no such array or the name is empty.
    bool rename(int id, const QString& name);

    bool contains(int id) const { return m_entries.contains(id); }
    Entry entry(int id) const { return m_entries.value(id); }
    std::shared_ptr<const SharedArray> array(int id) const { return m_entries.value(id).array; }
    /// Ids of loaded arrays (not those still loading), in load order.
    QVector<int> ids() const;
    bool isLoading() const { return !m_cancel.isEmpty(); }

signals:
    void loadStarted(int id, const QString& name);
    void loadProgress(int id, qint64 done, qint64 total);
    void loaded(int id);
    void loadFailed(int id, const QString& error);
    void removed(int id);
    void renamed(int id);

private:
    /// Registers a pending entry and announces it; returns its cancel flag.
    std::shared_ptr<std::atomic_bool> beginEntry(int id, const QString& name, const QString& path);
    void finishLoad(int id, std::shared_ptr<const SharedArray> array, const QString& error);

    QThreadPool m_threads;
    int m_nextId = 1;
    QHash<int, Entry> m_entries;
    QVector<int> m_order;
    QHash<int, std::shared_ptr<std::atomic_bool>> m_cancel;
};

} // namespace sharedmap
