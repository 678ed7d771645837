"""職位の序列: the order of positions, most senior first, moved one step at a time."""

from __future__ import annotations

import sqlite_utils
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.staff import positions
from app.register.accounts import User
from app.errors import UserError
from app.i18n import _
from ui.widgets.dialog_parts import error_label, fit_to_screen


class PositionsDialog(QDialog):
    """A list of titles by rank with 上へ/下へ; every move is saved (and logged) at once."""

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.changed = False
        self.setWindowTitle(_("Order of positions"))
        intro = QLabel(_("Most senior first. Titles on the same rank are the same grade. Titles marked ＊ are not "
                         "in the usual municipal order: move them to their place. Executives and the ICT raters "
                         "(係長 and above) follow this order."))
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("positionsList")
        self.up_button = QPushButton(_("Up"))
        self.up_button.setObjectName("positionUp")
        self.up_button.clicked.connect(lambda: self.move("up"))
        self.down_button = QPushButton(_("Down"))
        self.down_button.setObjectName("positionDown")
        self.down_button.clicked.connect(lambda: self.move("down"))
        side = QVBoxLayout()
        side.addWidget(self.up_button)
        side.addWidget(self.down_button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.list, 1)
        middle.addLayout(side)
        self.error_label = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(middle, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.reload()
        fit_to_screen(self, 460, 520)

    def reload(self, select: str | None = None) -> None:
        self.list.clear()
        for row in positions.ordered(self._db):
            mark = "" if row["standard"] else "＊"
            item = QListWidgetItem(_("{rank}. {name}{mark} ({n} staff)").format(
                rank=row["rank"], name=row["name"], mark=mark, n=row["holders"]))
            item.setData(256, row["name"])  # Qt.UserRole
            self.list.addItem(item)
            if row["name"] == select:
                self.list.setCurrentItem(item)

    def names(self) -> list[str]:
        return [self.list.item(i).data(256) for i in range(self.list.count())]

    def select(self, name: str) -> None:
        self.list.setCurrentRow(self.names().index(name))

    def move(self, direction: str) -> None:
        item = self.list.currentItem()
        if item is None:
            self.error_label.setText(_("Select a position first."))
            return
        name = item.data(256)
        try:
            positions.move(self._db, name, direction, self._user)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        self.error_label.clear()
        self.changed = True
        self.reload(select=name)
