#pragma once

#include "kernels/kernel.h"

#include <QString>
#include <QStringList>

namespace sharedmap {

/// What is wrong with a formula: a readable message and the character position of the error
/// in the expression (-1 when there is no position, e.g. an unknown reducer).
struct FormulaProblem
{
    QString message;
    int position = -1;

    bool isEmpty() const { return message.isEmpty(); }
};

/// Parses `expr` for the reducer `reduce` (sum, mean, min, max or none) with muparser, without
/// any data: syntax, unknown variables or functions and the arity of B() are checked.
FormulaProblem checkFormula(const QString& expr, const QString& reduce);

/// The names a formula may use with `reduce`: its variables (x, i, j, n; i and n when
/// reduce=none), its functions (muparser's and B) and its constants (_pi, _e). Sorted.
struct FormulaNames
{
    QStringList variables;
    QStringList functions;
    QStringList constants;
};
FormulaNames formulaNames(const QString& reduce);

/// The `formula` kernel: a muparser expression evaluated per element of row a and reduced, or
/// once per index with B(r, c) / B(k) reading the input (reduce=none).
KernelDef formulaKernelDef();

} // namespace sharedmap
