"""The 目標・配置 screen's dialogs: set a target, name a person to a role for a section."""

from __future__ import annotations

from datetime import date

import sqlite_utils
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.i18n import N_, _
from app.register.accounts import User
from app.targets import designations, targets
from app.targets.population import sections_on
from app.wareki import format_fiscal_year
from ui.widgets.form_dialog import FormDialog

# What the figure of each kind counts: beside the number in the dialog, and around it in the lists.
UNITS = {"level_count": N_("people"), "staff_share": N_("percent of the staff"), "coverage": N_("people per section"),
         "training_hours": N_("hours"), "training_share": N_("percent of the staff"), "hours_saved": N_("hours a year")}
FIGURES = {"level_count": N_("{n} people"), "staff_share": N_("{n}%"), "coverage": N_("{n} people"),
           "training_hours": N_("{n} h"), "training_share": N_("{n}%"), "hours_saved": N_("{n} h")}


def _combo(name: str, items: list[tuple[object, str]]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    for data, text in items:
        box.addItem(text, data)
    return box


class TargetDialog(FormDialog):
    """A target for the fiscal year: kind, figure and what it measures (fields that do not apply are off)."""

    def __init__(self, db: sqlite_utils.Database, user: User, fy: int, today: date, parent: QWidget | None = None) -> None:
        self.db, self.user, self.fy, self.today = db, user, fy, today
        self.target_id: int | None = None
        super().__init__(_("Set a target for {year}").format(year=format_fiscal_year(fy)), parent, ok_name="targetSave")

    def build(self, layout: QVBoxLayout) -> None:
        self.setMinimumWidth(420)
        form = QFormLayout()
        self.kind = _combo("targetKind", [(k, _(label)) for k, label in targets.KINDS.items()])
        self.value = QDoubleSpinBox()
        self.value.setObjectName("targetValue")
        self.value.setRange(0, 1_000_000)
        self.value.setDecimals(1)
        self.unit = QLabel()
        self.level = _combo("targetLevel", [(None, _("Any level"))] + targets.level_choices(self.db))
        self.group = _combo("targetGroup", [(None, _("All staff"))] + targets.group_choices(self.db, self.today))
        self.counts = _combo("targetCounts", [(k, _(label)) for k, label in targets.COUNTS.items()])
        self.counts.setCurrentIndex(list(targets.COUNTS).index("either"))
        self.role = _combo("targetRole", [(None, _("Any role"))] +
                           [(r["id"], r["name"]) for r in designations.roles(self.db)])
        self.note = QLineEdit()
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Figure"), self.value)
        form.addRow("", self.unit)
        form.addRow(_("Level"), self.level)
        form.addRow(_("Group of staff"), self.group)
        form.addRow(_("Counts"), self.counts)
        form.addRow(_("Designation role"), self.role)
        form.addRow(_("Remarks"), self.note)
        layout.addLayout(form)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.unit.setText(_(UNITS[kind]))
        self.level.setEnabled(kind in targets.LEVEL_KINDS)
        self.group.setEnabled(kind in targets.GROUP_KINDS)
        self.counts.setEnabled(kind == "coverage")
        self.role.setEnabled(kind == "coverage")

    def apply(self) -> None:
        def chosen(box: QComboBox):  # a field that does not apply to the kind is off, and not sent
            return box.currentData() if box.isEnabled() else None

        target = targets.Target(None, self.fy, self.kind.currentData(), self.value.value(), chosen(self.level),
                                chosen(self.group), chosen(self.role), self.counts.currentData(), self.note.text())
        self.target_id = targets.set_target(self.db, self.user, target)


class DesignationDialog(FormDialog):
    """Name a person seated in a section to a role for the fiscal year."""

    def __init__(self, db: sqlite_utils.Database, user: User, fy: int, on: date, section_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        self.db, self.user, self.fy, self.on, self.first_section = db, user, fy, on, section_id
        self.designation_id: int | None = None
        super().__init__(_("Designate for {year}").format(year=format_fiscal_year(fy)), parent,
                         ok_name="designationSave")

    def build(self, layout: QVBoxLayout) -> None:
        self.setMinimumWidth(420)
        form = QFormLayout()
        self.section = _combo("designationSection", [(s["unit_id"], f"{s['department']} {s['section']}")
                                                     for s in sections_on(self.db, self.on)])
        if self.first_section is not None and self.section.findData(self.first_section) >= 0:
            self.section.setCurrentIndex(self.section.findData(self.first_section))
        self.person = _combo("designationPerson", [])
        self.role = _combo("designationRole", [(r["id"], r["name"]) for r in designations.roles(self.db)])
        self.note = QLineEdit()
        form.addRow(_("Section"), self.section)
        form.addRow(_("Staff member"), self.person)
        form.addRow(_("Designated role"), self.role)
        form.addRow(_("Remarks"), self.note)
        layout.addLayout(form)
        self.section.currentIndexChanged.connect(self._fill_people)
        self._fill_people()

    def _fill_people(self) -> None:
        self.person.clear()
        section = self.section.currentData()
        if section is not None:
            for staff_id, label in designations.people_in_section(self.db, self.user, section, self.on):
                self.person.addItem(label, staff_id)

    def apply(self) -> None:
        from app.errors import UserError

        if self.person.currentData() is None or self.role.currentData() is None:
            raise UserError(_("Choose a section, a person and a role."))
        self.designation_id = designations.designate(self.db, self.user, self.person.currentData(),
                                                     self.section.currentData(), self.role.currentData(), self.fy,
                                                     self.note.text())
