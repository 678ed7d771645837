"""Export the register to CSV (UTF-8 with BOM or CP932) or .xlsx, safe against formula injection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlite_utils

from app import audit
from app.staff import directory
from app.register.accounts import User
from app.db import transaction
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, require
from app.tabular import write_csv, write_xlsx

HEADERS = ["職員番号", "姓", "名", "せい", "めい", "部", "課", "係", "職名", "採用日", "在職状況"]
STATUS_TEXT = {"active": "在職", "leave": "休職", "planned": "採用予定", "retired": "退職"}


def export_rows(db: sqlite_utils.Database, user: User, on: date | None = None) -> list[list[str]]:
    """One row per person in service on ``on`` (default today), 五十音 order, with their seat then (a hire to
    come: the seat they will take); import_staff reads it back unchanged.

    Retired staff are left out: they have no seat today, and the register keeps them anyway.
    """
    require(user, Action.STAFF_EXPORT)
    hire = {no: d or "" for no, d in db.execute("SELECT staff_no, hire_date FROM staff")}
    units = directory.unit_names(db)
    rows = []
    for row in directory.load_directory(db, user, on):
        if row.status == "retired":
            continue
        department, section, unit = units.get(row.unit_id, ("", "", ""))
        family, given = row.name.split("\u3000", 1)
        family_r, given_r = row.reading.split("\u3000", 1)
        rows.append([row.staff_no, family, given, family_r, given_r, department, section, unit, row.position,
                     hire[row.staff_no], STATUS_TEXT.get(row.status, row.status)])
    return rows


@dataclass(frozen=True)
class Unencodable:
    """A person whose name or seat CP932 (Shift_JIS) cannot hold: it would be written as ?."""

    row: int  # data row in the file (1 = the first person)
    staff_no: str
    name: str
    characters: str

    def text(self) -> str:
        return _("row {row}: {no} {name} ({chars})").format(row=self.row, no=self.staff_no, name=self.name,
                                                             chars="、".join(self.characters))


def cp932_problems(db: sqlite_utils.Database, user: User, on: date | None = None) -> list[Unencodable]:
    """Who CP932 cannot hold, found before anything is written, so the officer can choose UTF-8 instead."""
    problems = []
    for number, row in enumerate(export_rows(db, user, on), start=1):
        chars = "".join(dict.fromkeys(ch for ch in "".join(row) if not _in_cp932(ch)))
        if chars:
            problems.append(Unencodable(number, row[0], f"{row[1]}\u3000{row[2]}", chars))
    return problems


def _in_cp932(char: str) -> bool:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


class NeedsDecision(UserError):
    """A CP932 export would lose characters: the officer chooses UTF-8, or to go ahead with ?."""

    def __init__(self, problems: list[Unencodable]) -> None:
        shown = "\n".join(p.text() for p in problems[:20])
        more = "\n" + _("… and {n} more").format(n=len(problems) - 20) if len(problems) > 20 else ""
        super().__init__(_("Shift_JIS (CP932) cannot hold characters in {n} rows; they would be written as ?:\n"
                           "{rows}{more}\nExport as UTF-8 instead, or confirm that ? is acceptable.").format(
            n=len(problems), rows=shown, more=more))
        self.problems = problems


def export_staff(db: sqlite_utils.Database, out: Path, user: User, encoding: str = "utf-8-sig",
                 accept_replacement: bool = False) -> list[int]:
    """Write the register; returns the rows written with '?' (CP932 only).

    A CP932 export that would lose characters is refused (NeedsDecision, nothing written) unless
    the officer has seen the rows and accepted ``?`` for them.
    """
    require(user, Action.STAFF_EXPORT)
    if encoding.lower() in ("cp932", "shift_jis") and out.suffix.lower() != ".xlsx" and not accept_replacement:
        problems = cp932_problems(db, user)
        if problems:
            raise NeedsDecision(problems)
    rows = export_rows(db, user)
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(out, HEADERS, rows, "職員")
        unencodable: list[int] = []
    elif suffix in (".csv", ".txt"):
        unencodable = write_csv(out, HEADERS, rows, encoding)
    else:
        raise UserError(_("Choose a file name ending in .csv or .xlsx: {path}").format(path=out.name))
    with transaction(db):
        audit.record(db, user.login, "staff.export", after={"file": str(out), "rows": len(rows), "encoding": encoding})
    return unencodable
