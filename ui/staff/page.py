"""職員: the staff list with incremental search, sorted 五十音 by reading."""

from __future__ import annotations

from pathlib import Path

import shiboken6
import sqlite_utils
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QToolBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.overview import setup_guide
from app.staff import directory
from app.register.accounts import User
from app.errors import UserError
from app.formatting import format_number
from app.i18n import N_, _, pgettext
from app.register.permissions import Action, allowed
from app.staff.directory import STATUS_LABELS, Column, StaffRow
from ui.widgets.empty_hint import EmptyHint
from ui.staff.model import StaffTableModel


EXPORT_FILTERS = {
    N_("CSV for Excel (UTF-8 with BOM) (*.csv)"): "utf-8-sig",
    N_("CSV for older systems (Shift_JIS) (*.csv)"): "cp932",
    N_("Excel workbook (*.xlsx)"): "xlsx",
}


class StaffPage(QWidget):
    register_changed = Signal()
    loaded = Signal()  # the list is filled (after ``reload`` or ``load_in_background``)

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None,
                 load: bool = True) -> None:
        """``load=False`` leaves the list empty for ``load_in_background`` (the main window paints first)."""
        super().__init__(parent)
        self._db, self._user = db, user
        self._generation = 0  # bumped by every reload: a background load started earlier is dropped
        self.is_loaded = False
        self._filter = directory.StaffFilter()
        self._all: list[StaffRow] = []
        self._order: dict[int, int] = {}
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

        self.filter_boxes: dict[str, QComboBox] = {}
        filters = QHBoxLayout()
        for key, label in (("department", _("Department")), ("section", _("Section")), ("position", _("Position")),
                           ("status", pgettext("employment", "Status"))):
            box = QComboBox()
            box.setObjectName(f"filter_{key}")
            box.setMinimumContentsLength(4)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.currentIndexChanged.connect(self._filters_changed)
            filters.addWidget(QLabel(label))
            filters.addWidget(box, 1)
            self.filter_boxes[key] = box
        self._build_toolbar()
        self._build_table()

        # An empty register says what to do first (the core decides the sentence and who gets the button).
        self.empty_hint = EmptyHint(self.view, lambda: setup_guide.empty_hint(self._db, self._user, "staff"),
                                    {"staff": self.import_staff})
        # The person's card, with the tabs the role may see (the record and career: the administrator's).
        self.view.doubleClicked.connect(lambda index: self.show_card(row=self.model.row_at(index.row())))
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.view)
        if load:
            self.reload()

    def _build_toolbar(self) -> None:
        """The screen's actions, each shown only to a role that may use it."""
        # A tool bar folds its buttons into a menu when the window is narrow (1366×768 at 150 %).
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.actions_by_key: dict[str, QAction] = {}
        for key, label, slot in (("import", _("Import…"), self.import_staff), ("export", _("Export…"), self.export_staff),
                                 ("add", _("Add…"), self.add_person), ("edit", _("Edit…"), self.edit_person),
                                 ("history", _("History…"), self.show_history)):
            action = self.toolbar.addAction(label)
            action.setObjectName(f"staff_{key}")
            action.triggered.connect(slot)
            self.actions_by_key[key] = action
        for key, action in (("import", Action.STAFF_EDIT), ("export", Action.STAFF_EXPORT), ("add", Action.STAFF_EDIT),
                            ("edit", Action.STAFF_EDIT), ("history", Action.STAFF_HISTORY)):
            self.actions_by_key[key].setVisible(allowed(self._user, action))

    def _build_table(self) -> None:
        """The staff table, sorted by clicking a header."""
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

    def reload(self) -> None:
        """Read the directory again from the database (after imports, restores)."""
        self._generation += 1
        self._show_directory(directory.load_directory(self._db, self._user), directory.unit_order(self._db))

    def load_in_background(self) -> None:
        """Read the directory on a worker thread and show it when it arrives; the window stays usable.

        At start-up the window paints first and the list follows (7,000 staff take ~150 ms to read and
        sort). A ``reload`` in the meantime wins: its rows are newer than the worker's.
        """
        from ui.background import start_with_database

        generation, user = self._generation, self._user

        def read(db: sqlite_utils.Database) -> tuple[list[StaffRow], dict[int, int]]:
            return directory.load_directory(db, user), directory.unit_order(db)

        def arrived(result: tuple[list[StaffRow], dict[int, int]] | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or generation != self._generation:
                return  # the window was closed, or the list was read again meanwhile
            if error is not None:
                raise error  # the crash hook logs and shows it, as for any screen
            self._show_directory(*result)

        try:
            start_with_database(self._db, read, arrived)
        except Exception:  # noqa: BLE001 - closed before the first event loop ran (a restore, another register)
            return

    def _show_directory(self, rows: list[StaffRow], order: dict[int, int]) -> None:
        self._all, self._order = rows, order
        self._fill_filter_boxes()
        self.refresh_view(force=True)
        self.is_loaded = True
        self.loaded.emit()

    def _fill_filter_boxes(self, only: tuple[str, ...] = ("department", "section", "position", "status")) -> None:
        department = self.filter_boxes["department"].currentData() or ""
        choices = directory.filter_choices(self._all, self._order, department)
        # Leave (休職) is shown only to those who may see it; the others see such a person as active.
        choices["status"] = [s for s in STATUS_LABELS if s != "leave" or allowed(self._user, Action.STAFF_HISTORY)]
        for key, box in self.filter_boxes.items():
            if key not in only:
                continue
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(_("All"), "")
            for value in choices[key]:
                box.addItem(_(STATUS_LABELS[value]) if key == "status" else value, value)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)

    def _filters_changed(self) -> None:
        if self.sender() is self.filter_boxes["department"]:
            self._fill_filter_boxes(only=("section",))  # the 課 of the chosen 部 only
        self._filter = directory.StaffFilter(**{key: box.currentData() or "" for key, box in self.filter_boxes.items()})
        if self._filter.status == "retired" and not self.include_retired.isChecked():
            self.include_retired.setChecked(True)  # refreshes
            return
        self.refresh_view(force=True)

    def _visible_base(self) -> list[StaffRow]:
        rows = self._all if self.include_retired.isChecked() else [r for r in self._all if r.status != "retired"]
        return directory.apply_filter(rows, self._filter)

    def refresh_view(self, _text: str | None = None, force: bool = False) -> None:
        query = self.search.text()
        # Typing more narrows the previous result, so each keystroke scans fewer rows.
        if not force and directory.narrows(self._last_query, query):
            matches = directory.filter_rows(self._last_matches, query)
        else:
            matches = directory.filter_rows(self._visible_base(), query)
        self._last_query, self._last_matches = query, matches
        shown = matches if self._sort_column is None else directory.sort_rows(matches, self._sort_column, self._descending)
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

    # -- actions -------------------------------------------------------------------------------
    def selected_row(self) -> StaffRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _changed(self) -> None:
        self.reload()
        self.register_changed.emit()

    # Dialog modules are imported when first used: they are not needed to show the list.
    def import_staff(self) -> None:
        from ui.staff.import_dialog import ImportDialog

        dialog = ImportDialog(self._db, self._user, self)
        if dialog.exec():
            self._changed()

    def add_person(self) -> None:
        from ui.staff.person_dialogs import PersonDialog

        if PersonDialog(self._db, self._user, parent=self).exec():
            self._changed()

    def _need_selection(self) -> StaffRow | None:
        row = self.selected_row()
        if row is None:
            QMessageBox.information(self, _("Staff"), _("Select a person first."))
        return row

    def edit_person(self) -> None:
        from ui.staff.person_dialogs import PersonDialog

        row = self._need_selection()
        if row is not None and PersonDialog(self._db, self._user, row.id, parent=self).exec():
            self._changed()

    def show_card(self, tab: str = "basic", row: StaffRow | None = None) -> None:
        """The card of ``row`` (the double-clicked one) or of the selected person."""
        from ui.overview.person_card import open_person_card

        row = row or self._need_selection()
        if row is not None and open_person_card(self, self._db, self._user, row.id, tab):
            self._changed()  # the status was set by hand

    def show_history(self) -> None:
        self.show_card("affiliations")

    def _ask_about_cp932(self) -> tuple[str, bool] | None:
        """Before a Shift_JIS export: name the rows it cannot hold and let the officer choose.

        Returns (encoding, accept ?) or None to cancel; without such rows, Shift_JIS as chosen.
        """
        from app.staff.export import cp932_problems

        problems = cp932_problems(self._db, self._user)
        if not problems:
            return "cp932", False
        box = QMessageBox(QMessageBox.Icon.Warning, _("Export the register"), _(
            "Shift_JIS (CP932) cannot hold characters in {n} rows; they would be written as ?.").format(
            n=len(problems)), parent=self)
        box.setObjectName("cp932Question")
        box.setInformativeText("\n".join(p.text() for p in problems[:15])
                               + ("\n" + _("… and {n} more").format(n=len(problems) - 15) if len(problems) > 15 else ""))
        utf8 = box.addButton(_("Export as UTF-8"), QMessageBox.ButtonRole.AcceptRole)
        go_ahead = box.addButton(_("Export with ?"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(utf8)
        box.exec()
        if box.clickedButton() is utf8:
            return "utf-8-sig", False
        if box.clickedButton() is go_ahead:
            return "cp932", True
        return None

    def export_staff(self) -> None:
        from app.staff.export import export_staff

        path, chosen = QFileDialog.getSaveFileName(self, _("Export the register"), "職員台帳.csv",
                                                   ";;".join(_(f) for f in EXPORT_FILTERS))
        if not path:
            return
        kind = next(v for k, v in EXPORT_FILTERS.items() if _(k) == chosen) if chosen else "utf-8-sig"
        out = Path(path)
        if kind == "xlsx" and out.suffix.lower() != ".xlsx":
            out = out.with_suffix(".xlsx")
        encoding = "utf-8-sig" if kind == "xlsx" else kind
        accept = False
        if encoding == "cp932":
            choice = self._ask_about_cp932()
            if choice is None:
                return
            encoding, accept = choice
        try:
            unencodable = export_staff(self._db, out, self._user, encoding=encoding, accept_replacement=accept)
        except (UserError, OSError) as exc:
            QMessageBox.warning(self, _("Export the register"), str(exc))
            return
        if unencodable:  # the officer chose this above
            QMessageBox.information(self, _("Export the register"), _(
                "Exported the register to {path}; {n} rows were written with ? as you chose.").format(
                path=out, n=len(unencodable)))
        else:
            QMessageBox.information(self, _("Export the register"), _("Exported the register to {path}.").format(path=out))
