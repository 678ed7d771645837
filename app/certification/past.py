"""Earlier certifications (台帳導入前): bring in the ones decided on paper, numbers kept as printed.

A town that certified staff before it used the register enters them from a CSV (CP932 or UTF-8)
or .xlsx with 職員番号, レベル, 認定日, 認定番号, 認定者 and, for a withdrawn one, 取消日 and
取消理由 (an exported 認定者名簿 is read as well). The flow is the staff import's: read_table (which
refuses damaged files, naming them) → prepare: every row parsed and checked against the scheme in
use and the register, nothing written, each problem naming file, row and column → the officer sees
the preview → commit: all in one transaction, or nothing, after checking the register again.

The imported ones count for the next level like any certification and show as 「台帳導入前」
(certifications.source = 'imported'). New decisions continue the sequence after the highest number
imported (certification.last_seq reads the sequence numbers stored with them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from app import wareki
from app import audit
from app.certification import decisions, numbers
from app.certification import schemes
from app.register.accounts import User
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, _
from app.register.permissions import Action, require
from app.staff.importer import SYNONYMS as STAFF_SYNONYMS, ImportRefused, RowError, cell_date, staff_number_problem
from app.text import norm_header, safe_normalise
from app.tabular import MAX_LISTED_ERRORS, recognise_headers, Table, read_table, shorten, unprotect_cell, unseen_characters

FIELDS: dict[str, str] = {
    "staff_no": N_("Staff no."),
    "level": N_("Level"),
    "decided_on": N_("Decided on"),
    "certificate_no": N_("Certificate no."),
    "approver": N_("Approver"),
    "revoked_on": N_("Revoked on"),
    "revoke_reason": N_("Reason for revocation"),
}
REQUIRED = ("staff_no", "level", "decided_on", "certificate_no", "approver")
# Header synonyms, compared after NFKC without spaces; the register's own export (認定者名簿) is among them.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "staff_no": STAFF_SYNONYMS["staff_no"],
    "level": ("レベル", "認定レベル", "認定区分", "区分", "認定の種類", "認定種別", "種別", "level"),
    "decided_on": ("認定日", "認定年月日", "決定日", "認定決定日", "決裁日", "認定した日", "decidedon"),
    "certificate_no": ("認定番号", "認定証番号", "証書番号", "認定書番号", "番号", "certificateno"),
    "approver": ("認定者", "承認者", "決裁者", "認定権者", "approver"),
    "revoked_on": ("取消日", "取消年月日", "認定取消日", "取り消し日", "取消し日", "revokedon"),
    "revoke_reason": ("取消理由", "取消事由", "取り消し理由", "取消しの理由", "revokereason"),
}
MAX_NUMBER = 60  # characters of a certificate number: a longer cell is not one
MAX_APPROVER = 100
MAX_REASON = 500


@dataclass
class PastRecord:
    """One row of the file, checked: what commit writes."""

    row: int
    staff_id: int
    staff_no: str
    name: str
    level_code: str
    level_name: str
    decided_on: str  # ISO
    certificate_no: str
    fiscal_year: int
    seq: int
    approver: str
    revoked_on: str | None = None
    revoke_reason: str = ""


@dataclass
class PastImportPreview:
    """What the officer sees before committing; commit() needs a preview without errors."""

    file: str
    encoding: str
    rows: int
    scheme_id: int
    scheme_name: str
    columns: dict[str, str] = field(default_factory=dict)  # field -> header of the file
    unused_headers: list[str] = field(default_factory=list)
    records: list[PastRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    errors_not_listed: int = 0
    next_number: str = ""  # what the next certification of today's fiscal year would get after the import

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed

    def level_counts(self) -> dict[str, int]:
        return dict(Counter(r.level_name for r in self.records))

    def summary(self) -> dict:
        """The --json result of an import or dry run."""
        name = Path(self.file).name
        return {
            "rows": self.rows,
            "certifications": len(self.records),
            "revoked": sum(1 for r in self.records if r.revoked_on),
            "levels": self.level_counts(),
            "next_number": self.next_number,
            "errors": [{"file": name, **asdict(e)} for e in self.errors],
            "errors_not_listed": self.errors_not_listed,
        }


def preview_file(db: sqlite_utils.Database, user: User, path: Path, *, today: date,
                 encoding: str | None = None) -> PastImportPreview:
    """Read a file and prepare its import (nothing is written); ``today`` bounds the dates."""
    require(user, Action.CERTIFICATION_IMPORT)
    return prepare(db, read_table(Path(path), encoding), today)


def active_scheme(db: sqlite_utils.Database) -> schemes.SchemeSpec:
    """The scheme the earlier certifications are entered under: the one in use, which must exist."""
    scheme_id = schemes.active_scheme_id(db)
    if scheme_id is None:
        raise UserError(_("The register has no certification scheme yet. Choose the scheme on 認定 (CLI: schemes "
                          "install moka) before importing earlier certifications."))
    return schemes.load_scheme(db, scheme_id)


def prepare(db: sqlite_utils.Database, table: Table, today: date) -> PastImportPreview:
    """Parse and check every row against the scheme and the register without writing anything (the dry run)."""
    scheme = active_scheme(db)
    preview = PastImportPreview(str(table.path), table.encoding, sum(1 for r in table.rows if any(c.strip() for c in r)),
                                scheme.id, scheme.name)
    columns, preview.unused_headers = recognise_headers(table.headers, SYNONYMS)
    preview.columns = {name: table.headers[i] for name, i in columns.items()}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        preview.errors.append(RowError(1, "", _("required columns are missing: {names} (found: {headers})").format(
            names="、".join(_(FIELDS[m]) for m in missing),
            headers=shorten("、".join(h for h in table.headers if h), 200) or _("none"))))
        return preview
    errors = _parse_rows(db, table, columns, scheme, today, preview.records)
    errors += _across_rows(preview.records, preview.columns)
    errors += register_clashes(db, scheme, preview.records, preview.columns)
    if not preview.records and not errors:
        errors.append(RowError(table.first_data_row, "", _("the file has no certification rows")))
    errors.sort(key=lambda e: e.row)
    if len(errors) > MAX_LISTED_ERRORS:  # a wrong file can have an error in every row: list the first
        preview.errors_not_listed = len(errors) - MAX_LISTED_ERRORS
        del errors[MAX_LISTED_ERRORS:]
    preview.errors = errors
    if not errors:
        preview.next_number = next_number_after(db, scheme, preview.records, today)
    return preview


def _level_index(scheme: schemes.SchemeSpec) -> dict[str, schemes.LevelSpec]:
    """A level by its name or its code, compared like headers (全角/半角, spaces, case)."""
    index = {norm_header(level.code): level for level in scheme.levels}
    index.update({norm_header(level.name): level for level in scheme.levels})
    return index


def _parse_rows(db: sqlite_utils.Database, table: Table, columns: dict[str, int], scheme: schemes.SchemeSpec,
                today: date, records: list[PastRecord]) -> list[RowError]:
    """Every row to a PastRecord, or to errors naming row and column; rows with an error give no record."""
    context = _FileContext(db, table, columns, scheme, today)
    errors: list[RowError] = []
    for offset, raw in enumerate(table.rows):
        if not any(cell.strip() for cell in raw):
            continue
        row = _PastRow(context, table.first_data_row + offset, raw)
        record = row.record()
        if row.errors:
            errors.extend(row.errors)
        else:
            records.append(record)
    return errors


class _FileContext:
    """What every row of one file is checked against: the register's people and the scheme's levels."""

    def __init__(self, db: sqlite_utils.Database, table: Table, columns: dict[str, int],
                 scheme: schemes.SchemeSpec, today: date) -> None:
        self.table, self.columns, self.scheme, self.today = table, columns, scheme, today
        self.people = {no: (sid, f"{fam}\u3000{giv}") for sid, no, fam, giv in db.execute(
            "SELECT id, staff_no, family_name, given_name FROM staff")}
        self.by_digits = {no.lstrip("0"): no for no in self.people if no.isdigit()}
        self.levels = _level_index(scheme)
        self.level_names = "、".join(level.name for level in scheme.levels)
        self.from_excel = table.encoding == "xlsx"


class _PastRow:
    """One row of the file, field by field; each check adds its error naming the row and the column."""

    def __init__(self, context: _FileContext, row_no: int, raw: list[str]) -> None:
        self.context, self.row_no, self.raw = context, row_no, raw
        self.errors: list[RowError] = []

    def cell(self, name: str) -> str:
        index = self.context.columns.get(name)
        return safe_normalise(unprotect_cell(self.raw[index])) if index is not None else ""

    def fail(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.row_no, self.context.table.headers[self.context.columns[name]], message))

    def fail_or_field(self, name: str, message: str) -> None:
        """An error in a column the file may lack: then it names the field's usual header."""
        columns = self.context.columns
        header = self.context.table.headers[columns[name]] if name in columns else _(FIELDS[name])
        self.errors.append(RowError(self.row_no, header, message))

    def day(self, name: str) -> date | None:
        text = self.cell(name)
        if not text:
            return None
        today = self.context.today
        try:
            parsed = wareki.check_supported(cell_date(text, self.context.from_excel))
        except ValueError as exc:
            self.fail(name, str(exc))
            return None
        if parsed > today:
            self.fail(name, _("{date} is in the future (today is {today}); enter the day it was decided").format(
                date=wareki.format_wareki(parsed), today=wareki.format_wareki(today)))
            return None
        return parsed

    def record(self) -> PastRecord | None:
        """The row as a record, or None when any field was refused (the errors say which)."""
        staff_no, person = self.person()
        level = self.level()
        decided = self.day("decided_on")
        if decided is None and not self.cell("decided_on"):
            self.fail("decided_on", _("the date of the decision is empty"))
        number, seq = self.number(decided)
        approver = self.approver()
        revoked, reason = self.revocation(decided)
        if self.errors:
            return None
        assert person is not None and level is not None and decided is not None and seq is not None
        return PastRecord(self.row_no, person[0], staff_no, person[1], level.code, level.name,
                          decided.isoformat(), number, wareki.fiscal_year(decided), seq, approver,
                          revoked.isoformat() if revoked else None, reason if revoked else "")

    def person(self) -> tuple[str, tuple[int, str] | None]:
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
            return staff_no, people[staff_no]
        return staff_no, None

    def level(self) -> schemes.LevelSpec | None:
        level_text = self.cell("level")
        level = self.context.levels.get(norm_header(level_text)) if level_text else None
        if not level_text:
            self.fail("level", _("the level is empty"))
        elif level is None:
            self.fail("level", _("{value} is not a level of the scheme in use (levels: {levels})").format(
                value=shorten(level_text), levels=self.context.level_names))
        return level

    def number(self, decided: date | None) -> tuple[str, int | None]:
        number = self.cell("certificate_no")
        if not number:
            self.fail("certificate_no", _("the certificate number is empty; enter it as printed on the certificate"))
        elif len(number) > MAX_NUMBER:
            self.fail("certificate_no", _("{value} is longer than {n} characters; it is not a certificate "
                                          "number").format(value=shorten(number), n=MAX_NUMBER))
        elif unseen_characters(number.replace("\u3000", "")):
            self.fail("certificate_no", _("the certificate number contains characters that cannot be seen; type it "
                                          "again"))
        else:
            try:
                seq, written_year = numbers.number_parts(self.context.scheme.number_pattern, number)
            except ValueError as exc:
                self.fail("certificate_no", _("{value}: {problem}").format(value=shorten(number), problem=exc))
                return number, None
            if decided is not None and written_year is not None and written_year != wareki.fiscal_year(decided):
                self.fail("certificate_no", _("{value} is a number of {year}, but the decision on {date} falls in "
                                              "{decided_year}").format(
                    value=number, year=wareki.format_fiscal_year(written_year), date=wareki.format_wareki(decided),
                    decided_year=wareki.format_fiscal_year(wareki.fiscal_year(decided))))
            return number, seq
        return number, None

    def approver(self) -> str:
        approver = self.cell("approver")
        if not approver:
            self.fail("approver", _("who approved the certification is empty (e.g. 市長)"))
        elif len(approver) > MAX_APPROVER:
            self.fail("approver", _("{value} is longer than {n} characters").format(
                value=shorten(approver), n=MAX_APPROVER))
        return approver

    def revocation(self, decided: date | None) -> tuple[date | None, str]:
        revoked = self.day("revoked_on") if "revoked_on" in self.context.columns else None
        reason = self.cell("revoke_reason")
        if revoked is not None and decided is not None and revoked < decided:
            self.fail("revoked_on", _("revoked on {revoked}, before it was decided ({decided})").format(
                revoked=wareki.format_wareki(revoked), decided=wareki.format_wareki(decided)))
        if "revoked_on" in self.context.columns and self.cell("revoked_on") and not reason:
            self.fail_or_field("revoke_reason", _("a revoked certification needs the reason for the revocation"))
        elif reason and not self.cell("revoked_on"):
            self.fail_or_field("revoked_on", _("a reason for revocation is given without the day of the revocation"))
        elif len(reason) > MAX_REASON:
            self.fail("revoke_reason", _("the reason is longer than {n} characters").format(n=MAX_REASON))
        return revoked, reason


def _across_rows(records: list[PastRecord], headers: dict[str, str]) -> list[RowError]:
    """Within the file: a number twice, a serial number twice in a year, a level held twice at once."""
    errors = []
    numbers: dict[str, int] = {}
    serials: dict[tuple[int, int], PastRecord] = {}
    held: dict[tuple[int, str], int] = {}
    for r in records:
        if r.certificate_no in numbers:
            errors.append(RowError(r.row, headers["certificate_no"], _(
                "the certificate number {number} appears twice in the file (also row {other})").format(
                number=r.certificate_no, other=numbers[r.certificate_no])))
            continue
        numbers[r.certificate_no] = r.row
        other = serials.get((r.fiscal_year, r.seq))
        if other is not None:
            errors.append(RowError(r.row, headers["certificate_no"], _(
                "{number} has the serial number {seq} of {year}, like {other} in row {row}").format(
                number=r.certificate_no, seq=r.seq, year=wareki.format_fiscal_year(r.fiscal_year),
                other=other.certificate_no, row=other.row)))
            continue
        serials[(r.fiscal_year, r.seq)] = r
        if r.revoked_on is None:
            if (r.staff_id, r.level_code) in held:
                errors.append(RowError(r.row, headers["level"], _(
                    "{name} holds {level} twice (also row {other}); one of them must be revoked").format(
                    name=r.name, level=r.level_name, other=held[(r.staff_id, r.level_code)])))
                continue
            held[(r.staff_id, r.level_code)] = r.row
    return errors


def register_clashes(db: sqlite_utils.Database, scheme: schemes.SchemeSpec, records: list[PastRecord],
                     headers: dict[str, str]) -> list[RowError]:
    """Against the register: a number already given, a serial number already used that year, a level already held."""
    numbers = {r[0]: r[1:] for r in db.execute(
        "SELECT certificate_no, fiscal_year, seq FROM certifications")}
    serials = {(fy, seq): number for number, (fy, seq) in numbers.items()}
    held = {(staff_id, code): number for staff_id, code, number in db.execute(
        "SELECT staff_id, level_code, certificate_no FROM certifications WHERE scheme_family = ? AND status = 'active'",
        [scheme.family])}
    errors = []
    for r in records:
        if r.certificate_no in numbers:
            errors.append(RowError(r.row, headers["certificate_no"], _(
                "the certificate number {number} is already in the register").format(number=r.certificate_no)))
        elif (r.fiscal_year, r.seq) in serials:
            errors.append(RowError(r.row, headers["certificate_no"], _(
                "the serial number {seq} of {year} is already used in the register by {other}").format(
                seq=r.seq, year=wareki.format_fiscal_year(r.fiscal_year), other=serials[(r.fiscal_year, r.seq)])))
        elif r.revoked_on is None and (r.staff_id, r.level_code) in held:
            errors.append(RowError(r.row, headers["level"], _(
                "{name} already holds {level} in the register ({number})").format(
                name=r.name, level=r.level_name, number=held[(r.staff_id, r.level_code)])))
    return errors


def next_number_after(db: sqlite_utils.Database, scheme: schemes.SchemeSpec, records: list[PastRecord],
                      today: date) -> str:
    """The number the next certification decided today would get once ``records`` are in the register."""
    fy = wareki.fiscal_year(today)
    yearly = numbers.yearly_sequence(scheme.number_pattern)
    imported = max((r.seq for r in records if not yearly or r.fiscal_year == fy), default=0)
    seq = max(decisions.last_seq(db, scheme.number_pattern, fy), imported) + 1
    return numbers.certificate_number(scheme.number_pattern, fy, seq)


def commit(db: sqlite_utils.Database, user: User, preview: PastImportPreview) -> dict:
    """Write every previewed certification in one transaction, or none; returns the summary.

    The register is checked again inside the transaction: whatever was certified or imported since
    the preview cannot be overwritten or doubled.
    """
    require(user, Action.CERTIFICATION_IMPORT)
    name = Path(preview.file).name
    if preview.errors:
        raise ImportRefused(_("The import has {n} errors; nothing was written.").format(n=preview.error_count))
    with transaction(db):
        scheme = active_scheme(db)
        if scheme.id != preview.scheme_id:
            raise UserError(_("{file}: the scheme in use changed since the preview. Nothing was imported; check the "
                              "file again.").format(file=name))
        clashes = register_clashes(db, scheme, preview.records, preview.columns)
        if clashes:
            raise UserError(_("The register changed since the preview: {problem}. Nothing was imported; check the "
                              "file again.").format(problem=clashes[0].text(name)))
        levels = {level.code: level for level in scheme.levels}
        for r in preview.records:
            decisions.insert_past(
                db, user, scheme, levels[r.level_code], r.staff_id, date.fromisoformat(r.decided_on), r.approver,
                r.certificate_no, r.seq, date.fromisoformat(r.revoked_on) if r.revoked_on else None, r.revoke_reason,
                name)
        summary = {**preview.summary(), "imported": True}
        audit.record(db, user.login, "certification.import", "certifications", None, None,
                     {"file": name, "certifications": summary["certifications"], "revoked": summary["revoked"]})
    return summary


def result_message(summary: dict) -> str:
    """「21 件の認定（台帳導入前）を取り込みました（うち取消 1 件）。次に認定する人の番号は …」"""
    text = (_("Imported {n} earlier certifications (台帳導入前), {revoked} of them revoked.") if summary["revoked"]
            else _("Imported {n} earlier certifications (台帳導入前).")).format(
        n=summary["certifications"], revoked=summary["revoked"])
    if summary.get("next_number"):
        text += " " + _("The next certification decided today gets the number {number}.").format(
            number=summary["next_number"])
    return text
