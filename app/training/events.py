"""Training events: 研修, 勉強会, ワークショップ, 講演会, e-learning and 外部講座, with or without a project.

A project's own workshop is an event with ``project_id`` set (migration 0013 moved the old project sessions
here), so that one list holds everything a person attended and "workshops attended" counts both kinds.
Dates are passed in; an event may last several days (``starts_on`` to ``ends_on``) and has the hours of a
full attendance, which an attendance row may override.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.text import safe_normalise
from app.wareki import fiscal_year_range, require_supported

# kind -> label (the order is the order of the screen's choice)
KINDS = {
    "training": N_("Training course"),
    "study": N_("Study session"),
    "workshop": N_("Workshop"),
    "lecture": N_("Lecture"),
    "elearning": N_("e-learning"),
    "external": N_("External course"),
}
# field -> label, for the audit log's sentences
FIELDS = {"title": N_("Title"), "kind": N_("Kind"), "starts_on": N_("First day"),
          "ends_on": N_("Last day of the event"), "hours": N_("Hours"), "organiser": N_("Organiser"),
          "target_group": N_("Target group"), "project_id": N_("Project"), "note": N_("Remarks")}
MAX_HOURS = 1000.0  # a whole external programme is far below; a typo such as 20000 is not


def kind_label(kind: str) -> str:
    return _(KINDS.get(kind, kind))


def kind_from_text(text: str) -> str:
    """The kind for a key or label as typed (「研修」, "workshop", 「e-ラーニング」 …); UserError naming the choices."""
    folded = safe_normalise(text).lower().replace(" ", "")
    for key, label in KINDS.items():
        if folded in (key, _(label).lower().replace(" ", ""), label.lower().replace(" ", "")):
            return key
    aliases = {"研修": "training", "研修会": "training", "勉強会": "study", "ワークショップ": "workshop", "講演会": "lecture",
               "講演": "lecture", "eラーニング": "elearning", "e-ラーニング": "elearning", "外部講座": "external",
               "外部研修": "external"}
    if folded in aliases:
        return aliases[folded]
    raise UserError(_("Unknown kind of training {kind} (use {choices}).").format(
        kind=text, choices="、".join(_(label) for label in KINDS.values())))


@dataclass
class EventInput:
    """What the event form and ``training add`` fill in."""

    title: str
    kind: str
    starts_on: date
    ends_on: date | None = None  # None: a one-day event
    hours: float | None = None
    organiser: str = ""
    target_group: str = ""
    project_id: int | None = None
    note: str = ""


def _row(data: EventInput) -> dict:
    """The event as stored, after the checks every way in (screen, CLI, demo) shares."""
    title = safe_normalise(data.title)
    if not title:
        raise UserError(_("Enter a title for the training event."))
    if data.kind not in KINDS:
        raise UserError(_("Unknown kind of training {kind} (use {choices}).").format(
            kind=data.kind, choices="、".join(_(label) for label in KINDS.values())))
    require_supported(data.starts_on, _("First day"))
    ends_on = data.ends_on or data.starts_on
    require_supported(ends_on, _("Last day of the event"))
    if ends_on < data.starts_on:
        raise UserError(_("The last day of the event is before its first day."))
    if data.hours is not None and not 0 <= data.hours <= MAX_HOURS:
        raise UserError(_("{field} must be from 0 to {max}.").format(field=_("Hours"), max=int(MAX_HOURS)))
    return {"title": title, "kind": data.kind, "starts_on": data.starts_on.isoformat(), "ends_on": ends_on.isoformat(),
            "hours": data.hours, "organiser": safe_normalise(data.organiser), "target_group": safe_normalise(data.target_group),
            "project_id": data.project_id, "note": data.note.strip()}


def _check_project(db: sqlite_utils.Database, project_id: int | None) -> None:
    if project_id is not None and db.execute("SELECT 1 FROM projects WHERE id = ?", [project_id]).fetchone() is None:
        raise UserError(_("No project with id {id}.").format(id=project_id))


def create_event(db: sqlite_utils.Database, data: EventInput, user: User) -> int:
    require(user, Action.TRAINING_EDIT)
    row = _row(data)
    with transaction(db):
        _check_project(db, data.project_id)
        event_id = db["training_events"].insert(row | {"created_by": user.login}).last_pk
        audit.record(db, user.login, "training.create", "training_events", event_id, None, row)
    return event_id


def update_event(db: sqlite_utils.Database, event_id: int, data: EventInput, user: User) -> None:
    require(user, Action.TRAINING_EDIT)
    row = _row(data)
    with transaction(db):
        before = event(db, event_id)
        _check_project(db, data.project_id)
        db["training_events"].update(event_id, row)
        changed = [k for k in row if before[k] != row[k]]
        audit.record(db, user.login, "training.update", "training_events", event_id,
                     {k: before[k] for k in changed} | {"title": before["title"]},
                     {k: row[k] for k in changed} | {"title": row["title"]})


def remove_event(db: sqlite_utils.Database, event_id: int, user: User) -> None:
    """Delete an event and its attendance; refused once it has a participant survey (its answers stay)."""
    require(user, Action.TRAINING_EDIT)
    with transaction(db):
        before = event(db, event_id)
        if db.execute("SELECT 1 FROM survey_questions WHERE event_id = ? UNION ALL "
                      "SELECT 1 FROM survey_responses WHERE event_id = ?", [event_id, event_id]).fetchone():
            raise UserError(_("This event has a participant survey; it cannot be deleted."))
        attended = db.execute("SELECT count(*) FROM training_attendance WHERE event_id = ?", [event_id]).fetchone()[0]
        db.execute("DELETE FROM training_attendance WHERE event_id = ?", [event_id])
        db.execute("DELETE FROM training_events WHERE id = ?", [event_id])
        audit.record(db, user.login, "training.remove", "training_events", event_id,
                     {"title": before["title"], "starts_on": before["starts_on"], "attendees": attended}, None)


def event(db: sqlite_utils.Database, event_id: int) -> dict:
    """The stored event; refused by id when there is none."""
    row = next(db.query("SELECT * FROM training_events WHERE id = ?", [event_id]), None)
    if row is None:
        raise UserError(_("No training event with id {id}.").format(id=event_id))
    return row


def event_input(db: sqlite_utils.Database, event_id: int) -> EventInput:
    row = event(db, event_id)
    return EventInput(row["title"], row["kind"], date.fromisoformat(row["starts_on"]), date.fromisoformat(row["ends_on"]),
                      row["hours"], row["organiser"], row["target_group"], row["project_id"], row["note"])


_LIST_SQL = """
SELECT e.id, e.title, e.kind, e.starts_on, e.ends_on, e.hours, e.organiser, e.target_group, e.project_id, e.note,
       p.name AS project_name,
       (SELECT count(*) FROM training_attendance a WHERE a.event_id = e.id) AS attendees
FROM training_events e LEFT JOIN projects p ON p.id = e.project_id
"""


def list_events(db: sqlite_utils.Database, user: User, fiscal_year: int | None = None,
                kind: str | None = None) -> list[dict]:
    """Events, newest first, with the number who attended and the kind's label; optionally one fiscal year
    (events starting in it) and one kind."""
    require(user, Action.TRAINING_VIEW)
    where, params = [], []
    if fiscal_year is not None:
        first, last = fiscal_year_range(fiscal_year)
        where.append("e.starts_on BETWEEN ? AND ?")
        params += [first.isoformat(), last.isoformat()]
    if kind:
        where.append("e.kind = ?")
        params.append(kind)
    sql = _LIST_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY e.starts_on DESC, e.id DESC"
    rows = list(db.query(sql, params))
    for row in rows:
        row["kind_label"] = kind_label(row["kind"])
    return rows


def fiscal_years(db: sqlite_utils.Database, user: User) -> list[int]:
    """The fiscal years that have events, newest first (the screen's year filter)."""
    require(user, Action.TRAINING_VIEW)
    days = [r[0] for r in db.execute("SELECT DISTINCT substr(starts_on, 1, 7) FROM training_events")]
    years = {int(d[:4]) - (1 if int(d[5:7]) < 4 else 0) for d in days}
    return sorted(years, reverse=True)
