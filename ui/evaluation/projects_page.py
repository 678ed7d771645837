"""プロジェクト: the list of BPR projects with filters, and the selected project's outline, members,
sessions and external raters. Only administrators change anything; everyone else reads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.evaluation import project_list
from app.evaluation import projects
from app.evaluation import rubrics
from app.overview import setup_guide
from app.register.accounts import User
from app.errors import UserError
from app.formatting import format_number
from app.i18n import N_, _
from app.evaluation.project_list import (
    ProjectFilter,
    day_label,
    members_label,
    period_label,
    progress_label,
    realisation_label,
    role_label,
    status_label,
    year_label,
)
from ui.widgets.empty_hint import EmptyHint
from ui.widgets.table_model import RecordTableModel, record_table_view

MEMBER_FILE_FILTER = N_("Member lists (*.csv *.txt *.xlsx);;All files (*)")
OVERVIEW_FIELDS = [
    ("name", N_("Project name")), ("theme", N_("Theme")), ("fiscal_year", N_("Fiscal year")),
    ("owner_unit", N_("Owning section")), ("period", N_("Period")), ("status", N_("Project status")),
    ("realisation", N_("Degree of realisation")), ("decided", N_("Decided on / by")),
    ("hours_saved", N_("Hours saved per year")), ("procedures_online", N_("Procedures moved online")),
    ("systems_built", N_("Systems built")), ("town_outcomes", N_("The town's own outcome fields")),
    ("outcome_summary", N_("Outcome summary")),
    ("template", N_("Evaluation template")),
]


def _toolbar(entries: list[tuple[str, str, Callable[[], None]]], visible: bool) -> tuple[QToolBar, dict[str, QAction]]:
    """A row of actions; a tool bar folds what does not fit into a menu (narrow windows at 150 %)."""
    bar = QToolBar()
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    actions = {}
    for key, label, slot in entries:
        action = bar.addAction(label)
        action.setObjectName(f"project_{key}")
        action.triggered.connect(slot)
        actions[key] = action
    bar.setVisible(visible)
    return bar, actions


class ProjectsPage(QWidget):
    projects_changed = Signal()

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("projectsPage")
        self._db, self._user = db, user
        self._all: list[dict] = []
        self.current_id: int | None = None
        admin = user.is_admin

        self.toolbar, self.actions_by_key = _toolbar([
            ("new", _("New project…"), self.new_project), ("edit", _("Edit…"), self.edit_project)], admin)
        list_part = self._build_list(admin)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(list_part)
        self.splitter.addWidget(self._build_detail(admin))
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([400, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)
        self.reload()

    def _build_filters(self) -> QHBoxLayout:
        self.year_filter = QComboBox()
        self.year_filter.setObjectName("projectYearFilter")
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("projectStatusFilter")
        self.status_filter.addItem(_("All"), "")
        for key in projects.STATUSES:
            self.status_filter.addItem(status_label(key), key)
        self.search = QLineEdit()
        self.search.setObjectName("projectSearch")
        self.search.setPlaceholderText(_("Search by name or theme"))
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        for signal in (self.year_filter.currentIndexChanged, self.status_filter.currentIndexChanged,
                       self.search.textChanged):
            signal.connect(self.refresh_view)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Fiscal year")))
        filters.addWidget(self.year_filter)
        filters.addWidget(QLabel(_("Project status")))
        filters.addWidget(self.status_filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count_label)
        # 成果の集計 is for everyone who sees projects (viewers too), so it sits here, not on the tool bar.
        self.outcomes_button = QPushButton(_("Outcomes added up…"))
        self.outcomes_button.setObjectName("project_outcomes")
        self.outcomes_button.clicked.connect(self.show_outcomes)
        filters.addWidget(self.outcomes_button)
        return filters

    def _build_list(self, admin: bool) -> QWidget:
        """The filters over the project table."""
        filters = self._build_filters()
        self.model = RecordTableModel([
            (_("Project name"), lambda r: r["name"]), (_("Theme"), lambda r: r["theme"]),
            (_("Fiscal year"), lambda r: year_label(r["fiscal_year"])), (_("Owning section"), lambda r: r["owner_unit"]),
            (_("Project status"), lambda r: status_label(r["status"])), (_("Realisation"), lambda r: realisation_label(r["realisation"])),
            (_("Members"), members_label), (_("Ratings submitted"), progress_label),
        ], self)
        self.view = _compact(record_table_view(self.model))
        self.view.setObjectName("projectTable")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((260, 120, 90, 150, 70, 90, 170)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(lambda _index: self.edit_project() if admin else None)
        self.empty_hint = EmptyHint(self.view, lambda: setup_guide.empty_hint(self._db, self._user, "projects"),
                                    {"new_project": self.new_project})
        list_part = QWidget()
        list_layout = QVBoxLayout(list_part)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addLayout(filters)
        list_layout.addWidget(self.view, 1)
        self.view.setMinimumHeight(self.fontMetrics().height() * 4)
        return list_part

    def _build_detail(self, admin: bool) -> QWidget:
        """The chosen project: its title over the overview, members, sessions and external raters."""
        self.title = QLabel()
        self.title.setObjectName("projectTitle")
        self.title.setStyleSheet("font-size: 11pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("projectTabs")
        self.tabs.addTab(self._overview_tab(admin), _("Overview"))
        self.tabs.addTab(self._members_tab(admin), _("Members"))
        self.tabs.addTab(self._sessions_tab(admin), _("Sessions"))
        self.tabs.addTab(self._externals_tab(admin), _("External raters"))
        self.detail = QWidget()
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.setContentsMargins(0, 4, 0, 0)
        detail_layout.addWidget(self.title)
        detail_layout.addWidget(self.tabs, 1)
        return self.detail

    # -- tabs -------------------------------------------------------------------------------------
    def _overview_tab(self, admin: bool) -> QWidget:
        self.overview_labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, title in OVERVIEW_FIELDS:
            label = QLabel()
            label.setObjectName(f"overview_{key}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.overview_labels[key] = label
            form.addRow(_(title), label)
        # The 編集 button sits beside the fields rather than on a row of its own: height is short at 150 %.
        self.overview_edit = QPushButton(_("Edit…"))
        self.overview_edit.setObjectName("overviewEdit")
        self.overview_edit.clicked.connect(self.edit_project)
        self.overview_edit.setVisible(admin)
        body = QWidget()
        row = QHBoxLayout(body)
        row.addLayout(form, 1)
        row.addWidget(self.overview_edit, 0, Qt.AlignmentFlag.AlignTop)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(body)
        return area

    def _members_tab(self, admin: bool) -> QWidget:
        self.members_bar, actions = _toolbar([
            ("member_add", _("Add…"), self.add_member), ("member_role", _("Change role…"), self.change_role),
            ("member_remove", _("Take off the project"), self.remove_member),
            ("member_import", _("Import from CSV/Excel…"), lambda: self.import_members())], admin)
        self.actions_by_key.update(actions)
        self.members_model = RecordTableModel([
            (_("Name"), lambda m: m["name"]), (_("Reading"), lambda m: f"{m['family_reading']}\u3000{m['given_reading']}"),
            (_("Affiliation"), lambda m: m["unit"]), (_("Position"), lambda m: m["position"] or ""),
            (_("Project role"), lambda m: role_label(m["role"])), (_("Sessions attended"), lambda m: m["sessions_attended"]),
        ], self)
        self.members_view = _compact(record_table_view(self.members_model))
        self.members_view.setObjectName("memberTable")
        self.members_view.doubleClicked.connect(self._show_member_card)  # 役割の変更 is on the tool bar
        return self._tab(self.members_bar, self.members_view)

    def _sessions_tab(self, admin: bool) -> QWidget:
        self.sessions_bar, actions = _toolbar([
            ("session_add", _("Add…"), self.add_session), ("session_attendance", _("Edit attendance…"), self.edit_attendance),
            ("session_remove", _("Delete"), self.remove_session)], admin)
        self.actions_by_key.update(actions)
        self.sessions_model = RecordTableModel([
            (_("Date"), lambda s: day_label(s["held_on"])), (_("Title"), lambda s: s["title"]),
            (_("Hours"), lambda s: "" if s["hours"] is None else f"{s['hours']:g}"),
            (_("Attendees"), lambda s: s["attendees"]),
        ], self)
        self.sessions_view = _compact(record_table_view(self.sessions_model))
        self.sessions_view.setObjectName("sessionTable")
        self.sessions_view.doubleClicked.connect(lambda _index: self.edit_attendance() if admin else None)
        return self._tab(self.sessions_bar, self.sessions_view)

    def _externals_tab(self, admin: bool) -> QWidget:
        self.externals_bar, actions = _toolbar([
            ("external_new", _("Register and add…"), self.add_new_external),
            ("external_existing", _("Add a registered rater…"), self.add_existing_external),
            ("external_remove", _("Take off the project"), self.remove_external)], admin)
        self.actions_by_key.update(actions)
        self.externals_model = RecordTableModel([
            (_("Name"), lambda e: e["name"]), (_("Rater's organisation"), lambda e: e["organisation"]),
        ], self)
        self.externals_view = _compact(record_table_view(self.externals_model))
        self.externals_view.setObjectName("externalTable")
        return self._tab(self.externals_bar, self.externals_view)

    @staticmethod
    def _tab(bar: QToolBar, body: QWidget) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(bar)
        layout.addWidget(body, 1)
        return tab

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        """Other screens change ratings and the register: read again whenever the screen is shown."""
        if not event.spontaneous():
            self.reload()
        super().showEvent(event)

    # -- list ---------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the projects again (after a change here, an import or a restore)."""
        self._all = projects.list_projects(self._db, self._user)
        wanted = self.year_filter.currentData() if self.year_filter.count() else None
        self.year_filter.blockSignals(True)
        self.year_filter.clear()
        self.year_filter.addItem(_("All years"), None)
        for year in project_list.fiscal_years(self._all):
            self.year_filter.addItem(year_label(year), year)
        self.year_filter.setCurrentIndex(max(0, self.year_filter.findData(wanted)))
        self.year_filter.blockSignals(False)
        self.refresh_view()

    def current_filter(self) -> ProjectFilter:
        return ProjectFilter(self.year_filter.currentData(), self.status_filter.currentData() or "", self.search.text())

    def refresh_view(self) -> None:
        keep = self.current_id
        shown = project_list.filter_projects(self._all, self.current_filter())
        self.model.set_records(shown)
        self.count_label.setText(_("{shown} of {total} projects").format(
            shown=format_number(len(shown)), total=format_number(len(self._all))))
        ids = [r["id"] for r in shown]
        if keep in ids:
            self.view.selectRow(ids.index(keep))
        elif ids:
            self.view.selectRow(0)
        else:
            self.show_project(None)

    def visible_projects(self) -> list[dict]:
        return [self.model.record_at(r) for r in range(self.model.rowCount())]

    def select_project(self, project_id: int) -> None:
        """Show one project, clearing filters that hide it."""
        ids = [r["id"] for r in self.visible_projects()]
        if project_id not in ids:
            self.year_filter.setCurrentIndex(0)
            self.status_filter.setCurrentIndex(0)
            self.search.clear()
            ids = [r["id"] for r in self.visible_projects()]
        if project_id in ids:
            self.view.selectRow(ids.index(project_id))

    def _selection_changed(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        self.show_project(self.model.record_at(rows[0].row())["id"] if rows else None)

    # -- detail -------------------------------------------------------------------------------------
    def show_project(self, project_id: int | None) -> None:
        self.current_id = project_id
        self.detail.setEnabled(project_id is not None)
        self.actions_by_key["edit"].setEnabled(project_id is not None)
        if project_id is None:
            self.title.setText(_("Select a project."))
            for label in self.overview_labels.values():
                label.clear()
            for model in (self.members_model, self.sessions_model, self.externals_model):
                model.set_records([])
            return
        row = projects.project(self._db, project_id)
        self.title.setText(f"{row['name']}（{year_label(row['fiscal_year'])}）")
        texts = {
            "name": row["name"], "theme": row["theme"] or "—", "fiscal_year": year_label(row["fiscal_year"]),
            "owner_unit": project_list.unit_label(self._db, row["owner_unit_id"]) or "—",
            "period": period_label(row["starts_on"], row["ends_on"]), "status": status_label(row["status"]),
            "realisation": realisation_label(row["realisation"]),
            "decided": (f"{day_label(row['realisation_decided_on'])}　{row['realisation_decided_by']}".strip()
                        if row["realisation"] else "—"),
            "hours_saved": _number(row["hours_saved_per_year"], _("{n} hours")),
            "procedures_online": _number(row["procedures_online"], _("{n} procedures")),
            "systems_built": _number(row["systems_built"], _("{n} systems")),
            "outcome_summary": row["outcome_summary"] or "—", "template": self._template_label(row["template_id"]),
            "town_outcomes": self._town_outcomes_label(project_id),
        }
        for key, text in texts.items():
            self.overview_labels[key].setText(text)
        self.members_model.set_records(projects.members(self._db, self._user, project_id))
        self.sessions_model.set_records(projects.sessions(self._db, self._user, project_id))
        self.externals_model.set_records(projects.external_raters(self._db, project_id))

    def _town_outcomes_label(self, project_id: int) -> str:
        """「削減コスト 1,200千円、帳票 300枚」: the town's fields this project has a figure for."""
        from app.reporting import outcomes

        values = outcomes.project_values(self._db, self._user, project_id)
        parts = [f"{f.label} {format_number(values[f.field_id])} {f.unit}".rstrip()
                 for f in outcomes.town_fields(self._db, include_retired=True) if f.field_id in values]
        return "、".join(parts) or "—"

    def _template_label(self, template_id: int | None) -> str:
        row = next((t for t in rubrics.list_templates(self._db) if t["id"] == template_id), None)
        if row is None:
            return "—"
        return _("{name} (version {version})").format(name=row["name"], version=row["version"])

    def _changed(self, select: int | None = None) -> None:
        if select is not None:
            self.current_id = select
        self.reload()
        if select is not None:
            self.select_project(select)
        self.show_project(self.current_id)
        self.projects_changed.emit()

    def _need_project(self) -> int | None:
        if self.current_id is None:
            QMessageBox.information(self, _("Projects"), _("Select a project first."))
        return self.current_id

    @staticmethod
    def _selected(view: QTableView, model: RecordTableModel) -> dict | None:
        rows = view.selectionModel().selectedRows()
        return model.record_at(rows[0].row()) if rows else None

    def _need(self, view: QTableView, model: RecordTableModel, what: str) -> dict | None:
        record = self._selected(view, model)
        if record is None:
            QMessageBox.information(self, _("Projects"), what)
        return record

    def _refused(self, exc: UserError) -> None:
        QMessageBox.warning(self, _("Projects"), str(exc))

    # -- project actions ----------------------------------------------------------------------------
    def new_project(self) -> None:
        from ui.evaluation.project_dialogs import ProjectDialog

        dialog = ProjectDialog(self._db, self._user, parent=self)
        if dialog.exec():
            self._changed(select=dialog.project_id)

    def edit_project(self) -> None:
        from ui.evaluation.project_dialogs import ProjectDialog

        project_id = self._need_project()
        if project_id is not None and ProjectDialog(self._db, self._user, project_id, parent=self).exec():
            self._changed()

    def show_outcomes(self) -> None:
        """成果の集計: the sums per year, department and project with their chart; the form's fields may change."""
        from ui.evaluation.outcomes_view import OutcomesDialog

        OutcomesDialog(self._db, self._user, self).exec()
        self.show_project(self.current_id)

    # -- members ------------------------------------------------------------------------------------
    def add_member(self) -> None:
        from ui.evaluation.project_dialogs import AddMemberDialog

        project_id = self._need_project()
        if project_id is None:
            return
        dialog = AddMemberDialog(self._db, project_id, self._user, self)
        if not dialog.exec():
            return
        self._changed()
        if dialog.result_ is not None and dialog.result_.already:  # added meanwhile elsewhere: kept as they were
            QMessageBox.information(self, _("Add members"), _(
                "{added} added. Already on the project, left with their role: {names}").format(
                added=len(dialog.result_.added), names="、".join(dialog.result_.already)))

    def _show_member_card(self, index) -> None:
        from ui.overview.person_card import open_person_card, staff_id_at

        if open_person_card(self, self._db, self._user, staff_id_at(self.members_view, index)):
            self._changed()

    def change_role(self) -> None:
        from ui.evaluation.project_dialogs import RoleDialog

        member = self._need(self.members_view, self.members_model, _("Select a member first."))
        if member is None or self.current_id is None:
            return
        dialog = RoleDialog(member["name"], member["role"], self)
        if not dialog.exec() or dialog.chosen() == member["role"]:
            return
        try:
            projects.set_member_role(self._db, self.current_id, member["staff_id"], dialog.chosen(), self._user)
        except UserError as exc:
            self._refused(exc)
            return
        self._changed()

    def remove_member(self) -> None:
        member = self._need(self.members_view, self.members_model, _("Select a member first."))
        if member is None or self.current_id is None:
            return
        answer = QMessageBox.question(self, _("Remove a member"), _(
            "Take {name} off this project? Their attendance and rating assignments here are removed too.").format(
            name=member["name"]))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            projects.remove_member(self._db, self.current_id, member["staff_id"], self._user)
        except UserError as exc:
            self._refused(exc)
            return
        self._changed()

    def import_members(self, path: Path | None = None) -> None:
        """Read a member list (職員番号, optionally 役割), preview it, and import when it has no errors."""
        from ui.evaluation.project_dialogs import MemberImportDialog

        project_id = self._need_project()
        if project_id is None:
            return
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(self, _("Import members"), "", _(MEMBER_FILE_FILTER))
            if not chosen:
                return
            path = Path(chosen)
        try:
            preview = projects.preview_member_import(self._db, self._user, project_id, path)
        except UserError as exc:
            self._refused(exc)
            return
        if MemberImportDialog(self._db, project_id, preview, self._user, self).exec():
            self._changed()

    # -- sessions -----------------------------------------------------------------------------------
    def add_session(self) -> None:
        from ui.evaluation.project_dialogs import SessionDialog

        project_id = self._need_project()
        if project_id is not None and SessionDialog(self._db, project_id, self._user, parent=self).exec():
            self._changed()

    def edit_attendance(self) -> None:
        from ui.evaluation.project_dialogs import SessionDialog

        session = self._need(self.sessions_view, self.sessions_model, _("Select a session first."))
        if session is not None and self.current_id is not None and SessionDialog(
                self._db, self.current_id, self._user, session, self).exec():
            self._changed()

    def remove_session(self) -> None:
        session = self._need(self.sessions_view, self.sessions_model, _("Select a session first."))
        if session is None:
            return
        answer = QMessageBox.question(self, _("Delete a session"), _(
            "Delete the session {title} of {date} and its attendance record?").format(
            title=session["title"], date=day_label(session["held_on"])))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            projects.remove_session(self._db, session["id"], self._user)
        except UserError as exc:
            self._refused(exc)
            return
        self._changed()

    # -- external raters ----------------------------------------------------------------------------
    def add_new_external(self) -> None:
        from ui.evaluation.project_dialogs import NewExternalRaterDialog

        project_id = self._need_project()
        if project_id is not None and NewExternalRaterDialog(self._db, project_id, self._user, self).exec():
            self._changed()

    def add_existing_external(self) -> None:
        from ui.evaluation.project_dialogs import ExistingExternalRaterDialog

        project_id = self._need_project()
        if project_id is None:
            return
        attached = {r["id"] for r in projects.external_raters(self._db, project_id)}
        if not [r for r in projects.external_raters(self._db) if r["id"] not in attached]:
            QMessageBox.information(self, _("External raters"), _(
                "Every registered external rater is already on this project. Use “Register and add” for a new one."))
            return
        if ExistingExternalRaterDialog(self._db, project_id, self._user, self).exec():
            self._changed()

    def remove_external(self) -> None:
        rater = self._need(self.externals_view, self.externals_model, _("Select an external rater first."))
        if rater is None or self.current_id is None:
            return
        answer = QMessageBox.question(self, _("External raters"), _(
            "Take {name} off this project? Their rating assignments here are removed too.").format(name=rater["name"]))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            projects.detach_external_rater(self._db, self.current_id, rater["id"], self._user)
        except UserError as exc:
            self._refused(exc)
            return
        self._changed()


def _compact(view: QTableView) -> QTableView:
    """One line per row, so that a few rows still show on a short screen."""
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view


def _number(value: float | int | None, template: str) -> str:
    return "—" if value is None else template.format(n=format_number(value))
