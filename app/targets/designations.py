"""Designations: a person named DX推進リーダー (or another role the town defines) for a section and a year.

A designation is not a certification: the town names someone for the year, whether or not they are
certified, and coverage targets say whether they count. Roles are the town's own list; a retired role
is offered no more but keeps the designations made with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import UserError
from app.i18n import _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.staff.directory import in_service_sql
from app.targets import population
from app.wareki import fiscal_year_range, format_fiscal_year


@dataclass(frozen=True)
class Designation:
    id: int
    fiscal_year: int
    staff_id: int
    staff_no: str
    name: str
    unit_id: int
    unit: str
    role_id: int
    role: str
    note: str


def roles(db: sqlite_utils.Database, include_retired: bool = False) -> list[dict]:
    """The town's designation roles in its order (id, name, description, retired)."""
    sql = "SELECT id, name, description, retired FROM designation_roles"
    if not include_retired:
        sql += " WHERE retired = 0"
    return [dict(zip(("id", "name", "description", "retired"), r)) for r in db.execute(sql + " ORDER BY sort_order, id")]


def add_role(db: sqlite_utils.Database, user: User, name: str, description: str = "") -> int:
    require(user, Action.TARGETS_EDIT)
    name = " ".join(name.split())
    if not name:
        raise UserError(_("A role needs a name."))
    with transaction(db):
        if db.execute("SELECT 1 FROM designation_roles WHERE name = ?", [name]).fetchone():
            raise UserError(_("The role {name} already exists.").format(name=name))
        last = db.execute("SELECT coalesce(max(sort_order), 0) FROM designation_roles").fetchone()[0]
        role_id = db["designation_roles"].insert({"name": name, "description": description.strip(),
                                                  "sort_order": last + 10}).last_pk
        audit.record(db, user.login, "designation.role_add", "designation_roles", role_id, after={"name": name})
    return role_id


def role_id(db: sqlite_utils.Database, name: str | None) -> int:
    """A role by name; without one, the first role (DX推進リーダー unless the town changed it)."""
    if not name:
        row = db.execute("SELECT id FROM designation_roles WHERE retired = 0 ORDER BY sort_order, id").fetchone()
        if row is None:
            raise UserError(_("No designation role is defined yet."))
        return row[0]
    row = db.execute("SELECT id FROM designation_roles WHERE name = ?", [" ".join(name.split())]).fetchone()
    if row is None:
        known = "、".join(r["name"] for r in roles(db))
        raise UserError(_("There is no designation role {name} (roles: {known}).").format(name=name, known=known))
    return row[0]


def _check_unit(db: sqlite_utils.Database, unit_id: int, fy: int) -> None:
    first, last = (d.isoformat() for d in fiscal_year_range(fy))
    row = db.execute("SELECT kind, name, valid_from, valid_to FROM org_units WHERE id = ?", [unit_id]).fetchone()
    if row is None or row[0] == "unit":
        raise UserError(_("A designation is for a section or a department."))
    if row[2] > last or (row[3] is not None and row[3] < first):
        raise UserError(_("{unit} is not in force in {year}.").format(unit=row[1], year=format_fiscal_year(fy)))


def designate(db: sqlite_utils.Database, user: User, staff_id: int, unit_id: int, role: int, fy: int,
              note: str = "") -> int:
    """Name a person to a role for a section and a fiscal year; returns the designation's id."""
    require(user, Action.TARGETS_EDIT)
    first, _last = (d.isoformat() for d in fiscal_year_range(fy))
    with transaction(db):
        _check_unit(db, unit_id, fy)
        person = db.execute(f"SELECT {in_service_sql('s', '?')}, family_name || ' ' || given_name FROM staff s "
                            "WHERE id = ?", [first, staff_id]).fetchone()
        if person is None:
            raise UserError(_("No such staff member."))
        if not person[0]:
            raise UserError(_("{name} retired before {year}.").format(name=person[1], year=format_fiscal_year(fy)))
        if db.execute("SELECT 1 FROM designations WHERE staff_id = ? AND unit_id = ? AND role_id = ? AND fiscal_year = ?",
                      [staff_id, unit_id, role, fy]).fetchone():
            raise UserError(_("{name} is already designated for this section and year.").format(name=person[1]))
        row = {"staff_id": staff_id, "unit_id": unit_id, "role_id": role, "fiscal_year": fy, "note": note.strip()}
        designation_id = db["designations"].insert({**row, "created_by": user.login}).last_pk
        audit.record(db, user.login, "designation.add", "designations", designation_id, after=row)
    return designation_id


def remove(db: sqlite_utils.Database, user: User, designation_id: int) -> None:
    require(user, Action.TARGETS_EDIT)
    with transaction(db):
        row = db.execute("SELECT staff_id, unit_id, role_id, fiscal_year FROM designations WHERE id = ?",
                         [designation_id]).fetchone()
        if row is None:
            raise UserError(_("There is no designation {id}.").format(id=designation_id))
        db.execute("DELETE FROM designations WHERE id = ?", [designation_id])
        audit.record(db, user.login, "designation.remove", "designations", designation_id,
                     before=dict(zip(("staff_id", "unit_id", "role_id", "fiscal_year"), row)))


def list_designations(db: sqlite_utils.Database, user: User, fy: int | None = None) -> list[Designation]:
    """Designations (of ``fy``, or all), by year, section order, role and reading."""
    require(user, Action.TARGETS_VIEW)
    sql = """SELECT g.id, g.fiscal_year, s.id, s.staff_no, s.family_name || '　' || s.given_name,
                    u.id, coalesce(p.name || ' ', '') || u.name, r.id, r.name, g.note
             FROM designations g JOIN staff s ON s.id = g.staff_id JOIN org_units u ON u.id = g.unit_id
             LEFT JOIN org_units p ON p.id = u.parent_id JOIN designation_roles r ON r.id = g.role_id"""
    params: list = []
    if fy is not None:
        sql += " WHERE g.fiscal_year = ?"
        params.append(fy)
    sql += " ORDER BY g.fiscal_year, coalesce(p.sort_order, u.sort_order), u.sort_order, r.sort_order, " \
           "s.family_reading, s.given_reading, s.id"
    return [Designation(*row) for row in db.execute(sql, params)]


def people_in_section(db: sqlite_utils.Database, user: User, section_id: int, on: date) -> list[tuple[int, str]]:
    """(staff id, 「職員番号 氏名」) of the people seated in a section (or its 係) on ``on``, for the picker."""
    require(user, Action.TARGETS_EDIT)
    ids = {sid for sid, seat in population.people_on(db, on).items()
           if seat.section_id == section_id or seat.unit_id == section_id}
    rows = db.execute("SELECT id, staff_no, family_name || '　' || given_name, family_reading || given_reading "
                      "FROM staff ORDER BY family_reading, given_reading, staff_no")
    return [(r[0], f"{r[1]} {r[2]}") for r in rows if r[0] in ids]


def of_person(db: sqlite_utils.Database, user: User, staff_id: int) -> list[dict]:
    """A person's designations, newest year first, for the person card (指名)."""
    require(user, Action.TARGETS_VIEW)
    rows = [d for d in list_designations(db, user) if d.staff_id == staff_id]
    return [{"id": d.id, "fiscal_year": d.fiscal_year, "unit": d.unit, "role": d.role, "note": d.note}
            for d in sorted(rows, key=lambda d: -d.fiscal_year)]
