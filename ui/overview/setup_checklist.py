"""The start screen's short list of what the set-up still lacks, each with a button to its step.

Shown to the administrator above the staff list (the screen a register opens on) while
``app.overview.setup_guide.missing`` names anything; it disappears once every step is done.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.overview import setup_guide
from app.register.accounts import User
from app.i18n import _

COLUMNS = 4  # buttons per row: seven steps take two rows, narrow enough for 1366×768 at 150 %


class SetupChecklist(QFrame):
    step_requested = Signal(str)  # a STEPS key, or "" for the guide at its first missing step

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget) -> None:
        super().__init__(parent)  # a parent from the start: shown before it is placed, it would be a window
        self._db, self._user = db, user
        self.setObjectName("setupChecklist")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("QFrame#setupChecklist { background: #fff8e1; border: 1px solid #e0c060; }")
        self.heading = QLabel()
        self.heading.setObjectName("setupChecklistHeading")
        self.heading.setWordWrap(True)
        self.guide_button = QPushButton(_("Open the set-up guide…"))
        self.guide_button.setObjectName("openSetupGuide")
        self.guide_button.clicked.connect(lambda: self.step_requested.emit(""))
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.guide_button)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addLayout(self.grid)
        self.refresh()

    def refresh(self, on: date | None = None) -> None:
        """Ask the core what is missing (on ``on``, default today) and show a button per step."""
        missing = setup_guide.missing(self._db, self._user, on or date.today())
        for button in self.buttons.values():
            self.grid.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        for index, state in enumerate(missing):
            button = QPushButton(f"・{state.title}…")
            button.setObjectName(f"missing_{state.key}")
            button.setToolTip(state.missing)
            button.clicked.connect(lambda _checked=False, key=state.key: self.step_requested.emit(key))
            self.grid.addWidget(button, index // COLUMNS, index % COLUMNS)
            self.buttons[state.key] = button
        self.heading.setText(_("The set-up is not finished: {n} steps left. Each can be done now or later.").format(
            n=len(missing)))
        self.setVisible(bool(missing))

    def missing_keys(self) -> list[str]:
        return list(self.buttons)
