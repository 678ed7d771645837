"""研修・資格: a tab widget whose 研修 tab lists training events with who attended them (and opens an event's
participant survey), and whose 資格 tab (``ui.training.qualifications_tab``) lists qualifications.
Only administrators change anything; viewers read.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.formatting import format_number
from app.i18n import N_, _
from app.register.accounts import User
from app.register.permissions import Action, allowed
from app.training import attendance, attendance_import, events
from app.wareki import display_date, format_fiscal_year
from ui.widgets.dialog_parts import run_modal
from ui.widgets.table_model import RecordTableModel, record_table_view

ATTENDANCE_FILE_FILTER = N_("Attendance lists (*.csv *.txt *.xlsx);;All files (*)")


def _days(row: dict) -> str:
    first = display_date(row["starts_on"])
    return first if row["ends_on"] == row["starts_on"] else f"{first}〜{display_date(row['ends_on'])}"


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class TrainingTab(QWidget):
    """研修: events (newest first, by fiscal year and kind) above the selected event's attendees."""

    changed = Signal()

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingTab")
        self._db, self._user = db, user
        self._admin = allowed(user, Action.TRAINING_EDIT)
        self._build_filters()
        self._build_toolbar()
        self.events_model = RecordTableModel([
            (_("Date"), _days), (_("Kind"), lambda r: r["kind_label"]), (_("Title"), lambda r: r["title"]),
            (_("Hours"), lambda r: _hours(r["hours"])), (_("Attended"), lambda r: format_number(r["attendees"])),
            (_("Organiser"), lambda r: r["organiser"]), (_("Target group"), lambda r: r["target_group"]),
            (_("Project"), lambda r: r["project_name"] or "")], self)
        self.events_view = record_table_view(self.events_model)
        self.events_view.setObjectName("trainingEvents")
        self.events_view.selectionModel().selectionChanged.connect(lambda *_a: self._show_attendees())
        self.events_view.doubleClicked.connect(lambda _i: self.edit_attendance() if self._admin else None)
        self.people_model = RecordTableModel([
            (_("Staff no."), lambda r: r["staff_no"]), (_("Name"), lambda r: r["name"]),
            (_("Section"), lambda r: r["unit"]), (_("Hours"), lambda r: _hours(r["hours"])),
            (_("Entered"), lambda r: _("imported") if r["source"] == "import" else _("on screen"))], self)
        self.people_view = record_table_view(self.people_model)
        self.people_view.setObjectName("trainingAttendees")
        self.people_view.doubleClicked.connect(self._open_card)
        self.people_label = QLabel()
        self.people_label.setObjectName("attendeesLabel")
        self.empty_label = QLabel(_("No training events yet. Add one with 「Add…」, then enter or import who attended."))
        self.empty_label.setObjectName("trainingEmpty")
        self.empty_label.setWordWrap(True)
        self._layout()
        self.reload()

    def _build_filters(self) -> None:
        self.year = QComboBox()
        self.year.setObjectName("trainingYear")
        self.kind = QComboBox()
        self.kind.setObjectName("trainingKind")
        self.kind.addItem(_("All kinds"), None)
        for key in events.KINDS:
            self.kind.addItem(events.kind_label(key), key)
        self.year.currentIndexChanged.connect(lambda _i: self.reload(keep_years=True))
        self.kind.currentIndexChanged.connect(lambda _i: self.reload(keep_years=True))

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.actions_: dict[str, QAction] = {}
        for key, label, slot in (("add", _("Add…"), self.add_event), ("edit", _("Edit…"), self.edit_event),
                                 ("attendance", _("Enter attendance…"), self.edit_attendance),
                                 ("import", _("Import attendance from CSV/Excel…"), lambda: self.import_attendance()),
                                 ("remove", _("Delete"), self.remove_event)):
            action = self.toolbar.addAction(label)
            action.setObjectName(f"training_{key}")
            action.triggered.connect(slot)
            action.setVisible(self._admin)
            self.actions_[key] = action
        # The event's participant survey (lane 2's dialog): viewers read its results, administrators run it.
        survey = self.toolbar.addAction(_("Participant survey…"))
        survey.setObjectName("trainingSurvey")
        survey.triggered.connect(self.open_survey)
        survey.setVisible(allowed(self._user, Action.SURVEYS_VIEW))
        self.actions_["survey"] = survey

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Fiscal year")))
        filters.addWidget(self.year)
        filters.addWidget(QLabel(_("Kind")))
        filters.addWidget(self.kind)
        filters.addStretch(1)
        self.count_label = QLabel()
        filters.addWidget(self.count_label)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.people_label)
        lower_layout.addWidget(self.people_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.empty_label)
        upper_layout.addWidget(self.events_view, 1)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)

    # -- reading ------------------------------------------------------------------------------------
    def reload(self, keep_years: bool = False, select: int | None = None) -> None:
        if not keep_years:
            self._fill_years()
        current = select if select is not None else self.current_id()
        rows = events.list_events(self._db, self._user, self.year.currentData(), self.kind.currentData())
        self.events_model.set_records(rows)
        self.count_label.setText(_("{n} events").format(n=format_number(len(rows))))
        self.empty_label.setVisible(not rows and self.year.currentData() is None and self.kind.currentData() is None)
        ids = [r["id"] for r in rows]
        if rows:
            self.events_view.selectRow(ids.index(current) if current in ids else 0)
        self._show_attendees()

    def _fill_years(self) -> None:
        chosen = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem(_("All years"), None)
        for year in events.fiscal_years(self._db, self._user):
            self.year.addItem(format_fiscal_year(year), year)
        self.year.setCurrentIndex(max(0, self.year.findData(chosen)))
        self.year.blockSignals(False)

    def current_id(self) -> int | None:
        rows = self.events_view.selectionModel().selectedRows() if self.events_view.selectionModel() else []
        return self.events_model.record_at(rows[0].row())["id"] if rows else None

    def _show_attendees(self) -> None:
        event_id = self.current_id()
        people = attendance.attendees(self._db, self._user, event_id) if event_id is not None else []
        self.people_model.set_records(people)
        if event_id is None:
            self.people_label.setText(_("Select an event to see who attended."))
        else:
            row = self.events_model.record_at(self.events_view.selectionModel().selectedRows()[0].row())
            self.people_label.setText(_("{title}: {n} attended").format(title=row["title"], n=format_number(len(people))))
        for key in ("edit", "attendance", "remove", "survey"):
            self.actions_[key].setEnabled(event_id is not None)

    def _open_card(self, index) -> None:
        """A double-click on an attendee opens their card on 研修, as every list of people does."""
        from ui.overview.person_card import open_person_card

        if index.isValid() and open_person_card(self, self._db, self._user,
                                                self.people_model.record_at(index.row())["staff_id"], tab="training"):
            self.reload()

    # -- changing -----------------------------------------------------------------------------------
    def _refused(self, exc: UserError) -> None:
        QMessageBox.warning(self, _("Training"), str(exc))

    def _changed(self, select: int | None = None) -> None:
        self.reload(select=select)
        self.changed.emit()

    def add_event(self) -> None:
        from ui.training.event_dialogs import EventDialog

        dialog = EventDialog(self._db, self._user, parent=self)
        if run_modal(dialog):
            self._changed(dialog.saved_id)

    def edit_event(self) -> None:
        from ui.training.event_dialogs import EventDialog

        event_id = self.current_id()
        if event_id is not None and run_modal(EventDialog(self._db, self._user, event_id, self)):
            self._changed(event_id)

    def edit_attendance(self) -> None:
        from ui.training.event_dialogs import AttendanceDialog

        event_id = self.current_id()
        if event_id is not None and run_modal(AttendanceDialog(self._db, event_id, self._user, self)):
            self._changed(event_id)

    def open_survey(self) -> None:
        from ui.training.survey_dialog import SurveyDialog

        event_id = self.current_id()
        if event_id is not None:
            run_modal(SurveyDialog(self._db, self._user, event_id, self))

    def remove_event(self) -> None:
        event_id = self.current_id()
        if event_id is None:
            return
        row = events.event(self._db, event_id)
        answer = QMessageBox.question(self, _("Delete the training event"), _(
            "Delete {title} ({day}) and its attendance?").format(title=row["title"], day=display_date(row["starts_on"])))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            events.remove_event(self._db, event_id, self._user)
        except UserError as exc:
            self._refused(exc)
            return
        self._changed()

    def import_attendance(self, path: Path | None = None, today=None) -> None:
        """Read an attendance sheet, show what it would add and every error, import when it has none."""
        from datetime import date

        from ui.training.event_dialogs import AttendanceImportDialog

        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(self, _("Import attendance"), "", _(ATTENDANCE_FILE_FILTER))
            if not chosen:
                return
            path = Path(chosen)
        try:
            preview = attendance_import.preview_file(self._db, self._user, path, today or date.today())
        except UserError as exc:
            self._refused(exc)
            return
        dialog = AttendanceImportDialog(self._db, self._user, preview, self)
        self.import_dialog = dialog  # for tests and screenshots while it is open
        if run_modal(dialog):
            self._changed()
        self.import_dialog = None


class TrainingPage(QTabWidget):
    """The 研修・資格 navigation page: 研修 and 資格."""

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_training")
        self._shown = False
        self.training_tab = TrainingTab(db, user, self)
        self.addTab(self.training_tab, _("Training"))
        self.qualifications_tab = None
        if allowed(user, Action.QUALIFICATIONS_VIEW):
            from ui.training.qualifications_tab import QualificationsTab

            self.qualifications_tab = QualificationsTab(db, user, self)
            self.addTab(self.qualifications_tab, _("Qualifications"))

    def reload(self) -> None:
        self.training_tab.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The projects screen adds workshops too: shown again, the list is read again."""
        if self._shown:
            self.training_tab.reload()
        self._shown = True
        super().showEvent(event)
