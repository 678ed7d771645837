"""自分のスキル（自己評価）: the logged-in person rates themself, item by item, under their own login.

Only an account linked to a member of staff (users.staff_id) has a self; others read why the tab is empty. Each
item shows the current level with its source and date; choosing a new level and 保存 writes self records dated
today (``records.save_own_assessment``, which refuses anything but one's own self-assessment).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.i18n import _
from app.skills import records
from app.skills.catalogues import CatalogueSpec
from app.wareki import display_date

if TYPE_CHECKING:
    from ui.skills.page import SkillsPage


class OwnAssessmentTab(QWidget):
    def __init__(self, page: SkillsPage) -> None:
        super().__init__()
        self.page = page
        self.setObjectName("skillOwnTab")
        self.spec: CatalogueSpec | None = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("ownSkillsTable")
        self.table.setHorizontalHeaderLabels([_("Skill item"), _("Current level"), _("New skill level"), _("What it covers")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((220, 260, 200)):
            self.table.setColumnWidth(column, width)
        self.save_button = QPushButton(_("Save my self-assessment"))
        self.save_button.setObjectName("skillOwnSave")
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.combos: dict[str, QComboBox] = {}

    def load(self, spec: CatalogueSpec | None) -> None:
        self.spec = spec
        self.table.setRowCount(0)
        self.combos.clear()
        linked = self.page.user.staff_id is not None
        self.save_button.setEnabled(linked and spec is not None)
        if not linked:
            self.intro.setText(_("Your account is not linked to a member of staff, so there is no self-assessment "
                                 "to show. The administrator links accounts in 設定 → アカウント."))
            return
        if spec is None:
            self.intro.setText(_("There is no skill catalogue yet."))
            return
        self.intro.setText(_("Choose the level that describes you now for the items you know; leave the others. "
                             "The descriptors of each level are on the 「Catalogue」 tab."))
        try:
            now = records.own_levels(self.page.db, self.page.user, spec.family)
        except UserError as exc:
            self.intro.setText(str(exc))
            return
        for item in spec.items:
            self._add_row(spec, item, now.get(item.code))

    def _add_row(self, spec: CatalogueSpec, item, record: dict | None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(item.name))
        current = (f"{record['level']} {spec.level_name(record['level'])}（{records.source_label(record['source'])}、"
                   f"{display_date(record['assessed_on'])}）" if record else "—")
        self.table.setItem(row, 1, QTableWidgetItem(current))
        combo = QComboBox()
        combo.setObjectName(f"ownLevel_{item.code}")
        combo.addItem(_("(unchanged)"), None)
        for level in spec.levels:
            combo.addItem(f"{level.level} {level.name}", level.level)
            combo.setItemData(combo.count() - 1, item.descriptors.get(level.level) or level.description,
                              Qt.ItemDataRole.ToolTipRole)  # what that level of the item looks like
        self.table.setCellWidget(row, 2, combo)
        self.table.setItem(row, 3, QTableWidgetItem(item.description))
        self.combos[item.code] = combo

    def choose(self, code: str, level: int) -> None:
        """Pick ``level`` for the item (what a click on the list does; tests use it)."""
        combo = self.combos[code]
        combo.setCurrentIndex(combo.findData(level))

    def save(self) -> int:
        if self.spec is None:
            return 0
        levels = {code: combo.currentData() for code, combo in self.combos.items() if combo.currentData() is not None}
        if not levels:
            QMessageBox.information(self, _("Skills"), _("Choose a new level for at least one item."))
            return 0
        try:
            written = records.save_own_assessment(self.page.db, self.page.user, self.spec.family, levels, date.today())
        except UserError as exc:
            QMessageBox.warning(self, _("Skills"), str(exc))
            return 0
        QMessageBox.information(self, _("Skills"), _("Saved {n} items of your self-assessment.").format(n=written))
        self.page.reload()
        return written
