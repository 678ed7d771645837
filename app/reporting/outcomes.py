"""Project outcomes added up: hours saved, systems built, procedures moved online and the town's own fields.

The three figures the product knows are columns of ``projects``; a town adds its own numeric fields
(「削減コスト（千円）」, 「ペーパーレス化した帳票（枚）」) in ``outcome_fields`` with one value per project in
``project_outcome_values``. The sums are done by SQLite's ``sum()`` (NULL when no project of the group
reported the figure, so 「未入力」 and 「0」 stay apart), per project, per fiscal year with the running
total since the first year, per department (the 部 above the owning section) and over every year.
Cancelled projects are left out of the sums, as the targets' progress (app/targets/progress.py) leaves
them out of the hours saved, so that the two screens give the same figure; ``projects list --json``
still shows a cancelled project's own figures.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.staff.directory import unit_names
from app.text import safe_normalise
from app.wareki import format_fiscal_year

# key, projects column, label, unit, whole numbers
BUILT_IN = (
    ("hours_saved", "hours_saved_per_year", N_("Hours saved per year"), N_("hours"), False),
    ("systems_built", "systems_built", N_("Systems built"), N_("systems"), True),
    ("procedures_online", "procedures_online", N_("Procedures moved online"), N_("procedures"), True),
)
MAX_NAME = 60
NO_DEPARTMENT = 0  # the group of projects without an owning section


@dataclass(frozen=True)
class OutcomeField:
    """One figure that is added up: a built-in column (field_id None) or a field the town defined."""

    key: str            # "hours_saved", … or "field_<id>"
    label: str
    unit: str
    whole: bool
    field_id: int | None = None
    retired: bool = False


@dataclass(frozen=True)
class OutcomeRow:
    """The sums of one group; ``values[key]`` is None when no project of the group has the figure."""

    key: int
    label: str
    projects: int
    values: dict[str, float | None]


@dataclass(frozen=True)
class OutcomeSummary:
    fields: list[OutcomeField]
    by_project: list[OutcomeRow]
    by_year: list[OutcomeRow]
    cumulative: list[OutcomeRow]      # by_year with the running totals since the first year
    by_department: list[OutcomeRow]
    total: OutcomeRow
    fiscal_year: int | None = None    # the year by_project and by_department are limited to, if any
    first_year: int | None = field(default=None)


# -- the town's fields -----------------------------------------------------------------------------

def fields(db: sqlite_utils.Database, include_retired: bool = False) -> list[OutcomeField]:
    """The built-in figures, then the town's fields in their order (retired ones only if asked)."""
    found = [OutcomeField(key, _(label), _(unit), whole) for key, _c, label, unit, whole in BUILT_IN]
    sql = "SELECT id, name, unit, whole, retired FROM outcome_fields"
    if not include_retired:
        sql += " WHERE retired = 0"
    for row in db.execute(sql + " ORDER BY sort_order, id"):
        found.append(OutcomeField(f"field_{row[0]}", row[1], row[2], bool(row[3]), row[0], bool(row[4])))
    return found


def town_fields(db: sqlite_utils.Database, include_retired: bool = False) -> list[OutcomeField]:
    return [f for f in fields(db, include_retired) if f.field_id is not None]


def _clean_name(db: sqlite_utils.Database, name: str, unit: str, field_id: int | None) -> tuple[str, str]:
    name, unit = safe_normalise(name), safe_normalise(unit)
    if not name:
        raise UserError(_("Enter the name of the outcome field."))
    if len(name) > MAX_NAME or len(unit) > MAX_NAME:
        raise UserError(_("The text is too long (at most {n} characters).").format(n=MAX_NAME))
    taken = {_(label) for _k, _c, label, _u, _w in BUILT_IN} | {label for _k, _c, label, _u, _w in BUILT_IN}
    same = db.execute("SELECT id FROM outcome_fields WHERE name = ? AND id IS NOT ?", [name, field_id]).fetchone()
    if name in taken or same:
        raise UserError(_("An outcome field named {name} already exists.").format(name=name))
    return name, unit


def define_field(db: sqlite_utils.Database, user: User, name: str, unit: str = "", whole: bool = False) -> int:
    """A new numeric outcome field of the town, after the existing ones."""
    require(user, Action.PROJECT_EDIT)
    with transaction(db):
        name, unit = _clean_name(db, name, unit, None)
        order = db.execute("SELECT coalesce(max(sort_order), 0) + 10 FROM outcome_fields").fetchone()[0]
        row = {"name": name, "unit": unit, "whole": int(whole), "sort_order": order}
        field_id = db["outcome_fields"].insert(row).last_pk
        audit.record(db, user.login, "project.outcome_field", "outcome_fields", field_id, None, row)
    return field_id


def edit_field(db: sqlite_utils.Database, user: User, field_id: int, name: str, unit: str, whole: bool,
               retired: bool = False) -> None:
    """Rename, change the unit, or retire (hide from the form; its values still count) a field."""
    require(user, Action.PROJECT_EDIT)
    with transaction(db):
        before = _field_row(db, field_id)
        name, unit = _clean_name(db, name, unit, field_id)
        if whole and not before["whole"]:
            fraction = db.execute("SELECT count(*) FROM project_outcome_values WHERE field_id = ? "
                                  "AND value != cast(value AS INTEGER)", [field_id]).fetchone()[0]
            if fraction:
                raise UserError(_("{n} projects have a fraction in this field; it cannot be whole numbers only.")
                                .format(n=fraction))
        after = {"name": name, "unit": unit, "whole": int(whole), "retired": int(retired)}
        changed = {k: v for k, v in after.items() if before[k] != v}
        if changed:
            db["outcome_fields"].update(field_id, changed)
            audit.record(db, user.login, "project.outcome_field", "outcome_fields", field_id,
                         {k: before[k] for k in changed}, changed)


def _field_row(db: sqlite_utils.Database, field_id: int) -> dict:
    row = next(db.query("SELECT * FROM outcome_fields WHERE id = ?", [field_id]), None)
    if row is None:
        raise UserError(_("No outcome field with id {id}.").format(id=field_id))
    return row


def field_by_name(db: sqlite_utils.Database, name: str) -> OutcomeField:
    """A town field by its name as typed (NFKC), retired ones included."""
    wanted = safe_normalise(name)
    for found in town_fields(db, include_retired=True):
        if found.label == wanted:
            return found
    raise UserError(_("No outcome field named {name}.").format(name=name))


# -- a project's values ----------------------------------------------------------------------------

def project_values(db: sqlite_utils.Database, user: User, project_id: int) -> dict[int, float]:
    """field id → the project's value, for the town's fields that have one."""
    require(user, Action.PROJECT_VIEW)
    return {r[0]: r[1] for r in db.execute(
        "SELECT field_id, value FROM project_outcome_values WHERE project_id = ?", [project_id])}


def plain_number(value: float | None) -> str:
    """A stored figure as the form shows it for editing: 1200, 12.5 (no exponent, no grouping)."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else f"{value:.12g}"


def parse_value(text: str, label: str, whole: bool) -> float | None:
    """A figure as typed: empty is "not known"; full-width digits and 1,234 are taken."""
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (whole and value != int(value)):
        message = (_("{field}: enter a whole number (or leave it empty).") if whole
                   else _("{field}: enter a number (or leave it empty)."))
        raise UserError(message.format(field=label))
    if value < 0:
        raise UserError(_("{field} cannot be negative.").format(field=label))
    return value


def save_project(db: sqlite_utils.Database, user: User, project_id: int | None, data,
                 values: dict[int, float | None]) -> int:
    """The project form's 保存: the project (new when ``project_id`` is None) and its town fields, all or none."""
    from app.evaluation import projects

    with transaction(db):
        if project_id is None:
            project_id = projects.create_project(db, data, user)
        else:
            projects.update_project(db, project_id, data, user)
        if values:
            set_project_values(db, user, project_id, values)
    return project_id


def set_project_values(db: sqlite_utils.Database, user: User, project_id: int,
                       values: dict[int, float | None]) -> None:
    """Set the given town fields of a project (None clears one); fields not given stay as they are."""
    require(user, Action.PROJECT_EDIT)
    with transaction(db):
        if db.execute("SELECT 1 FROM projects WHERE id = ?", [project_id]).fetchone() is None:
            raise UserError(_("No project with id {id}.").format(id=project_id))
        known = {f.field_id: f for f in town_fields(db, include_retired=True)}
        before = {r[0]: r[1] for r in db.execute(
            "SELECT field_id, value FROM project_outcome_values WHERE project_id = ?", [project_id])}
        for field_id, value in values.items():
            if field_id not in known:
                raise UserError(_("No outcome field with id {id}.").format(id=field_id))
            outcome = known[field_id]
            if value is not None and (not math.isfinite(value) or value < 0):
                raise UserError(_("{field} cannot be negative.").format(field=outcome.label))
            if value is not None and outcome.whole and value != int(value):
                raise UserError(_("{field}: enter a whole number (or leave it empty).").format(field=outcome.label))
        changed = {k: v for k, v in values.items() if before.get(k) != v}
        for field_id, value in changed.items():
            if value is None:
                db.execute("DELETE FROM project_outcome_values WHERE project_id = ? AND field_id = ?",
                           [project_id, field_id])
            else:
                db.execute("INSERT INTO project_outcome_values (project_id, field_id, value) VALUES (?, ?, ?) "
                           "ON CONFLICT (project_id, field_id) DO UPDATE SET value = excluded.value",
                           [project_id, field_id, value])
        if changed:
            audit.record(db, user.login, "project.outcome_values", "projects", project_id,
                         {known[k].label: before.get(k) for k in changed},
                         {known[k].label: v for k, v in changed.items()})


# -- the sums --------------------------------------------------------------------------------------

def _base_sql(town: list[OutcomeField], cancelled: bool = False) -> str:
    """One row per project: year, department (the 部 above its section; 0 without one) and every figure.

    Cancelled projects only when ``cancelled`` (the per-project figures of ``projects list --json``).
    """
    figures = [f"p.{column} AS {key}" for key, column, *_rest in BUILT_IN]
    figures += [f"(SELECT v.value FROM project_outcome_values v WHERE v.project_id = p.id "
                f"AND v.field_id = {int(f.field_id or 0)}) AS {f.key}" for f in town]
    return f"""
        WITH RECURSIVE up(unit_id, id, parent_id) AS (
            SELECT id, id, parent_id FROM org_units
            UNION ALL SELECT up.unit_id, u.id, u.parent_id FROM up JOIN org_units u ON u.id = up.parent_id),
        department(unit_id, department_id) AS (SELECT unit_id, id FROM up WHERE parent_id IS NULL),
        pv AS (SELECT p.id, p.name, p.fiscal_year, coalesce(d.department_id, {NO_DEPARTMENT}) AS department_id,
                      {", ".join(figures)}
               FROM projects p LEFT JOIN department d ON d.unit_id = p.owner_unit_id
               {"" if cancelled else "WHERE p.status != 'cancelled'"})"""


def _grouped(db: sqlite_utils.Database, figures: list[OutcomeField], group: str, where: str,
             params: list) -> list[tuple]:
    sums = ", ".join(f"sum({f.key})" for f in figures)
    return db.execute(f"{_base_sql([f for f in figures if f.field_id is not None])} "
                      f"SELECT {group}, count(*), {sums} FROM pv {where} GROUP BY {group} ORDER BY {group}",
                      params).fetchall()


def _rows(raw: list[tuple], figures: list[OutcomeField], label) -> list[OutcomeRow]:
    return [OutcomeRow(r[0], label(r[0]), r[1], {f.key: r[2 + i] for i, f in enumerate(figures)}) for r in raw]


def summary(db: sqlite_utils.Database, user: User, fiscal_year: int | None = None) -> OutcomeSummary:
    """Every sum the outcomes view, ``outcomes --json`` and the reports show, read in one go.

    ``fiscal_year`` limits the per-project and per-department lists; the years and the total are always
    over every year (the total since the start).
    """
    require(user, Action.PROJECT_VIEW)
    figures = fields(db, include_retired=True)
    where, params = ("WHERE fiscal_year = ?", [fiscal_year]) if fiscal_year is not None else ("", [])
    names = {r[0]: r[1] for r in db.execute("SELECT id, name FROM projects")}
    units = unit_names(db)
    by_project = _rows(_grouped(db, figures, "id", where, params), figures, lambda k: names[k])
    by_year = _rows(_grouped(db, figures, "fiscal_year", "", []), figures, format_fiscal_year)
    by_department = _rows(_grouped(db, figures, "department_id", where, params), figures,
                          lambda k: units.get(k, ("",))[0] or _("(no owning section)"))
    by_department.sort(key=lambda r: (r.key == NO_DEPARTMENT, r.key))
    whole = _grouped(db, figures, "1", "", [])
    total = _rows(whole, figures, lambda _k: _("Total"))[0] if whole else OutcomeRow(
        1, _("Total"), 0, {f.key: None for f in figures})
    return OutcomeSummary(figures, by_project, by_year, _running(by_year, figures), by_department, total,
                          fiscal_year, by_year[0].key if by_year else None)


def _running(by_year: list[OutcomeRow], figures: list[OutcomeField]) -> list[OutcomeRow]:
    """The sums up to and including each year (the 累計 since the first year)."""
    running: dict[str, float | None] = {f.key: None for f in figures}
    count, out = 0, []
    for row in by_year:
        count += row.projects
        for key, value in row.values.items():
            if value is not None:
                running[key] = (running[key] or 0) + value
        out.append(OutcomeRow(row.key, row.label, count, dict(running)))
    return out


def project_outcomes(db: sqlite_utils.Database, user: User) -> dict[int, dict]:
    """project id → its figures by name, for ``projects list --json`` (built-ins by column name)."""
    require(user, Action.PROJECT_VIEW)
    town = town_fields(db, include_retired=True)
    out: dict[int, dict] = {}
    keys = [key for key, *_rest in BUILT_IN] + [f.key for f in town]
    for row in db.execute(f"{_base_sql(town, cancelled=True)} SELECT id, {', '.join(keys)} FROM pv"):
        figures = dict(zip(keys, row[1:]))
        out[row[0]] = {column: figures[key] for key, column, *_rest in BUILT_IN}
        out[row[0]]["fields"] = {f.label: figures[f.key] for f in town if figures[f.key] is not None}
    return out


def as_json(result: OutcomeSummary) -> dict:
    """The summary for ``outcomes --json``: figures keyed as in ``fields``, years as numbers and 和暦."""
    def row(r: OutcomeRow, key_name: str) -> dict:
        return {key_name: r.key, "label": r.label, "projects": r.projects, "values": r.values}

    return {
        "fields": [{"key": f.key, "name": f.label, "unit": f.unit, "whole": f.whole, "field_id": f.field_id,
                    "retired": f.retired} for f in result.fields],
        "fiscal_year": result.fiscal_year, "first_year": result.first_year,
        "by_project": [row(r, "project_id") for r in result.by_project],
        "by_year": [row(r, "fiscal_year") for r in result.by_year],
        "cumulative": [row(r, "fiscal_year") for r in result.cumulative],
        "by_department": [row(r, "department_id") for r in result.by_department],
        "total": {"projects": result.total.projects, "values": result.total.values},
    }
