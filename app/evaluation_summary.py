"""Aggregated ratings and rater calibration.

An evaluator's rating of a member from one perspective is the mean of the
scores they gave on its criteria. Per member and perspective, the submitted
ratings are combined by the template's rule (mean or median) and shown only
when at least the template's minimum number of raters answered, so that no
one's individual rating can be read back from a published figure.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from app.accounts import User, require_admin
from app.errors import PermissionDenied
from app.i18n import N_, _
from app.permissions import Action, require

LENIENCY_THRESHOLD = 0.75  # points above/below the perspective's mean of raters
MIN_FOR_FLAT = 3  # a rater must have rated this many members before "same score for all" means anything
MIN_PEERS_FOR_COMPARISON = 3  # an evaluator sees the all-raters mean only when it hides the others
FLAGS = {"lenient": N_("Lenient"), "severe": N_("Severe"), "flat": N_("Same score for everyone")}
INSUFFICIENT = N_("Not enough raters")


@dataclass
class SummaryRow:
    project_id: int
    target_staff_id: int
    perspective_id: int
    perspective_code: str
    perspective: str
    raters: int
    min_raters: int
    value: float | None  # None when fewer raters than min_raters answered
    raw_value: float | None = None  # only filled for the certification engine

    @property
    def display(self) -> str:
        return _(INSUFFICIENT) if self.value is None else f"{self.value:.2f}"


def _ratings(db: sqlite_utils.Database, project_id: int | None,
             staff_ids: list[int] | None = None, as_of: date | None = None) -> list[tuple]:
    """(project, target, perspective, evaluator key, assignment mean, min score, max score) per submitted assignment.

    With ``as_of``, only the assignments submitted on or before that day.
    """
    where, params = _narrowing("a.project_id", "a.target_staff_id", project_id, staff_ids)
    if as_of is not None:
        where += " AND substr(a.submitted_at, 1, 10) <= ?"
        params.append(as_of.isoformat())
    return db.execute(f"""
        SELECT a.project_id, a.target_staff_id, a.perspective_id,
               coalesce('s' || a.evaluator_staff_id, 'e' || a.evaluator_external_id),
               avg(s.score), min(s.score), max(s.score)
        FROM evaluation_assignments a JOIN evaluation_scores s ON s.assignment_id = a.id
        WHERE a.status = 'submitted' AND s.score IS NOT NULL {where}
        GROUP BY a.id""", params).fetchall()


def _narrowing(project_column: str, staff_column: str, project_id: int | None,
               staff_ids: list[int] | None) -> tuple[str, list]:
    """Extra AND conditions for one project and/or some people (an approval asks about a handful)."""
    where, params = "", []
    if project_id is not None:
        where += f" AND {project_column} = ?"
        params.append(project_id)
    if staff_ids is not None:
        where += f" AND {staff_column} IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(staff_ids)))
    return where, params


def _perspectives(db: sqlite_utils.Database) -> dict[int, dict]:
    return {r["id"]: r for r in db.query("""
        SELECT p.id, p.code, p.name, p.min_raters, p.sort_order, t.aggregation
        FROM template_perspectives p JOIN evaluation_templates t ON t.id = p.template_id""")}


def _combine(values: list[float], rule: str) -> float:
    return statistics.median(values) if rule == "median" else statistics.fmean(values)


def summary(db: sqlite_utils.Database, user: User, project_id: int | None = None) -> list[SummaryRow]:
    """Per member and perspective of the project's template (or of every project): the combined rating.

    Evaluators do not see other members' results; the administrator and viewers do.
    """
    if user.role == "evaluator":
        raise PermissionDenied(_("Evaluators cannot see other members' results."))
    return _combined(db, project_id)


def combined_ratings(db: sqlite_utils.Database, user: User, project_id: int | None = None,
                     with_raw: bool = False, staff_ids: list[int] | None = None,
                     as_of: date | None = None) -> list[SummaryRow]:
    """The summary for the certification engine: the administrator's only.

    With ``with_raw`` the value is also computed below the minimum number of raters
    (in ``raw_value``), so that a scheme may ask for more raters than the template; with two
    raters, anyone who sees the combined figure and gave one rating can work out the other.
    With ``as_of``, only the ratings submitted by that day count.
    """
    require_admin(user, reading=True)
    return _combined(db, project_id, with_raw, staff_ids, as_of)


def _combined(db: sqlite_utils.Database, project_id: int | None = None, with_raw: bool = False,
              staff_ids: list[int] | None = None, as_of: date | None = None) -> list[SummaryRow]:
    perspectives = _perspectives(db)
    grouped: dict[tuple[int, int, int], list[float]] = defaultdict(list)
    for project, target, perspective, _key, mean, _low, _high in _ratings(db, project_id, staff_ids, as_of):
        grouped[(project, target, perspective)].append(mean)
    # Every rated member appears for every perspective of their project's template, rated or not.
    where, params = _narrowing("m.project_id", "m.staff_id", project_id, staff_ids)
    expected = db.execute(f"""
        SELECT m.project_id, m.staff_id, p.id FROM project_members m JOIN projects pr ON pr.id = m.project_id
        JOIN template_perspectives p ON p.template_id = pr.template_id
        WHERE m.role != 'owner' {where}""", params).fetchall()
    rows = []
    for key in {*map(tuple, expected), *grouped}:
        project, target, perspective_id = key
        info = perspectives[perspective_id]
        values = grouped.get(key, [])
        raw = round(_combine(values, info["aggregation"]), 2) if values else None
        row = SummaryRow(project, target, perspective_id, info["code"], info["name"], len(values), info["min_raters"],
                         raw if len(values) >= info["min_raters"] else None)
        if with_raw:
            row.raw_value = raw
        rows.append(row)
    rows.sort(key=lambda r: (r.project_id, r.target_staff_id, perspectives[r.perspective_id]["sort_order"]))
    return rows


@dataclass
class RaterStats:
    evaluator_key: str
    perspective_id: int
    perspective: str
    rated: int                 # members rated (submitted)
    mean: float
    spread: float              # population standard deviation of their ratings
    peers_mean: float | None   # mean over all raters of the perspective
    difference: float | None   # mean - peers_mean
    flags: list[str]

    @property
    def flag_text(self) -> str:
        return "、".join(_(FLAGS[f]) for f in self.flags)


def _flat(rows: list[tuple]) -> bool:
    """Every score this rater gave, on every criterion, for every member, is the same."""
    return len(rows) >= MIN_FOR_FLAT and len({r[5] for r in rows} | {r[6] for r in rows}) == 1


def calibration(db: sqlite_utils.Database, user: User, project_id: int | None = None) -> list[RaterStats]:
    """Each rater's mean and spread against all raters of the same perspective, with flags.

    The administrator sees every rater; an evaluator sees only their own lines,
    and the comparison figure only when at least three raters share the perspective.
    """
    require(user, Action.TENDENCY_VIEW)  # viewers see no rater's tendency, not even a linked one's own
    own_key = f"s{user.staff_id}" if user.staff_id is not None else None
    if not user.is_admin and own_key is None:
        return []
    perspectives = _perspectives(db)
    by_rater: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    by_perspective: dict[int, list[float]] = defaultdict(list)
    for row in _ratings(db, project_id):
        by_rater[(row[3], row[2])].append(row)
    rater_means = {key: statistics.fmean(r[4] for r in rows) for key, rows in by_rater.items()}
    raters_per_perspective: dict[int, int] = defaultdict(int)
    for (key, perspective), mean in rater_means.items():
        by_perspective[perspective].append(mean)
        raters_per_perspective[perspective] += 1
    result = []
    for (key, perspective), rows in by_rater.items():
        if not user.is_admin and key != own_key:
            continue
        mean = rater_means[(key, perspective)]
        peers = statistics.fmean(by_perspective[perspective])
        visible = user.is_admin or raters_per_perspective[perspective] >= MIN_PEERS_FOR_COMPARISON
        difference = mean - peers if raters_per_perspective[perspective] > 1 else None
        flags = []
        if difference is not None and difference >= LENIENCY_THRESHOLD:
            flags.append("lenient")
        if difference is not None and difference <= -LENIENCY_THRESHOLD:
            flags.append("severe")
        if _flat(rows):
            flags.append("flat")
        result.append(RaterStats(key, perspective, perspectives[perspective]["name"], len(rows), round(mean, 2),
                                 round(statistics.pstdev([r[4] for r in rows]), 2),
                                 round(peers, 2) if visible else None,
                                 round(difference, 2) if visible and difference is not None else None,
                                 flags if visible or flags == ["flat"] else [f for f in flags if f == "flat"]))
    result.sort(key=lambda s: (perspectives[s.perspective_id]["sort_order"], s.perspective_id, s.evaluator_key))
    return result


@dataclass
class MemberSpread:
    project_id: int
    target_staff_id: int
    perspective_id: int
    perspective: str
    raters: int
    lowest: float
    highest: float
    spread: float


def member_spread(db: sqlite_utils.Database, user: User, project_id: int | None = None) -> list[MemberSpread]:
    """Per member and perspective, how far the raters disagree: administrator only.

    Only from the perspective's minimum number of raters, like the combined rating: below it
    the lowest and highest are one rater's own score (「1人（最低2人） 3.33 3.33 0.00」).
    """
    require_admin(user, reading=True)
    perspectives = _perspectives(db)
    grouped: dict[tuple[int, int, int], list[float]] = defaultdict(list)
    for project, target, perspective, _key, mean, _low, _high in _ratings(db, project_id):
        grouped[(project, target, perspective)].append(mean)
    rows = [MemberSpread(p, t, q, perspectives[q]["name"], len(v), round(min(v), 2), round(max(v), 2),
                         round(statistics.pstdev(v), 2)) for (p, t, q), v in grouped.items()
            if len(v) >= perspectives[q]["min_raters"]]
    rows.sort(key=lambda r: (-r.spread, r.project_id, r.target_staff_id))
    return rows
