#pragma once

#include "job/jobresult.h"

#include <memory>
#include <QWidget>

class QAction;
class QLabel;
class QProgressBar;
class QTabWidget;
class QTableView;
class QToolButton;

namespace sharedmap {

class ArrayListModel;
class ArrayStore;
class ArrayTableModel;
class HeatmapView;
class SharedArray;

/// The Data panel: the arrays held in shared memory (name, dtype, shape, size, segment), the
/// loads in progress, and a preview of the selected array as a table and as a heatmap. The
/// selected array is the job's input.
class DataPanel : public QWidget
{
    Q_OBJECT
public:
    DataPanel(ArrayStore* store, QWidget* parent = nullptr);

    /// Id of the selected array (the input), 0 when none.
    int currentId() const { return m_currentId; }
    void setCurrentId(int id);
    QTableView* arrayList() const { return m_list; }
    /// The line describing the selected array (name, dtype, shape, segment).
    QLabel* infoLabel() const { return m_info; }
    /// The line saying how much the arrays hold in shared memory, against what the machine allows.
    QLabel* totalLabel() const { return m_total; }
    /// Actions on the selected array (also in the list's context menu): Delete, F2, Save as .npy.
    QAction* removeAction() const { return m_removeAction; }
    QAction* renameAction() const { return m_renameAction; }
    QAction* saveAction() const { return m_saveAction; }

    /// Removes the selected array from shared memory (its segment goes once no job holds it).
    void removeCurrent();
    /// Writes the selected array to `path` as .npy, off the GUI thread; saved() or logMessage() tells.
    void saveCurrent(const QString& path);
    /// Bytes the arrays listed hold in shared memory (a mapped file's data is not in it).
    qint64 heldBytes() const;
    /// The id of a loaded array named `name` (and of `shape`, unless empty); 0 when none.
    int findArray(const QString& name, const QVector<qint64>& shape = {}) const;
    /// Selects that array as the input; false when there is none.
    bool selectArray(const QString& name, const QVector<qint64>& shape);
    /// `spec` with array `id` named as its input: its file and how it was read, else its name.
    JobSpec jobOn(const JobSpec& spec, int id) const;
    /// Adds a job's results as an array (its output array, no copy; an accumulator's counts as a
    /// small int64 array), logged and selected as the next input once loaded. Returns its store
    /// id, 0 when there is nothing to add (`error` says why when it failed).
    int addResults(const JobResult& result, QString* error);
    QTableView* tableView() const { return m_table; }
    HeatmapView* heatmap() const { return m_heatmap; }
    ArrayTableModel* tableModel() const { return m_tableModel; }

signals:
    void currentChanged(int id);
    /// Something for the Log (removals, saves, their failures).
    void logMessage(const QString& text, bool error);
    /// An array was written to `path`.
    void saved(const QString& path);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showArray(int id);
    void fitInfo();
    void updateTotal();
    void updateActions();

    ArrayStore* m_store;
    ArrayListModel* m_listModel;
    ArrayTableModel* m_tableModel;
    QTableView* m_list;
    QLabel* m_info;
    QLabel* m_total;
    QAction* m_removeAction;
    QAction* m_renameAction;
    QAction* m_saveAction;
    QWidget* m_loadBox;
    QLabel* m_loadLabel;
    QProgressBar* m_loadProgress;
    QToolButton* m_loadCancel;
    QTabWidget* m_preview;
    QTableView* m_table;
    HeatmapView* m_heatmap;
    int m_currentId = 0;
    int m_loadingId = 0;
};

} // namespace sharedmap
