"""以前の認定の取り込み: earlier (paper) certifications from CSV or Excel, previewed, then all or nothing.

Opened from 認定 (and from the set-up guide): choose the file, read the rows as they will be
entered and every error with its row and column, then 取り込む. The work runs off the GUI thread
on its own connection (ui.background), like the staff import it borrows its parts from.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlite_utils
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QTabWidget, QVBoxLayout, QWidget)

from app.certification import past
from app.register.accounts import User
from app.errors import UserError
from app.i18n import N_, _
from app.tabular import not_listed
from app.wareki import display_date
from ui.background import run_with_database
from ui.widgets.dialog_parts import ENCODINGS, ERROR_STYLE, fit_to_screen, import_cancel
from ui.widgets.table_model import RecordTableModel, record_table_view

FILE_FILTER = N_("Lists of certifications (*.csv *.txt *.xlsx);;All files (*)")


class PastCertificationsImportDialog(QDialog):
    """The import on one screen: file and encoding on top, what will be entered and the errors below.

    ``today`` bounds the dates (a decision cannot lie in the future); tests pass it in. After
    ``exec()`` returns Accepted, ``committed`` holds the import's summary.
    """

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._today = today or date.today()
        self.preview: past.PastImportPreview | None = None
        self.committed: dict | None = None
        self.setWindowTitle(_("Import earlier certifications"))
        self._build_file_row()
        self._build_preview()
        self.buttons, self.import_button = import_cancel(self, self.commit, "importButton")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 1000, 620)

    # -- parts ------------------------------------------------------------------------------------
    def _build_file_row(self) -> None:
        self.intro = QLabel(self._intro_text())
        self.intro.setObjectName("pastIntro")
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

    def _intro_text(self) -> str:
        try:
            levels = "、".join(level.name for level in past.active_scheme(self._db).levels)
        except UserError as exc:  # no scheme yet: say so at once rather than after a file was chosen
            return str(exc)
        return _("Enter the certifications decided before the register was used, from a list with the columns "
                 "職員番号, レベル ({levels}), 認定日 (和暦 or western), 認定番号 as printed on the certificate and "
                 "認定者; for a revoked one also 取消日 and 取消理由. The numbers are kept as printed and new "
                 "certifications continue after the highest of them; the people hold these levels for the next one "
                 "(shown as 「台帳導入前」).").format(levels=levels)

    def _build_preview(self) -> None:
        self.summary = QLabel(_("Choose the list of earlier certifications (CSV or Excel)."))
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.records_model = RecordTableModel([
            (_("Row"), lambda r: r.row), (_("Staff no."), lambda r: r.staff_no), (_("Name"), lambda r: r.name),
            (_("Level"), lambda r: r.level_name), (_("Decided on"), lambda r: display_date(r.decided_on)),
            (_("Certificate no."), lambda r: r.certificate_no), (_("Approver"), lambda r: r.approver),
            (_("Revoked on"), lambda r: display_date(r.revoked_on)), (_("Reason for revocation"), lambda r: r.revoke_reason),
        ], self)
        self.errors_model = RecordTableModel([
            (_("Row"), lambda e: e.row), (_("Column"), lambda e: e.column), (_("Problem"), lambda e: e.message),
        ], self)
        self.records_view = record_table_view(self.records_model)
        self.records_view.setObjectName("pastRecords")
        self.errors_view = record_table_view(self.errors_model)
        self.errors_view.setObjectName("pastErrors")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.records_view, _("Certifications to enter"))
        self.tabs.addTab(self.errors_view, _("Errors"))

    # -- steps ------------------------------------------------------------------------------------
    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Import earlier certifications"), "", _(FILE_FILTER))
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        """Read and check the file (nothing is written); the preview shows what would be entered."""
        self.path_edit.setText(str(path))
        self.refresh()

    def refresh(self) -> None:
        text = self.path_edit.text()
        if not text:
            return
        path, encoding = Path(text), self.encoding.currentData()  # widgets are read here, never on the worker
        user, today = self._user, self._today
        try:
            self.preview = run_with_database(self, _("Checking the rows…"), self._db, lambda db: past.preview_file(
                db, user, path, today=today, encoding=encoding))
        except UserError as exc:  # the file as a whole is refused
            self.preview = None
            self._show_refusal(str(exc))
            return
        self._show_preview(path.name)

    def _show_refusal(self, message: str) -> None:
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setText(message)
        self.records_model.set_records([])
        self.errors_model.set_records([])
        self.tabs.setTabText(1, _("Errors"))
        self.import_button.setEnabled(False)

    def _show_preview(self, file_name: str) -> None:
        preview = self.preview
        assert preview is not None
        text = _("{rows} rows ({encoding}): {n} certifications to enter.").format(
            rows=preview.rows, encoding=preview.encoding, n=len(preview.records))
        if preview.records:
            text += " " + _("By level: {levels}.").format(levels="、".join(
                _("{level} {n}").format(level=level, n=n) for level, n in preview.level_counts().items()))
        revoked = sum(1 for r in preview.records if r.revoked_on)
        if revoked:
            text += " " + _("{n} of them revoked.").format(n=revoked)
        if preview.unused_headers:
            text += " " + _("Columns not used: {names}").format(names="、".join(preview.unused_headers))
        if preview.errors:
            text += "\n" + _("{n} errors: nothing can be imported until they are corrected in the file.").format(
                n=preview.error_count)
            if preview.errors_not_listed:
                text += " " + not_listed(file_name, preview.errors_not_listed)
            self.summary.setStyleSheet(ERROR_STYLE)
        else:
            text += "\n" + _("After the import, the next certification decided today gets the number {number}.").format(
                number=preview.next_number)
            self.summary.setStyleSheet("")
        self.summary.setText(text)
        self.records_model.set_records(preview.records)
        self.errors_model.set_records(preview.errors)
        self.tabs.setTabText(1, _("Errors ({n})").format(n=preview.error_count))
        self.tabs.setCurrentIndex(1 if preview.errors else 0)
        self.import_button.setEnabled(not preview.errors)

    def commit(self) -> None:
        if self.preview is None or self.preview.errors:
            return
        preview, user = self.preview, self._user
        try:
            self.committed = run_with_database(self, _("Importing…"), self._db,
                                               lambda db: past.commit(db, user, preview))
        except UserError as exc:  # refused, or the register changed since the preview: nothing was written
            QMessageBox.warning(self, _("Import earlier certifications"), str(exc))
            self.refresh()
            return
        QMessageBox.information(self, _("Import earlier certifications"), past.result_message(self.committed))
        self.accept()
