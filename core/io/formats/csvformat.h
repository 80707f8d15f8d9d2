#pragma once

#include "io/arrayloader.h"

#include <QStringList>

namespace sharedmap {

/// The first lines of a text table as the loader will read them, for an options dialog.
struct CsvPreview
{
    QChar delimiter; ///< detected or given; a space means runs of blanks
    int headerRows = 0; ///< detected or given
    QStringList header; ///< names from the last header line (may be empty)
    int columns = 0; ///< fields per line of the first data line
    QVector<QStringList> rows; ///< the first data lines split into fields
};

/// Reads the first `maxRows` data lines of a text table with the options' delimiter and header
/// rows (detected where not given). Cheap: only the start of the file is read.
QString previewCsv(const QString& path, const LoadOptions& options, int maxRows, CsvPreview* preview);

/// Parses one text field as a number: empty, `nan`, `NaN` give NaN; `inf`, `-inf` infinities.
/// Returns false when the field is not a number.
bool parseNumber(const char* begin, const char* end, double* value);

/// CSV and whitespace-separated text (`.csv`, `.txt`): delimiter and header detection, `#`
/// comment lines skipped, float64 unless a dtype is chosen; two streaming passes.
FormatHandler csvFormat();
/// Tab-separated text (`.tsv`): as csv with a tab delimiter unless another is given.
FormatHandler tsvFormat();

} // namespace sharedmap
