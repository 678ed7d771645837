"""評価者の割当 (administrator): who rates whom on the chosen project, and the actions on it."""

from __future__ import annotations

from datetime import date

import sqlite_utils
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QToolBar, QVBoxLayout, QWidget

from app.evaluation import ratings
from app.overview import setup_guide
from app.register.accounts import User
from app.errors import UserError
from app.i18n import _
from ui.evaluation.assignment_dialogs import AddAssignmentDialog, ReopenDialog, SuggestionsDialog
from ui.widgets.dialog_parts import run_modal
from ui.widgets.empty_hint import EmptyHint
from ui.evaluation.tables import TintedTableModel, fit_columns, kind_label, status_label, tinted_table
from ui.evaluation.my_evaluations import status_tint
from ui.evaluation.rating_form import RatingDialog


class AssignmentsTab(QWidget):
    changed = Signal()  # assignments added, removed, reopened or entered

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._project_id: int | None = None
        # A tool bar folds into a menu when the window is narrow, so no button is ever cut off.
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.actions_by_key = {}
        for key, label, slot in (("suggest", _("Apply suggestions…"), self.suggest),
                                 ("add", _("Add…"), self.add),
                                 ("remove", _("Remove"), self.remove),
                                 ("reopen", _("Reopen…"), self.reopen),
                                 ("enter", _("Open the form…"), self.enter)):
            action = self.toolbar.addAction(label)
            action.setObjectName(f"assignment_{key}")
            action.triggered.connect(slot)
            self.actions_by_key[key] = action
        self.actions_by_key["enter"].setToolTip(_("Open the rating form, e.g. to enter a paper form on the "
                                                  "evaluator's behalf"))
        self.count_label = QLabel()
        self.count_label.setObjectName("assignmentCount")
        self.model = TintedTableModel([
            (_("Member rated"), lambda r: r["target"]),
            (_("Perspective"), lambda r: r["perspective"]),
            (_("Evaluator"), lambda r: r["evaluator"] if r["evaluator_staff_id"] is not None
             else _("{name} (external)").format(name=r["evaluator"])),
            (_("Rated as"), kind_label),
            (_("State"), status_label),
        ], status_tint, self)
        self.view = tinted_table(self.model, "assignmentTable")
        self.view.doubleClicked.connect(self._double_clicked)
        self.empty_hint = EmptyHint(self.view, lambda: setup_guide.empty_hint(self._db, self._user, "evaluations"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.count_label)
        layout.addWidget(self.view, 1)

    def set_project(self, project_id: int | None) -> None:
        self._project_id = project_id
        self.reload()

    def reload(self) -> None:
        rows = ratings.project_assignments(self._db, self._user, self._project_id) if self._project_id else []
        self.model.set_records(rows)
        fit_columns(self.view, 200)
        done = sum(1 for r in rows if r["status"] == "submitted")
        self.count_label.setText(_("{total} assignments, {done} submitted.").format(total=len(rows), done=done)
                                 if rows else _("No evaluators are assigned on this project yet."))
        for action in self.actions_by_key.values():
            action.setEnabled(self._project_id is not None)

    def select_assignment(self, assignment_id: int) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.record_at(row)["id"] == assignment_id:
                self.view.selectRow(row)
                return True
        return False

    def selected(self) -> dict | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def _need_selection(self) -> dict | None:
        row = self.selected()
        if row is None:
            QMessageBox.information(self, _("Evaluator assignments"), _("Select an assignment first."))
        return row

    def _changed(self) -> None:
        self.reload()
        self.changed.emit()

    def suggest(self) -> None:
        if self._project_id is None:
            return
        try:
            found = ratings.suggest(self._db, self._user, self._project_id, date.today())
        except UserError as exc:
            QMessageBox.warning(self, _("Suggested evaluators"), str(exc))
            return
        if not found.proposals:
            text = _("There is nothing to suggest: every evaluator the rules name is already assigned "
                     "(or the project has no members yet).")
            if found.notes:  # the rules found nobody: say why instead of "all assigned"
                text = _("The rules suggest nobody new.") + "\n\n" + "\n".join(found.notes)
            QMessageBox.information(self, _("Suggested evaluators"), text)
            return
        dialog = SuggestionsDialog(self._db, self._user, self._project_id, found.proposals, self, notes=found.notes)
        if dialog.exec():
            self._changed()

    def add(self) -> None:
        if self._project_id is None:
            return
        if AddAssignmentDialog(self._db, self._user, self._project_id, self).exec():
            self._changed()

    def remove(self) -> None:
        row = self._need_selection()
        if row is None:
            return
        answer = QMessageBox.question(self, _("Remove"), _(
            "Remove the assignment of {evaluator} to rate {member} ({perspective})? Any draft scores are deleted "
            "with it.").format(evaluator=row["evaluator"], member=row["target"], perspective=row["perspective"]))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            ratings.remove_assignment(self._db, row["id"], self._user)
        except UserError as exc:
            QMessageBox.warning(self, _("Remove"), str(exc))
            return
        self._changed()

    def reopen(self) -> None:
        row = self._need_selection()
        if row is None:
            return
        if row["status"] != "submitted":
            QMessageBox.information(self, _("Reopen an evaluation"), _("Only a submitted evaluation can be reopened."))
            return
        if ReopenDialog(self._db, self._user, row, self).exec():
            self._changed()

    def _double_clicked(self, index) -> None:
        """On the member rated or a staff evaluator: their card; elsewhere on the row: the rating form."""
        from ui.overview.person_card import open_person_card

        person = {0: "target_staff_id", 2: "evaluator_staff_id"}.get(index.column())
        row = self.model.record_at(index.row()) if index.isValid() else None
        if row is not None and person and row[person] is not None:
            open_person_card(self, self._db, self._user, row[person])
        else:
            self.enter()

    def enter(self) -> None:
        row = self._need_selection()
        if row is None:
            return
        try:
            dialog = RatingDialog(self._db, self._user, row["id"], self)
        except UserError as exc:
            QMessageBox.warning(self, _("Rating form"), str(exc))
            return
        run_modal(dialog)
        if dialog.changed:
            self._changed()
