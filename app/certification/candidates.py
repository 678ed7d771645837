"""What the 認定 screen shows: candidates beside names and sections, filters with counts, number previews.

The engine answers per staff id and level; the screen needs each candidate's name, reading,
section and position, 五十音 order, narrowing by section, level and status with the count of
each status, and — before anything is written — the numbers an approval would allocate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from app.certification import eligibility
from app.staff import organisation
from app.register import settings
from app.staff import directory
from app.register.accounts import User
from app.certification.decisions import Approval, last_seq
from app.certification.numbers import certificate_number
from app.certification.eligibility import RequirementResult
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, require
from app.certification.schemes import SchemeSpec
from app.wareki import fiscal_year


@dataclass(slots=True)
class CandidateRow:
    """One person and the level they could take next, with the engine's reasons."""

    staff_id: int
    staff_no: str
    name: str
    reading: str
    department: str
    section: str
    position: str
    unit_id: int | None
    level_code: str
    level_name: str
    level_order: int
    results: list[RequirementResult]
    sort_key: tuple[str, ...]

    @property
    def unmet(self) -> int:
        return eligibility.unmet_count(self.results)

    @property
    def status(self) -> str:
        return eligibility.status_of(self.results)

    @property
    def key(self) -> tuple[int, str]:
        return self.staff_id, self.level_code


def candidate_rows(db: sqlite_utils.Database, user: User, scheme: SchemeSpec, as_of: date) -> list[CandidateRow]:
    """Every current staff member's candidate levels on ``as_of``, by reading (五十音), then level order.

    The administrator's only (the engine refuses anyone else).
    """
    require(user, Action.ELIGIBILITY_VIEW)
    people = {row.id: row for row in directory.load_directory(db, user, as_of)}
    order = {level.code: i for i, level in enumerate(scheme.levels)}
    rows = []
    for c in eligibility.eligibility(db, user, scheme, as_of):
        person = people.get(c.staff_id)
        if person is None:
            continue
        rows.append(CandidateRow(c.staff_id, person.staff_no, person.name, person.reading, person.department,
                                 person.section, person.position, person.unit_id, c.level.code, c.level.name,
                                 order[c.level.code], c.results, person.sort_key))
    rows.sort(key=lambda r: (r.sort_key, r.level_order))
    return rows


def unit_choices(db: sqlite_utils.Database, on: date | None = None) -> list[tuple[int, str, int]]:
    """(unit id, name, depth) of the departments and sections in force, in tree order, for a filter box."""
    choices = []
    for department in organisation.tree(db, on):
        choices.append((department.id, department.name, 0))
        choices.extend((child.id, child.name, 1) for child in department.children if child.kind == "section")
    return choices


def filter_candidates(rows: Sequence[CandidateRow], ancestors: dict[int, frozenset[int]], unit_id: int | None = None,
                      level_code: str = "", status: str = "") -> list[CandidateRow]:
    """Rows in the unit (or below it), at the level and with the status given; empty means any."""
    return [r for r in rows
            if (unit_id is None or (r.unit_id is not None and unit_id in ancestors.get(r.unit_id, ())))
            and (not level_code or r.level_code == level_code)
            and (not status or r.status == status)]


def status_counts(rows: Sequence[CandidateRow]) -> dict[str, int]:
    counts = dict.fromkeys(eligibility.STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def planned_numbers(db: sqlite_utils.Database, scheme: SchemeSpec, approvals: Sequence[Approval],
                    decided_on: date) -> list[tuple[Approval, str]]:
    """The numbers ``certification.approve`` would give, in the order it gives them (level, then reading).

    A preview only: nothing is reserved, and the approval allocates again inside its transaction.
    """
    order = {level.code: i for i, level in enumerate(scheme.levels)}
    readings = dict(db.execute("SELECT id, family_reading || given_reading || staff_no FROM staff"))
    fy = fiscal_year(decided_on)
    seq = last_seq(db, scheme.number_pattern, fy)
    ordered = sorted(set(approvals), key=lambda a: (order.get(a.level_code, len(order)),
                                                    readings.get(a.staff_id, ""), a.staff_id))
    return [(a, certificate_number(scheme.number_pattern, fy, seq + i)) for i, a in enumerate(ordered, start=1)]


def register_fiscal_years(db: sqlite_utils.Database) -> list[int]:
    """Fiscal years with at least one decision, newest first, for the register's filter."""
    return [r[0] for r in db.execute("SELECT DISTINCT fiscal_year FROM certifications ORDER BY fiscal_year DESC")]


def default_approver(db: sqlite_utils.Database) -> str:
    """「市長 氏名」 from the settings (認定者の職名・氏名), as the approver of a new decision.

    "" while either is empty: a bare 「市長」 or a placeholder name must never be recorded as who decided.
    """
    title, name = (str(settings.get(db, key) or "").strip() for key in ("mayor_title", "mayor_name"))
    return f"{title} {name}" if title and name else ""


def require_approver(db: sqlite_utils.Database) -> str:
    """The approver from the settings, or a refusal that says where to set it."""
    approver = default_approver(db)
    if not approver:
        raise UserError(_("The certifying official (title and name) is not set. Enter 認定者の職名 and 認定者の氏名 in "
                          "設定 (CLI: settings set mayor_name NAME) before certifying."))
    return approver
