#pragma once

#include "kernels/builtin/formulakernel.h"

#include <memory>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace sharedmap {

class SharedArray;

/// The formula kernel's editor in the Job panel: the expression, checked as you type with the
/// error position underlined, the reducer, a few examples, and a preview of the result for the
/// first index (computed off the GUI thread).
class FormulaEditor : public QWidget
{
    Q_OBJECT
public:
    explicit FormulaEditor(QWidget* parent = nullptr);

    QString expression() const;
    void setExpression(const QString& expression);
    /// sum, mean, min, max or none.
    QString reduce() const;
    void setReduce(const QString& reduce);
    /// What is wrong with the formula (empty when it parses).
    FormulaProblem problem() const { return m_problem; }
    /// The problem as the editor says it (in its own terms: names it knows, examples), empty
    /// when the formula is valid.
    QString problemText() const;
    /// The input and the index the preview evaluates; a null input or index -1 clears it.
    void setPreviewInput(std::shared_ptr<const SharedArray> input, qint64 index);
    /// The last preview's value (NaN before one is ready, or when it failed) and its text.
    double previewValue() const { return m_previewValue; }
    QString previewText() const;
    QPlainTextEdit* editor() const { return m_edit; }

signals:
    /// The expression or the reducer changed.
    void changed();
    /// A preview finished (or was found impossible).
    void previewReady();

private:
    void check();
    void updatePreview();

    QPlainTextEdit* m_edit;
    QComboBox* m_reduce;
    QComboBox* m_examples;
    QLabel* m_message;
    QLabel* m_preview;
    FormulaProblem m_problem;
    QString m_unknownName; ///< the first name in the expression the parser does not know
    std::shared_ptr<const SharedArray> m_input;
    qint64 m_previewIndex = -1;
    quint64 m_previewRequest = 0; ///< a preview answers only if no newer one was asked for
    double m_previewValue;
};

} // namespace sharedmap
