#include "questions.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>

namespace sharedmap {

namespace {

QMessageBox* question(QWidget* parent, const QString& title, const QString& text)
{
    auto* box = new QMessageBox(QMessageBox::Question, title, text, QMessageBox::NoButton, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    return box;
}

} // namespace

void Questions::askToQuit(QWidget* parent, bool running, std::function<void(QuitAnswer)> answered)
{
    QMessageBox* box = question(
        parent, QCoreApplication::translate("Questions", "Quit SharedMap?"),
        running
            ? QCoreApplication::translate("Questions", "A job is running. Quitting now stops it and drops its results.")
            : QCoreApplication::translate("Questions",
                                          "The last job's results have not been exported. Quitting drops them."));
    QPushButton* keep
        = box->addButton(running ? QCoreApplication::translate("Questions", "Cancel the job and keep its results")
                                 : QCoreApplication::translate("Questions", "Export results…"),
                         QMessageBox::AcceptRole);
    keep->setObjectName(QStringLiteral("keepResults"));
    QPushButton* quit
        = box->addButton(QCoreApplication::translate("Questions", "Quit anyway"), QMessageBox::DestructiveRole);
    quit->setObjectName(QStringLiteral("quitAnyway"));
    QPushButton* back = box->addButton(QCoreApplication::translate("Questions", "Go back"), QMessageBox::RejectRole);
    box->setDefaultButton(keep);
    box->setEscapeButton(back);
    QObject::connect(box, &QMessageBox::buttonClicked, box, [answered, keep, quit](QAbstractButton* button) {
        answered(button == quit ? QuitAnswer::QuitAnyway : button == keep ? QuitAnswer::Keep : QuitAnswer::GoBack);
    });
    box->open();
}

void Questions::offerRestart(QWidget* parent, std::function<void()> restartNow)
{
    QMessageBox* box
        = question(parent, QCoreApplication::translate("Questions", "Language"),
                   QCoreApplication::translate("Questions", "The language changes when SharedMap starts again."));
    QPushButton* now = box->addButton(QCoreApplication::translate("Questions", "Restart now"), QMessageBox::AcceptRole);
    now->setObjectName(QStringLiteral("restartNow"));
    box->addButton(QCoreApplication::translate("Questions", "Later"), QMessageBox::RejectRole);
    QObject::connect(now, &QPushButton::clicked, box, [restartNow] { restartNow(); });
    box->open();
}

} // namespace sharedmap
