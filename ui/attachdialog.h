#pragma once

#include "engine/jobannouncer.h"
#include "engine/jobsource.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QTimer>

class QDialogButtonBox;
class QLabel;
class QTableWidget;

namespace sharedmap {

/// Run ▸ Attach to running job…: the running jobs of this user (CLI runs, scripts, other
/// windows), refreshed every second — pid, kernel, input, done/total, rate, start — read off the
/// GUI thread. Accepting it names the job to attach to.
class AttachDialog : public QDialog
{
    Q_OBJECT
public:
    /// One listed job and its progress as last read.
    struct Row
    {
        JobAnnouncement job;
        JobProgress progress;
    };

    explicit AttachDialog(QWidget* parent = nullptr);
    ~AttachDialog() override;

    /// The pid of the selected job, 0 when none is selected.
    qint64 selectedPid() const;
    /// Selects the row of `pid`; false when it is not listed.
    bool selectPid(qint64 pid);
    QTableWidget* table() const { return m_table; }
    const QVector<Row>& rows() const { return m_rows; }
    /// Reads the list again now (it also does so every second).
    void refresh();

signals:
    /// A refresh was shown.
    void refreshed();

private:
    void showRows(const QVector<Row>& rows, const QString& error);
    void updateButtons();

    QTableWidget* m_table;
    QLabel* m_status;
    QDialogButtonBox* m_buttons;
    QTimer m_timer;
    QFutureWatcher<QPair<QVector<Row>, QString>> m_watcher;
    QVector<Row> m_rows;
};

} // namespace sharedmap
