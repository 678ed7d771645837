"""Dialogs of the 研修 tab: the event form, attendance picked by section, and the attendance import preview.

Each dialog calls the service on OK and stays open with the service's words when it refuses.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.evaluation import projects
from app.formatting import format_number
from app.i18n import _
from app.register.accounts import User
from app.staff import directory
from app.training import attendance, attendance_import, events
from app.training.events import EventInput
from app.wareki import display_date
from ui.evaluation.project_dialogs import AddMemberDialog
from ui.widgets.dialog_parts import fit_to_screen
from ui.widgets.form_dialog import FormDialog, StandardButton
from ui.widgets.table_model import RecordTableModel, record_table_view
from ui.widgets.wareki_date import DateEdit


def _hours(text: str) -> float | None:
    text = text.strip().replace("，", ".").replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise UserError(_("{field}: {value} is not a number.").format(field=_("Hours"), value=text)) from None


class EventDialog(FormDialog):
    """A new training event (event_id None) or the form of an existing one."""

    def __init__(self, db: sqlite_utils.Database, user: User, event_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        self._db, self._user, self._event_id = db, user, event_id
        self.saved_id: int | None = event_id
        super().__init__(_("Add a training event") if event_id is None else _("Edit the training event"), parent)
        if event_id is not None:
            self._load(events.event_input(db, event_id))
        fit_to_screen(self, 620, 520)

    def build(self, layout: QVBoxLayout) -> None:
        form = QFormLayout()
        self.title = QLineEdit()
        self.title.setObjectName("eventTitle")
        self.kind = QComboBox()
        self.kind.setObjectName("eventKind")
        for key in events.KINDS:
            self.kind.addItem(events.kind_label(key), key)
        self.starts_on = DateEdit(field=_("First day"))
        self.ends_on = DateEdit(optional=True, field=_("Last day of the event"))
        self.hours = QLineEdit()
        self.hours.setObjectName("eventHours")
        self.hours.setPlaceholderText(_("empty = not known"))
        self.hours.setMaximumWidth(120)
        self.organiser = QLineEdit()
        self.organiser.setObjectName("eventOrganiser")
        self.target = QLineEdit()
        self.target.setObjectName("eventTarget")
        self.target.setPlaceholderText(_("e.g. 全職員, 新規採用職員, 管理職"))
        self.project = QComboBox()
        self.project.setObjectName("eventProject")
        self.project.addItem(_("(none)"), None)
        for row in projects.list_projects(self._db, self._user):
            self.project.addItem(f"{row['fiscal_year']}　{row['name']}", row["id"])
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(70)
        for label, widget in ((_("Title"), self.title), (_("Kind"), self.kind), (_("First day"), self.starts_on),
                              (_("Last day of the event"), self.ends_on), (_("Hours"), self.hours),
                              (_("Organiser"), self.organiser), (_("Target group"), self.target),
                              (_("Project"), self.project), (_("Remarks"), self.note)):
            form.addRow(label, widget)
        hint = QLabel(_("Last day: only for an event of several days. Hours: of a full attendance."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout.addLayout(form)
        layout.addWidget(hint)

    def _load(self, data: EventInput) -> None:
        self.title.setText(data.title)
        self.kind.setCurrentIndex(max(0, self.kind.findData(data.kind)))
        self.starts_on.set_value(data.starts_on)
        self.ends_on.set_value(data.ends_on if data.ends_on != data.starts_on else None)
        self.hours.setText("" if data.hours is None else f"{data.hours:g}")
        self.organiser.setText(data.organiser)
        self.target.setText(data.target_group)
        self.project.setCurrentIndex(max(0, self.project.findData(data.project_id)))
        self.note.setPlainText(data.note)

    def data(self) -> EventInput:
        return EventInput(self.title.text(), self.kind.currentData(), self.starts_on.value(), self.ends_on.value(),
                          _hours(self.hours.text()), self.organiser.text(), self.target.text(),
                          self.project.currentData(), self.note.toPlainText())

    def apply(self) -> None:
        data = self.data()
        if self._event_id is None:
            self.saved_id = events.create_event(self._db, data, self._user)
        else:
            events.update_event(self._db, self._event_id, data, self._user)


class AttendanceDialog(AddMemberDialog):
    """Who attended an event: tick any number of people, found by department, section and search, as the
    project member picker does (「表示中の全員をチェック」 takes a whole section). Saving replaces the list."""

    def __init__(self, db: sqlite_utils.Database, event_id: int, user: User, parent: QWidget | None = None) -> None:
        self._db, self._user, self._event_id = db, user, event_id
        self.result_ = None
        row = events.event(db, event_id)
        self._event = row
        attended = set(attendance.attendee_ids(db, user, event_id))
        on = date.fromisoformat(row["starts_on"])
        # The people in service on the first day (not those retired before it or hired after it), and anyone recorded.
        self._everyone = [r for r in directory.load_directory(db, user, on)
                          if r.status not in ("retired", "planned") or r.id in attended]
        self._order = directory.unit_order(db)
        self._candidates = self._everyone
        self._last_query, self._last_matches = "", self._candidates
        FormDialog.__init__(self, _("Attendance: {title}").format(title=row["title"]), parent, ok_text=_("Save"))
        self.model.set_ticked(sorted(attended), True)
        self._refresh()
        self._show_ticked()
        fit_to_screen(self, 900, 620)

    def build(self, layout: QVBoxLayout) -> None:
        heading = QLabel(_("{title} ({kind}, {day}): tick who attended; the sections are as on the first day.").format(
            title=self._event["title"], kind=events.kind_label(self._event["kind"]),
            day=display_date(self._event["starts_on"])))
        heading.setWordWrap(True)
        layout.addWidget(heading)
        super().build(layout)
        self.role.hide()  # the member picker's role box and its label: attendance has hours instead
        for label in self.findChildren(QLabel):
            if label.text() == _("Project role"):
                label.hide()
        self.hours = QLineEdit()
        self.hours.setObjectName("attendanceHours")
        self.hours.setPlaceholderText(_("whole event"))
        self.hours.setMaximumWidth(110)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(QLabel(_("Hours for the people added")))
        row.addWidget(self.hours)
        layout.addLayout(row)

    def apply(self) -> None:
        self.result_ = attendance.set_attendance(self._db, self._event_id, self.ticked_ids(), self._user,
                                                 _hours(self.hours.text()))


class AttendanceImportDialog(FormDialog):
    """What an attendance file would add; 取り込む only when no row has an error (all or nothing)."""

    def __init__(self, db: sqlite_utils.Database, user: User, preview: attendance_import.AttendancePreview,
                 parent: QWidget | None = None) -> None:
        self._db, self._user, self.preview = db, user, preview
        self.committed = False
        super().__init__(_("Import attendance from {file}").format(file=preview.path.name), parent, ok_text=_("Import"),
                         ok_name="importAttendance", standard=StandardButton.Cancel)
        self.ok_button.setEnabled(not preview.errors and bool(preview.added or preview.updated))
        fit_to_screen(self, 780, 500)

    def build(self, layout: QVBoxLayout) -> None:
        p = self.preview
        self.summary = QLabel(_("To add: {added} · hours changed: {updated} · unchanged: {unchanged} · events: {events} · "
                                "errors: {errors}").format(added=format_number(p.added), updated=format_number(p.updated),
                                                           unchanged=format_number(p.unchanged),
                                                           events=len(p.events), errors=len(p.errors)))
        self.summary.setWordWrap(True)
        counts: dict[int, int] = {}
        for row in p.rows:
            counts[row.event_id] = counts.get(row.event_id, 0) + 1
        self.events_model = RecordTableModel([(_("Training event"), lambda r: r[1]), (_("Rows"), lambda r: r[2])], self)
        self.events_model.set_records([(eid, title, counts.get(eid, 0)) for eid, title in p.events.items()])
        self.rows_model = RecordTableModel([
            (_("Row"), lambda r: r.line), (_("Staff member"), lambda r: r.person),
            (_("Training event"), lambda r: p.events.get(r.event_id, "")),
            (_("Hours"), lambda r: "" if r.hours is None else f"{r.hours:g}"),
            (_("Change"), lambda r: {"add": _("add"), "hours": _("new hours")}.get(r.change, _("unchanged")))], self)
        self.rows_model.set_records(p.rows)
        self.errors_model = RecordTableModel([(_("Problem"), lambda text: text)], self)
        self.errors_model.set_records(p.errors)
        self.tabs = QTabWidget()
        self.tabs.addTab(record_table_view(self.rows_model), _("Rows ({n})").format(n=len(p.rows)))
        self.tabs.addTab(record_table_view(self.events_model), _("Events ({n})").format(n=len(p.events)))
        errors_view = record_table_view(self.errors_model)
        errors_view.setObjectName("importErrors")
        errors_view.setWordWrap(True)
        self.tabs.addTab(errors_view, _("Errors ({n})").format(n=len(p.errors)))
        if p.errors:
            self.tabs.setCurrentIndex(2)
        self.note = QLabel(_("The file has errors: correct them and import it again. Nothing has been written.")
                           if p.errors else _("Nothing to change.") if not (p.added or p.updated) else "")
        self.note.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note)

    def apply(self) -> None:
        attendance_import.commit(self._db, self._user, self.preview)
        self.committed = True
