"""A page-by-page preview of a PDF in memory, rendered in the background as settings change.

``PdfRenderer`` runs the core's drawing (reportlab) off the GUI thread, one job at
a time, and hands back only the newest result: typing in the certificate text or
selecting 300 certificates never freezes the window. ``PdfPreview`` shows one page
fitted to its area, with page navigation, or a message when the PDF could not be
made (for instance a name that no font can print).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QRectF, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from app.errors import UserError
from app.i18n import _
from ui.widgets.pdf_pages import PdfPages
from ui.widgets.dialog_parts import ERROR_COLOUR

log = logging.getLogger(__name__)
_pool: QThreadPool | None = None


def render_pool() -> QThreadPool:
    """One thread for every preview of the app: reportlab draws one document at a time."""
    global _pool
    if _pool is None:
        _pool = QThreadPool(QCoreApplication.instance())
        _pool.setMaxThreadCount(1)
    return _pool


class _Signals(QObject):
    done = Signal(int, object, str)  # generation, bytes or None, error message


class _Job(QRunnable):
    def __init__(self, generation: int, make: Callable[[], bytes], signals: _Signals) -> None:
        super().__init__()
        self.generation, self.make, self.signals = generation, make, signals

    def run(self) -> None:
        try:
            result = (self.make(), "")
        except UserError as exc:
            result = (None, str(exc))
        except Exception as exc:  # noqa: BLE001 - a preview that fails must not take the window down
            log.exception("preview failed")
            result = (None, _("The preview could not be made: {error}").format(error=exc))
        self.signals.done.emit(self.generation, *result)


class PdfRenderer(QObject):
    """Makes PDFs off the GUI thread; only the latest request's result is delivered."""

    ready = Signal(object)  # bytes
    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = render_pool()
        # No parent: a queued job keeps it alive even if the preview is closed before the job ends.
        self._signals = _Signals()
        self._signals.done.connect(self._done)
        self._generation = 0
        self._pending = 0

    def request(self, make: Callable[[], bytes]) -> None:
        self._generation += 1
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(self._generation, make, self._signals))

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def wait(self) -> None:
        """Block until every preview job has finished (before the register is written, and at teardown)."""
        self._pool.waitForDone()

    def _done(self, generation: int, data: bytes | None, error: str) -> None:
        self._pending -= 1
        if generation == self._generation:
            if data is not None:
                self.ready.emit(data)
            else:
                self.failed.emit(error)
        if self._pending == 0:
            self.busy_changed.emit(False)


class PageView(QWidget):
    """One page fitted into the widget, rendered at the screen's pixel density."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages: PdfPages | None = None
        self.index = 0
        self._image: QImage | None = None
        self._key: tuple | None = None
        self.setMinimumSize(120, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(300, 400)

    def show_page(self, pages: PdfPages | None, index: int) -> None:
        self.pages, self.index, self._key = pages, index, None
        self.update()

    def _page_rect(self) -> QRectF:
        width_pt, height_pt = self.pages.size_pt(self.index)  # type: ignore[union-attr]
        area = QRectF(self.rect()).adjusted(6, 6, -6, -6)
        factor = min(area.width() / width_pt, area.height() / height_pt)
        w, h = width_pt * factor, height_pt * factor
        return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#8a8a8a"))
        if self.pages is None or not len(self.pages):
            return
        target = self._page_rect()
        ratio = self.devicePixelRatioF()
        key = (id(self.pages), self.index, round(target.width() * ratio))
        if key != self._key:
            self._image = self.pages.image(self.index, target.width() * ratio / self.pages.size_pt(self.index)[0])
            self._image.setDevicePixelRatio(ratio)
            self._key = key
        painter.fillRect(target.translated(3, 3), QColor(0, 0, 0, 70))
        painter.drawImage(target, self._image)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._key = None
        super().resizeEvent(event)


class PdfPreview(QWidget):
    """Page view with ◀ n / N ▶ and a line for what is going on (making, refused, empty)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: bytes | None = None
        self._pages: PdfPages | None = None
        self.view = PageView()
        self.previous_button = QToolButton()
        self.previous_button.setText("◀")
        self.previous_button.setToolTip(_("Previous page"))
        self.previous_button.clicked.connect(lambda: self.set_page(self.view.index - 1))
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.setToolTip(_("Next page"))
        self.next_button.clicked.connect(lambda: self.set_page(self.view.index + 1))
        self.page_label = QLabel()
        self.page_label.setObjectName("previewPage")
        self.message = QLabel()
        self.message.setObjectName("previewMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.page_label)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.set_pdf(None)

    # -- state -----------------------------------------------------------------------------
    def page_count(self) -> int:
        return len(self._pages) if self._pages is not None else 0

    @property
    def current_page(self) -> int:
        return self.view.index

    def set_pdf(self, data: bytes | None, message: str = "") -> None:
        """Show a new PDF (from the first page), or none with a message."""
        if self._pages is not None:
            self.view.show_page(None, 0)
            self._pages.close()
        self.data = data
        self._pages = PdfPages(data) if data else None
        self.set_message(message)
        self.set_page(0)

    def set_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;" if error else "color: #555;")
        self.message.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        """The PDF could not be made: no pages, the reason in red."""
        self.set_pdf(None)
        self.set_message(text, error=True)

    def set_page(self, index: int) -> None:
        count = self.page_count()
        index = max(0, min(index, count - 1)) if count else 0
        self.view.show_page(self._pages, index)
        self.page_label.setText(_("Page {page} of {count}").format(page=index + 1, count=count) if count else "")
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < count - 1)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.set_page(self.view.index + 1)
        elif event.key() in (Qt.Key.Key_PageUp, Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.set_page(self.view.index - 1)
        else:
            super().keyPressEvent(event)
