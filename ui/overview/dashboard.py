"""ホーム: the dashboard the administrator's window opens on — a few tiles, each opening the list behind it.

The page is built empty and its figures are read on a worker once the window has painted
(``load_in_background``), so that opening on it costs the first paint nothing; the register check,
which reads the whole file, follows on a second worker. The core (``app.overview.dashboard``) is
imported on the worker, not here: its import pulls in the certification engine.

Tiles ask the main window to show a screen (``open_requested``: "targets_progress",
"targets_coverage") or open a dialog listing their rows. What a viewer may see — aggregate tiles
only — is decided by the service; the page shows what it is given.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import shiboken6
import sqlite_utils
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.wareki import display_date
from app.register.accounts import User
from app.register.permissions import Action, allowed
from ui.widgets.table_model import RecordTableModel, record_table_view

MAX_LINES = 4  # lines of detail under a tile's figure; the rest is in its list


class Tile(QPushButton):
    """A large button: title, one big figure, a few short lines. Clicking opens the list behind it."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"tile_{key}")
        self.setMinimumSize(240, 150)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(f"QPushButton#tile_{key} {{ text-align: left; background: #ffffff; border: 1px solid #c8cdd4;"
                           f" border-radius: 6px; }} QPushButton#tile_{key}:hover {{ border-color: #3c78c8; }}")
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: bold; color: #333;")
        self.figure = QLabel("…")
        self.figure.setObjectName(f"figure_{key}")
        self.figure.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.lines = QLabel()
        self.lines.setObjectName(f"lines_{key}")
        self.lines.setStyleSheet("color: #444;")
        self.lines.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        for label in (self.title, self.figure, self.lines):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            layout.addWidget(label)
        layout.addStretch(1)

    def show_figures(self, figure: str, lines: list[str], alarm: bool = False) -> None:
        colour = "#b3261e" if alarm else "#1d4f91"
        self.figure.setStyleSheet(f"font-size: 20pt; font-weight: bold; color: {colour};")
        self.figure.setText(figure)
        shown = lines[:MAX_LINES] + ([_("… and {n} more").format(n=len(lines) - MAX_LINES)]
                                     if len(lines) > MAX_LINES else [])
        self.lines.setText("\n".join(shown))


class RowsDialog(QDialog):
    """The list behind a tile: a read-only table (or a sentence when it is empty)."""

    def __init__(self, title: str, columns: list[tuple[str, Any]], rows: list[Any], empty: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardList")
        self.setWindowTitle(title)
        self.model = RecordTableModel(columns, self)
        self.model.set_records(rows)
        layout = QVBoxLayout(self)
        if rows:
            self.view = record_table_view(self.model)
            layout.addWidget(self.view)
        else:
            layout.addWidget(QLabel(empty))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 420)


class DashboardPage(QWidget):
    """The ホーム navigation page."""

    open_requested = Signal(str)  # a screen of the main window to show ("targets_progress", "targets_coverage")
    loaded = Signal()             # the figures arrived (the check may still run)
    check_loaded = Signal()

    def __init__(self, db: sqlite_utils.Database, user: User, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_home")
        self._db, self._user = db, user
        self.today = today or date.today()
        self.board = None  # app.overview.dashboard.Dashboard once loaded
        self.check = None  # app.overview.dashboard.CheckTile once the check ran
        self._generation = 0
        self._started = False
        self.dialog: RowsDialog | None = None  # the list open now (tests and screenshots)
        self.heading = QLabel(_("Home"))
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.as_of = QLabel()
        self.as_of.setObjectName("dashboardAsOf")
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.setObjectName("dashboardRefresh")
        self.refresh_button.clicked.connect(self.load_in_background)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.as_of, 1)
        top.addWidget(self.refresh_button)
        self.tiles: dict[str, Tile] = {}
        grid = self._grid = QGridLayout()
        grid.setSpacing(10)
        self._columns = 3
        specs = [("levels", _("Certified people")), ("coverage", _("Sections without their DX推進リーダー")),
                 ("waiting", _("Evaluations waiting")), ("expiring", _("Qualifications expiring soon")),
                 ("backup", _("Last backup")), ("check", _("Register check"))]
        for index, (key, title) in enumerate(specs):
            tile = Tile(key, title)
            tile.clicked.connect(lambda _checked=False, k=key: self.open_tile(k))
            grid.addWidget(tile, index // 3, index % 3)
            self.tiles[key] = tile
        for key in ("backup", "check"):
            self.tiles[key].hide()  # shown once the service says this user sees them
        inner = QWidget()
        inner_layout = self._inner_layout = QVBoxLayout(inner)
        inner_layout.addLayout(top)
        inner_layout.addLayout(grid)
        inner_layout.addStretch(1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(inner)
        QVBoxLayout(self).addWidget(area)

    def resizeEvent(self, event) -> None:  # noqa: N802
        """Three tiles a row where they fit, else two (1366×768 at 150 % leaves about 700 px for the page)."""
        super().resizeEvent(event)
        columns = 3 if self.width() >= 3 * 260 + 60 else 2
        if columns != self._columns:
            self._columns = columns
            for index, tile in enumerate(self.tiles.values()):
                self._grid.removeWidget(tile)
                self._grid.addWidget(tile, index // columns, index % columns)

    def add_above_tiles(self, widget: QWidget) -> None:
        """A notice between the heading and the tiles (the main window puts the set-up checklist there)."""
        self._inner_layout.insertWidget(1, widget)

    # -- loading ---------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Each time the page is shown its figures are read again, on workers: the paint does not wait.

        The workers start here, not from a timer: a job started from a later event loop (a dialog's) would
        collect garbage on the GUI thread in the middle of whatever that dialog is doing.
        """
        super().showEvent(event)
        self.load_in_background()

    def load_in_background(self) -> None:
        from ui.background import start_with_database

        self._generation += 1
        generation, user, today = self._generation, self._user, self.today

        def read(db: sqlite_utils.Database):
            from app.overview import dashboard

            return dashboard.dashboard(db, user, today)

        def arrived(board, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or generation != self._generation:
                return
            if error is not None:  # a tile is no place for a crash dialog: say it where the figures would be
                self.as_of.setText(_("The figures could not be read: {error}").format(error=error))
                return
            self.show_board(board)

        self.check = None
        start_with_database(self._db, read, arrived)
        if allowed(self._user, Action.DASHBOARD_DETAIL):  # the check reads the whole file: its own worker, alongside
            self._start_check(generation)

    def _start_check(self, generation: int) -> None:
        from ui.background import start_with_database

        user = self._user

        def run(db: sqlite_utils.Database):
            from app.overview import dashboard

            return dashboard.register_check(db, user)

        def arrived(check, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or generation != self._generation:
                return
            if error is not None:
                self.tiles["check"].show_figures(_("Not checked"), [str(error)], True)
                return
            self.show_check(check)

        start_with_database(self._db, run, arrived)

    # -- showing ---------------------------------------------------------------------------------
    def show_board(self, board) -> None:
        from ui.overview import dashboard_tiles

        self.board = board
        self.as_of.setText(_("as of {date}").format(date=display_date(board.as_of)))
        dashboard_tiles.fill(self.tiles, board, self.check is None)
        self.tiles["backup"].setVisible(board.backups_seen)
        self.tiles["check"].setVisible(board.detailed)
        self.loaded.emit()

    def show_check(self, check) -> None:
        self.check = check
        if check.ok:
            self.tiles["check"].show_figures(_("No problem"), [_("Integrity, foreign keys, seals: all passed")])
        else:
            self.tiles["check"].show_figures(_("{n} problems").format(n=len(check.findings)), check.findings, True)
        self.check_loaded.emit()

    # -- the lists behind the tiles ----------------------------------------------------------------
    def open_tile(self, key: str) -> None:
        if key == "levels":
            self.open_requested.emit("targets_progress")
        elif key == "coverage":
            self.open_requested.emit("targets_coverage")
        elif self.board is not None:
            from ui.overview import dashboard_tiles

            spec = dashboard_tiles.list_for(key, self.board, self.check)
            if spec is not None:
                self.dialog = RowsDialog(*spec, parent=self)
                self.dialog.exec()
                self.dialog = None

    def rows_shown(self, key: str) -> int:
        """How many figures a tile's list would hold (for tests: without opening the dialog)."""
        from ui.overview import dashboard_tiles

        spec = dashboard_tiles.list_for(key, self.board, self.check) if self.board is not None else None
        return len(spec[2]) if spec is not None else 0
