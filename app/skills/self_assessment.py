"""Self-assessment sheets: one Excel workbook per person with every item of a catalogue, filled in and read back.

A person without a login (or who prefers Excel) gets a workbook listing the items with their current level;
they choose a new level per item from a drop-down list and return it. The round trip is guarded the way the
evaluation sheets are, with the same signing key and HMAC (``app.evaluation.sheets``): a hidden 「_meta」 sheet
names the person, the catalogue and, for every row, the item, signed; each row also carries its item code in a
hidden column, so a moved, copied or deleted row is caught. Import is all or nothing per file and writes
``self`` records dated the day of the import; a level left blank or unchanged writes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from app import audit, seal
from app.db import transaction
from app.errors import PermissionDenied, UserError
from app.evaluation import sheets as evaluation_sheets  # the signing key and HMAC of the evaluation sheets
from app.i18n import N_, _
from app.register.accounts import User
from app.register.permissions import Action, allowed, require
from app.skills.catalogues import CatalogueSpec, current, load_catalogue
from app.skills.records import SkillEntry, current_rows, record_skills, source_label
from app.tabular import MAX_LISTED_ERRORS, not_listed, open_workbook, protect_cell, sheet_rows, shorten, unprotect_cell

FORMAT_VERSION = 1
MAGIC = "dx-jinzai skill self-assessment"
META_SHEET = "_meta"
HEADER_ROW = 7
META_FIRST_ROW = 10
COL_CATEGORY, COL_ITEM, COL_DESCRIPTION, COL_CURRENT, COL_LEVEL, COL_NOTE, COL_KEY = range(1, 8)
LETTERS = "ABCDEFG"
HEADERS = {COL_CATEGORY: N_("Category"), COL_ITEM: N_("Skill item"), COL_DESCRIPTION: N_("What it covers"),
           COL_CURRENT: N_("Current level"), COL_LEVEL: N_("New skill level"), COL_NOTE: N_("Remarks"),
           COL_KEY: N_("Key (do not change)")}
MAX_EXTRA_ROWS = 10_000
_NUMBER = re.compile(r"[0-9]+(\.0*)?", re.ASCII)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def _canonical(staff_id: int, family: str, catalogue_id: int, sheet: str, rows: list[tuple[int, str]]) -> bytes:
    return json.dumps([FORMAT_VERSION, staff_id, family, catalogue_id, sheet, [list(r) for r in rows]],
                      separators=(",", ":"), ensure_ascii=True).encode("ascii")


# -- export ------------------------------------------------------------------------------------

def export_sheets(db: sqlite_utils.Database, user: User, staff_ids: list[int], out_dir: Path, today: date,
                  family: str | None = None) -> list[Path]:
    """One workbook per person (the administrator: anyone; a linked person: only themself); the files written."""
    require(user, Action.SKILLS_OWN)
    if not allowed(user, Action.SKILLS_EDIT) and any(user.staff_id != staff_id for staff_id in staff_ids):
        raise PermissionDenied(_("You can only write your own self-assessment sheet."))
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UserError(_("The folder {path} does not exist.").format(path=out_dir))
    catalogue = current(db, family)
    if catalogue is None:
        raise UserError(_("There is no skill catalogue yet; install one first."))
    people = {r[0]: (r[1], f"{r[2]}\u3000{r[3]}") for r in db.execute(
        "SELECT id, staff_no, family_name, given_name FROM staff")}
    missing = [s for s in staff_ids if s not in people]
    if missing:
        raise UserError(_("No staff member with id {id}.").format(id=missing[0]))
    key = evaluation_sheets._signing_key(db, create=True)
    assert key is not None
    written: list[Path] = []
    taken: set[str] = set()
    for staff_id in staff_ids:
        number, name = people[staff_id]
        levels = {r["item_code"]: r for r in current_rows(db, catalogue.family, staff_id)}
        stem = evaluation_sheets.safe_file_name(_("Skill self-assessment_{number}_{name}").format(number=number, name=name))
        path = evaluation_sheets._unique_path(out_dir, stem, taken)
        _write_workbook(path, key, catalogue, staff_id, f"{number} {name}", levels, today)
        written.append(path)
    with transaction(db):
        audit.record(db, user.login, "skill.sheets_export", "skill_catalogues", catalogue.id, None,
                     {"files": len(written), "family": catalogue.family})
    return written


def _write_workbook(path: Path, key: bytes, catalogue: CatalogueSpec, staff_id: int, person: str,
                    levels: dict[str, dict], today: date) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.workbook.protection import WorkbookProtection

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Self-assessment")
    sheet["A1"] = protect_cell(_("Skill self-assessment: {catalogue}").format(catalogue=catalogue.name))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = protect_cell(_("Name: {person}").format(person=person))
    sheet["A3"] = _("Written on {date}").format(date=today.isoformat())
    sheet["A4"] = _("Choose your level in the column 「New skill level」 (the sheet 「Level guide」 says what each level "
                    "means). Leave it empty to keep the current level.")
    sheet["A5"] = _("Do not add, delete or move rows. Save the file and return it to the digital section.")
    for column, label in HEADERS.items():
        cell = sheet.cell(HEADER_ROW, column, _(label))
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    categories = {c.code: c.name for c in catalogue.categories}
    wrap, unlocked = Alignment(wrap_text=True, vertical="top"), Protection(locked=False)
    input_fill = PatternFill("solid", fgColor="FFFDE7")
    meta_rows: list[tuple[int, str]] = []
    for number, item in enumerate(catalogue.items, start=HEADER_ROW + 1):
        record = levels.get(item.code)
        sheet.cell(number, COL_CATEGORY, protect_cell(categories.get(item.category, ""))).alignment = wrap
        sheet.cell(number, COL_ITEM, protect_cell(item.name)).alignment = wrap
        sheet.cell(number, COL_DESCRIPTION, protect_cell(item.description)).alignment = wrap
        sheet.cell(number, COL_CURRENT, protect_cell(
            f"{record['level']} {catalogue.level_name(record['level'])}（{source_label(record['source'])}）"
            if record else "—")).alignment = wrap
        for column in (COL_LEVEL, COL_NOTE):
            cell = sheet.cell(number, column)
            cell.protection, cell.fill = unlocked, input_fill
        sheet.cell(number, COL_NOTE).number_format = "@"
        sheet.cell(number, COL_KEY, item.code)
        meta_rows.append((number, item.code))
    _level_list(sheet, catalogue, len(meta_rows))
    for letter, width in zip(LETTERS, (22, 26, 40, 22, 10, 30, 12)):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["G"].hidden = True
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    evaluation_sheets._fit_landscape(sheet)
    evaluation_sheets._protect(sheet)
    _write_guide(workbook.create_sheet(_("Level guide")), catalogue)
    _write_meta(workbook.create_sheet(META_SHEET), key, catalogue, staff_id, sheet.title, meta_rows)
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.save(path)


def _level_list(sheet, catalogue: CatalogueSpec, rows: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if not rows:
        return
    numbers = catalogue.level_numbers
    validation = DataValidation(type="list", formula1='"' + ",".join(map(str, numbers)) + '"', allow_blank=True,
                                showErrorMessage=True, errorStyle="stop", errorTitle=_("New skill level"),
                                error=_("Choose one of the levels {levels}.").format(levels=", ".join(map(str, numbers))))
    validation.sqref = f"E{HEADER_ROW + 1}:E{HEADER_ROW + rows}"
    sheet.add_data_validation(validation)


def _write_guide(sheet, catalogue: CatalogueSpec) -> None:
    from openpyxl.styles import Alignment, Font

    wrap = Alignment(wrap_text=True, vertical="top")
    sheet["A1"] = _("Level guide")
    sheet["A1"].font = Font(bold=True)
    number = 3
    for level in catalogue.levels:
        sheet.cell(number, 1, level.level)
        sheet.cell(number, 2, protect_cell(level.name))
        sheet.cell(number, 3, protect_cell(level.description)).alignment = wrap
        number += 1
    number += 1
    for item in catalogue.items:
        for level, text in sorted(item.descriptors.items()):
            sheet.cell(number, 1, protect_cell(item.name)).alignment = wrap
            sheet.cell(number, 2, level)
            sheet.cell(number, 3, protect_cell(text)).alignment = wrap
            number += 1
    for letter, width in zip("ABC", (24, 16, 70)):
        sheet.column_dimensions[letter].width = width
    evaluation_sheets._protect(sheet)


def _write_meta(meta, key: bytes, catalogue: CatalogueSpec, staff_id: int, title: str,
                rows: list[tuple[int, str]]) -> None:
    signature = evaluation_sheets._sign(key, _canonical(staff_id, catalogue.family, catalogue.id, title, rows))
    for number, (label, value) in enumerate((
            (MAGIC, FORMAT_VERSION), ("staff", staff_id), ("family", catalogue.family),
            ("catalogue", catalogue.id), ("sheet", title), ("signature", signature), ("rows", len(rows))), start=1):
        meta.cell(number, 1, label)
        meta.cell(number, 2, protect_cell(value) if isinstance(value, str) else value)
    for number, (row, code) in enumerate(rows, start=META_FIRST_ROW):
        meta.cell(number, 1, row)
        meta.cell(number, 2, protect_cell(code))
    meta.sheet_state = "hidden"
    evaluation_sheets._protect(meta)


# -- import ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Issue:
    """A problem in a returned sheet, with where it is as the person sees it in Excel."""

    where: str
    message: str

    def text(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class SheetPreview:
    """What importing one returned sheet would write; nothing is written until ``commit_sheet``."""

    path: Path
    staff_id: int | None = None
    person: str = ""
    family: str = ""
    entries: list[SkillEntry] = field(default_factory=list)
    unchanged: int = 0
    errors: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict:
        return {"file": str(self.path), "ok": self.ok, "person": self.person, "family": self.family,
                "records": len(self.entries), "unchanged": self.unchanged, "errors": [e.text() for e in self.errors]}


class _Refused(Exception):
    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.text())
        self.issue = issue


def is_self_assessment_sheet(path: Path) -> bool:
    """True for a workbook written by ``export_sheets`` (it has the hidden 「_meta」 sheet with the magic)."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        return False
    try:
        workbook = open_workbook(path, data_only=False)
    except UserError:
        return False
    try:
        if META_SHEET not in workbook.sheetnames:
            return False
        first = next(sheet_rows(workbook[META_SHEET], path), None)
        return bool(first) and first[1].get(1, {}).get("value") == MAGIC
    except UserError:
        return False
    finally:
        workbook.close()


def preview_sheet(db: sqlite_utils.Database, user: User, path: Path, today: date) -> SheetPreview:
    """Read and check one returned sheet; every problem names the file, and the row and column where there is one."""
    preview = SheetPreview(Path(path))
    try:
        _read(db, user, preview, today)
    except _Refused as exc:
        preview.errors.append(exc.issue)
    except UserError as exc:
        preview.errors.append(Issue(preview.path.name, str(exc)))
    if len(preview.errors) > MAX_LISTED_ERRORS:
        hidden = len(preview.errors) - MAX_LISTED_ERRORS
        preview.errors = preview.errors[:MAX_LISTED_ERRORS] + [Issue("", not_listed(preview.path.name, hidden))]
    if preview.errors:
        preview.entries.clear()
    return preview


def _where(file: str, sheet: str = "", row: int | None = None, column: int | None = None) -> str:
    text = file
    if sheet:
        text += _(", sheet 「{sheet}」").format(sheet=sheet)
    if row is not None:
        text += _(", row {row}").format(row=row)
    if column is not None:
        text += _(", column {column} ({name})").format(column=LETTERS[column - 1], name=_(HEADERS[column]))
    return text


@dataclass
class _Meta:
    staff_id: int
    family: str
    catalogue_id: int
    sheet: str
    rows: list[tuple[int, str]]


def _read(db: sqlite_utils.Database, user: User, preview: SheetPreview, today: date) -> None:
    path, name = preview.path, preview.path.name
    not_a_sheet = _("This is not a self-assessment sheet written by this register (use the files written by "
                    "「Write self-assessment sheets」).")
    if not path.is_file():
        raise _Refused(Issue("", _("The file {path} does not exist.").format(path=path)))
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise _Refused(Issue(name, not_a_sheet))
    workbook = open_workbook(path, data_only=False)
    try:
        meta = _read_meta(db, workbook, preview, not_a_sheet)
        _check_person(db, user, meta, preview)
        catalogue = load_catalogue(db, meta.catalogue_id)
        latest = current(db, meta.family)
        if meta.sheet not in workbook.sheetnames:
            raise _Refused(Issue(name, _("The sheet 「{sheet}」 is missing.").format(sheet=meta.sheet)))
        cells = _cells(workbook[meta.sheet], path, meta)
    finally:
        workbook.close()
    _check_rows(db, meta, catalogue, latest, cells, preview, today)


def _meta_values(workbook, path: Path) -> dict[int, dict[int, object]]:
    values: dict[int, dict[int, object]] = {}
    for number, cells in sheet_rows(workbook[META_SHEET], path):
        if number > META_FIRST_ROW + 10_000:
            break
        values[number] = {c: cell["value"] for c, cell in cells.items() if c <= 2}
    return values


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return int(float(value.strip()))
    return None


def _text(value: object) -> str:
    return "" if value is None else unprotect_cell(str(value)).strip()


def _read_meta(db: sqlite_utils.Database, workbook, preview: SheetPreview, not_a_sheet: str) -> _Meta:
    name = preview.path.name
    if META_SHEET not in workbook.sheetnames:
        raise _Refused(Issue(name, not_a_sheet))
    values = _meta_values(workbook, preview.path)
    head = {n: values.get(n, {}) for n in range(1, 8)}
    if head[1].get(1) != MAGIC:
        raise _Refused(Issue(name, not_a_sheet))
    if _int(head[1].get(2)) != FORMAT_VERSION:
        raise _Refused(Issue(name, _("The sheet was written by another version of this program; write it again.")))
    staff_id, catalogue_id, count = _int(head[2].get(2)), _int(head[4].get(2)), _int(head[7].get(2))
    family, sheet, signature = _text(head[3].get(2)), _text(head[5].get(2)), _text(head[6].get(2))
    if staff_id is None or catalogue_id is None or count is None or not 0 <= count <= 10_000:
        raise _Refused(Issue(name, _("The hidden sheet of the file was changed; the file cannot be trusted.")))
    rows = []
    for n in range(META_FIRST_ROW, META_FIRST_ROW + count):
        row, code = _int(values.get(n, {}).get(1)), _text(values.get(n, {}).get(2))
        if row is None or not code:
            raise _Refused(Issue(name, _("The hidden sheet of the file was changed; the file cannot be trusted.")))
        rows.append((row, code))
    key = evaluation_sheets._signing_key(db, create=False)
    expected = evaluation_sheets._sign(key, _canonical(staff_id, family, catalogue_id, sheet, rows)) if key else None
    if expected is None or not seal.digests_equal(expected, signature):  # a returned sheet may hold anything
        raise _Refused(Issue(name, _("The signature of the file does not match: it was not written by this register, "
                                     "or its hidden sheet was changed. Write the sheet again.")))
    return _Meta(staff_id, family, catalogue_id, sheet, rows)


def _check_person(db: sqlite_utils.Database, user: User, meta: _Meta, preview: SheetPreview) -> None:
    row = db.execute("SELECT family_name || '\u3000' || given_name, staff_no FROM staff WHERE id = ?",
                     [meta.staff_id]).fetchone()
    if row is None:
        raise _Refused(Issue(preview.path.name, _("The person of this sheet is no longer in the register.")))
    if not allowed(user, Action.SKILLS_EDIT) and user.staff_id != meta.staff_id:
        raise _Refused(Issue(preview.path.name, _("You can only import your own self-assessment sheet.")))
    preview.staff_id, preview.person, preview.family = meta.staff_id, f"{row[1]} {row[0]}", meta.family


def _cells(sheet, path: Path, meta: _Meta) -> dict[int, dict[int, dict]]:
    last = max((r for r, _code in meta.rows), default=HEADER_ROW)
    rows: dict[int, dict[int, dict]] = {}
    for number, cells in sheet_rows(sheet, path):
        if number > last + MAX_EXTRA_ROWS:
            raise _Refused(Issue(_where(path.name, meta.sheet), _("The sheet has far more rows than were written.")))
        if number > HEADER_ROW:
            rows[number] = {c: cell for c, cell in cells.items() if c <= COL_KEY}
    return rows


def _check_rows(db: sqlite_utils.Database, meta: _Meta, catalogue: CatalogueSpec, latest: CatalogueSpec | None,
                cells: dict[int, dict[int, dict]], preview: SheetPreview, today: date) -> None:
    name = preview.path.name

    def error(row: int | None, column: int | None, message: str) -> None:
        preview.errors.append(Issue(_where(name, meta.sheet, row, column), message))

    def value(row: int, column: int) -> object:
        cell = cells.get(row, {}).get(column)
        return None if cell is None else cell["value"]

    expected = {row for row, _code in meta.rows}
    for row in sorted(cells):
        if row not in expected and any(value(row, c) not in (None, "") for c in range(1, COL_KEY + 1)):
            error(row, None, _("This row was added. Rows cannot be added to the sheet; write the sheet again."))
    now = {r["item_code"]: r for r in current_rows(db, meta.family, meta.staff_id)}
    target = latest or catalogue
    for row, code in meta.rows:
        if _text(value(row, COL_KEY)) != code:
            error(row, COL_KEY, _("The row was moved, copied or deleted (its key is not the one written). "
                                  "Rows cannot be changed; write the sheet again."))
            continue
        level = _level(cells.get(row, {}).get(COL_LEVEL), catalogue, lambda m, r=row: error(r, COL_LEVEL, m))
        if level is None:
            continue
        if target.item(code) is None:
            error(row, COL_ITEM, _("This item is no longer in the catalogue {name}.").format(name=target.name))
            continue
        note = _text(value(row, COL_NOTE))[:500]
        record = now.get(code)
        if record and record["level"] == level and record["source"] == "self":
            preview.unchanged += 1
            continue
        preview.entries.append(SkillEntry(meta.staff_id, code, level, today, "self", note))


def _level(cell: dict | None, catalogue: CatalogueSpec, error) -> int | None:
    """A level as typed in Excel or LibreOffice: 2, 2.0, "2", "２"; blank is no answer; anything else an error."""
    if cell is None or cell["value"] is None:
        return None
    if cell["data_type"] == "f":
        error(_("A formula is not accepted as a level; choose the level from the list."))
        return None
    raw = cell["value"]
    number = _int(raw.translate(_FULL_WIDTH) if isinstance(raw, str) else raw)
    if isinstance(raw, str) and not raw.strip():
        return None
    if number is None or number not in catalogue.level_numbers:
        error(_("The level must be one of {levels} (found {value}).").format(
            levels="・".join(map(str, catalogue.level_numbers)), value=shorten(raw, 20)))
        return None
    return number


def commit_sheet(db: sqlite_utils.Database, user: User, preview: SheetPreview) -> int:
    """Write one checked sheet, all or nothing; the number of records written."""
    if preview.errors:
        raise UserError(_("{file} has errors; nothing was imported.").format(file=preview.path.name))
    if not preview.entries:
        return 0
    return record_skills(db, user, preview.family, preview.entries, origin="sheet")
