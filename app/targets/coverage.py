"""Section coverage: does every section (課) have its DX推進リーダー — certified or designated people?

The rule comes from the year's coverage target (at least N people per section, counting certified,
designated or either, of a level or a role); without one, at least one person, either way, of any
level or role. A section short of the rule is listed with who could be named: certified staff sitting
there who are not counted yet, and — for the administrator, who may see the engine — staff there who
are eligible for a level now.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlite_utils

from app.certification import eligibility
from app.register.accounts import User
from app.register.permissions import Action, allowed, require
from app.targets import population
from app.targets.targets import Target, list_targets


@dataclass
class Person:
    staff_id: int
    staff_no: str
    name: str
    detail: str = ""  # a designee's role; a nominee's level held ("certified") or now within reach ("eligible")
    basis: str = ""   # for a nominee: "certified" or "eligible"


@dataclass
class SectionCoverage:
    unit_id: int
    department: str
    section: str
    staff: int
    certified: list[Person] = field(default_factory=list)
    designated: list[Person] = field(default_factory=list)
    counted: int = 0
    covered: bool = False
    nominees: list[Person] = field(default_factory=list)


@dataclass
class CoverageReport:
    fiscal_year: int
    as_of: date
    rule: Target
    sections: list[SectionCoverage]

    @property
    def covered(self) -> int:
        return sum(1 for s in self.sections if s.covered)

    @property
    def uncovered(self) -> list[SectionCoverage]:
        return [s for s in self.sections if not s.covered]


def rule_for(db: sqlite_utils.Database, user: User, fy: int) -> Target:
    """The year's coverage target (the one set first, when a town set several), else one person either way."""
    found = [t for t in list_targets(db, user, fy) if t.kind == "coverage"]
    return min(found, key=lambda t: t.id or 0) if found else Target(None, fy, "coverage", 1.0)


def count_sections(db: sqlite_utils.Database, rule: Target, fy: int, on: date,
                   people: dict[int, population.Seat] | None = None) -> dict[int, tuple[set[int], set[int]]]:
    """section id → (certified people seated there, designated people for it) under ``rule`` on ``on``."""
    people = population.people_on(db, on) if people is None else people
    scheme = population.active_scheme(db)
    counts: dict[int, tuple[set[int], set[int]]] = {s["unit_id"]: (set(), set()) for s in population.sections_on(db, on)}
    if rule.counts in ("certified", "either"):
        for staff_id in population.certified_on(db, scheme.family if scheme else None, on, rule.level_code):
            seat = people.get(staff_id)
            if seat is not None and seat.section_id in counts:
                counts[seat.section_id][0].add(staff_id)
    if rule.counts in ("designated", "either"):
        for unit_id, staff_ids in population.designated_in(db, fy, rule.role_id).items():
            if unit_id in counts:
                counts[unit_id][1].update(s for s in staff_ids if s in people)
    return counts


def covered_count(db: sqlite_utils.Database, rule: Target, fy: int, on: date,
                  people: dict[int, population.Seat] | None = None) -> tuple[int, int]:
    """(sections meeting ``rule``, sections in force) on ``on`` — the figure progress and trends use."""
    counts = count_sections(db, rule, fy, on, people)
    return sum(1 for cert, des in counts.values() if len(cert | des) >= rule.value), len(counts)


def coverage(db: sqlite_utils.Database, user: User, fy: int, today: date) -> CoverageReport:
    """Every section in force on the year's measuring day, with who counts and, where short, who could be named."""
    require(user, Action.TARGETS_VIEW)
    on = population.measure_day(fy, today)
    rule = rule_for(db, user, fy)
    people = population.people_on(db, on)
    counts = count_sections(db, rule, fy, on, people)
    labels = _labels(db)
    roles = _designation_roles(db, fy)
    held = _held_levels(db, on)
    staff = Counter(seat.section_id for seat in people.values())
    sections = []
    for s in population.sections_on(db, on):
        cert, des = counts[s["unit_id"]]
        row = SectionCoverage(s["unit_id"], s["department"], s["section"], staff[s["unit_id"]])
        row.certified = sorted((Person(i, *labels[i], "・".join(held.get(i, []))) for i in cert),
                               key=lambda p: p.staff_no)
        row.designated = sorted((Person(i, *labels[i], roles.get((s["unit_id"], i), "")) for i in des),
                                key=lambda p: p.staff_no)
        row.counted = len(cert | des)
        row.covered = row.counted >= rule.value
        sections.append(row)
    report = CoverageReport(fy, on, rule, sections)
    _name_nominees(db, user, report, people, labels, held)
    return report


def _labels(db: sqlite_utils.Database) -> dict[int, tuple[str, str]]:
    return {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, staff_no, family_name || '　' || given_name FROM staff")}


def _designation_roles(db: sqlite_utils.Database, fy: int) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    for unit_id, staff_id, name in db.execute("""SELECT g.unit_id, g.staff_id, r.name FROM designations g
                                                 JOIN designation_roles r ON r.id = g.role_id
                                                 WHERE g.fiscal_year = ? ORDER BY r.sort_order""", [fy]):
        found[(unit_id, staff_id)] = "・".join(filter(None, [found.get((unit_id, staff_id)), name]))
    return found


def _held_levels(db: sqlite_utils.Database, on: date) -> dict[int, list[str]]:
    """staff id → the names of the levels of the scheme in use they hold on ``on``, in the order decided."""
    scheme = population.active_scheme(db)
    if scheme is None:
        return {}
    names = {lv.code: lv.name for lv in scheme.levels}
    held: dict[int, list[str]] = {}
    for staff_id, code in db.execute(
            """SELECT staff_id, level_code FROM certifications WHERE scheme_family = ? AND decided_on <= ?
               AND (status = 'active' OR revoked_on > ?) ORDER BY decided_on, id""",
            [scheme.family, on.isoformat(), on.isoformat()]):
        held.setdefault(staff_id, []).append(names.get(code, code))
    return held


def _name_nominees(db: sqlite_utils.Database, user: User, report: CoverageReport, people: dict[int, population.Seat],
                   labels: dict[int, tuple[str, str]], held: dict[int, list[str]]) -> None:
    """Who could be named in each uncovered section: certified people there not yet counted, then the eligible."""
    short = {s.unit_id: s for s in report.uncovered}
    scheme = population.active_scheme(db)
    if not short or scheme is None:
        return
    here = {sid: seat.section_id for sid, seat in people.items() if seat.section_id in short}
    counted = {p.staff_id for row in short.values() for p in row.certified + row.designated}
    for staff_id, section_id in here.items():
        row = short[section_id]
        if staff_id in held and staff_id not in counted:
            row.nominees.append(Person(staff_id, *labels[staff_id], "・".join(held[staff_id]), "certified"))
    if not allowed(user, Action.ELIGIBILITY_VIEW) or not here:
        return
    for candidate in eligibility.eligibility(db, user, scheme, report.as_of, sorted(here)):
        if candidate.status == "eligible":
            row = short[here[candidate.staff_id]]
            if all(p.staff_id != candidate.staff_id for p in row.nominees):
                row.nominees.append(Person(candidate.staff_id, *labels[candidate.staff_id], candidate.level.name,
                                          "eligible"))
    for row in short.values():
        row.nominees.sort(key=lambda p: (p.basis == "eligible", p.staff_no))
