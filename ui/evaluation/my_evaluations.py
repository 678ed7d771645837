"""自分の評価: the logged-in evaluator's own assignments beside the rating form.

The list comes from evaluations.my_assignments with the logged-in user, so it
can only ever hold that person's assignments; nothing here reads anyone else's.
"""

from __future__ import annotations

import sqlite_utils
from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QMessageBox, QSplitter, QVBoxLayout, QWidget

from app.evaluation import ratings
from app.register.accounts import User
from app.errors import UserError
from app.i18n import _
from ui.evaluation.tables import ATTENTION, DONE, TintedTableModel, fit_columns, status_label, tinted_table
from ui.evaluation.rating_form import RatingForm


def status_tint(row: dict, _column: int):
    return {"submitted": DONE, "draft": ATTENTION}.get(row["status"])


class MyEvaluationsTab(QWidget):
    """The own assignments on the left, the form of the chosen one on the right."""

    changed = Signal()  # a draft was saved or an evaluation submitted

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._rows: list[dict] = []
        self.summary = QLabel()
        self.summary.setObjectName("myProgress")
        self.summary.setWordWrap(True)
        self.open_only = QCheckBox(_("Only those not yet submitted"))
        self.open_only.toggled.connect(lambda _checked: self.reload())
        self.model = TintedTableModel([
            (_("Member rated"), lambda r: r["target"]),
            (_("Perspective"), lambda r: r["perspective"]),
            (_("State"), status_label),
            (_("Project"), lambda r: r["project"]),  # last: it stretches, and is elided in narrow windows
        ], status_tint, self)
        self.view = tinted_table(self.model, "myAssignments")
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.form = RatingForm(db, user)
        self.form.saved.connect(self._saved)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.open_only)
        left_layout.addWidget(self.view, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.form)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([380, 620])
        left.setMinimumWidth(200)
        self.form.setMinimumWidth(300)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    def reload(self) -> None:
        """Read the own assignments again, keeping the open form (and any unsaved input) as it is."""
        everything = ratings.my_assignments(self._db, self._user)
        done = sum(1 for r in everything if r["status"] == "submitted")
        self.summary.setText(_("Your evaluations: {done} of {total} submitted.").format(done=done, total=len(everything))
                             if everything else _("You have no evaluations to enter."))
        self._rows = [r for r in everything if r["status"] != "submitted"] if self.open_only.isChecked() else everything
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        self.model.set_records(self._rows)
        selection.blockSignals(False)
        fit_columns(self.view, 180)
        self.view.setColumnWidth(3, 80)  # the project column takes what is left
        current = self.form.assignment_id
        if current is not None:
            self._select(current)
            stored = next((r for r in everything if r["id"] == current), None)
            if stored is not None and self.form.form is not None and not self.form.is_dirty() \
                    and stored["status"] != self.form.form.assignment["status"]:
                self.form.load(current)  # reopened by the administrator, or entered on a paper form

    def assignment_ids(self) -> list[int]:
        return [r["id"] for r in self._rows]

    def _row_of(self, assignment_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r["id"] == assignment_id), None)

    def _select(self, assignment_id: int | None) -> None:
        """Select a row without asking anything (used to put the selection back)."""
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        selection.clearSelection()
        row = self._row_of(assignment_id) if assignment_id is not None else None
        if row is not None:
            selection.select(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                             | QItemSelectionModel.SelectionFlag.Rows)
            selection.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.blockSignals(False)
        self.view.viewport().update()

    def open_assignment(self, assignment_id: int) -> bool:
        """Select an assignment and open its form (asks first when the open one has unsaved changes)."""
        row = self._row_of(assignment_id)
        if row is None:
            return False
        self.view.selectRow(row)
        return self.form.assignment_id == assignment_id

    def _selection_changed(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        wanted = self._rows[rows[0].row()]["id"]
        if wanted == self.form.assignment_id:
            return
        if not self.form.confirm_leave():
            self._select(self.form.assignment_id)
            return
        try:
            self.form.load(wanted)
        except UserError as exc:
            QMessageBox.warning(self, _("Evaluations"), str(exc))
            self.form.clear()
        self._select(wanted)  # saving the previous one reloaded the list and moved the selection back

    def _saved(self, _assignment_id: int) -> None:
        self.reload()
        self.changed.emit()
