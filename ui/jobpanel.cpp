#include "jobpanel.h"

#include "base/indexlist.h"
#include "formulaeditor.h"
#include "kernels/kernel.h"
#include "pluginguard.h"
#include "wheelguard.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

namespace sharedmap {

namespace {
QString kernelText(const char* text)
{
    return QCoreApplication::translate("Kernels", text);
}
} // namespace

JobPanel::JobPanel(QWidget* parent)
    : QWidget(parent)
    , m_kernel(new QComboBox(this))
    , m_description(new QLabel(this))
    , m_paramForm(new QFormLayout)
    , m_paramBox(new QGroupBox(tr("Parameters"), this))
    , m_indices(new QLineEdit(QStringLiteral("all"), this))
    , m_indexInfo(new QLabel(this))
    , m_workers(new QSpinBox(this))
    , m_autoChunk(new QCheckBox(tr("auto"), this))
    , m_chunk(new QSpinBox(this))
    , m_mode(new QComboBox(this))
    , m_retries(new QSpinBox(this))
    , m_timeout(new QDoubleSpinBox(this))
    , m_problemLabel(new QLabel(this))
    , m_kernelProblem(new QLabel(this))
{
    refreshKernels();
    m_kernel->setToolTip(tr("The computation applied to each index (like the function given to process_map)"));
    m_description->setWordWrap(true);
    m_description->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_description->installEventFilter(this);
    m_description->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_paramBox->setLayout(m_paramForm);

    m_indices->setToolTip(tr("Which indices to compute: all, a Python slice such as 0:100:2 or ::-1, "
                             "a list such as 0,1,2,3, or @file.npy"));
    m_indices->setClearButtonEnabled(true);
    m_indexInfo->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_indexInfo->setWordWrap(true);
    m_workers->setRange(1, kMaxWorkers);
    m_workers->setValue(qMax(1, QThread::idealThreadCount()));
    m_workers->setToolTip(tr("Worker processes; each attaches to the same shared array (default: one per core)"));
    m_chunk->setRange(1, 1000000000);
    m_chunk->setValue(1);
    m_chunk->setToolTip(tr("Indices a worker claims at a time (process_map's chunksize)"));
    m_autoChunk->setChecked(true);
    m_autoChunk->setToolTip(tr("Adapt the chunk size to the measured task time"));
    m_chunk->setEnabled(false);
    m_chunk->setSpecialValueText(tr("chosen as it runs")); // auto: no number until a run picks one
    // Combos as wide as the panel allows, not as their longest item: a narrow Job dock must not
    // scroll sideways.
    for (QComboBox* combo : { m_kernel, m_mode }) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(10);
    }
    m_mode->addItem(tr("Shared memory (one copy)"), QStringLiteral("shared"));
    m_mode->addItem(tr("Copy per worker (like process_map)"), QStringLiteral("copy"));
    m_mode->setToolTip(tr("Shared: every worker reads the one array in shared memory. Copy: each worker first "
                          "receives its own copy through its pipe, as process_map does when the array is passed "
                          "as an argument — same results, more memory, slower start"));
    for (QLabel* label : { m_problemLabel, m_kernelProblem }) {
        label->setWordWrap(true);
        label->setStyleSheet(QStringLiteral("color: #c0392b;"));
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->hide();
    }

    auto* form = new QFormLayout;
    form->addRow(tr("&Kernel:"), m_kernel);
    form->addRow(QString(), m_description);
    form->addRow(QString(), m_kernelProblem); // a kernel that does not fit the input says so here
    auto* chunkRow = new QHBoxLayout;
    chunkRow->addWidget(m_autoChunk);
    chunkRow->addWidget(m_chunk, 1);
    auto* indexColumn = new QVBoxLayout;
    indexColumn->addWidget(m_indices);
    indexColumn->addWidget(m_indexInfo);
    auto* indicesLabel = new QLabel(tr("&Indices:"), this);
    indicesLabel->setBuddy(m_indices);
    form->addRow(indicesLabel, indexColumn);
    form->addRow(tr("&Workers:"), m_workers);
    auto* chunkLabel = new QLabel(tr("C&hunk size:"), this);
    chunkLabel->setBuddy(m_chunk);
    form->addRow(chunkLabel, chunkRow);
    form->addRow(tr("&Memory:"), m_mode);
    // What happens to a crash or a stuck task: what job files call max_retries and task_timeout_s.
    m_retries->setRange(0, 100);
    m_retries->setValue(JobSpec().maxRetries);
    m_retries->setToolTip(tr("Crashes an index may cause before it is marked failed and the job goes on without it "
                             "(max_retries)"));
    m_timeout->setRange(0, 86400);
    m_timeout->setDecimals(1);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setSpecialValueText(tr("none"));
    m_timeout->setToolTip(tr("A worker that makes no progress on its chunk for this long is killed and the chunk "
                             "retried (task_timeout_s; none: wait as long as it takes)"));
    form->addRow(tr("&Retries:"), m_retries);
    form->addRow(tr("Task &timeout:"), m_timeout);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_paramBox);
    layout->addWidget(m_problemLabel);
    layout->addStretch(1);

    connect(m_kernel, &QComboBox::currentIndexChanged, this, [this] {
        rebuildParams();
        validate();
    });
    connect(m_indices, &QLineEdit::textChanged, this, &JobPanel::validate);
    connect(m_workers, &QSpinBox::valueChanged, this, &JobPanel::validate);
    connect(m_chunk, &QSpinBox::valueChanged, this, &JobPanel::validate);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &JobPanel::validate);
    connect(m_retries, &QSpinBox::valueChanged, this, &JobPanel::validate);
    connect(m_timeout, &QDoubleSpinBox::valueChanged, this, &JobPanel::validate);
    connect(m_autoChunk, &QCheckBox::toggled, this, [this](bool on) {
        m_chunk->setEnabled(!on);
        // Typed by hand, the number is the chunk size itself; under auto it says what auto chose.
        m_chunk->setPrefix(QString());
        m_chunk->setSpecialValueText(on ? tr("chosen as it runs") : QString());
        validate();
    });
    rebuildParams();
    validate();
    WheelGuard::install(this);
}

void JobPanel::refreshKernels()
{
    const QString current = m_kernel->currentData().toString();
    const QSignalBlocker blocker(m_kernel);
    m_kernel->clear();
    for (const KernelDef* def : KernelRegistry::instance().all()) {
        const bool plugin = !def->pluginPath.isEmpty();
        m_kernel->addItem(plugin ? tr("%1 (plugin)").arg(def->info.name) : def->info.name, def->info.name);
        m_kernel->setItemData(m_kernel->count() - 1,
                              plugin ? tr("%1\nFrom %2").arg(kernelText(def->info.description), def->pluginPath)
                                     : kernelText(def->info.description),
                              Qt::ToolTipRole);
    }
    const int index = m_kernel->findData(current);
    if (index >= 0)
        m_kernel->setCurrentIndex(index);
}

void JobPanel::setChunkInUse(qint64 size)
{
    if (!m_autoChunk->isChecked() || size <= 0)
        return;
    const QSignalBlocker blocker(m_chunk); // a figure shown, not a change of the job
    m_chunk->setSpecialValueText(QString());
    m_chunk->setPrefix(tr("in use: "));
    m_chunk->setValue(int(qMin<qint64>(size, m_chunk->maximum())));
    m_chunk->setToolTip(tr("Auto chose chunks of %1 indices from the measured task time").arg(size));
}

void JobPanel::setPreviewInput(std::shared_ptr<const SharedArray> input)
{
    m_previewInput = std::move(input);
    validate();
}

bool JobPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_description && event->type() == QEvent::Resize)
        fitDescription(); // the label's own new width: the height for it follows
    return QWidget::eventFilter(watched, event);
}

void JobPanel::fitDescription()
{
    const int width = m_description->width() > 50 ? m_description->width() : qMax(200, this->width() / 2);
    m_description->setMinimumHeight(0); // else QLabel answers with the old minimum
    m_description->setMaximumHeight(QWIDGETSIZE_MAX);
    // Exactly the lines the text needs at this width: the form would otherwise size the row by
    // the label's sizeHint(), which wraps at a guessed narrower width (blank lines below it).
    m_description->setFixedHeight(m_description->heightForWidth(width));
}

const KernelDef* JobPanel::currentKernel() const
{
    return KernelRegistry::instance().find(m_kernel->currentData().toString());
}

void JobPanel::rebuildParams()
{
    while (m_paramForm->rowCount() > 0)
        m_paramForm->removeRow(0);
    m_paramEditors.clear();
    m_formula = nullptr;
    const KernelDef* def = currentKernel();
    if (!def)
        return;
    QString description = kernelText(def->info.description) + QStringLiteral("\n")
        + tr("Indices: %1").arg(kernelText(def->info.indexSpace));
    if (!def->pluginPath.isEmpty())
        description += tr(" · plugin %1").arg(QFileInfo(def->pluginPath).fileName());
    m_description->setText(description);
    m_description->setToolTip(def->pluginPath.isEmpty() ? QString() : tr("Plugin file: %1").arg(def->pluginPath));
    fitDescription();
    if (def->info.name == QLatin1String("formula")) {
        // One editor for the expression and its reducer, with checking, examples and a preview.
        m_formula = new FormulaEditor(m_paramBox);
        connect(m_formula, &FormulaEditor::changed, this, &JobPanel::validate);
        m_paramForm->addRow(m_formula);
    }
    for (const ParamSpec& spec : def->info.params) {
        if (m_formula && (spec.name == QLatin1String("expr") || spec.name == QLatin1String("reduce")))
            continue;
        QWidget* editor = nullptr;
        const QString tip = kernelText(spec.description);
        switch (spec.type) {
        case ParamType::Int: {
            auto* box = new QSpinBox(m_paramBox);
            box->setRange(spec.minimum.isValid() ? int(qMax<qint64>(spec.minimum.toLongLong(), INT_MIN)) : INT_MIN,
                          spec.maximum.isValid() ? int(qMin<qint64>(spec.maximum.toLongLong(), INT_MAX)) : INT_MAX);
            box->setValue(spec.defaultValue.toInt());
            connect(box, &QSpinBox::valueChanged, this, &JobPanel::validate);
            editor = box;
            break;
        }
        case ParamType::Double: {
            auto* box = new QDoubleSpinBox(m_paramBox);
            box->setDecimals(3);
            box->setRange(spec.minimum.isValid() ? spec.minimum.toDouble() : -1e12,
                          spec.maximum.isValid() ? spec.maximum.toDouble() : 1e12);
            box->setValue(spec.defaultValue.toDouble());
            connect(box, &QDoubleSpinBox::valueChanged, this, &JobPanel::validate);
            editor = box;
            break;
        }
        case ParamType::Bool: {
            auto* box = new QCheckBox(m_paramBox);
            box->setChecked(spec.defaultValue.toBool());
            connect(box, &QCheckBox::toggled, this, &JobPanel::validate);
            editor = box;
            break;
        }
        case ParamType::String: {
            if (!spec.choices.isEmpty()) {
                auto* combo = new QComboBox(m_paramBox);
                combo->addItems(spec.choices);
                combo->setCurrentText(spec.defaultValue.toString());
                connect(combo, &QComboBox::currentIndexChanged, this, &JobPanel::validate);
                editor = combo;
                break;
            }
            auto* edit = new QLineEdit(spec.defaultValue.toString(), m_paramBox);
            connect(edit, &QLineEdit::textChanged, this, &JobPanel::validate);
            editor = edit;
            break;
        }
        }
        editor->setObjectName(QStringLiteral("param_") + spec.name);
        QString range;
        if (spec.minimum.isValid() || spec.maximum.isValid())
            range = tr(" (%1 to %2)").arg(spec.minimum.toString(), spec.maximum.toString());
        editor->setToolTip(tip + range);
        m_paramForm->addRow(spec.name + QLatin1Char(':'), editor);
        m_paramEditors.append({ spec.name, editor });
    }
    m_paramBox->setVisible(!m_paramEditors.isEmpty() || m_formula);
    WheelGuard::install(this); // the new editors too
}

JobSpec JobPanel::spec() const
{
    JobSpec spec;
    spec.kernel = m_kernel->currentData().toString();
    if (const KernelDef* def = currentKernel(); def && !def->pluginPath.isEmpty())
        spec.plugins = { def->pluginPath }; // a saved job names the file its kernel comes from
    for (const auto& [name, editor] : m_paramEditors) {
        if (auto* box = qobject_cast<QSpinBox*>(editor))
            spec.params.insert(name, box->value());
        else if (auto* dbox = qobject_cast<QDoubleSpinBox*>(editor))
            spec.params.insert(name, dbox->value());
        else if (auto* check = qobject_cast<QCheckBox*>(editor))
            spec.params.insert(name, check->isChecked());
        else if (auto* edit = qobject_cast<QLineEdit*>(editor))
            spec.params.insert(name, edit->text());
        else if (auto* combo = qobject_cast<QComboBox*>(editor))
            spec.params.insert(name, combo->currentText());
    }
    if (m_formula) {
        spec.params.insert(QStringLiteral("expr"), m_formula->expression());
        spec.params.insert(QStringLiteral("reduce"), m_formula->reduce());
    }
    spec.indices = m_indices->text().trimmed().isEmpty() ? QStringLiteral("all") : m_indices->text().trimmed();
    spec.workers = m_workers->value();
    spec.chunkSize = m_autoChunk->isChecked() ? 0 : m_chunk->value();
    spec.mode = m_mode->currentData().toString();
    spec.maxRetries = m_retries->value();
    spec.taskTimeoutS = m_timeout->value();
    return spec;
}

void JobPanel::setSpec(const JobSpec& spec)
{
    if (!spec.plugins.isEmpty()) {
        // A job file names the plugins its kernel comes from (small libraries; a refused one
        // shows up through validate() as the form's problem).
        for (const QString& plugin : spec.plugins)
            PluginGuard::load(plugin);
        refreshKernels();
    }
    const int kernelIndex = m_kernel->findData(spec.kernel);
    if (kernelIndex >= 0)
        m_kernel->setCurrentIndex(kernelIndex);
    for (const auto& [name, editor] : m_paramEditors) {
        if (!spec.params.contains(name))
            continue;
        const QVariant value = spec.params.value(name);
        if (auto* box = qobject_cast<QSpinBox*>(editor))
            box->setValue(value.toInt());
        else if (auto* dbox = qobject_cast<QDoubleSpinBox*>(editor))
            dbox->setValue(value.toDouble());
        else if (auto* check = qobject_cast<QCheckBox*>(editor))
            check->setChecked(value.toBool() || value.toString() == QLatin1String("true"));
        else if (auto* edit = qobject_cast<QLineEdit*>(editor))
            edit->setText(value.toString());
        else if (auto* combo = qobject_cast<QComboBox*>(editor))
            combo->setCurrentText(value.toString());
    }
    if (m_formula) {
        m_formula->setReduce(spec.params.value(QStringLiteral("reduce"), QStringLiteral("sum")).toString());
        m_formula->setExpression(spec.params.value(QStringLiteral("expr")).toString());
    }
    m_indices->setText(spec.indices);
    if (spec.workers > 0)
        m_workers->setValue(spec.workers);
    m_autoChunk->setChecked(spec.chunkSize == 0);
    if (spec.chunkSize > 0)
        m_chunk->setValue(int(qMin<qint64>(spec.chunkSize, m_chunk->maximum())));
    m_mode->setCurrentIndex(qMax(0, m_mode->findData(spec.mode)));
    m_retries->setValue(spec.maxRetries);
    m_timeout->setValue(spec.taskTimeoutS);
    validate();
}

void JobPanel::setInputMeta(const ArrayMeta* meta)
{
    m_hasInput = meta != nullptr;
    if (meta)
        m_inputMeta = *meta;
    validate();
}

void JobPanel::validate()
{
    QString problem;
    const KernelDef* def = currentKernel();
    JobSpec job = spec();
    job.input = QStringLiteral("input"); // the input is checked below, not by path
    QString info;
    Field field = Field::Kernel;
    if (!def) {
        problem = tr("Choose a kernel.");
    } else {
        problem = job.validationError();
        if (!problem.isEmpty()) {
            // Checked again over all indices: if that passes, the indices are at fault, else a
            // parameter (the form's ranges keep workers and chunk size valid).
            JobSpec all = job;
            all.indices = QStringLiteral("all");
            field = all.validationError().isEmpty() ? Field::Indices : Field::Params;
        }
        if (problem.isEmpty() && def->info.needsInput && !m_hasInput)
            problem = tr("Load or generate an array first (File ▸ Open, or drop a file here).");
        if (problem.isEmpty()) {
            JobPlan plan;
            problem = planJob(job, m_hasInput ? &m_inputMeta : nullptr, &plan);
            if (!problem.isEmpty()) {
                // Planned again over all indices: if that works, the indices are at fault, else
                // the kernel does not fit the input.
                JobSpec all = job;
                all.indices = QStringLiteral("all");
                JobPlan whole;
                field = planJob(all, m_hasInput ? &m_inputMeta : nullptr, &whole).isEmpty() ? Field::Indices
                                                                                            : Field::Kernel;
            }
            if (problem.isEmpty())
                info = tr("%n index(es) of %1", nullptr, int(qMin<qint64>(plan.indices.size(), INT_MAX)))
                           .arg(plan.indexSpace);
            if (m_formula)
                m_formula->setPreviewInput(problem.isEmpty() && plan.indices.size() > 0 ? m_previewInput : nullptr,
                                           problem.isEmpty() && plan.indices.size() > 0 ? plan.indices.at(0) : -1);
        }
    }
    m_indexInfo->setText(info);
    if (m_formula && !m_formula->problem().isEmpty()) {
        problem = m_formula->problemText(); // in the editor's terms, not the command line's
        field = Field::Params;
    }
    showProblem(problem, field);
    emit changed();
}

QLabel* JobPanel::problemLabelFor(Field field) const
{
    switch (field) {
    case Field::Kernel:
        return m_kernelProblem;
    case Field::Indices:
        return m_indexInfo;
    case Field::Params:
    case Field::None:
        break;
    }
    return m_problemLabel;
}

void JobPanel::showProblem(const QString& problem, Field field)
{
    m_problem = problem;
    m_problemField = problem.isEmpty() ? Field::None : field;
    const QString highlight = QStringLiteral("background: #fdecea;");
    m_indices->setStyleSheet(m_problemField == Field::Indices ? highlight : QString());
    m_kernel->setStyleSheet(m_problemField == Field::Kernel ? highlight : QString());
    m_indexInfo->setStyleSheet(m_problemField == Field::Indices ? QStringLiteral("color: #c0392b;")
                                                                : QStringLiteral("color: palette(mid);"));
    if (m_problemField == Field::Indices)
        m_indexInfo->setText(problem);
    m_kernelProblem->setText(m_problemField == Field::Kernel ? problem : QString());
    m_kernelProblem->setVisible(m_problemField == Field::Kernel);
    const bool elsewhere = m_problemField == Field::Params || m_problemField == Field::None;
    m_problemLabel->setText(elsewhere ? problem : QString());
    // The formula editor shows its own error (with the position marked): no second copy.
    m_problemLabel->setVisible(elsewhere && !problem.isEmpty() && !(m_formula && !m_formula->problem().isEmpty()));
}

} // namespace sharedmap
