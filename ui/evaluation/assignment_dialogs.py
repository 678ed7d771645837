"""Dialogs of the evaluator assignment tab: suggestions preview, add one, reopen with a reason."""

from __future__ import annotations

import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.evaluation import summary
from app.evaluation import ratings
from app.evaluation import projects
from app.evaluation import rubrics
from app.staff import directory
from app.register.accounts import User
from app.errors import UserError
from app.evaluation.ratings import Evaluator, Proposal
from app.i18n import N_, _
from app.evaluation.projects import RATED_ROLES
from ui.widgets.dialog_parts import ERROR_STYLE, fit_to_screen
from ui.widgets.form_dialog import FormDialog

MAX_STAFF_SHOWN = 50
PUBLISHED_WARNING = N_("Viewers already see the result of this member and perspective. If a rater is added or a "
                       "rating changed now, the way the published figure moves may reveal that one rating.")


def _warning_label() -> QLabel:
    """The publication rule's known limit, said where the administrator is about to hit it."""
    label = QLabel()
    label.setObjectName("publishedWarning")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class SuggestionsDialog(FormDialog):
    """The rule-based proposals with a check box each; only the checked ones are created."""

    def __init__(self, db: sqlite_utils.Database, user: User, project_id: int, proposals: list[Proposal],
                 parent: QWidget | None = None, notes: list[str] | None = None) -> None:
        self._db, self._user, self._project_id = db, user, project_id
        self.proposals = proposals
        self.applied = 0
        self._notes = list(notes or [])
        self._published = summary.published_groups(db, user, project_id)
        super().__init__(_("Suggested evaluators"), parent, ok_text=_("Apply the ticked ones"))
        self._count()
        fit_to_screen(self, 720, 560)

    def build(self, layout: QVBoxLayout) -> None:
        intro = QLabel(_("These assignments follow the rules (owners or the owning section's executives rate the "
                         "policy view, members rate each other's leadership, the digital department and the "
                         "project's external raters rate ICT). Untick any you do not want, then apply."))
        intro.setWordWrap(True)
        self._build_table()
        all_button = QPushButton(_("Tick all"))
        all_button.clicked.connect(lambda: self.set_all(True))
        none_button = QPushButton(_("Untick all"))
        none_button.clicked.connect(lambda: self.set_all(False))
        self.count_label = QLabel()
        tools = QHBoxLayout()
        tools.addWidget(all_button)
        tools.addWidget(none_button)
        tools.addWidget(self.count_label, 1)
        layout.addWidget(intro)
        layout.addWidget(self._build_notes())
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)

    def _build_notes(self) -> QLabel:
        """What the rules could not find (a closed digital department, a view nobody can rate)."""
        notes = self._notes
        late = sum(1 for p in self.proposals if (p.target_staff_id, p.perspective_id) in self._published)
        if late:
            notes.append(_("{n} of these would add a rater to a result that viewers already see; they are unticked: "
                           "the way the published figure moves would reveal the new rating.").format(n=late))
        self.notes_label = QLabel("\n".join(notes))
        self.notes_label.setObjectName("suggestionNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet(ERROR_STYLE)
        self.notes_label.setVisible(bool(notes))
        return self.notes_label

    def _build_table(self) -> None:
        """One row a proposal; those that would move a published figure start unticked."""
        db, user, project_id, proposals, published = (self._db, self._user, self._project_id, self.proposals,
                                                      self._published)
        template = rubrics.load_template(db, projects.project(db, project_id)["template_id"])
        perspective_names = {p.id: p.name for p in template.perspectives}
        people = {m["staff_id"]: m["name"] for m in projects.members(db, user, project_id)}
        names: dict[str, str] = {}
        self.table = QTableWidget(len(proposals), 4)
        self.table.setObjectName("suggestionsTable")
        self.table.setHorizontalHeaderLabels([_("Member rated"), _("Perspective"), _("Evaluator"), _("Rated as")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for row, proposal in enumerate(proposals):
            key = proposal.evaluator.key
            if key not in names:
                names[key] = ratings.evaluator_name(db, proposal.evaluator)
            first = QTableWidgetItem(people.get(proposal.target_staff_id, "?"))
            first.setFlags(first.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            late = (proposal.target_staff_id, proposal.perspective_id) in published
            first.setCheckState(Qt.CheckState.Unchecked if late else Qt.CheckState.Checked)
            self.table.setItem(row, 0, first)
            self.table.setItem(row, 1, QTableWidgetItem(perspective_names.get(proposal.perspective_id, "?")))
            self.table.setItem(row, 2, QTableWidgetItem(names[key]))
            self.table.setItem(row, 3, QTableWidgetItem(_(rubrics.EVALUATOR_KINDS[proposal.kind])))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.itemChanged.connect(lambda _item: self._count())

    def set_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for row in range(self.table.rowCount()):
            self.table.item(row, 0).setCheckState(state)

    def set_checked(self, row: int, checked: bool) -> None:
        self.table.item(row, 0).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen(self) -> list[Proposal]:
        return [p for row, p in enumerate(self.proposals)
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    def _count(self) -> None:
        self.count_label.setText(_("{chosen} of {total} ticked").format(chosen=len(self.chosen()),
                                                                         total=len(self.proposals)))

    def apply(self) -> None:
        chosen = self.chosen()
        if not chosen:
            raise UserError(_("Tick at least one assignment, or cancel."))
        self.applied = ratings.apply_suggestions(self._db, self._project_id, self._user, chosen)


class AddAssignmentDialog(FormDialog):
    """One evaluator for one member and perspective: a staff member or one of the project's external raters."""

    def __init__(self, db: sqlite_utils.Database, user: User, project_id: int, parent: QWidget | None = None) -> None:
        self._db, self._user, self._project_id = db, user, project_id
        self.assignment_id: int | None = None
        self.template = rubrics.load_template(db, projects.project(db, project_id)["template_id"])
        self._people = projects.members(db, user, project_id)
        self._directory = [r for r in directory.load_directory(db, user) if r.status != "retired"]
        self._project_people = [p["staff_id"] for p in self._people]
        self._published = summary.published_groups(db, user, project_id)
        super().__init__(_("Add an evaluator"), parent)
        self._fill_staff()
        self._evaluator_type_changed()
        self._update_warning()
        fit_to_screen(self, 560, 480)

    def build(self, layout: QVBoxLayout) -> None:
        self._build_rated()
        self._build_evaluator()
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        self.published_warning = _warning_label()
        self.member.currentIndexChanged.connect(self._update_warning)
        self.perspective.currentIndexChanged.connect(self._update_warning)
        form = QFormLayout()
        form.addRow(_("Member rated"), self.member)
        form.addRow(_("Perspective"), self.perspective)
        who = QHBoxLayout()
        who.addWidget(self.is_staff)
        who.addWidget(self.is_external)
        who.addStretch(1)
        form.addRow(_("Evaluator"), who)
        form.addRow("", self.search)
        form.addRow("", self.staff_list)
        form.addRow("", self.external)
        form.addRow(_("Rated as"), self.kind)
        layout.addLayout(form, 1)
        layout.addWidget(self.published_warning)

    def _build_rated(self) -> None:
        """Who is rated, and on which perspective."""
        people = self._people
        self.member = QComboBox()
        self.member.setObjectName("member")
        for person in people:
            if person["role"] in RATED_ROLES:
                self.member.addItem(f"{person['name']}（{_(projects.ROLES[person['role']])}）", person["staff_id"])
        self.perspective = QComboBox()
        self.perspective.setObjectName("perspective")
        for perspective in self.template.perspectives:
            self.perspective.addItem(perspective.name, perspective.id)
        self.perspective.currentIndexChanged.connect(self._fill_kinds)

    def _build_evaluator(self) -> None:
        """A staff member found by search, or one of the project's external raters."""
        self.is_staff = QRadioButton(_("Staff member"))
        self.is_external = QRadioButton(_("External rater of the project"))
        group = QButtonGroup(self)
        group.addButton(self.is_staff)
        group.addButton(self.is_external)
        self.is_staff.setChecked(True)
        self.search = QLineEdit()
        self.search.setObjectName("staffSearch")
        self.search.setPlaceholderText(_("Search by name, reading or staff no."))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._fill_staff)
        self.staff_list = QListWidget()
        self.staff_list.setObjectName("staffList")
        self.staff_list.setMinimumHeight(self.fontMetrics().height() * 5)
        self.external = QComboBox()
        self.external.setObjectName("external")
        for rater in projects.external_raters(self._db, self._project_id):
            label = f"{rater['name']}（{rater['organisation']}）" if rater["organisation"] else rater["name"]
            self.external.addItem(label, rater["id"])
        if self.external.count() == 0:
            self.is_external.setEnabled(False)
            self.is_external.setToolTip(_("The project has no external raters."))
        self.is_staff.toggled.connect(self._evaluator_type_changed)

    def _update_warning(self) -> None:
        shown = (self.member.currentData(), self.perspective.currentData()) in self._published
        self.published_warning.setText(_(PUBLISHED_WARNING) if shown else "")
        self.published_warning.setVisible(shown)

    def _fill_staff(self) -> None:
        """Without a search, the project's own people first: they are the usual evaluators."""
        query = self.search.text()
        if query.strip():
            rows = directory.filter_rows(self._directory, query)[:MAX_STAFF_SHOWN]
        else:
            by_id = {r.id: r for r in self._directory}
            rows = [by_id[i] for i in self._project_people if i in by_id]
        self.staff_list.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.name}（{row.staff_no}） {row.section} {row.position}".strip())
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.staff_list.addItem(item)

    def _evaluator_type_changed(self) -> None:
        staff_chosen = self.is_staff.isChecked()
        self.search.setVisible(staff_chosen)
        self.staff_list.setVisible(staff_chosen)
        self.external.setVisible(not staff_chosen)
        self._fill_kinds()

    def _fill_kinds(self) -> None:
        perspective = self.template.perspective(self.perspective.currentData())
        kinds = [k for k in perspective.rater_kinds if perspective.criteria_for(k)]
        self.kind.clear()
        for kind in kinds:
            self.kind.addItem(_(rubrics.EVALUATOR_KINDS[kind]), kind)
        preferred = "external" if self.is_external.isChecked() else None
        if preferred and preferred in kinds:
            self.kind.setCurrentIndex(kinds.index(preferred))

    def choose_staff(self, staff_id: int) -> bool:
        """Select a staff member in the list (searching by number when they are not listed)."""
        for row in range(self.staff_list.count()):
            if self.staff_list.item(row).data(Qt.ItemDataRole.UserRole) == staff_id:
                self.staff_list.setCurrentRow(row)
                return True
        return False

    def evaluator(self) -> Evaluator | None:
        if self.is_external.isChecked():
            return Evaluator(external_id=self.external.currentData()) if self.external.currentData() else None
        item = self.staff_list.currentItem()
        return Evaluator(staff_id=item.data(Qt.ItemDataRole.UserRole)) if item else None

    def apply(self) -> None:
        evaluator = self.evaluator()
        if self.member.currentData() is None:
            raise UserError(_("The project has no members to rate."))
        if evaluator is None:
            raise UserError(_("Choose the evaluator."))
        self.assignment_id = ratings.add_assignment(
            self._db, self._project_id, self.member.currentData(), self.perspective.currentData(), evaluator,
            self.kind.currentData(), self._user)


class ReopenDialog(FormDialog):
    """Reopen a submitted evaluation; the reason goes into the audit log."""

    def __init__(self, db: sqlite_utils.Database, user: User, assignment: dict, parent: QWidget | None = None) -> None:
        self._db, self._user, self._assignment = db, user, assignment
        super().__init__(_("Reopen an evaluation"), parent, ok_text=_("Reopen"))
        self.setMinimumWidth(420)

    def build(self, layout: QVBoxLayout) -> None:
        db, user, assignment = self._db, self._user, self._assignment
        intro = QLabel(_("Reopen the evaluation of {member} ({perspective}) by {evaluator}? It becomes a draft again "
                         "and can be corrected and submitted anew. The reason is kept in the audit log.").format(
            member=assignment["target"], perspective=assignment["perspective"], evaluator=assignment["evaluator"]))
        intro.setWordWrap(True)
        self.published_warning = _warning_label()
        published = (assignment["target_staff_id"], assignment["perspective_id"]) in \
            summary.published_groups(db, user, assignment["project_id"])
        self.published_warning.setText(_(PUBLISHED_WARNING) if published else "")
        self.published_warning.setVisible(published)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(_("e.g. a score was entered for the wrong member"))
        form = QFormLayout()
        form.addRow(_("Reason"), self.reason)
        layout.addWidget(intro)
        layout.addWidget(self.published_warning)
        layout.addLayout(form)

    def apply(self) -> None:
        ratings.reopen(self._db, self._user, self._assignment["id"], self.reason.text())
