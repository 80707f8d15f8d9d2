#include "resultspanel.h"

#include "models/resultsmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

namespace sharedmap {

ResultsPanel::ResultsPanel(ResultsModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QTableView(this))
{
    m_view->setModel(model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->verticalHeader()->hide();
    // Rows as tall as the text needs: a short dock still shows several results.
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setToolTip(
        tr("Results in the order of the indices, like process_map's list. Ctrl+C copies the selection."));
    auto* copy = new QAction(tr("Copy"), m_view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &ResultsPanel::copySelection);
    m_view->addAction(copy);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
}

void ResultsPanel::copySelection()
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        for (int r = 0; r < m_model->rowCount(); ++r)
            rows.append(m_model->index(r, 0));
    }
    QApplication::clipboard()->setText(m_model->copyText(rows));
}

LogPanel::LogPanel(QWidget* parent)
    : QWidget(parent)
    , m_text(new QPlainTextEdit(this))
{
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(10000);
    m_text->setToolTip(tr("What the engine and the window did, with times"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text);
}

void LogPanel::append(const QString& message, bool error)
{
    const QString time = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    const QString line
        = QStringLiteral("<span style='color:gray'>%1</span> %2")
              .arg(time,
                   error ? QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(message.toHtmlEscaped())
                         : message.toHtmlEscaped());
    m_text->appendHtml(line);
    // Follow new lines, as a log does (appendHtml only follows when the view is at its end).
    m_text->verticalScrollBar()->setValue(m_text->verticalScrollBar()->maximum());
}

QString LogPanel::text() const
{
    return m_text->toPlainText();
}

} // namespace sharedmap
