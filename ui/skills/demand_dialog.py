"""The demand editor: for a section or a project, a skill item, the level and how many people (and a year)."""

from __future__ import annotations

import sqlite_utils
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QRadioButton, QSpinBox, QVBoxLayout, QWidget

from app.i18n import _
from app.register.accounts import User
from app.skills import demand
from app.wareki import format_fiscal_year
from ui.widgets.form_dialog import FormDialog


class DemandDialog(FormDialog):
    """Add a demand line (``preset`` fills the fields from the selected cell) or change ``existing``."""

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None, *,
                 family: str | None = None, preset: demand.DemandInput | None = None,
                 existing: demand.Demand | None = None) -> None:
        self._db, self._user, self._existing = db, user, existing
        self._family = family or (existing.catalogue_family if existing else demand.default_family(db))
        self._start = existing or preset
        super().__init__(_("Change demand") if existing else _("Add demand"), parent, ok_name="skillDemandSave")

    def build(self, layout: QVBoxLayout) -> None:
        cat = demand.catalogue(self._db, self._family)
        units, projects = demand.demand_targets(self._db, self._user)
        self.for_unit = QRadioButton(_("Section or department"))
        self.for_project = QRadioButton(_("Project"))
        self.unit = QComboBox()
        self.unit.setObjectName("demandUnit")
        for unit_id, path in units:
            self.unit.addItem(path, unit_id)
        self.project = QComboBox()
        self.project.setObjectName("demandProject")
        for project_id, name in projects:
            self.project.addItem(name, project_id)
        self.item = QComboBox()
        self.item.setObjectName("demandItem")
        for item in cat.items:
            self.item.addItem(f"{item.name}（{item.category}）" if item.category else item.name, item.code)
        self.level = QComboBox()
        self.level.setObjectName("demandLevel")
        for level, name in sorted(cat.levels.items()) or [(n, "") for n in range(1, 6)]:
            if level >= 1:
                self.level.addItem(f"{level} {name}".strip(), level)
        self.people = QSpinBox()
        self.people.setObjectName("demandPeople")
        self.people.setRange(1, 10_000)
        self.year = QComboBox()
        self.year.setObjectName("demandYear")
        self.year.addItem(_("standing"), None)
        for fy in range(2020, 2036):
            self.year.addItem(format_fiscal_year(fy), fy)
        self.note = QLineEdit()
        self.note.setObjectName("demandNote")
        form = QFormLayout()
        form.addRow(self.for_unit, self.unit)
        form.addRow(self.for_project, self.project)
        form.addRow(_("Skill"), self.item)
        form.addRow(_("Level (or above)"), self.level)
        form.addRow(_("People needed"), self.people)
        form.addRow(_("Fiscal year"), self.year)
        form.addRow(_("note"), self.note)
        layout.addLayout(form)
        self.for_unit.toggled.connect(self._enable)
        self._fill()

    def _fill(self) -> None:
        start = self._start
        on_project = start is not None and start.project_id is not None
        (self.for_project if on_project else self.for_unit).setChecked(True)
        if start is not None:
            for box, value in ((self.unit, start.unit_id), (self.project, start.project_id),
                               (self.item, start.item_code), (self.level, start.level), (self.year, start.fiscal_year)):
                if value is not None and box.findData(value) >= 0:
                    box.setCurrentIndex(box.findData(value))
            self.people.setValue(start.people)
            self.note.setText(start.note)
        self._enable()

    def _enable(self) -> None:
        self.unit.setEnabled(self.for_unit.isChecked())
        self.project.setEnabled(self.for_project.isChecked())

    def value(self) -> demand.DemandInput:
        on_unit = self.for_unit.isChecked()
        return demand.DemandInput(
            self._family, self.item.currentData() or "", self.level.currentData() or 0, self.people.value(),
            project_id=None if on_unit else self.project.currentData(), unit_id=self.unit.currentData() if on_unit else None,
            fiscal_year=self.year.currentData(), note=self.note.text())

    def apply(self) -> None:
        if self._existing is not None:
            demand.edit_demand(self._db, self._user, self._existing.id, self.value())
        else:
            demand.add_demand(self._db, self._user, self.value())
