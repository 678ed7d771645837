"""Helpers for GUI tests."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget


def when_modal(action: Callable[[QWidget], None]) -> None:
    """Run ``action`` on the modal dialog once it is shown (exec() blocks the test until it closes)."""

    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(20, attempt)
            return
        action(widget)

    QTimer.singleShot(0, attempt)


def collect_message_texts() -> list[str]:
    """Close the next message box shown, keeping its text in the returned list."""
    shown: list[str] = []

    def close(box) -> None:
        shown.append(box.text())
        box.done(0)

    when_modal(close)
    return shown


def type_date(qtbot, field, text: str) -> None:
    """Type over a DateEdit's text as an officer does: select everything, type, leave the field.

    ASCII goes through key clicks; kana, kanji and full-width characters arrive as an input
    method's committed text, as they do from a Japanese IME (QTest cannot click non-ASCII keys).
    """
    from PySide6.QtGui import QInputMethodEvent

    field.edit.setFocus()
    field.edit.selectAll()
    for char in text:
        if char.isascii():
            qtbot.keyClicks(field.edit, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(field.edit, event)
    field.edit.editingFinished.emit()  # leaving the field (offscreen windows do not move the focus reliably)


def show_widget(qtbot, widget: QWidget, width: int, height: int) -> QWidget:
    """Hand ``widget`` to qtbot (closed after the test), size it like a screen at 1366×768 and show it.

    Some pages read their data when first shown, so tests call this before they look at rows.
    """
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    return widget
