"""Python's cyclic garbage collector runs on the GUI thread only.

A reference cycle can hold a Qt object: a dialog whose table model keeps one of the dialog's
methods is such a cycle once the dialog is closed (PySide gives an exec()'d dialog back to
Python). The automatic collector runs on whichever thread happens to allocate when a threshold
is crossed — usually the eligibility engine's worker, which allocates the most — and a widget
destroyed there kills the process (issue 12: the crash on 認定). So the GUI switches automatic
collection off at start and a timer on the GUI thread does the same work with the same
thresholds; the background helper also collects here before it hands work to a worker.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 200


class GuiThreadCollector(QObject):
    """Collects the generations whose thresholds were crossed, as the automatic collector would."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> int:
        """The oldest generation whose count passed its threshold (none: nothing to do)."""
        counts = gc.get_count()
        due = [g for g in range(3) if counts[g] > self._thresholds[g]]
        return gc.collect(due[-1]) if due else 0


_collector: GuiThreadCollector | None = None


def start(app: QObject) -> GuiThreadCollector:
    """Called once when the GUI starts, before any worker thread exists."""
    global _collector
    if _collector is None:
        _collector = GuiThreadCollector(app)
    return _collector


def stop() -> None:
    """Back to automatic collection, after one last collection here (tests: one collector per test)."""
    global _collector
    if _collector is not None:
        _collector._timer.stop()
        _collector.deleteLater()
        _collector = None
        gc.enable()
        gc.collect()


def collect_before_worker() -> None:
    """Free, here on the GUI thread, every cycle a collection on the worker could otherwise find.

    Only while the GUI collector is running: with automatic collection on (library code,
    tests without the GUI start) it would not make the worker safe and only cost time.
    """
    if _collector is not None:
        gc.collect()
