#include "language.h"

#include "settings.h"

#include <QActionGroup>
#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QMenu>
#include <QTranslator>

namespace sharedmap {

QList<Language> availableLanguages()
{
    // Each name in its own language, as language pickers do, so a user who cannot read the
    // current one still finds theirs.
    return { { QStringLiteral("en"), QStringLiteral("English") },
             { QStringLiteral("zh_CN"), QStringLiteral("简体中文") } };
}

QString installTranslations(const QString& setting)
{
    const QLocale locale = setting == QLatin1String("system") ? QLocale::system() : QLocale(setting);
    auto* app = QCoreApplication::instance();
    // The app's own catalogue is a Qt resource (resources/CMakeLists.txt); QTranslator::load
    // tries the locale's UI languages in turn (zh_Hans_CN, zh_CN, zh, ...). English needs none.
    auto* own = new QTranslator(app);
    if (setting == QLatin1String("en")
        || !own->load(locale, QStringLiteral("sharedmap"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        delete own;
        return QStringLiteral("en");
    }
    QCoreApplication::installTranslator(own);
    // Qt's own texts (standard buttons, file dialogs) from the system's Qt translations, if installed.
    auto* qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    return own->language();
}

QMenu* createLanguageMenu(QWidget* parent, const std::function<void()>& changed)
{
    auto* menu = new QMenu(QCoreApplication::translate("Language", "&Language"), parent);
    auto* group = new QActionGroup(menu);
    const QString current = Settings::instance()->language();
    auto add = [&](const QString& code, const QString& text) {
        QAction* action = menu->addAction(text);
        action->setCheckable(true);
        action->setChecked(code == current);
        action->setData(code);
        group->addAction(action);
    };
    add(QStringLiteral("system"), QCoreApplication::translate("Language", "System default"));
    menu->addSeparator();
    for (const Language& language : availableLanguages())
        add(language.code, language.nativeName);
    QObject::connect(group, &QActionGroup::triggered, menu, [changed](QAction* action) {
        if (action->data().toString() == Settings::instance()->language())
            return;
        Settings::instance()->setLanguage(action->data().toString());
        changed();
    });
    return menu;
}

} // namespace sharedmap
