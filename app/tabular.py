"""Reading and writing the tables HR and Excel hand us: CSV in any common encoding, and .xlsx.

Reading never guesses silently: an encoding is detected from a BOM or by strict
decoding (UTF-8 first, then CP932), binary files and zip bombs are refused with
a message naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from app.errors import UserError
from app.i18n import _

MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024  # far above any staff list; a zip bomb is far above this
MAX_XLSX_RATIO = 200  # uncompressed / compressed for one member
MAX_ROWS = 500_000
MAX_COLUMNS = 200
ENCODINGS = ("utf-8", "utf-8-sig", "cp932", "utf-16")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What a workbook cut off in transfer or damaged by hand raises while openpyxl reads it lazily: malformed
# XML in a member, a member whose data does not inflate or fails its checksum, a member that ends early.
BROKEN_WORKBOOK_ERRORS: tuple[type[Exception], ...] = (ParseError, zipfile.BadZipFile, zlib.error, EOFError)


@dataclass
class Table:
    """Header and data rows as text, with where they came from (for messages)."""

    path: Path
    headers: list[str]
    rows: list[list[str]]  # data rows, aligned to headers
    encoding: str  # "xlsx" for workbooks
    first_data_row: int = 2  # the line/row number of rows[0] in the file


def read_table(path: Path, encoding: str | None = None) -> Table:
    """Read a CSV or .xlsx file into text cells; raises UserError with the file name."""
    path = Path(path)
    if not path.exists():
        raise UserError(_("The file {path} does not exist.").format(path=path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    data = path.read_bytes()
    if not data.strip():
        raise UserError(_("{path} is empty.").format(path=path.name))
    text, used = _decode(path, data, encoding)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","  # Excel's "Unicode text" is TSV
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UserError(_("{path} cannot be read as CSV: {error} (is a quote \" left open?)").format(
            path=path.name, error=exc)) from exc
    return _to_table(path, rows, used)


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise UserError(_("{path} cannot be read as {encoding}: {error}").format(
                path=path.name, encoding=encoding, error=exc)) from exc
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise UserError(_("{path} is not a text (CSV) file.").format(path=path.name))
    for candidate in ("utf-8", "cp932"):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise UserError(_("The character encoding of {path} could not be recognised (tried UTF-8 and Shift_JIS/CP932). "
                      "Choose the encoding explicitly.").format(path=path.name))


def broken_workbook_message(path: Path) -> str:
    """The refusal for a workbook whose contents cannot be parsed (the parser's English detail is no help)."""
    return _("{path} is damaged (its contents are cut off or malformed) and cannot be read. Nothing was imported; "
             "save it again from Excel or ask for the file again.").format(path=Path(path).name)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UserError(_("{path} is not a valid Excel workbook (.xlsx).").format(path=path.name)) from exc
    total = sum(m.file_size for m in members)
    worst = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if total > MAX_XLSX_UNCOMPRESSED or worst > MAX_XLSX_RATIO:
        raise UserError(_("{path} expands to {size} MB when opened; it was refused as unsafe (a normal staff list "
                          "is a few MB).").format(path=path.name, size=total // (1024 * 1024)))


def _read_xlsx(path: Path) -> Table:
    _check_zip(path)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except BROKEN_WORKBOOK_ERRORS as exc:
        raise UserError(broken_workbook_message(path)) from exc
    except Exception as exc:  # openpyxl raises many types for broken files
        raise UserError(_("{path} is not a valid Excel workbook (.xlsx): {error}").format(
            path=path.name, error=exc)) from exc
    try:
        sheet = workbook.worksheets[0]
        # The sheet's declared size is not trusted: a tiny file can claim A1:XFD1048576 and
        # make openpyxl pad every row to 16,384 cells. Read only the cells that exist.
        sheet.reset_dimensions()
        rows = []
        for row in sheet.iter_rows(values_only=True):
            cells = list(row)
            while cells and cells[-1] is None:
                cells.pop()
            if len(cells) > MAX_COLUMNS or len(rows) >= MAX_ROWS:
                raise UserError(_("{path} has more than {rows} rows or {columns} columns; it is not a staff list.").format(
                    path=path.name, rows=MAX_ROWS, columns=MAX_COLUMNS))
            rows.append([_cell_text(v) for v in cells])
    except BROKEN_WORKBOOK_ERRORS as exc:  # read-only mode parses the sheet only now
        raise UserError(broken_workbook_message(path)) from exc
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
