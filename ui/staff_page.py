"""職員: the staff list with incremental search, sorted 五十音 by reading."""

from __future__ import annotations

import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import staff
from app.formatting import format_number
from app.i18n import _
from app.staff import Column, StaffRow
from ui.staff_model import StaffTableModel


class StaffPage(QWidget):
    def __init__(self, db: sqlite_utils.Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._all: list[StaffRow] = []
        self._last_query = ""
        self._last_matches: list[StaffRow] = []
        self._sort_column: Column | None = None
        self._descending = False

        self.search = QLineEdit()
        self.search.setObjectName("staffSearch")
        self.search.setPlaceholderText(_("Search by name, reading (かな/カナ) or staff no."))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh_view)
        self.include_retired = QCheckBox(_("Include retired staff"))
        self.include_retired.toggled.connect(lambda _checked: self.refresh_view(force=True))
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.include_retired)
        top.addWidget(self.count_label)

        self.model = StaffTableModel(self)
        self.view = QTableView()
        self.view.setObjectName("staffTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._on_header_clicked)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = {Column.STAFF_NO: 90, Column.NAME: 150, Column.READING: 190, Column.DEPARTMENT: 170,
                  Column.SECTION: 220, Column.POSITION: 90}
        for column, width in widths.items():
            self.view.setColumnWidth(column, width)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self.reload()

    def reload(self) -> None:
        """Read the directory again from the database (after imports, restores)."""
        self._all = staff.load_directory(self._db)
        self.refresh_view(force=True)

    def _visible_base(self) -> list[StaffRow]:
        if self.include_retired.isChecked():
            return self._all
        return [r for r in self._all if r.status != "retired"]

    def refresh_view(self, _text: str | None = None, force: bool = False) -> None:
        query = self.search.text()
        # Typing more narrows the previous result, so each keystroke scans fewer rows.
        if not force and staff.narrows(self._last_query, query):
            matches = staff.filter_rows(self._last_matches, query)
        else:
            matches = staff.filter_rows(self._visible_base(), query)
        self._last_query, self._last_matches = query, matches
        shown = matches if self._sort_column is None else staff.sort_rows(matches, self._sort_column, self._descending)
        self.model.set_rows(shown)
        self.count_label.setText(_("{shown} of {total} staff").format(
            shown=format_number(len(shown)), total=format_number(len(self._visible_base()))))

    def _on_header_clicked(self, section: int) -> None:
        column = Column(section)
        self._descending = (not self._descending) if column == self._sort_column else False
        self._sort_column = column
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        self.view.horizontalHeader().setSortIndicator(section, order)
        self.refresh_view(force=True)
