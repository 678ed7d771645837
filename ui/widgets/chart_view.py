"""Shows a chart the core drew (app/reporting/charts.py) as SVG, scaled to the widget, aspect kept.

The screen does not draw charts itself: it shows the SVG of the same reportlab Drawing the reports
put in their PDF, so the two never differ. The SVG names the font family IPAexGothic, which
ui/fonts.py registers at start-up; text stays sharp at any size.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget


class ChartView(QWidget):
    """A widget painting one SVG document centred in its area."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._renderer = QSvgRenderer(self)
        self._svg = b""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 150)

    def set_svg(self, data: bytes) -> None:
        """Show another chart (the bytes of ``charts.to_svg``)."""
        self._svg = data
        self._renderer.load(QByteArray(data))
        self.update()

    def svg(self) -> bytes:
        return self._svg

    def is_valid(self) -> bool:
        return bool(self._svg) and self._renderer.isValid()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(520, 300)

    def target_rect(self) -> QRectF:
        """Where the chart goes: the largest rectangle of the chart's proportions, centred."""
        size = self._renderer.defaultSize()
        if size.isEmpty():
            return QRectF(self.rect())
        scaled = size.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRectF((self.width() - scaled.width()) / 2, (self.height() - scaled.height()) / 2,
                      scaled.width(), scaled.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        if not self.is_valid():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._renderer.render(painter, self.target_rect())
        painter.end()
