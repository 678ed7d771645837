"""Dialogs of the 認定 screen: approve, revoke, re-issue, a person's certification path, switching schemes.

Each dialog calls one core service and shows its refusal inline, keeping the dialog open,
so that an officer can correct the date or the reason and try again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.certification import decisions
from app.certification import candidates
from app.certification import schemes
from app.staff import edit
from app.register import settings as app_settings
from app.register.accounts import User
from app.certification.decisions import Approval
from app.certification.candidates import CandidateRow
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, allowed
from app.certification.schemes import SchemeSpec
from app.wareki import format_wareki
from ui.widgets.dialog_parts import ERROR_STYLE, fit_to_screen
from ui.widgets.form_dialog import FormDialog, StandardButton
from ui.widgets.table_model import RecordTableModel, record_table_view
from ui.widgets.wareki_date import DateEdit

class ApproveDialog(FormDialog):
    """Confirm a batch: decision date (和暦), approver, who at which level, and the numbers to be given."""

    def __init__(self, db: sqlite_utils.Database, user: User, scheme: SchemeSpec, rows: Sequence[CandidateRow],
                 decided_on: date, parent: QWidget | None = None) -> None:
        self._db, self._user, self._scheme = db, user, scheme
        self._rows = {row.key: row for row in rows}
        self.numbers: list[str] = []
        self._decided_on = decided_on
        super().__init__(_("Certify the selected staff"), parent, ok_text=_("Certify"), ok_name="approveButton",
                         standard=StandardButton.Cancel)
        self.approve_button = self.ok_button
        self._preview()
        if not self.approver.text():
            try:
                candidates.require_approver(db)
            except UserError as exc:
                self.show_error(str(exc))
            self.approve_button.setEnabled(False)
        fit_to_screen(self, 720, 480)

    def build(self, layout: QVBoxLayout) -> None:
        layout.addLayout(self._build_form())
        self.range_label = QLabel()
        self.range_label.setObjectName("numberRange")
        self.range_label.setWordWrap(True)
        self.model = RecordTableModel([
            (_("Certificate no. (planned)"), lambda p: p[1]),
            (_("Name"), lambda p: self._rows[(p[0].staff_id, p[0].level_code)].name),
            (_("Affiliation"), lambda p: self._rows[(p[0].staff_id, p[0].level_code)].section),
            (_("Level"), lambda p: self._rows[(p[0].staff_id, p[0].level_code)].level_name),
        ], self)
        self.view = record_table_view(self.model)
        self.view.setObjectName("approvalList")
        layout.addWidget(self.range_label)
        layout.addWidget(self.view, 1)

    def _build_form(self) -> QFormLayout:
        """Decision date, the approver from 設定, and a reason where a revoked level is certified again."""
        form = QFormLayout()
        self.decided_on = DateEdit(self._decided_on, field=_("Decided on"))
        self.decided_on.setObjectName("decidedOn")
        self.decided_on.date_changed.connect(self._preview)
        # Who decides is the register's 認定者 (設定), shown here to confirm, never typed per batch.
        self.approver = QLabel(candidates.default_approver(self._db))
        self.approver.setObjectName("approver")
        self.approver.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        approver_note = QLabel(_("The certifying official from 設定 (title and name); change it there."))
        approver_note.setWordWrap(True)
        approver_note.setStyleSheet("color: #555;")
        form.addRow(_("Decided on"), self.decided_on)
        form.addRow(_("Approver"), self.approver)
        form.addRow("", approver_note)
        # Someone whose level was revoked, ahead of the day set at the revocation: only with a reason.
        self.override_reason = QLineEdit()
        self.override_reason.setObjectName("overrideReason")
        self.override_reason.setPlaceholderText(_("Why this person is certified again at a revoked level"))
        overriding = [row for row in self._rows.values() if row.status != "eligible"]
        if overriding:
            form.addRow(_("Reason for certifying again"), self.override_reason)
            note = QLabel(_("Revoked before at this level: {names}. Enter the reason for certifying again now."
                            ).format(names="、".join(f"{r.name}({r.level_name})" for r in overriding[:10])))
            note.setObjectName("overrideNote")
            note.setWordWrap(True)
            note.setStyleSheet(ERROR_STYLE)
            form.addRow(note)
        return form

    def approvals(self) -> list[Approval]:
        return [Approval(*key) for key in self._rows]

    def _preview(self) -> None:
        planned = candidates.planned_numbers(self._db, self._scheme, self.approvals(), self.decided_on.date())
        self.model.set_records(planned)
        if planned:
            self.range_label.setText(_("{n} certificates will be numbered {first} to {last}; "
                                       "the numbers are fixed when you certify.").format(
                n=len(planned), first=planned[0][1], last=planned[-1][1]))

    def apply(self) -> None:
        self.numbers = decisions.approve(self._db, self._user, self._scheme.id, self.approvals(),
                                         self.decided_on.value(), self.approver.text(), self.override_reason.text())


class _ReasonDateDialog(FormDialog):
    """A certificate, a reason and a date: the shape of both revocation and re-issue."""

    def __init__(self, record: dict, title: str, note: str, button: str, parent: QWidget | None = None) -> None:
        self.record = record
        self._note_text = note
        super().__init__(title, parent, ok_text=button, ok_name="okButton", standard=StandardButton.Cancel)
        self.setMinimumWidth(min(520, self.screen().availableGeometry().width() - 40) if self.screen() else 520)

    def build(self, layout: QVBoxLayout) -> None:
        record = self.record
        summary = QLabel(_("{number}\n{name} · {level} · decided {date}").format(
            number=record["certificate_no"], name=record["name"], level=record["level"],
            date=format_wareki(date.fromisoformat(record["decided_on"]))))
        summary.setWordWrap(True)
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.on = DateEdit(field=_("Date"))
        self.on.setObjectName("on")
        form.addRow(_("Reason"), self.reason)
        form.addRow(_("Date"), self.on)
        self.note = QLabel(self._note_text)
        self.note.setWordWrap(True)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(self.note)
        self.build_more(layout)

    def build_more(self, layout: QVBoxLayout) -> None:
        """Rows of a particular dialog, below the note."""


class RevokeDialog(_ReasonDateDialog):
    """Withdraw a certification; the officer ticks a box to confirm, as it cannot be undone."""

    def __init__(self, db: sqlite_utils.Database, user: User, record: dict, parent: QWidget | None = None) -> None:
        self._db, self._user = db, user
        super().__init__(record, _("Revoke a certification"),
                         _("The decision stays in the register marked as revoked, and its number is never used "
                           "again. This cannot be undone."), _("Revoke"), parent)

    def build_more(self, layout: QVBoxLayout) -> None:
        record = self.record
        self.note.setStyleSheet(ERROR_STYLE)
        self.confirm = QCheckBox(_("I confirm the revocation of {number}").format(number=record["certificate_no"]))
        self.confirm.setObjectName("confirm")
        self.confirm.toggled.connect(self.ok_button.setEnabled)
        self.ok_button.setEnabled(False)
        # The same level is not offered again at once: from a day set here, or later with a reason.
        self.set_again = QCheckBox(_("The same level can be certified again from"))
        self.set_again.setObjectName("setReeligible")
        self.again_from = DateEdit()
        self.again_from.setObjectName("reeligibleFrom")
        self.again_from.setEnabled(False)
        self.set_again.toggled.connect(self.again_from.setEnabled)
        again = QHBoxLayout()
        again.addWidget(self.set_again)
        again.addWidget(self.again_from, 1)
        again_note = QLabel(_("Without a date, certifying this person at this level again needs a decision with "
                              "a reason."))
        again_note.setWordWrap(True)
        layout.addLayout(again)
        layout.addWidget(again_note)
        layout.addWidget(self.confirm)

    def apply(self) -> None:
        decisions.revoke(self._db, self._user, self.record["certificate_no"], self.reason.text(), self.on.value(),
                             self.again_from.value() if self.set_again.isChecked() else None)


class ReissueDialog(_ReasonDateDialog):
    """Record a re-issue of a lost or damaged certificate; the number stays the same."""

    def __init__(self, db: sqlite_utils.Database, user: User, record: dict, parent: QWidget | None = None) -> None:
        self._db, self._user = db, user
        self.count = 0
        super().__init__(record, _("Re-issue a certificate"),
                         _("The certificate keeps its number and is marked as re-issued ({n} so far).").format(
                             n=record["reissues"]), _("Re-issue"), parent)
        self.reason.setPlaceholderText(_("e.g. lost, damaged"))

    def apply(self) -> None:
        self.count = decisions.reissue(self._db, self._user, self.record["certificate_no"], self.reason.text(),
                                           self.on.value())


def path_model(parent: QWidget | None = None) -> RecordTableModel:
    """Columns of a person's certification path (also shown in the staff history)."""
    return RecordTableModel([
        (_("Decided on"), decisions.decided_label),
        (_("Level"), lambda r: r["level"]),
        (_("Certificate no."), lambda r: r["certificate_no"]),
        (_("Approver"), lambda r: r["approver"]),
        (_("Certification status"), lambda r: _(decisions.CERT_STATUSES[r["status"]]) + (
            " " + _("({date}: {reason})").format(date=format_wareki(date.fromisoformat(r["revoked_on"])),
                                                  reason=r["revoke_reason"]) if r["revoked_on"] else "")),
        (_("Scheme"), lambda r: _("{name} (version {version})").format(name=r["scheme"], version=r["scheme_version"])),
    ], parent)


class PersonPathDialog(QDialog):
    """認定の経緯: a person's certifications in the order decided, with the reasons recorded at each."""

    def __init__(self, db: sqlite_utils.Database, user: User, staff_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = decisions.person_path(db, user, staff_id)
        if self.path:  # the register's own name: a viewer may read the register, not the person's record
            name = self.path[-1]["name"].replace(" ", "\u3000", 1)
        else:
            person, _current = edit.person(db, user, staff_id)
            name = f"{person['family_name']}\u3000{person['given_name']}"
        self.setWindowTitle(_("Certification path of {name}").format(name=name))
        self.model = path_model(self)
        self.model.set_records(self.path)
        self.view = record_table_view(self.model)
        self.view.setObjectName("pathTable")
        self.reasons = QLabel()
        self.reasons.setObjectName("decisionReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view.selectionModel().currentRowChanged.connect(lambda current, _previous: self._show(current.row()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not self.path:
            layout.addWidget(QLabel(_("No certifications yet.")))
        layout.addWidget(self.view, 1)
        if allowed(user, Action.ELIGIBILITY_VIEW):  # the reasons hold combined scores
            layout.addWidget(QLabel(_("Reasons recorded with the decision:")))
            layout.addWidget(self.reasons)
        layout.addWidget(buttons)
        if self.path:
            self.view.selectRow(len(self.path) - 1)
        fit_to_screen(self, 760, 420)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.path) and "reasons_json" in self.path[row]:
            self.reasons.setText("\n".join(_(text) for text in json.loads(self.path[row]["reasons_json"])))


class SwitchSchemeDialog(FormDialog):
    """Choose the scheme in use among those saved, or add one from the presets."""

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        self._db, self._user = db, user
        super().__init__(_("Switch certification scheme"), parent)
        fit_to_screen(self, 640, 360)

    def build(self, layout: QVBoxLayout) -> None:
        db = self._db
        current = schemes.active_scheme_id(db)
        self.list = QListWidget()
        self.list.setObjectName("schemeList")
        saved_families = set()
        for row in schemes.list_schemes(db):
            if not row["latest"]:
                continue
            saved_families.add(row["family"])
            item = QListWidgetItem(_("{name} (version {version})").format(name=row["name"], version=row["version"]))
            item.setData(Qt.ItemDataRole.UserRole, ("family", row["family"]))
            self.list.addItem(item)
            if row["id"] == current:
                self.list.setCurrentItem(item)
        for key, preset in schemes.PRESETS.items():
            if preset.family not in saved_families:
                item = QListWidgetItem(_("Add from preset: {name}").format(name=preset.name))
                item.setData(Qt.ItemDataRole.UserRole, ("preset", key))
                self.list.addItem(item)
        note = QLabel(_("Certifications already decided keep the scheme and version they were decided under."))
        note.setWordWrap(True)
        self.list.itemDoubleClicked.connect(lambda _item: self.submit())
        layout.addWidget(self.list, 1)
        layout.addWidget(note)

    def apply(self) -> None:
        item = self.list.currentItem()
        if item is None:
            raise UserError(_("Choose a scheme."))
        what, value = item.data(Qt.ItemDataRole.UserRole)
        family = schemes.PRESETS[value].family if what == "preset" else value
        if what == "preset":
            schemes.install_preset(self._db, value, self._user)
        app_settings.set_value(self._db, "certification_scheme", family, self._user)
