"""Export the register to CSV (UTF-8 with BOM or CP932) or .xlsx, safe against formula injection."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlite_utils

from app import audit, staff
from app.db import transaction
from app.errors import UserError
from app.i18n import _
from app.tabular import write_csv, write_xlsx

HEADERS = ["職員番号", "姓", "名", "せい", "めい", "部", "課", "係", "職名", "採用日", "在職状況"]
STATUS_TEXT = {"active": "在職", "leave": "休職", "planned": "採用予定", "retired": "退職"}


def export_rows(db: sqlite_utils.Database, on: date | None = None) -> list[list[str]]:
    """One row per person in service on ``on`` (default today), 五十音 order, with their seat then (a hire to
    come: the seat they will take); import_staff reads it back unchanged.

    Retired staff are left out: they have no seat today, and the register keeps them anyway.
    """
    hire = {no: d or "" for no, d in db.execute("SELECT staff_no, hire_date FROM staff")}
    units = staff.unit_names(db)
    rows = []
    for row in staff.load_directory(db, on):
        if row.status == "retired":
            continue
        department, section, unit = units.get(row.unit_id, ("", "", ""))
        family, given = row.name.split("\u3000", 1)
        family_r, given_r = row.reading.split("\u3000", 1)
        rows.append([row.staff_no, family, given, family_r, given_r, department, section, unit, row.position,
                     hire[row.staff_no], STATUS_TEXT.get(row.status, row.status)])
    return rows


def export_staff(db: sqlite_utils.Database, out: Path, actor: str, encoding: str = "utf-8-sig") -> list[int]:
    """Write the register; returns the rows CP932 cannot hold (written with '?', the caller warns)."""
    rows = export_rows(db)
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(out, HEADERS, rows, "職員")
        unencodable: list[int] = []
    elif suffix in (".csv", ".txt"):
        unencodable = write_csv(out, HEADERS, rows, encoding)
    else:
        raise UserError(_("Choose a file name ending in .csv or .xlsx: {path}").format(path=out.name))
    with transaction(db):
        audit.record(db, actor, "staff.export", after={"file": str(out), "rows": len(rows), "encoding": encoding})
    return unencodable
