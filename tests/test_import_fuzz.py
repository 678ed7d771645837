"""Fuzzing the importers (issue 13 item 8): staff list, project members, evaluation sheets, and the earlier
certifications of issue 17.

Each case takes a valid file and damages it the way the fault campaign did (wrong encodings,
broken zips and XML, control and invisible characters, huge cells, formulas, random byte
mutations), then runs the import as the CLI and the GUI do: preview, and commit when the
preview has no error. Every case must end in a refusal (a UserError, or errors in the preview)
or in a clean import; a refusal must leave the register byte-for-byte as it was (a content
digest of every table), name the file and speak Japanese. The figures are printed through
`report`; `make test` runs a few cases with a fixed seed, `make reliability` at least 1,000 per
importer.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ADMIN_USER
from app.evaluation import sheets
from app import i18n
from app.certification import past
from app.evaluation import projects
from app.certification import schemes
from app.register import settings
from app.db import open_database
from app.demo.town import generate_town, load_town
from app.errors import UserError
from app.staff.importer import commit, preview_file
from app.tabular import write_xlsx
from tests.fault_files import (break_crc, corrupt_deflate, excel_like_xlsx, rewrite_members, set_version_needed)
from tests.reliability import LONG, hypothesis_settings, report
from tests.test_evaluation_sheets import fill, make_project, officer
from tests.test_staff_import import town_people

pytestmark = pytest.mark.reliability

TODAY = date(2026, 6, 1)
SETTINGS = hypothesis_settings(fast=12, long=1000)
NASTY = ["\x00", "\x1a", "\x7f", "\ufeff", "\u200b", "\U000e0100", "\u3164", "\u202e", "\r", "\n", "\"", ",", "\t",
         "=", "+", "-", "@", "'", "③", "٣", "＝", "髙", "𠮷", "\ue001", "\ud7ff", "\x85", " ", "\u3000"]
FORMULAS = ["=1+1", "=cmd|' /C calc'!A0", "+SUM(A1:A2)", "@SUM(1)", "-2+3", "=HYPERLINK(\"x\")"]


# The words of Python's, zipfile's, zlib's, csv's and openpyxl's English details; the fuzzed values echoed in a
# message are ASCII too (cut to 50 characters), so a message is checked for this vocabulary, not for any letter.
PARSER_WORDS = re.compile(
    r"\b(error|invalid|codec|decode|decompress\w*|expected|field larger|limit|version|index|out of range|"
    r"not a valid|unexpected|token|element|literal|base 10|traceback|object|attribute|no item named|"
    r"is not|cannot|could not|bad|crc|zip file|list|column names?|exception|none|keyerror|valueerror)\b",
    re.IGNORECASE)


def english_in(message: str, file_name: str) -> str | None:
    found = PARSER_WORDS.search(message.replace(file_name, ""))
    return found.group() if found else None


def digest(db) -> str:
    """A content digest of every table: equal before and after a refusal, or something was written."""
    h = hashlib.sha256()
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
        h.update(table.encode())
        for row in sorted(repr(row) for row in db.execute(f'SELECT * FROM "{table}"')):  # some are WITHOUT ROWID
            h.update(row.encode())
    return h.hexdigest()


@dataclass
class Figures:
    """What the fuzzer saw; crashes keep the first few tracebacks for the failure message."""

    cases: int = 0
    imported: int = 0
    refused: int = 0
    crashes: int = 0
    partial_writes: int = 0
    unnamed: int = 0  # refusals that do not name the file
    english: int = 0  # refusals with English left in them
    too_long: int = 0  # refusal messages longer than a screen line or two
    samples: list[str] = field(default_factory=list)

    def problem(self, kind: str, text: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.samples) < 5:
            self.samples.append(f"{kind}: {text[:2000]}")

    def check(self, name: str) -> None:
        report(name, cases=self.cases, imported=self.imported, refused=self.refused, crashes=self.crashes,
               partial_writes=self.partial_writes, unnamed=self.unnamed, english=self.english,
               too_long=self.too_long)
        assert (self.crashes, self.partial_writes, self.unnamed, self.english, self.too_long) == (0, 0, 0, 0, 0), \
            "\n".join(self.samples)


class Register:
    """A working copy of a template register, restored after every import that wrote."""

    def __init__(self, template: Path, folder: Path) -> None:
        self.template, self.path = template, folder / "register.sqlite"
        self.db = None
        self.restore()
        self.clean = digest(self.db)

    def restore(self) -> None:
        if self.db is not None:
            self.db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        shutil.copyfile(self.template, self.path)
        self.db = open_database(self.path).db

    def close(self) -> None:
        self.db.close()


def run_case(figures: Figures, register: Register, path: Path, attempt: Callable[[], list[str] | None]) -> None:
    """attempt() returns the refusal messages, or None when the file was imported; it may raise UserError."""
    figures.cases += 1
    try:
        messages = attempt()
    except UserError as exc:
        messages = [str(exc)]
    except Exception as exc:  # noqa: BLE001 - that is what is counted
        import traceback

        figures.problem("crashes", f"{path.name}: " + "".join(traceback.format_exception(exc)))
        messages = []
    if messages is None:
        figures.imported += 1
        register.restore()
        return
    if messages:
        figures.refused += 1
    if digest(register.db) != register.clean:
        figures.problem("partial_writes", path.name)
        register.restore()
    for message in messages:
        if path.name not in message:
            figures.problem("unnamed", message)
        elif english_in(message, path.name):
            figures.problem("english", message)
        elif len(message) > 600:
            figures.problem("too_long", message)


# -- mutations -----------------------------------------------------------------------------------

def commit_unless_refused(errors: list, commit_now: Callable[[], object],
                          shown: Callable[[], list[str]]) -> list[str] | None:
    """The importers' promise: a preview with errors refuses its commit (UserError), one without commits.

    Returns the errors the officer would read, or None when the file was imported.
    """
    if errors:
        with pytest.raises(UserError):
            commit_now()
        return shown()
    commit_now()
    return None


def mutate_bytes(data: bytes, rnd: random.Random) -> bytes:
    """Random byte damage: flips, insertions, deletions, a cut, a duplicated slice."""
    data = bytearray(data)
    for _ in range(rnd.randint(1, 6)):
        kind = rnd.randrange(5)
        at = rnd.randrange(max(len(data), 1))
        if kind == 0 and data:
            data[at] ^= 1 << rnd.randrange(8)
        elif kind == 1:
            data[at:at] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
        elif kind == 2:
            del data[at:at + rnd.randint(1, 64)]
        elif kind == 3:
            del data[at:]
        else:
            data[at:at] = data[at:at + rnd.randint(1, 256)]
    return bytes(data)


def mutate_text(text: str, rnd: random.Random) -> str:
    """Damage at the level of characters: nasty characters, huge cells, formulas, cut rows."""
    kind = rnd.randrange(5)
    at = rnd.randrange(max(len(text), 1))
    if kind == 0:
        return text[:at] + "".join(rnd.choice(NASTY) for _ in range(rnd.randint(1, 4))) + text[at:]
    if kind == 1:
        return text[:at] + rnd.choice("xあ\"") * rnd.choice([300, 40_000, 140_000]) + text[at:]
    if kind == 2:
        return text[:at] + rnd.choice(FORMULAS) + text[at:]
    if kind == 3:
        return text[:at]
    return text[:at] + "," * rnd.randint(1, 300) + text[at:]


ENCODINGS = ["utf-8", "utf-8-sig", "cp932", "utf-16", "utf-16-le", "euc-jp", "latin-1", "utf-32"]


def mutate_csv(text: str, rnd: random.Random) -> bytes:
    if rnd.random() < 0.6:
        text = mutate_text(text, rnd)
    encoding = rnd.choice(ENCODINGS)
    data = text.encode(encoding, errors="replace")
    if rnd.random() < 0.15:
        data = rnd.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]) + rnd.choice([b"\x81", b"\x00", b""]) + data
    if rnd.random() < 0.4:
        data = mutate_bytes(data, rnd)
    return data


def mutate_xml(data: bytes, rnd: random.Random) -> bytes:
    """Damage inside an XML part: cut it, drop or repeat a slice, bend row and cell references."""
    text = data.decode("utf-8", errors="replace")
    kind = rnd.randrange(6)
    at = rnd.randrange(max(len(text), 1))
    if kind == 0:
        text = text[:at]
    elif kind == 1:
        text = text[:at] + text[at + rnd.randint(1, 80):]
    elif kind == 2:
        text = text[:at] + text[at:at + rnd.randint(1, 400)] + text[at:]
    elif kind == 3:
        number = rnd.choice(["-5", "0", "3", "1048577", "2.5", "x", "99999999999999999999", ""])
        text = text.replace(f'r="{rnd.choice("ABCDEF")}{rnd.randint(1, 20)}"', f'r="A{number}"', 1) \
            .replace(f'<row r="{rnd.randint(1, 20)}"', f'<row r="{number}"', 1)
    elif kind == 4:
        text = text.replace(f"<v>{rnd.randint(0, 30)}</v>", f"<v>{rnd.choice(['-1', '99999', 'x', '1e9', ''])}</v>", 1)
    else:
        text = text[:at] + "".join(rnd.choice(NASTY + ["<", "&", "]]>", "<!--"]) for _ in range(3)) + text[at:]
    return text.encode("utf-8", errors="replace")


def mutate_xlsx(data: bytes, rnd: random.Random, path: Path) -> bytes:
    path.write_bytes(data)
    kind = rnd.randrange(6)
    if kind == 0:
        with zipfile.ZipFile(path) as archive:
            member = rnd.choice(archive.namelist())
        rewrite_members(path, lambda name, part: mutate_xml(part, rnd) if name == member else part)
    elif kind == 1:
        with zipfile.ZipFile(path) as archive:
            member = rnd.choice(archive.namelist())
        rewrite_members(path, lambda name, part: None if name == member else part)
    elif kind == 2:
        rnd.choice([break_crc, corrupt_deflate])(path, rnd.choice(["xl/worksheets/", "xl/", "[Content", "_rels"]))
    elif kind == 3:
        set_version_needed(path, rnd.choice([20, 45, 63, 64, 84, 255]))
    elif kind == 4:
        return mutate_bytes(data, rnd)
    else:
        return data[:rnd.randrange(len(data))]
    return path.read_bytes()


# -- the staff importer -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def staff_template(tmp_path_factory) -> Path:
    """An empty register with its organisation (the first import then adds everyone)."""
    path = tmp_path_factory.mktemp("staff") / "template.sqlite"
    result = open_database(path)
    load_town(result.db, generate_town(40, seed=5), "test")
    result.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result.db.close()
    return path


def staff_rows() -> list[list[str]]:
    header = ["職員番号", "氏名", "ふりがな", "所属", "職名", "採用日"]
    people = town_people(40, seed=5)[:25]
    return [header] + [[no, f"{fam}\u3000{giv}", f"{fr} {gr}", dept + section + unit, pos, hire]
                       for no, fam, giv, fr, gr, dept, section, unit, pos, hire in people]


def _csv_text(rows: list[list[str]]) -> str:
    import csv

    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _xlsx_bytes(rows: list[list[str]], folder: Path, raw: bool) -> bytes:
    path = folder / "base.xlsx"
    if raw:
        excel_like_xlsx(path, rows)
    else:
        write_xlsx(path, rows[0], rows[1:], "職員")
    return path.read_bytes()


def _cells_mutated(rows: list[list[str]], rnd: random.Random) -> list[list[str]]:
    rows = [r[:] for r in rows]
    for _ in range(rnd.randint(1, 4)):
        row = rnd.choice(rows[1:])
        column = rnd.randrange(len(row))
        row[column] = mutate_text(row[column], rnd) if rnd.random() < 0.7 else rnd.choice(
            ["", "9999-12-31", "令和99年4月1日", "٣", "1001", rows[1][0], row[column] * 3])
    return rows


def staff_file(rnd: random.Random, folder: Path, rows: list[list[str]]) -> Path:
    """One damaged staff list: CSV or xlsx, damaged at the level of cells, text, XML, zip or bytes."""
    kind = rnd.randrange(4)
    if kind == 0:
        path = folder / "職員一覧.csv"
        path.write_bytes(mutate_csv(_csv_text(_cells_mutated(rows, rnd) if rnd.random() < 0.5 else rows), rnd))
    elif kind == 1:
        path = folder / "職員一覧.xlsx"
        cells = _cells_mutated(rows, rnd)
        raw = rnd.random() < 0.5
        try:
            path.write_bytes(_xlsx_bytes(cells, folder, raw))
        except Exception:  # openpyxl refuses control characters when writing: write them raw instead
            path.write_bytes(_xlsx_bytes(cells, folder, True))
    else:
        path = folder / "職員一覧.xlsx"
        path.write_bytes(mutate_xlsx(_xlsx_bytes(rows, folder, rnd.random() < 0.5), rnd, folder / "work.xlsx"))
    return path


def test_fuzz_staff_import(staff_template, tmp_path):
    i18n.install("ja")
    register = Register(staff_template, tmp_path)
    figures = Figures()
    rows = staff_rows()
    files = tmp_path / "files"
    files.mkdir()

    @SETTINGS
    @given(seed=st.integers(0, 2**32 - 1))
    def case(seed: int) -> None:
        path = staff_file(random.Random(seed), files, rows)

        def attempt() -> list[str] | None:
            preview, _table, _mapping = preview_file(register.db, path, effective=date(2026, 4, 1), today=TODAY)
            return commit_unless_refused(preview.errors, lambda: commit(register.db, preview, ADMIN_USER),
                                         lambda: [e.text(path.name) for e in preview.errors])

        run_case(figures, register, path, attempt)

    try:
        case()
    finally:
        register.close()
    figures.check("staff-import-fuzz")
    if not LONG:
        assert figures.refused > 0


# -- the member importer --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def member_template(tmp_path_factory) -> tuple[Path, int, list[str]]:
    path = tmp_path_factory.mktemp("members") / "template.sqlite"
    result = open_database(path)
    load_town(result.db, generate_town(40, seed=6), "test")
    project = projects.create_project(result.db, projects.ProjectInput("会計事務の電子決裁化", 2025), ADMIN_USER)
    numbers = [r[0] for r in result.db.execute("SELECT staff_no FROM staff WHERE status = 'active' LIMIT 12")]
    result.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result.db.close()
    return path, project, numbers


def test_fuzz_member_import(member_template, tmp_path):
    i18n.install("ja")
    template, project, numbers = member_template
    register = Register(template, tmp_path)
    figures = Figures()
    roles = ["提案者", "リーダー", "メンバー", "オーナー", ""]
    rows = [["職員番号", "氏名", "役割"]] + [[no, "", roles[i % len(roles)]] for i, no in enumerate(numbers)]
    files = tmp_path / "files"
    files.mkdir()

    @SETTINGS
    @given(seed=st.integers(0, 2**32 - 1))
    def case(seed: int) -> None:
        rnd = random.Random(seed)
        path = staff_file(rnd, files, rows).rename(files / rnd.choice(["メンバー.csv", "メンバー.xlsx"]))

        def attempt() -> list[str] | None:
            preview = projects.preview_member_import(register.db, ADMIN_USER, project, path)
            return commit_unless_refused(
                preview.errors, lambda: projects.commit_member_import(register.db, project, preview, ADMIN_USER),
                lambda: preview.errors)

        run_case(figures, register, path, attempt)

    try:
        case()
    finally:
        register.close()
    figures.check("member-import-fuzz")


# -- the evaluation sheet importer ------------------------------------------------------------------

@pytest.fixture(scope="module")
def sheet_template(tmp_path_factory) -> tuple[Path, bytes]:
    folder = tmp_path_factory.mktemp("sheets")
    path = folder / "template.sqlite"
    result = open_database(path)
    load_town(result.db, generate_town(300, seed=1), "test")
    project = make_project(result.db)
    out = folder / "out"
    out.mkdir()
    sheet = next(f for f in sheets.export_sheets(result.db, officer(), project, out) if "佐野" not in f.name)
    fill(sheet, lambda a, c: (1 + (a + c) % 5, "丁寧"))
    result.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result.db.close()
    return path, sheet.read_bytes()


def _sheet_cells_mutated(data: bytes, rnd: random.Random, folder: Path) -> bytes:
    """What an evaluator (or someone lifting the protection) types: odd scores and comments."""
    from openpyxl import load_workbook

    path = folder / "cells.xlsx"
    path.write_bytes(data)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    for _ in range(rnd.randint(1, 3)):
        row, column = rnd.randint(sheets.HEADER_ROW + 1, sheets.HEADER_ROW + 12), rnd.randint(1, 6)
        value = rnd.choice([mutate_text(str(sheet.cell(row, column).value or ""), rnd), rnd.choice(FORMULAS),
                            rnd.choice(["٣", "③", "３", "3.0", "1e3", "-1", "", " ", "TRUE"]), rnd.random() * 10,
                            rnd.randint(-5, 10)])
        try:
            sheet.cell(row, column, value)
        except Exception:  # openpyxl refuses control characters: leave the cell
            continue
    try:
        workbook.save(path)
    except Exception:  # openpyxl cannot write some combinations it accepted (an int in a text cell)
        return data
    return path.read_bytes()


def test_fuzz_evaluation_sheet_import(sheet_template, tmp_path):
    i18n.install("ja")
    template, base = sheet_template
    register = Register(template, tmp_path)
    figures = Figures()
    files = tmp_path / "files"
    files.mkdir()
    user = officer()

    @SETTINGS
    @given(seed=st.integers(0, 2**32 - 1))
    def case(seed: int) -> None:
        rnd = random.Random(seed)
        path = files / "評価シート_窓口予約.xlsx"
        data = _sheet_cells_mutated(base, rnd, files) if rnd.random() < 0.3 else base
        path.write_bytes(mutate_xlsx(data, rnd, files / "work.xlsx") if rnd.random() < 0.85 or data is base else data)

        def attempt() -> list[str] | None:
            preview = sheets.preview_import(register.db, user, path)
            return commit_unless_refused(preview.errors, lambda: sheets.commit_import(register.db, user, preview),
                                         lambda: [e.text() for e in preview.errors])

        run_case(figures, register, path, attempt)

    try:
        case()
    finally:
        register.close()
    figures.check("sheet-import-fuzz")


# -- the earlier certifications importer (issue 17) ---------------------------------------------------

@pytest.fixture(scope="module")
def past_template(tmp_path_factory) -> tuple[Path, list[str]]:
    """A town with the Moka scheme in use and one certification decided in the register (a number to clash with)."""
    path = tmp_path_factory.mktemp("past") / "template.sqlite"
    result = open_database(path)
    load_town(result.db, generate_town(40, seed=7), "test")
    scheme_id = schemes.install_preset(result.db, "moka", ADMIN_USER)
    settings.set_value(result.db, "certification_scheme", "moka-cert", ADMIN_USER)
    people = result.db.execute("SELECT id, staff_no FROM staff WHERE status = 'active' ORDER BY id LIMIT 21").fetchall()
    from app.certification import decisions

    decisions.record_past(result.db, ADMIN_USER, scheme_id, people[-1][0], "advisor", date(2025, 3, 1), "真岡市長",
                              "第0030号")
    result.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result.db.close()
    return path, [no for _id, no in people[:-1]]


def test_fuzz_past_certification_import(past_template, tmp_path):
    i18n.install("ja")
    template, numbers = past_template
    register = Register(template, tmp_path)
    figures = Figures()
    rows = [["職員番号", "レベル", "認定日", "認定番号", "認定者", "取消日", "取消理由"]] + [
        [no, "DXアドバイザー" if i % 7 else "DXエキスパート", "令和6年3月15日" if i % 3 else "2024/3/15", f"第{i:04}号",
         "真岡市長", "令和7年1月31日" if i == 5 else "", "退職に伴い辞退" if i == 5 else ""]
        for i, no in enumerate(numbers, start=1)]
    files = tmp_path / "files"
    files.mkdir()

    @SETTINGS
    @given(seed=st.integers(0, 2**32 - 1))
    def case(seed: int) -> None:
        rnd = random.Random(seed)
        path = staff_file(rnd, files, rows).rename(files / rnd.choice(["以前の認定.csv", "以前の認定.xlsx"]))

        def attempt() -> list[str] | None:
            preview = past.preview_file(register.db, ADMIN_USER, path, today=TODAY)
            return commit_unless_refused(preview.errors,
                                         lambda: past.commit(register.db, ADMIN_USER, preview),
                                         lambda: [e.text(path.name) for e in preview.errors])

        run_case(figures, register, path, attempt)

    try:
        case()
    finally:
        register.close()
    figures.check("past-certification-import-fuzz")
    if not LONG:
        assert figures.refused > 0
