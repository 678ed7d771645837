"""Who rates whom, and entering ratings: suggestions, confidential entry, submit and reopen.

Every read of individual ratings goes through a check on the logged-in user:
an evaluator reaches only the assignments where they are the evaluator, the
administrator reaches all. The rule lives here, not in the screens, so that
no screen or script can show one evaluator another's answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlite_utils

from app import audit
from app.staff import organisation
from app.staff import positions
from app.evaluation import rubrics
from app.register import settings
from app.register.accounts import User
from app.db import transaction
from app.errors import PermissionDenied, UserError
from app.i18n import N_, _
from app.register.permissions import Action, require
from app.evaluation.projects import RATED_ROLES, project
from app.staff.directory import in_service_sql, status_sql
from app.text import safe_normalise

ASSIGNMENT_STATUSES = {"pending": N_("Not started"), "draft": N_("Draft"), "submitted": N_("Submitted")}
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Evaluator:
    """A staff member or an external rater (who has no login)."""

    staff_id: int | None = None
    external_id: int | None = None

    def __post_init__(self) -> None:
        if (self.staff_id is None) == (self.external_id is None):
            raise ValueError("exactly one of staff_id and external_id")

    @property
    def key(self) -> str:
        return f"s{self.staff_id}" if self.staff_id is not None else f"e{self.external_id}"

    @classmethod
    def from_key(cls, key: str) -> "Evaluator":
        kind, number = key[0], int(key[1:])
        return cls(staff_id=number) if kind == "s" else cls(external_id=number)


@dataclass(frozen=True)
class Proposal:
    target_staff_id: int
    perspective_id: int
    evaluator: Evaluator
    kind: str


# -- suggestions ---------------------------------------------------------------

@dataclass
class Suggestions:
    """The rule-based proposals, and what the officer must know about them (Japanese sentences)."""

    proposals: list[Proposal]
    notes: list[str] = field(default_factory=list)


def digital_section(db: sqlite_utils.Database, on: date) -> tuple[int | None, str | None]:
    """The section whose staff rate ICT on ``on``, and a note when there is none.

    The setting follows its unit through reforms (renamed, merged, split: the unit of that line in
    force on ``on``); without a setting, the section named デジタル… or 情報… is taken.
    """
    day = on.isoformat()
    chosen = settings.get(db, "digital_section_id")
    if chosen is None:
        row = db.execute("""SELECT id FROM org_units WHERE kind = 'section' AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)
                            AND (name LIKE '%デジタル%' OR name LIKE '%情報政策%' OR name LIKE '%情報推進%')
                            ORDER BY sort_order, id LIMIT 1""", [day, day]).fetchone()
        if row:
            return row[0], None
        return None, _("No digital department is set in 設定 and no section is named デジタル… or 情報…, so nobody "
                       "is suggested from it for ICT. Choose it in 設定 → 評価のルール.")
    unit = organisation.unit_in_force(db, int(chosen), on)
    if unit is not None:
        return unit, None
    row = db.execute("SELECT name, valid_from, valid_to FROM org_units WHERE id = ?", [int(chosen)]).fetchone()
    if row is None or row[1] > day:
        return None, _("The digital department chosen in 設定 does not exist on {day}. Choose the section that "
                       "rates ICT in 設定 → 評価のルール.").format(day=day)
    return None, _("The digital department chosen in 設定, {name}, was closed on {closed}, so nobody is suggested "
                   "from it for ICT. Choose the section that rates ICT now in 設定 → 評価のルール.").format(
        name=row[0], closed=row[2])


def _current_staff_of_section(db: sqlite_utils.Database, section_id: int, max_rank: int | None, on: date,
                              with_heads: bool = False) -> list[int]:
    """Staff in force on ``on`` in the section or below it (and, with ``with_heads``, in the units above it,
    such as the 部長 of its 部), at ``max_rank`` or more senior. Leavers whose date has not come count;
    people on leave (休職) that day do not: they are not asked to rate."""
    day = on.isoformat()
    heads = ("UNION SELECT u.parent_id FROM org_units u JOIN above ON u.id = above.id WHERE u.parent_id IS NOT NULL"
             if with_heads else "")
    rows = db.execute(f"""
        WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL SELECT u.id FROM org_units u JOIN tree ON u.parent_id = tree.id),
        above(id) AS (SELECT ? {heads})
        SELECT DISTINCT a.staff_id FROM staff_assignments a JOIN staff s ON s.id = a.staff_id
        LEFT JOIN positions p ON p.id = a.position_id
        WHERE (a.unit_id IN (SELECT id FROM tree) OR a.unit_id IN (SELECT id FROM above))
          AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
          AND {status_sql("s", "?")} = 'active'
          {"AND p.rank <= ?" if max_rank is not None else ""}
        ORDER BY a.staff_id""", [section_id, section_id, day, day, *[day] * 3, *([max_rank] if max_rank is not None else [])])
    return [r[0] for r in rows]


def suggest_assignments(db: sqlite_utils.Database, user: User, project_id: int, on: date | None = None) -> list[Proposal]:
    """Who should rate whom on ``on`` (default today), from the rules; see ``suggest``."""
    return suggest(db, user, project_id, on or date.today()).proposals


def suggest(db: sqlite_utils.Database, user: User, project_id: int, on: date) -> Suggestions:
    """Who should rate whom, from the rules, with notes; existing assignments are left out.

    Owners and, when a project has none, the executives of its owning section (and of the
    units above it) rate the policy view; the other members rate each other's leadership
    (never themselves); the digital department's managers (係長 and above, by the town's
    position order) and the project's named external raters rate ICT. Which rule applies to a
    perspective is the list of evaluator kinds the template gives it. A perspective for which
    the rules find nobody, and a digital department that no longer exists, are noted.
    """
    require(user, Action.ASSIGNMENT_EDIT)
    row = project(db, project_id)
    template = rubrics.load_template(db, row["template_id"])
    people = list(db.query("SELECT staff_id, role FROM project_members WHERE project_id = ?", [project_id]))
    targets = sorted(p["staff_id"] for p in people if p["role"] in RATED_ROLES)
    owners = sorted(p["staff_id"] for p in people if p["role"] == "owner")
    executives = owners
    if not executives and row["owner_unit_id"]:
        executives = _current_staff_of_section(db, row["owner_unit_id"], int(settings.get(db, "executive_max_rank")),
                                               on, with_heads=True)
    notes: list[str] = []
    uses_digital = any("digital" in p.rater_kinds and p.criteria_for("digital") for p in template.perspectives)
    digital: list[int] = []
    if uses_digital:
        section, note = digital_section(db, on)
        if note:
            notes.append(note)
        if section is not None:
            digital = _current_staff_of_section(db, section, positions.manager_max_rank(db), on)
            if not digital:
                name = db.execute("SELECT name FROM org_units WHERE id = ?", [section]).fetchone()[0]
                notes.append(_("Nobody at 係長 or above is in the digital department {name} on {day}.").format(
                    name=name, day=on.isoformat()))
    externals = [r[0] for r in db.execute(
        """SELECT e.id FROM external_raters e JOIN project_external_raters pe ON pe.external_rater_id = e.id
           WHERE pe.project_id = ? AND e.active = 1 ORDER BY e.id""", [project_id])]
    existing = {(a["target_staff_id"], a["perspective_id"], a["evaluator_staff_id"], a["evaluator_external_id"])
                for a in db.query("SELECT * FROM evaluation_assignments WHERE project_id = ?", [project_id])}
    pool = {"executive": [Evaluator(staff_id=s) for s in executives],
            "member": [Evaluator(staff_id=s) for s in targets],
            "staff": [],
            "digital": [Evaluator(staff_id=s) for s in digital],
            "external": [Evaluator(external_id=e) for e in externals]}
    proposals: list[Proposal] = []
    for perspective in template.perspectives:
        nobody = 0
        for target in targets:
            chosen: set[Evaluator] = set()
            for kind in perspective.rater_kinds:
                if not perspective.criteria_for(kind):
                    continue
                for evaluator in pool.get(kind, []):
                    if evaluator.staff_id == target or evaluator in chosen:
                        continue
                    chosen.add(evaluator)
                    if (target, perspective.id, evaluator.staff_id, evaluator.external_id) not in existing:
                        proposals.append(Proposal(target, perspective.id, evaluator, kind))
            nobody += not chosen
        if nobody:
            kinds = "、".join(_(rubrics.EVALUATOR_KINDS[k]) for k in perspective.rater_kinds
                             if k in rubrics.EVALUATOR_KINDS)
            notes.append(_("Nobody was found to rate {perspective} for {n} of {total} members (the rules ask: "
                           "{kinds}).").format(perspective=perspective.name, n=nobody, total=len(targets),
                                               kinds=kinds))
    return Suggestions(proposals, notes)


def add_assignment(db: sqlite_utils.Database, project_id: int, target_staff_id: int, perspective_id: int,
                   evaluator: Evaluator, kind: str, user: User) -> int:
    """One evaluator for one member and perspective; the kind decides which criteria they answer."""
    require(user, Action.ASSIGNMENT_EDIT)
    with transaction(db):
        template = rubrics.load_template(db, project(db, project_id)["template_id"])
        return _add_assignment(db, template, project_id, target_staff_id, perspective_id, evaluator, kind, user)


def _add_assignment(db: sqlite_utils.Database, template: rubrics.TemplateSpec, project_id: int, target_staff_id: int,
                    perspective_id: int, evaluator: Evaluator, kind: str, user: User) -> int:
    """add_assignment with the project's template already read (a batch reads it once)."""
    perspective = next((p for p in template.perspectives if p.id == perspective_id), None)
    if perspective is None:
        raise UserError(_("The perspective does not belong to this project's template."))
    if kind not in rubrics.EVALUATOR_KINDS:
        raise UserError(_("Unknown evaluator kind: {value}").format(value=kind))
    if not perspective.criteria_for(kind):
        raise UserError(_("{kind} cannot rate any criterion of the perspective {name}.").format(
            kind=_(rubrics.EVALUATOR_KINDS[kind]), name=perspective.name))
    target_role = db.execute("SELECT role FROM project_members WHERE project_id = ? AND staff_id = ?",
                             [project_id, target_staff_id]).fetchone()
    if target_role is None or target_role[0] not in RATED_ROLES:
        raise UserError(_("Only proposers, leaders and members of the project are rated."))
    if evaluator.staff_id == target_staff_id:
        raise UserError(_("Nobody rates themselves."))
    if evaluator.staff_id is not None and db.execute(
            f"SELECT 1 FROM staff s WHERE s.id = ? AND {in_service_sql()}",  # leaving later: still here
            [evaluator.staff_id, date.today().isoformat()]).fetchone() is None:
        raise UserError(_("The evaluator is not a current staff member."))
    if evaluator.external_id is not None and db.execute(
            "SELECT 1 FROM external_raters WHERE id = ?", [evaluator.external_id]).fetchone() is None:
        raise UserError(_("No external rater with id {id}.").format(id=evaluator.external_id))
    duplicate = db.execute("""SELECT 1 FROM evaluation_assignments WHERE project_id = ? AND target_staff_id = ?
                              AND perspective_id = ? AND evaluator_staff_id IS ? AND evaluator_external_id IS ?""",
                           [project_id, target_staff_id, perspective_id, evaluator.staff_id,
                            evaluator.external_id]).fetchone()
    if duplicate:
        raise UserError(_("This evaluator already rates this member from this perspective."))
    assignment_id = db["evaluation_assignments"].insert({
        "project_id": project_id, "target_staff_id": target_staff_id, "perspective_id": perspective_id,
        "evaluator_staff_id": evaluator.staff_id, "evaluator_external_id": evaluator.external_id,
        "evaluator_kind": kind}).last_pk
    audit.record(db, user.login, "evaluation.assign", "evaluation_assignments", assignment_id, None,
                 {"target": target_staff_id, "perspective": perspective.code, "evaluator": evaluator.key, "kind": kind})
    return assignment_id


def apply_suggestions(db: sqlite_utils.Database, project_id: int, user: User,
                      proposals: list[Proposal] | None = None, on: date | None = None) -> int:
    """Create the suggested assignments (or the given subset of them) in one transaction."""
    require(user, Action.ASSIGNMENT_EDIT)
    with transaction(db):
        chosen = suggest_assignments(db, user, project_id, on) if proposals is None else proposals
        template = rubrics.load_template(db, project(db, project_id)["template_id"])
        for p in chosen:
            _add_assignment(db, template, project_id, p.target_staff_id, p.perspective_id, p.evaluator, p.kind, user)
    return len(chosen)


def remove_assignment(db: sqlite_utils.Database, assignment_id: int, user: User) -> None:
    """Drop an assignment; refused once it has been submitted (reopen it first)."""
    require(user, Action.ASSIGNMENT_EDIT)
    with transaction(db):
        row = _assignment_row(db, assignment_id)
        if row["status"] == "submitted":
            raise UserError(_("This evaluation has been submitted; reopen it before removing it."))
        db.execute("DELETE FROM evaluation_scores WHERE assignment_id = ?", [assignment_id])
        db.execute("DELETE FROM evaluation_assignments WHERE id = ?", [assignment_id])
        audit.record(db, user.login, "evaluation.unassign", "evaluation_assignments", assignment_id, row, None)


def _assignment_row(db: sqlite_utils.Database, assignment_id: int) -> dict:
    row = next(db.query("SELECT * FROM evaluation_assignments WHERE id = ?", [assignment_id]), None)
    if row is None:
        raise UserError(_("No evaluation assignment with id {id}.").format(id=assignment_id))
    return row


def project_assignments(db: sqlite_utils.Database, user: User, project_id: int) -> list[dict]:
    """Every assignment of a project with names and status (no scores): the officer's overview."""
    require(user, Action.ASSIGNMENT_EDIT)
    return _assignment_listing(db, "a.project_id = ?", [project_id])


def my_assignments(db: sqlite_utils.Database, user: User) -> list[dict]:
    """The logged-in evaluator's own assignments, and nobody else's."""
    require(user, Action.RATINGS_OWN)
    if user.staff_id is None:
        return []
    return _assignment_listing(db, "a.evaluator_staff_id = ?", [user.staff_id])


def _assignment_listing(db: sqlite_utils.Database, where: str, params: list) -> list[dict]:
    return list(db.query(f"""
        SELECT a.id, a.project_id, pr.name AS project, a.target_staff_id,
               t.family_name || ' ' || t.given_name AS target, t.family_reading || t.given_reading AS target_reading,
               t.staff_no AS target_no, a.perspective_id, p.name AS perspective, p.sort_order AS perspective_order,
               a.evaluator_staff_id, a.evaluator_external_id, a.evaluator_kind, a.status, a.submitted_at,
               coalesce(es.family_name || ' ' || es.given_name, ex.name) AS evaluator,
               coalesce(es.family_reading || es.given_reading, ex.name) AS evaluator_reading,
               ex.organisation AS evaluator_organisation
        FROM evaluation_assignments a
        JOIN projects pr ON pr.id = a.project_id
        JOIN staff t ON t.id = a.target_staff_id
        JOIN template_perspectives p ON p.id = a.perspective_id
        LEFT JOIN staff es ON es.id = a.evaluator_staff_id
        LEFT JOIN external_raters ex ON ex.id = a.evaluator_external_id
        WHERE {where}
        ORDER BY pr.fiscal_year DESC, pr.id, t.family_reading, t.given_reading, p.sort_order, evaluator_reading""", params))


def _may_open(user: User, row: dict) -> bool:
    return user.is_admin or (user.staff_id is not None and row["evaluator_staff_id"] == user.staff_id)


# -- entering ratings -------------------------------------------------------------

@dataclass
class Answer:
    score: int | None
    comment: str = ""


@dataclass
class EvaluationForm:
    """One assignment as its evaluator sees it: the criteria they answer, with the anchors."""

    assignment: dict
    perspective: rubrics.PerspectiveSpec
    criteria: list[rubrics.CriterionSpec]
    answers: dict[int, Answer] = field(default_factory=dict)

    @property
    def editable(self) -> bool:
        return self.assignment["status"] != "submitted"

    @property
    def complete(self) -> bool:
        return all(self.answers.get(c.id) is not None and self.answers[c.id].score is not None for c in self.criteria)


def open_form(db: sqlite_utils.Database, user: User, assignment_id: int) -> EvaluationForm:
    require(user, Action.RATINGS_OWN)
    row = next(iter(_assignment_listing(db, "a.id = ?", [assignment_id])), None)
    if row is None:
        raise UserError(_("No evaluation assignment with id {id}.").format(id=assignment_id))
    if not _may_open(user, row):
        raise PermissionDenied(_("This evaluation belongs to another evaluator."))
    template_id = db.execute("SELECT template_id FROM projects WHERE id = ?", [row["project_id"]]).fetchone()[0]
    perspective = rubrics.load_template(db, template_id).perspective(row["perspective_id"])
    answers = {r["criterion_id"]: Answer(r["score"], r["comment"]) for r in db.query(
        "SELECT criterion_id, score, comment FROM evaluation_scores WHERE assignment_id = ?", [assignment_id])}
    return EvaluationForm(row, perspective, perspective.criteria_for(row["evaluator_kind"]), answers)


def clean_comment(text: str) -> str:
    """Comments are kept as plain text exactly as typed (a leading = is text, never a formula)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_COMMENT:
        raise UserError(_("A comment may have at most {n} characters.").format(n=MAX_COMMENT))
    return text


def save_answers(db: sqlite_utils.Database, user: User, assignment_id: int, answers: dict[int, Answer],
                 submit: bool = False, source: str = "app") -> None:
    """Save a draft or submit; a submitted evaluation is locked until the administrator reopens it."""
    require(user, Action.RATINGS_OWN)
    with transaction(db):
        form = open_form(db, user, assignment_id)
        if not form.editable:
            raise UserError(_("This evaluation has been submitted and is locked."))
        allowed = {c.id: c for c in form.criteria}
        rows = []
        for criterion_id, answer in answers.items():
            criterion = allowed.get(criterion_id)
            if criterion is None:
                raise UserError(_("The criterion {id} is not part of this evaluation.").format(id=criterion_id))
            if answer.score is not None and answer.score not in criterion.scores:
                raise UserError(_("{criterion}: the score must be between {low} and {high}.").format(
                    criterion=criterion.name, low=criterion.scale_min, high=criterion.scale_max))
            rows.append({"assignment_id": assignment_id, "criterion_id": criterion_id, "score": answer.score,
                         "comment": clean_comment(answer.comment)})
        merged = {**form.answers, **answers}
        if submit:
            missing = [c.name for c in form.criteria if merged.get(c.id) is None or merged[c.id].score is None]
            if missing:
                raise UserError(_("Give a score for every criterion before submitting: {names}").format(
                    names="、".join(missing)))
        # Plain SQL upsert: sqlite-utils' upsert_all introspects the table on every call (the Excel import
        # saves hundreds of evaluations in one go).
        db.conn.executemany("""INSERT INTO evaluation_scores (assignment_id, criterion_id, score, comment)
                               VALUES (:assignment_id, :criterion_id, :score, :comment)
                               ON CONFLICT (assignment_id, criterion_id) DO UPDATE
                               SET score = excluded.score, comment = excluded.comment""", rows)
        status = "submitted" if submit else "draft"
        db.execute("""UPDATE evaluation_assignments SET status = ?,
                      submitted_at = CASE WHEN ? = 'submitted' THEN strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') END,
                      updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = ?""",
                   [status, status, assignment_id])
        # The audit row names the assignment, not the scores: the log is readable by the officer only,
        # but keeping ratings out of it means one place to guard.
        audit.record(db, user.login, "evaluation.submit" if submit else "evaluation.save", "evaluation_assignments",
                     assignment_id, None, {"criteria": len(rows), "source": source})


def reopen(db: sqlite_utils.Database, user: User, assignment_id: int, reason: str) -> None:
    """Unlock a submitted evaluation so that it can be corrected; administrator only, audited with the reason."""
    require(user, Action.ASSIGNMENT_EDIT)
    reason = safe_normalise(reason)
    if not reason:
        raise UserError(_("Enter why the evaluation is reopened."))
    with transaction(db):
        row = _assignment_row(db, assignment_id)
        if row["status"] != "submitted":
            raise UserError(_("Only a submitted evaluation can be reopened."))
        db.execute("""UPDATE evaluation_assignments SET status = 'draft', submitted_at = NULL,
                      updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = ?""", [assignment_id])
        audit.record(db, user.login, "evaluation.reopen", "evaluation_assignments", assignment_id,
                     {"status": "submitted"}, {"status": "draft", "reason": reason})


def individual_ratings(db: sqlite_utils.Database, user: User, project_id: int) -> list[dict]:
    """Every single score of a project with who gave it: the administrator only."""
    require(user, Action.RATINGS_INDIVIDUAL)
    return list(db.query("""
        SELECT a.id AS assignment_id, a.target_staff_id, t.family_name || ' ' || t.given_name AS target,
               p.name AS perspective, c.name AS criterion, s.score, s.comment, a.status, a.evaluator_kind,
               coalesce(es.family_name || ' ' || es.given_name, ex.name) AS evaluator
        FROM evaluation_scores s JOIN evaluation_assignments a ON a.id = s.assignment_id
        JOIN staff t ON t.id = a.target_staff_id JOIN template_perspectives p ON p.id = a.perspective_id
        JOIN template_criteria c ON c.id = s.criterion_id
        LEFT JOIN staff es ON es.id = a.evaluator_staff_id LEFT JOIN external_raters ex ON ex.id = a.evaluator_external_id
        WHERE a.project_id = ? ORDER BY t.family_reading, t.given_reading, p.sort_order, evaluator, c.sort_order""",
        [project_id]))


def evaluator_name(db: sqlite_utils.Database, evaluator: Evaluator) -> str:
    if evaluator.staff_id is not None:
        row = db.execute("SELECT family_name || ' ' || given_name FROM staff WHERE id = ?", [evaluator.staff_id]).fetchone()
    else:
        row = db.execute("SELECT name FROM external_raters WHERE id = ?", [evaluator.external_id]).fetchone()
    return row[0] if row else "?"
