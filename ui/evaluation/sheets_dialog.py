"""評価シート (Excel): write one workbook per evaluator, and read the returned ones back.

Both dialogs work from any page: they take the connection, the logged-in user
and, optionally, the project to start with. The work runs on a worker thread
with its own connection; the import shows every file's errors or what it will
save before anything is written, and refuses to import while any file has errors.
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.evaluation import sheets
from app.evaluation import projects
from app.register.accounts import User
from app.errors import UserError
from app.evaluation.sheets import SheetImportPreview
from app.i18n import N_, _
from app.wareki import format_fiscal_year
from ui.widgets.dialog_parts import ERROR_STYLE, fit_to_screen, import_cancel
from ui.background import run_with_database
from ui.widgets.table_model import RecordTableModel, record_table_view

log = logging.getLogger("dx_jinzai")

FILE_FILTER = N_("Evaluation sheets (*.xlsx);;All files (*)")


def _documents_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


class ExportSheetsDialog(QDialog):
    """Choose project and folder, write the sheets off the GUI thread, list the files, open the folder."""

    def __init__(self, db: sqlite_utils.Database, user: User, project_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.written: list[Path] = []
        self.setWindowTitle(_("Export evaluation sheets"))
        fit_to_screen(self, 720, 460)

        intro = QLabel(_("One Excel workbook is written for each evaluator who still has evaluations to enter. "
                         "Send each evaluator their file; import the returned files with 「Import evaluation "
                         "sheets」."))
        intro.setWordWrap(True)
        self.project_box = QComboBox()
        self.project_box.setObjectName("sheetsProject")
        for row in projects.list_projects(db, user):
            self.project_box.addItem(f"{format_fiscal_year(row['fiscal_year'])} {row['name']}", row["id"])
        if project_id is not None:
            self.project_box.setCurrentIndex(max(0, self.project_box.findData(project_id)))
        self.folder_edit = QLineEdit(_documents_folder())
        self.folder_edit.setObjectName("sheetsFolder")
        browse = QPushButton(_("Choose folder…"))
        browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        self.include_submitted = QCheckBox(_("Also evaluators who have submitted everything (submitted "
                                             "evaluations are shown greyed and cannot be changed)"))
        self.include_submitted.setObjectName("sheetsIncludeSubmitted")
        form = QFormLayout()
        form.addRow(_("Project"), self.project_box)
        form.addRow(_("Folder"), folder_row)
        form.addRow("", self.include_submitted)

        self.result_label = QLabel()
        self.result_label.setObjectName("sheetsResult")
        self.result_label.setWordWrap(True)
        self.files_list = QListWidget()
        self.files_list.setObjectName("sheetsFiles")

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(_("Export"), QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setObjectName("sheetsExport")
        self.export_button.setEnabled(self.project_box.count() > 0)
        self.export_button.clicked.connect(self.export)
        self.open_button = self.buttons.addButton(_("Open folder"), QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setObjectName("sheetsOpenFolder")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_folder)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.files_list, 1)
        layout.addWidget(self.buttons)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder for the evaluation sheets"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def export(self) -> None:
        project_id = self.project_box.currentData()
        folder = Path(self.folder_edit.text().strip())
        if project_id is None or not self.folder_edit.text().strip():
            return
        include, user = self.include_submitted.isChecked(), self._user
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.written = run_with_database(self, _("Writing the evaluation sheets…"), self._db,
                                             lambda db: sheets.export_sheets(db, user, project_id, folder, include))
        except (UserError, OSError) as exc:
            self.result_label.setStyleSheet(ERROR_STYLE)
            self.result_label.setText(str(exc))
            return
        self.result_label.setStyleSheet("")
        self.files_list.clear()
        if self.written:
            self.result_label.setText(_("Wrote {n} evaluation sheets to {path}.").format(
                n=len(self.written), path=folder))
            self.files_list.addItems([p.name for p in self.written])
        else:
            self.result_label.setText(_("No evaluator of this project has evaluations left to enter; no sheet "
                                        "was written."))
        self.open_button.setEnabled(bool(self.written))

    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip())

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder())))


class ImportSheetsDialog(QDialog):
    """Choose the returned files, see per file what would be saved or what is wrong, then import or cancel."""

    def __init__(self, db: sqlite_utils.Database, user: User, project_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._project_id = db, user, project_id
        self.previews: list[SheetImportPreview] = []
        self.results: list[tuple[str, dict | str]] = []  # file name, counts or the refusal
        self.setWindowTitle(_("Import evaluation sheets"))
        fit_to_screen(self, 1000, 640)

        choose = QPushButton(_("Choose files…"))
        choose.setObjectName("sheetsChoose")
        choose.clicked.connect(self._choose_files)
        self.remove_button = QPushButton(_("Remove from the list"))
        self.remove_button.setObjectName("sheetsRemove")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_selected)
        top = QHBoxLayout()
        top.addWidget(choose)
        top.addWidget(self.remove_button)
        top.addStretch(1)
        self.summary = QLabel(_("Choose the evaluation sheets the evaluators returned (one or more .xlsx files). "
                                "Nothing is written before you press 「Import」."))
        self.summary.setObjectName("sheetsSummary")
        self.summary.setWordWrap(True)

        self.files_model = RecordTableModel([
            (_("File"), lambda p: p.file_name), (_("Evaluator"), lambda p: p.evaluator),
            (_("Project"), lambda p: p.project), (_("Result"), self._file_result),
        ], self)
        self.files_view = record_table_view(self.files_model)
        self.files_view.setObjectName("sheetsFileTable")
        self.files_view.selectionModel().selectionChanged.connect(self._show_selected)
        self.changes_model = RecordTableModel([
            (_("Row"), lambda c: c.row), (_("Member rated"), lambda c: c.target),
            (_("Perspective"), lambda c: c.perspective),
            (_("Scores"), lambda c: f"{c.scored} / {c.criteria}"), (_("What happens"), lambda c: c.action_label),
        ], self)
        self.errors_model = RecordTableModel([
            (_("Where"), lambda i: i.where), (_("Problem"), lambda i: i.message)], self)
        self.warnings_model = RecordTableModel([
            (_("Where"), lambda i: i.where), (_("Note"), lambda i: i.message)], self)
        self.tabs = QTabWidget()
        self.tabs.addTab(record_table_view(self.changes_model), _("To be saved"))
        self.tabs.addTab(record_table_view(self.errors_model), _("Errors"))
        self.tabs.addTab(record_table_view(self.warnings_model), _("Notes"))
        for index in range(3):
            view = self.tabs.widget(index)
            view.setWordWrap(True)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.files_view)
        splitter.addWidget(self.tabs)
        splitter.setSizes([200, 360])

        self.buttons, self.import_button = import_cancel(self, self.commit, "sheetsImport")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)

    # -- files -----------------------------------------------------------------------------------
    def _choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Import evaluation sheets"), _documents_folder(),
                                                      _(FILE_FILTER))
        if paths:
            self.add_files([Path(p) for p in paths])

    def add_files(self, paths: list[Path]) -> None:
        """Check the files (off the GUI thread) and add them to the list; a file chosen twice is checked again."""
        known = {p.path.resolve() for p in self.previews}
        paths = [p for p in paths if p.resolve() not in known] + [p.path for p in self.previews]
        self._check(paths)

    def remove_selected(self) -> None:
        row = self._selected_row()
        if row is None:
            return
        remaining = [p.path for i, p in enumerate(self.previews) if i != row]
        self.previews = []
        self._check(remaining)

    def _check(self, paths: list[Path]) -> None:
        user = self._user
        try:
            previews = run_with_database(self, _("Checking the evaluation sheets…"), self._db,
                                         lambda db: [sheets.preview_import(db, user, p) for p in paths])
        except UserError as exc:
            QMessageBox.warning(self, _("Import evaluation sheets"), str(exc))
            return
        self.previews = sorted(previews, key=lambda p: p.file_name)
        self._show()

    def _file_result(self, preview: SheetImportPreview) -> str:
        if preview.errors:
            return _("{n} errors: cannot be imported").format(n=len(preview.errors))
        text = _("submit {submitted}, draft {drafts}, no change {unchanged}").format(**preview.summary())
        if self._project_id is not None and preview.project_id != self._project_id:
            text += " " + _("(another project)")
        return text

    def _show(self) -> None:
        self.files_model.set_records(self.previews)
        errors = [e for p in self.previews for e in p.errors]
        warnings = [w for p in self.previews for w in p.warnings]
        self.errors_model.set_records(errors)
        self.warnings_model.set_records(warnings)
        self.tabs.setTabText(1, _("Errors ({n})").format(n=len(errors)))
        self.tabs.setTabText(2, _("Notes ({n})").format(n=len(warnings)))
        refused = sum(1 for p in self.previews if p.errors)
        if not self.previews:
            self.summary.setStyleSheet("")
            self.summary.setText(_("No file chosen."))
        elif refused:
            self.summary.setStyleSheet(ERROR_STYLE)
            self.summary.setText(_("{n} of {total} files have errors. Nothing can be imported until they are "
                                   "corrected (or removed from the list).").format(n=refused, total=len(self.previews)))
            self.tabs.setCurrentIndex(1)
        else:
            self.summary.setStyleSheet("")
            totals = {key: sum(p.summary()[key] for p in self.previews) for key in ("submitted", "drafts", "unchanged")}
            self.summary.setText(_("{total} files can be imported: {submitted} evaluations will be submitted, "
                                   "{drafts} saved as drafts, {unchanged} stay as they are.").format(
                total=len(self.previews), **totals))
            self.tabs.setCurrentIndex(0)
        self.import_button.setEnabled(bool(self.previews) and not refused)
        self.remove_button.setEnabled(bool(self.previews))
        if self.previews:
            self.files_view.selectRow(0)
        else:
            self.changes_model.set_records([])

    def _selected_row(self) -> int | None:
        rows = self.files_view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _show_selected(self) -> None:
        row = self._selected_row()
        self.changes_model.set_records(self.previews[row].changes if row is not None else [])

    # -- commit ----------------------------------------------------------------------------------
    def commit(self) -> None:
        """Each file in its own transaction; a file changed since the check is refused on its own."""
        if not self.previews or any(p.errors for p in self.previews):
            return
        previews, user = list(self.previews), self._user

        def work(db: sqlite_utils.Database) -> list[tuple[str, dict | str]]:
            results: list[tuple[str, dict | str]] = []
            for index, preview in enumerate(previews):
                try:
                    results.append((preview.file_name, sheets.commit_import(db, user, preview)))
                except UserError as exc:
                    results.append((preview.file_name, str(exc)))
                except Exception as exc:  # unexpected: stop, but still report the files committed before it
                    log.exception("evaluation sheet import failed at %s", preview.file_name)
                    results.append((preview.file_name, _("unexpected error (see the log): {error}").format(
                        error=repr(exc))))
                    results.extend((rest.file_name, _("not attempted (an earlier file failed)"))
                                   for rest in previews[index + 1:])
                    break
            return results

        self.results = run_with_database(self, _("Importing the evaluation sheets…"), self._db, work)
        lines = []
        for name, outcome in self.results:
            if isinstance(outcome, dict):
                lines.append(_("{file}: submitted {submitted}, drafts {drafts}, unchanged {unchanged}").format(
                    file=name, **outcome))
            else:
                lines.append(_("{file}: not imported: {error}").format(file=name, error=outcome))
        failed = sum(1 for _name, outcome in self.results if not isinstance(outcome, dict))
        title = _("Import evaluation sheets")
        if failed:
            QMessageBox.warning(self, title, "\n".join(lines))
        else:
            QMessageBox.information(self, title, "\n".join(lines))
        self.accept()
