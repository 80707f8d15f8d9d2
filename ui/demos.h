#pragma once

#include "base/arraymeta.h"
#include "io/generator.h"
#include "job/jobspec.h"

#include <functional>
#include <QWidget>

class QComboBox;
class QLabel;
class QTextBrowser;

namespace sharedmap {

/// One teaching demo: the job it sets up, the data it generates (if its kernel needs input),
/// and what it shows. Texts are untranslated (QT_TRANSLATE_NOOP in the "Demos" context).
struct Demo
{
    QString id;
    const char* title = "";
    const char* explanation = ""; ///< rich text
    JobSpec job;
    /// Data to generate in shared memory first; dtype Invalid when the kernel takes no input.
    ArrayMeta data;
    Distribution distribution = Distribution::Uniform;
    QString dataName;
    /// Parameters that slow the job down to be watched (pauses per index, paced increments),
    /// at pace 1: about 10 s on a two-core machine. The job's own parameters are the work.
    QVariantMap pacing;

    /// The job at `pace` (1 watchable, 0 no pauses): the pacing parameters scaled.
    JobSpec jobAt(double pace) const;
};

/// The paces the Demo panel offers: factors of the demos' pacing parameters.
struct DemoPace
{
    double factor;
    const char* name; ///< untranslated, in the "Demos" context
};
const QVector<DemoPace>& demoPaces();

/// The demos of the Demos menu, in menu order.
const QVector<Demo>& builtInDemos();
/// The demo with `id`, or null.
const Demo* findDemo(const QString& id);

/// The explanation beside a demo: what it sets up, what to look at, why it happens.
class DemoPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DemoPanel(QWidget* parent = nullptr);

    /// Shows `demo`'s title and explanation (translated).
    void showDemo(const Demo& demo);
    /// Back to the text that invites to pick a demo (the user left the demo's job or data).
    void clearDemo();
    /// Clears the explanation once the job or the data on screen are no longer the demo's: another
    /// kernel, or another array than the demo's once that is loaded (`loaded` tells by name).
    void follow(const QString& kernel, const QString& arrayName, const std::function<bool(const QString&)>& loaded);
    /// The demo shown, empty when none.
    QString demoId() const { return m_demoId; }
    /// The pace chosen (remembered in Settings): a factor of the demos' pacing parameters.
    double pace() const;
    QComboBox* paceBox() const { return m_pace; }
    QString title() const;
    QString text() const;

signals:
    /// The user chose another pace.
    void paceChanged(double pace);

private:
    QLabel* m_title;
    QTextBrowser* m_text;
    QComboBox* m_pace;
    QString m_demoId;
};

} // namespace sharedmap
