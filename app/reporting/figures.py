"""The figures the reports share: certified people per level and department, training per department.

They count the same people as targets and coverage (app/targets/population.py: in service with a
primary assignment on the day, certified by then and not revoked by then), on the day a fiscal year
is measured (its last day once it is over, else today), so that a report and the 目標・配置 screen
never disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from app.i18n import _
from app.targets import population
from app.wareki import fiscal_year_range

NO_DEPARTMENT = 0


@dataclass
class Departments:
    """unit id → its 部 (the unit at the top of the tree above it), and the 部 in the organisation's order."""

    of_unit: dict[int, int]
    names: dict[int, str]
    order: list[int]

    def label(self, department_id: int) -> str:
        return self.names.get(department_id) or _("(no department)")


def departments(db: sqlite_utils.Database) -> Departments:
    units = {r[0]: (r[1], r[2], r[3]) for r in db.execute("SELECT id, parent_id, name, sort_order FROM org_units")}
    of_unit: dict[int, int] = {}
    for unit_id in units:
        top, seen = unit_id, set()
        while units[top][0] is not None and units[top][0] in units and top not in seen:
            seen.add(top)
            top = units[top][0]
        of_unit[unit_id] = top
    tops = sorted({t for t in of_unit.values()}, key=lambda t: (units[t][2] or 0, t))
    return Departments(of_unit, {t: units[t][1] for t in tops}, tops)


@dataclass
class LevelCount:
    code: str
    name: str
    people: set[int]


def certified_by_level(db: sqlite_utils.Database, on: date,
                       people: dict[int, population.Seat] | None = None) -> list[LevelCount]:
    """The levels of the scheme in use with who holds each on ``on`` among the staff counted that day
    (a person may hold several; a retired holder no longer counts, as in the targets)."""
    scheme = population.active_scheme(db)
    if scheme is None:
        return []
    counted = set(population.people_on(db, on) if people is None else people)
    return [LevelCount(lv.code, lv.name, population.certified_on(db, scheme.family, on, lv.code) & counted)
            for lv in scheme.levels]


@dataclass
class DepartmentRow:
    department_id: int
    staff: int
    per_level: list[int]
    certified: int


def certified_by_department(db: sqlite_utils.Database, on: date) -> tuple[list[LevelCount], list[DepartmentRow]]:
    """Per 部 (in the organisation's order; only those with staff on the day): staff, certified per level, certified."""
    people = population.people_on(db, on)
    levels = certified_by_level(db, on, people)
    depts = departments(db)
    seat = {sid: depts.of_unit.get(s.unit_id, NO_DEPARTMENT) for sid, s in people.items()}
    staff = Counter(seat.values())
    any_level = Counter(seat[sid] for sid in set().union(*(lv.people for lv in levels))) if levels else Counter()
    per_level = [Counter(seat[sid] for sid in lv.people) for lv in levels]
    rows = []
    for dept in depts.order + ([NO_DEPARTMENT] if NO_DEPARTMENT in staff else []):
        if staff[dept]:
            rows.append(DepartmentRow(dept, staff[dept], [c[dept] for c in per_level], any_level[dept]))
    return levels, rows


def share(part: int | float, whole: int | float) -> float:
    """A percentage to one decimal (as targets show shares); 0 of nobody is 0.0."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def training_hours(db: sqlite_utils.Database, fy: int) -> dict[int, float]:
    """staff id → hours of training attended in events starting in ``fy`` (no hours given: the event's)."""
    first, last = (d.isoformat() for d in fiscal_year_range(fy))
    return dict(db.execute("""SELECT a.staff_id, sum(coalesce(a.hours, e.hours, 0)) FROM training_attendance a
                              JOIN training_events e ON e.id = a.event_id
                              WHERE e.starts_on BETWEEN ? AND ? GROUP BY a.staff_id""", [first, last]))


def training_events(db: sqlite_utils.Database, fy: int) -> list[tuple]:
    """(id, title, kind, starts_on, hours, attendees, hours attended) of the events starting in ``fy``."""
    first, last = (d.isoformat() for d in fiscal_year_range(fy))
    return db.execute("""SELECT e.id, e.title, e.kind, e.starts_on, e.hours, count(a.staff_id),
                                sum(coalesce(a.hours, e.hours, 0))
                         FROM training_events e LEFT JOIN training_attendance a ON a.event_id = e.id
                         WHERE e.starts_on BETWEEN ? AND ? GROUP BY e.id ORDER BY e.starts_on, e.id""",
                      [first, last]).fetchall()


@dataclass
class TrainingRow:
    department_id: int
    staff: int
    trained: int
    hours: float


def training_by_department(db: sqlite_utils.Database, fy: int, on: date) -> list[TrainingRow]:
    """Per 部: the staff counted on ``on``, how many of them attended training in ``fy``, their hours."""
    people = population.people_on(db, on)
    hours = training_hours(db, fy)
    depts = departments(db)
    rows: dict[int, TrainingRow] = {}
    for sid, seat in people.items():
        dept = depts.of_unit.get(seat.unit_id, NO_DEPARTMENT)
        row = rows.setdefault(dept, TrainingRow(dept, 0, 0, 0.0))
        row.staff += 1
        if sid in hours:
            row.trained += 1
            row.hours += hours[sid]
    order = depts.order + [NO_DEPARTMENT]
    return [rows[d] for d in order if d in rows]
