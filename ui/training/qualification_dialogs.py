"""The dialogs of 研修・資格 → 資格: enter or correct a person's qualification, add or change a catalogue entry,
and import a list of qualifications (previewed, then all or nothing).

Each hands its form to ``app.training.qualifications`` / ``qualification_import``, which check and refuse
in Japanese; the dialogs only show what the services say.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QCompleter, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QSpinBox, QTabWidget, QVBoxLayout, QWidget)

from app.errors import UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.staff import directory
from app.tabular import not_listed
from app.training import qualification_import, qualifications
from app.wareki import display_date
from ui.background import run_with_database
from ui.widgets.dialog_parts import ENCODINGS, ERROR_STYLE, fit_to_screen, import_cancel
from ui.widgets.form_dialog import FormDialog
from ui.widgets.table_model import RecordTableModel, record_table_view
from ui.widgets.wareki_date import DateEdit

FILE_FILTER = N_("Lists of qualifications (*.csv *.txt *.xlsx);;All files (*)")


class RecordDialog(FormDialog):
    """Enter a person's qualification (``record`` None) or correct one (its days and evidence note)."""

    def __init__(self, db: sqlite_utils.Database, user: User, today: date, record: dict | None = None,
                 parent: QWidget | None = None, *, person: str = "") -> None:
        """``person`` pre-fills who (「職員番号　氏名」) when entering a new one, e.g. the person selected in the list."""
        self._db, self._user, self._today, self._record, self._person = db, user, today, record, person
        super().__init__(_("Correct a qualification") if record else _("Enter a qualification"), parent)
        self.setMinimumWidth(520)

    def build(self, layout: QVBoxLayout) -> None:
        form = QFormLayout()
        record = self._record
        if record is None:
            self.person = QLineEdit()
            self.person.setObjectName("recordPerson")
            self.person.setPlaceholderText(_("Staff no. or name"))
            self._people = {f"{r.staff_no}\u3000{r.name}": r.id
                            for r in directory.load_directory(self._db, self._user, self._today)}
            completer = QCompleter(list(self._people), self.person)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.person.setCompleter(completer)
            self.person.setText(self._person)
            self.entry = QComboBox()
            self.entry.setObjectName("recordQualification")
            for row in qualifications.catalogue(self._db, self._user, include_retired=False):
                self.entry.addItem(row["name"], row["id"])
            form.addRow(_("Staff member"), self.person)
            form.addRow(_("Qualification"), self.entry)
        else:
            form.addRow(_("Staff member"), QLabel(f"{record['staff_no']}\u3000{record['person']}"))
            form.addRow(_("Qualification"), QLabel(record["qualification"]))
        self.obtained = DateEdit(date.fromisoformat(record["obtained_on"]) if record else self._today,
                                 field=_("Obtained on"))
        self.expires = DateEdit(date.fromisoformat(record["expires_on"]) if record and record["expires_on"] else None,
                                optional=True, field=_("Expires on"))
        self.note = QLineEdit(record["note"] if record else "")
        self.note.setObjectName("recordNote")
        form.addRow(_("Obtained on"), self.obtained)
        form.addRow(_("Expires on"), self.expires)
        form.addRow(_("Evidence note"), self.note)
        layout.addLayout(form)
        if record is None:
            hint = QLabel(_("Leave 有効期限 empty to compute it from the catalogue's validity (the last day it is held)."))
            hint.setWordWrap(True)
            layout.addWidget(hint)

    def staff_id(self) -> int:
        text = self.person.text().strip()
        matches = [sid for label, sid in self._people.items() if label == text] or \
                  [sid for label, sid in self._people.items() if text and (label.split("\u3000")[0] == text)]
        if len(matches) != 1:
            raise UserError(_("Choose the staff member from the list (type part of the staff no. or the name)."))
        return matches[0]

    def apply(self) -> None:
        obtained, expires = self.obtained.value(), self.expires.value()
        if self._record is None:
            qualifications.add_record(self._db, self._user, self.staff_id(), self.entry.currentData(), obtained,
                                      today=self._today, expires_on=expires, note=self.note.text())
        else:
            qualifications.edit_record(self._db, self._user, self._record["id"], obtained, expires, self.note.text(),
                                       today=self._today)


class EntryDialog(FormDialog):
    """Add a catalogue entry (``entry`` None) or rename it, change its category or its validity."""

    def __init__(self, db: sqlite_utils.Database, user: User, entry: dict | None = None,
                 parent: QWidget | None = None) -> None:
        self._db, self._user, self._entry = db, user, entry
        super().__init__(_("Change a qualification") if entry else _("Add a qualification"), parent)

    def build(self, layout: QVBoxLayout) -> None:
        entry = self._entry or {"name": "", "category": "", "validity_years": None}
        self.name = QLineEdit(entry["name"])
        self.name.setObjectName("entryName")
        self.category = QLineEdit(entry["category"])
        self.category.setObjectName("entryCategory")
        self.validity = QSpinBox()
        self.validity.setObjectName("entryValidity")
        self.validity.setRange(0, qualifications.MAX_VALIDITY)
        self.validity.setSpecialValueText(_("does not expire"))
        self.validity.setSuffix(_(" years"))
        self.validity.setValue(entry["validity_years"] or 0)
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Category"), self.category)
        form.addRow(_("Validity"), self.validity)
        layout.addLayout(form)
        if self._entry:
            note = QLabel(_("A new validity applies to records entered from now on; stored expiry days stay."))
            note.setWordWrap(True)
            layout.addWidget(note)

    def apply(self) -> None:
        validity = self.validity.value() or None
        if self._entry is None:
            qualifications.add_entry(self._db, self._user, self.name.text(), self.category.text(), validity)
        else:
            qualifications.edit_entry(self._db, self._user, self._entry["id"], self.name.text(), self.category.text(),
                                      validity)


class QualificationImportDialog(QDialog):
    """Choose a file, see the records to enter and every error by row and column, then 取り込む (all or nothing)."""

    def __init__(self, db: sqlite_utils.Database, user: User, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._today = db, user, today
        self.preview: qualification_import.QualificationImportPreview | None = None
        self.committed: dict | None = None
        self.setWindowTitle(_("Import staff qualifications"))
        self._build()
        self.buttons, self.import_button = import_cancel(self, self.commit, "importButton")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 1000, 600)

    def _build(self) -> None:
        self.intro = QLabel(_("A list with the columns 職員番号, 資格 (as named in the catalogue) and 取得日 (和暦 or "
                              "western), and if known 有効期限 and 備考 (evidence). Nothing is written unless every row "
                              "is right."))
        self.intro.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setReadOnly(True)
        choose = QPushButton(_("Choose file…"))
        choose.setObjectName("chooseFile")
        choose.clicked.connect(self._choose_file)
        self.encoding = QComboBox()
        self.encoding.setObjectName("encoding")
        for label, value in ENCODINGS:
            self.encoding.addItem(_(label), value)
        self.encoding.currentIndexChanged.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(choose)
        row.addWidget(QLabel(_("Encoding")))
        row.addWidget(self.encoding)
        self.form = QFormLayout()
        self.form.addRow(_("File"), row)
        self.summary = QLabel(_("Choose the list of qualifications (CSV or Excel)."))
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.records_model = RecordTableModel([
            (_("Row"), lambda r: r.row), (_("Staff no."), lambda r: r.staff_no), (_("Name"), lambda r: r.name),
            (_("Qualification"), lambda r: r.qualification), (_("Obtained on"), lambda r: display_date(r.obtained_on)),
            (_("Expires on"), lambda r: display_date(r.expires_on)), (_("Evidence note"), lambda r: r.note)], self)
        self.errors_model = RecordTableModel([
            (_("Row"), lambda e: e.row), (_("Column"), lambda e: e.column), (_("Problem"), lambda e: e.message)], self)
        self.records_view = record_table_view(self.records_model)
        self.errors_view = record_table_view(self.errors_model)
        self.errors_view.setObjectName("importErrors")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.records_view, _("Qualifications to enter"))
        self.tabs.addTab(self.errors_view, _("Errors"))

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Import staff qualifications"), "", _(FILE_FILTER))
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        self.path_edit.setText(str(path))
        self.refresh()

    def refresh(self) -> None:
        if not self.path_edit.text():
            return
        path, encoding, user, today = Path(self.path_edit.text()), self.encoding.currentData(), self._user, self._today
        try:
            self.preview = run_with_database(self, _("Checking the rows…"), self._db, lambda db: (
                qualification_import.preview_file(db, user, path, today=today, encoding=encoding)))
        except UserError as exc:
            self.preview = None
            self.summary.setStyleSheet(ERROR_STYLE)
            self.summary.setText(str(exc))
            self.records_model.set_records([])
            self.errors_model.set_records([])
            self.import_button.setEnabled(False)
            return
        self._show_preview(path.name)

    def _show_preview(self, file_name: str) -> None:
        preview = self.preview
        assert preview is not None
        text = _("{rows} rows ({encoding}): {n} qualifications to enter.").format(
            rows=preview.rows, encoding=preview.encoding, n=len(preview.records))
        if preview.unused_headers:
            text += " " + _("Columns not used: {names}").format(names="、".join(preview.unused_headers))
        if preview.errors:
            text += "\n" + _("{n} errors: nothing can be imported until they are corrected in the file.").format(
                n=preview.error_count)
            if preview.errors_not_listed:
                text += " " + not_listed(file_name, preview.errors_not_listed)
        self.summary.setStyleSheet(ERROR_STYLE if preview.errors else "")
        self.summary.setText(text)
        self.records_model.set_records(preview.records)
        self.errors_model.set_records(preview.errors)
        self.tabs.setTabText(1, _("Errors ({n})").format(n=preview.error_count))
        self.tabs.setCurrentIndex(1 if preview.errors else 0)
        self.import_button.setEnabled(not preview.errors)

    def commit(self) -> None:
        if self.preview is None or self.preview.errors:
            return
        preview, user, today = self.preview, self._user, self._today
        try:
            self.committed = run_with_database(self, _("Importing…"), self._db, lambda db: (
                qualification_import.commit(db, user, preview, today=today)))
        except UserError as exc:
            QMessageBox.warning(self, _("Import staff qualifications"), str(exc))
            self.refresh()
            return
        QMessageBox.information(self, _("Import staff qualifications"),
                                qualification_import.result_message(self.committed))
        self.accept()
