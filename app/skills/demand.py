"""Skill demand: how many people a project or a section needs at or above a level of a skill item.

A demand line names the item by (catalogue family, item code), which stay the same across catalogue
versions, so a new version of the catalogue keeps the town's demand. Each line belongs to exactly one
project or one organisational unit (the table's CHECK), optionally to a fiscal year (NULL: standing
demand). Lines are added, changed and removed by the administrator (``skills:demand``), each write in
one transaction with its audit entry; reading them is part of the skill map (``skills:map``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import UserError
from app.i18n import _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.staff.directory import unit_order
from app.staff.lookup import open_unit_paths

_MAX_PEOPLE = 10_000


@dataclass(frozen=True)
class CatalogueItem:
    """An item of the newest version of a catalogue family, as the map's columns show it."""

    code: str
    name: str
    category: str


@dataclass(frozen=True)
class Catalogue:
    """The newest version of a family: its items in the catalogue's order and its level scale."""

    family: str
    name: str
    version: int
    items: tuple[CatalogueItem, ...]
    levels: dict[int, str]

    def item(self, code: str) -> CatalogueItem | None:
        return next((i for i in self.items if i.code == code), None)

    @property
    def top_level(self) -> int:
        return max(self.levels, default=5)


@dataclass(frozen=True)
class DemandInput:
    """What the officer enters: the item, the level, how many people, and for whom (project or unit)."""

    catalogue_family: str
    item_code: str
    level: int
    people: int = 1
    project_id: int | None = None
    unit_id: int | None = None
    fiscal_year: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Demand(DemandInput):
    id: int = 0
    item_name: str = ""
    target_name: str = ""  # the project's name or the unit's 「部 課」


def families(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(family, name of its newest version) of every skill catalogue, in the order they were first saved."""
    return [(r[0], r[1]) for r in db.execute(
        "SELECT c.family, c.name FROM skill_catalogues c WHERE c.version = "
        "(SELECT max(version) FROM skill_catalogues d WHERE d.family = c.family) "
        "ORDER BY (SELECT min(id) FROM skill_catalogues d WHERE d.family = c.family)")]


def catalogue(db: sqlite_utils.Database, family: str) -> Catalogue:
    """The newest version of ``family`` (refused with the known families when there is none)."""
    row = db.execute("SELECT id, name, version FROM skill_catalogues WHERE family = ? ORDER BY version DESC LIMIT 1",
                     [family]).fetchone()
    if row is None:
        known = "、".join(f for f, _n in families(db)) or _("none")
        raise UserError(_("There is no skill catalogue {family} (catalogues: {known}).").format(
            family=family, known=known))
    items = tuple(CatalogueItem(r[0], r[1], r[2]) for r in db.execute(
        "SELECT i.code, i.name, k.name FROM skill_items i JOIN skill_categories k ON k.id = i.category_id "
        "WHERE i.catalogue_id = ? ORDER BY k.sort_order, k.id, i.sort_order, i.id", [row[0]]))
    levels = dict(db.execute("SELECT level, name FROM skill_levels WHERE catalogue_id = ? ORDER BY level", [row[0]]))
    return Catalogue(family, row[1], row[2], items, levels)


def default_family(db: sqlite_utils.Database) -> str | None:
    """The family the map opens on: the one with most demand lines, else the first catalogue saved."""
    row = db.execute("SELECT catalogue_family FROM skill_demands GROUP BY catalogue_family "
                     "ORDER BY count(*) DESC, catalogue_family LIMIT 1").fetchone()
    if row:
        return row[0]
    found = families(db)
    return found[0][0] if found else None


def _targets(db: sqlite_utils.Database) -> tuple[dict[int, str], dict[int, str]]:
    projects = dict(db.execute("SELECT id, name FROM projects"))
    return projects, open_unit_paths(db)


def list_demands(db: sqlite_utils.Database, user: User, family: str | None = None, *,
                 fiscal_year: int | None = None) -> list[Demand]:
    """Demand lines (of a family; of a fiscal year and the standing ones), sections first, then projects."""
    require(user, Action.SKILL_MAP_VIEW)
    sql = "SELECT * FROM skill_demands WHERE 1 = 1"
    params: list[object] = []
    if family is not None:
        sql += " AND catalogue_family = ?"
        params.append(family)
    if fiscal_year is not None:
        sql += " AND (fiscal_year IS NULL OR fiscal_year = ?)"
        params.append(fiscal_year)
    projects, units = _targets(db)
    items: dict[str, dict[str, str]] = {}
    result = []
    for (demand_id, fam, code, level, people, project_id, unit_id, year, note) in db.execute(
            sql.replace("SELECT *", "SELECT id, catalogue_family, item_code, level, people, project_id, unit_id, "
                        "fiscal_year, note") + " ORDER BY project_id IS NOT NULL, unit_id, project_id, item_code, level",
            params):
        if fam not in items:
            try:
                items[fam] = {i.code: i.name for i in catalogue(db, fam).items}
            except UserError:
                items[fam] = {}
        target = projects.get(project_id, f"#{project_id}") if project_id is not None else units.get(unit_id, f"#{unit_id}")
        result.append(Demand(fam, code, level, people, project_id, unit_id, year, note, id=demand_id,
                             item_name=items[fam].get(code, code), target_name=target))
    return result


def _check(db: sqlite_utils.Database, data: DemandInput) -> DemandInput:
    """The line as it will be stored, or a Japanese refusal naming the field."""
    cat = catalogue(db, data.catalogue_family.strip())
    code = data.item_code.strip()
    if cat.item(code) is None:
        raise UserError(_("The catalogue {family} has no item {code}.").format(family=cat.family, code=code))
    if cat.levels and data.level not in cat.levels or data.level < 1:
        known = "、".join(str(level) for level in cat.levels if level >= 1) or "1"
        raise UserError(_("Level {level} is not a level of the catalogue {family} (levels: {known}).").format(
            level=data.level, family=cat.family, known=known))
    if not 1 <= data.people <= _MAX_PEOPLE:
        raise UserError(_("The number of people needed must be between 1 and {max}.").format(max=_MAX_PEOPLE))
    if (data.project_id is None) == (data.unit_id is None):
        raise UserError(_("A demand is for one project or for one section, not both and not neither."))
    if data.project_id is not None and db.execute("SELECT 1 FROM projects WHERE id = ?",
                                                  [data.project_id]).fetchone() is None:
        raise UserError(_("There is no project {id}.").format(id=data.project_id))
    if data.unit_id is not None and data.unit_id not in open_unit_paths(db):
        raise UserError(_("The unit {id} does not exist or has been closed.").format(id=data.unit_id))
    if data.fiscal_year is not None and not 1989 <= data.fiscal_year <= 2200:
        raise UserError(_("The fiscal year {year} is not a year the register can hold.").format(year=data.fiscal_year))
    return DemandInput(cat.family, code, data.level, data.people, data.project_id, data.unit_id,
                       data.fiscal_year, data.note.strip())


def _row(db: sqlite_utils.Database, demand_id: int) -> dict:
    rows = list(db.query("SELECT * FROM skill_demands WHERE id = ?", [demand_id]))
    if not rows:
        raise UserError(_("There is no skill demand {id}.").format(id=demand_id))
    return rows[0]


def add_demand(db: sqlite_utils.Database, user: User, data: DemandInput) -> int:
    """Store a new demand line; returns its id."""
    require(user, Action.SKILL_DEMAND_EDIT)
    with transaction(db):
        clean = asdict(_check(db, data))
        cursor = db.execute(
            "INSERT INTO skill_demands (catalogue_family, item_code, level, people, project_id, unit_id, fiscal_year, "
            "note, created_by) VALUES (:catalogue_family, :item_code, :level, :people, :project_id, :unit_id, "
            ":fiscal_year, :note, :by)", {**clean, "by": user.login})
        audit.record(db, user.login, "skill_demand.add", "skill_demands", cursor.lastrowid, after=clean)
        return cursor.lastrowid


def edit_demand(db: sqlite_utils.Database, user: User, demand_id: int, data: DemandInput) -> None:
    """Change every field of a demand line (what the editor shows is what is saved)."""
    require(user, Action.SKILL_DEMAND_EDIT)
    with transaction(db):
        before = _row(db, demand_id)
        clean = asdict(_check(db, data))
        db.execute("UPDATE skill_demands SET catalogue_family = :catalogue_family, item_code = :item_code, "
                   "level = :level, people = :people, project_id = :project_id, unit_id = :unit_id, "
                   "fiscal_year = :fiscal_year, note = :note WHERE id = :id", {**clean, "id": demand_id})
        audit.record(db, user.login, "skill_demand.change", "skill_demands", demand_id,
                     before={k: before[k] for k in clean}, after=clean)


def remove_demand(db: sqlite_utils.Database, user: User, demand_id: int) -> None:
    require(user, Action.SKILL_DEMAND_EDIT)
    with transaction(db):
        before = _row(db, demand_id)
        db.execute("DELETE FROM skill_demands WHERE id = ?", [demand_id])
        audit.record(db, user.login, "skill_demand.remove", "skill_demands", demand_id,
                     before={k: v for k, v in before.items() if k not in ("created_at",)})


def demand_targets(db: sqlite_utils.Database, user: User) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """What a demand can be for: open 部 and 課 as 「部 課」 in the organisation's order, and the projects
    (newest fiscal year first) — the demand editor's two lists."""
    require(user, Action.SKILL_DEMAND_EDIT)
    order = unit_order(db)
    kinds = dict(db.execute("SELECT id, kind FROM org_units WHERE valid_to IS NULL"))
    units = sorted(((uid, path) for uid, path in open_unit_paths(db).items() if kinds.get(uid) != "unit"),
                   key=lambda u: (order.get(u[0], 1 << 30), u[0]))
    projects = [(r[0], r[1]) for r in db.execute("SELECT id, name FROM projects WHERE status != 'cancelled' "
                                                 "ORDER BY fiscal_year DESC, id")]
    return units, projects
