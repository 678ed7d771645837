"""Run long core work (imports of tens of thousands of rows) off the GUI thread.

The window keeps painting and shows a progress dialog; the caller gets the
result (or the exception) back as if it had called the function directly.
SQLite connections belong to the thread that made them: work that needs the register runs through
``run_with_database``, which hands the job a connection of the worker's own from the store
(``app.db.WorkerStore``), closed when the job ends. Screens never open connections themselves.

No Qt object may be destroyed on the worker: the job is not deleted by the pool (Python owns it
and frees it here, once the worker has let go of it), and garbage cycles are collected on the
GUI thread before the work starts (see ``ui.gui_gc``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import shiboken6
import sqlite_utils
from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.db import WorkerStore
from ui import gui_gc

T = TypeVar("T")
SHOW_AFTER_MS = 400  # quick work finishes without a flash of a dialog


class _Signals(QObject):
    finished = Signal()


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], T]) -> None:
        super().__init__()
        # Deleted by Python on the GUI thread, never by the pool on the worker: it owns a QObject.
        self.setAutoDelete(False)
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


_pool: QThreadPool | None = None


def _worker_pool() -> QThreadPool:
    """The app's own pool: waiting for it never waits for work Qt itself queued elsewhere."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
    return _pool


def run_in_background(parent: QWidget | None, label: str, fn: Callable[[], T]) -> T:
    """Run ``fn`` on a worker thread; wait in a local event loop behind a busy progress dialog."""
    gui_gc.collect_before_worker()
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
        _worker_pool().start(job)
        loop.exec()
    finally:
        if window is not None:
            window.setEnabled(True)
        dialog.reset()
        dialog.deleteLater()
    # run() has signalled; once it has returned the worker holds no reference to the job, and
    # it is deleted here, on the GUI thread (the pool keeps it as a child until then).
    _worker_pool().waitForDone()
    error, result = job.error, job.result
    shiboken6.delete(job)
    if error is not None:
        raise error
    return result  # type: ignore[return-value]


def run_with_database(parent: QWidget | None, label: str, db: sqlite_utils.Database,
                      work: Callable[[sqlite_utils.Database], T]) -> T:
    """``work`` on a worker thread with that thread's own connection to the register behind ``db``.

    The store is found here, on the GUI thread that owns ``db``; the worker's connection is opened and
    closed by ``WorkerStore.run`` on the worker, also when ``work`` raises (the error is raised here).
    """
    store = WorkerStore.of(db)
    return run_in_background(parent, label, lambda: store.run(work))


def start_in_background(fn: Callable[[], T], done: Callable[[T | None, BaseException | None], None]) -> None:
    """Run ``fn`` on a worker thread without waiting: ``done(result, error)`` is called on the GUI thread.

    For work the officer need not wait for (the staff list after the first paint): no dialog, the window
    stays usable. ``done`` is not called if the application quits first.
    """
    global _quiet_pool
    if _quiet_pool is None:  # its own pool: waiting for it below never waits for an import in the other
        _quiet_pool = QThreadPool()
    pool = _quiet_pool
    gui_gc.collect_before_worker()
    job = _Job(fn)
    _running.add(job)

    def finished() -> None:
        pool.waitForDone()  # run() has returned (it has just signalled): the worker let go of the job
        _running.discard(job)
        error, result = job.error, job.result
        shiboken6.delete(job)
        done(result, error)  # type: ignore[arg-type]

    job.signals.finished.connect(finished, Qt.ConnectionType.QueuedConnection)
    pool.start(job)


_quiet_pool: QThreadPool | None = None
_running: set[_Job] = set()  # jobs started by start_in_background, kept alive until they are done


def wait_for_background_work() -> None:
    """Block until every job of ``start_in_background`` has returned (their ``done`` calls follow from the
    event loop). Before a register file is replaced no worker may still be reading it."""
    if _quiet_pool is not None:
        _quiet_pool.waitForDone()


def start_with_database(db: sqlite_utils.Database, work: Callable[[sqlite_utils.Database], T],
                        done: Callable[[T | None, BaseException | None], None]) -> None:
    """``start_in_background`` with the worker's own connection to the register behind ``db`` (as in
    ``run_with_database``); raises ValueError at once when ``db`` is closed or has no file."""
    store = WorkerStore.of(db)
    start_in_background(lambda: store.run(work), done)
