"""Who attended a training event: entered on the screen (many people at once, picked by section) or imported.

An attendance row's ``hours`` is NULL when the person attended the whole event (the event's hours count);
a number when they attended part of it. ``source`` says whether the row came from the screen or a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import UserError
from app.i18n import _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.staff.directory import unit_names
from app.training.events import MAX_HOURS, event, kind_label


def _check_people(db: sqlite_utils.Database, staff_ids: Sequence[int]) -> None:
    unknown = set(staff_ids) - {r[0] for r in db.execute("SELECT id FROM staff")}
    if unknown:
        raise UserError(_("Unknown staff member (id {id}).").format(id=min(unknown)))


def _check_hours(hours: float | None) -> None:
    if hours is not None and not 0 <= hours <= MAX_HOURS:
        raise UserError(_("{field} must be from 0 to {max}.").format(field=_("Hours"), max=int(MAX_HOURS)))


def set_attendance(db: sqlite_utils.Database, event_id: int, staff_ids: Sequence[int], user: User,
                   hours: float | None = None) -> dict:
    """Make the event's attendance exactly ``staff_ids`` (all of them or none): people already recorded keep
    their hours, the others get ``hours`` (None: the whole event). Returns the numbers added and removed."""
    require(user, Action.TRAINING_EDIT)
    _check_hours(hours)
    wanted = set(staff_ids)
    with transaction(db):
        event(db, event_id)
        _check_people(db, sorted(wanted))
        before = {r[0] for r in db.execute("SELECT staff_id FROM training_attendance WHERE event_id = ?", [event_id])}
        gone, new = sorted(before - wanted), sorted(wanted - before)
        db.conn.executemany("DELETE FROM training_attendance WHERE event_id = ? AND staff_id = ?",
                            [(event_id, s) for s in gone])
        db["training_attendance"].insert_all(
            {"event_id": event_id, "staff_id": s, "hours": hours, "source": "app"} for s in new)
        audit.record(db, user.login, "training.attendance", "training_events", event_id,
                     {"removed": gone}, {"added": new, "hours": hours, "attendees": len(wanted)})
    return {"added": len(new), "removed": len(gone), "attendees": len(wanted)}


def add_attendance(db: sqlite_utils.Database, event_id: int, staff_ids: Sequence[int], user: User,
                   hours: float | None = None) -> int:
    """Add people to the event (those already recorded stay as they are); returns how many were added."""
    require(user, Action.TRAINING_EDIT)
    with transaction(db):
        current = {r[0] for r in db.execute("SELECT staff_id FROM training_attendance WHERE event_id = ?", [event_id])}
        result = set_attendance(db, event_id, sorted(current | set(staff_ids)), user, hours)
    return result["added"]


def attendees(db: sqlite_utils.Database, user: User, event_id: int, on: date | None = None) -> list[dict]:
    """The people recorded for an event in 五十音 order, with their section (on ``on``, default the event's
    first day) and the hours that count for them."""
    require(user, Action.TRAINING_VIEW)
    row = event(db, event_id)
    day = (on or date.fromisoformat(row["starts_on"])).isoformat()
    names = unit_names(db)
    people = list(db.query("""
        SELECT s.id AS staff_id, s.staff_no, s.family_name || ' ' || s.given_name AS name, a.hours AS own_hours,
               a.source, coalesce(a.hours, e.hours) AS hours,
               (SELECT x.unit_id FROM staff_assignments x WHERE x.staff_id = s.id AND x.is_primary = 1
                AND x.valid_from <= ? ORDER BY x.valid_from DESC LIMIT 1) AS unit_id
        FROM training_attendance a JOIN staff s ON s.id = a.staff_id JOIN training_events e ON e.id = a.event_id
        WHERE a.event_id = ? ORDER BY s.family_reading, s.given_reading, s.staff_no""", [day, event_id]))
    for person in people:
        person["unit"] = " ".join(n for n in names.get(person["unit_id"], ()) if n)
    return people


def attendee_ids(db: sqlite_utils.Database, user: User, event_id: int) -> list[int]:
    require(user, Action.TRAINING_VIEW)
    return [r[0] for r in db.execute("SELECT staff_id FROM training_attendance WHERE event_id = ? ORDER BY staff_id",
                                     [event_id])]


def person_training(db: sqlite_utils.Database, user: User, staff_id: int) -> list[dict]:
    """研修 of a person's card: the events they attended, newest first, with the hours that count."""
    require(user, Action.TRAINING_VIEW)
    rows = list(db.query("""
        SELECT e.id AS event_id, e.title, e.kind, e.starts_on, e.ends_on, e.organiser, e.project_id,
               coalesce(a.hours, e.hours) AS hours, a.source
        FROM training_attendance a JOIN training_events e ON e.id = a.event_id
        WHERE a.staff_id = ? ORDER BY e.starts_on DESC, e.id DESC""", [staff_id]))
    for row in rows:
        row["kind_label"] = kind_label(row["kind"])
    return rows


def staff_in_units(db: sqlite_utils.Database, user: User, unit_ids: Sequence[int], on: date) -> list[int]:
    """The people whose primary seat on ``on`` is in one of the units or below it (a whole section at once)."""
    from app.staff.organisation import unit_ancestors

    require(user, Action.STAFF_LIST)
    wanted, above = set(unit_ids), unit_ancestors(db)
    day = on.isoformat()
    return sorted({staff_id for staff_id, unit_id in db.execute(
        """SELECT a.staff_id, a.unit_id FROM staff_assignments a JOIN staff s ON s.id = a.staff_id
           WHERE a.is_primary = 1 AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
           AND (s.status != 'retired' OR s.retired_on >= ?)""", [day, day, day])
        if above.get(unit_id, frozenset()) & wanted})
