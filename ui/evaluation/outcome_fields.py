"""成果の項目: the town's own numeric outcome fields (「削減コスト（千円）」), added, renamed and retired.

A retired field leaves the project form but its values still count in the sums of past years.
"""

from __future__ import annotations

import sqlite_utils
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.i18n import _
from app.register.accounts import User
from app.reporting import outcomes
from ui.widgets.form_dialog import FormDialog
from ui.widgets.table_model import RecordTableModel, record_table_view


class FieldDialog(FormDialog):
    """Name, unit and whether the field counts whole things (件, 枚); new when ``field`` is None."""

    def __init__(self, db: sqlite_utils.Database, user: User, field: outcomes.OutcomeField | None = None,
                 parent: QWidget | None = None) -> None:
        self._db, self._user, self.field = db, user, field
        super().__init__(_("New outcome field") if field is None else _("Edit outcome field"), parent)
        if field is not None:
            self.name.setText(field.label)
            self.unit.setText(field.unit)
            self.whole.setChecked(field.whole)

    def build(self, layout: QVBoxLayout) -> None:
        self.name = QLineEdit()
        self.name.setObjectName("outcomeFieldName")
        self.name.setPlaceholderText(_("e.g. 削減コスト"))
        self.unit = QLineEdit()
        self.unit.setObjectName("outcomeFieldUnit")
        self.unit.setPlaceholderText(_("e.g. 千円"))
        self.whole = QCheckBox(_("Counted in whole numbers (件, 枚)"))
        self.whole.setObjectName("outcomeFieldWhole")
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Unit"), self.unit)
        form.addRow("", self.whole)
        layout.addLayout(form)

    def apply(self) -> None:
        if self.field is None:
            outcomes.define_field(self._db, self._user, self.name.text(), self.unit.text(), self.whole.isChecked())
        else:
            outcomes.edit_field(self._db, self._user, self.field.field_id or 0, self.name.text(), self.unit.text(),
                                self.whole.isChecked(), self.field.retired)


class OutcomeFieldsDialog(QDialog):
    """The list of the town's fields with 追加・編集・使わない/再び使う."""

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Outcome fields"))
        self._db, self._user = db, user
        self.model = RecordTableModel([
            (_("Name"), lambda f: f.label), (_("Unit"), lambda f: f.unit),
            (_("Whole numbers"), lambda f: "○" if f.whole else ""),
            (_("In use"), lambda f: _("retired") if f.retired else "○"),
        ], self)
        self.view = record_table_view(self.model)
        self.view.setObjectName("outcomeFieldTable")
        self.view.doubleClicked.connect(lambda _index: self.edit())
        buttons = QHBoxLayout()
        for name, label, slot in (("outcomeFieldAdd", _("Add…"), self.add), ("outcomeFieldEdit", _("Edit…"), self.edit),
                                  ("outcomeFieldRetire", _("Retire / use again"), self.toggle_retired)):
            button = QPushButton(label)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(close)
        self.resize(560, 360)
        self.reload()

    def reload(self) -> None:
        self.model.set_records(outcomes.town_fields(self._db, include_retired=True))

    def selected(self) -> outcomes.OutcomeField | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, _("Outcome fields"), _("Select an outcome field first."))
            return None
        return self.model.record_at(rows[0].row())

    def add(self) -> None:
        if FieldDialog(self._db, self._user, parent=self).exec():
            self.reload()

    def edit(self) -> None:
        found = self.selected()
        if found is not None and FieldDialog(self._db, self._user, found, self).exec():
            self.reload()

    def toggle_retired(self) -> None:
        found = self.selected()
        if found is None:
            return
        try:
            outcomes.edit_field(self._db, self._user, found.field_id or 0, found.label, found.unit, found.whole,
                                not found.retired)
        except UserError as exc:
            QMessageBox.warning(self, _("Outcome fields"), str(exc))
        self.reload()
