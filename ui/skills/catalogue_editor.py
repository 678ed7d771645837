"""The skill catalogue editor: levels, categories, items and each item's descriptors, saved as a new version.

A copy of the catalogue is edited in tables; 保存 hands it to ``catalogues.save_catalogue``, which checks it and
stores the next version of the family, leaving the opened version (and everyone's records) as they were. The
roles of a catalogue (the デジタルスキル標準's) are carried over unchanged; they are edited through the JSON file
(`skills catalogue export|import`).
"""

from __future__ import annotations

import copy
import dataclasses

import sqlite_utils
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtCore import Qt

from app.errors import UserError
from app.i18n import _
from app.register.accounts import User
from app.skills.catalogues import CatalogueSpec, CategorySpec, ItemSpec, LevelSpec, save_catalogue
from ui.widgets.dialog_parts import fit_to_screen
from ui.widgets.form_dialog import FormDialog, StandardButton


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _append(table: QTableWidget, values: list[object]) -> None:
    row = table.rowCount()
    table.insertRow(row)
    for column, value in enumerate(values):
        table.setItem(row, column, QTableWidgetItem("" if value is None else str(value)))


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


def _with_buttons(table: QTableWidget, add, remove, name: str) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(table, 1)
    row = QHBoxLayout()
    for text, slot, suffix in ((_("Add"), add, "Add"), (_("Remove"), remove, "Remove")):
        button = QPushButton(text)
        button.setObjectName(f"{name}{suffix}")
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    return box


class CatalogueEditor(FormDialog):
    """Edits a copy of ``spec``; ``saved_id`` is the new version's id after 保存."""

    def __init__(self, db: sqlite_utils.Database, user: User, spec: CatalogueSpec, parent: QWidget | None = None) -> None:
        self._db, self._user, self.spec = db, user, copy.deepcopy(spec)
        self.saved_id: int | None = None
        self._descriptors: list[dict[int, str]] = [dict(i.descriptors) for i in self.spec.items]
        self._shown_item = -1
        super().__init__(_("Edit the skill catalogue {name}").format(name=spec.name), parent,
                         standard=StandardButton.Save | StandardButton.Cancel)
        self.setObjectName("catalogueEditor")
        fit_to_screen(self, 1100, 680)

    def build(self, layout: QVBoxLayout) -> None:
        intro = QLabel(_("Saving stores a new version of the catalogue ({family}); the version in use now and "
                         "everyone's skill records stay as they are.").format(family=self.spec.family))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name_edit = QLineEdit(self.spec.name)
        self.name_edit.setObjectName("catalogueName")
        self.note_edit = QPlainTextEdit(self.spec.note)
        self.note_edit.setObjectName("catalogueNote")
        self.note_edit.setMaximumHeight(60)
        form.addRow(_("Catalogue name"), self.name_edit)
        form.addRow(_("Remarks"), self.note_edit)
        layout.addLayout(form)
        tabs = QTabWidget()
        tabs.addTab(self._items_page(), _("Skill items"))
        tabs.addTab(self._levels_page(), _("Levels"))
        tabs.addTab(self._categories_page(), _("Categories"))
        layout.addWidget(tabs, 1)

    def _levels_page(self) -> QWidget:
        self.levels = _table("levelsTable", [_("Level"), _("Name of the level"), _("What it means")])
        for level in self.spec.levels:
            _append(self.levels, [level.level, level.name, level.description])
        return _with_buttons(self.levels, lambda: _append(self.levels, ["", "", ""]),
                             lambda: self.levels.removeRow(self.levels.currentRow()), "level")

    def _categories_page(self) -> QWidget:
        self.categories = _table("categoriesTable", [_("Code"), _("Category name")])
        for category in self.spec.categories:
            _append(self.categories, [category.code, category.name])
        return _with_buttons(self.categories, lambda: _append(self.categories, ["", ""]),
                             lambda: self.categories.removeRow(self.categories.currentRow()), "category")

    def _items_page(self) -> QWidget:
        self.items = _table("itemsTable", [_("Code"), _("Category code"), _("Skill item"), _("What it covers")])
        for item in self.spec.items:
            _append(self.items, [item.code, item.category, item.name, item.description])
        self.items.setColumnWidth(0, 130)
        self.items.setColumnWidth(1, 130)
        self.items.setColumnWidth(2, 240)
        self.items.currentCellChanged.connect(lambda row, *_rest: self._show_descriptors(row))
        self.descriptors = _table("descriptorsTable", [_("Level"), _("What this level of the item looks like")])
        self.descriptor_title = QLabel(_("Choose an item to write what each of its levels looks like."))
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.descriptor_title)
        lower_layout.addWidget(_with_buttons(self.descriptors, lambda: _append(self.descriptors, ["", ""]),
                                             lambda: self.descriptors.removeRow(self.descriptors.currentRow()),
                                             "descriptor"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(_with_buttons(self.items, self._add_item, self._remove_item, "item"))
        splitter.addWidget(lower)
        splitter.setSizes([250, 240])
        return splitter

    def _add_item(self) -> None:
        category = self.spec.categories[0].code if self.spec.categories else ""
        _append(self.items, ["", category, "", ""])
        self._descriptors.append({})
        self.items.setCurrentCell(self.items.rowCount() - 1, 0)

    def _remove_item(self) -> None:
        row = self.items.currentRow()
        if row < 0:
            return
        self._shown_item = -1
        del self._descriptors[row]
        self.items.removeRow(row)

    def _keep_descriptors(self) -> None:
        """The descriptors table back into the item it shows (before another item is shown or on save)."""
        if not 0 <= self._shown_item < len(self._descriptors):
            return
        kept: dict[int, str] = {}
        for row in range(self.descriptors.rowCount()):
            level, text = _cell(self.descriptors, row, 0), _cell(self.descriptors, row, 1)
            if text:
                if not (level.isascii() and level.isdigit()):
                    raise UserError(_("A descriptor of {item} has no level number.").format(
                        item=_cell(self.items, self._shown_item, 2)))
                kept[int(level)] = text
        self._descriptors[self._shown_item] = kept

    def _show_descriptors(self, row: int) -> None:
        try:
            self._keep_descriptors()
        except UserError as exc:
            self.error_label.setText(str(exc))
        self._shown_item = row
        self.descriptors.setRowCount(0)
        if 0 <= row < len(self._descriptors):
            self.descriptor_title.setText(_("What each level of 「{item}」 looks like:").format(
                item=_cell(self.items, row, 2)))
            for level, text in sorted(self._descriptors[row].items()):
                _append(self.descriptors, [level, text])

    def edited(self) -> CatalogueSpec:
        """The catalogue as the tables show it (checked by the service on save)."""
        self._keep_descriptors()
        levels = []
        for row in range(self.levels.rowCount()):
            number = _cell(self.levels, row, 0)
            if not (number.isascii() and number.isdigit()):
                raise UserError(_("Each level needs its own whole number (0 or more)."))
            levels.append(LevelSpec(int(number), _cell(self.levels, row, 1), _cell(self.levels, row, 2)))
        categories = [CategorySpec(_cell(self.categories, r, 0), _cell(self.categories, r, 1))
                      for r in range(self.categories.rowCount())]
        items = [ItemSpec(_cell(self.items, r, 0), _cell(self.items, r, 1), _cell(self.items, r, 2),
                          _cell(self.items, r, 3), self._descriptors[r]) for r in range(self.items.rowCount())]
        known = {i.code for i in items}
        roles = [dataclasses.replace(role, items={c: v for c, v in role.items.items() if c in known})
                 for role in self.spec.roles]
        return CatalogueSpec(self.spec.family, self.name_edit.text(), levels, categories, items, roles,
                             self.note_edit.toPlainText())

    def apply(self) -> None:
        self.saved_id = save_catalogue(self._db, self.edited(), self._user)
