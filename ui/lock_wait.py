"""「他の操作が終わるのを待っています」 in the window while a write waits for another process's write.

The core calls its lock-wait listener (app.db.set_lock_wait_listener) from whichever thread writes:
a worker thread signals the GUI thread; on the GUI thread itself the message is shown at once and
the event loop turns so that it paints while the write waits (user input is held back meanwhile).
"""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, QObject, QThread, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QProgressDialog

from app import db as app_db
from app.i18n import _


class LockWaitNotice(QObject):
    changed = Signal(bool)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._label: str | None = None  # the busy dialog's own text while the wait is shown in it
        self.waiting = False
        self.changed.connect(self._show)
        app_db.set_lock_wait_listener(self.notify)
        window.destroyed.connect(lambda *_args, notify=self.notify: _forget(notify))

    def notify(self, waiting: bool) -> None:
        """Called by the core, on any thread."""
        app = QApplication.instance()
        if app is not None and QThread.currentThread() is app.thread():
            self._show(waiting)
            if waiting:
                app.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        else:
            self.changed.emit(waiting)

    def _show(self, waiting: bool) -> None:
        if waiting == self.waiting:
            return
        self.waiting = waiting
        text = _("Waiting for another operation to finish…")
        busy = QApplication.activeModalWidget()
        if waiting:
            self._window.statusBar().showMessage(text)
            if isinstance(busy, QProgressDialog):
                self._label = busy.labelText()
                busy.setLabelText(text)
        else:
            if self._window.statusBar().currentMessage() == text:
                self._window.statusBar().clearMessage()
            if isinstance(busy, QProgressDialog) and self._label is not None:
                busy.setLabelText(self._label)
            self._label = None


def _forget(notify) -> None:
    """A closed window stops listening, unless a newer window has already taken over."""
    current = app_db.set_lock_wait_listener(None)
    if current != notify:
        app_db.set_lock_wait_listener(current)
