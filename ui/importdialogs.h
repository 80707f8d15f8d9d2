#pragma once

#include "io/arrayloader.h"
#include "io/formats/csvformat.h"

#include <functional>
#include <QDialog>
#include <QFutureWatcher>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace sharedmap {

/// Options for a text table (CSV, TSV, whitespace): delimiter, header rows, columns to keep and
/// dtype, with a live preview of the first lines read off the GUI thread.
class CsvImportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit CsvImportDialog(const QString& path, QWidget* parent = nullptr);

    LoadOptions options() const;
    /// The preview table (for tests): the first data lines as the loader will split them.
    QTableWidget* previewTable() const { return m_preview; }
    /// The line under the preview: what was detected, or what is wrong.
    QString statusText() const;
    /// The button that applies the fix the status line offers (header lines, or columns).
    QPushButton* fixButton() const { return m_fixButton; }
    /// True until the preview shown matches the current settings.
    bool isReading() const { return m_watcher.isRunning() || m_pending || m_shown != m_requested; }

signals:
    /// A preview was shown (or its error).
    void previewUpdated();

private:
    void refresh();
    void showPreview();
    void applyFix();

    QString m_path;
    QComboBox* m_delimiter;
    QSpinBox* m_headerRows;
    QLineEdit* m_columns;
    QComboBox* m_dtype;
    QTableWidget* m_preview;
    QLabel* m_status;
    QPushButton* m_fixButton;
    QDialogButtonBox* m_buttons;
    LoadOptions m_fix; ///< the settings the fix button applies
    QFutureWatcher<QPair<QString, CsvPreview>> m_watcher;
    bool m_pending = false;
    int m_requested = 0; ///< previews asked for
    int m_shown = 0; ///< the request the table shows
};

/// Picks one array of a container: an `.npz` member or an HDF5 dataset in a tree of groups, with
/// shape and dtype, and for HDF5 an optional hyperslab. The listing is read off the GUI thread.
class DatasetPickerDialog : public QDialog
{
    Q_OBJECT
public:
    explicit DatasetPickerDialog(const QString& path, QWidget* parent = nullptr);

    LoadOptions options() const;
    QTreeWidget* tree() const { return m_tree; }
    /// Selects the dataset at `name` (for tests and for reopening); false when not listed.
    bool selectDataset(const QString& name);

signals:
    /// The listing was read (or failed).
    void listed();

private:
    void showListing();
    void validate();

    QString m_path;
    bool m_hdf5;
    QTreeWidget* m_tree;
    QLineEdit* m_slice;
    QLabel* m_status;
    QDialogButtonBox* m_buttons;
    QFutureWatcher<QPair<QString, QVector<DatasetInfo>>> m_watcher;
};

/// Raw binary: dtype, shape, byte order and header offset, with the size checked against the file.
class RawImportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit RawImportDialog(const QString& path, QWidget* parent = nullptr);

    LoadOptions options() const;
    /// The size check as shown; empty when the options fit the file exactly.
    QString problem() const { return m_problem; }

private:
    void validate();

    QString m_path;
    qint64 m_fileSize;
    QComboBox* m_dtype;
    QLineEdit* m_shape;
    QComboBox* m_byteOrder;
    QSpinBox* m_offset;
    QLabel* m_status;
    QDialogButtonBox* m_buttons;
    QString m_problem;
};

/// The dialog that asks how to read `path` before it is loaded — CSV/TSV columns, the dataset
/// of a container, the layout of raw bytes — chosen by the format the loader picks for it; null
/// when the format needs no question (then load it as it is). `options` reads the answer.
QDialog* importDialogFor(const QString& path, QWidget* parent, std::function<LoadOptions()>* options);

} // namespace sharedmap
