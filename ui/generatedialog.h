#pragma once

#include "base/arraymeta.h"
#include "io/generator.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace sharedmap {

/// Asks for the shape, dtype, distribution and seed of a generated demo array.
class GenerateDialog : public QDialog
{
    Q_OBJECT
public:
    explicit GenerateDialog(QWidget* parent = nullptr);

    ArrayMeta meta() const;
    Distribution distribution() const;
    quint64 seed() const;
    QString arrayName() const;

private:
    void validate();

    QLineEdit* m_shape;
    QComboBox* m_dtype;
    QComboBox* m_distribution;
    QSpinBox* m_seed;
    QLabel* m_size;
    QDialogButtonBox* m_buttons;
};

} // namespace sharedmap
