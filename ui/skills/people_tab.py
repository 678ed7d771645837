"""職員のスキル: everyone's current level per item, filtered by item or name; records, imports and sheets.

The list is ``records.people_skills`` (the current-level rule lives in the core). The administrator records a
level (confirmed by the digital section), imports a list or returned self-assessment sheets (each file checked in
full first: a file with a problem is refused with its rows and columns, and nothing of it is written), writes
self-assessment sheets for the people shown, and records the skills that qualifications and training stand for.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, allowed
from app.skills import importer, records, self_assessment
from app.skills.catalogues import CatalogueSpec
from app.staff import lookup
from app.wareki import display_date
from ui.widgets.dialog_parts import run_modal
from ui.widgets.form_dialog import FormDialog
from ui.widgets.table_model import RecordTableModel, record_table_view
from ui.widgets.wareki_date import DateEdit

if TYPE_CHECKING:
    from ui.skills.page import SkillsPage

IMPORT_FILTER = "CSV / Excel (*.csv *.txt *.xlsx *.xlsm);;All files (*)"


class RecordDialog(FormDialog):
    """One level of one item for one person, as the digital section confirms it (or another source)."""

    def __init__(self, page: SkillsPage, spec: CatalogueSpec, parent: QWidget | None = None) -> None:
        self.page, self.spec = page, spec
        super().__init__(_("Record a skill level"), parent, ok_name="skillRecordOk")

    def build(self, layout: QVBoxLayout) -> None:
        form = QFormLayout()
        self.staff_no = QLineEdit()
        self.staff_no.setObjectName("recordStaffNo")
        self.item = QComboBox()
        self.item.setObjectName("recordItem")
        for item in self.spec.items:
            self.item.addItem(item.name, item.code)
        self.level = QComboBox()
        self.level.setObjectName("recordLevel")
        for level in self.spec.levels:
            self.level.addItem(f"{level.level} {level.name}", level.level)
        self.source = QComboBox()
        self.source.setObjectName("recordSource")
        for key in ("confirmed", "qualification", "training", "self"):
            self.source.addItem(records.source_label(key), key)
        self.day = DateEdit(date.today())
        self.note = QLineEdit()
        for label, widget in ((_("Staff no."), self.staff_no), (_("Skill item"), self.item), (_("Level"), self.level),
                              (_("Source"), self.source), (_("Assessed on"), self.day), (_("Remarks"), self.note)):
            form.addRow(label, widget)
        layout.addLayout(form)

    def apply(self) -> None:
        staff_id = lookup.staff_id(self.page.db, self.staff_no.text().strip())
        entry = records.SkillEntry(staff_id, self.item.currentData(), self.level.currentData(), self.day.date(),
                                   self.source.currentData(), self.note.text().strip())
        records.record_skills(self.page.db, self.page.user, self.spec.family, [entry], origin="app")


class PeopleTab(QWidget):
    def __init__(self, page: SkillsPage) -> None:
        super().__init__()
        self.page = page
        self.setObjectName("skillPeopleTab")
        self.spec: CatalogueSpec | None = None
        self.rows: list[dict] = []
        self.item_filter = QComboBox()
        self.item_filter.setObjectName("skillItemFilter")
        self.item_filter.currentIndexChanged.connect(lambda _index: self._show())
        self.search = QLineEdit()
        self.search.setObjectName("skillSearch")
        self.search.setPlaceholderText(_("Name, staff no. or section"))
        self.search.textChanged.connect(lambda _text: self._show())
        filters = QHBoxLayout()
        for widget in (QLabel(_("Skill item:")), self.item_filter, self.search):
            filters.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        if allowed(page.user, Action.SKILLS_EDIT):
            layout.addLayout(self._buttons())
        self.model = RecordTableModel([
            (_("Staff no."), lambda r: r["staff_no"]), (_("Name"), lambda r: r["name"]),
            (_("Section"), lambda r: r["section"]), (_("Skill item"), lambda r: r["item"]),
            (_("Level"), lambda r: f"{r['level']} {r['level_name']}"),
            (_("Assessed on"), lambda r: display_date(r["assessed_on"])), (_("Source"), lambda r: r["source_label"]),
        ], self)
        self.view = record_table_view(self.model)
        self.view.setObjectName("skillPeopleTable")
        self.view.doubleClicked.connect(self._open_card)
        self.count = QLabel()
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for name, text, slot in (("skillRecord", _("Record a level…"), self.record),
                                 ("skillImport", _("Import list or sheets…"), self.choose_import),
                                 ("skillSheets", _("Write self-assessment sheets…"), self.choose_sheets_folder),
                                 ("skillDerive", _("Record from qualifications and training"), self.derive)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        return row

    def load(self, spec: CatalogueSpec | None) -> None:
        self.spec = spec
        self.item_filter.blockSignals(True)
        self.item_filter.clear()
        self.item_filter.addItem(_("All items"), None)
        for item in spec.items if spec else []:
            self.item_filter.addItem(item.name, item.code)
        self.item_filter.blockSignals(False)
        self.rows = records.people_skills(self.page.db, self.page.user, spec.family, date.today()) if spec else []
        self._show()

    def shown_rows(self) -> list[dict]:
        code, words = self.item_filter.currentData(), self.search.text().strip()
        return [r for r in self.rows if (code is None or r["item_code"] == code)
                and (not words or words in f"{r['staff_no']} {r['name']} {r['name'].replace(chr(0x3000), '')} "
                                           f"{r['section']}")]

    def _show(self) -> None:
        shown = self.shown_rows()
        self.model.set_records(shown)
        self.count.setText(_("{n} records of {people} people").format(
            n=len(shown), people=len({r["staff_id"] for r in shown})) if self.rows else
            _("No skills are recorded yet: import a list, write self-assessment sheets, or let staff assess "
              "themselves under their own login."))

    def _open_card(self, index) -> None:
        from ui.overview.person_card import open_person_card

        open_person_card(self, self.page.db, self.page.user, self.model.record_at(index.row())["staff_id"], tab="skills")

    def record(self) -> None:
        if self.spec is None:
            return
        if run_modal(RecordDialog(self.page, self.spec, self)):
            self.page.reload()

    def choose_import(self) -> None:
        paths, _selected = QFileDialog.getOpenFileNames(self, _("Import skills"), "", IMPORT_FILTER)
        if paths:
            self.import_files([Path(p) for p in paths])

    def import_files(self, paths: list[Path]) -> int:
        """Check every file first; import only when all are good (the officer confirms). Records written."""
        previews, problems = [], []
        for path in paths:
            try:
                preview = (self_assessment.preview_sheet(self.page.db, self.page.user, path, date.today())
                           if self_assessment.is_self_assessment_sheet(path) else
                           importer.preview_file(self.page.db, self.page.user, path, date.today(), self.page.family))
            except UserError as exc:
                problems.append(str(exc))
                continue
            previews.append(preview)
            problems.extend(e.text() if hasattr(e, "text") else e for e in preview.errors)
        if problems:
            QMessageBox.warning(self, _("Import skills"), _("Nothing was imported:") + "\n" + "\n".join(problems[:20]))
            return 0
        total = sum(len(p.entries) for p in previews)
        if QMessageBox.question(self, _("Import skills"), _("Import {n} skill records from {files} files?").format(
                n=total, files=len(previews))) != QMessageBox.StandardButton.Yes:
            return 0
        written = 0
        for preview in previews:
            commit = self_assessment.commit_sheet if isinstance(preview, self_assessment.SheetPreview) else importer.commit
            written += commit(self.page.db, self.page.user, preview)
        self.page.reload()
        return written

    def choose_sheets_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder for the self-assessment sheets"))
        if folder:
            self.write_sheets(Path(folder))

    def write_sheets(self, folder: Path) -> list[Path]:
        """A sheet for each person shown in the list (the filter chooses who)."""
        staff_ids = list(dict.fromkeys(r["staff_id"] for r in self.shown_rows()))
        if not staff_ids:
            QMessageBox.information(self, _("Skills"), _("Nobody is shown in the list; use `skills sheets --all` "
                                                         "for everyone in service."))
            return []
        try:
            written = self_assessment.export_sheets(self.page.db, self.page.user, staff_ids, folder, date.today(),
                                                    self.page.family)
        except UserError as exc:
            QMessageBox.warning(self, _("Skills"), str(exc))
            return []
        QMessageBox.information(self, _("Skills"), _("Wrote {n} self-assessment sheets to {path}.").format(
            n=len(written), path=folder))
        return written

    def derive(self) -> None:
        if self.spec is None:
            return
        written = records.derive(self.page.db, self.page.user, self.spec.family, date.today())
        QMessageBox.information(self, _("Skills"), _("Recorded {n} skills derived from qualifications and training.")
                                .format(n=written))
        self.page.reload()
