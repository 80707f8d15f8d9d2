#include "models/workermodel.h"

#include "base/progressformat.h"

#include <QPainter>
#include <QPixmap>

namespace sharedmap {

namespace {

const QChar kEmDash(0x2014);

int stateSlot(WorkerState state)
{
    const int slot = int(state);
    return slot >= 0 && slot < 5 ? slot : int(WorkerState::Starting);
}

} // namespace

WorkerModel::WorkerModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void WorkerModel::setWorkers(const QVector<WorkerInfo>& workers, bool stopped)
{
    m_stopped = stopped;
    const int oldCount = m_workers.size();
    const int newCount = workers.size();
    if (newCount < oldCount) {
        beginRemoveRows({}, newCount, oldCount - 1);
        m_workers.resize(newCount);
        endRemoveRows();
    }
    const int kept = qMin(oldCount, newCount);
    std::copy(workers.cbegin(), workers.cbegin() + kept, m_workers.begin());
    if (kept > 0)
        emit dataChanged(index(0, 0), index(kept - 1, ColumnCount - 1));
    if (newCount > oldCount) {
        beginInsertRows({}, oldCount, newCount - 1);
        m_workers += workers.mid(oldCount);
        endInsertRows();
    }
}

void WorkerModel::setOwnMemory(const QVector<qint64>& bytes)
{
    if (bytes == m_own)
        return;
    m_own = bytes;
    if (!m_workers.isEmpty())
        emit dataChanged(index(0, OwnColumn), index(int(m_workers.size()) - 1, OwnColumn));
}

QString WorkerModel::stateText(WorkerState state)
{
    switch (state) {
    case WorkerState::Starting:
        return tr("starting");
    case WorkerState::Running:
        return tr("running");
    case WorkerState::Idle:
        return tr("idle");
    case WorkerState::Crashed:
        return tr("crashed");
    case WorkerState::Finished:
        return tr("finished");
    }
    return tr("unknown");
}

QString WorkerModel::stoppedText()
{
    return tr("stopped");
}

QColor WorkerModel::stateColor(WorkerState state)
{
    switch (state) {
    case WorkerState::Starting:
        return QColor(0xf0, 0xa0, 0x00);
    case WorkerState::Running:
        return QColor(0x2e, 0x9e, 0x44);
    case WorkerState::Idle:
        return QColor(0x9e, 0x9e, 0x9e);
    case WorkerState::Crashed:
        return QColor(0xd3, 0x2f, 0x2f);
    case WorkerState::Finished:
        return QColor(0x1e, 0x6f, 0xd9);
    }
    return QColor(Qt::black);
}

QIcon WorkerModel::stateIcon(WorkerState state) const
{
    QIcon& icon = m_icons[size_t(stateSlot(state))];
    if (icon.isNull()) {
        QPixmap pixmap(12, 12);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const QColor colour = stateColor(state);
        painter.setPen(QPen(colour.darker(130), 1));
        painter.setBrush(colour);
        painter.drawEllipse(QRectF(1.5, 1.5, 9, 9));
        painter.end();
        icon = QIcon(pixmap);
    }
    return icon;
}

int WorkerModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_workers.size());
}

int WorkerModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WorkerModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const WorkerInfo& worker = m_workers.at(index.row());
    const bool gone = worker.state == WorkerState::Crashed || worker.state == WorkerState::Finished;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case WorkerColumn:
            // Restarts beside the slot: a worker that was replaced is not the process it was.
            return worker.restarts > 0 ? tr("%1 (↻%2)").arg(worker.slot).arg(worker.restarts)
                                       : QString::number(worker.slot);
        case PidColumn:
            return worker.pid > 0 ? QString::number(worker.pid) : QString(kEmDash);
        case StateColumn:
            return m_stopped && worker.state == WorkerState::Finished ? stoppedText() : stateText(worker.state);
        case ChunkColumn: // positions as a Python range: begin:end, end excluded
            if (worker.rangeBegin < 0 || worker.rangeEnd <= worker.rangeBegin)
                return QString(kEmDash);
            return QStringLiteral("%1:%2").arg(worker.rangeBegin).arg(worker.rangeEnd);
        case TasksColumn:
            return QString::number(worker.tasksDone);
        case CpuColumn:
            return QString::number(worker.cpuPercent, 'f', 0);
        case RssColumn: // 0 until the pool's first memory sample
            return worker.rssBytes > 0 ? formatBytes(worker.rssBytes) : QString(kEmDash);
        case PssColumn:
            return worker.pssBytes > 0 ? formatBytes(worker.pssBytes) : QString(kEmDash);
        case OwnColumn: {
            const qint64 own = worker.slot >= 0 && worker.slot < m_own.size() ? m_own.at(worker.slot) : 0;
            return own > 0 ? formatBytes(own) : QString(kEmDash);
        }
        case HeartbeatColumn:
            if (gone)
                return QString(kEmDash);
            // Beats are stamped by the worker and read here a moment later: never "-0.0 s ago".
            return tr("%1 s ago").arg(qMax(0.0, worker.heartbeatAgeS), 0, 'f', 1);
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == StateColumn)
            return stateIcon(worker.state);
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case WorkerColumn:
            return tr("Slot %1: %n process restart(s)", nullptr, worker.restarts).arg(worker.slot);
        case StateColumn:
            return m_stopped && worker.state == WorkerState::Finished
                ? tr("The job was cancelled: the worker was stopped before the job was done")
                : QVariant();
        case ChunkColumn:
            if (worker.rangeBegin >= 0 && worker.rangeEnd > worker.rangeBegin)
                return tr("Positions %1:%2 (%n position(s), the end excluded, as in Python), claimed and being "
                          "computed",
                          nullptr, int(qMin<qint64>(worker.rangeEnd - worker.rangeBegin, INT_MAX)))
                    .arg(worker.rangeBegin)
                    .arg(worker.rangeEnd);
            return tr("Positions the worker has claimed and is computing");
        case TasksColumn:
            return tr("%1 tasks in %2 chunks, %3 s busy")
                .arg(worker.tasksDone)
                .arg(worker.chunksDone)
                .arg(worker.busyS, 0, 'f', 1);
        case RssColumn:
            return tr("Resident set size: counts shared array pages in full, in every worker");
        case PssColumn:
            return tr("Proportional set size: shared pages divided among the processes mapping them");
        case OwnColumn:
            return tr("The worker's own memory: its PSS outside shared memory. In copy mode its copy of the "
                      "array is here; in shared mode only its code and stack");
        case HeartbeatColumn:
            return tr("Time since the worker last wrote its heartbeat to shared memory (after every chunk "
                      "and every 1024 tasks). A growing age means a slow task or a stuck worker.");
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == StateColumn || index.column() == ChunkColumn)
            return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant WorkerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case WorkerColumn:
        return tr("Worker");
    case PidColumn:
        return tr("PID");
    case StateColumn:
        return tr("State");
    case ChunkColumn:
        return tr("Chunk");
    case TasksColumn:
        return tr("Tasks");
    case CpuColumn:
        return tr("CPU %");
    case RssColumn:
        return tr("RSS");
    case PssColumn:
        return tr("PSS");
    case OwnColumn:
        return tr("Own");
    case HeartbeatColumn:
        return tr("Heartbeat");
    }
    return {};
}

} // namespace sharedmap
