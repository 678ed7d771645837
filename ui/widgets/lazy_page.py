"""A screen of the shell that is built, and its module imported, on its first visit.

Start-up builds only the screen the window opens on; the others stand in the page stack as an
empty slot until the officer goes there (issue 14: start-up within 2× a bare window).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyPage(QWidget):
    """An empty slot in the page stack; ``ensure()`` builds the screen into it once and returns it."""

    def __init__(self, build: Callable[[QWidget], QWidget], name: str = "", parent: QWidget | None = None) -> None:
        """``build(slot)`` makes the screen (it may parent it to the slot) and connects its signals."""
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)
        self._build = build
        self.page: QWidget | None = None  # None until the first visit

    def ensure(self) -> QWidget:
        if self.page is None:
            page = self._build(self)
            self.layout().addWidget(page)
            self.page = page
        return self.page
