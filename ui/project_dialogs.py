"""Dialogs of the プロジェクト screen: the project form, choosing staff, roles, member import, sessions, raters.

Each dialog calls the service itself on OK and stays open with the service's message when it refuses,
so that nothing typed is lost.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import project_list, projects, rubrics, staff, staff_edit
from app.accounts import User
from app.errors import UserError
from app.formatting import format_number
from app.i18n import _
from app.project_list import optional_number, role_label
from app.projects import MemberImportPreview, ProjectInput
from app.staff import StaffRow
from app.wareki import display_date, fiscal_year, format_fiscal_year
from ui.dialog_parts import error_label, fit_to_screen, ok_cancel
from ui.staff_model import StaffTableModel
from ui.table_model import RecordTableModel, record_table_view
from ui.wareki_date import DateEdit


# -- the project ---------------------------------------------------------------------------------

class ProjectDialog(QDialog):
    """Create (project_id None) or edit a project; the form scrolls when the screen is small."""

    def __init__(self, db: sqlite_utils.Database, user: User, project_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self.project_id = db, user, project_id
        self.setWindowTitle(_("New project") if project_id is None else _("Edit project"))
        current = projects.project_input(db, project_id) if project_id is not None else None
        this_year = fiscal_year(date.today())

        self.name = QLineEdit()
        self.name.setObjectName("projectName")
        self.theme = QLineEdit()
        self.theme.setObjectName("projectTheme")
        self.fiscal_year = QComboBox()
        self.fiscal_year.setObjectName("projectYear")
        years = set(range(this_year - 6, this_year + 3)) | ({current.fiscal_year} if current else set())
        for year in sorted(years, reverse=True):
            self.fiscal_year.addItem(f"{format_fiscal_year(year)}（{year}）", year)
        self.owner_unit = QComboBox()
        self.owner_unit.setObjectName("projectUnit")
        self.owner_unit.setMaxVisibleItems(20)
        self.owner_unit.setMinimumContentsLength(12)
        self.owner_unit.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.owner_unit.addItem(_("(none)"), None)
        for unit_id, label in staff_edit.org_units(db):
            self.owner_unit.addItem(label, unit_id)
        self.starts_on = DateEdit(optional=True, field=_("Starts on"))
        self.ends_on = DateEdit(optional=True, field=_("Ends on"))
        self.status = QComboBox()
        self.status.setObjectName("projectStatus")
        for key, label in projects.STATUSES.items():
            self.status.addItem(_(label), key)
        self.realisation = QComboBox()
        self.realisation.setObjectName("projectRealisation")
        self.realisation.addItem(_("Not decided"), None)
        for key, label in projects.REALISATION.items():
            self.realisation.addItem(_(label), key)
        self.decided_on = DateEdit(field=_("Decided on"))
        self.decided_by = QLineEdit()
        self.decided_by.setObjectName("decidedBy")
        self.decided_by.setPlaceholderText(_("e.g. 市長・副市長・部長会議"))
        self.realisation.currentIndexChanged.connect(self._realisation_changed)
        self.hours_saved, self.procedures_online, self.systems_built = QLineEdit(), QLineEdit(), QLineEdit()
        for edit, name in ((self.hours_saved, "hoursSaved"), (self.procedures_online, "proceduresOnline"),
                           (self.systems_built, "systemsBuilt")):
            edit.setObjectName(name)
            edit.setPlaceholderText(_("empty = not known"))
            edit.setMaximumWidth(160)
        self.outcome_summary = QPlainTextEdit()
        self.outcome_summary.setObjectName("outcomeSummary")
        self.outcome_summary.setTabChangesFocus(True)
        self.outcome_summary.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.template = QComboBox()
        self.template.setObjectName("projectTemplate")
        self._fill_templates(current.template_id if current else None)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("Project name"), self.name)
        form.addRow(_("Theme"), self.theme)
        form.addRow(_("Fiscal year"), self.fiscal_year)
        form.addRow(_("Owning section"), self.owner_unit)
        form.addRow(_("Starts on"), self.starts_on)
        form.addRow(_("Ends on"), self.ends_on)
        form.addRow(_("Project status"), self.status)
        form.addRow(_("Degree of realisation"), self.realisation)
        form.addRow(_("Decided on"), self.decided_on)
        form.addRow(_("Decided by"), self.decided_by)
        form.addRow(_("Hours saved per year"), self.hours_saved)
        form.addRow(_("Procedures moved online"), self.procedures_online)
        form.addRow(_("Systems built"), self.systems_built)
        form.addRow(_("Outcome summary"), self.outcome_summary)
        form.addRow(_("Evaluation template"), self.template)
        body = QWidget()
        body.setLayout(form)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(body)
        self.error_label = error_label()
        # 「プロジェクト名を入力してください」 goes as soon as a name is typed, not at the next 保存.
        self.name.textChanged.connect(self._name_edited)
        self.buttons = ok_cancel(self, self._save)
        layout = QVBoxLayout(self)
        layout.addWidget(area, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        if current is not None:
            self._load(current)
        else:
            self.fiscal_year.setCurrentIndex(max(0, self.fiscal_year.findData(this_year)))
        self._realisation_changed()
        fit_to_screen(self, 620, 700)

    def _fill_templates(self, selected: int | None) -> None:
        templates = rubrics.list_templates(self._db)
        for row in templates:
            label = _("{name} (version {version})").format(name=row["name"], version=row["version"])
            if row["latest"]:
                label += _(" — latest")
            self.template.addItem(label, row["id"])
        if not templates:
            self.template.addItem(_("Standard template (installed with the first project)"), None)
        if selected is None:
            # Latest version by default: the standard family first, else any family's latest.
            preferred = [r["id"] for r in templates if r["latest"] and r["family"] == rubrics.MOKA_PRESET.family]
            preferred += [r["id"] for r in templates if r["latest"]]
            selected = preferred[0] if preferred else None
        self.template.setCurrentIndex(max(0, self.template.findData(selected)))

    def _load(self, data: ProjectInput) -> None:
        self.name.setText(data.name)
        self.theme.setText(data.theme)
        self.fiscal_year.setCurrentIndex(max(0, self.fiscal_year.findData(data.fiscal_year)))
        self.owner_unit.setCurrentIndex(max(0, self.owner_unit.findData(data.owner_unit_id)))
        if data.owner_unit_id is not None and self.owner_unit.findData(data.owner_unit_id) < 0:
            # The section was abolished since: keep it rather than silently clearing it.
            names = project_list.unit_label(self._db, data.owner_unit_id)
            self.owner_unit.addItem(names or _("(abolished unit)"), data.owner_unit_id)
            self.owner_unit.setCurrentIndex(self.owner_unit.count() - 1)
        self.starts_on.set_value(data.starts_on)
        self.ends_on.set_value(data.ends_on)
        self.status.setCurrentIndex(max(0, self.status.findData(data.status)))
        self.realisation.setCurrentIndex(max(0, self.realisation.findData(data.realisation)))
        self.decided_on.set_value(data.realisation_decided_on)
        self.decided_by.setText(data.realisation_decided_by)
        for edit, value in ((self.hours_saved, data.hours_saved_per_year), (self.procedures_online, data.procedures_online),
                            (self.systems_built, data.systems_built)):
            edit.setText("" if value is None else f"{value:g}")
        self.outcome_summary.setPlainText(data.outcome_summary)

    def _realisation_changed(self) -> None:
        decided = self.realisation.currentData() is not None
        self.decided_on.setEnabled(decided)
        self.decided_by.setEnabled(decided)

    def data(self) -> ProjectInput:
        """The form as the service takes it; UserError for a number that is not one."""
        realisation = self.realisation.currentData()
        return ProjectInput(
            name=self.name.text(), theme=self.theme.text(), fiscal_year=self.fiscal_year.currentData(),
            owner_unit_id=self.owner_unit.currentData(), starts_on=self.starts_on.value(), ends_on=self.ends_on.value(),
            status=self.status.currentData(), realisation=realisation,
            realisation_decided_on=self.decided_on.value() if realisation else None,
            realisation_decided_by=self.decided_by.text() if realisation else "",
            hours_saved_per_year=optional_number(self.hours_saved.text(), _("Hours saved per year")),
            procedures_online=optional_number(self.procedures_online.text(), _("Procedures moved online"), integer=True),
            systems_built=optional_number(self.systems_built.text(), _("Systems built"), integer=True),
            outcome_summary=self.outcome_summary.toPlainText(), template_id=self.template.currentData())

    def _name_edited(self, text: str) -> None:
        if text.strip() and self.error_label.text() == _("Enter the project name."):
            self.error_label.clear()

    def _save(self) -> None:
        try:
            data = self.data()
            if self.project_id is None:
                self.project_id = projects.create_project(self._db, data, self._user)
            else:
                projects.update_project(self._db, self.project_id, data, self._user)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()


# -- members -------------------------------------------------------------------------------------

def _role_box(selected: str = "member") -> QComboBox:
    box = QComboBox()
    box.setObjectName("role")
    for key in projects.ROLES:
        box.addItem(role_label(key), key)
    box.setCurrentIndex(max(0, box.findData(selected)))
    return box


class AddMemberDialog(QDialog):
    """Pick one current staff member by incremental search (number, name or reading) and give a role."""

    def __init__(self, db: sqlite_utils.Database, project_id: int, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._project_id, self._user = db, project_id, user
        self.added_staff_id: int | None = None
        self.setWindowTitle(_("Add a member"))
        on_project = {m["staff_id"] for m in projects.members(db, user, project_id)}
        self._candidates = [r for r in staff.load_directory(db, user) if r.status != "retired" and r.id not in on_project]
        self._last_query, self._last_matches = "", self._candidates
        self.search = QLineEdit()
        self.search.setObjectName("memberSearch")
        self.search.setPlaceholderText(_("Search by name, reading (かな/カナ) or staff no."))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refresh)
        self.count_label = QLabel()
        self.model = StaffTableModel(self)
        self.view = QTableView()
        self.view.setObjectName("pickerTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((80, 120, 150, 130, 170, 80)):
            self.view.setColumnWidth(column, width)
        self.view.doubleClicked.connect(lambda _index: self._save())
        self.role = _role_box()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        role_row = QHBoxLayout()
        role_row.addWidget(QLabel(_("Project role")))
        role_row.addWidget(self.role)
        role_row.addStretch(1)
        self.error_label = error_label()
        self.buttons = ok_cancel(self, self._save)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(role_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._refresh()
        fit_to_screen(self, 820, 560)

    def _refresh(self) -> None:
        query = self.search.text()
        base = self._last_matches if staff.narrows(self._last_query, query) else self._candidates
        matches = staff.filter_rows(base, query)
        self._last_query, self._last_matches = query, matches
        self.model.set_rows(matches)
        self.count_label.setText(_("{shown} of {total} staff").format(
            shown=format_number(len(matches)), total=format_number(len(self._candidates))))
        if len(matches) == 1:
            self.view.selectRow(0)

    def selected(self) -> StaffRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _save(self) -> None:
        person = self.selected()
        if person is None:
            self.error_label.setText(_("Select a person first."))
            return
        try:
            projects.add_member(self._db, self._project_id, person.id, self.role.currentData(), self._user)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        self.added_staff_id = person.id
        self.accept()


class RoleDialog(QDialog):
    """A member's role on the project."""

    def __init__(self, name: str, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Change the role of {name}").format(name=name))
        self.role = _role_box(role)
        form = QFormLayout()
        form.addRow(_("Project role"), self.role)
        self.buttons = ok_cancel(self, self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def chosen(self) -> str:
        return self.role.currentData()


class MemberImportDialog(QDialog):
    """What the member list would change; 取り込む is possible only when the file has no errors."""

    def __init__(self, db: sqlite_utils.Database, project_id: int, preview: MemberImportPreview, user: User,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._project_id, self._user, self.preview = db, project_id, user, preview
        self.committed = False
        self.setWindowTitle(_("Import members from {file}").format(file=preview.path.name))
        self.summary = QLabel(_("To add: {added} · role changes: {roles} · unchanged: {unchanged} · errors: {errors}").format(
            added=len(preview.to_add), roles=len(preview.role_changes), unchanged=preview.unchanged,
            errors=len(preview.errors)))
        self.summary.setWordWrap(True)
        self.adds_model = RecordTableModel([(_("Name"), lambda r: r[2]), (_("Project role"), lambda r: role_label(r[1]))], self)
        self.adds_model.set_records(preview.to_add)
        self.roles_model = RecordTableModel([(_("Name"), lambda r: r[3]), (_("Current role"), lambda r: role_label(r[1])),
                                             (_("New role"), lambda r: role_label(r[2]))], self)
        self.roles_model.set_records(preview.role_changes)
        self.errors_model = RecordTableModel([(_("Problem"), lambda text: text)], self)
        self.errors_model.set_records(preview.errors)
        self.tabs = QTabWidget()
        self.tabs.addTab(record_table_view(self.adds_model), _("To add ({n})").format(n=len(preview.to_add)))
        self.tabs.addTab(record_table_view(self.roles_model), _("Role changes ({n})").format(n=len(preview.role_changes)))
        errors_view = record_table_view(self.errors_model)
        errors_view.setWordWrap(True)
        self.tabs.addTab(errors_view, _("Errors ({n})").format(n=len(preview.errors)))
        if preview.errors:
            self.tabs.setCurrentIndex(2)
        self.note = QLabel(_("The file has errors: correct them and import it again. Nothing has been written.")
                           if preview.errors else
                           _("Nothing to change.") if not (preview.to_add or preview.role_changes) else "")
        self.note.setWordWrap(True)
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton(_("Import"))
        self.import_button.setObjectName("importMembers")
        self.import_button.setEnabled(not preview.errors and bool(preview.to_add or preview.role_changes))
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.clicked.connect(self._commit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 760, 480)

    def _commit(self) -> None:
        try:
            projects.commit_member_import(self._db, self._project_id, self.preview, self._user)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        self.committed = True
        self.accept()


# -- sessions ------------------------------------------------------------------------------------

class SessionDialog(QDialog):
    """A new session with who attended (session None), or the attendance of an existing one."""

    def __init__(self, db: sqlite_utils.Database, project_id: int, user: User, session: dict | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._project_id, self._user, self._session = db, project_id, user, session
        self.setWindowTitle(_("Add a session") if session is None else _("Attendance"))
        form = QFormLayout()
        self.held_on = DateEdit(field=_("Date"))
        self.title = QLineEdit()
        self.title.setObjectName("sessionTitle")
        self.hours = QLineEdit()
        self.hours.setObjectName("sessionHours")
        self.hours.setPlaceholderText(_("empty = not known"))
        self.hours.setMaximumWidth(120)
        if session is None:
            form.addRow(_("Date"), self.held_on)
            form.addRow(_("Title"), self.title)
            form.addRow(_("Hours"), self.hours)
        else:
            held = display_date(session["held_on"])
            form.addRow(_("Session"), QLabel(f"{held}　{session['title']}"))
        self.attendance = QListWidget()
        self.attendance.setObjectName("attendance")
        attended = set(session["attendee_ids"]) if session else set()
        for member in projects.members(db, user, project_id):
            item = QListWidgetItem(f"{member['name']}（{role_label(member['role'])}）")
            item.setData(Qt.ItemDataRole.UserRole, member["staff_id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if member["staff_id"] in attended else Qt.CheckState.Unchecked)
            self.attendance.addItem(item)
        all_button, none_button = QPushButton(_("Everyone")), QPushButton(_("No one"))
        all_button.clicked.connect(lambda: self._check_all(True))
        none_button.clicked.connect(lambda: self._check_all(False))
        check_row = QHBoxLayout()
        check_row.addWidget(QLabel(_("Attended")))
        check_row.addStretch(1)
        check_row.addWidget(all_button)
        check_row.addWidget(none_button)
        self.error_label = error_label()
        self.buttons = ok_cancel(self, self._save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(check_row)
        layout.addWidget(self.attendance, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 520, 520)

    def _check_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for row in range(self.attendance.count()):
            self.attendance.item(row).setCheckState(state)

    def set_attending(self, staff_ids: set[int]) -> None:
        for row in range(self.attendance.count()):
            item = self.attendance.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in staff_ids
                               else Qt.CheckState.Unchecked)

    def attendees(self) -> list[int]:
        return [self.attendance.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.attendance.count())
                if self.attendance.item(r).checkState() == Qt.CheckState.Checked]

    def _save(self) -> None:
        try:
            if self._session is None:
                hours = optional_number(self.hours.text(), _("Hours"))
                projects.add_session(self._db, self._project_id, self.held_on.value(), self.title.text(), hours,
                                     self.attendees(), self._user)
            else:
                projects.set_attendance(self._db, self._session["id"], self.attendees(), self._user)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()


# -- external raters -----------------------------------------------------------------------------

class NewExternalRaterDialog(QDialog):
    """Register an external rater (a vendor, a university) and put them on the project."""

    def __init__(self, db: sqlite_utils.Database, project_id: int, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._project_id, self._user = db, project_id, user
        self.setWindowTitle(_("Register an external rater"))
        self.name, self.organisation = QLineEdit(), QLineEdit()
        self.name.setObjectName("raterName")
        self.organisation.setObjectName("raterOrganisation")
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Rater's organisation"), self.organisation)
        self.error_label = error_label()
        self.buttons = ok_cancel(self, self._save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def _save(self) -> None:
        try:
            projects.register_external_rater(self._db, self._project_id, self.name.text(), self.organisation.text(),
                                             self._user)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()


class ExistingExternalRaterDialog(QDialog):
    """Put an already registered external rater on the project."""

    def __init__(self, db: sqlite_utils.Database, project_id: int, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._project_id, self._user = db, project_id, user
        self.setWindowTitle(_("Add a registered external rater"))
        attached = {r["id"] for r in projects.external_raters(db, project_id)}
        self.rater = QComboBox()
        self.rater.setObjectName("externalRater")
        for row in projects.external_raters(db):
            if row["id"] not in attached:
                self.rater.addItem(f"{row['name']}（{row['organisation']}）" if row["organisation"] else row["name"],
                                   row["id"])
        form = QFormLayout()
        form.addRow(_("External rater"), self.rater)
        self.error_label = error_label()
        self.buttons = ok_cancel(self, self._save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def _save(self) -> None:
        if self.rater.currentData() is None:
            self.error_label.setText(_("Choose a rater."))
            return
        try:
            projects.attach_external_rater(self._db, self._project_id, self.rater.currentData(), self._user)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()
