// The Data panel on real arrays in shared memory: its layout, and what the user can do with an
// array (remove, rename, save as .npy) and how much the arrays hold.
#include "base/procstats.h"
#include "base/progressformat.h"
#include "datapanel.h"
#include "guitest.h"
#include "io/arraystore.h"
#include "models/arraylistmodel.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace sharedmap;

class TestDataPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    /// The line about the selected array never covers the list's rows, however the splitter is set.
    void infoNeverCoversTheList_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("topHeight");
        QTest::newRow("wide, roomy") << 600 << 400;
        QTest::newRow("narrow, squeezed") << 280 << 40;
        QTest::newRow("narrow, roomy") << 280 << 400;
    }

    void infoNeverCoversTheList()
    {
        QFETCH(int, width);
        QFETCH(int, topHeight);
        ArrayStore store;
        DataPanel panel(&store);
        QAbstractItemModelTester tester(panel.arrayList()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.resize(width, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy loaded(&store, &ArrayStore::loaded);
        ArrayMeta meta;
        meta.dtype = DType::Float64;
        meta.shape = { 30, 40 };
        for (const char* name : { "first", "second-with-a-long-name", "third" }) {
            store.generate(QLatin1String(name), meta, Distribution::Uniform, 1);
            QVERIFY(loaded.wait(10000));
        }
        panel.setCurrentId(store.ids().at(2)); // the last row selected
        auto* splitter = panel.findChild<QSplitter*>(QStringLiteral("dataSplitter"));
        QVERIFY(splitter);
        splitter->setSizes({ topHeight, 700 - topHeight });
        QTest::qWait(50);
        QLabel* info = panel.infoLabel();
        QTableView* list = panel.arrayList();
        QVERIFY(info->isVisible());
        QVERIFY2(info->geometry().top() >= list->geometry().bottom(),
                 qPrintable(QStringLiteral("info at %1, list ends at %2")
                                .arg(info->geometry().top())
                                .arg(list->geometry().bottom())));
        QVERIFY2(info->height() >= info->heightForWidth(info->width()),
                 qPrintable(QStringLiteral("%1 < %2").arg(info->height()).arg(info->heightForWidth(info->width()))));
        // Three rows fit in the list above it.
        QVERIFY(list->rowViewportPosition(2) + list->rowHeight(2) <= list->viewport()->height());
    }

    /// Delete removes the selected array from shared memory; F2 renames it in place; Save writes
    /// a .npy that NumPy reads back; the total held follows, against what the machine allows.
    void removeRenameSaveAndTotal()
    {
        ArrayStore store;
        DataPanel panel(&store);
        QAbstractItemModelTester tester(panel.arrayList()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.resize(400, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(!panel.removeAction()->isEnabled()); // nothing to act on yet
        QSignalSpy loaded(&store, &ArrayStore::loaded);
        ArrayMeta meta;
        meta.dtype = DType::Float64;
        meta.shape = { 300, 400 };
        store.generate(QStringLiteral("a"), meta, Distribution::Arange, 1);
        QVERIFY(loaded.wait(10000));
        meta.shape = { 1000, 1000 };
        store.generate(QStringLiteral("big"), meta, Distribution::Uniform, 2);
        QVERIFY(loaded.wait(10000));
        const int a = store.ids().first();
        const int big = store.ids().last();
        QCOMPARE(panel.currentId(), big);
        QCOMPARE(panel.heldBytes(), store.array(a)->segmentBytes() + store.array(big)->segmentBytes());
        const QString total = panel.totalLabel()->text();
        QVERIFY2(total.contains(formatBytes(panel.heldBytes())), qPrintable(total));
        bool cgroup = false;
        QVERIFY2(total.contains(formatBytes(memoryLimitBytes(&cgroup))), qPrintable(total));
        QVERIFY(panel.totalLabel()->toolTip().contains(cgroup ? QStringLiteral("cgroup") : QStringLiteral("machine")));

        // Delete, with the list focused, frees the selected array.
        QSignalSpy removed(&store, &ArrayStore::removed);
        QSignalSpy logged(&panel, &DataPanel::logMessage);
        panel.arrayList()->setFocus();
        QTRY_VERIFY(panel.arrayList()->hasFocus());
        QTest::keyClick(panel.arrayList(), Qt::Key_Delete);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.first().first().toInt(), big);
        QVERIFY(!store.contains(big));
        QCOMPARE(panel.currentId(), a); // the one left becomes the input
        QCOMPARE(panel.arrayList()->model()->rowCount(), 1);
        QCOMPARE(panel.heldBytes(), store.array(a)->segmentBytes());
        QVERIFY(panel.totalLabel()->text().contains(formatBytes(panel.heldBytes())));
        QVERIFY(logged.count() >= 1 && logged.last().first().toString().contains(QStringLiteral("big")));
        // The context menu offers the same actions.
        QCOMPARE(panel.arrayList()->contextMenuPolicy(), Qt::ActionsContextMenu);
        QVERIFY(panel.arrayList()->actions().contains(panel.removeAction()));
        QVERIFY(panel.arrayList()->actions().contains(panel.renameAction()));
        QVERIFY(panel.arrayList()->actions().contains(panel.saveAction()));

        // F2 edits the name in place; the store (and so a job's input label) takes it.
        QTest::keyClick(panel.arrayList(), Qt::Key_F2);
        QLineEdit* editor = panel.arrayList()->findChild<QLineEdit*>();
        QTRY_VERIFY(editor && editor->isVisible());
        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("renamed"));
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE(store.entry(a).name, QStringLiteral("renamed"));
        QCOMPARE(panel.arrayList()->model()->index(0, ArrayListModel::NameColumn).data().toString(),
                 QStringLiteral("renamed"));
        QVERIFY(panel.infoLabel()->text().contains(QStringLiteral("renamed")));
        QVERIFY(!store.rename(a, QStringLiteral("  "))); // an empty name is refused

        // Save as .npy, off the GUI thread; NumPy reads the same values back.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.npy"));
        QSignalSpy saved(&panel, &DataPanel::saved);
        panel.saveCurrent(path);
        QVERIFY(saved.wait(10000));
        QVERIFY(guitest::runPython(QStringLiteral("import numpy as np\n"
                                                  "a = np.load('a.npy')\n"
                                                  "assert a.shape == (300, 400) and a.dtype == np.float64\n"
                                                  "assert (a.ravel() == np.arange(120000)).all()\n"),
                                   dir.path()));
        // A folder that does not exist: told in the Log, nothing else happens.
        logged.clear();
        panel.saveCurrent(dir.filePath(QStringLiteral("missing/a.npy")));
        QTRY_VERIFY(logged.count() == 1);
        QCOMPARE(logged.first().at(1).toBool(), true);
    }
};

QTEST_MAIN(TestDataPanel)
#include "tst_datapanel.moc"
