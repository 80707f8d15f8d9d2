#pragma once

#include <QWidget>

class QPlainTextEdit;
class QTableView;

namespace sharedmap {

class ResultsModel;

/// The Results panel: the results table (position, index, value, status) with copy to the
/// clipboard. Export lives in the window's actions.
class ResultsPanel : public QWidget
{
    Q_OBJECT
public:
    ResultsPanel(ResultsModel* model, QWidget* parent = nullptr);

    QTableView* view() const { return m_view; }
    /// Copies the selected rows (or all when none are selected) as tab-separated text.
    void copySelection();

private:
    ResultsModel* m_model;
    QTableView* m_view;
};

/// The Log panel: timestamped messages from the engine and the window.
class LogPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LogPanel(QWidget* parent = nullptr);
    void append(const QString& message, bool error = false);
    QString text() const;

private:
    QPlainTextEdit* m_text;
};

} // namespace sharedmap
