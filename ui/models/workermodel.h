#pragma once

#include "engine/pool.h"

#include <array>
#include <QAbstractTableModel>
#include <QColor>
#include <QIcon>
#include <QVector>

namespace sharedmap {

/// One row per pool worker: state, claimed chunk, tasks done, CPU and memory, heartbeat age.
/// Fed snapshots by setWorkers() from the monitor's sampling timer.
class WorkerModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        WorkerColumn,
        PidColumn,
        StateColumn,
        ChunkColumn,
        TasksColumn,
        CpuColumn,
        RssColumn,
        PssColumn,
        OwnColumn,
        HeartbeatColumn,
        ColumnCount
    };

    explicit WorkerModel(QObject* parent = nullptr);

    /// Replaces the snapshot: rows are inserted or removed when the count changes, and the rows
    /// kept are reported with one dataChanged. `stopped`: the job was cancelled, so workers that
    /// ended are shown as stopped rather than finished.
    void setWorkers(const QVector<WorkerInfo>& workers, bool stopped = false);
    /// Each worker's own memory (outside shared memory), per slot, from the pool's last reading.
    void setOwnMemory(const QVector<qint64>& bytes);
    /// The current snapshot.
    const QVector<WorkerInfo>& workers() const { return m_workers; }

    /// Translated name of a state ("running", ...).
    static QString stateText(WorkerState state);
    /// What a worker of a cancelled or failed job is shown as: "stopped".
    static QString stoppedText();
    /// Colour of a state's dot: amber starting, green running, grey idle, red crashed, blue finished.
    static QColor stateColor(WorkerState state);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QIcon stateIcon(WorkerState state) const;

    QVector<WorkerInfo> m_workers;
    QVector<qint64> m_own;
    bool m_stopped = false;
    mutable std::array<QIcon, 5> m_icons; ///< made on first use: pixmaps need a GUI application
};

} // namespace sharedmap
