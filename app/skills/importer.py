"""Importing people's skills from a CSV or Excel list (職員番号, 項目, レベル, 評価日, 出所, 備考).

The digital section often holds a skill survey as a spreadsheet. The file is read by ``app.tabular`` (encodings,
broken files, control characters, formula protection) and checked row by row like the staff import: every problem
names the file, the row and the column in Japanese, and nothing is written unless every row is good. 出所 is
確認 (the default: a list the digital section keeps is its confirmation), 自己評価, 資格 or 研修.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from app.errors import UserError
from app.i18n import _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.skills.catalogues import CatalogueSpec, current
from app.skills.records import SkillEntry, record_skills
from app.text import norm_header
from app.tabular import MAX_LISTED_ERRORS, recognise_headers, not_listed, read_table, shorten
from app.wareki import parse_date

# column key -> header names accepted (compared after NFKC and without spaces)
COLUMNS: dict[str, tuple[str, ...]] = {
    "staff_no": ("職員番号", "staffno", "staff_no"),
    "item": ("項目", "スキル", "スキル項目", "項目コード", "item", "item_code"),
    "level": ("レベル", "level"),
    "date": ("評価日", "日付", "date", "assessed_on"),
    "source": ("出所", "source"),
    "note": ("備考", "note"),
}
REQUIRED = ("staff_no", "item", "level", "date")
SOURCE_WORDS = {"確認": "confirmed", "デジタル部門が確認": "confirmed", "confirmed": "confirmed", "自己評価": "self",
                "self": "self", "資格": "qualification", "qualification": "qualification", "研修": "training",
                "training": "training"}
HEADER_LABELS = {"staff_no": "職員番号", "item": "項目", "level": "レベル", "date": "評価日", "source": "出所",
                 "note": "備考"}


@dataclass
class ImportPreview:
    path: Path
    family: str = ""
    rows: int = 0
    entries: list[SkillEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict:
        return {"file": str(self.path), "family": self.family, "rows": self.rows, "records": len(self.entries),
                "people": len({e.staff_id for e in self.entries}), "ok": self.ok, "errors": self.errors}


def _columns(headers: list[str], path: Path) -> dict[str, int]:
    found, _unused = recognise_headers(headers, COLUMNS)
    missing = [HEADER_LABELS[k] for k in REQUIRED if k not in found]
    if missing:
        raise UserError(_("{file}: the column {columns} is missing (the first row must name the columns 職員番号, 項目, "
                          "レベル, 評価日, and optionally 出所 and 備考).").format(file=path.name, columns="・".join(missing)))
    return found


def preview_file(db: sqlite_utils.Database, user: User, path: Path, today: date, family: str | None = None,
                 encoding: str | None = None) -> ImportPreview:
    """Check every row; nothing is written. A file that cannot be read at all raises UserError naming it."""
    require(user, Action.SKILLS_EDIT)
    catalogue = current(db, family)
    if catalogue is None:
        raise UserError(_("There is no skill catalogue yet; install one first."))
    path = Path(path)
    table = read_table(path, encoding)
    columns = _columns(table.headers, path)
    preview = ImportPreview(path, catalogue.family, len(table.rows))
    staff = {r[0]: r[1] for r in db.execute("SELECT staff_no, id FROM staff")}
    items = {norm_header(i.code): i.code for i in catalogue.items} | {norm_header(i.name): i.code for i in catalogue.items}
    seen: dict[tuple[int, str, str], int] = {}
    for offset, row in enumerate(table.rows):
        number = table.first_data_row + offset
        if not any(cell.strip() for cell in row):
            continue
        entry = _row(preview, catalogue, columns, row, number, staff, items, today)
        if entry is None:
            continue
        key = (entry.staff_id, entry.item_code, entry.assessed_on.isoformat())
        if key in seen:
            preview.errors.append(_where(path, number, "item") + _("the same person, item and date as row {other}.").format(
                other=seen[key]))
            continue
        seen[key] = number
        preview.entries.append(entry)
    if len(preview.errors) > MAX_LISTED_ERRORS:
        preview.errors = preview.errors[:MAX_LISTED_ERRORS] + [not_listed(path.name, len(preview.errors) - MAX_LISTED_ERRORS)]
    if preview.errors:
        preview.entries.clear()
    return preview


def _where(path: Path, row: int, key: str) -> str:
    return _("{file}, row {row}, column 「{column}」: ").format(file=path.name, row=row, column=HEADER_LABELS[key])


def _row(preview: ImportPreview, catalogue: CatalogueSpec, columns: dict[str, int], row: list[str], number: int,
         staff: dict[str, int], items: dict[str, str], today: date) -> SkillEntry | None:
    def cell(key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    errors_before = len(preview.errors)

    def error(key: str, message: str) -> None:
        preview.errors.append(_where(preview.path, number, key) + message)

    staff_no = unicodedata.normalize("NFKC", cell("staff_no"))
    staff_id = staff.get(staff_no)
    if staff_id is None:
        error("staff_no", _("no staff member has the number {value}.").format(value=shorten(staff_no, 20)) if staff_no
              else _("enter the staff number."))
    code = items.get(norm_header(cell("item")))
    if code is None:
        error("item", _("the catalogue {name} has no item {value}.").format(name=catalogue.name,
                                                                           value=shorten(cell("item"), 30)))
    level_text = unicodedata.normalize("NFKC", cell("level"))
    level = int(level_text) if level_text.isascii() and level_text.isdigit() else None
    if level is None or level not in catalogue.level_numbers:
        error("level", _("the level must be one of {levels} (found {value}).").format(
            levels="・".join(map(str, catalogue.level_numbers)), value=shorten(cell("level"), 20)))
    day = _date(cell("date"), today, lambda message: error("date", message))
    source = SOURCE_WORDS.get(norm_header(cell("source")) if cell("source") else "確認")
    if source is None:
        error("source", _("the source must be 確認, 自己評価, 資格 or 研修 (found {value}).").format(
            value=shorten(cell("source"), 20)))
    if len(preview.errors) > errors_before:
        return None
    return SkillEntry(staff_id, code, level, day, source, cell("note")[:500])


def _date(text: str, today: date, error) -> date | None:
    if not text:
        error(_("enter the date of the assessment."))
        return None
    try:
        day = parse_date(text)
    except (UserError, ValueError):
        error(_("{value} is not a date.").format(value=shorten(text, 20)))
        return None
    if day > today:
        error(_("the date {value} is in the future.").format(value=day.isoformat()))
        return None
    return day


def commit(db: sqlite_utils.Database, user: User, preview: ImportPreview) -> int:
    """Write a checked file, all or nothing; the number of records written."""
    if preview.errors:
        raise UserError(_("{file} has errors; nothing was imported.").format(file=preview.path.name))
    if not preview.entries:
        return 0
    return record_skills(db, user, preview.family, preview.entries, origin="import")
