#pragma once

#include "base/arraymeta.h"
#include "job/jobspec.h"

#include <memory>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace sharedmap {

class FormulaEditor;
class SharedArray;
struct KernelDef;

/// The Job panel: kernel picker with its description, a parameter form built from the kernel's
/// metadata, indices (validated as you type against the input), workers and chunk size.
class JobPanel : public QWidget
{
    Q_OBJECT
public:
    /// The part of the form a problem is about: where it is shown and highlighted.
    enum class Field
    {
        None,
        Kernel, ///< the kernel, or the input it needs (shape, dtype, none loaded)
        Params,
        Indices,
    };

    explicit JobPanel(QWidget* parent = nullptr);

    /// The job the form describes (input path left to the caller).
    JobSpec spec() const;
    /// Fills the form from a spec; unknown kernels and parameters are ignored.
    void setSpec(const JobSpec& spec);
    /// The input the indices are checked against (null: none loaded).
    void setInputMeta(const ArrayMeta* meta);
    /// Empty when the form describes a runnable job, else what is wrong.
    QString problem() const { return m_problem; }
    /// Where the problem is, shown next to that field.
    Field problemField() const { return m_problemField; }
    /// The label showing the problem beside its field (hidden when there is none).
    QLabel* problemLabelFor(Field field) const;
    /// Under auto chunk size, shows the size the running job's workers claim.
    void setChunkInUse(qint64 size);
    /// The input array itself, for the formula preview (null: none loaded).
    void setPreviewInput(std::shared_ptr<const SharedArray> input);
    /// Lists the registry's kernels again (after a plugin was loaded), keeping the choice.
    void refreshKernels();
    /// The formula editor while the formula kernel is chosen, else null.
    FormulaEditor* formulaEditor() const { return m_formula; }

signals:
    void changed();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuildParams();
    /// Reserves the wrapped description's height for the panel's width: a form in a scroll area
    /// sizes rows by their minimum hint, which knows nothing of word wrap, so long texts overlapped.
    void fitDescription();
    void validate();
    /// Shows `problem` next to `field` and highlights the field; clears the others.
    void showProblem(const QString& problem, Field field);
    const KernelDef* currentKernel() const;

    QComboBox* m_kernel;
    QLabel* m_description;
    QFormLayout* m_paramForm;
    QWidget* m_paramBox;
    QVector<QPair<QString, QWidget*>> m_paramEditors;
    QLineEdit* m_indices;
    QLabel* m_indexInfo;
    QSpinBox* m_workers;
    QCheckBox* m_autoChunk;
    QSpinBox* m_chunk;
    QComboBox* m_mode;
    QSpinBox* m_retries;
    QDoubleSpinBox* m_timeout;
    QLabel* m_problemLabel;
    QLabel* m_kernelProblem;
    Field m_problemField = Field::None;
    FormulaEditor* m_formula = nullptr;
    std::shared_ptr<const SharedArray> m_previewInput;
    bool m_hasInput = false;
    ArrayMeta m_inputMeta;
    QString m_problem;
};

} // namespace sharedmap
