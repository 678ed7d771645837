"""What an officer types, resolved to ids: a 職員番号, a unit by code or name, a position by name.

The CLI takes people and units as typed (scripts have no list to pick from); these lookups keep its
SQL in the core and refuse with a Japanese message naming what was not found.
"""

from __future__ import annotations

import json

import sqlite_utils

from app.errors import UserError
from app.i18n import _
from app.staff.edit import org_units


def staff_id(db: sqlite_utils.Database, staff_no: str) -> int:
    """The person with this 職員番号 (retired people included: their history stays editable)."""
    row = db.execute("SELECT id FROM staff WHERE staff_no = ?", [staff_no.strip()]).fetchone()
    if row is None:
        raise UserError(_("No staff member has the number {no}.").format(no=staff_no))
    return row[0]


def staff_ids(db: sqlite_utils.Database, numbers: list[str]) -> list[int]:
    return [staff_id(db, number) for number in numbers]


def staff_ids_all_named(db: sqlite_utils.Database, numbers: list[str]) -> set[int]:
    """Ids of these 職員番号; every number not in the register is named in one refusal."""
    found = dict(db.execute("SELECT staff_no, id FROM staff WHERE staff_no IN (SELECT value FROM json_each(?))",
                            [json.dumps(numbers)]))
    missing = [n for n in numbers if n not in found]
    if missing:
        raise UserError(_("No staff member has the staff number {numbers}.").format(numbers="、".join(missing)))
    return set(found.values())


def staff_numbers(db: sqlite_utils.Database) -> dict[int, str]:
    """id → 職員番号 of everyone, to print people as the officer knows them."""
    return dict(db.execute("SELECT id, staff_no FROM staff"))


def staff_labels(db: sqlite_utils.Database) -> dict[int, tuple[str, str, str]]:
    """id → (職員番号, 「姓 名」, reading) of everyone, to print a list sorted by reading."""
    return {r[0]: r[1:] for r in db.execute(
        "SELECT id, staff_no, family_name || ' ' || given_name, family_reading || given_reading FROM staff")}


def open_unit_paths(db: sqlite_utils.Database) -> dict[int, str]:
    """Every unit not closed yet (in force, or opening on a later date) as 「部 課 係」."""
    rows = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, parent_id, name FROM org_units WHERE valid_to IS NULL")}

    def path(unit_id: int) -> str:
        parent_id, name = rows[unit_id]
        return f"{path(parent_id)} {name}" if parent_id in rows else name

    return {unit_id: path(unit_id) for unit_id in rows}


def _unit_by_code(db: sqlite_utils.Database, text: str) -> int | None:
    row = db.execute("SELECT id FROM org_units WHERE code = ? AND valid_to IS NULL", [text]).fetchone()
    return row[0] if row else None


def _single(matches: list[int], text: str) -> int:
    if not matches:
        raise UserError(_("No single unit in force is called {name}.").format(name=text))
    if len(matches) > 1:
        raise UserError(_("{name} is ambiguous; give the full name or the unit code.").format(name=text))
    return matches[0]


def unit_id(db: sqlite_utils.Database, text: str) -> int:
    """A unit not closed yet, by its code, its full name (「企画部 デジタル戦略課」) or its own name when unique."""
    text = " ".join(text.split())
    found = _unit_by_code(db, text)
    if found is not None:
        return found
    paths = open_unit_paths(db)
    return _single([uid for uid, path in paths.items() if path == text] or
                   [uid for uid, path in paths.items() if path.split(" ")[-1] == text], text)


def unit_in_force_id(db: sqlite_utils.Database, text: str) -> int:
    """A unit in force today by code or by name (「デジタル戦略課」 or 「企画部 デジタル戦略課」)."""
    found = _unit_by_code(db, text)
    if found is not None:
        return found
    return _single([uid for uid, path in org_units(db) if path == text or path.split(" ")[-1] == text], text)


def position_id(db: sqlite_utils.Database, name: str | None) -> int | None:
    """A position of the register by name (主事, 係長 …); None for none."""
    if not name:
        return None
    row = db.execute("SELECT id FROM positions WHERE name = ?", [name.strip()]).fetchone()
    if row is None:
        known = "、".join(r[0] for r in db.execute("SELECT name FROM positions ORDER BY rank, name"))
        raise UserError(_("There is no position {name} in the register (positions: {known}).").format(
            name=name, known=known or _("none")))
    return row[0]
