"""Dialogs of the プロジェクト screen: the project form, choosing staff, roles, member import, sessions, raters.

Each dialog calls the service itself on OK and stays open with the service's message when it refuses,
so that nothing typed is lost.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
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

from app.evaluation import project_list
from app.evaluation import projects
from app.evaluation import rubrics
from app.staff import directory
from app.staff import edit as staff_edit
from app.register import settings as app_settings
from app.register.accounts import User
from app.errors import UserError
from app.formatting import format_number
from app.i18n import _
from app.evaluation.project_list import optional_number, role_label
from app.evaluation.projects import MemberImportPreview, ProjectInput
from app.reporting import outcomes
from app.staff.directory import StaffRow
from app.wareki import display_date, fiscal_year, format_fiscal_year
from ui.widgets.dialog_parts import fit_to_screen, ok_cancel
from ui.widgets.form_dialog import FormDialog, StandardButton
from ui.staff.model import StaffTableModel
from ui.widgets.table_model import RecordTableModel, record_table_view
from ui.widgets.wareki_date import DateEdit


# -- the project ---------------------------------------------------------------------------------

class ProjectDialog(FormDialog):
    """Create (project_id None) or edit a project; the form scrolls when the screen is small."""

    def __init__(self, db: sqlite_utils.Database, user: User, project_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        self._db, self._user, self.project_id = db, user, project_id
        self._current = projects.project_input(db, project_id) if project_id is not None else None
        self._this_year = fiscal_year(date.today())
        super().__init__(_("New project") if project_id is None else _("Edit project"), parent)
        # 「プロジェクト名を入力してください」 goes as soon as a name is typed, not at the next 保存.
        self.name.textChanged.connect(self._name_edited)
        if self._current is not None:
            self._load(self._current)
        else:
            self.fiscal_year.setCurrentIndex(max(0, self.fiscal_year.findData(self._this_year)))
        self._realisation_changed()
        fit_to_screen(self, 620, 700)

    def build(self, layout: QVBoxLayout) -> None:
        self._build_project_fields()
        self._build_outcome_fields()
        layout.addWidget(self._build_scroll_area(), 1)

    def _build_project_fields(self) -> None:
        """Name, theme, year, section, dates and status: what the project is."""
        current, this_year = self._current, self._this_year
        self.name = QLineEdit()
        self.name.setObjectName("projectName")
        self.theme = QLineEdit()
        self.theme.setObjectName("projectTheme")
        self.fiscal_year = QComboBox()
        self.fiscal_year.setObjectName("projectYear")
        years = set(range(this_year - 6, this_year + 3)) | ({current.fiscal_year} if current else set())
        first = app_settings.get(self._db, "first_fiscal_year")  # the list reaches back to the scheme's first year
        years |= set(range(first, this_year + 3)) if isinstance(first, int) and first < this_year else set()
        for year in sorted(years, reverse=True):
            self.fiscal_year.addItem(f"{format_fiscal_year(year)}（{year}）", year)
        self.owner_unit = QComboBox()
        self.owner_unit.setObjectName("projectUnit")
        self.owner_unit.setMaxVisibleItems(20)
        self.owner_unit.setMinimumContentsLength(12)
        self.owner_unit.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.owner_unit.addItem(_("(none)"), None)
        for unit_id, label in staff_edit.org_units(self._db):
            self.owner_unit.addItem(label, unit_id)
        self.starts_on = DateEdit(optional=True, field=_("Starts on"))
        self.ends_on = DateEdit(optional=True, field=_("Ends on"))
        self.status = QComboBox()
        self.status.setObjectName("projectStatus")
        for key, label in projects.STATUSES.items():
            self.status.addItem(_(label), key)

    def _build_outcome_fields(self) -> None:
        """The realisation decision, the figures, the summary and the evaluation template."""
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
        self._fill_templates(self._current.template_id if self._current else None)
        self._build_town_fields()

    def _build_town_fields(self) -> None:
        """One line per outcome field the town defined (成果の集計 → 成果の項目), after the built-in three."""
        self.town_fields: list[tuple[outcomes.OutcomeField, QLineEdit]] = []
        for found in outcomes.town_fields(self._db):
            edit = QLineEdit()
            edit.setObjectName(f"outcomeField{found.field_id}")
            edit.setPlaceholderText(_("empty = not known"))
            edit.setMaximumWidth(160)
            self.town_fields.append((found, edit))

    def _build_scroll_area(self) -> QScrollArea:
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
        for found, edit in self.town_fields:
            form.addRow(f"{found.label}（{found.unit}）" if found.unit else found.label, edit)
        form.addRow(_("Outcome summary"), self.outcome_summary)
        form.addRow(_("Evaluation template"), self.template)
        body = QWidget()
        body.setLayout(form)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(body)
        return area

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
        if self.project_id is not None:
            values = outcomes.project_values(self._db, self._user, self.project_id)
            for found, edit in self.town_fields:
                edit.setText(outcomes.plain_number(values.get(found.field_id)))

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

    def town_values(self) -> dict[int, float | None]:
        """The town's fields as typed (empty clears one); UserError for a figure that is not one."""
        return {found.field_id: outcomes.parse_value(edit.text(), found.label, found.whole)
                for found, edit in self.town_fields}

    def apply(self) -> None:
        data, values = self.data(), self.town_values()
        self.project_id = outcomes.save_project(self._db, self._user, self.project_id, data, values)


# -- members -------------------------------------------------------------------------------------

def _role_box(selected: str = "member") -> QComboBox:
    box = QComboBox()
    box.setObjectName("role")
    for key in projects.ROLES:
        box.addItem(role_label(key), key)
    box.setCurrentIndex(max(0, box.findData(selected)))
    return box


class CheckableStaffModel(StaffTableModel):
    """Staff rows with a tick box in the first column; the ticks are kept by id, so they survive a new filter."""

    ticked_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.ticked: set[int] = set()

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else flags

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid() and index.column() == 0:
            return Qt.CheckState.Checked if self.row_at(index.row()).id in self.ticked else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        self.set_ticked([self.row_at(index.row()).id], Qt.CheckState(value) == Qt.CheckState.Checked)
        return True

    def set_ticked(self, ids: list[int], ticked: bool) -> None:
        if ticked:
            self.ticked.update(ids)
        else:
            self.ticked.difference_update(ids)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0), [Qt.ItemDataRole.CheckStateRole])
        self.ticked_changed.emit()

    def shown_ids(self) -> list[int]:
        return [self.row_at(row).id for row in range(self.rowCount())]


class AddMemberDialog(FormDialog):
    """Tick any number of current staff, found by section and by search (number, name or reading), and add
    them with one role in one go (``projects.add_members``: all of them or none)."""

    def __init__(self, db: sqlite_utils.Database, project_id: int, user: User, parent: QWidget | None = None) -> None:
        self._db, self._project_id, self._user = db, project_id, user
        self.added_staff_id: int | None = None
        self.result_: projects.MembersAdded | None = None
        on_project = {m["staff_id"] for m in projects.members(db, user, project_id)}
        self._everyone = [r for r in directory.load_directory(db, user) if r.status != "retired" and r.id not in on_project]
        self._order = directory.unit_order(db)
        self._candidates = self._everyone
        self._last_query, self._last_matches = "", self._candidates
        super().__init__(_("Add members"), parent, ok_text=_("Add"))
        self._refresh()
        self._show_ticked()
        fit_to_screen(self, 860, 600)

    def build(self, layout: QVBoxLayout) -> None:
        self._build_filters()
        self._build_table()
        self._build_ticks()
        units = QHBoxLayout()
        units.addWidget(QLabel(_("Department")))
        units.addWidget(self.department, 1)
        units.addWidget(QLabel(_("Section")))
        units.addWidget(self.section, 1)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        ticks = QHBoxLayout()
        ticks.addWidget(self.tick_shown_button)
        ticks.addWidget(self.clear_button)
        ticks.addWidget(self.ticked_label, 1)
        ticks.addWidget(QLabel(_("Project role")))
        ticks.addWidget(self.role)
        layout.addLayout(units)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(ticks)

    def _build_filters(self) -> None:
        """Department, section and the search box; the core does the filtering."""
        self.department = QComboBox()
        self.department.setObjectName("memberDepartment")
        self.section = QComboBox()
        self.section.setObjectName("memberSection")
        for box in (self.department, self.section):
            box.setMinimumContentsLength(6)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._fill_units()
        self.department.currentIndexChanged.connect(self._department_changed)
        self.section.currentIndexChanged.connect(lambda _i: self._filter_changed())
        self.search = QLineEdit()
        self.search.setObjectName("memberSearch")
        self.search.setPlaceholderText(_("Search by name, reading (かな/カナ) or staff no."))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refresh)
        self.count_label = QLabel()

    def _build_table(self) -> None:
        self.model = CheckableStaffModel(self)
        self.model.ticked_changed.connect(self._show_ticked)
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
        for column, width in enumerate((100, 120, 150, 120, 160, 80)):
            self.view.setColumnWidth(column, width)
        self.view.doubleClicked.connect(self._toggle_row)

    def _build_ticks(self) -> None:
        self.tick_shown_button = QPushButton(_("Tick all shown"))
        self.tick_shown_button.setObjectName("tickShown")
        self.tick_shown_button.clicked.connect(lambda: self.model.set_ticked(self.model.shown_ids(), True))
        self.clear_button = QPushButton(_("Clear ticks"))
        self.clear_button.setObjectName("clearTicks")
        self.clear_button.clicked.connect(lambda: self.model.set_ticked(list(self.model.ticked), False))
        self.ticked_label = QLabel()
        self.ticked_label.setObjectName("tickedCount")
        self.role = _role_box()

    # -- filtering (the core filters; the model only shows the result) -------------------------------------
    def _fill_units(self, only_sections: bool = False) -> None:
        choices = directory.filter_choices(self._everyone, self._order, self.department.currentData() or "")
        for key, box in (("department", self.department), ("section", self.section)):
            if only_sections and key == "department":
                continue
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(_("All"), "")
            for value in choices[key]:
                box.addItem(value, value)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)

    def _department_changed(self) -> None:
        self._fill_units(only_sections=True)
        self._filter_changed()

    def _filter_changed(self) -> None:
        chosen = directory.StaffFilter(department=self.department.currentData() or "", section=self.section.currentData() or "")
        self._candidates = directory.apply_filter(self._everyone, chosen)
        self._last_query, self._last_matches = "", self._candidates
        self._refresh()

    def _refresh(self) -> None:
        query = self.search.text()
        base = self._last_matches if directory.narrows(self._last_query, query) else self._candidates
        matches = directory.filter_rows(base, query)
        self._last_query, self._last_matches = query, matches
        self.model.set_rows(matches)
        self.count_label.setText(_("{shown} of {total} staff").format(
            shown=format_number(len(matches)), total=format_number(len(self._everyone))))
        if len(matches) == 1:
            self.view.selectRow(0)

    # -- ticks ---------------------------------------------------------------------------------------------
    def _toggle_row(self, index: QModelIndex) -> None:
        person = self.model.row_at(index.row())
        self.model.set_ticked([person.id], person.id not in self.model.ticked)

    def _show_ticked(self) -> None:
        self.ticked_label.setText(_("{n} ticked").format(n=format_number(len(self.model.ticked))))

    def ticked_ids(self) -> list[int]:
        """The ticked people in the directory's order (五十音), whatever filter is shown now."""
        return [r.id for r in self._everyone if r.id in self.model.ticked]

    def selected(self) -> StaffRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def chosen_ids(self) -> list[int]:
        """The ticked people; with none ticked, the one selected row (adding one person stays one click)."""
        person = self.selected()
        return self.ticked_ids() or ([person.id] if person is not None else [])

    def apply(self) -> None:
        ids = self.chosen_ids()
        if not ids:
            raise UserError(_("Select a person first."))
        self.result_ = projects.add_members(self._db, self._project_id, ids, self.role.currentData(), self._user)
        self.added_staff_id = ids[0] if len(ids) == 1 else None


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


class MemberImportDialog(FormDialog):
    """What the member list would change; 取り込む is possible only when the file has no errors."""

    def __init__(self, db: sqlite_utils.Database, project_id: int, preview: MemberImportPreview, user: User,
                 parent: QWidget | None = None) -> None:
        self._db, self._project_id, self._user, self.preview = db, project_id, user, preview
        self.committed = False
        super().__init__(_("Import members from {file}").format(file=preview.path.name), parent, ok_text=_("Import"),
                         ok_name="importMembers", standard=StandardButton.Cancel)
        self.import_button = self.ok_button
        self.import_button.setEnabled(not preview.errors and bool(preview.to_add or preview.role_changes))
        fit_to_screen(self, 760, 480)

    def build(self, layout: QVBoxLayout) -> None:
        preview = self.preview
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
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note)

    def apply(self) -> None:
        projects.commit_member_import(self._db, self._project_id, self.preview, self._user)
        self.committed = True


# -- sessions ------------------------------------------------------------------------------------

class SessionDialog(FormDialog):
    """A new session with who attended (session None), or the attendance of an existing one."""

    def __init__(self, db: sqlite_utils.Database, project_id: int, user: User, session: dict | None = None,
                 parent: QWidget | None = None) -> None:
        self._db, self._project_id, self._user, self._session = db, project_id, user, session
        super().__init__(_("Add a session") if session is None else _("Attendance"), parent)
        fit_to_screen(self, 520, 520)

    def build(self, layout: QVBoxLayout) -> None:
        session = self._session
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
        for member in projects.members(self._db, self._user, self._project_id):
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
        layout.addLayout(form)
        layout.addLayout(check_row)
        layout.addWidget(self.attendance, 1)

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

    def apply(self) -> None:
        if self._session is None:
            hours = optional_number(self.hours.text(), _("Hours"))
            projects.add_session(self._db, self._project_id, self.held_on.value(), self.title.text(), hours,
                                 self.attendees(), self._user)
        else:
            projects.set_attendance(self._db, self._session["id"], self.attendees(), self._user)


# -- external raters -----------------------------------------------------------------------------

class NewExternalRaterDialog(FormDialog):
    """Register an external rater (a vendor, a university) and put them on the project."""

    def __init__(self, db: sqlite_utils.Database, project_id: int, user: User, parent: QWidget | None = None) -> None:
        self._db, self._project_id, self._user = db, project_id, user
        super().__init__(_("Register an external rater"), parent)
        self.setMinimumWidth(420)

    def build(self, layout: QVBoxLayout) -> None:
        self.name, self.organisation = QLineEdit(), QLineEdit()
        self.name.setObjectName("raterName")
        self.organisation.setObjectName("raterOrganisation")
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Rater's organisation"), self.organisation)
        layout.addLayout(form)

    def apply(self) -> None:
        projects.register_external_rater(self._db, self._project_id, self.name.text(), self.organisation.text(),
                                         self._user)


class ExistingExternalRaterDialog(FormDialog):
    """Put an already registered external rater on the project."""

    def __init__(self, db: sqlite_utils.Database, project_id: int, user: User, parent: QWidget | None = None) -> None:
        self._db, self._project_id, self._user = db, project_id, user
        super().__init__(_("Add a registered external rater"), parent)
        self.setMinimumWidth(420)

    def build(self, layout: QVBoxLayout) -> None:
        attached = {r["id"] for r in projects.external_raters(self._db, self._project_id)}
        self.rater = QComboBox()
        self.rater.setObjectName("externalRater")
        for row in projects.external_raters(self._db):
            if row["id"] not in attached:
                self.rater.addItem(f"{row['name']}（{row['organisation']}）" if row["organisation"] else row["name"],
                                   row["id"])
        form = QFormLayout()
        form.addRow(_("External rater"), self.rater)
        layout.addLayout(form)

    def apply(self) -> None:
        if self.rater.currentData() is None:
            raise UserError(_("Choose a rater."))
        projects.attach_external_rater(self._db, self._project_id, self.rater.currentData(), self._user)
