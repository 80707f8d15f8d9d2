// The Job panel, offscreen: it marks the indices field from the type of the job's error
// (JobError::Field::Indices), never from the message's text — a formula that mentions "kind" or a
// "window" is no index problem, a bad slice is.

#include "jobpanel.h"

#include <QLineEdit>
#include <QtTest>

using namespace sharedmap;
using Field = JobError::Field;

Q_DECLARE_METATYPE(sharedmap::JobError::Field)

class TestJobPanel : public QObject
{
    Q_OBJECT

private slots:
    void indicesMarkedByType_data()
    {
        QTest::addColumn<QString>("kernel");
        QTest::addColumn<QString>("expr"); // for the formula kernel
        QTest::addColumn<QString>("indices");
        QTest::addColumn<Field>("field");

        QTest::newRow("runnable") << "row_sum" << QString() << "0:4" << Field::None;
        QTest::newRow("step 0") << "row_sum" << QString() << "5:1:0" << Field::Indices;
        QTest::newRow("index outside the input") << "row_sum" << QString() << "0,1,999" << Field::Indices;
        QTest::newRow("bad list") << "diag" << QString() << "1,x" << Field::Indices;
        // The message quotes the expression, which contains "ind": text matching took it for an
        // index problem.
        QTest::newRow("formula naming kind") << "formula"
                                             << "B(i,i) + kind"
                                             << "0:4" << Field::Param;
        QTest::newRow("formula naming window") << "formula"
                                               << "window(i)"
                                               << "all" << Field::Param;
    }

    void indicesMarkedByType()
    {
        QFETCH(QString, kernel);
        QFETCH(QString, expr);
        QFETCH(QString, indices);
        QFETCH(Field, field);

        JobPanel panel;
        ArrayMeta meta;
        meta.dtype = DType::Float64;
        meta.shape = { 6, 6 };
        panel.setInputMeta(&meta);
        JobSpec spec;
        spec.kernel = kernel;
        spec.indices = indices;
        if (!expr.isEmpty())
            spec.params.insert(QStringLiteral("expr"), expr);
        panel.setSpec(spec);
        QCOMPARE(panel.spec().kernel, kernel);
        QCOMPARE(panel.problemError().field, field);
        QCOMPARE(panel.problem().isEmpty(), field == Field::None);
        QCOMPARE(panel.problem(), panel.problemError().message);
        if (field == Field::Param)
            QVERIFY2(panel.problem().contains(QLatin1String("ind")), qPrintable(panel.problem()));
        QLineEdit* edit = nullptr;
        for (QLineEdit* candidate : panel.findChildren<QLineEdit*>()) {
            if (candidate->text() == indices)
                edit = candidate;
        }
        QVERIFY(edit);
        QCOMPARE(!edit->styleSheet().isEmpty(), field == Field::Indices);
    }
};

QTEST_MAIN(TestJobPanel)
#include "tst_jobpanel.moc"
