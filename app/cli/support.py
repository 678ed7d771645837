"""What the CLI modules share: the store opened for one command, JSON output, people and units by name.

Every command opens the register, works and closes it again whatever happens; ``store`` is that
open/try/finally/close written once. Lookups turn what an officer types (職員番号, 「企画部 デジタル戦略課」,
a date) into ids, and refuse with a Japanese message naming what was not found (exit 1).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlite_utils

from app.db import open_database
from app.errors import UserError
from app.i18n import _
from app.wareki import parse_date

EXIT_OK, EXIT_REFUSED = 0, 1


@contextmanager
def store(args: argparse.Namespace, create: bool = False) -> Iterator[sqlite_utils.Database]:
    """The register named by --db for the length of one command, closed even when the command fails."""
    result = open_database(args.db, create=create)
    try:
        yield result.db
    finally:
        result.db.close()


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print JSON for scripts"))


def day(text: str | None) -> date:
    """A date as typed (2025-04-01, R7.4.1, 令和7年4月1日); today when none is given."""
    return parse_date(text) if text else date.today()


def staff_id(db: sqlite_utils.Database, staff_no: str) -> int:
    """The person with this 職員番号 (retired people included: their history stays editable)."""
    row = db.execute("SELECT id FROM staff WHERE staff_no = ?", [staff_no.strip()]).fetchone()
    if row is None:
        raise UserError(_("No staff member has the number {no}.").format(no=staff_no))
    return row[0]


def staff_ids(db: sqlite_utils.Database, numbers: list[str]) -> list[int]:
    return [staff_id(db, number) for number in numbers]


def open_unit_paths(db: sqlite_utils.Database) -> dict[int, str]:
    """Every unit not closed yet (in force, or opening on a later date) as 「部 課 係」."""
    rows = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, parent_id, name FROM org_units WHERE valid_to IS NULL")}

    def path(unit_id: int) -> str:
        parent_id, name = rows[unit_id]
        return f"{path(parent_id)} {name}" if parent_id in rows else name

    return {unit_id: path(unit_id) for unit_id in rows}


def unit_id(db: sqlite_utils.Database, text: str) -> int:
    """A unit not closed yet, by its code, its full name (「企画部 デジタル戦略課」) or its own name when unique."""
    text = " ".join(text.split())
    row = db.execute("SELECT id FROM org_units WHERE code = ? AND valid_to IS NULL", [text]).fetchone()
    if row:
        return row[0]
    paths = open_unit_paths(db)
    matches = [uid for uid, path in paths.items() if path == text] or \
              [uid for uid, path in paths.items() if path.split(" ")[-1] == text]
    if not matches:
        raise UserError(_("No single unit in force is called {name}.").format(name=text))
    if len(matches) > 1:
        raise UserError(_("{name} is ambiguous; give the full name or the unit code.").format(name=text))
    return matches[0]


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
