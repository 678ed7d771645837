"""The organisation tree and its yearly reforms (機構改革): new, rename, merge, split, abolish.

Units are never edited in place: a reform closes the old unit on the day before
it takes effect and opens its successor, and people's assignments follow the
same way, so every past assignment keeps the name it had at the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlite_utils

from app import audit
from app.register import settings
from app.register.accounts import User
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, _
from app.register.permissions import Action, require

CHILD_KIND = {None: "department", "department": "section", "section": "unit"}
KIND_LABELS = {"department": N_("Department (部)"), "section": N_("Section (課)"), "unit": N_("Unit (係)")}


@dataclass
class UnitNode:
    id: int
    parent_id: int | None
    kind: str
    name: str
    staff: int  # people assigned here now (not below)
    children: list[UnitNode] = field(default_factory=list)


def tree(db: sqlite_utils.Database, on: date | None = None) -> list[UnitNode]:
    """Units in force on ``on`` (default today) as a tree, with head counts."""
    day = (on or date.today()).isoformat()
    counts = dict(db.execute(
        "SELECT unit_id, count(*) FROM staff_assignments WHERE is_primary = 1 AND valid_from <= :d "
        "AND (valid_to IS NULL OR valid_to >= :d) GROUP BY unit_id", {"d": day}).fetchall())
    nodes = {
        r[0]: UnitNode(r[0], r[1], r[2], r[3], counts.get(r[0], 0))
        for r in db.execute("SELECT id, parent_id, kind, name FROM org_units WHERE valid_from <= :d "
                            "AND (valid_to IS NULL OR valid_to >= :d) ORDER BY sort_order, id", {"d": day})
    }
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def _unit(db: sqlite_utils.Database, unit_id: int) -> dict:
    row = next(db.query("SELECT * FROM org_units WHERE id = ?", [unit_id]), None)
    if row is None or row["valid_to"] is not None:
        raise UserError(_("That unit no longer exists; reload the organisation."))
    return row


def _day_before(on: str) -> str:
    return (date.fromisoformat(on) - timedelta(days=1)).isoformat()


def _check_name(db: sqlite_utils.Database, parent_id: int | None, name: str, on: str, except_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise UserError(_("Enter a name."))
    clash = db.execute(
        "SELECT 1 FROM org_units WHERE parent_id IS ? AND name = ? AND valid_to IS NULL AND id IS NOT ?",
        [parent_id, name, except_id]).fetchone()
    if clash:
        raise UserError(_("{name} already exists at that place in the organisation.").format(name=name))
    return name


def _open_unit(db: sqlite_utils.Database, parent_id: int | None, kind: str, name: str, on: str, sort_order: int) -> int:
    return db.execute("INSERT INTO org_units (parent_id, kind, name, valid_from, sort_order) VALUES (?, ?, ?, ?, ?)",
                      [parent_id, kind, name, on, sort_order]).lastrowid


def _close_unit(db: sqlite_utils.Database, unit_id: int, on: str) -> None:
    """End a unit the day before ``on``; one that only begins on ``on`` never existed, so it goes."""
    valid_from = db.execute("SELECT valid_from FROM org_units WHERE id = ?", [unit_id]).fetchone()[0]
    in_use = db.execute("SELECT EXISTS (SELECT 1 FROM staff_assignments WHERE unit_id = ?) "
                        "OR EXISTS (SELECT 1 FROM org_units WHERE parent_id = ?)", [unit_id, unit_id]).fetchone()[0]
    if valid_from >= on and not in_use:
        # Whatever it continued is now continued by its own successor (a unit renamed twice before the day).
        db.execute("UPDATE org_units SET successor_id = (SELECT successor_id FROM org_units WHERE id = ?) "
                   "WHERE successor_id = ?", [unit_id, unit_id])
        db.execute("DELETE FROM org_units WHERE id = ?", [unit_id])
    else:
        db.execute("UPDATE org_units SET valid_to = max(valid_from, ?) WHERE id = ?", [_day_before(on), unit_id])


def _succeed(db: sqlite_utils.Database, old_id: int, new_id: int, user: User) -> None:
    """Record that ``new_id`` continues ``old_id``; a setting naming the old unit follows it."""
    db.execute("UPDATE org_units SET successor_id = ? WHERE id = ?", [new_id, old_id])
    if settings.get(db, "digital_section_id") == old_id:
        settings.set_value(db, "digital_section_id", new_id, user)


def unit_in_force(db: sqlite_utils.Database, unit_id: int, on: date) -> int | None:
    """The unit of ``unit_id``'s line (its successors and predecessors) that is in force on ``on``.

    A setting chosen before a reform names the old unit, one chosen after it the new one; either
    way the people to ask on a given day are in the unit of that line open on that day. None when
    the line has ended (abolished) or had not begun.
    """
    day = on.isoformat()
    seen: set[int] = set()
    current: int | None = unit_id
    while current is not None and current not in seen:
        seen.add(current)
        row = db.execute("SELECT valid_from, valid_to, successor_id FROM org_units WHERE id = ?", [current]).fetchone()
        if row is None:
            return None
        valid_from, valid_to, successor = row
        if valid_from > day:  # not yet open: the predecessor in force now
            before = db.execute("SELECT id FROM org_units WHERE successor_id = ? ORDER BY valid_to DESC LIMIT 1",
                                [current]).fetchone()
            current = before[0] if before else None
        elif valid_to is not None and valid_to < day:
            current = successor
        else:
            return current
    return None


def _move_people(db: sqlite_utils.Database, source: int, target: int, on: str,
                 only: set[int] | None = None) -> int:
    """Every assignment in ``source`` that reaches ``on`` or later continues in ``target`` from ``on``.

    That includes assignments that ended after ``on`` (a reform entered late), so no stretch of
    anyone's history stays in a unit that no longer existed. Returns how many moved.
    """
    moved = 0
    for assignment_id, staff_id, position_id, is_primary, valid_from, valid_to in db.execute(
            "SELECT id, staff_id, position_id, is_primary, valid_from, valid_to FROM staff_assignments "
            "WHERE unit_id = ? AND (valid_to IS NULL OR valid_to >= ?)", [source, on]).fetchall():
        if only is not None and staff_id not in only:
            continue
        if valid_from >= on:  # starts on or after the reform: just point it at the successor
            db.execute("UPDATE staff_assignments SET unit_id = ? WHERE id = ?", [target, assignment_id])
        else:
            db.execute("UPDATE staff_assignments SET valid_to = ? WHERE id = ?", [_day_before(on), assignment_id])
            db.execute("INSERT INTO staff_assignments (staff_id, unit_id, position_id, is_primary, valid_from, valid_to) "
                       "VALUES (?, ?, ?, ?, ?, ?)", [staff_id, target, position_id, is_primary, on, valid_to])
        moved += 1
    return moved


def _carry_children(db: sqlite_utils.Database, old_parent: int, new_parent: int, on: str, user: User) -> None:
    """Re-open every child under the successor (same names), with its people, recursively."""
    for child_id, kind, name, sort_order in db.execute(
            "SELECT id, kind, name, sort_order FROM org_units WHERE parent_id = ? AND valid_to IS NULL",
            [old_parent]).fetchall():
        existing = db.execute("SELECT id FROM org_units WHERE parent_id = ? AND name = ? AND valid_to IS NULL",
                              [new_parent, name]).fetchone()
        successor = existing[0] if existing else _open_unit(db, new_parent, kind, name, on, sort_order)
        _move_people(db, child_id, successor, on)
        _carry_children(db, child_id, successor, on, user)
        _succeed(db, child_id, successor, user)
        _close_unit(db, child_id, on)


def create_unit(db: sqlite_utils.Database, parent_id: int | None, name: str, on: date, user: User) -> int:
    """新設: a department at the top, a section under a department, a unit under a section."""
    require(user, Action.ORGANISATION_EDIT)
    day = on.isoformat()
    with transaction(db):
        parent_kind = _unit(db, parent_id)["kind"] if parent_id else None
        kind = CHILD_KIND.get(parent_kind)
        if kind is None:
            raise UserError(_("A unit (係) cannot contain further units."))
        name = _check_name(db, parent_id, name, day)
        unit_id = _open_unit(db, parent_id, kind, name, day, 0)
        audit.record(db, user.login, "org.create", "org_units", unit_id, None, {"name": name, "from": day})
    return unit_id


def rename_unit(db: sqlite_utils.Database, unit_id: int, name: str, on: date, user: User) -> int:
    """名称変更: the successor has the new name; people and sub-units follow from ``on``."""
    require(user, Action.ORGANISATION_EDIT)
    day = on.isoformat()
    with transaction(db):
        old = _unit(db, unit_id)
        name = _check_name(db, old["parent_id"], name, day, except_id=unit_id)
        successor = _open_unit(db, old["parent_id"], old["kind"], name, day, old["sort_order"])
        _move_people(db, unit_id, successor, day)
        _carry_children(db, unit_id, successor, day, user)
        _succeed(db, unit_id, successor, user)
        _close_unit(db, unit_id, day)
        audit.record(db, user.login, "org.rename", "org_units", unit_id, {"name": old["name"]},
                     {"name": name, "successor": successor, "from": day})
    return successor


def merge_units(db: sqlite_utils.Database, sources: Sequence[int], target: int, on: date, user: User) -> None:
    """統合: ``sources`` close; their people and sub-units continue in ``target``."""
    require(user, Action.ORGANISATION_EDIT)
    day = on.isoformat()
    with transaction(db):
        target_row = _unit(db, target)
        for source in sources:
            if source == target:
                continue
            row = _unit(db, source)
            if row["kind"] != target_row["kind"]:
                raise UserError(_("Only units of the same level can be merged ({a} and {b}).").format(
                    a=row["name"], b=target_row["name"]))
            _move_people(db, source, target, day)
            _carry_children(db, source, target, day, user)
            _succeed(db, source, target, user)
            _close_unit(db, source, day)
            audit.record(db, user.login, "org.merge", "org_units", source, {"name": row["name"]},
                         {"into": target_row["name"], "from": day})


def split_unit(db: sqlite_utils.Database, unit_id: int, names: Sequence[str], placement: dict[int, int],
               on: date, user: User) -> list[int]:
    """分割: the unit closes and ``names`` open beside it; ``placement`` maps staff id to the
    index of their new unit (people not listed go to the first). Sub-units, and settings that
    named the unit (the digital section), go to the first."""
    require(user, Action.ORGANISATION_EDIT)
    day = on.isoformat()
    if len([n for n in names if n.strip()]) < 2:
        raise UserError(_("A split needs at least two new names."))
    with transaction(db):
        old = _unit(db, unit_id)
        successors = []
        for name in names:
            checked = _check_name(db, old["parent_id"], name, day, except_id=unit_id)
            successors.append(_open_unit(db, old["parent_id"], old["kind"], checked, day, old["sort_order"]))
        people = {r[0] for r in db.execute("SELECT staff_id FROM staff_assignments WHERE unit_id = ? AND valid_to IS NULL",
                                           [unit_id])}
        for index, successor in enumerate(successors):
            chosen = {s for s in people if placement.get(s, 0) == index}
            _move_people(db, unit_id, successor, day, only=chosen)
        _carry_children(db, unit_id, successors[0], day, user)
        _succeed(db, unit_id, successors[0], user)  # the first successor carries the line, as sub-units do
        _close_unit(db, unit_id, day)
        audit.record(db, user.login, "org.split", "org_units", unit_id, {"name": old["name"]},
                     {"into": [n.strip() for n in names], "from": day})
    return successors


def abolish_unit(db: sqlite_utils.Database, unit_id: int, on: date, user: User) -> None:
    """廃止: only an empty unit (nobody assigned, no sub-units) can be closed."""
    require(user, Action.ORGANISATION_EDIT)
    day = on.isoformat()
    with transaction(db):
        row = _unit(db, unit_id)
        if db.execute("SELECT 1 FROM staff_assignments WHERE unit_id = ? AND valid_to IS NULL", [unit_id]).fetchone():
            raise UserError(_("{name} still has staff; move them or merge the unit instead.").format(name=row["name"]))
        if db.execute("SELECT 1 FROM org_units WHERE parent_id = ? AND valid_to IS NULL", [unit_id]).fetchone():
            raise UserError(_("{name} still has sub-units; abolish or merge them first.").format(name=row["name"]))
        _close_unit(db, unit_id, day)
        audit.record(db, user.login, "org.abolish", "org_units", unit_id, {"name": row["name"]}, {"until": _day_before(day)})


def people_in(db: sqlite_utils.Database, user: User, unit_id: int) -> list[tuple[int, str]]:
    """(staff id, name) of people currently assigned to a unit, for the split dialog."""
    require(user, Action.STAFF_LIST)
    return [(r[0], f"{r[1]}\u3000{r[2]}") for r in db.execute(
        "SELECT s.id, s.family_name, s.given_name FROM staff_assignments a JOIN staff s ON s.id = a.staff_id "
        "WHERE a.unit_id = ? AND a.valid_to IS NULL ORDER BY s.family_reading, s.given_reading", [unit_id])]


def unit_ancestors(db: sqlite_utils.Database) -> dict[int, frozenset[int]]:
    """unit id -> itself and every unit above it (ended units included, for old assignments)."""
    parents = dict(db.execute("SELECT id, parent_id FROM org_units"))
    result: dict[int, frozenset[int]] = {}
    for unit_id in parents:
        chain, current = [], unit_id
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        result[unit_id] = frozenset(chain)
    return result
