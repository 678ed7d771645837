"""Screens that later work fills: they say what will come, and show no fake data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.i18n import _

# navigation key -> (title msgid, description msgid)
UPCOMING: dict[str, tuple[str, str]] = {}


class UpcomingPage(QWidget):
    """Names the screen and what it will hold; nothing on it pretends to work."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"page_{key}")
        title, description = UPCOMING[key]
        heading = QLabel(_(title))
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        body = QLabel(_(description))
        body.setWordWrap(True)
        note = QLabel(_("This screen is not available in this version yet."))
        note.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        for widget in (heading, body, note):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
