"""The eligibility engine: who qualifies for which level, and why, requirement by requirement.

``gather_facts`` reads what the register knows about every person in a few
queries; ``evaluate`` is pure code over those facts, so that it can be tested
with generated data (hypothesis) and gives the same answer whatever the order
of the rows. Only the next step of the ladder is considered (nobody skips a
level); side levels (ladder = False) are considered alongside.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import sqlite_utils

from app.evaluation import summary
from app.register.accounts import User
from app.i18n import N_, _, current_language, label
from app.register.permissions import Action, require
from app.evaluation.projects import REALISATION, ROLES
from app.certification import schemes
from app.certification.schemes import LevelSpec, RequirementSpec, SchemeSpec
from app.staff.directory import in_service_sql
from app.wareki import fiscal_year, format_fiscal_year, format_wareki

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


@dataclass(frozen=True)
class TrainingFact:
    """One training event attended: counted on the day it ends, for the hours attended."""
    event_id: int
    title: str
    kind: str
    on: date
    hours: float


@dataclass(frozen=True)
class QualificationFact:
    """One qualification record: the catalogue's name and category; valid through ``expires`` (None: no end)."""
    name: str
    category: str
    obtained: date
    expires: date | None


@dataclass(frozen=True)
class PositionFact:
    """The position of the primary assignment on the decision date (rank: lower is more senior)."""
    name: str
    rank: int
    is_manager: bool


@dataclass(slots=True)
class PersonFacts:
    staff_id: int
    sessions: int = 0
    projects: list[ProjectFact] = field(default_factory=list)
    scores: dict[str, list[ScoreFact]] = field(default_factory=dict)   # perspective code -> per project
    held: dict[str, date] = field(default_factory=dict)                  # level code -> decided on
    held_before_register: set[str] = field(default_factory=set)          # of those, entered as 台帳導入前
    qualifications: list[QualificationFact] = field(default_factory=list)
    training: list[TrainingFact] = field(default_factory=list)
    position: PositionFact | None = None
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
          perspective_names: dict[str, str], ranks: dict[str, int] | None = None) -> RequirementResult:
    """One requirement against one person's facts, with the value, the threshold and ✓/✗.

    ``ranks`` (position name -> rank) is needed by a role requirement naming a position.
    """
    p = req.params
    if req.kind in _COMPILERS:
        return _COMPILERS[req.kind](req, as_of, level_names, ranks or {})(facts)
    if req.kind == "realisation":
        reached = [REALISATION_ORDER.index(f.realisation) for f in facts.projects
                   if f.role in p["roles"] and f.realisation in REALISATION]
        best = max(reached, default=None)
        met = best is not None and best >= REALISATION_ORDER.index(p["min"])
        text = _("Realisation of a project led as {roles}: {value} / needed {min} {mark}").format(
            roles=_roles(p["roles"]), value=_(REALISATION[REALISATION_ORDER[best]]) if best is not None else _("none"),
            min=label(REALISATION, p["min"]), mark=_mark(met))
    else:  # score
        met, text = _score(p, facts, perspective_names)
    return RequirementResult(req.kind, met, text)


def _score(p: dict, facts: PersonFacts, perspective_names: dict[str, str]) -> tuple[bool, str]:
    name = perspective_names.get(p["perspective"], p["perspective"])
    entries = facts.scores.get(p["perspective"], [])
    needed = p["min_raters"]
    counted = [e for e in entries if e.value is not None and e.raters >= max(needed, e.template_min)]
    if counted:
        best = max(e.value for e in counted)
        met = best >= p["min"]
        return met, _("{perspective} rating {value:.2f} / needed {min:.1f} {mark}").format(
            perspective=name, value=best, min=float(p["min"]), mark=_mark(met))
    if entries:
        most = max(e.raters for e in entries)
        return False, _("{perspective}: {n} raters / needed {min} {mark}").format(
            perspective=name, n=most, min=max([needed] + [e.template_min for e in entries]), mark=_mark(False))
    return False, _("{perspective} rating: not rated / needed {min:.1f} {mark}").format(
        perspective=name, min=float(p["min"]), mark=_mark(False))


Checker = Callable[[PersonFacts], RequirementResult]


def compile_requirement(req: RequirementSpec, as_of: date, level_names: dict[str, str],
                        perspective_names: dict[str, str], ranks: dict[str, int]) -> Checker:
    """The requirement made ready for a whole town: what depends only on the scheme and the day is worked out
    once, and each distinct outcome (so many hours, this qualification) is worded once and shared.

    A town of 50,000 with training and qualification records for everyone stays within the budget (≤ 2 s);
    ``check`` gives the same result for one person.
    """
    compiler = _COMPILERS.get(req.kind)
    if compiler is not None:
        return compiler(req, as_of, level_names, ranks)
    return lambda facts: check(req, facts, as_of, level_names, perspective_names, ranks)


def _memo(kind: str, wording: Callable[..., tuple[bool, str]]) -> Callable[..., RequirementResult]:
    """The result for an outcome key, worded once per distinct key."""
    results: dict = {}

    def result(key, *args) -> RequirementResult:
        found = results.get(key)
        if found is None:
            met, text = wording(*args)
            found = results[key] = RequirementResult(kind, met, text)
        return found
    return result


def _compile_count(req: RequirementSpec, count: Callable[[PersonFacts], int]) -> Checker:
    """Workshops attended or projects taken part in: one wording per count."""
    p = req.params

    def wording(n: int) -> tuple[bool, str]:
        met = n >= p["min"]
        if req.kind == "sessions":
            return met, _("Workshops attended {n} / needed {min} {mark}").format(n=n, min=p["min"], mark=_mark(met))
        return met, _("Projects as {roles}: {n} / needed {min} {mark}").format(
            roles=_roles(p["roles"]), n=n, min=p["min"], mark=_mark(met))

    result = _memo(req.kind, wording)

    def run(facts: PersonFacts) -> RequirementResult:
        n = count(facts)
        return result(n, n)
    return run


def _compile_previous_level(req: RequirementSpec, as_of: date, level_names: dict[str, str],
                            _ranks: dict[str, int]) -> Checker:
    """Holds a level, for so many months or whole years (shown in the unit the scheme gives)."""
    p = req.params
    code, name = p["level"], level_names.get(p["level"], p["level"])

    def wording(since: date | None, before: bool) -> tuple[bool, str]:
        if since is None:
            return False, _("{level}: not held {mark}").format(level=name, mark=_mark(False))
        months = _months_between(since, as_of)
        if "years" in p:
            met = months >= p["years"] * 12
            text = (_("{level}: held since {date}, before the register ({years} years) / needed {min} years {mark}")
                    if before else _("{level}: held since {date} ({years} years) / needed {min} years {mark}"))
            return met, text.format(level=name, date=format_wareki(since), years=months // 12, min=p["years"],
                                    mark=_mark(met))
        met = months >= p.get("months", 0)
        text = (_("{level}: held since {date}, before the register ({months} months) / needed {min} months {mark}")
                if before else _("{level}: held since {date} ({months} months) / needed {min} months {mark}"))
        return met, text.format(level=name, date=format_wareki(since), months=months, min=p.get("months", 0),
                                mark=_mark(met))

    result = _memo(req.kind, wording)

    def run(facts: PersonFacts) -> RequirementResult:
        since = facts.held.get(code)
        before = since is not None and code in facts.held_before_register
        return result((since, before), since, before)
    return run


# -- training, qualifications and positions (issue 15) ------------------------------------------------

def _minus_months(day: date, months: int) -> date:
    """The same date ``months`` months earlier (the 31st becomes the month's last day)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    last = (date(year + (month == 11), (month + 1) % 12 + 1, 1) - date.resolution).day
    return date(year, month + 1, min(day.day, last))


def period_since(p: dict, as_of: date) -> date | None:
    """The first day of a training requirement's period (None: any time); the period ends on ``as_of``.

    "months": from the day after the same date ``months`` months before, so that 12 months are a year
    of days; "fiscal_year": from 1 April of the decision date's fiscal year.
    """
    period = p.get("period", "all")
    if period == "months":
        return _minus_months(as_of, p["months"]) + date.resolution
    if period == "fiscal_year":
        return date(fiscal_year(as_of), 4, 1)
    return None


def _period_label(p: dict, as_of: date) -> str:
    if p.get("period") == "fiscal_year":
        return _(" ({fiscal_year})").format(fiscal_year=format_fiscal_year(fiscal_year(as_of)))
    return schemes.period_text(p)


def _compile_training_hours(req: RequirementSpec, as_of: date, _levels: dict[str, str],
                            _ranks: dict[str, int]) -> Checker:
    p = req.params
    since, need = period_since(p, as_of), p["min"]
    kinds = frozenset(p.get("kinds") or ()) or None
    what = _("Hours of training") + (f"（{schemes.kinds_text(p['kinds'])}）" if kinds else "")
    period, shown_min = _period_label(p, as_of), schemes.hours_text(float(need))

    def wording(hours: float) -> tuple[bool, str]:
        met = hours >= need
        return met, _("{what}{period}: {hours} hours / needed {min} hours {mark}").format(
            what=what, period=period, hours=schemes.hours_text(hours), min=shown_min, mark=_mark(met))

    result = _memo(req.kind, wording)

    def run(facts: PersonFacts) -> RequirementResult:
        total = 0.0
        for t in facts.training:
            if t.on <= as_of and (since is None or t.on >= since) and (kinds is None or t.kind in kinds):
                total += t.hours
        total = round(total, 2)
        return result(total, total)
    return run


def _compile_training_events(req: RequirementSpec, as_of: date, _levels: dict[str, str],
                             _ranks: dict[str, int]) -> Checker:
    p = req.params
    since, need, titles = period_since(p, as_of), p["min"], p.get("titles") or []
    kinds = frozenset(p.get("kinds") or ()) or None
    what, period = schemes.training_subject(p), _period_label(p, as_of)
    counts: dict[int, bool] = {}  # event id -> its title and kind count

    def wording(n: int, last: date | None) -> tuple[bool, str]:
        if last is not None:
            return True, _("{what}{period}: attended {date} {mark}").format(
                what=what, period=period, date=format_wareki(last), mark=MET)
        met = n >= need
        return met, _("{what}{period}: attended {n} / needed {min} {mark}").format(
            what=what, period=period, n=n, min=need, mark=_mark(met))

    result = _memo(req.kind, wording)

    def run(facts: PersonFacts) -> RequirementResult:
        found: dict[int, date] = {}
        for t in facts.training:
            ok = counts.get(t.event_id)
            if ok is None:
                ok = counts[t.event_id] = (kinds is None or t.kind in kinds) and (
                    not titles or any(title in t.title for title in titles))
            if ok and t.on <= as_of and (since is None or t.on >= since):
                found[t.event_id] = t.on
        last = max(found.values()) if need == 1 and found else None
        return result((len(found), last), len(found), last)
    return run


def _compile_qualification(req: RequirementSpec, as_of: date, _levels: dict[str, str],
                           _ranks: dict[str, int]) -> Checker:
    """Held ON the decision date: obtained by then, and valid through it (expires_on is the last valid day)."""
    p = req.params
    category = p.get("category")
    names = frozenset(p["names"] if "names" in p else [p.get("name")])
    prefix = f"{category}: " if category is not None else ""
    subject = schemes.qualification_subject(p)

    def wording(held: QualificationFact | None, expired: QualificationFact | None) -> tuple[bool, str]:
        if held is not None and held.expires is None:
            return True, prefix + _("{name} obtained {date} {mark}").format(
                name=held.name, date=format_wareki(held.obtained), mark=MET)
        if held is not None:
            return True, prefix + _("{name} obtained {date}, valid until {expires} {mark}").format(
                name=held.name, date=format_wareki(held.obtained), expires=format_wareki(held.expires), mark=MET)
        if expired is not None:
            return False, prefix + _("{name} expired: valid until {date} {mark}").format(
                name=expired.name, date=format_wareki(expired.expires), mark=UNMET)
        return False, _("{name}: no record {mark}").format(name=subject, mark=UNMET)

    result = _memo(req.kind, wording)

    def run(facts: PersonFacts) -> RequirementResult:
        held = expired = None
        for q in facts.qualifications:
            if q.obtained > as_of or (q.category != category if category is not None else q.name not in names):
                continue
            if q.expires is None or q.expires >= as_of:
                if held is None or (q.obtained, q.name) < (held.obtained, held.name):
                    held = q  # the earliest obtained of those held
            elif expired is None or (q.expires, q.name) > (expired.expires, expired.name):
                expired = q  # else the latest to expire
        key = (held, None) if held is not None else (None, expired)
        return result(key, *key)
    return run


def _compile_role(req: RequirementSpec, as_of: date, _levels: dict[str, str], ranks: dict[str, int]) -> Checker:
    """Manager, or a position at least as senior as the one named, from the primary assignment on the day."""
    p = req.params
    needed = None if p.get("manager") else ranks.get(p["position"])

    def wording(position: PositionFact | None) -> tuple[bool, str]:
        shown = position.name if position is not None else _("no position")
        if p.get("manager"):
            met = position is not None and position.is_manager
            return met, _("Manager {mark} ({position})").format(mark=_mark(met), position=shown)
        met = position is not None and needed is not None and position.rank <= needed
        return met, _("{needed} or more senior {mark} ({position})").format(
            needed=p["position"], mark=_mark(met), position=shown)

    result = _memo(req.kind, wording)
    return lambda facts: result(facts.position, facts.position)


_COMPILERS: dict[str, Callable[[RequirementSpec, date, dict[str, str], dict[str, int]], Checker]] = {
    "sessions": lambda req, as_of, _levels, _ranks: _compile_count(req, lambda facts: facts.sessions),
    "projects": lambda req, as_of, _levels, _ranks: _compile_count(req, lambda facts, roles=frozenset(
        req.params["roles"]): len({f.project_id for f in facts.projects if f.role in roles}) if facts.projects else 0),
    "previous_level": _compile_previous_level, "training_hours": _compile_training_hours,
    "training_events": _compile_training_events, "qualification": _compile_qualification, "role": _compile_role}


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
    return _candidate_levels(scheme)(facts)


def _candidate_levels(scheme: SchemeSpec) -> Callable[[PersonFacts], list[LevelSpec]]:
    ladder = [level for level in scheme.levels if level.ladder]
    sides = [(level, {r.params.get("level") for r in level.requirements if r.kind == "previous_level"})
             for level in scheme.levels if not level.ladder]

    def levels(facts: PersonFacts) -> list[LevelSpec]:
        held = facts.held
        result = []
        for level in ladder:
            if level.code not in held:
                result.append(level)
                break
        for level, builds_on in sides:
            if level.code not in held and held.keys() >= builds_on:
                result.append(level)
        return result
    return levels


def evaluate(scheme: SchemeSpec, people: dict[int, PersonFacts], as_of: date,
             perspective_names: dict[str, str] | None = None, ranks: dict[str, int] | None = None) -> list[Candidate]:
    """Every person's candidate levels with reasons, in staff id then level order.

    ``ranks``: position name -> rank, for role requirements that name a position.
    """
    level_names = {level.code: level.name for level in scheme.levels}
    checks = {level.code: [compile_requirement(r, as_of, level_names, perspective_names or {}, ranks or {})
                           for r in level.requirements] for level in scheme.levels}
    candidate_levels = _candidate_levels(scheme)
    out = []
    # Most of a town has no record at all: their reasons are the same (but for the position), so compute
    # them once per level and position.
    blank: dict[tuple[str, PositionFact | None], list[RequirementResult]] = {}
    for staff_id in sorted(people):
        facts = people[staff_id]
        empty = not (facts.sessions or facts.projects or facts.scores or facts.held or facts.qualifications
                     or facts.training or facts.revoked)
        for level in candidate_levels(facts):
            key = (level.code, facts.position)
            if empty and key in blank:
                results = blank[key]
            else:
                results = [run(facts) for run in checks[level.code]]
                if facts.revoked:
                    revocation = revocation_check(level, facts, as_of)
                    if revocation is not None:
                        results.append(revocation)
                if empty:
                    blank[key] = results
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
    _gather_records(db, people, day)
    return people


def _gather_records(db: sqlite_utils.Database, people: dict[int, PersonFacts], day: str) -> None:
    """Training attended, qualifications and the position on ``day`` (issue 15).

    One object per event (and per position) is shared by everyone who attended it (holds it): a town of
    50,000 with a few events each stays within the eligibility budget.
    """
    events = {event_id: (title, kind, date.fromisoformat(ends_on), hours or 0.0) for event_id, title, kind, ends_on, hours
              in db.execute("SELECT id, title, kind, ends_on, hours FROM training_events WHERE ends_on <= ?", [day])}
    # A few people (a decision, one person's card): their rows only; a town: one pass over the table.
    few = sorted(people) if len(people) <= 500 else None
    only = f" WHERE staff_id IN ({', '.join('?' * len(few))})" if few is not None else ""
    attended: dict[tuple[int, float | None], TrainingFact] = {}
    for staff_id, event_id, hours in db.execute(f"SELECT staff_id, event_id, hours FROM training_attendance{only}",
                                                few or []):
        facts = people.get(staff_id)
        if facts is not None and event_id in events:
            fact = attended.get((event_id, hours))
            if fact is None:
                title, kind, on, event_hours = events[event_id]
                fact = attended[event_id, hours] = TrainingFact(
                    event_id, title, kind, on, float(hours if hours is not None else event_hours))
            facts.training.append(fact)
    for staff_id, name, category, obtained, expires in db.execute(
            """SELECT sq.staff_id, coalesce(q.name, sq.name), coalesce(q.category, ''), sq.obtained_on, sq.expires_on
               FROM staff_qualifications sq LEFT JOIN qualifications q ON q.id = sq.qualification_id
               WHERE sq.obtained_on <= ?""" + only.replace("staff_id", "sq.staff_id").replace("WHERE", "AND"),
            [day, *(few or [])]):
        if staff_id in people:
            people[staff_id].qualifications.append(QualificationFact(
                name, category, date.fromisoformat(obtained), date.fromisoformat(expires) if expires else None))
    positions: dict[str, PositionFact] = {}
    for staff_id, name, rank, manager in db.execute(
            """SELECT a.staff_id, p.name, p.rank, p.is_manager FROM staff_assignments a
               JOIN positions p ON p.id = a.position_id
               WHERE a.is_primary = 1 AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)""", [day, day]):
        if staff_id in people:
            people[staff_id].position = positions.get(name) or positions.setdefault(
                name, PositionFact(name, rank, bool(manager)))


def position_ranks(db: sqlite_utils.Database) -> dict[str, int]:
    return dict(db.execute("SELECT name, rank FROM positions"))


def eligibility(db: sqlite_utils.Database, user: User, scheme: SchemeSpec, as_of: date,
                staff_ids: list[int] | None = None) -> list[Candidate]:
    """The engine over the register: every current staff member's candidate levels with reasons.

    The administrator's only: the reasons carry combined scores, from which a rater who sees
    them and knows their own rating could work out another rater's (issue 12).
    """
    with _cyclic_gc_paused():
        return evaluate(scheme, gather_facts(db, user, scheme.family, as_of, staff_ids), as_of, perspective_names(db),
                        position_ranks(db))


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cyclic collector off while a town's facts and reasons are built, as it was after.

    They are hundreds of thousands of small containers with no cycles: the collector's full passes over
    them cost a third of the run (50,000 staff). The previous state is restored, never forced on: the GUI
    keeps automatic collection off and collects on its own thread (ui.gui_gc).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
