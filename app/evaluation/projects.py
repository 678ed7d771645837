"""BPR projects (業務改善プロジェクト): members and roles, workshops, realisation and outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import sqlite_utils

from app import audit
from app.evaluation import rubrics
from app.register.accounts import User
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, _
from app.register.permissions import Action, require
from app.staff.directory import in_service_sql, unit_names
from app.staff.importer import staff_number_problem
from app.text import safe_normalise
from app.tabular import MAX_LISTED_ERRORS, not_listed, read_table, shorten, unprotect_cell
from app.wareki import require_supported

STATUSES = {"planned": N_("Planned"), "active": N_("In progress"), "completed": N_("Completed"),
            "cancelled": N_("Cancelled")}
# 構想 → 試行 → 本格実施 → 全庁展開, in this order.
REALISATION = {"concept": N_("Concept"), "trial": N_("Trial"), "full": N_("Full operation"),
               "organisation_wide": N_("Organisation-wide")}
ROLES = {"proposer": N_("Proposer"), "leader": N_("Leader"), "member": N_("Member"), "owner": N_("Owner")}
RATED_ROLES = ("proposer", "leader", "member")  # owners are executives: they rate, they are not rated
MAX_TEXT = 4000


@dataclass
class ProjectInput:
    name: str
    fiscal_year: int
    theme: str = ""
    owner_unit_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    status: str = "planned"
    realisation: str | None = None
    realisation_decided_on: date | None = None
    realisation_decided_by: str = ""
    hours_saved_per_year: float | None = None
    procedures_online: int | None = None
    systems_built: int | None = None
    outcome_summary: str = ""
    template_id: int | None = None


def _row(data: ProjectInput) -> dict:
    name = safe_normalise(data.name)
    if not name:
        raise UserError(_("Enter the project name."))
    if not 1989 <= data.fiscal_year <= 2200:
        raise UserError(_("The fiscal year {year} is out of range.").format(year=data.fiscal_year))
    if data.status not in STATUSES:
        raise UserError(_("Unknown status: {value}").format(value=data.status))
    if data.realisation is not None and data.realisation not in REALISATION:
        raise UserError(_("Unknown degree of realisation: {value}").format(value=data.realisation))
    if data.realisation is not None and data.realisation_decided_on is None:
        raise UserError(_("Enter the date the executives decided the degree of realisation."))
    for label, day in ((_("Starts on"), data.starts_on), (_("Ends on"), data.ends_on),
                       (_("Decided on"), data.realisation_decided_on)):
        if day is not None:
            require_supported(day, label)
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise UserError(_("The project cannot end before it starts."))
    for label, value in ((_("Hours saved per year"), data.hours_saved_per_year),
                         (_("Procedures moved online"), data.procedures_online),
                         (_("Systems built"), data.systems_built)):
        if value is not None and value < 0:
            raise UserError(_("{field} cannot be negative.").format(field=label))
    if len(data.outcome_summary) > MAX_TEXT or len(data.theme) > MAX_TEXT:
        raise UserError(_("The text is too long (at most {n} characters).").format(n=MAX_TEXT))
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "name": name, "theme": data.theme.strip(), "fiscal_year": data.fiscal_year,
        "owner_unit_id": data.owner_unit_id, "starts_on": iso(data.starts_on), "ends_on": iso(data.ends_on),
        "status": data.status, "realisation": data.realisation,
        "realisation_decided_on": iso(data.realisation_decided_on) if data.realisation else None,
        "realisation_decided_by": data.realisation_decided_by.strip() if data.realisation else "",
        "hours_saved_per_year": data.hours_saved_per_year, "procedures_online": data.procedures_online,
        "systems_built": data.systems_built, "outcome_summary": data.outcome_summary.strip(),
        "template_id": data.template_id,
    }


def create_project(db: sqlite_utils.Database, data: ProjectInput, user: User) -> int:
    """A new project; it is rated on the given template or, by default, the latest Moka rubric."""
    require(user, Action.PROJECT_EDIT)
    with transaction(db):
        if data.template_id is None:
            data.template_id = rubrics.ensure_preset(db, user)
        row = _row(data)
        project_id = db["projects"].insert(row).last_pk
        audit.record(db, user.login, "project.create", "projects", project_id, None, row)
    return project_id


def update_project(db: sqlite_utils.Database, project_id: int, data: ProjectInput, user: User) -> None:
    require(user, Action.PROJECT_EDIT)
    with transaction(db):
        before = project(db, project_id)
        if data.template_id is None:
            data.template_id = before["template_id"]
        row = _row(data)
        if row["template_id"] != before["template_id"] and _has_scores(db, project_id):
            raise UserError(_("Ratings have already been entered on this project's template; "
                              "it can no longer be changed."))
        db.execute(f"UPDATE projects SET {', '.join(f'{k} = ?' for k in row)}, "
                   "updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = ?",
                   [*row.values(), project_id])
        changed = {k: v for k, v in row.items() if before.get(k) != v}
        if changed:
            action = "project.realisation" if set(changed) & {"realisation", "realisation_decided_on"} else "project.update"
            audit.record(db, user.login, action, "projects", project_id, {k: before.get(k) for k in changed}, changed)


def _has_scores(db: sqlite_utils.Database, project_id: int) -> bool:
    return db.execute("""SELECT EXISTS (SELECT 1 FROM evaluation_scores s JOIN evaluation_assignments a
                         ON a.id = s.assignment_id WHERE a.project_id = ?)""", [project_id]).fetchone()[0] == 1


def project(db: sqlite_utils.Database, project_id: int) -> dict:
    row = next(db.query("SELECT * FROM projects WHERE id = ?", [project_id]), None)
    if row is None:
        raise UserError(_("No project with id {id}.").format(id=project_id))
    return row


def overview(db: sqlite_utils.Database, user: User, project_id: int) -> dict:
    """One project as its 概要 tab shows it, with the owning section's name (for whoever may view projects)."""
    require(user, Action.PROJECT_VIEW)
    row = project(db, project_id)
    row["owner_unit"] = " ".join(n for n in unit_names(db).get(row["owner_unit_id"], ()) if n)
    return row


def project_input(db: sqlite_utils.Database, project_id: int) -> ProjectInput:
    """The stored project as the form that edits it."""
    row = project(db, project_id)
    day = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
    fields = {k: row[k] for k in asdict(ProjectInput("", 0)) if k in row}
    for key in ("starts_on", "ends_on", "realisation_decided_on"):
        fields[key] = day(row[key])
    return ProjectInput(**fields)


def list_projects(db: sqlite_utils.Database, user: User, fiscal_year: int | None = None) -> list[dict]:
    """Projects with their section, member count and rating progress, newest year first."""
    require(user, Action.PROJECT_VIEW)
    names = unit_names(db)
    rows = list(db.query(f"""
        SELECT p.id, p.name, p.theme, p.fiscal_year, p.owner_unit_id, p.status, p.realisation,
               p.realisation_decided_on, p.starts_on, p.ends_on, p.template_id,
               (SELECT count(*) FROM project_members m WHERE m.project_id = p.id AND m.role != 'owner') AS members,
               (SELECT count(*) FROM project_members m WHERE m.project_id = p.id AND m.role = 'owner') AS owners,
               (SELECT count(*) FROM evaluation_assignments a WHERE a.project_id = p.id) AS assignments,
               (SELECT count(*) FROM evaluation_assignments a WHERE a.project_id = p.id
                                                               AND a.status = 'submitted') AS submitted
        FROM projects p {"WHERE p.fiscal_year = ?" if fiscal_year else ""}
        ORDER BY p.fiscal_year DESC, p.id""", [fiscal_year] if fiscal_year else []))
    for row in rows:
        row["owner_unit"] = " ".join(n for n in names.get(row["owner_unit_id"], ()) if n)
    return rows


# -- members -------------------------------------------------------------------

def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(_("Unknown role: {value}").format(value=role))


def add_member(db: sqlite_utils.Database, project_id: int, staff_id: int, role: str, user: User,
               joined_on: date | None = None) -> int:
    require(user, Action.PROJECT_EDIT)
    _check_role(role)
    with transaction(db):
        project(db, project_id)
        person = db.execute("SELECT family_name || ' ' || given_name FROM staff WHERE id = ?", [staff_id]).fetchone()
        if person is None:
            raise UserError(_("No staff member with id {id}.").format(id=staff_id))
        if db.execute("SELECT 1 FROM project_members WHERE project_id = ? AND staff_id = ?",
                      [project_id, staff_id]).fetchone():
            raise UserError(_("{name} is already on this project.").format(name=person[0]))
        member_id = db["project_members"].insert({"project_id": project_id, "staff_id": staff_id, "role": role,
                                                   "joined_on": joined_on.isoformat() if joined_on else None}).last_pk
        audit.record(db, user.login, "project.member_add", "projects", project_id, None, {"staff_id": staff_id, "role": role})
    return member_id


@dataclass
class MembersAdded:
    """What ``add_members`` did: who was added, and who was already on the project (left as they were)."""

    added: list[str]  # display names, in the order given
    already: list[str]


def add_members(db: sqlite_utils.Database, project_id: int, staff_ids: Sequence[int], role: str, user: User,
                joined_on: date | None = None) -> MembersAdded:
    """Add many people with one role, in one transaction: all of them, or none when one cannot be added.

    Someone already on the project is skipped and named in the result, keeping their role: the
    officer ticked them to have them on the project, which they are, and refusing the whole list
    for it would make them tick everyone again. A person who does not exist or has retired refuses
    the whole list, naming them.
    """
    require(user, Action.PROJECT_EDIT)
    _check_role(role)
    ids = list(dict.fromkeys(staff_ids))  # a person ticked twice is added once
    if not ids:
        raise UserError(_("Tick at least one person to add."))
    result = MembersAdded([], [])
    with transaction(db):
        project(db, project_id)
        on_project = {r[0] for r in db.execute("SELECT staff_id FROM project_members WHERE project_id = ?", [project_id])}
        today = date.today().isoformat()
        for staff_id in ids:
            person = db.execute(f"SELECT family_name || ' ' || given_name, {in_service_sql('s')} FROM staff s WHERE s.id = ?",
                                [today, staff_id]).fetchone()
            if person is None:
                raise UserError(_("No staff member with id {id}; nobody was added.").format(id=staff_id))
            if not person[1]:
                raise UserError(_("{name} has retired and cannot join a project; nobody was added.").format(name=person[0]))
            if staff_id in on_project:
                result.already.append(person[0])
                continue
            db["project_members"].insert({"project_id": project_id, "staff_id": staff_id, "role": role,
                                          "joined_on": joined_on.isoformat() if joined_on else None})
            # One entry per person, as a single addition writes: the log reads the same either way.
            audit.record(db, user.login, "project.member_add", "projects", project_id, None,
                         {"staff_id": staff_id, "role": role})
            result.added.append(person[0])
    return result


def set_member_role(db: sqlite_utils.Database, project_id: int, staff_id: int, role: str, user: User) -> None:
    require(user, Action.PROJECT_EDIT)
    _check_role(role)
    with transaction(db):
        before = _member(db, project_id, staff_id)
        db.execute("UPDATE project_members SET role = ? WHERE id = ?", [role, before["id"]])
        audit.record(db, user.login, "project.member_role", "projects", project_id,
                     {"staff_id": staff_id, "role": before["role"]}, {"staff_id": staff_id, "role": role})


def remove_member(db: sqlite_utils.Database, project_id: int, staff_id: int, user: User) -> None:
    """Take someone off a project; refused once anyone has rated them or they have rated anyone here."""
    require(user, Action.PROJECT_EDIT)
    with transaction(db):
        before = _member(db, project_id, staff_id)
        rated = db.execute("""SELECT count(*) FROM evaluation_scores s JOIN evaluation_assignments a ON a.id = s.assignment_id
                              WHERE a.project_id = ? AND (a.target_staff_id = ? OR a.evaluator_staff_id = ?)""",
                           [project_id, staff_id, staff_id]).fetchone()[0]
        if rated:
            raise UserError(_("Ratings by or about this member exist; they cannot be taken off the project."))
        db.execute("DELETE FROM evaluation_assignments WHERE project_id = ? AND (target_staff_id = ? OR evaluator_staff_id = ?)",
                   [project_id, staff_id, staff_id])
        db.execute("""DELETE FROM training_attendance WHERE staff_id = ? AND event_id IN
                      (SELECT id FROM training_events WHERE project_id = ?)""", [staff_id, project_id])
        db.execute("DELETE FROM project_members WHERE id = ?", [before["id"]])
        audit.record(db, user.login, "project.member_remove", "projects", project_id,
                     {"staff_id": staff_id, "role": before["role"]}, None)


def _member(db: sqlite_utils.Database, project_id: int, staff_id: int) -> dict:
    row = next(db.query("SELECT * FROM project_members WHERE project_id = ? AND staff_id = ?", [project_id, staff_id]), None)
    if row is None:
        raise UserError(_("This person is not on the project."))
    return row


def members(db: sqlite_utils.Database, user: User, project_id: int) -> list[dict]:
    """Members with name, reading, current section and position, role and sessions attended."""
    require(user, Action.PROJECT_VIEW)
    today = date.today().isoformat()
    names = unit_names(db, today)
    rows = list(db.query("""
        SELECT m.id, m.staff_id, m.role, m.joined_on, s.staff_no, s.family_name, s.given_name,
               s.family_reading, s.given_reading, a.unit_id, pos.name AS position, pos.rank AS position_rank,
               (SELECT count(*) FROM training_attendance ta JOIN training_events te ON te.id = ta.event_id
                WHERE te.project_id = m.project_id AND ta.staff_id = m.staff_id) AS sessions_attended
        FROM project_members m JOIN staff s ON s.id = m.staff_id
        LEFT JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_from <= ?
                                      AND (a.valid_to IS NULL OR a.valid_to >= ?)
        LEFT JOIN positions pos ON pos.id = a.position_id
        WHERE m.project_id = ?""", [today, today, project_id]))
    order = list(ROLES)
    for row in rows:
        row["name"] = f"{row['family_name']} {row['given_name']}"
        row["unit"] = " ".join(n for n in names.get(row["unit_id"], ()) if n)
    rows.sort(key=lambda r: (order.index(r["role"]) if r["role"] != "owner" else -1,
                             r["family_reading"], r["given_reading"], r["staff_no"]))
    return rows


@dataclass
class MemberImportPreview:
    """What an import of a member list would do; nothing is written until commit."""

    path: Path
    to_add: list[tuple[int, str, str]]          # staff_id, role, display name
    role_changes: list[tuple[int, str, str, str]]  # staff_id, old role, new role, display name
    unchanged: int
    errors: list[str]


_STAFF_NO_HEADERS = ("職員番号", "職員コード", "職員no", "staff_no", "staff no.")
_ROLE_HEADERS = ("役割", "ロール", "role")


def preview_member_import(db: sqlite_utils.Database, user: User, project_id: int, path: Path) -> MemberImportPreview:
    """Read a CSV/xlsx with 職員番号 and optionally 役割; every problem names file, row and column."""
    require(user, Action.PROJECT_EDIT)
    project(db, project_id)
    table = read_table(Path(path))
    folded = [safe_normalise(h).lower().replace(" ", "") for h in table.headers]

    def column(candidates: tuple[str, ...]) -> int | None:
        wanted = {c.lower().replace(" ", "") for c in candidates}
        return next((i for i, h in enumerate(folded) if h in wanted), None)

    no_col, role_col = column(_STAFF_NO_HEADERS), column(_ROLE_HEADERS)
    name = Path(path).name
    if no_col is None:
        raise UserError(_("{file}: the column 職員番号 is missing (found: {headers}).").format(
            file=name, headers=shorten("、".join(table.headers), 200) or _("none")))
    role_by_label = {_(label): key for key, label in ROLES.items()} | {key: key for key in ROLES} | {
        "提案者": "proposer", "リーダー": "leader", "メンバー": "member", "オーナー": "owner"}
    staff_by_no = {r[0]: (r[1], r[2]) for r in db.execute(
        "SELECT staff_no, id, family_name || ' ' || given_name FROM staff WHERE status != 'retired'")}
    current = {r[0]: r[1] for r in db.execute("SELECT staff_id, role FROM project_members WHERE project_id = ?", [project_id])}
    preview = MemberImportPreview(Path(path), [], [], 0, [])
    seen: dict[str, int] = {}
    role_header = table.headers[role_col] if role_col is not None else ""
    for offset, cells in enumerate(table.rows):
        line = table.first_data_row + offset
        if not any(c.strip() for c in cells):
            continue
        staff_no = safe_normalise(unprotect_cell(cells[no_col])).replace(" ", "")
        where = _("{file} row {row}, column {column}").format(file=name, row=line, column=shorten(table.headers[no_col], 20))
        if not staff_no:
            preview.errors.append(_("{where}: the staff number is empty.").format(where=where))
            continue
        if staff_number_problem(staff_no):
            preview.errors.append(f"{where}: {staff_number_problem(staff_no)}")
            continue
        if staff_no in seen:
            preview.errors.append(_("{where}: {no} appears twice (also row {other}).").format(
                where=where, no=shorten(staff_no), other=seen[staff_no]))
            continue
        seen[staff_no] = line
        if staff_no not in staff_by_no:
            preview.errors.append(_("{where}: no current staff member has the number {no}.").format(
                where=where, no=shorten(staff_no)))
            continue
        role = "member"
        if role_col is not None and cells[role_col].strip():
            label = safe_normalise(cells[role_col])
            role = role_by_label.get(label) or role_by_label.get(label.lower())
            if role is None:
                preview.errors.append(_("{where}: unknown role {value} (use 提案者, リーダー, メンバー or オーナー).").format(
                    where=_("{file} row {row}, column {column}").format(file=name, row=line, column=shorten(role_header, 20)),
                    value=shorten(label)))
                continue
        staff_id, person = staff_by_no[staff_no]
        if staff_id not in current:
            preview.to_add.append((staff_id, role, person))
        elif current[staff_id] != role and role_col is not None:
            preview.role_changes.append((staff_id, current[staff_id], role, person))
        else:
            preview.unchanged += 1
    if not seen and not preview.errors:
        preview.errors.append(_("{file} has no member rows.").format(file=name))
    if len(preview.errors) > MAX_LISTED_ERRORS:  # a wrong file can have an error in every row (5.6 MB of them)
        hidden = len(preview.errors) - MAX_LISTED_ERRORS
        preview.errors[MAX_LISTED_ERRORS:] = [not_listed(name, hidden)]
    return preview


def commit_member_import(db: sqlite_utils.Database, project_id: int, preview: MemberImportPreview, user: User) -> None:
    """All of the previewed changes or, when the preview found errors, none."""
    require(user, Action.PROJECT_EDIT)
    if preview.errors:
        raise UserError(_("The import has {n} errors; nothing was written.").format(n=len(preview.errors)))
    with transaction(db):
        for staff_id, role, _name in preview.to_add:
            add_member(db, project_id, staff_id, role, user)
        for staff_id, _old, role, _name in preview.role_changes:
            set_member_role(db, project_id, staff_id, role, user)
        audit.record(db, user.login, "project.members_import", "projects", project_id, None,
                     {"file": preview.path.name, "added": len(preview.to_add), "roles": len(preview.role_changes)})


# -- workshops and sessions -----------------------------------------------------
# A project's session is a training event (kind 'workshop') linked to the project (migration 0013): the
# 研修・資格 screen lists it with the other events, and "workshops attended" counts both. These functions
# keep the projects screen's view of them: held_on is the event's first day.

_SESSION_SQL = """SELECT te.id, te.project_id, te.starts_on AS held_on, te.title, te.hours, te.kind,
                         (SELECT count(*) FROM training_attendance ta WHERE ta.event_id = te.id) AS attendees
                  FROM training_events te"""


def add_session(db: sqlite_utils.Database, project_id: int, held_on: date, title: str, hours: float | None,
                attendees: list[int], user: User) -> int:
    require(user, Action.PROJECT_EDIT)
    title = title.strip()
    if not title:
        raise UserError(_("Enter a title for the session."))
    require_supported(held_on, _("Date"))
    if hours is not None and hours < 0:
        raise UserError(_("{field} cannot be negative.").format(field=_("Hours")))
    with transaction(db):
        project(db, project_id)
        session_id = db["training_events"].insert({
            "project_id": project_id, "starts_on": held_on.isoformat(), "ends_on": held_on.isoformat(),
            "title": title, "hours": hours, "kind": "workshop", "created_by": user.login}).last_pk
        _write_attendance(db, project_id, session_id, attendees)
        audit.record(db, user.login, "project.session_add", "projects", project_id, None,
                     {"session_id": session_id, "title": title, "held_on": held_on.isoformat(), "attendees": len(attendees)})
    return session_id


def _session(db: sqlite_utils.Database, session_id: int) -> dict:
    row = next(db.query(_SESSION_SQL + " WHERE te.id = ? AND te.project_id IS NOT NULL", [session_id]), None)
    if row is None:
        raise UserError(_("No session with id {id}.").format(id=session_id))
    return row


def set_attendance(db: sqlite_utils.Database, session_id: int, attendees: list[int], user: User) -> None:
    require(user, Action.PROJECT_EDIT)
    with transaction(db):
        row = _session(db, session_id)
        before = [r[0] for r in db.execute("SELECT staff_id FROM training_attendance WHERE event_id = ?", [session_id])]
        # Only the members' attendance is the projects screen's to set: others entered on 研修 stay.
        db.execute("""DELETE FROM training_attendance WHERE event_id = ? AND staff_id IN
                      (SELECT staff_id FROM project_members WHERE project_id = ?)""", [session_id, row["project_id"]])
        _write_attendance(db, row["project_id"], session_id, attendees)
        audit.record(db, user.login, "project.attendance", "projects", row["project_id"],
                     {"session_id": session_id, "attendees": before}, {"session_id": session_id, "attendees": attendees})


def _write_attendance(db: sqlite_utils.Database, project_id: int, session_id: int, attendees: list[int]) -> None:
    on_project = {r[0] for r in db.execute("SELECT staff_id FROM project_members WHERE project_id = ?", [project_id])}
    strangers = set(attendees) - on_project
    if strangers:
        raise UserError(_("Only members of the project can be recorded as attending."))
    db["training_attendance"].insert_all({"event_id": session_id, "staff_id": s, "source": "app"}
                                         for s in sorted(set(attendees)))


def remove_session(db: sqlite_utils.Database, session_id: int, user: User) -> None:
    """Delete a session with its attendance; refused once it has a participant survey (研修・資格 keeps it)."""
    require(user, Action.PROJECT_EDIT)
    with transaction(db):
        row = _session(db, session_id)
        if db.execute("SELECT 1 FROM survey_questions WHERE event_id = ? UNION ALL "
                      "SELECT 1 FROM survey_responses WHERE event_id = ?", [session_id, session_id]).fetchone():
            raise UserError(_("This event has a participant survey; it cannot be deleted."))
        db.execute("DELETE FROM training_attendance WHERE event_id = ?", [session_id])
        db.execute("DELETE FROM training_events WHERE id = ?", [session_id])
        audit.record(db, user.login, "project.session_remove", "projects", row["project_id"], row, None)


def session_project(db: sqlite_utils.Database, session_id: int) -> int:
    """The project a session belongs to; refused by id when there is no such session."""
    return _session(db, session_id)["project_id"]


def sessions(db: sqlite_utils.Database, user: User, project_id: int) -> list[dict]:
    require(user, Action.PROJECT_VIEW)
    rows = list(db.query(_SESSION_SQL + " WHERE te.project_id = ? ORDER BY te.starts_on, te.id", [project_id]))
    for row in rows:
        row["attendee_ids"] = [r[0] for r in db.execute(
            "SELECT staff_id FROM training_attendance WHERE event_id = ? ORDER BY staff_id", [row["id"]])]
    return rows


# -- external raters -----------------------------------------------------------

def create_external_rater(db: sqlite_utils.Database, name: str, organisation: str, user: User) -> int:
    require(user, Action.PROJECT_EDIT)
    name = safe_normalise(name)
    if not name:
        raise UserError(_("Enter the rater's name."))
    with transaction(db):
        rater_id = db["external_raters"].insert({"name": name, "organisation": organisation.strip()}).last_pk
        audit.record(db, user.login, "external.create", "external_raters", rater_id, None,
                     {"name": name, "organisation": organisation.strip()})
    return rater_id


def register_external_rater(db: sqlite_utils.Database, project_id: int, name: str, organisation: str,
                            user: User) -> int:
    """Register an outside rater and put them on the project in one step (no rater left over when it is refused)."""
    require(user, Action.PROJECT_EDIT)
    with transaction(db):
        rater_id = create_external_rater(db, name, organisation, user)
        attach_external_rater(db, project_id, rater_id, user)
    return rater_id


def list_external_raters(db: sqlite_utils.Database, user: User, project_id: int | None = None) -> list[dict]:
    """The outside raters of a project (every registered one without a project), for whoever may view projects."""
    require(user, Action.PROJECT_VIEW)
    return external_raters(db, project_id)


def external_raters(db: sqlite_utils.Database, project_id: int | None = None) -> list[dict]:
    if project_id is None:
        return list(db.query("SELECT * FROM external_raters ORDER BY organisation, name"))
    return list(db.query("""SELECT e.* FROM external_raters e JOIN project_external_raters pe ON pe.external_rater_id = e.id
                            WHERE pe.project_id = ? ORDER BY e.organisation, e.name""", [project_id]))


def attach_external_rater(db: sqlite_utils.Database, project_id: int, rater_id: int, user: User) -> None:
    require(user, Action.PROJECT_EDIT)
    with transaction(db):
        project(db, project_id)
        if db.execute("SELECT 1 FROM external_raters WHERE id = ?", [rater_id]).fetchone() is None:
            raise UserError(_("No external rater with id {id}.").format(id=rater_id))
        db.execute("INSERT OR IGNORE INTO project_external_raters VALUES (?, ?)", [project_id, rater_id])
        audit.record(db, user.login, "project.external_add", "projects", project_id, None, {"external_rater_id": rater_id})


def detach_external_rater(db: sqlite_utils.Database, project_id: int, rater_id: int, user: User) -> None:
    require(user, Action.PROJECT_EDIT)
    with transaction(db):
        rated = db.execute("""SELECT count(*) FROM evaluation_scores s JOIN evaluation_assignments a ON a.id = s.assignment_id
                              WHERE a.project_id = ? AND a.evaluator_external_id = ?""", [project_id, rater_id]).fetchone()[0]
        if rated:
            raise UserError(_("This rater has already entered ratings on the project."))
        db.execute("DELETE FROM evaluation_assignments WHERE project_id = ? AND evaluator_external_id = ?",
                   [project_id, rater_id])
        db.execute("DELETE FROM project_external_raters WHERE project_id = ? AND external_rater_id = ?", [project_id, rater_id])
        audit.record(db, user.login, "project.external_remove", "projects", project_id, {"external_rater_id": rater_id}, None)
