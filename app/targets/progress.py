"""Progress against each target: the figure reached, the gap, and the trend over fiscal years.

A year is measured on its last day once it is over, and today while it runs (a target for a later
year — 「3年で450人」 — is measured today too, as progress towards it). The trend measures the same thing
for every fiscal year from the scheme's first year (設定の開始年度, else two years back) to the
target's year or this one, whichever comes first, next to the target of that year when one was set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlite_utils

from app.register import settings
from app.register.accounts import User
from app.register.permissions import Action, require
from app.targets import coverage, population
from app.targets.targets import Target, list_targets
from app.wareki import fiscal_year, fiscal_year_range

MAX_TREND_YEARS = 10


@dataclass
class YearFigure:
    fiscal_year: int
    actual: float
    target: float | None
    total: int | None = None  # coverage: the sections in force; shares: the staff counted


@dataclass
class Progress:
    target: Target
    as_of: date
    actual: float
    total: int | None
    gap: float
    met: bool
    trend: list[YearFigure] = field(default_factory=list)


def _in_group(db: sqlite_utils.Database, people: dict[int, population.Seat], unit_id: int | None) -> set[int]:
    if unit_id is None:
        return set(people)
    units = population.units_under(db, unit_id)
    return {sid for sid, seat in people.items() if seat.unit_id in units}


def _training(db: sqlite_utils.Database, fy: int) -> dict[int, float]:
    """staff id → hours of training attended in events starting in ``fy`` (an attendance without hours:
    the event's hours)."""
    first, last = (d.isoformat() for d in fiscal_year_range(fy))
    return dict(db.execute("""SELECT a.staff_id, sum(coalesce(a.hours, e.hours, 0)) FROM training_attendance a
                              JOIN training_events e ON e.id = a.event_id
                              WHERE e.starts_on BETWEEN ? AND ? GROUP BY a.staff_id""", [first, last]))


def _hours_saved(db: sqlite_utils.Database, fy: int, unit_id: int | None) -> float:
    sql = "SELECT owner_unit_id, coalesce(hours_saved_per_year, 0) FROM projects WHERE fiscal_year = ? AND status != 'cancelled'"
    units = population.units_under(db, unit_id) if unit_id is not None else None
    return float(sum(h for owner, h in db.execute(sql, [fy]) if units is None or owner in units))


def _people(db: sqlite_utils.Database, on: date, memo: dict | None) -> dict[int, population.Seat]:
    """``population.people_on``, read once per day for all the targets and trend years of one call."""
    if memo is None:
        return population.people_on(db, on)
    if on not in memo:
        memo[on] = population.people_on(db, on)
    return memo[on]


def measure(db: sqlite_utils.Database, target: Target, fy: int, on: date,
            memo: dict | None = None) -> tuple[float, int | None]:
    """(figure reached, total it is out of) for ``target``'s measure in fiscal year ``fy`` on ``on``."""
    if target.kind == "hours_saved":
        return _hours_saved(db, fy, target.unit_id), None
    people = _people(db, on, memo)
    if target.kind == "coverage":
        covered, sections = coverage.covered_count(db, target, fy, on, people)
        return float(covered), sections
    group = _in_group(db, people, target.unit_id)
    if target.kind in ("level_count", "staff_share"):
        scheme = population.active_scheme(db)
        certified = population.certified_on(db, scheme.family if scheme else None, on, target.level_code) & group
        if target.kind == "level_count":
            return float(len(certified)), None
        return _share(len(certified), len(group)), len(group)
    hours = _training(db, fy)
    if target.kind == "training_hours":
        return float(sum(h for sid, h in hours.items() if target.unit_id is None or sid in group)), None
    return _share(len(group & set(hours)), len(group)), len(group)


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _goal(target: Target, total: int | None) -> float:
    """What the figure must reach: for coverage every section in force, else the target's figure."""
    return float(total or 0) if target.kind == "coverage" else target.value


def trend_years(db: sqlite_utils.Database, target: Target, today: date) -> list[int]:
    end = min(target.fiscal_year, fiscal_year(today))
    first = settings.get(db, "first_fiscal_year")
    start = int(first) if first else end - 2
    return list(range(max(start, end - MAX_TREND_YEARS + 1), end + 1))


def progress_of(db: sqlite_utils.Database, target: Target, today: date, all_targets: list[Target],
                memo: dict | None = None) -> Progress:
    on = population.measure_day(target.fiscal_year, today)
    actual, total = measure(db, target, target.fiscal_year, on, memo)
    goal = _goal(target, total)
    gap = max(0.0, round(goal - actual, 1))
    same = {t.fiscal_year: t.value for t in all_targets if t.key == target.key}
    trend = []
    for fy in trend_years(db, target, today):
        value, out_of = measure(db, target, fy, population.measure_day(fy, today), memo)
        trend.append(YearFigure(fy, value, same.get(fy), out_of))
    return Progress(target, on, actual, total, gap, gap == 0, trend)


def progress(db: sqlite_utils.Database, user: User, today: date, fy: int | None = None) -> list[Progress]:
    """Progress against every target (of ``fy``, or of every year)."""
    require(user, Action.TARGETS_VIEW)
    every = list_targets(db, user)
    memo: dict = {}
    return [progress_of(db, t, today, every, memo) for t in every if fy is None or t.fiscal_year == fy]
