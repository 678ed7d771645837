"""One person: add or edit (with validation in the core). Their card and history: ``ui.overview.person_card``."""

from __future__ import annotations

import sqlite_utils
from PySide6.QtWidgets import (QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget)

from app.staff import edit as staff_edit
from app.register.accounts import User
from app.i18n import _
from app.staff.edit import PersonInput
from ui.widgets.wareki_date import DateEdit
from ui.widgets.form_dialog import FormDialog


class PersonDialog(FormDialog):
    """Add a person (staff_id None) or correct one; a changed seat becomes a transfer."""

    def __init__(self, db: sqlite_utils.Database, user: User, staff_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        self._db, self._user, self._staff_id = db, user, staff_id
        super().__init__(_("Add staff") if staff_id is None else _("Edit staff"), parent)
        self.setMinimumWidth(480)
        if staff_id is not None:
            self._load(staff_id)

    def build(self, layout: QVBoxLayout) -> None:
        db = self._db
        form = QFormLayout()
        self.staff_no, self.family, self.given = QLineEdit(), QLineEdit(), QLineEdit()
        self.family_reading, self.given_reading = QLineEdit(), QLineEdit()
        for edit, name in ((self.staff_no, "staffNo"), (self.family, "family"), (self.given, "given"),
                           (self.family_reading, "familyReading"), (self.given_reading, "givenReading")):
            edit.setObjectName(name)
        self.hire_date = DateEdit(optional=True, field=_("Hire date"))  # empty: not known
        self.hire_date.setObjectName("hireDate")
        self.unit = QComboBox()
        self.unit.setObjectName("unit")
        for unit_id, label in staff_edit.org_units(db):
            self.unit.addItem(label, unit_id)
        self.position = QComboBox()
        self.position.addItem(_("(none)"), None)
        for position_id, name in staff_edit.positions(db):
            self.position.addItem(name, position_id)
        self.transfer_on = DateEdit(field=_("A new affiliation or position applies from"))
        self.transfer_on.setObjectName("transferOn")
        form.addRow(_("Staff no."), self.staff_no)
        form.addRow(_("Family name"), self.family)
        form.addRow(_("Given name"), self.given)
        self.name_warning = QLabel()
        self.name_warning.setObjectName("nameWarning")
        self.name_warning.setWordWrap(True)
        self.name_warning.setStyleSheet("color: #8a5300;")
        self.name_warning.hide()
        form.addRow(self.name_warning)  # the whole width: the warning wraps to two lines
        for edit in (self.family, self.given):
            edit.textChanged.connect(self._check_name)
        form.addRow(_("Family name reading"), self.family_reading)
        form.addRow(_("Given name reading"), self.given_reading)
        form.addRow(_("Hire date"), self.hire_date)
        form.addRow(_("Affiliation"), self.unit)
        form.addRow(_("Position"), self.position)
        form.addRow(_("A new affiliation or position applies from"), self.transfer_on)
        layout.addLayout(form)

    def _load(self, staff_id: int) -> None:
        row, current = staff_edit.person(self._db, self._user, staff_id)
        self.staff_no.setText(row["staff_no"])
        self.family.setText(row["family_name"])
        self.given.setText(row["given_name"])
        self.family_reading.setText(row["family_reading"])
        self.given_reading.setText(row["given_reading"])
        self.hire_date.set_value(row["hire_date"])  # as stored, even a date no longer accepted, to be corrected
        if current:
            self.unit.setCurrentIndex(max(0, self.unit.findData(current["unit_id"])))
            self.position.setCurrentIndex(max(0, self.position.findData(current["position_id"])))

    def _check_name(self) -> None:
        """Warn while typing when certificates could not print the name (emoji, 外字), naming the character."""
        warning = staff_edit.name_warning(self.family.text(), self.given.text())
        shown = self.name_warning.isVisible()
        self.name_warning.setText(warning)
        self.name_warning.setVisible(bool(warning))
        if bool(warning) != shown and self.isVisible():
            self.adjustSize()  # make room for the wrapped warning (or give it back)

    def data(self) -> PersonInput:
        """What the form holds; UserError when a date is typed wrong."""
        return PersonInput(self.staff_no.text(), self.family.text(), self.given.text(), self.family_reading.text(),
                           self.given_reading.text(), self.hire_date.value(),
                           self.unit.currentData(), self.position.currentData())

    def apply(self) -> None:
        if self._staff_id is None:
            self._staff_id = staff_edit.create_person(self._db, self.data(), self._user, on=self.transfer_on.value())
        else:
            staff_edit.update_person(self._db, self._staff_id, self.data(), self._user,
                                     transfer_on=self.transfer_on.value())
