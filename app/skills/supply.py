"""Supply against demand: each person's current level, the heat map of sections × skills, who could fill a gap.

The current level of a person's item is the staff_skills row with the latest assessed_on; on the same day a
confirmation by the digital section outranks a derived one (qualification > training) and those a
self-assessment; then the highest id. Migration 0013_skillgap keeps that level for every person and item
in ``staff_skill_profiles`` (one character per item slot, by trigger), because the heat map for 50,000 staff
× 50 items must take well under a second: from one short text per person, Python slices a section's column
out of the joined texts and ``str.count`` counts the people at or above a level, all in C.

People count where their primary seat is on the day: a 係 counts for its 課; someone seated directly in a 部
(部長) counts for the 部. Only people in service and not on leave on that day are supply. A project's supply is
its members (owners, the executives who sponsor it, are not counted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import sqlite_utils

from app.i18n import N_
from app.register.accounts import User
from app.register.permissions import Action, require
from app.skills.demand import Catalogue, CatalogueItem, Demand, catalogue, list_demands
from app.staff.directory import status_sql, unit_order

NO_RECORD = "-"
SOURCE_RANK_SQL = ("CASE {a}.source WHEN 'confirmed' THEN 4 WHEN 'qualification' THEN 3 "
                   "WHEN 'training' THEN 2 ELSE 1 END")


def level_char(level: int) -> str:
    """The character a level is kept as in a profile text (the migration's char(48 + level))."""
    return chr(48 + min(level, 74))


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
    family: str
    catalogue_name: str
    on: date
    items: list[CatalogueItem]
    rows: list[MapRow]
    cells: list[list[Cell]]  # rows × items
    levels: dict[int, str] = field(default_factory=dict)

    def shortages(self) -> list[tuple[MapRow, CatalogueItem, Need]]:
        """Every demand line not met, row by row."""
        return [(row, item, need) for row, cells in zip(self.rows, self.cells)
                for item, cell in zip(self.items, cells) for need in cell.needs if need.shortfall]

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


def _seated(db: sqlite_utils.Database, on: str) -> dict[int, int]:
    """staff id → unit of the primary seat on the day, for people in service and not on leave."""
    return dict(db.execute(
        f"SELECT s.id, a.unit_id FROM staff s JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 "
        f"AND a.valid_from <= :on AND (a.valid_to IS NULL OR a.valid_to >= :on) "
        f"WHERE {status_sql('s', ':on')} = 'active'", {"on": on}))


def _profiles(db: sqlite_utils.Database, family: str) -> tuple[dict[int, str], dict[str, int], int]:
    """staff id → profile text padded to every slot, item code → slot, and the number of slots."""
    slots = dict(db.execute("SELECT item_code, slot FROM skill_item_slots WHERE catalogue_family = ?", [family]))
    width = max(slots.values(), default=-1) + 1
    texts = {sid: text if len(text) == width else text.ljust(width, NO_RECORD)
             for sid, text in db.execute("SELECT staff_id, levels FROM staff_skill_profiles "
                                         "WHERE catalogue_family = ?", [family])}
    return texts, slots, width


def at_least(column: str, level: int) -> int:
    """People in a column of profile characters at ``level`` or above: all with a record, less those below it
    (levels are small, so this is a handful of ``str.count`` calls in C)."""
    below = len(column) - column.count(NO_RECORD)
    for lower in range(0, max(0, level)):
        below -= column.count(level_char(lower))
    return below


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
    demands = list_demands(db, user, cat.family, fiscal_year=fiscal_year)
    items = _columns(cat, demands, demanded_only)
    row_of, labels = _row_units(db)
    texts, slots, width = _profiles(db, cat.family)
    seated = _seated(db, day)
    groups: dict[tuple[str, int], list[int]] = {}
    for staff_id, unit_id in seated.items():
        if unit_id in row_of:
            groups.setdefault(("unit", row_of[unit_id]), []).append(staff_id)
    rows = _unit_rows(db, groups, labels, demands, row_of, section)
    rows += _project_rows(db, demands, seated, groups, section, row_of)
    needs_of = _needs_by_row(demands, row_of)
    columns = [(item.code, slots.get(item.code)) for item in items]
    blank = NO_RECORD * width
    cells = [_row_cells("".join(texts.get(s, blank) for s in groups.get((row.kind, row.id), ())), width, columns,
                        needs_of.get((row.kind, row.id), {})) for row in rows]
    return HeatMap(cat.family, cat.name, on, items, rows, cells, dict(cat.levels))


_EMPTY = Cell((), 0)
_ZERO = level_char(0)


def _row_cells(joined: str, width: int, columns: list[tuple[str, int | None]],
               wanted: dict[str, list[Demand]]) -> list[Cell]:
    """One row of the map from its people's joined profile texts (the hot loop: ~100,000 cells at 50,000 staff)."""
    line = []
    for code, slot in columns:
        lines = wanted.get(code)
        if slot is None or not joined:
            line.append(Cell(tuple(Need(d.id, d.level, d.people, 0) for d in lines), 0) if lines else _EMPTY)
            continue
        column = joined[slot::width]
        holders = len(column) - column.count(NO_RECORD) - column.count(_ZERO)
        if lines:
            line.append(Cell(tuple(Need(d.id, d.level, d.people, at_least(column, d.level)) for d in lines), holders))
        else:
            line.append(Cell((), holders) if holders else _EMPTY)
    return line


def _columns(cat: Catalogue, demands: list[Demand], demanded_only: bool) -> list[CatalogueItem]:
    """The catalogue's items (those with demand only, if asked), then demanded codes the catalogue dropped."""
    wanted = {d.item_code for d in demands}
    items = [i for i in cat.items if not demanded_only or i.code in wanted]
    known = {i.code for i in cat.items}
    items += [CatalogueItem(code, code, "") for code in sorted(wanted - known)]
    return items


def _needs_by_row(demands: list[Demand], row_of: dict[int, int]) -> dict[tuple[str, int], dict[str, list[Demand]]]:
    """(row kind, row id) → item code → its demand lines (a 係's demand is its 課's)."""
    found: dict[tuple[str, int], dict[str, list[Demand]]] = {}
    for d in demands:
        key = ("project", d.project_id) if d.project_id is not None else ("unit", row_of.get(d.unit_id, d.unit_id))
        found.setdefault(key, {}).setdefault(d.item_code, []).append(d)
    return found


def _unit_rows(db: sqlite_utils.Database, groups: dict[tuple[str, int], list[int]],
               labels: dict[int, tuple[str, str]], demands: list[Demand], row_of: dict[int, int],
               section: int | None) -> list[MapRow]:
    """Every section with people or demand, in the organisation's order (or the one ``section`` names)."""
    wanted = {row_of.get(d.unit_id, d.unit_id) for d in demands if d.unit_id is not None}
    ids = {key[1] for key in groups if key[0] == "unit"} | wanted
    if section is not None:
        ids &= {row_of.get(section, section)}
    order = unit_order(db)
    return [MapRow("unit", uid, labels.get(uid, (f"#{uid}", ""))[0], labels.get(uid, ("", ""))[1],
                   len(groups.get(("unit", uid), ()))) for uid in sorted(ids, key=lambda u: (order.get(u, 1 << 30), u))]


def _project_rows(db: sqlite_utils.Database, demands: list[Demand], seated: dict[int, int],
                  groups: dict[tuple[str, int], list[int]], section: int | None,
                  row_of: dict[int, int]) -> list[MapRow]:
    """Projects with demand; their members in service become their group (added to ``groups``)."""
    ids = sorted({d.project_id for d in demands if d.project_id is not None})
    rows = []
    for project_id, name, owner in db.execute(
            "SELECT id, name, owner_unit_id FROM projects WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            [str(ids)]):
        if section is not None and row_of.get(owner, owner) != row_of.get(section, section):
            continue
        members = [r[0] for r in db.execute("SELECT staff_id FROM project_members WHERE project_id = ? "
                                            "AND role != 'owner' ORDER BY staff_id", [project_id]) if r[0] in seated]
        groups[("project", project_id)] = members
        rows.append(MapRow("project", project_id, name, "", len(members)))
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
    highest level first, then by reading; with ``include_near`` also those one level short (marked ``near``)."""
    require(user, Action.SKILL_GAP_PEOPLE)
    texts, slots, _width = _profiles(db, family)
    slot = slots.get(item_code)
    if slot is None:
        return []
    day = on.isoformat()
    seated = _seated(db, day)
    row_of, labels = _row_units(db)
    floor = level - 1 if include_near and level > 1 else level
    found: list[tuple[int, int]] = []
    for staff_id, text in texts.items():
        mark = text[slot]
        if mark != NO_RECORD and ord(mark) - 48 >= floor and staff_id in seated:
            found.append((staff_id, ord(mark) - 48))
    excluded = _row_people(db, row, seated, row_of)
    people = _people(db, [sid for sid, _l in found if sid not in excluded])
    result = []
    for staff_id, have in found:
        if staff_id in people:
            no, name, reading = people[staff_id]
            home = labels.get(row_of.get(seated[staff_id], -1), ("", ""))[0]
            result.append(Candidate(staff_id, no, name, reading, home, have, have < level))
    result.sort(key=lambda c: (-c.level, c.reading, c.staff_no))
    return result[:limit] if limit else result


def _row_people(db: sqlite_utils.Database, row: MapRow | None, seated: dict[int, int],
                row_of: dict[int, int]) -> set[int]:
    if row is None:
        return set()
    if row.kind == "project":
        return {r[0] for r in db.execute("SELECT staff_id FROM project_members WHERE project_id = ?", [row.id])}
    return {sid for sid, unit in seated.items() if row_of.get(unit) == row.id}


def _people(db: sqlite_utils.Database, ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    return {r[0]: (r[1], r[2], r[3]) for r in db.execute(
        "SELECT id, staff_no, family_name || ' ' || given_name, family_reading || given_reading FROM staff "
        "WHERE id IN (SELECT value FROM json_each(?))", [str(list(ids))])}


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
