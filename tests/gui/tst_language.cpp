// The window in Simplified Chinese: the real window, offscreen, with the translations embedded
// in the program (resources/translations, compiled by qt_add_translations) and Qt's own from
// qt6-translations-l10n. Expected texts come from the .qm file itself, not from this file.
#include "jobpanel.h"
#include "language.h"
#include "mainwindow.h"
#include "settings.h"

#include <algorithm>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTest>
#include <QTranslator>

using namespace sharedmap;

namespace {

/// Removes the translators installTranslations() installed (they are children of the app).
void removeTranslators()
{
    for (QTranslator* translator : QCoreApplication::instance()->findChildren<QTranslator*>()) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
}

/// True when the text holds a CJK ideograph (U+4E00..U+9FFF).
bool hasHanzi(const QString& text)
{
    return std::any_of(text.begin(), text.end(),
                       [](QChar c) { return c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF; });
}

/// Every text the user sees in the window's menus (titles and items, one level of submenus),
/// dock titles and labels.
QStringList visibleTexts(const MainWindow& window)
{
    QStringList texts;
    for (QAction* action : window.menuBar()->actions()) {
        texts << action->text();
        if (QMenu* menu = action->menu()) {
            for (QAction* item : menu->actions()) {
                texts << item->text();
                if (item->menu()) {
                    for (QAction* sub : item->menu()->actions())
                        texts << sub->text();
                }
            }
        }
    }
    for (QDockWidget* dock : window.findChildren<QDockWidget*>())
        texts << dock->windowTitle();
    for (QLabel* label : window.findChildren<QLabel*>())
        texts << label->text();
    return texts;
}

} // namespace

class TestLanguage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SharedMapTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_language"));
        QVERIFY(m_zh.load(QStringLiteral(":/i18n/sharedmap_zh_CN.qm")));
    }

    void cleanup() { removeTranslators(); }

    void installsTheChosenLanguage_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("expected");
        QTest::newRow("zh_CN") << "zh_CN"
                               << "zh_CN";
        QTest::newRow("English") << "en"
                                 << "en";
        QTest::newRow("no catalogue: English") << "fr_FR"
                                               << "en";
        QTest::newRow("Chinese, Taiwan: no catalogue") << "zh_TW"
                                                       << "en";
    }

    void installsTheChosenLanguage()
    {
        QFETCH(QString, setting);
        QFETCH(QString, expected);
        QCOMPARE(installTranslations(setting), expected);
        const QString file = QCoreApplication::translate("sharedmap::MainWindow", "&File");
        QCOMPARE(file,
                 expected == QLatin1String("en") ? QStringLiteral("&File")
                                                 : m_zh.translate("sharedmap::MainWindow", "&File"));
    }

    void windowSpeaksChinese_data()
    {
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("source");
        QTest::newRow("File menu") << "sharedmap::MainWindow"
                                   << "&File";
        QTest::newRow("Run menu") << "sharedmap::MainWindow"
                                  << "&Run";
        QTest::newRow("View menu") << "sharedmap::MainWindow"
                                   << "&View";
        QTest::newRow("Help menu") << "sharedmap::MainWindow"
                                   << "&Help";
        QTest::newRow("Open array") << "sharedmap::MainWindow"
                                    << "&Open array…";
        QTest::newRow("Language menu") << "Language"
                                       << "&Language";
        QTest::newRow("Job panel title") << "sharedmap::MainWindow"
                                         << "Job";
        QTest::newRow("Data panel title") << "sharedmap::MainWindow"
                                          << "Data";
        QTest::newRow("kernel description") << "Kernels"
                                            << "Sum of row a";
        QTest::newRow("kernel index space") << "Kernels"
                                            << "rows (first axis)";
    }

    void windowSpeaksChinese()
    {
        QFETCH(QString, context);
        QFETCH(QString, source);
        const QString chinese = m_zh.translate(qPrintable(context), qPrintable(source));
        QVERIFY2(hasHanzi(chinese), qPrintable(QStringLiteral("no Chinese in the .qm for %1").arg(source)));

        QCOMPARE(installTranslations(QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
        MainWindow window;
        JobSpec spec;
        spec.kernel = QStringLiteral("row_sum");
        window.jobPanel()->setSpec(spec);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QStringList texts = visibleTexts(window);
        const bool shown
            = std::any_of(texts.begin(), texts.end(), [&](const QString& text) { return text.contains(chinese); });
        QVERIFY2(shown,
                 qPrintable(QStringLiteral("'%1' not shown; the window shows: %2")
                                .arg(chinese, texts.join(QStringLiteral(" | ")))));
        QVERIFY2(!texts.contains(source), qPrintable(QStringLiteral("'%1' is still shown in English").arg(source)));
    }

    void qtTextsSpeakChinese()
    {
        // Qt's own dialogs (file dialogs, standard buttons) from qtbase_zh_CN.qm.
        installTranslations(QStringLiteral("zh_CN"));
        const QString cancel = QCoreApplication::translate("QPlatformTheme", "Cancel");
        QVERIFY2(hasHanzi(cancel), qPrintable(cancel));
    }

    void languageMenuStoresTheChoice_data()
    {
        QTest::addColumn<QString>("stored");
        QTest::addColumn<int>("choose"); ///< action index in the menu (the separator counts)
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("notified");
        QTest::newRow("system to Chinese") << "system" << 3 << "zh_CN" << true;
        QTest::newRow("Chinese to English") << "zh_CN" << 2 << "en" << true;
        QTest::newRow("English to system") << "en" << 0 << "system" << true;
        QTest::newRow("same choice again") << "zh_CN" << 3 << "zh_CN" << false;
    }

    void languageMenuStoresTheChoice()
    {
        QFETCH(QString, stored);
        QFETCH(int, choose);
        QFETCH(QString, expected);
        QFETCH(bool, notified);
        Settings::instance()->setLanguage(stored);
        QWidget parent;
        bool called = false;
        QMenu* menu = createLanguageMenu(&parent, [&called] { called = true; });
        const QList<QAction*> actions = menu->actions();
        QCOMPARE(actions.size(), 4); // system, separator, English, 简体中文
        for (QAction* action : actions) {
            if (!action->isSeparator())
                QCOMPARE(action->isChecked(), action->data().toString() == stored);
        }
        actions.at(choose)->trigger();
        QCOMPARE(Settings::instance()->language(), expected);
        QCOMPARE(called, notified);
    }

private:
    QTranslator m_zh;
};

QTEST_MAIN(TestLanguage)
#include "tst_language.moc"
