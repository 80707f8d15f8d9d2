#include "formulaeditor.h"

#include "io/arraystore.h"

#include <cmath>
#include <limits>
#include <QAbstractItemView>
#include <QComboBox>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QtConcurrent>
#include <QTextBlock>

namespace sharedmap {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Example
{
    const char* title;
    const char* expression;
    const char* reduce;
};

const Example kExamples[] = {
    { QT_TRANSLATE_NOOP("FormulaEditor", "Sum of squares"), "x^2", "sum" },
    { QT_TRANSLATE_NOOP("FormulaEditor", "Largest magnitude"), "abs(x)", "max" },
    { QT_TRANSLATE_NOOP("FormulaEditor", "Count of positive elements"), "x > 0 ? 1 : 0", "sum" },
    { QT_TRANSLATE_NOOP("FormulaEditor", "Weighted mean (weights j)"), "x * j / (n - 1)", "mean" },
    { QT_TRANSLATE_NOOP("FormulaEditor", "Every element clipped to [-1, 1] (a row per index)"), "min(max(x, -1), 1)",
      "map" },
    { QT_TRANSLATE_NOOP("FormulaEditor", "Diagonal, doubled (the tutorial's kernel)"), "B(i, i) * 2", "none" },
    { QT_TRANSLATE_NOOP("FormulaEditor", "Last minus first element of the row"), "B(i, n - 1) - B(i, 0)", "none" },
};

struct Preview
{
    bool ok = false;
    QVector<double> values; ///< the index's result: one value, or a row with reduce=map
    QString reason;
};

/// At most the first few values of a row result, then how many there are.
QString previewValues(const QVector<double>& values)
{
    constexpr int kShown = 4;
    if (values.size() == 1)
        return QString::number(values.first(), 'g', 12);
    QStringList parts;
    for (int k = 0; k < qMin(int(values.size()), kShown); ++k)
        parts << QString::number(values[k], 'g', 8);
    if (values.size() > kShown)
        parts << QStringLiteral("…");
    return FormulaEditor::tr("[%1] (%2 values)").arg(parts.join(QStringLiteral(", "))).arg(values.size());
}

} // namespace

FormulaEditor::FormulaEditor(QWidget* parent)
    : QWidget(parent)
    , m_edit(new QPlainTextEdit(this))
    , m_reduce(new QComboBox(this))
    , m_examples(new QComboBox(this))
    , m_message(new QLabel(this))
    , m_preview(new QLabel(this))
    , m_previewValue(kNaN)
{
    m_edit->setObjectName(QStringLiteral("formulaExpression"));
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_edit->setTabChangesFocus(true);
    m_edit->setPlaceholderText(tr("e.g. x^2"));
    m_edit->setFixedHeight(m_edit->fontMetrics().lineSpacing() * 2 + 14);
    m_edit->setToolTip(tr("muparser expression. Element mode: x (the element), i (the row index), j (position in "
                          "the row), n (row length); reduce=map keeps the row of values. reduce=none: evaluated once "
                          "per index; read elements with B(r, c) or B(k). Functions: sin, cos, exp, log, sqrt, abs, "
                          "min, max, sum, avg, a ? b : c …"));
    m_reduce->setObjectName(QStringLiteral("formulaReduce"));
    for (const char* name : { "sum", "mean", "min", "max", "map", "none" })
        m_reduce->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
    m_reduce->setToolTip(tr("How the values of a row's elements combine into the index's result; map "
                            "keeps them all (the result is a row, like the input's); none evaluates the "
                            "formula once per index"));
    m_examples->setObjectName(QStringLiteral("formulaExamples"));
    m_examples->addItem(tr("Examples…"));
    for (const Example& example : kExamples)
        m_examples->addItem(QStringLiteral("%1: %2").arg(tr(example.title), QString::fromLatin1(example.expression)));
    // Long examples must not widen the Job panel: the box stays narrow, its list shows them whole.
    m_examples->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_examples->setMinimumContentsLength(12);
    m_examples->view()->setMinimumWidth(m_examples->view()->sizeHintForColumn(0));
    m_message->setObjectName(QStringLiteral("formulaMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_preview->setObjectName(QStringLiteral("formulaPreview"));
    m_preview->setWordWrap(true);
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit, 0, 0, 1, 3);
    layout->addWidget(new QLabel(tr("reduce:"), this), 1, 0);
    layout->addWidget(m_reduce, 1, 1);
    layout->addWidget(m_examples, 1, 2);
    layout->addWidget(m_message, 2, 0, 1, 3);
    layout->addWidget(m_preview, 3, 0, 1, 3);
    layout->setColumnStretch(2, 1);

    connect(m_edit, &QPlainTextEdit::textChanged, this, [this] {
        // One line: Enter does not start a second one (a pasted newline becomes a space).
        const QString text = m_edit->toPlainText();
        if (text.contains(QLatin1Char('\n'))) {
            QString flat = text;
            flat.replace(QLatin1Char('\n'), QLatin1Char(' '));
            const int position = m_edit->textCursor().position();
            m_edit->setPlainText(flat);
            QTextCursor cursor = m_edit->textCursor();
            cursor.setPosition(qMin(position, int(flat.size())));
            m_edit->setTextCursor(cursor);
            return;
        }
        check();
    });
    connect(m_reduce, &QComboBox::currentIndexChanged, this, &FormulaEditor::check);
    connect(m_examples, &QComboBox::activated, this, [this](int index) {
        if (index <= 0)
            return;
        const Example& example = kExamples[index - 1];
        setReduce(QString::fromLatin1(example.reduce));
        setExpression(QString::fromLatin1(example.expression));
        m_examples->setCurrentIndex(0);
    });
    check();
}

QString FormulaEditor::expression() const
{
    return m_edit->toPlainText();
}

void FormulaEditor::setExpression(const QString& expression)
{
    if (expression != m_edit->toPlainText())
        m_edit->setPlainText(expression);
}

QString FormulaEditor::reduce() const
{
    return m_reduce->currentData().toString();
}

void FormulaEditor::setReduce(const QString& reduce)
{
    const int index = m_reduce->findData(reduce);
    if (index >= 0)
        m_reduce->setCurrentIndex(index);
}

QString FormulaEditor::problemText() const
{
    if (m_problem.isEmpty())
        return {};
    if (expression().trimmed().isEmpty())
        return reduce() == QLatin1String("none")
            ? tr("Type a formula evaluated once per index i, for example B(i, 0) + B(i, 1), or pick one of the "
                 "examples.")
            : tr("Type a formula in x, each element of the row, for example x^2 or sqrt(x), or pick one of the "
                 "examples; reduce then combines the row's values.");
    if (!m_unknownName.isEmpty()) {
        const FormulaNames names = formulaNames(reduce());
        return tr("Position %1: '%2' is not a name formulas know. Variables: %3. Functions: %4. Constants: %5.")
            .arg(m_problem.position)
            .arg(m_unknownName, names.variables.join(QStringLiteral(", ")), names.functions.join(QStringLiteral(", ")),
                 names.constants.join(QStringLiteral(", ")));
    }
    if (m_problem.position >= 0)
        return tr("Position %1: %2").arg(m_problem.position).arg(m_problem.message);
    return m_problem.message;
}

void FormulaEditor::check()
{
    m_problem = checkFormula(expression(), reduce());
    m_unknownName.clear();
    if (!m_problem.isEmpty()) {
        // A name the parser does not know: found here, to list the ones it does.
        const FormulaNames names = formulaNames(reduce());
        static const QRegularExpression identifier(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*"));
        const QString expr = expression();
        for (auto it = identifier.globalMatch(expr); it.hasNext();) {
            const QRegularExpressionMatch match = it.next();
            const QString name = match.captured();
            const qsizetype start = match.capturedStart();
            if (start > 0 && (expr.at(start - 1).isDigit() || expr.at(start - 1) == QLatin1Char('.')))
                continue; // the exponent of a number such as 1e5
            if (!names.variables.contains(name) && !names.functions.contains(name) && !names.constants.contains(name)) {
                m_unknownName = name;
                m_problem.position = int(match.capturedStart());
                break;
            }
        }
    }
    QList<QTextEdit::ExtraSelection> marks;
    if (!m_problem.isEmpty() && m_problem.position >= 0 && !expression().isEmpty()) {
        // Underline the character at the error (the last one when the error is at the end).
        QTextEdit::ExtraSelection mark;
        mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        mark.format.setUnderlineColor(QColor(0xc0, 0x39, 0x2b));
        mark.format.setBackground(QColor(0xfd, 0xec, 0xea));
        const int at = qBound(0, m_problem.position, int(expression().size()) - 1);
        mark.cursor = QTextCursor(m_edit->document());
        mark.cursor.setPosition(at);
        mark.cursor.setPosition(at + 1, QTextCursor::KeepAnchor);
        marks.append(mark);
    }
    m_edit->setExtraSelections(marks);
    m_message->setText(problemText());
    m_message->setVisible(!m_problem.isEmpty());
    emit changed();
    updatePreview();
}

void FormulaEditor::setPreviewInput(std::shared_ptr<const SharedArray> input, qint64 index)
{
    if (input == m_input && index == m_previewIndex)
        return;
    m_input = std::move(input);
    m_previewIndex = index;
    updatePreview();
}

QString FormulaEditor::previewText() const
{
    return m_preview->text();
}

void FormulaEditor::updatePreview()
{
    const quint64 request = ++m_previewRequest;
    m_previewValue = kNaN;
    const KernelDef* def = KernelRegistry::instance().find(QStringLiteral("formula"));
    if (!m_problem.isEmpty() || !m_input || m_previewIndex < 0 || !def) {
        m_preview->setText(!m_problem.isEmpty() || m_input
                               ? QString()
                               : tr("Preview: the result for the first index shows once an array is loaded."));
        m_preview->setVisible(!m_preview->text().isEmpty());
        return;
    }
    m_preview->setText(tr("Preview, index %1: computing…").arg(m_previewIndex));
    m_preview->show();
    const QVariantMap params { { QStringLiteral("expr"), expression() }, { QStringLiteral("reduce"), reduce() } };
    // One index is one row of work: bounded, but a long row is still kept off the GUI thread.
    auto* watcher = new QFutureWatcher<Preview>(this);
    connect(watcher, &QFutureWatcher<Preview>::finished, this, [this, watcher, request] {
        watcher->deleteLater();
        if (request != m_previewRequest)
            return; // the formula changed meanwhile
        const Preview preview = watcher->result();
        m_previewValue = preview.ok && !preview.values.isEmpty() ? preview.values.first() : kNaN;
        m_preview->setText(preview.ok
                               ? tr("Preview, index %1: %2").arg(m_previewIndex).arg(previewValues(preview.values))
                               : tr("Preview, index %1 fails: %2").arg(m_previewIndex).arg(preview.reason));
        emit previewReady();
    });
    watcher->setFuture(QtConcurrent::run([def, input = m_input, index = m_previewIndex, params] {
        Preview preview;
        QString error;
        KernelContext context;
        context.input = input->view();
        context.params = params;
        QVector<qint64> shape;
        if (def->resultShape)
            error = def->resultShape(input->meta(), params, &shape);
        qint64 width = 1;
        for (qint64 extent : shape)
            width *= extent;
        const std::unique_ptr<Kernel> kernel = error.isEmpty() ? def->create(context, &error) : nullptr;
        if (!kernel || width < 1) {
            preview.reason = error.isEmpty() ? QStringLiteral("the rows are empty") : error;
            return preview;
        }
        preview.values.resize(width);
        preview.ok = kernel->evaluate(index, preview.values.data());
        preview.reason = kernel->failureReason();
        return preview;
    }));
}

} // namespace sharedmap
