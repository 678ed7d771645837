"""Supply against demand: each person's current level, the heat map of sections × skills, who could fill a gap.

The current level of a person's item is the staff_skills row with the latest assessed_on; on the same day a
confirmation by the digital section outranks a derived one (qualification > training) and those a
self-assessment; then the highest id. Migration 0017_skillgap keeps that level for every person and item
in ``staff_skill_profiles`` (one character per item slot, by trigger), because the heat map for 50,000 staff
× 50 items must take well under a second: one scan reads a short text per person with the row they count for;
the texts of all rows are joined into one string, cut into one column per item, and ``str.count`` over a row's
stretch of a column counts the people at or above a level (all in C, no object per person or per cell).

People count where their primary seat is on the day: a 係 counts for its 課; someone seated directly in a 部
(部長) counts for the 部. Only people in service and not on leave on that day are supply. A project's supply is
its members (owners, the executives who sponsor it, are not counted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple

import sqlite_utils

from app.i18n import N_
from app.register.accounts import User
from app.register.permissions import Action, require
from app.skills.demand import Catalogue, CatalogueItem, catalogue
from app.staff.directory import status_sql, unit_order

NO_RECORD = "-"
SOURCE_RANK_SQL = ("CASE {a}.source WHEN 'confirmed' THEN 4 WHEN 'qualification' THEN 3 "
                   "WHEN 'training' THEN 2 ELSE 1 END")


def level_char(level: int) -> str:
    """The character a level is kept as in a profile text (the migration's char(48 + level))."""
    return chr(48 + min(level, 74))


_LEVEL_CHARS = tuple(level_char(level) for level in range(75))


class _Line(NamedTuple):
    """A demand line as the counting needs it (the editor's ``Demand`` carries names as well)."""

    id: int
    item_code: str
    level: int
    people: int
    project_id: int | None
    unit_id: int | None


def _lines(db: sqlite_utils.Database, family: str, fiscal_year: int | None) -> list[_Line]:
    sql = ("SELECT id, item_code, level, people, project_id, unit_id FROM skill_demands WHERE catalogue_family = ?"
           + (" AND (fiscal_year IS NULL OR fiscal_year = ?)" if fiscal_year is not None else "") + " ORDER BY id")
    return [_Line(*r) for r in db.execute(sql, [family] if fiscal_year is None else [family, fiscal_year])]


class Status(StrEnum):
    """How a cell of the map reads; the colours below are shared by the screen and the xlsx export."""

    NO_DEMAND = "no_demand"
    MET = "met"
    SHORT = "short"   # some people, fewer than needed
    NONE = "none"     # needed, nobody at the level


STATUS_COLOURS = {Status.NO_DEMAND: "F2F2F2", Status.MET: "C6EFCE", Status.SHORT: "FFEB9C", Status.NONE: "FFC7CE"}
STATUS_LABELS = {Status.NO_DEMAND: N_("No demand"), Status.MET: N_("Demand met"),
                 Status.SHORT: N_("Short of people"), Status.NONE: N_("Nobody at the level")}


@dataclass(frozen=True)
class Need:
    """One demand line as the map reads it: needed people at or above ``level`` and how many there are."""

    demand_id: int
    level: int
    needed: int
    have: int

    @property
    def shortfall(self) -> int:
        return max(0, self.needed - self.have)


@dataclass(frozen=True)
class Cell:
    needs: tuple[Need, ...]
    holders: int  # people of the row at level 1 or above (what the map shows where there is no demand)

    @property
    def status(self) -> Status:
        if not self.needs:
            return Status.NO_DEMAND
        if all(n.shortfall == 0 for n in self.needs):
            return Status.MET
        return Status.NONE if any(n.have == 0 for n in self.needs) else Status.SHORT

    def text(self) -> str:
        """「2/3」 per demand line (have/needed at the level), or the holders where nothing is needed."""
        if not self.needs:
            return str(self.holders) if self.holders else ""
        return " ".join(f"{n.have}/{n.needed}" for n in self.needs)


@dataclass(frozen=True)
class MapRow:
    kind: str  # 'unit' or 'project'
    id: int
    name: str
    department: str
    people: int  # headcount that counts as supply


@dataclass
class HeatMap:
    """The map as counted: ``holders`` for every cell (rows × items), the demand lines only where there are
    some (``needs``, keyed by (row index, item index)). ``cell(r, c)`` and ``cells`` give ``Cell`` views;
    the counting itself makes no object per cell (at 50,000 staff there are over 100,000 cells)."""

    family: str
    catalogue_name: str
    on: date
    items: list[CatalogueItem]
    rows: list[MapRow]
    holders: list[list[int]]
    needs: dict[tuple[int, int], tuple[Need, ...]]
    levels: dict[int, str] = field(default_factory=dict)

    def cell(self, row: int, column: int) -> Cell:
        return Cell(self.needs.get((row, column), ()), self.holders[row][column])

    @property
    def cells(self) -> list[list[Cell]]:
        return [[self.cell(r, c) for c in range(len(self.items))] for r in range(len(self.rows))]

    def shortages(self) -> list[tuple[MapRow, CatalogueItem, Need]]:
        """Every demand line not met, row by row."""
        return [(self.rows[r], self.items[c], need) for (r, c), needs in sorted(self.needs.items())
                for need in needs if need.shortfall]

    def as_json(self) -> dict:
        return {"family": self.family, "catalogue": self.catalogue_name, "on": self.on.isoformat(),
                "items": [{"code": i.code, "name": i.name, "category": i.category} for i in self.items],
                "rows": [{"kind": r.kind, "id": r.id, "name": r.name, "department": r.department, "people": r.people,
                          "cells": {item.code: {"status": str(cell.status), "holders": cell.holders,
                                                "needs": [{"demand_id": n.demand_id, "level": n.level,
                                                           "needed": n.needed, "have": n.have} for n in cell.needs]}
                                    for item, cell in zip(self.items, cells)}}
                         for r, cells in zip(self.rows, self.cells)],
                "shortages": len(self.shortages())}


# -- who is where -------------------------------------------------------------------------------------

def _row_units(db: sqlite_utils.Database) -> tuple[dict[int, int], dict[int, tuple[str, str]]]:
    """unit id → the unit whose row it counts for (課, or the 部 itself); row unit → (name, 部 name)."""
    units = {r[0]: (r[1], r[2], r[3]) for r in db.execute(
        "SELECT id, parent_id, kind, name FROM org_units")}
    row_of: dict[int, int] = {}
    for unit_id, (parent_id, kind, _name) in units.items():
        if kind == "unit" and parent_id in units:
            row_of[unit_id] = parent_id
        else:
            row_of[unit_id] = unit_id
    labels = {}
    for row_id in set(row_of.values()):
        parent_id, kind, name = units[row_id]
        department = name if kind == "department" else units.get(parent_id, (None, None, ""))[2]
        labels[row_id] = (name, department)
    return row_of, labels


# A person in service and not on leave on :on, with the primary seat of that day (``a``) and their profile (``p``,
# if any) as text padded to :w slots ('-' for no record; :blank for a person without any).
_SEATED_SQL = """
FROM staff s
JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_from <= :on
     AND (a.valid_to IS NULL OR a.valid_to >= :on)
LEFT JOIN staff_skill_profiles p ON p.catalogue_family = :family AND p.staff_id = s.id
WHERE {active} = 'active'"""
_LEVELS_SQL = ("CASE WHEN length(p.levels) = :w THEN p.levels WHEN p.levels IS NULL THEN :blank "
               "WHEN length(p.levels) > :w THEN substr(p.levels, 1, :w) "
               "ELSE p.levels || replace(hex(zeroblob(:w - length(p.levels))), '00', '-') END")


def _grouped_texts(db: sqlite_utils.Database, family: str, on: str, width: int,
                   project_ids: list[int]) -> dict[tuple[str, int], list[str]]:
    """(row kind, row id) → its people's profile texts, each padded to every slot (one scan, grouped here:
    cheaper than SQLite sorting 50,000 texts for a GROUP BY).

    A 係 counts for its 課 (or the 部 it sits under); a project's people are its members other than owners."""
    params = {"family": family, "on": on, "w": width, "blank": "0" * width, "projects": str(project_ids)}
    seated = _SEATED_SQL.format(active=status_sql("s", ":on"))
    found: dict[tuple[str, int], list[str]] = {}
    for unit, text in db.execute(
            f"SELECT CASE WHEN u.kind = 'unit' THEN u.parent_id ELSE u.id END, {_LEVELS_SQL} "
            f"{seated.replace('LEFT JOIN', 'JOIN org_units u ON u.id = a.unit_id LEFT JOIN', 1)}", params):
        found.setdefault(("unit", unit), []).append(text)
    for project, text in db.execute(
            f"SELECT m.project_id, {_LEVELS_SQL} "
            f"{seated.replace('FROM staff s', 'FROM project_members m JOIN staff s ON s.id = m.staff_id', 1)} "
            f"AND m.role != 'owner' AND m.project_id IN (SELECT value FROM json_each(:projects))", params):
        found.setdefault(("project", project), []).append(text)
    return found


def at_least(column: str, level: int, start: int = 0, end: int | None = None) -> int:
    """People in (a stretch of) a column of normalised profile characters at ``level`` or above: all, less those
    below it (levels are small, so this is a handful of ``str.count`` calls in C, without copying the stretch)."""
    end = len(column) if end is None else end
    return end - start - sum(column.count(c, start, end) for c in _LEVEL_CHARS[:max(0, level)])


# -- the map ------------------------------------------------------------------------------------------

def heat_map(db: sqlite_utils.Database, user: User, family: str, on: date, *, section: int | None = None,
             fiscal_year: int | None = None, demanded_only: bool = False) -> HeatMap:
    """Sections (and projects with demand) × the catalogue's items: people at or above each needed level.

    ``section``: only that unit's row and the projects it owns. ``fiscal_year``: demand of that year and the
    standing demand (default: every line). ``demanded_only``: only the items some row needs.
    """
    require(user, Action.SKILL_MAP_VIEW)
    cat = catalogue(db, family)
    day = on.isoformat()
    demands = _lines(db, cat.family, fiscal_year)
    items = _columns(cat, demands, demanded_only)
    row_of, labels = _row_units(db)
    slots = dict(db.execute("SELECT item_code, slot FROM skill_item_slots WHERE catalogue_family = ?", [cat.family]))
    width = max(slots.values(), default=-1) + 1
    project_ids = sorted({d.project_id for d in demands if d.project_id is not None})
    groups = _grouped_texts(db, cat.family, day, width, project_ids)
    rows = _unit_rows(db, groups, labels, demands, row_of, section)
    rows += _project_rows(db, project_ids, groups, section, row_of)
    needs_of = _needs_by_row(demands, row_of)
    # Every row's texts in one string (no record read as level 0), cut into one column per slot; a row is a
    # stretch (start, end) of each column.
    texts = [groups.get((row.kind, row.id), ()) for row in rows]
    bounds, start = [], 0
    for members in texts:
        bounds.append((start, start + len(members)))
        start += len(members)
    everything = "".join(["".join(members) for members in texts]).replace(NO_RECORD, _ZERO)
    columns = {slot: everything[slot::width] for slot in set(slots.values())}
    holders = _holder_counts(columns, bounds, [slots.get(item.code) for item in items])
    index_of = {item.code: n for n, item in enumerate(items)}
    needs = {}
    for r, row in enumerate(rows):
        a, b = bounds[r]
        for code, lines in needs_of.get((row.kind, row.id), {}).items():
            column = columns.get(slots.get(code), "")
            needs[r, index_of[code]] = tuple(Need(d.id, d.level, d.people, at_least(column, d.level, a, b) if column
                                                  else 0) for d in lines)
    return HeatMap(cat.family, cat.name, on, items, rows, holders, needs, dict(cat.levels))


_ZERO = level_char(0)


def _holder_counts(columns: dict[int, str], bounds: list[tuple[int, int]],
                   slots: list[int | None]) -> list[list[int]]:
    """People at level 1 or above in every cell (the hot loop: ~130,000 cells at 50,000 staff): one
    ``str.count`` over the row's stretch of the skill's column, no copy."""
    table = []
    for slot in slots:
        column = columns.get(slot) if slot is not None else None
        table.append([b - a - column.count(_ZERO, a, b) for a, b in bounds] if column else [0] * len(bounds))
    return [list(cells) for cells in zip(*table)] if table else [[] for _bound in bounds]


def _columns(cat: Catalogue, demands: list[_Line], demanded_only: bool) -> list[CatalogueItem]:
    """The catalogue's items (those with demand only, if asked), then demanded codes the catalogue dropped."""
    wanted = {d.item_code for d in demands}
    items = [i for i in cat.items if not demanded_only or i.code in wanted]
    known = {i.code for i in cat.items}
    items += [CatalogueItem(code, code, "") for code in sorted(wanted - known)]
    return items


def _needs_by_row(demands: list[_Line], row_of: dict[int, int]) -> dict[tuple[str, int], dict[str, list[_Line]]]:
    """(row kind, row id) → item code → its demand lines (a 係's demand is its 課's)."""
    found: dict[tuple[str, int], dict[str, list[_Line]]] = {}
    for d in demands:
        key = ("project", d.project_id) if d.project_id is not None else ("unit", row_of.get(d.unit_id, d.unit_id))
        found.setdefault(key, {}).setdefault(d.item_code, []).append(d)
    return found


def _unit_rows(db: sqlite_utils.Database, groups: dict[tuple[str, int], list[str]],
               labels: dict[int, tuple[str, str]], demands: list[_Line], row_of: dict[int, int],
               section: int | None) -> list[MapRow]:
    """Every section with people or demand, in the organisation's order (or the one ``section`` names)."""
    wanted = {row_of.get(d.unit_id, d.unit_id) for d in demands if d.unit_id is not None}
    ids = {key[1] for key in groups if key[0] == "unit"} | wanted
    if section is not None:
        ids &= {row_of.get(section, section)}
    order = unit_order(db)
    return [MapRow("unit", uid, labels.get(uid, (f"#{uid}", ""))[0], labels.get(uid, ("", ""))[1],
                   len(groups.get(("unit", uid), ()))) for uid in sorted(ids, key=lambda u: (order.get(u, 1 << 30), u))]


def _project_rows(db: sqlite_utils.Database, project_ids: list[int], groups: dict[tuple[str, int], list[str]],
                  section: int | None, row_of: dict[int, int]) -> list[MapRow]:
    """Projects with demand (with ``section``: those the section owns), numbered as their members in service."""
    rows = []
    for project_id, name, owner in db.execute(
            "SELECT id, name, owner_unit_id FROM projects WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            [str(project_ids)]):
        if section is not None and row_of.get(owner, owner) != row_of.get(section, section):
            continue
        rows.append(MapRow("project", project_id, name, "", len(groups.get(("project", project_id), ()))))
    return rows


# -- who could fill a gap ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    staff_id: int
    staff_no: str
    name: str
    reading: str
    section: str
    level: int
    near: bool  # one level short: could be trained rather than moved


def candidates(db: sqlite_utils.Database, user: User, family: str, item_code: str, level: int, on: date, *,
               row: MapRow | None = None, include_near: bool = True, limit: int | None = None) -> list[Candidate]:
    """People in service at or above ``level`` of the item from outside the row (its section or project),
    highest level first, then by reading; with ``include_near`` also those one level short (marked ``near``).

    One query over the profile texts (the character at the item's slot), so a town of 50,000 is one scan."""
    require(user, Action.SKILL_GAP_PEOPLE)
    slot = db.execute("SELECT slot FROM skill_item_slots WHERE catalogue_family = ? AND item_code = ?",
                      [family, item_code]).fetchone()
    if slot is None:
        return []
    floor = level - 1 if include_near and level > 1 else level
    row_of, labels = _row_units(db)
    units: list[int] = []
    project = None
    if row is not None and row.kind == "project":
        project = row.id
    elif row is not None:
        target = row_of.get(row.id, row.id)  # a 係 named for the row stands for its 課
        units = [u for u, r in row_of.items() if r == target]
    sql = (f"SELECT s.id, s.staff_no, s.family_name || ' ' || s.given_name AS name, "
           f"s.family_reading || s.given_reading AS reading, a.unit_id, unicode(substr(p.levels, :pos, 1)) - 48 AS level "
           f"FROM staff_skill_profiles p JOIN staff s ON s.id = p.staff_id "
           f"JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_from <= :on "
           f"AND (a.valid_to IS NULL OR a.valid_to >= :on) "
           f"WHERE p.catalogue_family = :family AND substr(p.levels, :pos, 1) >= :floor "
           f"AND {status_sql('s', ':on')} = 'active' AND a.unit_id NOT IN (SELECT value FROM json_each(:units)) "
           f"AND s.id NOT IN (SELECT staff_id FROM project_members WHERE project_id = :project) "
           f"ORDER BY level DESC, reading, s.staff_no" + (" LIMIT :limit" if limit else ""))
    params = {"pos": slot[0] + 1, "on": on.isoformat(), "family": family, "floor": level_char(floor),
              "units": str(units), "project": project, "limit": limit}
    return [Candidate(sid, no, name, reading, labels.get(row_of.get(unit, -1), ("", ""))[0], have, have < level)
            for sid, no, name, reading, unit, have in db.execute(sql, params)]


# -- one person -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CurrentSkill:
    catalogue_family: str
    item_code: str
    level: int
    assessed_on: str
    source: str


def current_levels(db: sqlite_utils.Database, user: User, staff_id: int,
                   family: str | None = None) -> list[CurrentSkill]:
    """A person's current level of every item they have a record of (the rule above, from the history)."""
    require(user, Action.SKILL_GAP_PEOPLE)
    sql = (f"SELECT catalogue_family, item_code, level, assessed_on, source FROM ("
           f"SELECT s.*, row_number() OVER (PARTITION BY s.catalogue_family, s.item_code ORDER BY s.assessed_on DESC, "
           f"{SOURCE_RANK_SQL.format(a='s')} DESC, s.id DESC) AS n FROM staff_skills s WHERE s.staff_id = ?"
           + (" AND s.catalogue_family = ?" if family else "") + ") WHERE n = 1 ORDER BY catalogue_family, item_code")
    return [CurrentSkill(*r) for r in db.execute(sql, [staff_id, family] if family else [staff_id])]
