// The Data panel on real arrays in shared memory: its layout, and what the user can do with an
// array (remove, rename, save as .npy) and how much the arrays hold.
#include "datapanel.h"
#include "io/arraystore.h"
#include "models/arraylistmodel.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
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
};

QTEST_MAIN(TestDataPanel)
#include "tst_datapanel.moc"
