#pragma once

#include <memory>
#include <QWidget>

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
    QTableView* tableView() const { return m_table; }
    HeatmapView* heatmap() const { return m_heatmap; }
    ArrayTableModel* tableModel() const { return m_tableModel; }

signals:
    void currentChanged(int id);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showArray(int id);
    void fitInfo();

    ArrayStore* m_store;
    ArrayListModel* m_listModel;
    ArrayTableModel* m_tableModel;
    QTableView* m_list;
    QLabel* m_info;
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
