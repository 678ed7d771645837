"""A person's card: what the register knows about one member of staff, tab by tab, as the acting user may see it.

The card reuses the services that own each kind of record (the staff history, project members,
the publication rule of ``evaluation_summary``, the certification register, the certificate
print log) rather than reading the tables again, so that it shows the same figures as the
screens those records come from and the same permission table decides. Which tabs a role gets:

* 基本情報 — everyone who may see the staff list: name, reading, 職員番号, section and position on
  the day. The hire date, the employment status with its dates (休職 from/to, 退職 last day) are
  the person's record (``staff:history``, the administrator's); the others see the status as the
  staff list shows it to them (a leave reads 在職) and no dates.
* 所属の履歴 — ``staff:history`` (administrator).
* プロジェクト — ``projects:view`` (administrator, viewer).
* 評価 — ``evaluations:individual`` (administrator): the exact combined figures with the number of
  raters, and beside each what viewers are shown under the publication rule.
* 認定 — ``certification:register`` (administrator, viewer): every decision, revoked ones with
  the date and reason, as the register shows them.
* 証書 — ``certificates:output`` (administrator): every certificate printed, first issue or reprint.
* 資格 — ``qualifications:view`` (administrator, viewer): obtained, expires, evidence note and whether
  it is held on the card's day (``app.training.qualifications``).
* スキル — ``skills:view`` (administrator, viewer): the current level of each skill item recorded.

An evaluator therefore sees only 基本情報: ratings are personnel data, and an evaluator sees
only their own assignments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from app.certification import certificates
from app.certification import decisions
from app.evaluation import summary
from app.staff import directory
from app.register.accounts import User
from app.errors import UserError
from app.i18n import N_, _
from app.register.permissions import Action, allowed, require
from app.evaluation.projects import ROLES
from app.training import attendance as training_attendance
from app.training import qualifications as staff_qualifications
from app.wareki import display_date

# (key, tab title, the action that opens it), in the card's order.
TABS: tuple[tuple[str, str, Action], ...] = (
    ("basic", N_("Basic information"), Action.STAFF_LIST),
    ("affiliations", N_("Affiliation history"), Action.STAFF_HISTORY),
    ("projects", N_("Projects"), Action.PROJECT_VIEW),
    ("training", N_("Training"), Action.TRAINING_VIEW),
    ("qualifications", N_("Qualifications"), Action.QUALIFICATIONS_VIEW),
    ("evaluations", N_("Evaluations"), Action.RATINGS_INDIVIDUAL),
    ("certifications", N_("Certifications"), Action.REGISTER_VIEW),
    ("certificates", N_("Certificates"), Action.CERTIFICATE_OUTPUT),
    ("skills", N_("Skills"), Action.SKILLS_VIEW),
)


def visible_tabs(user: User) -> list[tuple[str, str]]:
    """(key, translated title) of the tabs ``user`` may open; the card shows only these."""
    return [(key, _(title)) for key, title, action in TABS if allowed(user, action)]


@dataclass
class Basics:
    """基本情報. The fields after ``status`` are None for a role that may not see the person's record."""

    staff_id: int
    staff_no: str
    name: str
    reading: str
    department: str
    section: str
    position: str
    status: str  # on the card's day, as the role may see it: active / leave / retired / planned
    hire_date: str | None = None
    retired_on: str | None = None
    leave_from: str | None = None
    leave_until: str | None = None
    full_record: bool = False  # the hire date and the status dates are shown


def basics(db: sqlite_utils.Database, user: User, staff_id: int, on: date | None = None) -> Basics:
    """Name, number, seat and status on ``on`` (default today), through the staff directory's own rules."""
    require(user, Action.STAFF_LIST)
    day = on or date.today()
    row = next(iter(directory.load_directory(db, user, day, staff_id)), None)
    if row is None:
        raise UserError(_("No staff member with id {id}.").format(id=staff_id))
    card = Basics(row.id, row.staff_no, row.name, row.reading, row.department, row.section, row.position, row.status)
    if allowed(user, Action.STAFF_HISTORY):
        record = db.execute("SELECT hire_date, retired_on, leave_from, leave_until FROM staff WHERE id = ?",
                            [staff_id]).fetchone()
        card.hire_date, card.retired_on, card.leave_from, card.leave_until = record
        card.full_record = True
    return card


def status_text(card: Basics, on: date) -> str:
    """The status line of 基本情報: 「休職（令和8年5月1日から令和8年7月31日まで）」, 「在職（令和9年3月31日 退職予定）」 …

    Only the status for a role without the person's record (their card carries no dates).
    """
    label = _(directory.STATUS_LABELS.get(card.status, card.status))
    if not card.full_record:
        return label
    day = on.isoformat()
    notes = []
    if card.status == "leave" and card.leave_from:
        notes.append(_("from {start} until {end}").format(start=display_date(card.leave_from),
                                                           end=display_date(card.leave_until))
                     if card.leave_until else _("from {start}").format(start=display_date(card.leave_from)))
    elif card.status == "retired":
        notes.append(_("last day {day}").format(day=display_date(card.retired_on)))
    elif card.leave_from and card.leave_from > day:
        notes.append(_("on leave from {start}").format(start=display_date(card.leave_from)))
    elif card.leave_from and card.leave_until and card.leave_until < day:
        notes.append(_("last leave {start} – {end}").format(start=display_date(card.leave_from),
                                                             end=display_date(card.leave_until)))
    if card.status != "retired" and card.retired_on and card.retired_on >= day:
        notes.append(_("retires with the last day {day}").format(day=display_date(card.retired_on)))
    return _("{status} ({notes})").format(status=label, notes=_(", ").join(notes)) if notes else label


def affiliations(db: sqlite_utils.Database, user: User, staff_id: int) -> list[dict]:
    """所属の履歴: the person's seats over time, oldest first (``staff.staff_history``)."""
    return directory.staff_history(db, user, staff_id)


def projects(db: sqlite_utils.Database, user: User, staff_id: int) -> list[dict]:
    """The projects the person is on, newest year first, with their role and the sessions they attended."""
    require(user, Action.PROJECT_VIEW)
    rows = list(db.query("""
        SELECT p.id AS project_id, p.name, p.fiscal_year, p.status, p.realisation, p.realisation_decided_on,
               m.role, m.joined_on,
               (SELECT count(*) FROM training_events te WHERE te.project_id = p.id) AS sessions,
               (SELECT count(*) FROM training_attendance ta JOIN training_events te ON te.id = ta.event_id
                WHERE te.project_id = p.id AND ta.staff_id = m.staff_id) AS sessions_attended
        FROM project_members m JOIN projects p ON p.id = m.project_id
        WHERE m.staff_id = ? ORDER BY p.fiscal_year DESC, p.id DESC""", [staff_id]))
    for row in rows:
        row["role_label"] = _(ROLES.get(row["role"], row["role"]))
    return rows


def evaluations(db: sqlite_utils.Database, user: User, staff_id: int) -> list[dict]:
    """評価: the person's combined results per project and perspective (the administrator's).

    The figures are ``evaluation_summary.summary`` rows, not recomputed here: the exact value with
    the number of raters, and ``public`` — what viewers see under the publication rule.
    """
    require(user, Action.RATINGS_INDIVIDUAL)
    names = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, name, fiscal_year FROM projects")}
    out = []
    for row in summary.summary(db, user, staff_ids=[staff_id]):
        name, year = names.get(row.project_id, ("?", 0))
        out.append({"project_id": row.project_id, "project": name, "fiscal_year": year,
                    "perspective": row.perspective, "value": row.display, "raters": row.raters,
                    "min_raters": row.min_raters, "complete": row.complete, "public": row.public_display})
    out.sort(key=lambda r: -r["fiscal_year"])  # stable: the summary's own perspective order is kept
    return out


def certifications(db: sqlite_utils.Database, user: User, staff_id: int) -> list[dict]:
    """認定: every decision in the order taken, revoked ones with date and reason (``certification.person_path``)."""
    return decisions.person_path(db, user, staff_id)


def printed_certificates(db: sqlite_utils.Database, user: User, staff_id: int) -> list[dict]:
    """証書: every certificate printed for the person, newest first, first issue or reprint."""
    return certificates.print_log(db, user, staff_id=staff_id)


def skills(db: sqlite_utils.Database, user: User, staff_id: int, on: date | None = None) -> list[dict]:
    """スキル: the person's current level of every item recorded, in each skill catalogue the town uses."""
    from app.skills import catalogues, records

    day = on or date.today()
    out = []
    for family, name in catalogues.families(db):
        for row in records.people_skills(db, user, family, day, staff_id=staff_id):
            out.append({"catalogue": name, "family": family, **row})
    return out


def training(db: sqlite_utils.Database, user: User, staff_id: int) -> list[dict]:
    """研修: the training events the person attended, newest first (``training.attendance.person_training``)."""
    return training_attendance.person_training(db, user, staff_id)


def qualifications(db: sqlite_utils.Database, user: User, staff_id: int, on: date | None = None) -> list[dict]:
    """資格: the person's qualifications, newest first, each held / expiring / expired on ``on`` (default today)."""
    return staff_qualifications.person_qualifications(db, user, staff_id, on or date.today())


def card(db: sqlite_utils.Database, user: User, staff_id: int, on: date | None = None) -> dict:
    """Every tab ``user`` may see, by key (``basic`` as a dict): for `staff show --json` and tests."""
    from dataclasses import asdict

    loaders = {"affiliations": affiliations, "projects": projects, "evaluations": evaluations,
               "certifications": certifications, "certificates": printed_certificates, "training": training,
               "qualifications": qualifications, "skills": lambda db, user, staff_id: skills(db, user, staff_id, on)}
    out: dict = {"basic": asdict(basics(db, user, staff_id, on))}
    for key, _title in visible_tabs(user):
        if key in loaders:
            out[key] = loaders[key](db, user, staff_id)
    return out
