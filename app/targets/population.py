"""Who is counted on a day: the staff in service with their section, the certified, the designated.

Targets, progress and coverage all count the same people, so the rules are written once here:
a person counts on a day when they are in service (a retirement counts from the day after the last
day) and hold a primary assignment in force that day; their section is the 課 of that assignment (a
係 belongs to its 課, someone seated directly in a 部 to no section). Certified on a day means a
certification of the scheme in use decided by then and not revoked by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from app.certification import schemes
from app.certification.schemes import SchemeSpec
from app.staff.directory import in_service_sql
from app.wareki import fiscal_year_range

_PEOPLE_SQL = f"""
SELECT s.id, a.unit_id,
       CASE u.kind WHEN 'section' THEN u.id WHEN 'unit' THEN
            (SELECT p.id FROM org_units p WHERE p.id = u.parent_id AND p.kind = 'section') END AS section_id
FROM staff s
JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1
     AND a.valid_from <= :on AND (a.valid_to IS NULL OR a.valid_to >= :on)
JOIN org_units u ON u.id = a.unit_id
WHERE {in_service_sql('s', ':on')}
"""


@dataclass(frozen=True)
class Seat:
    """Where a person sits on the day: the unit of the primary assignment and its section (or None)."""

    unit_id: int
    section_id: int | None


def measure_day(fy: int, today: date) -> date:
    """The day a fiscal year is measured on: its last day once it is over, else today (a year not yet
    begun is measured today, as progress towards it)."""
    return min(fiscal_year_range(fy)[1], today)


def people_on(db: sqlite_utils.Database, on: date) -> dict[int, Seat]:
    """staff id → seat of everyone counted on ``on``."""
    return {sid: Seat(unit, section) for sid, unit, section in db.execute(_PEOPLE_SQL, {"on": on.isoformat()})}


def sections_on(db: sqlite_utils.Database, on: date) -> list[dict]:
    """The sections (課) in force on ``on`` in the organisation's order, with their department's name."""
    day = on.isoformat()
    return [{"unit_id": r[0], "section": r[1], "department": r[2] or "", "department_id": r[3]} for r in db.execute(
        """SELECT u.id, u.name, d.name, d.id FROM org_units u LEFT JOIN org_units d ON d.id = u.parent_id
           WHERE u.kind = 'section' AND u.valid_from <= ? AND (u.valid_to IS NULL OR u.valid_to >= ?)
           ORDER BY d.sort_order, d.id, u.sort_order, u.id""", [day, day])]


def units_under(db: sqlite_utils.Database, unit_id: int) -> set[int]:
    """The unit and every unit below it (a 部's 課 and 係), to count the staff of a group."""
    found = {unit_id}
    frontier = [unit_id]
    while frontier:
        marks = ",".join("?" * len(frontier))
        frontier = [r[0] for r in db.execute(f"SELECT id FROM org_units WHERE parent_id IN ({marks})", frontier)
                    if r[0] not in found]
        found.update(frontier)
    return found


def active_scheme(db: sqlite_utils.Database) -> SchemeSpec | None:
    """The certification scheme in use (None before one is installed)."""
    scheme_id = schemes.active_scheme_id(db)
    return schemes.load_scheme(db, scheme_id) if scheme_id is not None else None


def certified_on(db: sqlite_utils.Database, family: str | None, on: date, level_code: str | None = None) -> set[int]:
    """Ids of the people holding ``level_code`` (None: any level) of the scheme ``family`` on ``on``."""
    if family is None:
        return set()
    day = on.isoformat()
    sql = ("SELECT DISTINCT staff_id FROM certifications WHERE scheme_family = ? AND decided_on <= ? "
           "AND (status = 'active' OR revoked_on > ?)")
    params: list = [family, day, day]
    if level_code:
        sql += " AND level_code = ?"
        params.append(level_code)
    return {r[0] for r in db.execute(sql, params)}


def designated_in(db: sqlite_utils.Database, fy: int, role_id: int | None = None) -> dict[int, set[int]]:
    """unit id → the people designated for it in ``fy`` (to ``role_id``, None: any role)."""
    sql = "SELECT unit_id, staff_id FROM designations WHERE fiscal_year = ?"
    params: list = [fy]
    if role_id is not None:
        sql += " AND role_id = ?"
        params.append(role_id)
    found: dict[int, set[int]] = {}
    for unit_id, staff_id in db.execute(sql, params):
        found.setdefault(unit_id, set()).add(staff_id)
    return found
