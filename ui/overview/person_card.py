"""個人カード: one dialog per person, opened by double-clicking them wherever they are listed.

The tabs and their contents come from ``app.overview.person_card`` (which decides what each role may
see); the administrator sets the employment status (在職・休職・退職) from 基本情報.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlite_utils
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.overview import person_card
from app.staff import edit
from app.register.accounts import User
from app.formatting import format_timestamp
from app.i18n import N_, _
from app.register.permissions import Action, allowed
from app.evaluation.project_list import day_label, realisation_label, status_label, year_label
from app.wareki import display_date
from ui.certification.certificate_log_tab import KINDS
from ui.certification.dialogs import path_model
from ui.widgets.dialog_parts import fit_to_screen, run_modal
from ui.widgets.form_dialog import FormDialog
from ui.widgets.table_model import RecordTableModel, record_table_view
from ui.widgets.wareki_date import DateEdit

STATUS_CHOICES = (("active", "在職"), ("leave", "休職"), ("retired", "退職"))


def _affiliation_model(parent: QWidget) -> RecordTableModel:
    return RecordTableModel([
        (_("From"), lambda h: display_date(h["valid_from"])),
        (_("Until"), lambda h: display_date(h["valid_to"]) if h["valid_to"] else _("present")),
        (_("Department"), lambda h: h["department"]),
        (_("Section / unit"), lambda h: h["section"]),
        (_("Position"), lambda h: h["position"] or ""),
    ], parent)


def _projects_model(parent: QWidget) -> RecordTableModel:
    return RecordTableModel([
        (_("Fiscal year"), lambda p: year_label(p["fiscal_year"])),
        (_("Project"), lambda p: p["name"]),
        (_("Project role"), lambda p: p["role_label"]),
        (_("Status"), lambda p: status_label(p["status"])),
        (_("Degree of realisation"), lambda p: realisation_label(p["realisation"])),
        (_("Sessions attended"), lambda p: f"{p['sessions_attended']} / {p['sessions']}"),
        (_("Joined on"), lambda p: day_label(p["joined_on"])),
    ], parent)


def _training_model(parent: QWidget) -> RecordTableModel:
    return RecordTableModel([
        (_("Date"), lambda r: display_date(r["starts_on"])),
        (_("Kind"), lambda r: r["kind_label"]),
        (_("Title"), lambda r: r["title"]),
        (_("Hours"), lambda r: "" if r["hours"] is None else f"{r['hours']:g}"),
        (_("Organiser"), lambda r: r["organiser"]),
    ], parent)


def _evaluations_model(parent: QWidget) -> RecordTableModel:
    return RecordTableModel([
        (_("Fiscal year"), lambda r: year_label(r["fiscal_year"])),
        (_("Project"), lambda r: r["project"]),
        (_("Perspective"), lambda r: r["perspective"]),
        (_("Result"), lambda r: r["value"]),
        (_("Raters"), lambda r: _("{n} (min. {min})").format(n=r["raters"], min=r["min_raters"])),
        (_("Shown to viewers"), lambda r: r["public"]),
    ], parent)


def _certificates_model(parent: QWidget) -> RecordTableModel:
    return RecordTableModel([
        (_("Output at"), lambda r: format_timestamp(r["printed_at"])),
        (_("Certificate no."), lambda r: r["certificate_no"]),
        (_("Level"), lambda r: r["level"]),
        (_("Kind"), lambda r: _(KINDS.get(r["kind"], r["kind"]))),
        (_("File"), lambda r: r["file_name"] or _("(printed)")),
        (_("By"), lambda r: r["printed_by"]),
    ], parent)


def _skills_model(parent: QWidget) -> RecordTableModel:
    return RecordTableModel([
        (_("Skill catalogue"), lambda r: r["catalogue"]),
        (_("Skill item"), lambda r: r["item"]),
        (_("Level"), lambda r: f"{r['level']} {r['level_name']}"),
        (_("Assessed on"), lambda r: day_label(r["assessed_on"])),
        (_("Source"), lambda r: r["source_label"]),
    ], parent)


def _qualifications_model(parent: QWidget) -> RecordTableModel:
    return RecordTableModel([
        (_("Qualification"), lambda r: r["qualification"]),
        (_("Obtained on"), lambda r: display_date(r["obtained_on"])),
        (_("Expires on"), lambda r: display_date(r["expires_on"]) or _("does not expire")),
        (_("Status"), lambda r: r["status_label"]),
        (_("Evidence note"), lambda r: r["note"]),
    ], parent)


# tab key -> (columns, the service that reads its rows, what an empty tab says)
_TABLE_TABS: dict[str, tuple[Callable[[QWidget], RecordTableModel], Callable, str]] = {
    "affiliations": (_affiliation_model, person_card.affiliations, N_("No affiliations are recorded.")),
    "projects": (_projects_model, person_card.projects, N_("Not on any project yet.")),
    "training": (_training_model, person_card.training, N_("No training attended yet.")),
    "evaluations": (_evaluations_model, person_card.evaluations, N_("No evaluations yet.")),
    "certifications": (path_model, person_card.certifications, N_("No certifications yet.")),
    "certificates": (_certificates_model, person_card.printed_certificates, N_("No certificate has been output yet.")),
    "skills": (_skills_model, person_card.skills, N_("No skills are recorded yet.")),
    "qualifications": (_qualifications_model, person_card.qualifications, N_("No qualifications are recorded.")),
}


class PersonCardDialog(QDialog):
    """The card: 基本情報 and the tabs the acting user may open, read on ``on`` (default today)."""

    def __init__(self, db: sqlite_utils.Database, user: User, staff_id: int, parent: QWidget | None = None,
                 on: date | None = None, tab: str = "basic") -> None:
        super().__init__(parent)
        self._db, self._user, self._staff_id = db, user, staff_id
        self._on = on or date.today()
        self.changed = False  # the status was set: the list that opened the card reloads
        self.setObjectName("personCard")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("personCardTabs")
        self.pages: dict[str, QWidget] = {}
        self.models: dict[str, RecordTableModel] = {}
        for key, title in person_card.visible_tabs(user):
            page = self._basic_page() if key == "basic" else self._table_page(key)
            page.setObjectName(f"card_{key}")
            self.pages[key] = page
            self.tabs.addTab(page, title)
        self._load()
        if tab in self.pages:
            self.tabs.setCurrentWidget(self.pages[tab])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 960, 560)

    def tab_keys(self) -> list[str]:
        return list(self.pages)

    # -- building ---------------------------------------------------------------------------------------
    def _basic_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        rows = [("name", _("Name")), ("reading", _("Reading")), ("staff_no", _("Staff no.")),
                ("affiliation", _("Affiliation")), ("position", _("Position"))]
        if allowed(self._user, Action.STAFF_HISTORY):
            rows.append(("hire_date", _("Hire date")))
        rows.append(("status", _("Employment status")))
        for key, label in rows:
            field = QLabel()
            field.setObjectName(f"field_{key}")
            field.setWordWrap(True)
            self.fields[key] = field
            form.addRow(label, field)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        if allowed(self._user, Action.STAFF_EDIT):
            self.status_button = QPushButton(_("Set the employment status…"))
            self.status_button.setObjectName("setStatus")
            self.status_button.clicked.connect(self.set_status)
            row = QHBoxLayout()
            row.addWidget(self.status_button)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _table_page(self, key: str) -> QWidget:
        make_model, _reader, empty = _TABLE_TABS[key]
        page = QWidget()
        model = make_model(page)
        self.models[key] = model
        view = record_table_view(model)
        view.setObjectName(f"{key}Table")
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        note = QLabel(_(empty))
        note.setObjectName("emptyNote")
        layout = QVBoxLayout(page)
        layout.addWidget(note)
        layout.addWidget(view, 1)
        return page

    # -- reading ----------------------------------------------------------------------------------------
    def _load(self) -> None:
        card = person_card.basics(self._db, self._user, self._staff_id, self._on)
        self.card = card
        self.setWindowTitle(_("Person card: {name}").format(name=card.name))
        values = {"name": card.name, "reading": card.reading, "staff_no": card.staff_no,
                  "affiliation": " ".join(p for p in (card.department, card.section) if p) or "—",
                  "position": card.position or "—", "hire_date": display_date(card.hire_date) or "—",
                  "status": person_card.status_text(card, self._on)}
        for key, field in self.fields.items():
            field.setText(values[key])
        for key, model in self.models.items():
            rows = _TABLE_TABS[key][1](self._db, self._user, self._staff_id)
            model.set_records(rows)
            self.pages[key].findChild(QLabel, "emptyNote").setVisible(not rows)

    # -- the administrator's change ---------------------------------------------------------------------
    def set_status(self) -> None:
        dialog = StatusDialog(self._db, self._user, self.card, self._on, self)
        if run_modal(dialog):
            self.changed = True
            self._load()


class StatusDialog(FormDialog):
    """在職・休職・退職 by hand, with the dates HR's notice gives (``staff_edit.set_status``)."""

    def __init__(self, db: sqlite_utils.Database, user: User, card: person_card.Basics, on: date,
                 parent: QWidget | None = None) -> None:
        self._db, self._user, self._card, self._on = db, user, card, on
        super().__init__(_("Employment status of {name}").format(name=card.name), parent)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._status_changed()
        self.setMinimumWidth(520)

    def build(self, layout: QVBoxLayout) -> None:
        card, on = self._card, self._on
        self.status = QComboBox()
        self.status.setObjectName("status")
        for key, word in STATUS_CHOICES:
            self.status.addItem(word, key)
        self.status.setCurrentIndex(self.status.findData("active" if card.status in ("leave", "retired") else "leave"))
        self.on = DateEdit(on, field=_("Status date"))
        self.on.setObjectName("statusOn")
        self.until = DateEdit(optional=True, field=_("Leave until"))
        self.until.setObjectName("statusUntil")
        self.on_label, self.hint = QLabel(), QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("statusHint")
        form = QFormLayout()
        form.addRow(_("Status"), self.status)
        form.addRow(self.on_label, self.on)
        form.addRow(_("Leave until"), self.until)
        layout.addWidget(QLabel(_("Now: {status}").format(status=person_card.status_text(card, on))))
        layout.addLayout(form)
        layout.addWidget(self.hint)

    def _status_changed(self) -> None:
        status = self.status.currentData()
        self.on_label.setText({"leave": _("Leave from"), "retired": _("Last day"),
                               "active": _("Back at work from")}[status])
        self.until.setEnabled(status == "leave")
        self.hint.setText({
            "leave": _("Leave until: the last day of the leave; leave it empty while it is not known."),
            "retired": _("The last day of service: the person's seat closes on that day. A staff import that still "
                         "lists them after that day takes them back, with a warning in its preview."),
            "active": _("Ends a leave on the day before, or undoes a retirement."),
        }[status])

    def apply(self) -> None:
        edit.set_status(self._db, self._user, self._card.staff_id, self.status.currentData(),
                        self.on.value(), self.until.value() if self.until.isEnabled() else None)


def open_person_card(parent: QWidget, db: sqlite_utils.Database, user: User, staff_id: int | None,
                     tab: str = "basic") -> bool:
    """Show the card of ``staff_id`` (nothing for None: an external rater, an empty row); True if it changed data."""
    if staff_id is None:
        return False
    dialog = PersonCardDialog(db, user, staff_id, parent, tab=tab)
    run_modal(dialog)
    return dialog.changed


def staff_id_at(view, index: QModelIndex, key: str = "staff_id") -> int | None:
    """The person on a double-clicked row of a ``RecordTableModel`` view (its records are dicts)."""
    if not index.isValid():
        return None
    record = view.model().record_at(index.row())
    return record.get(key) if isinstance(record, dict) else getattr(record, key, None)
