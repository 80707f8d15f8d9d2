#pragma once

#include <functional>

class QWidget;

namespace sharedmap {

/// The window's questions: window-modal and asynchronous, like every dialog of the window (the
/// job goes on while one is open); the answer comes through the callback.
namespace Questions {

/// Quitting would lose something: a running job, or results never exported.
enum class QuitAnswer
{
    Keep, ///< cancel the job and keep its results / export them
    QuitAnyway,
    GoBack
};
/// Asks before quitting while a job runs (`running`) or with unsaved results.
void askToQuit(QWidget* parent, bool running, std::function<void(QuitAnswer)> answered);

/// After a language change: restart now (`restartNow` is called) or later.
void offerRestart(QWidget* parent, std::function<void()> restartNow);

} // namespace Questions

} // namespace sharedmap
