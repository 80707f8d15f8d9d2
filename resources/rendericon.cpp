// Build step: renders the hand-drawn SVG icon to the PNG sizes desktops look up
// (hicolor/NxN/apps), with Qt's own SVG renderer, so the PNGs never drift from the SVG.
//   sharedmap-rendericon ICON.svg OUTPUT_DIR SIZE...   writes OUTPUT_DIR/SIZE/NAME.png

#include <cstdio>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 4) {
        std::fputs("usage: sharedmap-rendericon ICON.svg OUTPUT_DIR SIZE...\n", stderr);
        return 2;
    }
    QSvgRenderer renderer(args.at(1));
    if (!renderer.isValid()) {
        std::fprintf(stderr, "sharedmap-rendericon: cannot read %s\n", qPrintable(args.at(1)));
        return 2;
    }
    const QString name = QFileInfo(args.at(1)).completeBaseName();
    for (const QString& sizeText : args.mid(3)) {
        bool ok = false;
        const int size = sizeText.toInt(&ok);
        if (!ok || size < 1 || size > 4096) {
            std::fprintf(stderr, "sharedmap-rendericon: bad size '%s'\n", qPrintable(sizeText));
            return 2;
        }
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        renderer.render(&painter);
        painter.end();
        const QDir dir(args.at(2) + QStringLiteral("/%1").arg(size));
        if (!dir.mkpath(QStringLiteral(".")) || !image.save(dir.filePath(name + QStringLiteral(".png")))) {
            std::fprintf(stderr, "sharedmap-rendericon: cannot write %s\n", qPrintable(dir.path()));
            return 2;
        }
    }
    return 0;
}
