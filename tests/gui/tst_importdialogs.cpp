// Drives the import dialogs offscreen on files NumPy and h5py wrote: the CSV options dialog and
// its live preview, the HDF5/.npz picker, the raw size check, then loads through the window and
// runs a job with real workers, checking the results against NumPy.
#include "engine/pool.h"
#include "guitest.h"
#include "importdialogs.h"
#include "io/arraystore.h"
#include "jobpanel.h"
#include "mainwindow.h"
#include "models/arraylistmodel.h"
#include "shm/sharedarray.h"

#include <cmath>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace sharedmap;
using guitest::loadDoubles;
using guitest::runPython;

namespace {

QPushButton* okButton(QDialog* dialog)
{
    auto* box = dialog->findChild<QDialogButtonBox*>();
    return box ? box->button(QDialogButtonBox::Ok) : nullptr;
}

/// Clicks a tree item the way a user does.
void clickItem(QTreeWidget* tree, QTreeWidgetItem* item)
{
    tree->scrollToItem(item);
    const QRect rect = tree->visualItemRect(item);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, rect.center());
}

QTreeWidgetItem* findItem(QTreeWidget* tree, const QString& name)
{
    for (QTreeWidgetItemIterator it(tree); *it; ++it) {
        if ((*it)->data(0, Qt::UserRole).toString() == name)
            return *it;
    }
    return nullptr;
}

/// Runs row_sum with two workers on the window's current array; returns the results.
QVector<double> runRowSum(MainWindow& window)
{
    JobSpec spec;
    spec.kernel = QStringLiteral("row_sum");
    spec.workers = 2;
    window.jobPanel()->setSpec(spec);
    QSignalSpy ended(&window, &MainWindow::jobEnded);
    if (!window.runJob() || !ended.wait(20000))
        return {};
    return window.lastResult().values.toVector();
}

} // namespace

class TestImportDialogs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("SharedMapTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_importdialogs"));
        QVERIFY(m_dir.isValid());
        QVERIFY(runPython(
            QStringLiteral("import csv, numpy as np, h5py\n"
                           "rng = np.random.default_rng(4)\n"
                           "T = rng.normal(size=(57, 6)) * 10\n"
                           "np.savetxt('table.csv', T, delimiter=';', header='a;b;c;d;e;f', comments='')\n"
                           "np.save('table_cols_sum.npy', T[:, [1, 3, 4]].sum(1))\n"
                           "V = rng.normal(size=(40, 6)).astype(np.float32)\n"
                           "with h5py.File('data.h5', 'w') as f:\n"
                           "    f.create_dataset('group/values', data=V)\n"
                           "    f.create_dataset('group/sub/ints', data=np.arange(12, dtype='>i2').reshape(3, 4))\n"
                           "    f.create_dataset('text', data=np.array([b'x', b'y']))\n"
                           "np.save('values_slab_sum.npy', V[5:25, 1:4].astype(np.float64).sum(1))\n"
                           "np.savez_compressed('pair.npz', first=T, second=V)\n"
                           "V.tofile('values.raw')\n"
                           "np.save('table.npy', T)\n"
                           "np.save('table_sum.npy', T.sum(1))\n"
                           "for name, rows in [('quoted.csv', [['x;y', 'say \"hi\"']] + T[:, :2].tolist()),\n"
                           "                   ('open_quote.csv', [['a', 'b'], [1, 2], [3, 'four\\nlines']])]:\n"
                           "    with open(name, 'w', newline='') as f:\n"
                           "        csv.writer(f, delimiter=';', quoting=csv.QUOTE_ALL).writerows(rows)\n"),
            m_dir.path()));
    }

    void csvPreview_data()
    {
        QTest::addColumn<QString>("delimiter"); // item data of the delimiter box; "" = detect
        QTest::addColumn<int>("headerRows"); // -1 = detect
        QTest::addColumn<QString>("columns");
        QTest::addColumn<int>("shownColumns");
        QTest::addColumn<QString>("firstLabel");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("status");
        QTest::newRow("detected") << "" << -1 << "" << 6 << "0: a" << true
                                  << "Delimiter: semicolon (;), header lines: 1, 6 columns";
        QTest::newRow("columns") << "" << -1 << "4,0" << 2 << "4: e" << true << "header lines: 1";
        QTest::newRow("blanks") << " " << -1 << "" << 1 << "0: a;b;c;d;e;f" << false << "is not a number";
        QTest::newRow("no header") << ";" << 0 << "" << 6 << "0" << false
                                   << "Data line 1, column 0: 'a' is not a number";
        QTest::newRow("missing column") << "" << -1 << "6" << 0 << "" << false << "Column 6 does not exist";
        QTest::newRow("bad column list") << "" << -1 << "1,x" << 0 << "" << false << "columns must be a list";
    }

    void csvPreview()
    {
        QFETCH(QString, delimiter);
        QFETCH(int, headerRows);
        QFETCH(QString, columns);
        QFETCH(int, shownColumns);
        QFETCH(QString, firstLabel);
        QFETCH(bool, ok);
        QFETCH(QString, status);
        CsvImportDialog dialog(m_dir.filePath(QStringLiteral("table.csv")));
        dialog.show();
        QSignalSpy updated(&dialog, &CsvImportDialog::previewUpdated);
        QVERIFY(updated.wait(5000));
        QCOMPARE(dialog.previewTable()->rowCount(), 20);
        QCOMPARE(dialog.previewTable()->columnCount(), 6);

        auto* box = dialog.findChild<QComboBox*>();
        box->setCurrentIndex(box->findData(delimiter));
        dialog.findChild<QSpinBox*>()->setValue(headerRows);
        QTest::keyClicks(dialog.findChild<QLineEdit*>(), columns);
        // Each change asks for a new preview; the one shown at the end matches the last settings.
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isReading(), 5000);
        QVERIFY2(dialog.statusText().contains(status), qPrintable(dialog.statusText()));
        QCOMPARE(okButton(&dialog)->isEnabled(), ok);
        QCOMPARE(dialog.previewTable()->columnCount(), shownColumns);
        if (shownColumns == 0)
            return;
        QCOMPARE(dialog.previewTable()->horizontalHeaderItem(0)->text(), firstLabel);
        if (!ok)
            return;
        const LoadOptions options = dialog.options();
        QCOMPARE(options.headerRows, headerRows);
        QCOMPARE(QString(options.delimiter.isNull() ? QString() : QString(options.delimiter)), delimiter);
    }

    /// A line or a column of text: the status names it and offers the fix, the cells are marked,
    /// and the fix button applies it.
    void csvOffersAFix_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("headerRows");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("button");
        QTest::addColumn<QString>("firstLabel"); // after the fix
        QTest::newRow("names taken for data") << "table.csv" << 0 << "count it as a header line (Header lines: 1)"
                                              << "Use 1 header line(s)"
                                              << "0: a";
        QTest::newRow("a text column") << "mixed.csv" << -1
                                       << "Column(s) 0 ('name') hold text: keep the numeric ones with Columns: 1,2"
                                       << "Use columns 1,2"
                                       << "1: x";
    }

    void csvOffersAFix()
    {
        QFETCH(QString, file);
        QFETCH(int, headerRows);
        QFETCH(QString, status);
        QFETCH(QString, button);
        QFETCH(QString, firstLabel);
        QVERIFY(runPython(QStringLiteral("open('mixed.csv', 'w').write('name,x,y\\n' + ''.join("
                                         "f'row{i},{i},{i * 0.5}\\n' for i in range(30)))\n"),
                          m_dir.path()));
        CsvImportDialog dialog(m_dir.filePath(file));
        dialog.show();
        QSignalSpy updated(&dialog, &CsvImportDialog::previewUpdated);
        QVERIFY(updated.wait(5000));
        dialog.findChild<QSpinBox*>()->setValue(headerRows);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isReading(), 5000);
        QTRY_VERIFY(dialog.statusText().contains(status));
        QVERIFY(!okButton(&dialog)->isEnabled());
        QVERIFY(dialog.fixButton()->isVisible());
        QCOMPARE(dialog.fixButton()->text(), button);
        // The text is marked where it is.
        const QTableWidgetItem* bad = dialog.previewTable()->item(0, 0);
        QVERIFY(bad);
        QCOMPARE(bad->background().color(), QColor(0xfd, 0xec, 0xea));
        QTest::mouseClick(dialog.fixButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isReading() && okButton(&dialog)->isEnabled(), 5000);
        QVERIFY(!dialog.fixButton()->isVisible());
        QCOMPARE(dialog.previewTable()->horizontalHeaderItem(0)->text(), firstLabel); // the header's names kept
        QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Delimiter: ")), qPrintable(dialog.statusText()));
    }

    void csvQuotedPreview_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("shownColumns");
        QTest::addColumn<QStringList>("labels");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("status");
        // Python's csv module wrote these, names and text in quotes.
        QTest::newRow("quoted names") << "quoted.csv" << 2 << QStringList { "0: x;y", "1: say \"hi\"" } << true
                                      << "Delimiter: semicolon (;), header lines: 1, 2 columns";
        QTest::newRow("line break in quotes") << "open_quote.csv" << 0 << QStringList() << false
                                              << "line 3, column 2: a quoted field is not closed on its line";
    }

    void csvQuotedPreview()
    {
        QFETCH(QString, name);
        QFETCH(int, shownColumns);
        QFETCH(QStringList, labels);
        QFETCH(bool, ok);
        QFETCH(QString, status);
        CsvImportDialog dialog(m_dir.filePath(name));
        dialog.show();
        QSignalSpy updated(&dialog, &CsvImportDialog::previewUpdated);
        QVERIFY(updated.wait(5000));
        QVERIFY2(dialog.statusText().contains(status), qPrintable(dialog.statusText()));
        QCOMPARE(okButton(&dialog)->isEnabled(), ok);
        QCOMPARE(dialog.previewTable()->columnCount(), shownColumns);
        for (int c = 0; c < labels.size(); ++c)
            QCOMPARE(dialog.previewTable()->horizontalHeaderItem(c)->text(), labels[c]);
        if (ok) {
            bool number = false;
            dialog.previewTable()->item(0, 0)->text().toDouble(&number);
            QVERIFY(number);
        }
    }

    void csvDialogLoadsAndRuns()
    {
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        window.openFile(m_dir.filePath(QStringLiteral("table.csv")));
        CsvImportDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<CsvImportDialog*>()) != nullptr);
        QTRY_VERIFY(dialog->isVisible() && dialog->previewTable()->columnCount() == 6);
        QTest::keyClicks(dialog->findChild<QLineEdit*>(), QStringLiteral("1,3,4"));
        QTRY_COMPARE(dialog->previewTable()->columnCount(), 3);
        QTRY_VERIFY(!dialog->isReading() && okButton(dialog)->isEnabled());
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QVERIFY(loaded.wait(10000));
        const int id = loaded.first().first().toInt();
        QCOMPARE(window.store()->array(id)->meta().shape, (QVector<qint64> { 57, 3 }));
        QCOMPARE(window.store()->entry(id).options.columns, (QVector<int> { 1, 3, 4 }));
        const QVector<double> expected = loadDoubles(m_dir.filePath(QStringLiteral("table_cols_sum.npy")));
        const QVector<double> got = runRowSum(window);
        QCOMPARE(got.size(), expected.size());
        for (int i = 0; i < got.size(); ++i)
            QVERIFY2(std::abs(got[i] - expected[i]) < 1e-9, qPrintable(QString::number(i)));
        // The job remembers how its input was read, so a saved job reloads the same array.
        QCOMPARE(window.lastResult().spec.inputOptions.columns, (QVector<int> { 1, 3, 4 }));
    }

    void hdf5Picker()
    {
        DatasetPickerDialog dialog(m_dir.filePath(QStringLiteral("data.h5")));
        dialog.show();
        QSignalSpy listed(&dialog, &DatasetPickerDialog::listed);
        QVERIFY(listed.wait(5000));
        QTreeWidget* tree = dialog.tree();
        QCOMPARE(tree->topLevelItemCount(), 2); // group, text
        QTreeWidgetItem* values = findItem(tree, QStringLiteral("group/values"));
        QVERIFY(values);
        QCOMPARE(values->parent()->text(0), QStringLiteral("group"));
        QCOMPARE(values->text(0), QStringLiteral("values"));
        QCOMPARE(values->text(1), QStringLiteral("(40, 6)"));
        QCOMPARE(values->text(2), QStringLiteral("float32 LE"));
        QTreeWidgetItem* ints = findItem(tree, QStringLiteral("group/sub/ints"));
        QVERIFY(ints);
        QCOMPARE(ints->text(2), QStringLiteral("int16 BE"));
        QTreeWidgetItem* text = findItem(tree, QStringLiteral("text"));
        QVERIFY(text && !(text->flags() & Qt::ItemIsEnabled));
        QVERIFY(text->text(2).contains(QLatin1String("not supported")));

        clickItem(tree, values);
        QCOMPARE(tree->currentItem(), values);
        QVERIFY(okButton(&dialog)->isEnabled());
        auto* slice = dialog.findChild<QLineEdit*>();
        QTest::keyClicks(slice, QStringLiteral("5:25,1:4:0"));
        QVERIFY(!okButton(&dialog)->isEnabled()); // step 0
        QTest::keyClick(slice, Qt::Key_Backspace);
        QTest::keyClick(slice, Qt::Key_Backspace);
        QVERIFY(okButton(&dialog)->isEnabled());
        QCOMPARE(dialog.options().dataset, QStringLiteral("group/values"));
        QCOMPARE(dialog.options().slice, QStringLiteral("5:25,1:4"));

        // Loading with the picked options gives the hyperslab, and a job runs on it.
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        window.loadFile(m_dir.filePath(QStringLiteral("data.h5")), dialog.options());
        QVERIFY(loaded.wait(10000));
        const int id = loaded.first().first().toInt();
        QCOMPARE(window.store()->array(id)->meta().shape, (QVector<qint64> { 20, 3 }));
        QCOMPARE(window.store()->entry(id).name, QStringLiteral("data.h5:group/values"));
        const QVector<double> expected = loadDoubles(m_dir.filePath(QStringLiteral("values_slab_sum.npy")));
        const QVector<double> got = runRowSum(window);
        QCOMPARE(got.size(), 20);
        for (int i = 0; i < got.size(); ++i)
            QVERIFY(std::abs(got[i] - expected[i]) < 1e-4);

        // Export to HDF5 and read the results back.
        const QString exported = m_dir.filePath(QStringLiteral("exported.h5"));
        QCOMPARE(window.exportResults(exported), QString());
        LoadOptions results;
        results.dataset = QStringLiteral("results");
        QString error;
        const auto back = loadArray(exported, results, &error);
        QVERIFY2(back, qPrintable(error));
        const auto* written = reinterpret_cast<const double*>(back->view().data);
        QCOMPARE(QVector<double>(written, written + back->meta().elementCount()), got);
    }

    void hdf5PickerThroughTheWindow()
    {
        MainWindow window;
        window.show();
        window.openFile(m_dir.filePath(QStringLiteral("data.h5")));
        DatasetPickerDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<DatasetPickerDialog*>()) != nullptr);
        QTRY_VERIFY(findItem(dialog->tree(), QStringLiteral("group/sub/ints")));
        clickItem(dialog->tree(), findItem(dialog->tree(), QStringLiteral("group/sub/ints")));
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QVERIFY(loaded.wait(10000));
        const auto array = window.store()->array(loaded.first().first().toInt());
        QCOMPARE(array->meta().dtype, DType::Int16);
        const auto* data = reinterpret_cast<const qint16*>(array->view().data);
        for (int i = 0; i < 12; ++i)
            QCOMPARE(int(data[i]), i); // big-endian in the file, native in memory
    }

    void npzPicker()
    {
        DatasetPickerDialog dialog(m_dir.filePath(QStringLiteral("pair.npz")));
        dialog.show();
        QSignalSpy listed(&dialog, &DatasetPickerDialog::listed);
        QVERIFY(listed.wait(5000));
        QCOMPARE(dialog.tree()->topLevelItemCount(), 2);
        QCOMPARE(dialog.tree()->topLevelItem(0)->text(0), QStringLiteral("first"));
        QCOMPARE(dialog.tree()->topLevelItem(1)->text(1), QStringLiteral("(40, 6)"));
        QVERIFY(!dialog.findChild<QLineEdit*>()->isVisible()); // no hyperslab for .npz
        QVERIFY(dialog.selectDataset(QStringLiteral("second")));
        QCOMPARE(dialog.options().dataset, QStringLiteral("second"));
        QVERIFY(dialog.options().slice.isEmpty());
    }

    void mappedNpyRuns()
    {
        // A .npy mapped read-only in place (no copy) runs like a loaded one; the Data panel says so.
        MainWindow window;
        window.pool()->setWorkerProgram(QStringLiteral(SHAREDMAP_WORKER));
        window.show();
        LoadOptions options;
        options.map = true;
        QSignalSpy loaded(window.store(), &ArrayStore::loaded);
        QSignalSpy failed(window.store(), &ArrayStore::loadFailed);
        window.loadFile(m_dir.filePath(QStringLiteral("table.npy")), options);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty() || !failed.isEmpty(), 10000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(1).toString()));
        const int id = loaded.first().first().toInt();
        QVERIFY(window.store()->array(id)->isFileMapped());
        auto* model = window.findChild<ArrayListModel*>();
        QVERIFY(model);
        QCOMPARE(model->rowCount(), 1);
        QVERIFY(model->data(model->index(0, ArrayListModel::SegmentColumn), Qt::ToolTipRole)
                    .toString()
                    .contains(QLatin1String("mapped read-only")));
        const QVector<double> expected = loadDoubles(m_dir.filePath(QStringLiteral("table_sum.npy")));
        const QVector<double> got = runRowSum(window);
        QCOMPARE(got.size(), 57);
        for (int i = 0; i < got.size(); ++i)
            QVERIFY(std::abs(got[i] - expected[i]) < 1e-9);
        QVERIFY(window.lastResult().spec.inputOptions.map);
    }

    void rawSizeCheck_data()
    {
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<QString>("shape");
        QTest::addColumn<int>("offset");
        QTest::addColumn<bool>("fits");
        QTest::newRow("float32 40x6") << "float32"
                                      << "40x6" << 0 << true;
        QTest::newRow("uint8 960") << "uint8"
                                   << "960" << 0 << true;
        QTest::newRow("float32 40x6 + offset") << "float32"
                                               << "40x6" << 4 << false;
        QTest::newRow("float64 40x6") << "float64"
                                      << "40x6" << 0 << false;
        QTest::newRow("float32 39x6 + 24") << "float32"
                                           << "39x6" << 24 << true;
        QTest::newRow("bad shape") << "float32"
                                   << "40xx" << 0 << false;
    }

    void rawSizeCheck()
    {
        QFETCH(QString, dtype);
        QFETCH(QString, shape);
        QFETCH(int, offset);
        QFETCH(bool, fits);
        RawImportDialog dialog(m_dir.filePath(QStringLiteral("values.raw")));
        dialog.show();
        auto* type = dialog.findChild<QComboBox*>();
        type->setCurrentIndex(type->findText(dtype));
        auto* edit = dialog.findChild<QLineEdit*>();
        edit->clear();
        QTest::keyClicks(edit, shape);
        dialog.findChild<QSpinBox*>()->setValue(offset);
        QCOMPARE(dialog.problem().isEmpty(), fits);
        QCOMPARE(okButton(&dialog)->isEnabled(), fits);
        if (!fits)
            return;
        QString error;
        const auto array = loadArray(m_dir.filePath(QStringLiteral("values.raw")), dialog.options(), &error);
        QVERIFY2(array, qPrintable(error));
        QCOMPARE(array->meta().dtype, dtypeFromName(dtype));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestImportDialogs)
#include "tst_importdialogs.moc"
