"""受講者アンケート: the questions of one training event, its answers read from a sheet, and the results.

Opened from the 研修 tab for the event chosen there. Top: the questions (up to five, answered 1–5)
with 保存 and 標準の設問; middle: 回答シートを出力 (a blank sheet with the questions as headers) and
回答を取り込む (the filled sheet, checked cell by cell, all or nothing); bottom: per question the mean,
the number of answers and how many gave 1 … 5, and the comments. Everything goes through
``app.training.surveys``; a viewer sees the results only.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QListWidget, QMessageBox, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from app.errors import UserError
from app.i18n import _
from app.register.accounts import User
from app.register.permissions import Action, allowed
from app.training import surveys
from ui.background import run_with_database
from ui.widgets.dialog_parts import ERROR_STYLE, fit_to_screen
from ui.widgets.table_model import RecordTableModel, record_table_view

SHEET_FILTER = "Excel (*.xlsx);;CSV (*.csv)"
ANSWER_FILTER = "CSV / Excel (*.csv *.txt *.xlsx);;All files (*)"


def _mean(row: dict) -> str:
    return f"{row['mean']:.2f}" if row["mean"] is not None else "—"


class SurveyDialog(QDialog):
    """The survey of ``event_id``: questions, import of the answers, results per question and comments."""

    def __init__(self, db: sqlite_utils.Database, user: User, event_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._event = db, user, event_id
        self._editable = allowed(user, Action.SURVEYS_EDIT)
        self.setObjectName("surveyDialog")
        self.setWindowTitle(_("Participant survey: {title}").format(title=surveys.event_title(db, event_id)))
        self.message = QLabel()
        self.message.setObjectName("surveyMessage")
        self.message.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        if self._editable:
            splitter.addWidget(self._questions_box())
        splitter.addWidget(self._results_box())
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.reload()
        fit_to_screen(self, 980, 640)

    # -- building -------------------------------------------------------------------------------------
    def _questions_box(self) -> QGroupBox:
        box = QGroupBox(_("Questions (answered 1 to 5; a comment column is always read)"))
        form = QFormLayout()
        self.question_edits = []
        for n in range(1, surveys.MAX_QUESTIONS + 1):
            edit = QLineEdit()
            edit.setObjectName(f"surveyQuestion{n}")
            self.question_edits.append(edit)
            form.addRow(f"Q{n}", edit)
        bar = QHBoxLayout()
        for text, name, slot in ((_("Use the usual questions"), "surveyDefaultQuestions", self.use_defaults),
                                 (_("Save the questions"), "surveySaveQuestions", self.save_questions),
                                 (_("Write an answer sheet…"), "surveyAnswerSheet", self.write_sheet),
                                 (_("Import answers…"), "surveyImport", self.choose_answers)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addLayout(bar)
        return box

    def _results_box(self) -> QGroupBox:
        box = QGroupBox(_("Results"))
        self.summary = QLabel()
        self.summary.setObjectName("surveySummary")
        columns = [("Q", lambda r: f"Q{r['position']}"), (_("Question"), lambda r: r["text"]),
                   (_("Mean"), _mean), (_("Answers"), lambda r: r["answers"])]
        columns += [(str(v), lambda r, v=v: r["distribution"][v]) for v in range(1, 6)]
        self.results_model = RecordTableModel(columns, box)
        self.results_view = record_table_view(self.results_model)
        self.results_view.setObjectName("surveyResults")
        header = self.results_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the question's text takes the width
        self.comments = QListWidget()
        self.comments.setObjectName("surveyComments")
        self.comments.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self.summary)
        layout.addWidget(self.results_view, 2)
        layout.addWidget(QLabel(_("Comments")))
        layout.addWidget(self.comments, 1)
        return box

    # -- reading --------------------------------------------------------------------------------------
    def reload(self) -> None:
        result = surveys.results(self._db, self._user, self._event)
        if self._editable:
            for edit, question in zip(self.question_edits, [q["text"] for q in result["questions"]] + [""] * 5):
                edit.setText(question)
        self.results_model.set_records(result["questions"])
        self.comments.clear()
        self.comments.addItems(result["comments"])
        self.summary.setText(_("{n} responses, {c} with a comment.").format(
            n=result["responses"], c=len(result["comments"])) if result["questions"] else
            (_("No questions yet: enter them above (or use the usual ones) and save.") if self._editable else
             _("This event has no survey yet.")))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    # -- actions --------------------------------------------------------------------------------------
    def use_defaults(self) -> None:
        for edit, text in zip(self.question_edits, surveys.default_questions() + [""] * 5):
            edit.setText(text)

    def save_questions(self) -> None:
        try:
            surveys.set_questions(self._db, self._user, self._event, [e.text() for e in self.question_edits])
        except UserError as exc:
            self._say(str(exc), True)
            return
        self._say(_("The questions were saved."))
        self.reload()

    def write_sheet(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Write an answer sheet"), _("answers.xlsx"), SHEET_FILTER)
        if path:
            self.write_sheet_to(Path(path))

    def write_sheet_to(self, path: Path) -> None:
        try:
            surveys.write_answer_sheet(self._db, self._user, self._event, path)
        except UserError as exc:
            self._say(str(exc), True)
            return
        self._say(_("Wrote the answer sheet {path}.").format(path=path))

    def choose_answers(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Import answers"), "", ANSWER_FILTER)
        if path:
            self.import_answers(Path(path))

    def import_answers(self, path: Path) -> None:
        """Check the sheet; with no error, confirm and import every response (or none)."""
        user, event = self._user, self._event
        try:
            preview = run_with_database(self, _("Checking the rows…"), self._db,
                                        lambda db: surveys.preview_file(db, user, event, path))
            if preview.errors:
                lines = [e.text(path.name) for e in preview.errors[:20]]
                self._say(_("{n} errors: nothing was imported.").format(n=preview.error_count) + "\n" +
                          "\n".join(lines), True)
                return
            answer = QMessageBox.question(self, _("Import answers"), _(
                "Import {n} responses from {file}?").format(n=len(preview.responses), file=path.name))
            if answer != QMessageBox.StandardButton.Yes:
                return
            run_with_database(self, _("Importing…"), self._db, lambda db: surveys.commit(db, user, preview))
        except UserError as exc:
            self._say(str(exc), True)
            return
        self._say(_("Imported {n} survey responses.").format(n=len(preview.responses)))
        self.reload()
