#pragma once

#include <functional>
#include <QString>
#include <QStringList>

class QWidget;

namespace sharedmap {

/// The file dialogs of the window: filters built from what the loader and the result writers
/// accept (a format registered later shows up by itself), window-modal and asynchronous (no
/// nested event loop: a running job keeps updating), a proposed name, the selected filter's
/// extension added to a name typed without one, and the last folder remembered — one for opening,
/// one for saving.
namespace FileChooser {

/// "All arrays (*.npy *.npz …);;NumPy (*.npy);;…;;All files (*)", from ArrayLoader's formats.
QString openArrayFilter();
/// One filter per result format writeResults() accepts (resultExtensions()).
QString exportFilter();
/// The extension of a filter such as "NumPy array (*.npy)": "npy"; empty for "*".
QString filterSuffix(const QString& filter);

/// Shows an open dialog (in the last folder files were opened from); `then` gets the path.
void open(QWidget* parent, const QString& title, const QString& filter, std::function<void(const QString&)> then);
/// Shows a save dialog proposing `name` in the last folder something was saved to; a name typed
/// without an extension gets the selected filter's. `then` gets the path.
void save(QWidget* parent, const QString& title, const QString& filter, const QString& name,
          std::function<void(const QString&)> then);

} // namespace FileChooser

} // namespace sharedmap
