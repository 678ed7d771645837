"""The rating form: every criterion with the written anchor of every score in view while rating.

Raters judge against the anchors, not against a bare number, so all of them
stay listed beside the choice and the chosen one is highlighted. A submitted
evaluation is shown read-only: only the administrator can reopen it.
"""

from __future__ import annotations

import sqlite_utils
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.evaluation import ratings
from app.register.accounts import User
from app.errors import UserError
from app.evaluation.ratings import Answer, EvaluationForm
from app.i18n import _
from app.evaluation.rubrics import CriterionSpec
from ui.evaluation.tables import kind_label, status_label

CHOSEN_STYLE = "QFrame#anchor { background: #fff1c2; border: 1px solid #d39e00; border-radius: 3px; }"
PLAIN_STYLE = "QFrame#anchor { border: 1px solid transparent; }"


class AnchorRow(QFrame):
    """One score: the radio button and its written descriptor; a click anywhere on the row chooses it."""

    def __init__(self, score: int, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("anchor")
        self.score = score
        self.radio = QRadioButton(str(score))
        self.radio.setObjectName(f"score_{score}")
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.radio, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        self.set_chosen(False)

    def set_chosen(self, chosen: bool) -> None:
        self.setStyleSheet(CHOSEN_STYLE if chosen else PLAIN_STYLE)
        font = self.label.font()
        font.setBold(chosen)
        self.label.setFont(font)

    @property
    def chosen(self) -> bool:
        return self.radio.isChecked()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.radio.isEnabled():
            self.radio.setChecked(True)
        super().mousePressEvent(event)


class CriterionBox(QGroupBox):
    """A criterion: its name and description, the anchored scores, a comment."""

    changed = Signal()

    def __init__(self, number: int, criterion: CriterionSpec, answer: Answer | None, editable: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"{number}. {criterion.name}", parent)
        self.criterion = criterion
        self.setObjectName(f"criterion_{criterion.id}")
        layout = QVBoxLayout(self)
        if criterion.description:
            description = QLabel(criterion.description)
            description.setWordWrap(True)
            description.setStyleSheet("color: #444;")
            layout.addWidget(description)
        self.group = QButtonGroup(self)
        self.rows: dict[int, AnchorRow] = {}
        # Highest first: the best description on top, as on the paper sheets.
        for score in reversed(criterion.scores):
            row = AnchorRow(score, criterion.descriptors.get(score, ""))
            row.radio.setEnabled(editable)
            self.group.addButton(row.radio, score)
            self.rows[score] = row
            layout.addWidget(row)
        if answer is not None and answer.score in self.rows:
            self.rows[answer.score].radio.setChecked(True)
        self.group.idToggled.connect(self._toggled)
        self.comment = QPlainTextEdit(answer.comment if answer else "")
        self.comment.setObjectName(f"comment_{criterion.id}")
        if editable:
            self.comment.setPlaceholderText(_("Comment (optional): what you saw that supports the score"))
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.comment.setReadOnly(not editable)
        self.comment.textChanged.connect(self.changed)
        layout.addWidget(self.comment)
        self._refresh_highlight()

    def _toggled(self, _score: int, _checked: bool) -> None:
        self._refresh_highlight()
        self.changed.emit()

    def _refresh_highlight(self) -> None:
        for row in self.rows.values():
            row.set_chosen(row.chosen)

    @property
    def score(self) -> int | None:
        chosen = self.group.checkedId()
        return chosen if chosen in self.rows else None

    def set_score(self, score: int) -> None:
        self.rows[score].radio.setChecked(True)

    def answer(self) -> Answer:
        return Answer(self.score, self.comment.toPlainText().strip())


class RatingForm(QWidget):
    """Enter, save and submit one assignment; shows read-only once submitted."""

    saved = Signal(int)  # the assignment id, after a draft was saved or the evaluation submitted
    dirty_changed = Signal(bool)

    def __init__(self, db: sqlite_utils.Database, user: User, source: str = "app",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._source = db, user, source
        self.form: EvaluationForm | None = None
        self.boxes: dict[int, CriterionBox] = {}
        self._baseline: dict[int, Answer] = {}
        self._was_dirty = False

        self.heading = QLabel()
        self.heading.setObjectName("ratingHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-weight: bold;")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("ratingNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("background: #e8f0fe; padding: 4px; border-radius: 3px;")
        self.note.hide()
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 4, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.body)
        self.progress = QLabel()
        self.save_button = QPushButton(_("Save draft"))
        self.save_button.setObjectName("saveDraft")
        self.save_button.clicked.connect(self.save_draft)
        self.submit_button = QPushButton(_("Submit…"))
        self.submit_button.setObjectName("submitEvaluation")
        self.submit_button.clicked.connect(self.submit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        layout.addWidget(self.note)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(buttons)
        self.clear()

    # -- showing ---------------------------------------------------------------------
    @property
    def assignment_id(self) -> int | None:
        return self.form.assignment["id"] if self.form else None

    @property
    def editable(self) -> bool:
        return self.form is not None and self.form.editable

    def clear(self, message: str | None = None) -> None:
        """No assignment open: say what to do instead of showing an empty form."""
        self.form = None
        self._clear_boxes()
        self.heading.setText(message or _("Choose an evaluation from the list to open its form."))
        self.details.clear()
        self.note.hide()
        self.progress.clear()
        self.save_button.setEnabled(False)
        self.submit_button.setEnabled(False)
        self._set_dirty(False)

    def _clear_boxes(self) -> None:
        for box in self.boxes.values():
            box.setParent(None)
            box.deleteLater()
        self.boxes = {}
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()

    def load(self, assignment_id: int) -> None:
        """Open an assignment through the service, which refuses anyone but its evaluator or the administrator."""
        self.form = ratings.open_form(self._db, self._user, assignment_id)
        self._show()

    def _show(self) -> None:
        form = self.form
        assert form is not None
        row = form.assignment
        self._clear_boxes()
        self.heading.setText(_("{member} — {perspective}").format(member=row["target"], perspective=row["perspective"]))
        status = status_label(row)
        self.details.setText(_("Project: {project}\nRated as: {kind} · Status: {status}").format(
            project=row["project"], kind=kind_label(row), status=status))
        note = ""
        if not form.editable:
            note = (_("This evaluation has been submitted and can no longer be changed. To correct it, "
                      "reopen it on the Evaluator assignments tab.") if self._user.is_admin else
                    _("This evaluation has been submitted and can no longer be changed. If it needs a correction, "
                      "ask the administrator (the IT officer) to reopen it."))
        elif self._source == "paper":
            note = _("Entering a paper form on behalf of {evaluator}. The entry is recorded as a paper form in the "
                     "audit log.").format(evaluator=row["evaluator"])
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.boxes = {}
        for number, criterion in enumerate(form.criteria, start=1):
            box = CriterionBox(number, criterion, form.answers.get(criterion.id), form.editable)
            box.changed.connect(self._changed)
            self.boxes[criterion.id] = box
            self.body_layout.addWidget(box)
            if self.isVisible():
                # Show it now, not on the next event-loop turn. A form not yet shown (the paper-entry
                # dialog before exec) must not hide its boxes explicitly: they would stay hidden.
                box.show()
        self.body_layout.addStretch(1)
        self._baseline = self.answers()
        self.save_button.setEnabled(form.editable)
        self.submit_button.setEnabled(form.editable)
        self.body_layout.activate()  # size the scrolled body now, so the first paint is not squeezed
        self.scroll.verticalScrollBar().setValue(0)
        self._changed()

    def answers(self) -> dict[int, Answer]:
        return {criterion_id: box.answer() for criterion_id, box in self.boxes.items()}

    def chosen_descriptor(self, criterion_id: int) -> str:
        """The anchor text of the chosen score ('' when none is chosen)."""
        box = self.boxes[criterion_id]
        return box.rows[box.score].label.text() if box.score is not None else ""

    def set_score(self, criterion_id: int, score: int) -> None:
        self.boxes[criterion_id].set_score(score)

    def set_comment(self, criterion_id: int, text: str) -> None:
        self.boxes[criterion_id].comment.setPlainText(text)

    def is_dirty(self) -> bool:
        return self.editable and self.answers() != self._baseline

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._was_dirty:
            self._was_dirty = dirty
            self.dirty_changed.emit(dirty)

    def _changed(self) -> None:
        answered = sum(1 for box in self.boxes.values() if box.score is not None)
        text = _("{answered} of {total} criteria scored").format(answered=answered, total=len(self.boxes))
        if self.is_dirty():
            text += _(" · unsaved changes")
        self.progress.setText(text)
        self._set_dirty(self.is_dirty())

    # -- saving ----------------------------------------------------------------------
    def save_draft(self) -> bool:
        return self._save(submit=False)

    def submit(self) -> bool:
        """Submit after a confirmation that says the evaluation is then locked."""
        if not self.editable:
            return False
        missing = [box.criterion.name for box in self.boxes.values() if box.score is None]
        if missing:
            QMessageBox.warning(self, _("Submit"), _("Give a score for every criterion before submitting: {names}").format(
                names="、".join(missing)))
            return False
        answer = QMessageBox.question(self, _("Submit"), _(
            "Submit this evaluation?\nAfter submitting it is locked and can no longer be changed; "
            "only the administrator can reopen it."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self._save(submit=True)

    def _save(self, submit: bool) -> bool:
        if not self.editable:
            return False
        assignment_id = self.assignment_id
        assert assignment_id is not None
        try:
            ratings.save_answers(self._db, self._user, assignment_id, self.answers(), submit=submit,
                                     source=self._source)
        except UserError as exc:
            QMessageBox.warning(self, _("Submit") if submit else _("Save draft"), str(exc))
            return False
        self.load(assignment_id)
        self.progress.setText(_("Submitted.") if submit else _("Draft saved."))
        self.saved.emit(assignment_id)
        return True

    def confirm_leave(self) -> bool:
        """Before another assignment replaces this one: save, discard or stay. True when it may go."""
        if not self.is_dirty():
            return True
        box = QMessageBox(QMessageBox.Icon.Question, _("Unsaved changes"), _(
            "The evaluation of {member} has unsaved changes. Save them as a draft first?").format(
                member=self.form.assignment["target"] if self.form else ""), parent=self)
        save = box.addButton(_("Save draft"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(_("Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(_("Stay here"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        clicked = box.clickedButton()
        if clicked is save:
            return self.save_draft()
        return clicked is discard


class RatingDialog(QDialog):
    """The administrator enters a paper form on an evaluator's behalf (or reads a submitted one)."""

    def __init__(self, db: sqlite_utils.Database, user: User, assignment_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Rating form"))
        self.form = RatingForm(db, user, source="paper")
        self.form.load(assignment_id)
        self.changed = False
        self.form.saved.connect(self._saved)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form, 1)
        layout.addLayout(row)
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 760, 680
        if screen is not None:
            width, height = min(width, int(screen.width() * 0.9)), min(height, int(screen.height() * 0.9))
        self.resize(width, height)

    def _saved(self, _assignment_id: int) -> None:
        self.changed = True

    def reject(self) -> None:
        if self.form.confirm_leave():
            super().reject()
