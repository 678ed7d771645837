"""Training and qualification rows written straight into a register, for the requirement tests.

The importers and screens of training (lane 1) and qualifications (lane 2) write these rows in the app;
the eligibility tests need only the rows, so they write them here in one transaction (the seal triggers
seal them like any other write of the app).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlite_utils

from app.db import transaction


def add_event(db: sqlite_utils.Database, title: str, on: date, hours: float | None, attendees: Iterable[int],
              kind: str = "training", ends_on: date | None = None, attended_hours: float | None = None) -> int:
    """A training event and who attended it (``attended_hours``: each one's hours when not the event's)."""
    with transaction(db):
        event_id = db.execute(
            "INSERT INTO training_events (title, kind, starts_on, ends_on, hours) VALUES (?, ?, ?, ?, ?)",
            [title, kind, on.isoformat(), (ends_on or on).isoformat(), hours]).lastrowid
        db.conn.executemany("INSERT INTO training_attendance (event_id, staff_id, hours) VALUES (?, ?, ?)",
                            [(event_id, staff_id, attended_hours) for staff_id in attendees])
    return event_id


def add_qualification(db: sqlite_utils.Database, staff_id: int, name: str, obtained: date,
                      expires: date | None = None) -> int:
    """A person's qualification from the catalogue (by name), obtained and valid through ``expires``."""
    with transaction(db):
        return db.execute(
            "INSERT INTO staff_qualifications (staff_id, name, obtained_on, qualification_id, expires_on) "
            "VALUES (?, ?, ?, (SELECT id FROM qualifications WHERE name = ?), ?)",
            [staff_id, name, obtained.isoformat(), name, expires.isoformat() if expires else None]).lastrowid


def set_position(db: sqlite_utils.Database, staff_id: int, position: str) -> None:
    """Give the person's open primary assignment another position (as if it had always been so)."""
    with transaction(db):
        db.execute("UPDATE staff_assignments SET position_id = (SELECT id FROM positions WHERE name = ?) "
                   "WHERE staff_id = ? AND is_primary = 1 AND valid_to IS NULL", [position, staff_id])
