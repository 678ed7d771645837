"""Reading and writing the tables HR and Excel hand us: CSV in any common encoding, and .xlsx.

Reading never guesses silently and never crashes: an encoding is detected from a BOM or by
strict decoding (UTF-8 first, then CP932); binary files, zip bombs, damaged workbooks, rows
out of order, control characters and a file cut short are refused with a Japanese message
naming the file (and the row and column where known). Whatever a parser raises while it reads
a file is a property of the file, so it becomes such a refusal; its English detail goes to the
log only.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.errors import UserError
from app.i18n import _
from app.text import norm_header

log = logging.getLogger(__name__)

MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024  # far above any staff list; a zip bomb is far above this
MAX_XLSX_RATIO = 200  # uncompressed / compressed for one member
MAX_CSV_BYTES = 200 * 1024 * 1024  # the same bound for text files
MAX_ROWS = 500_000
MAX_COLUMNS = 200
EXCEL_MAX_ROW, EXCEL_MAX_COLUMN = 1_048_576, 16_384
MAX_LISTED_ERRORS = 100  # errors listed per file; the rest are counted (「ほか N 件」)
SHOWN_VALUE = 50  # characters of a bad value quoted in a message
ENCODINGS = ("utf-8", "utf-8-sig", "cp932", "utf-16")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 and C1 control characters except tab and line breaks: never part of a name, a number or a date.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Letters that render as nothing although Unicode files them as letters or symbols (Hangul fillers, braille blank).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


@dataclass
class Table:
    """Header and data rows as text, with where they came from (for messages)."""

    path: Path
    headers: list[str]
    rows: list[list[str]]  # data rows, aligned to headers
    encoding: str  # "xlsx" for workbooks
    first_data_row: int = 2  # the line/row number of rows[0] in the file
    clean: bool = False  # known to hold no control character (checked on the whole text)
    unterminated: bool = False  # a CSV whose last row does not end with a line break (complete, or refused)


def shorten(value: object, limit: int = SHOWN_VALUE) -> str:
    """A value as quoted in a message: the first `limit` characters and … (a bad cell can hold 131 KB)."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def code_points(chars: object) -> str:
    """U+FEFF、U+0000: how a message names characters the officer cannot see."""
    return "、".join(dict.fromkeys(f"U+{ord(c):04X}" for c in chars))


def unseen_characters(text: str) -> list[str]:
    """Characters that do not show or show as nothing: control, format, private-use, unassigned,
    combining marks and variation selectors, separators other than the plain space, blank letters.

    Two staff numbers that differ only in such a character look identical on screen and on paper.
    """
    return [c for c in text if c in _BLANK_LETTERS or (c != " " and unicodedata.category(c)[0] in "CMZ")]


def not_listed(file_name: str, n: int) -> str:
    """The line that stands for the errors beyond the first MAX_LISTED_ERRORS of a file."""
    return _("{file}: … and {n} more errors (only the first {shown} are listed).").format(
        file=file_name, n=n, shown=MAX_LISTED_ERRORS)


def read_table(path: Path, encoding: str | None = None) -> Table:
    """Read a CSV or .xlsx file into text cells; raises UserError with the file name."""
    path = Path(path)
    if not path.is_file():
        raise UserError(_("The file {path} does not exist.").format(path=path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table = _read_xlsx(path)
    else:
        table = _read_csv(path, encoding)
    _refuse_control_characters(table)
    return table


def _read_csv(path: Path, encoding: str | None) -> Table:
    if path.stat().st_size > MAX_CSV_BYTES:
        raise UserError(_("{path} is larger than {size} MB; it is not a staff list.").format(
            path=path.name, size=MAX_CSV_BYTES // (1024 * 1024)))
    data = path.read_bytes()
    if not data.strip():
        raise UserError(_("{path} is empty.").format(path=path.name))
    text, used = _decode(path, data, encoding)
    text = text.removesuffix("\x1a")  # the end-of-file mark of old DOS and mainframe exports
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","  # Excel's "Unicode text" is TSV
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)  # the file is at most MAX_CSV_BYTES: its size is checked below, at C speed
    except csv.Error as exc:
        log.info("CSV error in %s at line %s: %s", path.name, reader.line_num, exc)
        if "field larger than field limit" in str(exc):
            raise UserError(_("{path}, line {line}: a cell is longer than {limit} characters; it is not a staff "
                              "list (is a quote \" left open?). Nothing was imported.").format(
                path=path.name, line=reader.line_num, limit=csv.field_size_limit())) from exc
        raise UserError(_("{path}, line {line} cannot be read as CSV (is a quote \" left open?). Nothing was "
                          "imported.").format(path=path.name, line=reader.line_num)) from exc
    if len(rows) > MAX_ROWS or max(map(len, rows), default=0) > MAX_COLUMNS:
        raise UserError(_("{path} has more than {rows} rows or {columns} columns; it is not a staff list.").format(
            path=path.name, rows=MAX_ROWS, columns=MAX_COLUMNS))
    _refuse_cut_last_row(path, text, rows, delimiter)
    table = _to_table(path, rows, used)
    table.unterminated = not text.endswith(("\n", "\r"))
    table.clean = not _CONTROL.search(text)  # one pass over the text instead of one per row
    return table


def _refuse_cut_last_row(path: Path, text: str, rows: list[list[str]], delimiter: str) -> None:
    """A file cut off in transfer ends inside its last row: no line break, too few cells or an open quote.

    Such a row must not be imported: a cut 職名 would read as a transfer. A complete last row
    without a final line break (a file saved by hand) is fine.
    """
    if not rows or text.endswith(("\n", "\r")):
        return
    header = next((r for r in rows if any(c.strip() for c in r)), None)
    if header is None or header is rows[-1]:
        return
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    try:
        list(csv.reader(io.StringIO(text[-200_000:].split("\n")[-1], newline=""), delimiter=delimiter, strict=True))
        open_quote = False
    except csv.Error as exc:  # only the end of the text inside a quoted cell; a stray quote is read as text
        open_quote = "unexpected end of data" in str(exc)
    if open_quote or len(rows[-1]) < width:
        raise UserError(_("{path} seems to be cut off: its last row (line {row}) does not end with a line break and "
                          "has too few cells or an open quote. Nothing was imported; ask for the file again.").format(
            path=path.name, row=len(rows)))


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UserError(_("{encoding} is not a character encoding this program knows.").format(
                encoding=shorten(encoding))) from None
        return _strict_decode(path, data, encoding).removeprefix("\ufeff"), encoding
    if data.startswith(codecs.BOM_UTF8):
        return _strict_decode(path, data[len(codecs.BOM_UTF8):], "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict_decode(path, data, "utf-16"), "utf-16"
    if data[:4096].count(b"\x00") > 8:  # a stray NUL is refused later, naming its row and column
        raise UserError(_("{path} is not a text (CSV) file.").format(path=path.name))
    for candidate in ("utf-8", "cp932"):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise UserError(_("The character encoding of {path} could not be recognised (tried UTF-8 and Shift_JIS/CP932). "
                      "Choose the encoding explicitly.").format(path=path.name))


def _strict_decode(path: Path, data: bytes, encoding: str) -> str:
    """Decode or refuse naming the line of the first byte that does not fit (the codec's English stays in the log)."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        log.info("decoding %s as %s failed: %s", path.name, encoding, exc)
        line = data[:exc.start].count(b"\n") + 1 if encoding.replace("-", "").lower() != "utf16" else \
            data[:exc.start].count("\n".encode("utf-16-le")) + 1
        raise UserError(_("{path} cannot be read as {encoding}: line {line} holds bytes that are not {encoding} "
                          "(the file may be damaged or in another encoding). Nothing was imported.").format(
            path=path.name, encoding=_encoding_label(encoding), line=line)) from None


def _encoding_label(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp932": "Shift_JIS (CP932)", "shift_jis": "Shift_JIS",
            "utf-16": "UTF-16"}.get(name, shorten(encoding, 20))


def broken_workbook_message(path: Path) -> str:
    """The refusal for a workbook whose contents cannot be parsed (the parser's English detail is no help)."""
    return _("{path} is damaged (its contents are cut off or malformed) and cannot be read. Nothing was imported; "
             "save it again from Excel or ask for the file again.").format(path=Path(path).name)


@contextmanager
def workbook_errors(path: Path) -> Iterator[None]:
    """Whatever openpyxl, zipfile, zlib or the XML parser raise while reading `path` becomes a refusal.

    openpyxl parses lazily and raises dozens of types (IndexError for a bad shared-string index,
    ValueError for a bad cell reference, NotImplementedError, zlib.error, ParseError, KeyError, …):
    each is a property of the file, never a fault of the register.
    """
    try:
        yield
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - see the docstring
        log.info("unreadable workbook %s: %r", Path(path).name, exc)
        raise UserError(broken_workbook_message(path)) from exc


def check_zip(path: Path) -> None:
    """Refuse what is not a zip, a zip bomb, and zip features Python cannot read, before openpyxl opens it."""
    unsupported = UserError(_("{path} uses zip features (encryption, another compression or version) that an Excel "
                              "workbook does not use; it cannot be read. Save it again from Excel as an Excel workbook "
                              "(.xlsx). Nothing was imported.").format(path=path.name))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except NotImplementedError as exc:  # a member needing a zip version Python does not read ("8.4")
        log.info("unsupported zip: %s: %r", path.name, exc)
        raise unsupported from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, UnicodeDecodeError) as exc:
        log.info("not a zip: %s: %r", path.name, exc)
        raise UserError(_("{path} is not a valid Excel workbook (.xlsx).").format(path=path.name)) from exc
    if any(m.flag_bits & 0x1 or m.compress_type not in _ZIP_METHODS or m.extract_version > zipfile.MAX_EXTRACT_VERSION
           for m in members):
        raise unsupported
    total = sum(m.file_size for m in members)
    worst = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if total > MAX_XLSX_UNCOMPRESSED or worst > MAX_XLSX_RATIO:
        raise UserError(_("{path} expands to {size} MB when opened; it was refused as unsafe (a normal staff list "
                          "is a few MB).").format(path=path.name, size=total // (1024 * 1024)))


_check_zip = check_zip  # the name the sheet importer used


def open_workbook(path: Path, data_only: bool):
    """load_workbook (read-only) after check_zip; refuses a workbook without a worksheet."""
    check_zip(path)
    from openpyxl import load_workbook

    with workbook_errors(path):
        workbook = load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
    if not workbook.worksheets:
        workbook.close()
        raise UserError(_("{path} has no worksheet. Nothing was imported.").format(path=path.name))
    return workbook


def sheet_rows(sheet, path: Path) -> Iterator[tuple[int, dict[int, dict]]]:
    """(row number, {column: cell}) of a read-only worksheet, cells as openpyxl parses them
    (dicts with 'value' and 'data_type'), in the order of the file.

    openpyxl's own iteration drops a row numbered 0, -5 or lower than the one before, and reads
    a negative shared-string index from the end of the table; here they are refused. The sheet's
    declared size is not trusted either: only cells that exist are read.
    """
    from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser

    shared = sheet._shared_strings
    workbook = sheet.parent

    class StrictParser(WorkSheetParser):
        def parse_cell(self, element):  # noqa: ANN001, ANN202 - openpyxl's signature
            if element.get("t") == "s":
                index = (element.findtext(VALUE_TAG) or "").strip()
                if not index.isascii() or not index.isdigit() or int(index) >= len(shared):
                    raise ValueError(f"shared string index {index[:20]!r} of {len(shared)}")
            return super().parse_cell(element)

    def refuse(number: object, problem: str) -> UserError:
        return UserError(_("{path}, sheet 「{sheet}」: {problem} (row number {number}). The file was edited by "
                           "hand or is damaged; save it again from Excel. Nothing was imported.").format(
            path=path.name, sheet=shorten(sheet.title, 31), problem=problem, number=shorten(number, 12)))

    previous = 0
    with workbook_errors(path), sheet._get_source() as source:
        parser = StrictParser(source, shared, data_only=workbook.data_only, epoch=workbook.epoch,
                              date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            if not 0 < number <= EXCEL_MAX_ROW:
                raise refuse(number, _("a row has a number outside 1 to 1048576"))
            if number <= previous:
                raise refuse(number, _("a row number repeats or goes backwards"))
            previous = number
            by_column: dict[int, dict] = {}
            last = 0
            for cell in cells:
                column = cell["column"]
                if not last < column <= EXCEL_MAX_COLUMN:
                    raise refuse(number, _("two cells of a row are in the same place or out of order"))
                last = column
                by_column[column] = cell
            yield number, by_column


def _read_xlsx(path: Path) -> Table:
    workbook = open_workbook(path, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for number, cells in sheet_rows(sheet, path):
            if number > MAX_ROWS or (cells and max(cells) > MAX_COLUMNS):
                raise UserError(_("{path} has more than {rows} rows or {columns} columns; it is not a staff list.").format(
                    path=path.name, rows=MAX_ROWS, columns=MAX_COLUMNS))
            while len(rows) < number - 1:
                rows.append([])
            width = max(cells, default=0)
            row = [""] * width
            for column, cell in cells.items():
                row[column - 1] = _cell_text(cell["value"])
            while row and not row[-1]:
                row.pop()
            rows.append(row)
    finally:
        workbook.close()
    return _to_table(path, rows, "xlsx")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_table(path: Path, rows: list[list[str]], encoding: str) -> Table:
    # Skip blank lines before the header, then trailing blank rows.
    start = 0
    while start < len(rows) and not any(c.strip() for c in rows[start]):
        start += 1
    if start == len(rows):
        raise UserError(_("{path} is empty.").format(path=path.name))
    headers = [h.strip() for h in rows[start]]
    while headers and not headers[-1]:
        headers.pop()
    body = rows[start + 1:]
    while body and not any(c.strip() for c in body[-1]):
        body.pop()
    width = len(headers)
    aligned = [(r + [""] * width)[:width] if len(r) != width else r for r in body]
    return Table(path, headers, aligned, encoding, first_data_row=start + 2)


def _refuse_control_characters(table: Table) -> None:
    """NUL, 0x1A, 0x7F and their kin are never part of a staff list: refuse them wherever they are."""
    if table.clean:
        return
    lines = [(1, table.headers)] if _CONTROL.search("".join(table.headers)) else []
    lines += [(table.first_data_row + i, r) for i, r in enumerate(table.rows) if _CONTROL.search("".join(r))]
    for row_no, cells in lines[:1]:
        column, text = next((i, c) for i, c in enumerate(cells) if _CONTROL.search(c))
        header = table.headers[column] if row_no > 1 and column < len(table.headers) else ""
        raise UserError(_("{path}, row {row}, column 「{column}」: contains the control character {chars}, which "
                          "no name, number or date contains (the file may be damaged). Nothing was imported.").format(
            path=table.path.name, row=row_no, column=shorten(header or _column_name(column), 20),
            chars=code_points(_CONTROL.findall(text)[:3])))


def _column_name(index: int) -> str:
    """0 -> A: where a cell is when its column has no header."""
    text, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


def protect_cell(value: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def unprotect_cell(value: str) -> str:
    """Undo protect_cell on import, so an exported register round-trips unchanged."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def write_csv(path: Path, headers: list[str], rows: list[list[str]], encoding: str) -> list[int]:
    """Write protected CSV; returns the data row numbers (1-based) whose text the encoding cannot hold.

    Those cells are written with '?' only after the caller has warned the user.
    """
    unencodable: list[int] = []
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for number, row in enumerate(rows, start=1):
        cells = [protect_cell(str(c)) for c in row]
        if encoding.lower() in ("cp932", "shift_jis"):
            try:
                "".join(cells).encode("cp932")
            except UnicodeEncodeError:
                unencodable.append(number)
        writer.writerow(cells)
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    return unencodable


def write_xlsx(path: Path, headers: list[str], rows: list[list[str]], sheet_title: str) -> None:
    """Write every cell as a string cell, so that '=...' stays text and is never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)

    def text_cell(value: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        return cell

    sheet.append([text_cell(h) for h in headers])
    for row in rows:
        sheet.append([text_cell(c) for c in row])
    workbook.save(path)


def recognise_headers(headers: list[str], synonyms: Mapping[str, Iterable[str]]) -> tuple[dict[str, int], list[str]]:
    """(field -> column index, headers not used), matching headers to each field's synonyms as every importer
    does (``text.norm_header``: NFKC, no spaces, lower case); the first column of a field wins."""
    index = {norm_header(s): name for name, names in synonyms.items() for s in names}
    columns: dict[str, int] = {}
    for position, header in enumerate(headers):
        name = index.get(norm_header(header))
        if name and name not in columns:
            columns[name] = position
    used = set(columns.values())
    return columns, [h for i, h in enumerate(headers) if h and i not in used]
