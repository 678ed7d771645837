"""Staff qualifications from a CSV (CP932 or UTF-8) or .xlsx list: previewed, then all or nothing.

Columns: 職員番号, 資格 (a name in the catalogue), 取得日 (和暦 or western), and optionally
有効期限 (otherwise computed from the catalogue's validity) and 備考/証明 (the evidence note).
The flow is the staff import's: read_table (which refuses damaged files, naming them) → prepare:
every row checked against the register and the catalogue, nothing written, each problem naming
file, row and column in Japanese (an unknown qualification, a 職員番号 not in the register, a day
in the future, the same row twice, a record already in the register) → the officer sees the
preview → commit: one transaction, after checking the register again, or nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from app import audit, wareki
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.staff.importer import SYNONYMS as STAFF_SYNONYMS, ImportRefused, RowError, cell_date, staff_number_problem
from app.tabular import MAX_LISTED_ERRORS, recognise_headers, Table, read_table, shorten, unprotect_cell
from app.text import norm_header, safe_normalise
from app.training import qualifications

FIELDS: dict[str, str] = {
    "staff_no": N_("Staff no."),
    "qualification": N_("Qualification"),
    "obtained_on": N_("Obtained on"),
    "expires_on": N_("Expires on"),
    "note": N_("Evidence note"),
}
REQUIRED = ("staff_no", "qualification", "obtained_on")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "staff_no": STAFF_SYNONYMS["staff_no"],
    "qualification": ("資格", "資格名", "資格名称", "資格・試験", "試験", "試験名", "免許・資格", "qualification"),
    "obtained_on": ("取得日", "取得年月日", "合格日", "合格年月日", "登録日", "取得した日", "obtainedon"),
    "expires_on": ("有効期限", "有効期限日", "期限", "満了日", "失効日", "expireson"),
    "note": ("備考", "証明", "証拠", "根拠", "証書番号", "登録番号", "合格証書番号", "メモ", "evidencenote", "note"),
}


@dataclass
class QualificationRecord:
    """One checked row: what commit writes."""

    row: int
    staff_id: int
    staff_no: str
    name: str
    qualification_id: int
    qualification: str
    obtained_on: str  # ISO
    expires_on: str | None
    note: str = ""


@dataclass
class QualificationImportPreview:
    """What the officer sees before committing; commit() needs a preview without errors."""

    file: str
    encoding: str
    rows: int
    columns: dict[str, str] = field(default_factory=dict)  # field -> header of the file
    unused_headers: list[str] = field(default_factory=list)
    records: list[QualificationRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    errors_not_listed: int = 0

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed

    def counts(self) -> dict[str, int]:
        return dict(Counter(r.qualification for r in self.records))

    def summary(self) -> dict:
        """The --json result of an import or dry run."""
        name = Path(self.file).name
        return {"rows": self.rows, "qualifications": len(self.records), "by_qualification": self.counts(),
                "errors": [{"file": name, **asdict(e)} for e in self.errors],
                "errors_not_listed": self.errors_not_listed}


def preview_file(db: sqlite_utils.Database, user: User, path: Path, *, today: date,
                 encoding: str | None = None) -> QualificationImportPreview:
    """Read a file and prepare its import (nothing is written); ``today`` bounds the dates."""
    require(user, Action.QUALIFICATIONS_EDIT)
    return prepare(db, read_table(Path(path), encoding), today)


def prepare(db: sqlite_utils.Database, table: Table, today: date) -> QualificationImportPreview:
    """Parse and check every row against the register and the catalogue without writing (the dry run)."""
    preview = QualificationImportPreview(str(table.path), table.encoding,
                                         sum(1 for r in table.rows if any(c.strip() for c in r)))
    columns, preview.unused_headers = recognise_headers(table.headers, SYNONYMS)
    preview.columns = {name: table.headers[i] for name, i in columns.items()}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        preview.errors.append(RowError(1, "", _("required columns are missing: {names} (found: {headers})").format(
            names="、".join(_(FIELDS[m]) for m in missing),
            headers=shorten("、".join(h for h in table.headers if h), 200) or _("none"))))
        return preview
    context = _FileContext(db, table, columns, today)
    errors: list[RowError] = []
    for offset, raw in enumerate(table.rows):
        if not any(cell.strip() for cell in raw):
            continue
        row = _Row(context, table.first_data_row + offset, raw)
        record = row.record()
        errors.extend(row.errors)
        if record is not None:
            preview.records.append(record)
    doubled = duplicates(db, preview.records, preview.columns)
    refused_rows = {e.row for e in doubled}
    preview.records = [r for r in preview.records if r.row not in refused_rows]
    errors += doubled
    if not preview.records and not errors:
        errors.append(RowError(table.first_data_row, "", _("the file has no qualification rows")))
    errors.sort(key=lambda e: e.row)
    if len(errors) > MAX_LISTED_ERRORS:
        preview.errors_not_listed = len(errors) - MAX_LISTED_ERRORS
        del errors[MAX_LISTED_ERRORS:]
    preview.errors = errors
    return preview


class _FileContext:
    """What every row of one file is checked against: the register's people and the catalogue."""

    def __init__(self, db: sqlite_utils.Database, table: Table, columns: dict[str, int], today: date) -> None:
        self.table, self.columns, self.today = table, columns, today
        self.people = {no: (sid, f"{fam}\u3000{giv}") for sid, no, fam, giv in db.execute(
            "SELECT id, staff_no, family_name, given_name FROM staff")}
        self.by_digits = {no.lstrip("0"): no for no in self.people if no.isdigit()}
        self.catalogue = {norm_header(r[1]): r for r in db.execute(
            "SELECT id, name, validity_years, retired FROM qualifications")}
        self.from_excel = table.encoding == "xlsx"


class _Row:
    """One row, field by field; each check adds its error naming the row and the column."""

    def __init__(self, context: _FileContext, row_no: int, raw: list[str]) -> None:
        self.context, self.row_no, self.raw = context, row_no, raw
        self.errors: list[RowError] = []

    def cell(self, name: str) -> str:
        index = self.context.columns.get(name)
        return safe_normalise(unprotect_cell(self.raw[index])) if index is not None else ""

    def fail(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.row_no, self.context.table.headers[self.context.columns[name]], message))

    def day(self, name: str, bound_today: bool) -> date | None:
        text = self.cell(name)
        if not text:
            return None
        try:
            parsed = wareki.check_supported(cell_date(text, self.context.from_excel))
        except ValueError as exc:
            self.fail(name, str(exc))
            return None
        if bound_today and parsed > self.context.today:
            self.fail(name, _("{date} is in the future (today is {today}); enter the day it was obtained").format(
                date=wareki.format_wareki(parsed), today=wareki.format_wareki(self.context.today)))
            return None
        return parsed

    def record(self) -> QualificationRecord | None:
        person = self.person()
        entry = self.entry()
        obtained = self.day("obtained_on", True)
        if obtained is None and not self.cell("obtained_on"):
            self.fail("obtained_on", _("the day it was obtained is empty"))
        expires = self.day("expires_on", False)
        if expires is None and obtained is not None and entry is not None:
            expires = qualifications.expiry_date(obtained, entry[2])
        if expires is not None and obtained is not None and expires < obtained:
            self.fail("expires_on", _("it expires on {expires}, before it was obtained").format(
                expires=wareki.format_wareki(expires)))
        note = self.cell("note")
        if len(note) > qualifications.MAX_NOTE:
            self.fail("note", _("the note is longer than {n} characters").format(n=qualifications.MAX_NOTE))
        if self.errors or person is None or entry is None or obtained is None:
            return None
        return QualificationRecord(self.row_no, person[0], self.cell("staff_no").replace(" ", ""), person[1], entry[0],
                                   entry[1], obtained.isoformat(), expires.isoformat() if expires else None, note)

    def person(self) -> tuple[int, str] | None:
        staff_no = self.cell("staff_no").replace(" ", "")
        people = self.context.people
        if not staff_no:
            self.fail("staff_no", _("the staff no. is empty"))
        elif staff_number_problem(staff_no):
            self.fail("staff_no", staff_number_problem(staff_no))
        elif staff_no not in people:
            twin = self.context.by_digits.get(staff_no.lstrip("0")) if staff_no.isdigit() else None
            self.fail("staff_no", _("no staff member has the number {no}").format(no=shorten(staff_no)) + (
                _(" (the register has {twin}: were leading zeros lost in Excel?)").format(twin=twin) if twin else ""))
        else:
            return people[staff_no]
        return None

    def entry(self) -> tuple | None:
        text = self.cell("qualification")
        entry = self.context.catalogue.get(norm_header(text)) if text else None
        if not text:
            self.fail("qualification", _("the qualification is empty"))
        elif entry is None:
            self.fail("qualification", _("{value} is not in the qualification catalogue (add it there first, or "
                                         "correct the name)").format(value=shorten(text)))
        elif entry[3]:
            self.fail("qualification", _("{value} is retired in the catalogue; bring it back there first").format(
                value=entry[1]))
        else:
            return entry
        return None


def duplicates(db: sqlite_utils.Database, records: list[QualificationRecord],
               headers: dict[str, str]) -> list[RowError]:
    """The same person, qualification and day twice in the file, or already in the register."""
    stored = {tuple(r) for r in db.execute("SELECT staff_id, qualification_id, obtained_on FROM staff_qualifications")}
    seen: dict[tuple, int] = {}
    errors = []
    for r in records:
        key = (r.staff_id, r.qualification_id, r.obtained_on)
        if key in seen:
            errors.append(RowError(r.row, headers["qualification"], _(
                "{name}'s {qualification} of {date} appears twice in the file (also row {other})").format(
                name=r.name, qualification=r.qualification, date=wareki.format_wareki(date.fromisoformat(r.obtained_on)),
                other=seen[key])))
        elif key in stored:
            errors.append(RowError(r.row, headers["qualification"], _(
                "{name}'s {qualification} of {date} is already in the register").format(
                name=r.name, qualification=r.qualification,
                date=wareki.format_wareki(date.fromisoformat(r.obtained_on)))))
        seen.setdefault(key, r.row)
    return errors


def commit(db: sqlite_utils.Database, user: User, preview: QualificationImportPreview, *, today: date) -> dict:
    """Write every previewed record in one transaction, or none; returns the summary."""
    require(user, Action.QUALIFICATIONS_EDIT)
    name = Path(preview.file).name
    if preview.errors:
        raise ImportRefused(_("The import has {n} errors; nothing was written.").format(n=preview.error_count))
    with transaction(db):
        clashes = duplicates(db, preview.records, preview.columns)
        if clashes:
            raise UserError(_("The register changed since the preview: {problem}. Nothing was imported; check the "
                              "file again.").format(problem=clashes[0].text(name)))
        for r in preview.records:
            qualifications.add_record(
                db, user, r.staff_id, r.qualification_id, date.fromisoformat(r.obtained_on), today=today,
                expires_on=date.fromisoformat(r.expires_on) if r.expires_on else None, note=r.note, source="import")
        summary = {**preview.summary(), "imported": True}
        audit.record(db, user.login, "qualification.import", "staff_qualifications", None, None,
                     {"file": name, "qualifications": len(preview.records)})
    return summary


def result_message(summary: dict) -> str:
    return _("Imported {n} staff qualifications.").format(n=summary["qualifications"])
