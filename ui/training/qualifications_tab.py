"""研修・資格 → 資格: who holds which qualification, what expires in the next 90 days, and the catalogue.

One widget with three inner tabs, held by the 研修・資格 page: 保有資格 (search, enter, correct, remove,
import), 期限が近い資格 (the next 90 days, soonest first) and 資格の一覧 (the editable catalogue).
The lists come from ``app.training.qualifications``; buttons a role may not use are not shown (the
services refuse them anyway). ``today`` is the machine's date unless a test passes one.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QTabWidget, QVBoxLayout, QWidget)

from app.errors import UserError
from app.i18n import _
from app.overview.setup_guide import Hint
from app.register.accounts import User
from app.register.permissions import Action, allowed
from app.training import qualifications
from app.wareki import display_date
from ui.training.qualification_dialogs import EntryDialog, QualificationImportDialog, RecordDialog
from ui.widgets.dialog_parts import run_modal
from ui.widgets.empty_hint import EmptyHint
from ui.widgets.table_model import RecordTableModel, record_table_view


def _expires(row: dict) -> str:
    return display_date(row["expires_on"]) if row["expires_on"] else _("does not expire")


def _validity(row: dict) -> str:
    return _("{n} years").format(n=row["validity_years"]) if row["validity_years"] else _("does not expire")


class QualificationsTab(QWidget):
    """The 資格 tab: people's qualifications, what expires soon, the catalogue."""

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._today = today or date.today()
        self._editable = allowed(user, Action.QUALIFICATIONS_EDIT)
        self.setObjectName("qualificationsTab")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("qualificationsTabs")
        self.tabs.addTab(self._records_page(), _("Held qualifications"))
        self.tabs.addTab(self._expiring_page(), _("Expiring soon"))
        self.tabs.addTab(self._catalogue_page(), _("Qualification catalogue"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    # -- building -------------------------------------------------------------------------------------
    def _button(self, text: str, name: str, slot, bar: QHBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(self._editable)
        bar.addWidget(button)
        return button

    def _records_page(self) -> QWidget:
        page = QWidget()
        self.search = QLineEdit()
        self.search.setObjectName("qualificationSearch")
        self.search.setPlaceholderText(_("Name, reading, staff no. or qualification"))
        self.search.textChanged.connect(self.reload_records)
        self.filter = QComboBox()
        self.filter.setObjectName("qualificationFilter")
        self.filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.filter.currentIndexChanged.connect(self.reload_records)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.filter)
        self._button(_("Enter…"), "qualificationAdd", self.add_record, bar)
        self._button(_("Correct…"), "qualificationEdit", self.edit_record, bar)
        self._button(_("Remove"), "qualificationRemove", self.remove_record, bar)
        self._button(_("Import…"), "qualificationImport", self.import_file, bar)
        self.records_model = RecordTableModel([
            (_("Staff no."), lambda r: r["staff_no"]), (_("Name"), lambda r: r["person"]),
            (_("Qualification"), lambda r: r["qualification"]), (_("Category"), lambda r: r["category"]),
            (_("Obtained on"), lambda r: display_date(r["obtained_on"])), (_("Expires on"), _expires),
            (_("Status"), lambda r: _(qualifications.STATUS_LABELS[qualifications.status(r, self._today)])),
            (_("Evidence note"), lambda r: r["note"])], page)
        self.records_view = record_table_view(self.records_model)
        self.records_view.setObjectName("qualificationRecords")
        self.records_view.doubleClicked.connect(lambda _index: self.edit_record())
        self.records_hint = EmptyHint(self.records_view, self._records_hint, {"import": self.import_file})
        self.records_count = QLabel()
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.records_view, 1)
        layout.addWidget(self.records_count)
        return page

    def _records_hint(self) -> Hint | None:
        if self.search.text().strip() or self.filter.currentData() is not None:
            return Hint(_("No qualification matches the search."))
        return Hint(_("No qualifications are recorded yet. Enter them one by one or import a list "
                      "(職員番号, 資格, 取得日)."), _("Import a list…") if self._editable else "", "import")

    def _expiring_page(self) -> QWidget:
        page = QWidget()
        self.expiring_note = QLabel()
        self.expiring_note.setObjectName("expiringNote")
        self.expiring_note.setWordWrap(True)
        self.expiring_model = RecordTableModel([
            (_("Expires on"), _expires), (_("Days left"), lambda r: r["days_left"]),
            (_("Staff no."), lambda r: r["staff_no"]), (_("Name"), lambda r: r["person"]),
            (_("Qualification"), lambda r: r["qualification"]),
            (_("Obtained on"), lambda r: display_date(r["obtained_on"])), (_("Evidence note"), lambda r: r["note"])],
            page)
        self.expiring_view = record_table_view(self.expiring_model)
        self.expiring_view.setObjectName("qualificationExpiring")
        EmptyHint(self.expiring_view, lambda: Hint(_("Nothing expires in the next {n} days.").format(
            n=qualifications.EXPIRING_DAYS)))
        layout = QVBoxLayout(page)
        layout.addWidget(self.expiring_note)
        layout.addWidget(self.expiring_view, 1)
        return page

    def _catalogue_page(self) -> QWidget:
        page = QWidget()
        bar = QHBoxLayout()
        note = QLabel(_("The qualifications people can hold. A retired one stays on the records that use it."))
        note.setWordWrap(True)
        bar.addWidget(note, 1)
        self._button(_("Add…"), "catalogueAdd", self.add_entry, bar)
        self._button(_("Change…"), "catalogueEdit", self.edit_entry, bar)
        self.retire_button = self._button(_("Retire / restore"), "catalogueRetire", self.toggle_retired, bar)
        self.catalogue_model = RecordTableModel([
            (_("Qualification"), lambda r: r["name"]), (_("Category"), lambda r: r["category"]),
            (_("Validity"), _validity), (_("Holders"), lambda r: r["holders"]),
            (_("In use"), lambda r: _("retired") if r["retired"] else _("in use"))], page)
        self.catalogue_view = record_table_view(self.catalogue_model)
        self.catalogue_view.setObjectName("qualificationCatalogue")
        self.catalogue_view.doubleClicked.connect(lambda _index: self.edit_entry())
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.catalogue_view, 1)
        return page

    # -- reading --------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        entries = qualifications.catalogue(self._db, self._user)
        self.catalogue_model.set_records(entries)
        chosen = self.filter.currentData()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItem(_("All qualifications"), None)
        for row in entries:
            self.filter.addItem(row["name"], row["id"])
        self.filter.setCurrentIndex(max(0, self.filter.findData(chosen)))
        self.filter.blockSignals(False)
        self.reload_records()
        rows = qualifications.expiring(self._db, self._user, self._today)
        self.expiring_model.set_records(rows)
        self.expiring_note.setText(_("{n} qualifications of people in service expire from {first} to {last} (renewed "
                                     "ones are left out).").format(
            n=len(rows), first=display_date(self._today),
            last=display_date(date.fromordinal(self._today.toordinal() + qualifications.EXPIRING_DAYS))))
        self.tabs.setTabText(1, _("Expiring soon ({n})").format(n=len(rows)))

    def reload_records(self) -> None:
        rows = qualifications.records(self._db, self._user, qualification_id=self.filter.currentData(),
                                      query=self.search.text())
        self.records_model.set_records(rows)
        self.records_hint.refresh()
        self.records_count.setText(_("{n} qualification records").format(n=len(rows)))

    def _selected(self, view: QAbstractItemView, model: RecordTableModel) -> dict | None:
        rows = view.selectionModel().selectedRows()
        return model.record_at(rows[0].row()) if rows else None

    # -- actions --------------------------------------------------------------------------------------
    def add_record(self) -> None:
        chosen = self._selected(self.records_view, self.records_model)
        person = f"{chosen['staff_no']}\u3000{chosen['person']}" if chosen else ""
        if run_modal(RecordDialog(self._db, self._user, self._today, None, self, person=person)):
            self.reload()

    def edit_record(self) -> None:
        record = self._selected(self.records_view, self.records_model)
        if record is not None and self._editable and run_modal(
                RecordDialog(self._db, self._user, self._today, record, self)):
            self.reload()

    def remove_record(self) -> None:
        record = self._selected(self.records_view, self.records_model)
        if record is None:
            return
        answer = QMessageBox.question(self, _("Remove a qualification"), _(
            "Remove {qualification} of {name} (obtained {date})? Only for a record entered by mistake.").format(
            qualification=record["qualification"], name=record["person"], date=display_date(record["obtained_on"])))
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda: qualifications.remove_record(self._db, self._user, record["id"]))

    def import_file(self) -> None:
        if run_modal(QualificationImportDialog(self._db, self._user, self._today, self)):
            self.reload()

    def add_entry(self) -> None:
        if run_modal(EntryDialog(self._db, self._user, None, self)):
            self.reload()

    def edit_entry(self) -> None:
        entry = self._selected(self.catalogue_view, self.catalogue_model)
        if entry is not None and self._editable and run_modal(EntryDialog(self._db, self._user, entry, self)):
            self.reload()

    def toggle_retired(self) -> None:
        entry = self._selected(self.catalogue_view, self.catalogue_model)
        if entry is not None:
            self._run(lambda: qualifications.set_retired(self._db, self._user, entry["id"], not entry["retired"]))

    def _run(self, change) -> None:
        try:
            change()
        except UserError as exc:
            QMessageBox.warning(self, _("Qualifications"), str(exc))
        self.reload()
