"""The eligibility engine: who qualifies for which level, and why, requirement by requirement.

``gather_facts`` reads what the register knows about every person in a few
queries; ``evaluate`` is pure code over those facts, so that it can be tested
with generated data (hypothesis) and gives the same answer whatever the order
of the rows. Only the next step of the ladder is considered (nobody skips a
level); side levels (ladder = False) are considered alongside.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

import sqlite_utils

from app.evaluation import summary
from app.register.accounts import User
from app.i18n import N_, _, current_language, label
from app.register.permissions import Action, require
from app.evaluation.projects import REALISATION, ROLES
from app.certification.schemes import LevelSpec, RequirementSpec, SchemeSpec
from app.staff.directory import in_service_sql
from app.wareki import format_wareki

REALISATION_ORDER = list(REALISATION)  # concept < trial < full < organisation_wide
STATUSES = {"eligible": N_("Eligible"), "near": N_("One requirement short"), "not_yet": N_("Not yet")}
MET, UNMET = "✓", "✗"
REVOCATION = "revocation"  # the kind of the extra line a revoked level gets


@dataclass(frozen=True)
class ProjectFact:
    project_id: int
    role: str
    realisation: str | None


@dataclass(frozen=True)
class ScoreFact:
    project_id: int
    value: float | None  # combined over all raters who answered (None when nobody did)
    raters: int
    template_min: int


@dataclass
class PersonFacts:
    staff_id: int
    sessions: int = 0
    projects: list[ProjectFact] = field(default_factory=list)
    scores: dict[str, list[ScoreFact]] = field(default_factory=dict)   # perspective code -> per project
    held: dict[str, date] = field(default_factory=dict)                  # level code -> decided on
    held_before_register: set[str] = field(default_factory=set)          # of those, entered as 台帳導入前
    qualifications: dict[str, date] = field(default_factory=dict)
    # level code -> (revoked on, certifiable again from; None = only with an override) of the last revocation
    revoked: dict[str, tuple[date, date | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class RequirementResult:
    kind: str
    met: bool
    text: str


def unmet_count(results: list[RequirementResult]) -> int:
    return sum(not r.met for r in results)


def only_revocation_unmet(results: list[RequirementResult]) -> bool:
    """Every other requirement is met and only an earlier revocation stands in the way (an override may lift it)."""
    unmet = [r for r in results if not r.met]
    return bool(unmet) and all(r.kind == REVOCATION for r in unmet)


def status_of(results: list[RequirementResult]) -> str:
    """認定可 when every requirement is met, あと1つ when one is missing and the others are met, else 未達.

    On a level with a single requirement, missing it is simply 未達: 「あと1つ」 would call
    everyone who has done nothing at all nearly there.
    """
    unmet = unmet_count(results)
    if unmet == 0:
        return "eligible"
    return "near" if unmet == 1 and len(results) >= 2 else "not_yet"


@dataclass
class Candidate:
    staff_id: int
    level: LevelSpec
    results: list[RequirementResult]

    @property
    def unmet(self) -> int:
        return unmet_count(self.results)

    @property
    def status(self) -> str:
        return status_of(self.results)

    @property
    def reasons(self) -> str:
        return "\n".join(r.text for r in self.results)


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def _mark(met: bool) -> str:
    return MET if met else UNMET


def _roles(roles: list[str]) -> str:
    return _roles_in(tuple(roles), current_language())


@functools.lru_cache(maxsize=64)
def _roles_in(roles: tuple[str, ...], _language: str) -> str:
    """Joined role labels; cached per language because it runs once per person and requirement."""
    return "・".join(_(ROLES[r]) for r in roles if r in ROLES)


def check(req: RequirementSpec, facts: PersonFacts, as_of: date, level_names: dict[str, str],
          perspective_names: dict[str, str]) -> RequirementResult:
    """One requirement against one person's facts, with the value, the threshold and ✓/✗."""
    p = req.params
    if req.kind == "sessions":
        met = facts.sessions >= p["min"]
        text = _("Workshops attended {n} / needed {min} {mark}").format(n=facts.sessions, min=p["min"], mark=_mark(met))
    elif req.kind == "projects":
        n = len({f.project_id for f in facts.projects if f.role in p["roles"]})
        met = n >= p["min"]
        text = _("Projects as {roles}: {n} / needed {min} {mark}").format(
            roles=_roles(p["roles"]), n=n, min=p["min"], mark=_mark(met))
    elif req.kind == "realisation":
        reached = [REALISATION_ORDER.index(f.realisation) for f in facts.projects
                   if f.role in p["roles"] and f.realisation in REALISATION]
        best = max(reached, default=None)
        met = best is not None and best >= REALISATION_ORDER.index(p["min"])
        text = _("Realisation of a project led as {roles}: {value} / needed {min} {mark}").format(
            roles=_roles(p["roles"]), value=_(REALISATION[REALISATION_ORDER[best]]) if best is not None else _("none"),
            min=label(REALISATION, p["min"]), mark=_mark(met))
    elif req.kind == "score":
        name = perspective_names.get(p["perspective"], p["perspective"])
        entries = facts.scores.get(p["perspective"], [])
        needed = p["min_raters"]
        counted = [e for e in entries if e.value is not None and e.raters >= max(needed, e.template_min)]
        if counted:
            best = max(e.value for e in counted)
            met = best >= p["min"]
            text = _("{perspective} rating {value:.2f} / needed {min:.1f} {mark}").format(
                perspective=name, value=best, min=float(p["min"]), mark=_mark(met))
        elif entries:
            most = max(e.raters for e in entries)
            met = False
            text = _("{perspective}: {n} raters / needed {min} {mark}").format(
                perspective=name, n=most, min=max([needed] + [e.template_min for e in entries]), mark=_mark(False))
        else:
            met = False
            text = _("{perspective} rating: not rated / needed {min:.1f} {mark}").format(
                perspective=name, min=float(p["min"]), mark=_mark(False))
    elif req.kind == "previous_level":
        name = level_names.get(p["level"], p["level"])
        since = facts.held.get(p["level"])
        if since is None:
            met = False
            text = _("{level}: not held {mark}").format(level=name, mark=_mark(False))
        else:
            months = _months_between(since, as_of)
            met = months >= p.get("months", 0)
            text = (_("{level}: held since {date}, before the register ({months} months) / needed {min} months {mark}")
                    if p["level"] in facts.held_before_register else
                    _("{level}: held since {date} ({months} months) / needed {min} months {mark}")).format(
                level=name, date=format_wareki(since), months=months, min=p.get("months", 0), mark=_mark(met))
    else:  # qualification
        obtained = facts.qualifications.get(p["name"])
        met = obtained is not None
        text = (_("{name}: obtained {date} {mark}").format(name=p["name"], date=format_wareki(obtained), mark=MET)
                if met else _("{name}: no record {mark}").format(name=p["name"], mark=UNMET))
    return RequirementResult(req.kind, met, text)


def revocation_check(level: LevelSpec, facts: PersonFacts, as_of: date) -> RequirementResult | None:
    """A level revoked before: certifiable again only from the day the officer set, else with an override."""
    if level.code not in facts.revoked:
        return None
    revoked_on, again_from = facts.revoked[level.code]
    revoked = format_wareki(revoked_on)
    if again_from is None:
        return RequirementResult(REVOCATION, False, _(
            "{level}: revoked {revoked}; certifying again needs a decision with a reason {mark}").format(
            level=level.name, revoked=revoked, mark=UNMET))
    met = again_from <= as_of
    text = (_("{level}: revoked {revoked}; may be certified again from {date} {mark}") if met
            else _("{level}: revoked {revoked}; not before {date} {mark}"))
    return RequirementResult(REVOCATION, met, text.format(level=level.name, revoked=revoked,
                                                          date=format_wareki(again_from), mark=_mark(met)))


def candidates_for(scheme: SchemeSpec, facts: PersonFacts) -> list[LevelSpec]:
    """The next ladder level not yet held, and the side levels in reach.

    A side level (a separate track such as Hokkaido's デジタルマネジメント人材) is in reach
    once the person holds the levels it builds on, so that it is not listed for everyone.
    """
    result = []
    next_step = next((level for level in scheme.levels if level.ladder and level.code not in facts.held), None)
    if next_step is not None:
        result.append(next_step)
    for level in scheme.levels:
        builds_on = [r.params.get("level") for r in level.requirements if r.kind == "previous_level"]
        if not level.ladder and level.code not in facts.held and all(code in facts.held for code in builds_on):
            result.append(level)
    return result


def evaluate(scheme: SchemeSpec, people: dict[int, PersonFacts], as_of: date,
             perspective_names: dict[str, str] | None = None) -> list[Candidate]:
    """Every person's candidate levels with reasons, in staff id then level order."""
    level_names = {level.code: level.name for level in scheme.levels}
    names = perspective_names or {}
    out = []
    # Most of a town has no record at all: their reasons are the same, so compute them once.
    blank: dict[str, list[RequirementResult]] = {}
    for staff_id in sorted(people):
        facts = people[staff_id]
        empty = not (facts.sessions or facts.projects or facts.scores or facts.held or facts.qualifications
                     or facts.revoked)
        for level in candidates_for(scheme, facts):
            if empty and level.code in blank:
                results = blank[level.code]
            else:
                results = [check(r, facts, as_of, level_names, names) for r in level.requirements]
                revocation = revocation_check(level, facts, as_of)
                if revocation is not None:
                    results.append(revocation)
                if empty:
                    blank[level.code] = results
            out.append(Candidate(staff_id, level, results))
    return out


# -- facts from the register ----------------------------------------------------------------

def perspective_names(db: sqlite_utils.Database) -> dict[str, str]:
    """Perspective code -> name, from the newest template that has it."""
    return {code: name for code, name in db.execute(
        "SELECT code, name FROM template_perspectives ORDER BY template_id")}


def gather_facts(db: sqlite_utils.Database, user: User, scheme_family: str, as_of: date,
                 staff_ids: list[int] | None = None) -> dict[int, PersonFacts]:
    """What the register knows on ``as_of`` about every current staff member (or the given ones).

    Every fact is taken as of that day: workshops held, projects joined and realisations decided
    by then, ratings submitted by then, levels decided by then and not yet revoked on it. The
    combined scores inside are the administrator's only (see ``eligibility``).
    """
    require(user, Action.ELIGIBILITY_VIEW)
    day = as_of.isoformat()
    people = {r[0]: PersonFacts(r[0]) for r in db.execute(
        f"SELECT s.id FROM staff s WHERE {in_service_sql()}", [day])}  # leaving later: still here
    if staff_ids is not None:
        wanted = set(staff_ids)
        people = {k: v for k, v in people.items() if k in wanted}
    for staff_id, n in db.execute("""SELECT ta.staff_id, count(*) FROM training_attendance ta
                                     JOIN training_events te ON te.id = ta.event_id
                                     WHERE te.kind = 'workshop' AND te.starts_on <= ?
                                     GROUP BY ta.staff_id""", [day]):  # workshops, a project's or shared
        if staff_id in people:
            people[staff_id].sessions = n
    for staff_id, project_id, role, realisation, decided in db.execute(
            """SELECT m.staff_id, m.project_id, m.role, p.realisation, p.realisation_decided_on
               FROM project_members m JOIN projects p ON p.id = m.project_id
               WHERE p.status != 'cancelled' AND (m.joined_on IS NULL OR m.joined_on <= ?)""", [day]):
        if staff_id in people:
            reached = realisation if decided is not None and decided <= day else None
            people[staff_id].projects.append(ProjectFact(project_id, role, reached))
    for row in summary.combined_ratings(db, user, with_raw=True, staff_ids=staff_ids, as_of=as_of):
        if row.target_staff_id in people:
            people[row.target_staff_id].scores.setdefault(row.perspective_code, []).append(
                ScoreFact(row.project_id, row.raw_value, row.raters, row.min_raters))
    for staff_id, code, decided, source in db.execute(
            """SELECT staff_id, level_code, decided_on, source FROM certifications
               WHERE scheme_family = ? AND decided_on <= ?
               AND (status = 'active' OR revoked_on > ?)""", [scheme_family, day, day]):
        if staff_id in people:
            facts = people[staff_id]
            facts.held[code] = date.fromisoformat(decided)
            if source == "imported":  # certification.SOURCE_IMPORTED (not imported here: it imports this module)
                facts.held_before_register.add(code)
            else:
                facts.held_before_register.discard(code)
    for staff_id, code, revoked_on, again_from in db.execute(
            """SELECT staff_id, level_code, revoked_on, reeligible_from FROM certifications
               WHERE scheme_family = ? AND status = 'revoked' AND revoked_on <= ? ORDER BY revoked_on, id""",
            [scheme_family, day]):
        if staff_id in people:
            people[staff_id].revoked[code] = (date.fromisoformat(revoked_on),
                                              date.fromisoformat(again_from) if again_from else None)
    for staff_id, name, obtained in db.execute(
            "SELECT staff_id, name, obtained_on FROM staff_qualifications WHERE obtained_on <= ?", [day]):
        if staff_id in people:
            people[staff_id].qualifications[name] = date.fromisoformat(obtained)
    return people


def eligibility(db: sqlite_utils.Database, user: User, scheme: SchemeSpec, as_of: date,
                staff_ids: list[int] | None = None) -> list[Candidate]:
    """The engine over the register: every current staff member's candidate levels with reasons.

    The administrator's only: the reasons carry combined scores, from which a rater who sees
    them and knows their own rating could work out another rater's (issue 12).
    """
    return evaluate(scheme, gather_facts(db, user, scheme.family, as_of, staff_ids), as_of, perspective_names(db))
