"""Aggregated ratings and rater calibration.

An evaluator's rating of a member from one perspective is the mean of the
scores they gave on its criteria. Per member and perspective, the submitted
ratings are combined by the template's rule (mean or median) and shown only
when at least the template's minimum number of raters answered, so that no
one's individual rating can be read back from a published figure.

A minimum alone is not enough: a viewer who sees 2.50 from 2 raters and, after
one more rater submits, 2.67 from 3 knows that rater's rating (3 × 2.67 − 2 × 2.50).
So non-administrators see figures under the publication rule (README 「集計結果の公開ルール」):

1. A member's figure for a perspective is published only when *every* evaluator assigned to
   that member and perspective has submitted (a "sealed" group) and they are at least the
   template's minimum. While one is outstanding it reads 「未提出の評価あり」, so a viewer
   never sees the figure move as ratings arrive one by one. An assignment that will never be
   submitted is removed by the administrator; then the group seals.
2. Published figures are rounded to one decimal (``PUBLIC_STEP``), and the number of raters
   is never shown beside them.
3. An evaluator's 「全員の平均」 (the comparison in their own rating tendency) is computed
   only from sealed (project, perspective) units, each with at least
   ``MIN_PEERS_FOR_COMPARISON`` different raters, rounded the same way: it changes only when a
   whole unit of several raters seals, never when a single rater submits.
4. The administrator sees everything, exactly (they can read individual ratings anyway), and
   sees beside each figure what viewers are shown.

What is left: if the administrator adds a rater to, or reopens a rating of, a group after its
figure was published, the published figure before and after differ by that one rating's share
(blurred by the rounding). Assign every rater before the first submission; the assignment screens
warn (``published_groups``) and leave such suggestions unticked.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlite_utils

from app.register.accounts import User, require_admin
from app.i18n import N_, _
from app.register.permissions import Action, require

LENIENCY_THRESHOLD = 0.75  # points above/below the perspective's mean of raters
MIN_FOR_FLAT = 3  # a rater must have rated this many members before "same score for all" means anything
MIN_PEERS_FOR_COMPARISON = 3  # an evaluator sees the all-raters mean only when it hides the others
FLAGS = {"lenient": N_("Lenient"), "severe": N_("Severe"), "flat": N_("Same score for everyone")}
INSUFFICIENT = N_("Not enough raters")
OUTSTANDING = N_("Ratings outstanding")
PUBLIC_STEP = Decimal("0.1")  # non-administrators see figures to this step

def public_figure(value: float) -> float:
    """A figure as non-administrators see it: to ``PUBLIC_STEP``, rounded half up (2.45 → 2.5)."""
    return float(Decimal(repr(value)).quantize(PUBLIC_STEP, rounding=ROUND_HALF_UP))


@dataclass
class SummaryRow:
    project_id: int
    target_staff_id: int
    perspective_id: int
    perspective_code: str
    perspective: str
    raters: int | None  # None on rows for non-administrators: a count beside a figure is a differencing handle
    min_raters: int
    value: float | None  # None when fewer raters than min_raters answered (and, for non-administrators, unpublished)
    raw_value: float | None = None  # only filled for the certification engine
    complete: bool = True  # every evaluator assigned to this member and perspective has submitted
    public_value: float | None = None  # what non-administrators see: sealed and at the minimum, rounded
    precise: bool = True  # False on the rows given to non-administrators

    @property
    def public_display(self) -> str:
        """The figure as viewers see it (the administrator's 集計結果 shows it beside the exact one)."""
        if self.public_value is not None:
            return f"{self.public_value:.1f}"
        return _(OUTSTANDING) if not self.complete else _(INSUFFICIENT)

    @property
    def display(self) -> str:
        if not self.precise:
            return self.public_display
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


def summary(db: sqlite_utils.Database, user: User, project_id: int | None = None,
            staff_ids: list[int] | None = None) -> list[SummaryRow]:
    """Per member and perspective of the project's template (or of every project): the combined rating.

    Evaluators do not see other members' results. The administrator sees every figure exactly,
    with the number of raters; viewers get the rows under the publication rule (module docstring):
    a figure only once its group is sealed, rounded, and no rater count. ``staff_ids`` narrows
    to some members (a person's card asks about one).
    """
    require(user, Action.RESULTS_VIEW)
    rows = _combined(db, project_id, staff_ids=staff_ids)
    if user.is_admin:
        return rows
    return [replace(r, raters=None, value=r.public_value, raw_value=None, precise=False) for r in rows]


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


def published_groups(db: sqlite_utils.Database, user: User, project_id: int) -> set[tuple[int, int]]:
    """(member, perspective) pairs of the project whose figure viewers see now: the administrator's.

    The assignment screens warn before a rater is added to, or a rating reopened in, such a group:
    the published figure would then move by that one rating's share (the rule's known limit).
    """
    require_admin(user, reading=True)
    return {(r.target_staff_id, r.perspective_id) for r in _combined(db, project_id) if r.public_value is not None}


def _outstanding(db: sqlite_utils.Database, project_id: int | None,
                 staff_ids: list[int] | None = None) -> set[tuple[int, int, int]]:
    """(project, member, perspective) groups with at least one assigned evaluator who has not submitted."""
    where, params = _narrowing("project_id", "target_staff_id", project_id, staff_ids)
    return {tuple(r) for r in db.execute(f"""
        SELECT DISTINCT project_id, target_staff_id, perspective_id FROM evaluation_assignments
        WHERE status != 'submitted' {where}""", params)}


def _combined(db: sqlite_utils.Database, project_id: int | None = None, with_raw: bool = False,
              staff_ids: list[int] | None = None, as_of: date | None = None) -> list[SummaryRow]:
    perspectives = _perspectives(db)
    grouped: dict[tuple[int, int, int], list[float]] = defaultdict(list)
    for project, target, perspective, _key, mean, _low, _high in _ratings(db, project_id, staff_ids, as_of):
        grouped[(project, target, perspective)].append(mean)
    outstanding = _outstanding(db, project_id, staff_ids)
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
        exact = _combine(values, info["aggregation"]) if values else None
        raw = round(exact, 2) if exact is not None else None
        enough = len(values) >= info["min_raters"]
        complete = key not in outstanding
        row = SummaryRow(project, target, perspective_id, info["code"], info["name"], len(values), info["min_raters"],
                         raw if enough else None, complete=complete,
                         public_value=public_figure(exact) if enough and complete and exact is not None else None)
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
    precise: bool = True       # False for an evaluator: peers_mean and difference are to PUBLIC_STEP

    @property
    def flag_text(self) -> str:
        return "、".join(_(FLAGS[f]) for f in self.flags)


def _flat(rows: list[tuple]) -> bool:
    """Every score this rater gave, on every criterion, for every member, is the same."""
    return len(rows) >= MIN_FOR_FLAT and len({r[5] for r in rows} | {r[6] for r in rows}) == 1


def calibration(db: sqlite_utils.Database, user: User, project_id: int | None = None) -> list[RaterStats]:
    """Each rater's mean and spread against all raters of the same perspective, with flags.

    The administrator sees every rater, compared with every submitted rating. An evaluator sees only
    their own lines, and the comparison (「全員の平均」, the difference and the lenient/severe flags) only
    from sealed units (``_sealed_pool``) and when at least three raters share the perspective there:
    otherwise each new rating that arrives would move the figure by that rating's share.
    Viewers rate nobody and have no tendency to see.
    """
    require(user, Action.TENDENCY_VIEW)  # viewers see no rater's tendency, not even a linked one's own
    own_key = f"s{user.staff_id}" if user.staff_id is not None else None
    if not user.is_admin and own_key is None:
        return []
    perspectives = _perspectives(db)
    ratings = _ratings(db, project_id)
    by_rater: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for row in ratings:
        by_rater[(row[3], row[2])].append(row)
    if user.is_admin:
        peers, raters_per_perspective = _peers(ratings)
    else:
        peers, raters_per_perspective = _peers(_sealed_pool(db, ratings, project_id))
    result = []
    for (key, perspective), rows in by_rater.items():
        if not user.is_admin and key != own_key:
            continue
        mean = statistics.fmean(r[4] for r in rows)
        visible = perspective in peers and (
            user.is_admin or raters_per_perspective[perspective] >= MIN_PEERS_FOR_COMPARISON)
        shown_peers = None
        if visible:
            shown_peers = round(peers[perspective], 2) if user.is_admin else public_figure(peers[perspective])
        difference = None
        if visible and raters_per_perspective[perspective] > 1:
            difference = mean - (peers[perspective] if user.is_admin else shown_peers)
        flags = []
        if difference is not None and difference >= LENIENCY_THRESHOLD:
            flags.append("lenient")
        if difference is not None and difference <= -LENIENCY_THRESHOLD:
            flags.append("severe")
        if _flat(rows):
            flags.append("flat")
        if difference is not None:
            difference = round(difference, 2) if user.is_admin else public_figure(difference)
        result.append(RaterStats(key, perspective, perspectives[perspective]["name"], len(rows), round(mean, 2),
                                 round(statistics.pstdev([r[4] for r in rows]), 2), shown_peers, difference, flags,
                                 precise=user.is_admin))
    result.sort(key=lambda s: (perspectives[s.perspective_id]["sort_order"], s.perspective_id, s.evaluator_key))
    return result


def _peers(ratings: list[tuple]) -> tuple[dict[int, float], dict[int, int]]:
    """Per perspective: the mean over raters of each rater's mean, and how many raters that is."""
    by_rater: dict[tuple[str, int], list[float]] = defaultdict(list)
    for row in ratings:
        by_rater[(row[3], row[2])].append(row[4])
    by_perspective: dict[int, list[float]] = defaultdict(list)
    for (_key, perspective), means in by_rater.items():
        by_perspective[perspective].append(statistics.fmean(means))
    return ({p: statistics.fmean(v) for p, v in by_perspective.items()},
            {p: len(v) for p, v in by_perspective.items()})


def _sealed_pool(db: sqlite_utils.Database, ratings: list[tuple], project_id: int | None) -> list[tuple]:
    """The ratings an evaluator's 「全員の平均」 may be computed from.

    Only (project, perspective) units whose every assignment is submitted, and in which at least
    ``MIN_PEERS_FOR_COMPARISON`` different raters rated: the pool then grows a whole unit of several
    raters at a time, so the change in the figure never isolates one new rating.
    """
    where, params = _narrowing("project_id", "target_staff_id", project_id, None)
    open_units = {tuple(r) for r in db.execute(f"""
        SELECT DISTINCT project_id, perspective_id FROM evaluation_assignments
        WHERE status != 'submitted' {where}""", params)}
    raters: dict[tuple[int, int], set[str]] = defaultdict(set)
    for row in ratings:
        raters[(row[0], row[2])].add(row[3])
    sealed = {unit for unit, keys in raters.items()
              if unit not in open_units and len(keys) >= MIN_PEERS_FOR_COMPARISON}
    return [row for row in ratings if (row[0], row[2]) in sealed]


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
