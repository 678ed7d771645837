"""Run long core work (imports of tens of thousands of rows) off the GUI thread.

The window keeps painting and shows a progress dialog; the caller gets the
result (or the exception) back as if it had called the function directly.
SQLite connections belong to the thread that made them, so the function must
open its own connection (see ``database_file``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlite_utils
from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
SHOW_AFTER_MS = 400  # quick work finishes without a flash of a dialog


class _Signals(QObject):
    finished = Signal()


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], T]) -> None:
        super().__init__()
        self.fn = fn
        self.result: object = None
        self.error: BaseException | None = None
        self.signals = _Signals()

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as exc:  # handed back to the GUI thread and raised there
            self.error = exc
        finally:
            self.signals.finished.emit()


def database_file(db: sqlite_utils.Database) -> Path:
    """The file behind a connection, for a worker thread to open its own."""
    return Path(next(row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"))


def with_connection(db_file: Path, work: Callable[[sqlite_utils.Database], T]) -> T:
    """Run ``work`` on a connection of the calling (worker) thread's own, closed afterwards."""
    from app.db import connect

    db = connect(db_file)
    try:
        return work(db)
    finally:
        db.close()


def run_in_background(parent: QWidget | None, label: str, fn: Callable[[], T]) -> T:
    """Run ``fn`` on a worker thread; wait in a local event loop behind a busy progress dialog."""
    job = _Job(fn)
    loop = QEventLoop()
    job.signals.finished.connect(loop.quit)
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setWindowTitle(label)
    dialog.setValue(0)  # starts the timer that shows the dialog if the work takes a while
    # The local event loop still delivers input: nothing may start a second job or change
    # the options behind this one until it is done.
    window = parent.window() if parent is not None else None
    if window is not None:
        window.setEnabled(False)
    try:
        QThreadPool.globalInstance().start(job)
        loop.exec()
    finally:
        if window is not None:
            window.setEnabled(True)
        dialog.reset()
        dialog.deleteLater()
    if job.error is not None:
        raise job.error
    return job.result  # type: ignore[return-value]
