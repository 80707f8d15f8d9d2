#pragma once

#include <functional>
#include <QList>
#include <QString>

class QMenu;
class QWidget;

namespace sharedmap {

/// A language the window can be shown in: its code ("en", "zh_CN") and its own name for itself.
struct Language
{
    QString code;
    QString nativeName;
};

/// The languages SharedMap ships (English, the source language, first).
QList<Language> availableLanguages();

/// Installs SharedMap's and Qt's translators for `setting` ("system" follows the system locale,
/// else a code of availableLanguages()) and returns the code in effect ("en" when none applies).
/// Call once, before any window exists: texts are translated when widgets are made.
QString installTranslations(const QString& setting);

/// A "Language" menu (system default and each language, the stored setting checked). Choosing
/// stores the setting and calls `changed`; the window changes language at its next start.
QMenu* createLanguageMenu(QWidget* parent, const std::function<void()>& changed);

} // namespace sharedmap
