"""Import the staff list HR exports: recognise columns, normalise, preview the diff, commit all or nothing.

Flow: read_table (file) → recognise_headers → prepare (parse every row, resolve
所属 against the organisation tree, diff against the register at the effective
date) → the preview is shown → commit, in one transaction, only when there is
no error. Nobody is ever deleted: leavers are marked 退職 only when asked.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlite_utils

from app import wareki
from app import audit
from app.staff import positions
from app.register.accounts import User
from app.db import transaction
from app.i18n import N_, _
from app.kana import is_hiragana_reading, normalise_reading
from app.errors import UserError
from app.register.permissions import Action, require
from app.staff.directory import unit_names
from app.text import norm_header, safe_normalise
from app.tabular import (MAX_LISTED_ERRORS, Table, code_points, read_table, shorten, unprotect_cell,
                         unseen_characters)

FIELDS: dict[str, str] = {
    "staff_no": N_("Staff no."),
    "full_name": N_("Name (family and given)"),
    "family_name": N_("Family name"),
    "given_name": N_("Given name"),
    "full_reading": N_("Reading (family and given)"),
    "family_reading": N_("Family name reading"),
    "given_reading": N_("Given name reading"),
    "affiliation": N_("Affiliation (所属)"),
    "department": N_("Department (部)"),
    "section": N_("Section (課)"),
    "unit": N_("Unit (係)"),
    "position": N_("Position"),
    "hire_date": N_("Hire date"),
}
# Header synonyms, compared after NFKC, without spaces, lower case.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "staff_no": ("職員番号", "職員コード", "職員no", "職員no.", "職員ｎｏ", "社員番号", "個人コード", "staffno"),
    "full_name": ("氏名", "職員氏名", "名前", "氏名漢字", "漢字氏名"),
    "family_name": ("姓", "氏", "姓漢字"),
    "given_name": ("名", "名漢字"),
    "full_reading": ("ふりがな", "フリガナ", "カナ氏名", "氏名カナ", "氏名ふりがな", "よみ", "よみがな", "ヨミ", "カナ", "かな"),
    "family_reading": ("せい", "セイ", "姓カナ", "姓ふりがな", "姓よみ"),
    "given_reading": ("めい", "メイ", "名カナ", "名ふりがな", "名よみ"),
    "affiliation": ("所属", "所属名", "所属部署", "部署", "配属"),
    "department": ("部", "部名", "部局", "部局名"),
    "section": ("課", "課名", "課室", "課室名", "所属課"),
    "unit": ("係", "係名", "担当"),
    "position": ("職名", "職位", "役職", "役職名"),
    "hire_date": ("採用日", "採用年月日", "入庁日", "入庁年月日"),
}
_HEADER_INDEX = {
    unicodedata.normalize("NFKC", synonym).replace(" ", "").lower(): name
    for name, synonyms in SYNONYMS.items()
    for synonym in synonyms
}
EXCEL_EPOCH = date(1899, 12, 30)
# Plausible hire dates of people still in a staff list: nobody hired before 1940 is still serving, and a
# list names hires at most a year ahead of today or of its effective date (令和99年 or 9999-12-31 are slips).
FIRST_HIRE = date(1940, 1, 1)
MAX_DATE_TEXT = 40  # no way of writing a date is longer  # serial 1 is 1900-01-01 after Excel's 1900 leap-year bug
_WHITESPACE = re.compile(r"[\s\u3000]+")
_PRIVATE_USE = re.compile(r"[\uE000-\uF8FF]")
# 部-level names, tried in order (教育委員会事務局 must not stop at 教育委員会); at least two characters
# before 部/局, so that 北部支所 or 南部地域センター are not read as 北部 + 支所.
_DEPT_SUFFIXES = (re.compile(r"^(.+?事務局)(.+)$"), re.compile(r"^(.+?本部)(.+)$"),
                  re.compile(r"^(.{2,}?(?:部|局))(.+)$"), re.compile(r"^(.+?(?:委員会|公室))(.+)$"))
_UNIT_SUFFIX = re.compile(r"^.+係$")
_SECTION_SUFFIX = re.compile(r"^(.{2,}?(?:課|室|署|所|館|センター|事務所))(.*)$")


def header_key(headers: list[str]) -> str:
    return hashlib.sha256("\t".join(headers).encode("utf-8")).hexdigest()


@dataclass
class Mapping:
    """field name -> header text, as recognised or as the officer chose."""

    columns: dict[str, str]
    unknown_headers: list[str]
    missing: list[str]  # requirement descriptions (msgids) not satisfied

    @property
    def complete(self) -> bool:
        return not self.missing


def _missing_requirements(columns: dict[str, str]) -> list[str]:
    have = set(columns)
    missing = []
    if "staff_no" not in have:
        missing.append(N_("Staff no."))
    if "full_name" not in have and not {"family_name", "given_name"} <= have:
        missing.append(N_("Name (氏名, or 姓 and 名)"))
    if "full_reading" not in have and not {"family_reading", "given_reading"} <= have:
        missing.append(N_("Reading (ふりがな, or せい and めい)"))
    if "affiliation" not in have and "department" not in have:
        missing.append(N_("Affiliation (所属, or 部 and 課)"))
    return missing


def recognise_headers(headers: list[str], saved: dict[str, str] | None = None) -> Mapping:
    """Map headers to fields by synonym; a mapping the officer saved for these headers wins."""
    if saved and all(h in headers for h in saved.values()):
        columns = dict(saved)
    else:
        columns = {}
        for header in headers:
            name = _HEADER_INDEX.get(norm_header(header))
            if name and name not in columns:
                columns[name] = header
    used = set(columns.values())
    unknown = [h for h in headers if h and h not in used]
    return Mapping(columns, unknown, _missing_requirements(columns))


def load_saved_mapping(db: sqlite_utils.Database, headers: list[str]) -> dict[str, str] | None:
    row = db.execute("SELECT mapping_json FROM import_mappings WHERE header_key = ?", [header_key(headers)]).fetchone()
    return json.loads(row[0]) if row else None


def save_mapping(db: sqlite_utils.Database, headers: list[str], columns: dict[str, str], user: User) -> None:
    """Remember the officer's choice for files with exactly these headers."""
    require(user, Action.STAFF_EDIT)
    with transaction(db):
        db.execute(
            "INSERT INTO import_mappings (header_key, headers_json, mapping_json) VALUES (?, ?, ?) "
            "ON CONFLICT(header_key) DO UPDATE SET mapping_json = excluded.mapping_json, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')",
            [header_key(headers), json.dumps(headers, ensure_ascii=False), json.dumps(columns, ensure_ascii=False)],
        )
        audit.record(db, user.login, "import.mapping_saved", "import_mappings", header_key(headers)[:12], after=columns)


@dataclass
class RowError:
    row: int  # line / row number in the file, as the officer sees it in Excel
    column: str  # header text ("" when the whole row is concerned)
    message: str

    def text(self, file_name: str) -> str:
        where = _("{file}, row {row}").format(file=file_name, row=self.row)
        if self.column:
            where += _(", column 「{column}」").format(column=self.column)
        return f"{where}: {self.message}"


@dataclass
class StaffRecord:
    row: int
    staff_no: str
    family_name: str
    given_name: str
    family_reading: str
    given_reading: str
    department: str
    section: str
    unit: str
    position: str
    hire_date: str | None


@dataclass
class Change:
    kind: str  # added / updated / transferred / missing
    staff_no: str
    name: str
    before: str = ""
    after: str = ""


@dataclass
class ImportPreview:
    """Everything the officer sees before committing; commit() needs a preview without errors."""

    file: str
    encoding: str
    effective_date: str
    rows: int
    records: list[StaffRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    new_positions: list[str] = field(default_factory=list)
    unplaced_positions: list[str] = field(default_factory=list)  # new titles the usual order does not know
    private_use: dict[str, list[int]] = field(default_factory=dict)  # character -> rows
    warnings: list[RowError] = field(default_factory=list)  # importable, but the officer should know
    errors_not_listed: int = 0  # errors beyond the first MAX_LISTED_ERRORS, counted only
    basis: str = ""  # fingerprint of the register the diff was made against (see register_basis)

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def summary(self) -> dict:
        """The --json result of an import or dry run."""
        return {
            "rows": self.rows,
            "added": self.count("added"),
            "updated": self.count("updated"),
            "transferred": self.count("transferred"),
            "missing": self.count("missing"),
            "errors": [{"file": Path(self.file).name, **asdict(e)} for e in self.errors],
            "errors_not_listed": self.errors_not_listed,
            "warnings": [{"file": Path(self.file).name, **asdict(w)} for w in self.warnings],
        }


# -- organisation --------------------------------------------------------------------------------
@dataclass
class _OrgTree:
    """Current units by name path, for splitting 所属 and resolving ids."""

    by_path: dict[tuple[str, str, str], int]
    by_concat: dict[str, tuple[str, str, str]]
    closing: dict[int, str] = field(default_factory=dict)  # unit id -> last day, for units a reform ends
    _splits: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # a town has few distinct 所属

    @classmethod
    def load(cls, db: sqlite_utils.Database, on: str) -> _OrgTree:
        by_path = {names: unit_id for unit_id, names in unit_names(db, on).items()}
        closing = dict(db.execute("SELECT id, valid_to FROM org_units WHERE valid_from <= ? AND valid_to >= ?",
                                  [on, on]).fetchall())
        return cls(by_path, {"".join(p): p for p in by_path}, closing)

    def split(self, affiliation: str) -> tuple[str, str, str]:
        """総務部総務課 → (総務部, 総務課, ""): the known tree first, then suffix rules."""
        known = self._splits.get(affiliation)
        if known is None:
            known = self._splits[affiliation] = self._split(affiliation)
        return known

    def _split(self, affiliation: str) -> tuple[str, str, str]:
        parts = [p for p in re.split(r"[\s\u3000/／]+", affiliation) if p]  # not ・: 子育て・健康課 is one name
        if 1 < len(parts) <= 3:
            return tuple((parts + ["", ""])[:3])  # type: ignore[return-value]
        text = "".join(parts)
        if text in self.by_concat:
            return self.by_concat[text]
        for length in range(len(text) - 1, 0, -1):  # the longest known prefix, e.g. a 部 with a new 課
            known = self.by_concat.get(text[:length])
            if known is None:
                continue
            dept, section, unit = known
            rest = text[length:]
            if not section:
                return (dept, *self._below_department(rest))
            if not unit:
                return dept, section, rest
        for pattern in _DEPT_SUFFIXES:
            match = pattern.match(text)
            if match:
                below = self._below_department(match.group(2), strict=True)
                if below is not None:
                    return (match.group(1), *below)
        return text, "", ""

    @staticmethod
    def _below_department(rest: str, strict: bool = False) -> tuple[str, str] | None:
        """(課, 係) of what follows a 部; a 係 may sit directly under a 部 or 局 (議会事務局議事係)."""
        match = _SECTION_SUFFIX.match(rest)
        if match:
            return match.group(1), match.group(2)
        if _UNIT_SUFFIX.match(rest):
            return "", rest
        return None if strict else (rest, "")


# -- parsing -----------------------------------------------------------------------------------------
def name_print_warning(family: str, given: str) -> str:
    """'' or why certificates for this name will be refused, naming each character no bundled font prints.

    Emoji, 外字 and variation selectors pass every other check; certificate output refuses them
    (``pdf_fonts.unprintable``, the same check), so entry and import warn at once instead.
    """
    from app import pdf_fonts  # the font tables load only when a name is checked

    bad = pdf_fonts.unprintable(family + given)
    if not bad:
        return ""
    return _("the name contains {chars}, which the certificate fonts cannot print: certificates for this person "
             "will be refused until the name uses a standard character").format(
        chars="、".join(map(pdf_fonts.code_label, bad)))


def _split_name(text: str) -> tuple[str, str] | None:
    parts = _WHITESPACE.split(text.strip(), maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 and parts[0] and parts[1] else None


def hire_date_range(today: date, effective: date) -> tuple[date, date]:
    """The hire dates a staff list may hold: FIRST_HIRE to a year after today or the effective date."""
    latest = max(today, effective)
    return FIRST_HIRE, latest.replace(year=latest.year + 1, day=28 if (latest.month, latest.day) == (2, 29) else latest.day)


def staff_number_problem(staff_no: str) -> str:
    """'' or why a staff number is refused: characters nobody sees make a second, identical-looking person."""
    unseen = unseen_characters(staff_no)
    if unseen:
        return _("the staff no. contains characters that cannot be seen ({chars}: control, format or invisible "
                 "characters); type it again").format(chars=code_points(unseen[:5]))
    return ""


def cell_date(text: str, from_excel: bool) -> date:
    """The date in a cell: 和暦 or western as wareki.parse_date reads them, or (in a workbook) Excel's serial
    day of a date cell without date formatting; ValueError (translated) when it is not a date.

    Callers bound the range themselves (hire dates, decisions): it is narrower than wareki.check_supported.
    """
    if len(text) > MAX_DATE_TEXT:
        raise ValueError(_("Not a date: {text}").format(text=shorten(text, 20)))
    if from_excel and text.isascii() and text.isdigit() and 20000 <= int(text) <= 80000:
        return EXCEL_EPOCH + timedelta(days=int(text))
    return wareki.parse_date(text)


def _parse_hire_date(text: str, from_excel: bool, plausible: tuple[date, date]) -> str:
    """ISO date of a hire-date cell; ValueError (translated) when it is not a date or not plausible."""
    day = cell_date(text, from_excel)
    first, last = plausible
    if not first <= day <= last:
        raise ValueError(_("{date} is not a plausible hire date (it must be from {first} to {last})").format(
            date=wareki.format_western(day), first=wareki.format_western(first), last=wareki.format_western(last)))
    return day.isoformat()


class _RowReader:
    """Reads one row at a time into a StaffRecord or the row's errors.

    Keeps what rows share: the column index, the 外字 replacements, the 外字 found (character -> rows),
    the staff numbers seen so far and caches of hire dates and readings (both repeat).
    """

    def __init__(self, table: Table, mapping: Mapping, tree: _OrgTree, replacements: dict[str, str] | None,
                 plausible_hires: tuple[date, date]) -> None:
        self.mapping, self.tree, self.plausible_hires = mapping, tree, plausible_hires
        self.index = {name: table.headers.index(header) for name, header in mapping.columns.items()}
        self.replacements = replacements or {}
        self.private_use: dict[str, list[int]] = {}
        self.seen: dict[str, int] = {}
        self.dates: dict[str, str | ValueError] = {}  # hire dates repeat: parse each spelling once
        self.from_excel = table.encoding == "xlsx"
        self.reading = functools.lru_cache(maxsize=None)(normalise_reading)  # family and given readings repeat
        self.row_no, self.raw, self.errors = 0, [], []

    def read(self, row_no: int, raw: list[str]) -> StaffRecord | list[RowError]:
        """The row as a record, or its errors (every problem of the row, in column order)."""
        self.row_no, self.raw, self.errors = row_no, raw, []
        staff_no = self._staff_no()
        family, given = self._name()
        family_r, given_r = self._reading()
        dept, section, unit = self._affiliation()
        hire_date = self._hire_date()
        if self.errors:
            return self.errors
        return StaffRecord(row_no, staff_no, family, given, family_r, given_r, dept, section, unit,
                           self.cell("position"), hire_date)

    def cell(self, name: str, widen: bool = True) -> str:
        """The cell of field ``name``: unprotected, 外字 replaced (or reported), safely normalised."""
        column = self.index.get(name)
        if column is None:
            return ""
        text = self.raw[column]
        if text[:1] == "'":
            text = unprotect_cell(text)
        for char, replacement in self.replacements.items():
            text = text.replace(char, replacement)
        if not text or max(text) < "\ue000":  # most cells: no 外字, nothing to widen or narrow
            return text.strip()
        for char in set(_PRIVATE_USE.findall(text)):
            self.private_use.setdefault(char, []).append(self.row_no)
            self.errors.append(RowError(self.row_no, self.mapping.columns[name], _(
                "contains the user-defined character (外字) U+{code:04X}; give the proper character "
                "before importing").format(code=ord(char))))
        return safe_normalise(text) if widen else text.strip()

    def fail(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.row_no, self.mapping.columns.get(name, ""), message))

    def _staff_no(self) -> str:
        staff_no = self.cell("staff_no").replace(" ", "")
        if not staff_no:
            self.fail("staff_no", _("the staff no. is empty"))
        elif staff_number_problem(staff_no):
            self.fail("staff_no", staff_number_problem(staff_no))
        elif staff_no in self.seen:
            self.fail("staff_no", _("staff no. {no} appears twice in the file (also row {other})").format(
                no=shorten(staff_no), other=self.seen[staff_no]))
        else:
            self.seen[staff_no] = self.row_no
        return staff_no

    def _name(self) -> tuple[str, str]:
        if "full_name" in self.index:
            split = _split_name(self.cell("full_name"))
            if split is None:
                self.fail("full_name", _("the name is empty or has no space between family and given name"))
                return "", ""
            return split
        family, given = self.cell("family_name"), self.cell("given_name")
        if not family:
            self.fail("family_name", _("the family name is empty"))
        if not given:
            self.fail("given_name", _("the given name is empty"))
        return family, given

    def _reading(self) -> tuple[str, str]:
        reading = self.reading
        if "full_reading" in self.index:
            split = _split_name(self.cell("full_reading", widen=False))  # reading() applies NFKC itself
            if split is None:
                self.fail("full_reading", _("the reading is empty or has no space between family and given name"))
                split = ("", "")
            family_r, given_r = reading(split[0]), reading(split[1])
            column = "full_reading"
        else:
            family_r = reading(self.cell("family_reading", widen=False))
            given_r = reading(self.cell("given_reading", widen=False))
            column = "family_reading"
            if not family_r or not given_r:
                self.fail(column, _("the reading is empty"))
        if (family_r and not is_hiragana_reading(family_r)) or (given_r and not is_hiragana_reading(given_r)):
            self.fail(column, _("the reading must be written in kana: {text}").format(
                text=shorten(family_r + given_r)))
        return family_r, given_r

    def _affiliation(self) -> tuple[str, str, str]:
        if "affiliation" in self.index:
            affiliation = self.cell("affiliation")
            path = self.tree.split(affiliation) if affiliation else ("", "", "")
            column = "affiliation"
        else:
            path = self.cell("department"), self.cell("section"), self.cell("unit")
            column = "department"
        if not path[0]:
            self.fail(column, _("the affiliation is empty"))
        return path

    def _hire_date(self) -> str | None:
        text = self.cell("hire_date")
        if not text:
            return None
        if text not in self.dates:
            try:
                self.dates[text] = _parse_hire_date(text, self.from_excel, self.plausible_hires)
            except ValueError as exc:
                self.dates[text] = ValueError(str(exc))
        parsed = self.dates[text]
        if isinstance(parsed, ValueError):
            self.fail("hire_date", str(parsed))
            return None
        return parsed


def parse_rows(table: Table, mapping: Mapping, tree: _OrgTree, replacements: dict[str, str] | None = None,
               plausible_hires: tuple[date, date] | None = None,
               ) -> tuple[list[StaffRecord], list[RowError], dict[str, list[int]]]:
    """Every row to a StaffRecord, or to errors naming row and column."""
    reader = _RowReader(table, mapping, tree, replacements,
                        plausible_hires or hire_date_range(date.today(), date.today()))
    records: list[StaffRecord] = []
    errors: list[RowError] = []
    for offset, raw in enumerate(table.rows):
        row_no = table.first_data_row + offset
        if not any(cell.strip() for cell in raw):
            continue
        if any("\n" in c or "\r" in c for c in raw):
            errors.append(RowError(row_no, "", _("a cell contains a line break; a quote (\") may be left open in the "
                                               "row above")))
            continue
        result = reader.read(row_no, raw)
        if isinstance(result, StaffRecord):
            records.append(result)
        else:
            errors.extend(result)
    return records, errors, reader.private_use


# -- diff ------------------------------------------------------------------------------------------
def default_effective_date(db: sqlite_utils.Database, today: date | None = None) -> date:
    """The next April 1 for a yearly transfer list; today for the first import into an empty register."""
    today = today or date.today()
    has_staff = db.execute("SELECT EXISTS (SELECT 1 FROM staff)").fetchone()[0]
    return wareki.next_april_first(today) if has_staff else today


def _current_state(db: sqlite_utils.Database, on: str) -> dict[str, dict]:
    sql = """
    SELECT s.id, s.staff_no, s.family_name, s.given_name, s.family_reading, s.given_reading, s.hire_date, s.status,
           s.retired_on, a.id AS assignment_id, a.unit_id, a.position_id, a.valid_from
    FROM staff s
    LEFT JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1
         AND a.valid_from <= :on AND (a.valid_to IS NULL OR a.valid_to >= :on)
    """
    return {row["staff_no"]: row for row in db.query(sql, {"on": on})}


def _retired_before(old: dict, on: str) -> bool:
    """True for someone whose retirement took effect before ``on`` (a later last day is a leaver still here)."""
    return old["status"] == "retired" and old["retired_on"] < on


# What a preview's diff depends on: people, their seats, the organisation and the positions.
_BASIS_TABLES = (
    ("staff", ("id", "staff_no", "family_name", "given_name", "family_reading", "given_reading", "hire_date",
               "status", "retired_on")),
    ("staff_assignments", ("id", "staff_id", "unit_id", "position_id", "is_primary", "valid_from", "valid_to")),
    ("org_units", ("id", "parent_id", "kind", "name", "valid_from", "valid_to")),
    ("positions", ("id", "name")),
)


def register_basis(db: sqlite_utils.Database) -> str:
    """A fingerprint of everything a staff-import diff is computed from.

    commit() compares it, inside its write transaction, with the one taken at preview time: when
    another import (or an edit) changed the register in between, the preview is stale and writing
    it would silently undo the other change (a lost update), so the import is refused instead.
    The rows are rendered by SQLite itself (quote(), group_concat): 50,000 staff take a blink.
    """
    digest = hashlib.sha256()
    for table, columns in _BASIS_TABLES:
        row = " || ',' || ".join(f"quote({column})" for column in columns)
        text = db.conn.execute(f"SELECT group_concat(r, char(10)) FROM (SELECT {row} AS r FROM {table} ORDER BY id)"
                               ).fetchone()[0]
        digest.update((text or "").encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return digest.hexdigest()


class _Diff:
    """The register as a staff list meets it on the effective date; fills the preview record by record."""

    def __init__(self, db: sqlite_utils.Database, tree: _OrgTree, mapping: Mapping, preview: ImportPreview) -> None:
        on = preview.effective_date
        self.tree, self.mapping, self.preview, self.on = tree, mapping, preview, on
        position_ids = {name: pid for pid, name in db.execute("SELECT id, name FROM positions")}
        self.known_positions = set(position_ids)
        self.unit_ids = tree.by_path
        self.unit_label = {uid: " ".join(p for p in path if p) for path, uid in self.unit_ids.items()}
        self.position_label = {pid: name for name, pid in position_ids.items()}
        self.current = _current_state(db, on)
        self.latest_start = dict(db.execute("SELECT s.staff_no, max(a.valid_from) FROM staff_assignments a "
                                            "JOIN staff s ON s.id = a.staff_id GROUP BY s.staff_no").fetchall())
        self.by_digits = {no.lstrip("0"): no for no in self.current if no.isdigit()}
        self.staff_no_column = mapping.columns.get("staff_no", "")
        self.labels: dict[tuple[str, str, str], str] = {}
        self.new_units: dict[str, None] = {}
        self.new_positions: dict[str, None] = {}
        self.in_file: set[str] = set()

    def add(self, record: StaffRecord) -> None:
        """One record: what is new in it, what is wrong with it against the register, what it changes."""
        self.in_file.add(record.staff_no)
        path = (record.department, record.section, record.unit)
        label = self._label(path)
        if record.position and record.position not in self.known_positions:
            self.new_positions[record.position] = None
        name = f"{record.family_name}\u3000{record.given_name}"
        old = self.current.get(record.staff_no)
        self._check(record, path, label, old)
        if old is None:
            self.preview.changes.append(Change("added", record.staff_no, name, "", f"{label} {record.position}".strip()))
            return
        self._personal_change(record, old, name)
        self._seat_change(record, old, name, label)

    def _label(self, path: tuple[str, str, str]) -> str:
        """「部 課 係」 of a path; once per distinct 所属, noting the units the import would create."""
        label = self.labels.get(path)
        if label is None:
            label = self.labels[path] = " ".join(p for p in path if p)
            for depth in range(1, 4):
                prefix = path[:depth] + ("",) * (3 - depth)
                if prefix[depth - 1] and prefix not in self.unit_ids:
                    self.new_units[" ".join(p for p in prefix if p)] = None
        return label

    def _check(self, record: StaffRecord, path: tuple[str, str, str], label: str, old: dict | None) -> None:
        """Warnings and errors that need the register: unprintable names, closing units, number slips, later seats."""
        preview, columns = self.preview, self.mapping.columns
        print_warning = name_print_warning(record.family_name, record.given_name)
        if print_warning:
            preview.warnings.append(RowError(record.row, columns.get("full_name") or columns.get(
                "family_name", ""), print_warning))
        unit_id = self.unit_ids.get(path)
        if unit_id in self.tree.closing:
            preview.errors.append(RowError(record.row, columns.get("affiliation") or columns.get(
                "department", ""), _("{unit} ends on {day} by an organisation reform; use its successor or an "
                                     "effective date after the reform").format(unit=label,
                                                                               day=self.tree.closing[unit_id])))
        if old is None:
            twin = self.by_digits.get(record.staff_no.lstrip("0")) if record.staff_no.isdigit() else None
            if twin:
                preview.errors.append(RowError(record.row, self.staff_no_column, _(
                    "staff no. {no} differs from the registered {twin} only in leading zeros (was it a number "
                    "cell in Excel?)").format(no=shorten(record.staff_no), twin=twin)))
        elif (self.latest_start.get(record.staff_no) or "") > self.on:
            preview.errors.append(RowError(record.row, self.staff_no_column, _(
                "{no} already has an assignment from {day}, after the effective date {on}").format(
                no=shorten(record.staff_no), day=self.latest_start[record.staff_no], on=self.on)))

    def _personal_change(self, record: StaffRecord, old: dict, name: str) -> None:
        """A corrected name, reading or hire date, as before / after of the fields that differ."""
        before_name = f"{old['family_name']}\u3000{old['given_name']}"
        personal_before = (old["family_name"], old["given_name"], old["family_reading"], old["given_reading"],
                           old["hire_date"])
        personal_after = (record.family_name, record.given_name, record.family_reading, record.given_reading,
                          record.hire_date or old["hire_date"])
        if personal_before == personal_after:
            return
        field_labels = (_("name"), _("reading"), _("hire date"))
        pairs = [(f"{before_name}", name),
                 (f"{old['family_reading']}\u3000{old['given_reading']}",
                  f"{record.family_reading}\u3000{record.given_reading}"),
                 (old["hire_date"] or "", record.hire_date or old["hire_date"] or "")]
        changed = [(label, a, b) for label, (a, b) in zip(field_labels, pairs) if a != b]
        self.preview.changes.append(Change("updated", record.staff_no, name,
                                           " / ".join(f"{label}: {a}" for label, a, _b in changed),
                                           " / ".join(f"{label}: {b}" for label, _a, b in changed)))

    def _seat_change(self, record: StaffRecord, old: dict, name: str, label: str) -> None:
        """A transfer, or a return from retirement (never silent)."""
        old_seat = (self.unit_label.get(old["unit_id"], ""), self.position_label.get(old["position_id"], ""))
        returns = _retired_before(old, self.on)
        if returns:  # HR's list says they work here: the import takes them back, but not silently
            self.preview.warnings.append(RowError(record.row, self.staff_no_column, _(
                "{no} {name} is recorded as retired (last day {day}); importing returns them to 在職 from {on}").format(
                no=shorten(record.staff_no), name=f"{old['family_name']}\u3000{old['given_name']}",
                day=old["retired_on"], on=self.on)))
        if old_seat != (label, record.position) or returns:
            self.preview.changes.append(Change("transferred", record.staff_no, name, " ".join(old_seat).strip(),
                                               f"{label} {record.position}".strip()))

    def add_missing(self) -> None:
        """People of the register not in the file; those with an assignment starting later are not leavers."""
        for staff_no, old in self.current.items():
            if staff_no not in self.in_file and old["status"] != "retired" and \
                    (self.latest_start.get(staff_no) or "") <= self.on:
                self.preview.changes.append(Change(
                    "missing", staff_no, f"{old['family_name']}\u3000{old['given_name']}",
                    " ".join((self.unit_label.get(old["unit_id"], ""),
                              self.position_label.get(old["position_id"], ""))).strip(), ""))

    def finish(self, table: Table) -> None:
        """The last-line warning, errors in row order (the first MAX_LISTED_ERRORS), the new names."""
        preview = self.preview
        if table.unterminated and table.rows and not preview.errors:
            # Complete, but a file cut off exactly inside its last cell looks the same: the officer checks that row.
            preview.warnings.append(RowError(table.first_data_row + len(table.rows) - 1, "", _(
                "the file does not end with a line break: check that this last row is complete (a file cut off in "
                "transfer looks the same)")))
        preview.errors.sort(key=lambda e: e.row)
        if len(preview.errors) > MAX_LISTED_ERRORS:  # a wrong file can have an error in every row: list the first
            preview.errors_not_listed = len(preview.errors) - MAX_LISTED_ERRORS
            del preview.errors[MAX_LISTED_ERRORS:]
        preview.new_units = list(self.new_units)
        preview.new_positions = list(self.new_positions)
        preview.unplaced_positions = [p for p in self.new_positions if positions.standard_rank(p) is None]


def prepare(db: sqlite_utils.Database, table: Table, mapping: Mapping, effective: date,
            replacements: dict[str, str] | None = None, today: date | None = None) -> ImportPreview:
    """Parse, validate and diff without writing anything (the dry run); `today` bounds the hire dates."""
    on = effective.isoformat()
    preview = ImportPreview(str(table.path), table.encoding, on, rows=sum(1 for r in table.rows if any(c.strip() for c in r)))
    preview.basis = register_basis(db)
    if not mapping.complete:
        preview.errors.append(RowError(1, "", _("required columns are missing: {names}").format(
            names="、".join(_(m) for m in mapping.missing))))
        return preview
    tree = _OrgTree.load(db, on)
    records, errors, private_use = parse_rows(table, mapping, tree, replacements,
                                              hire_date_range(today or date.today(), effective))
    errors.sort(key=lambda e: e.row)
    preview.records, preview.errors, preview.private_use = records, errors, private_use
    diff = _Diff(db, tree, mapping, preview)
    for record in records:
        diff.add(record)
    diff.add_missing()
    diff.finish(table)
    return preview


class ImportSession:
    """One staff file on its way into the register: read once, mapped, checked (as often as the options
    change), then committed. The CLI's ``import-staff`` and the import dialog both drive one, so the order
    of the steps lives here and not in a screen.

    Every step that needs the register takes the connection to use, so the dialog can run each step on a
    worker thread with that thread's own connection. Nothing is written except by ``choose_columns`` (the
    remembered mapping) and ``commit``.
    """

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self.path = Path(path)
        self.encoding = encoding  # None: detected (UTF-8 with or without BOM, else CP932)
        self._table: Table | None = None
        self.mapping: Mapping | None = None
        self.preview: ImportPreview | None = None

    @property
    def has_read(self) -> bool:
        """Whether the file has been read (the next check only prepares: a screen says "checking", not "reading")."""
        return self._table is not None

    @property
    def table(self) -> Table:
        """The file's rows, read on first use and kept: the options change, the file is not read again."""
        if self._table is None:
            self._table = read_table(self.path, self.encoding)
        return self._table

    def set_encoding(self, encoding: str | None) -> None:
        """Another encoding: the file is read again on the next check (and its columns recognised again)."""
        if encoding != self.encoding:
            self.encoding = encoding
            self._table, self.mapping, self.preview = None, None, None

    def recognise(self, db: sqlite_utils.Database, columns: dict[str, str] | None = None) -> Mapping:
        """The columns: ``columns`` when given, else the officer's remembered choice, else by synonym."""
        headers = self.table.headers
        self.mapping = recognise_headers(headers, columns or load_saved_mapping(db, headers))
        return self.mapping

    def choose_columns(self, db: sqlite_utils.Database, columns: dict[str, str], user: User) -> Mapping:
        """The officer's choice of columns, remembered for files with the same headers and used from now on."""
        save_mapping(db, self.table.headers, columns, user)
        self.mapping = recognise_headers(self.table.headers, columns)
        return self.mapping

    def check(self, db: sqlite_utils.Database, effective: date | None = None,
              replacements: dict[str, str] | None = None, today: date | None = None) -> ImportPreview:
        """The dry run with these options (nothing is written); the preview is kept for ``commit``."""
        self.preview = None  # a check that fails leaves nothing to commit
        mapping = self.mapping or self.recognise(db)
        effective = effective or default_effective_date(db, today)
        self.preview = prepare(db, self.table, mapping, effective, replacements, today)
        return self.preview

    def commit(self, db: sqlite_utils.Database, user: User, retire_missing: bool = False) -> dict:
        """Write the last checked preview, all or nothing (refused when it has errors or is stale)."""
        if self.preview is None:
            raise ImportRefused(_("The file {file} has not been checked; nothing was written.").format(
                file=self.path.name))
        return commit(db, self.preview, user, retire_missing=retire_missing)


def preview_file(db: sqlite_utils.Database, path: Path, *, encoding: str | None = None,
                 effective: date | None = None, columns: dict[str, str] | None = None,
                 replacements: dict[str, str] | None = None, today: date | None = None,
                 ) -> tuple[ImportPreview, Table, Mapping]:
    """Read a file and prepare its import (nothing is written): one session's first check."""
    session = ImportSession(path, encoding)
    mapping = session.recognise(db, columns)
    return session.check(db, effective, replacements, today), session.table, mapping


# -- commit ----------------------------------------------------------------------------------------
class ImportRefused(UserError):
    """commit() was called with a preview that has errors."""


class StalePreview(ImportRefused):
    """The register changed (another import got there first) between the preview and the commit."""


class _Seats:
    """Units and positions for the people who take a seat in them, created on first use (with the audit)."""

    def __init__(self, db: sqlite_utils.Database, user: User, on: str) -> None:
        self.db, self.user, self.on = db, user, on
        self.unit_ids = dict(_OrgTree.load(db, on).by_path)
        self.position_ids = {name: pid for pid, name in db.execute("SELECT id, name FROM positions")}
        self.seats: dict[tuple[str, str, str], int] = {}

    def unit_id(self, record: StaffRecord) -> int:
        path = (record.department, record.section, record.unit)
        if path not in self.seats:
            self.seats[path] = self._create_path(path)
        return self.seats[path]

    def _create_path(self, path: tuple[str, str, str]) -> int:
        parent = None
        for depth, kind in enumerate(("department", "section", "unit"), start=1):
            if not path[depth - 1]:
                continue  # no 課: the 係 sits directly under the 部
            key = path[:depth] + ("",) * (3 - depth)
            if key not in self.unit_ids:
                self.unit_ids[key] = self.db.conn.execute(
                    "INSERT INTO org_units (parent_id, kind, name, valid_from) VALUES (?, ?, ?, ?)",
                    [parent, kind, path[depth - 1], self.on]).lastrowid
                audit.record(self.db, self.user.login, "org.create", "org_units", self.unit_ids[key],
                             after={"name": path[depth - 1]})
            parent = self.unit_ids[key]
        return parent

    def position_id(self, name: str) -> int | None:
        if not name:
            return None
        if name not in self.position_ids:  # its grade in the usual order, not the file's row order
            self.position_ids[name] = positions.add_position(self.db, name)
        return self.position_ids[name]


def _correct_person(db: sqlite_utils.Database, user: User, old: dict, record: StaffRecord) -> None:
    """Write a corrected name, reading or hire date (an empty hire date in the file keeps the registered one)."""
    after = {"family_name": record.family_name, "given_name": record.given_name,
             "family_reading": record.family_reading, "given_reading": record.given_reading,
             "hire_date": record.hire_date or old["hire_date"]}
    db.conn.execute("UPDATE staff SET family_name = :family_name, given_name = :given_name, "
                    "family_reading = :family_reading, given_reading = :given_reading, hire_date = :hire_date, "
                    "updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = :id",
                    {**after, "id": old["id"]})
    audit.record(db, user.login, "staff.update", "staff", old["id"], {k: old[k] for k in after}, after)


def _transfer(db: sqlite_utils.Database, user: User, old: dict, seat: tuple[int, int | None], on: str) -> None:
    """The new seat from ``on``: a returner back to 在職, the current assignment ended the day before (or,
    when it starts on or after ``on``, corrected in place)."""
    conn = db.conn
    unit_id, position_id = seat
    if _retired_before(old, on):
        conn.execute("UPDATE staff SET status = 'active', retired_on = NULL WHERE id = ?", [old["id"]])
        audit.record(db, user.login, "staff.status", "staff", old["id"],
                     {"status": "retired", "retired_on": old["retired_on"]},
                     {"status": "active", "retired_on": None, "on": on})
    # A leaver whose last day is still to come keeps it: the new seat ends then too.
    last_day = old["retired_on"] if old["status"] == "retired" and not _retired_before(old, on) else None
    if old["assignment_id"] and old["valid_from"] >= on:
        conn.execute("UPDATE staff_assignments SET unit_id = ?, position_id = ? WHERE id = ?",
                     [unit_id, position_id, old["assignment_id"]])
    else:
        if old["assignment_id"]:
            conn.execute("UPDATE staff_assignments SET valid_to = ? WHERE id = ?",
                         [_day_before(on), old["assignment_id"]])
        conn.execute("INSERT INTO staff_assignments (staff_id, unit_id, position_id, valid_from, valid_to) "
                     "VALUES (?, ?, ?, ?, ?)", [old["id"], unit_id, position_id, on, last_day])
    audit.record(db, user.login, "staff.transfer", "staff", old["id"],
                 {"unit_id": old["unit_id"], "position_id": old["position_id"]},
                 {"unit_id": unit_id, "position_id": position_id, "from": on})


def _insert_new_staff(db: sqlite_utils.Database, new_staff: list[tuple], new_assignments: list[tuple]) -> None:
    """The new people and their first seats in one pass each (their ids are given here)."""
    conn = db.conn
    first_id = (db.execute("SELECT max(id) FROM staff").fetchone()[0] or 0) + 1
    conn.executemany("INSERT INTO staff (id, staff_no, family_name, given_name, family_reading, given_reading, "
                     "hire_date) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [(first_id + i, *person) for i, person in enumerate(new_staff)])
    conn.executemany("INSERT INTO staff_assignments (staff_id, unit_id, position_id, valid_from) VALUES (?, ?, ?, ?)",
                     [(first_id + i, u, p, f) for i, (_no, u, p, f) in enumerate(new_assignments)])


def _retire_missing(db: sqlite_utils.Database, user: User, preview: ImportPreview, current: dict[str, dict]) -> int:
    """Mark the people not in the file retired the day before the effective date; returns how many."""
    day_before = _day_before(preview.effective_date)
    retired = 0
    for change in preview.changes:
        if change.kind != "missing":
            continue
        old = current[change.staff_no]
        db.conn.execute("UPDATE staff SET status = 'retired', retired_on = ? WHERE id = ?", [day_before, old["id"]])
        if old["assignment_id"]:
            db.conn.execute("UPDATE staff_assignments SET valid_to = max(valid_from, ?) WHERE id = ?",
                            [day_before, old["assignment_id"]])
        audit.record(db, user.login, "staff.retire", "staff", old["id"], {"status": old["status"]},
                     {"status": "retired", "retired_on": day_before})
        retired += 1
    return retired


def _day_before(on: str) -> str:
    return (date.fromisoformat(on) - timedelta(days=1)).isoformat()


def _write_records(db: sqlite_utils.Database, user: User, preview: ImportPreview, current: dict[str, dict]) -> None:
    """Every record of the preview: new people, corrections and transfers, as the preview listed them."""
    on = preview.effective_date
    seats = _Seats(db, user, on)
    kinds = {(c.kind, c.staff_no) for c in preview.changes}
    new_staff, new_assignments = [], []
    for record in preview.records:
        old = current.get(record.staff_no)
        seat_changes = old is None or ("transferred", record.staff_no) in kinds
        # Units and positions are only created for people who take a seat in them.
        unit_id = seats.unit_id(record) if seat_changes else None
        position_id = seats.position_id(record.position) if seat_changes else None
        if old is None:
            new_staff.append((record.staff_no, record.family_name, record.given_name, record.family_reading,
                              record.given_reading, record.hire_date))
            new_assignments.append((record.staff_no, unit_id, position_id, on))
            continue
        if ("updated", record.staff_no) in kinds:
            _correct_person(db, user, old, record)
        if ("transferred", record.staff_no) in kinds:
            _transfer(db, user, old, (unit_id, position_id), on)
    _insert_new_staff(db, new_staff, new_assignments)


def commit(db: sqlite_utils.Database, preview: ImportPreview, user: User, retire_missing: bool = False) -> dict:
    """Write the previewed import in one transaction; returns the summary."""
    require(user, Action.STAFF_EDIT)
    if preview.errors:
        raise ImportRefused(_("The import has {n} errors; nothing was written.").format(n=preview.error_count))
    on = preview.effective_date
    with transaction(db):
        if register_basis(db) != preview.basis:  # checked under the write lock: nobody can change it now
            raise StalePreview(_(
                "The register was changed after this file was checked (another import or an edit got there "
                "first), so the checked changes no longer apply. Nothing was written; check the file {file} "
                "again and import it.").format(file=Path(preview.file).name))
        current = _current_state(db, on)
        _write_records(db, user, preview, current)
        retired = _retire_missing(db, user, preview, current) if retire_missing else 0
        summary = {**preview.summary(), "retired": retired}
        audit.record(db, user.login, "staff.import", "staff", None, None,
                     {"file": Path(preview.file).name, "effective_date": on, "retired": retired,
                      **{k: v for k, v in summary.items() if k not in ("errors", "warnings", "retired")}})
    return summary


def unplaced_message(preview: ImportPreview) -> str:
    """New titles the usual order does not know go below every other; the officer places them."""
    return _("Not in the usual order of positions: {names}. They are placed last; move them into place in "
             "設定 → 職位の序列 (or `positions move`).").format(names="、".join(preview.unplaced_positions))


def result_message(summary: dict, effective_date: str, today: date) -> str:
    """What an import did, in one sentence: 「245 行を取り込みました：新規 15 名、異動 20 名、退職予定 10 名」.

    Everything takes effect on the effective date, so leavers of a list dated later are 退職予定.
    """
    later = effective_date > today.isoformat()
    parts = [_("{n} new").format(n=summary["added"]), _("{n} transferred").format(n=summary["transferred"])]
    if summary.get("updated"):
        parts.append(_("{n} corrected").format(n=summary["updated"]))
    retired = summary.get("retired", 0)
    if retired:
        parts.append((_("{n} to retire") if later else _("{n} retired")).format(n=retired))
    if summary.get("missing", 0) > retired:
        parts.append(_("{n} not in the file left as they are").format(n=summary["missing"] - retired))
    text = _("Imported {rows} rows: {parts}").format(rows=summary["rows"], parts=_(", ").join(parts))
    if later:
        text += _(" (effective {day}: until then the register shows today's seats)").format(day=effective_date)
    return text
