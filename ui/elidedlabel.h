#pragma once

#include <QWidget>

namespace sharedmap {

/// One line of text that never wraps and never widens its parent: what does not fit ends in
/// "…", and the tooltip holds it all. For status lines, whose height must not change under the
/// pointer.
class ElidedLabel : public QWidget
{
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget* parent = nullptr);

    void setText(const QString& text);
    QString text() const { return m_text; }
    /// The text as drawn at the current width.
    QString shownText() const;

    /// Caps the width asked for (0: none), so that a long text leaves room beside it.
    void setMaximumHintWidth(int pixels) { m_maximumHint = pixels; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_text;
    int m_maximumHint = 0;
};

} // namespace sharedmap
