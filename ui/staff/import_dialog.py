"""職員の取り込み: choose a file, map columns, preview every change and error, then commit or cancel."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlite_utils
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.staff import importer
from app.register.accounts import User
from app.errors import UserError
from app.i18n import N_, _
from app.staff.importer import FIELDS, ImportPreview, ImportSession, Mapping
from app.tabular import not_listed
from ui.widgets.dialog_parts import ENCODINGS, ERROR_STYLE, import_cancel
from ui.widgets.form_dialog import FormDialog
from ui.widgets.table_model import RecordTableModel, record_table_view
from ui.widgets.wareki_date import DateEdit
from ui.background import run_with_database

CHANGE_LABELS = {"added": N_("New"), "updated": N_("Corrected"), "transferred": N_("Transfer"),
                 "missing": N_("Not in file")}
FILE_FILTER = N_("Staff lists (*.csv *.txt *.xlsx);;All files (*)")


class MappingDialog(FormDialog):
    """Which column holds what; the choice is remembered for files with the same headers."""

    def __init__(self, headers: list[str], mapping: Mapping, parent: QWidget | None = None) -> None:
        self._headers, self._mapping = headers, mapping
        super().__init__(_("Columns of the file"), parent)

    def build(self, layout: QVBoxLayout) -> None:
        headers, mapping = self._headers, self._mapping
        intro = QLabel(self.intro_text(mapping))
        intro.setObjectName("mappingIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.boxes: dict[str, QComboBox] = {}
        for name, label in FIELDS.items():
            box = QComboBox()
            box.setObjectName(f"map_{name}")
            box.addItem(_("(none)"), "")
            for header in headers:
                box.addItem(header, header)
            box.setCurrentIndex(max(0, box.findData(mapping.columns.get(name, ""))))
            form.addRow(_(label), box)
            self.boxes[name] = box
        layout.addLayout(form)

    @staticmethod
    def intro_text(mapping: Mapping) -> str:
        """Say what was and was not recognised: the dialog also opens on request when all was."""
        remembered = _("The choice is remembered for files with the same headers.")
        if mapping.missing:
            return _("Some required columns were not recognised ({names}). Choose which column of the file holds "
                     "each item.").format(names="、".join(_(m) for m in mapping.missing)) + " " + remembered
        if mapping.unknown_headers:
            return _("Every required column was recognised; these columns are not used: {names}. Choose a column "
                     "for an item if one of them holds it.").format(names="、".join(mapping.unknown_headers)) \
                + " " + remembered
        return _("Every column was recognised. Change an item only if it was matched to the wrong column.") \
            + " " + remembered

    def columns(self) -> dict[str, str]:
        return {name: box.currentData() for name, box in self.boxes.items() if box.currentData()}

    def apply(self) -> None:
        missing = importer.recognise_headers(list(self.columns().values()), self.columns()).missing
        if missing:
            raise UserError(_("required columns are missing: {names}").format(names="、".join(_(m) for m in missing)))


class ImportDialog(QDialog):
    """The import wizard on one screen: file and options on top, the preview below.

    The file, its rows, the columns and the preview live in an ``ImportSession`` (the one the CLI uses);
    the dialog shows it and runs its steps on a worker thread with the worker's own connection.
    """

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.session: ImportSession | None = None
        self.preview: ImportPreview | None = None
        self.committed: dict | None = None
        self.setWindowTitle(_("Import staff"))
        self.resize(960, 620)

        self.file_label = QLabel()  # shows the session's file; never read back
        self.file_label.setObjectName("importPath")
        self.file_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # a long path
        choose = QPushButton(_("Choose file…"))
        choose.clicked.connect(self._choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(choose)
        self.encoding = QComboBox()
        for label, value in ENCODINGS:
            self.encoding.addItem(_(label), value)
        self.encoding.currentIndexChanged.connect(self._reread)
        self.effective = DateEdit(importer.default_effective_date(db), field=_("Effective date"))
        self.effective.date_changed.connect(self.refresh)
        self.mapping_button = QPushButton(_("Columns…"))
        self.mapping_button.setEnabled(False)
        self.mapping_button.clicked.connect(self.edit_mapping)
        self.retire_missing = QCheckBox(_("Mark staff not in the file as retired (the day before the effective date)"))
        form = QFormLayout()
        form.addRow(_("File"), file_row)
        options = QHBoxLayout()
        options.addWidget(self.encoding)
        options.addWidget(QLabel(_("Effective date")))
        options.addWidget(self.effective)
        options.addWidget(self.mapping_button)
        options.addStretch(1)
        form.addRow(_("Encoding"), options)
        form.addRow("", self.retire_missing)

        self.summary = QLabel(_("Choose the staff list exported by the personnel system (CSV or Excel)."))
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.changes_model = RecordTableModel([
            (_("Change"), lambda c: _(CHANGE_LABELS[c.kind])), (_("Staff no."), lambda c: c.staff_no),
            (_("Name"), lambda c: c.name), (_("Before"), lambda c: c.before), (_("After"), lambda c: c.after),
        ], self)
        self.errors_model = RecordTableModel([
            (_("Row"), lambda e: e.row), (_("Column"), lambda e: e.column), (_("Problem"), lambda e: e.message),
        ], self)
        self.records_model = RecordTableModel([
            (_("Row"), lambda r: r.row), (_("Staff no."), lambda r: r.staff_no),
            (_("Name"), lambda r: f"{r.family_name}\u3000{r.given_name}"),
            (_("Reading"), lambda r: f"{r.family_reading}\u3000{r.given_reading}"),
            (_("Department"), lambda r: r.department), (_("Section"), lambda r: r.section),
            (_("Unit"), lambda r: r.unit), (_("Position"), lambda r: r.position), (_("Hire date"), lambda r: r.hire_date),
        ], self)
        self.tabs = QTabWidget()
        self.tabs.addTab(record_table_view(self.changes_model), _("Changes"))
        self.tabs.addTab(record_table_view(self.errors_model), _("Errors"))
        self.tabs.addTab(record_table_view(self.records_model), _("Rows as read"))
        self.gaiji_page = QWidget()
        self.gaiji_form = QFormLayout(self.gaiji_page)
        self.gaiji_edits: dict[str, QLineEdit] = {}
        self.tabs.addTab(self.gaiji_page, _("User-defined characters"))

        self.buttons, self.import_button = import_cancel(self, self.commit, "importButton")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

    # -- steps ---------------------------------------------------------------------------------
    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Import staff"), "", _(FILE_FILTER))
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        """A session for the file; when columns are missing, ask for them before the preview."""
        self.session = ImportSession(path, self.encoding.currentData())
        self.file_label.setText(str(path))
        self.file_label.setToolTip(str(path))
        self.gaiji_edits.clear()
        self.refresh()
        mapping = self.session.mapping
        if mapping is not None and not mapping.complete:
            self.edit_mapping()

    def _reread(self) -> None:
        if self.session is not None:
            self.session.set_encoding(self.encoding.currentData())
            self.refresh()

    def edit_mapping(self) -> None:
        session = self.session
        if session is None or session.mapping is None:
            return
        dialog = MappingDialog(session.table.headers, session.mapping, self)
        if dialog.exec():
            self._check(dialog.columns())

    def _replacements(self) -> dict[str, str]:
        return {char: edit.text() for char, edit in self.gaiji_edits.items() if edit.text().strip()}

    def refresh(self) -> None:
        """Check the file again with the current options (it is read only once); nothing is written."""
        self._check()

    def _check(self, columns: dict[str, str] | None = None) -> None:
        """One step of the session on the worker: the officer's columns (remembered) when given, then the check."""
        session = self.session
        if session is None:
            return
        label = _("Checking the rows…") if session.has_read else _("Reading the file…")
        user = self._user
        try:
            day, replacements = self.effective.value(), self._replacements()  # widgets are read here, not on the worker

            def step(db: sqlite_utils.Database) -> ImportPreview:
                if columns is not None:
                    session.choose_columns(db, columns, user)
                return session.check(db, day, replacements)

            self.preview = run_with_database(self, label, self._db, step)
        except UserError as exc:  # the file as a whole is refused: say so as an error, not as a hint
            self.preview = None
            self.summary.setStyleSheet(ERROR_STYLE)
            self.summary.setText(str(exc))
            self.import_button.setEnabled(False)
            for model in (self.changes_model, self.errors_model, self.records_model):
                model.set_records([])
            return
        self.mapping_button.setEnabled(True)
        self._show_preview(session.path.name)

    def _show_preview(self, file_name: str) -> None:
        preview = self.preview
        assert preview is not None
        counts = preview.summary()
        text = _("{rows} rows ({encoding}): {added} new, {updated} corrected, {transferred} transfers, "
                 "{missing} not in the file.").format(encoding=preview.encoding, **counts)
        mapping = self.session.mapping if self.session else None
        unknown = mapping.unknown_headers if mapping else []
        if unknown:
            text += " " + _("Columns not used: {names}").format(names="、".join(unknown))
        if preview.new_units or preview.new_positions:
            text += " " + _("New affiliations or positions: {names}").format(
                names="、".join(preview.new_units + preview.new_positions))
        for warning in preview.warnings[:5]:
            text += "\n" + _("Warning: {problem}").format(problem=warning.text(file_name))
        if len(preview.warnings) > 5:
            text += "\n" + _("{n} further warnings are not listed.").format(n=len(preview.warnings) - 5)
        if preview.unplaced_positions:
            text += "\n" + importer.unplaced_message(preview)
        if preview.errors:
            text += "\n" + _("{n} errors: nothing can be imported until they are corrected in the file.").format(
                n=preview.error_count)
            if preview.errors_not_listed:
                text += " " + not_listed(file_name, preview.errors_not_listed)
            self.summary.setStyleSheet(ERROR_STYLE)
        else:
            self.summary.setStyleSheet("color: #8a5300;" if preview.warnings else "")
        self.summary.setText(text)
        self.changes_model.set_records(preview.changes)
        self.errors_model.set_records(preview.errors)
        self.records_model.set_records(preview.records)
        self.tabs.setTabText(1, _("Errors ({n})").format(n=preview.error_count))
        self._show_private_use(preview)
        if preview.errors:
            self.tabs.setCurrentIndex(1)
        self.import_button.setEnabled(not preview.errors)

    def _show_private_use(self, preview: ImportPreview) -> None:
        for char, rows in preview.private_use.items():
            if char in self.gaiji_edits:
                continue
            edit = QLineEdit()
            edit.setObjectName(f"gaiji_{ord(char):04X}")
            edit.setPlaceholderText(_("the proper character, e.g. 𠮷"))
            edit.editingFinished.connect(self.refresh)
            self.gaiji_edits[char] = edit
            self.gaiji_form.addRow(_("U+{code:04X} in rows {rows}").format(
                code=ord(char), rows=", ".join(map(str, rows[:10]))), edit)
        self.tabs.setTabEnabled(3, bool(self.gaiji_edits))

    def commit(self) -> None:
        if self.preview is None or self.preview.errors:
            return
        missing = self.preview.count("missing")
        if self.retire_missing.isChecked() and missing:
            answer = QMessageBox.question(self, _("Import staff"), _(
                "{n} staff are not in the file and will be marked retired. Continue?").format(n=missing))
            if answer != QMessageBox.StandardButton.Yes:
                return
        session, preview, retire, user = self.session, self.preview, self.retire_missing.isChecked(), self._user
        assert session is not None
        try:
            self.committed = run_with_database(self, _("Importing…"), self._db,
                                               lambda db: session.commit(db, user, retire_missing=retire))
        except UserError as exc:  # ImportRefused included
            QMessageBox.warning(self, _("Import staff"), str(exc))
            return
        QMessageBox.information(self, _("Import staff"), importer.result_message(
            self.committed, preview.effective_date, date.today()))
        self.accept()
