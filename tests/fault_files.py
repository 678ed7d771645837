"""Damaged and hostile input files for the importer fault tests (issue 13 items 5 and 8).

Each builder writes a real file the way a broken transfer, a hand edit or another program
would leave it; the tests and the fuzzers share them so that a cause found by fuzzing stays
pinned by a named test.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       '<Override PartName="/xl/sharedStrings.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
       '</Types>')
_RELS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG}">'
         f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB_RELS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def _workbook(sheets: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<sheets>{sheets}</sheets></workbook>')


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA."""
    text, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


def excel_like_xlsx(path: Path, rows: list[list[str]], row_numbers: list[int] | None = None,
                    with_sheet: bool = True) -> Path:
    """A workbook as Excel writes it: text in shared strings, one <row r=..> per row.

    openpyxl writes inline strings, so shared-string faults need a file built by hand.
    """
    strings: list[str] = []
    index: dict[str, int] = {}
    xml_rows = []
    for number, row in zip(row_numbers or range(1, len(rows) + 1), rows):
        cells = []
        for column, value in enumerate(row):
            if value not in index:
                index[value] = len(strings)
                strings.append(value)
            cells.append(f'<c r="{column_letter(column)}{number}" t="s"><v>{index[value]}</v></c>')
        xml_rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}"><sheetData>'
             + "".join(xml_rows) + "</sheetData></worksheet>")
    shared = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{_MAIN}" count="{len(strings)}" '
              f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _workbook('<sheet name="職員" sheetId="1" r:id="rId1"/>' if with_sheet else ""))
        archive.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        if with_sheet:
            archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared)
    return path


def rewrite_members(path: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """Rewrite every member of a zip through change(name, data); None drops the member."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            new = change(info.filename, data)
            if new is not None:
                archive.writestr(info, new)
    return path


def replace_in_sheets(path: Path, old: bytes, new: bytes, count: int = 1, prefix: str = "xl/worksheets/") -> Path:
    """Edit the XML of the worksheets (count replacements in each)."""
    return rewrite_members(path, lambda name, data: data.replace(old, new, count) if name.startswith(prefix)
                           else data)


def _central_entries(data: bytes):
    offset = data.find(b"PK\x01\x02")
    while offset >= 0:
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        yield offset, data[offset + 46:offset + 46 + name_length].decode("utf-8", "replace")
        offset = data.find(b"PK\x01\x02", offset + 46)


def set_version_needed(path: Path, version: int) -> Path:
    """Every member claims to need zip version `version` (84 = "8.4", which zipfile does not read)."""
    data = bytearray(path.read_bytes())
    for offset, _name in list(_central_entries(bytes(data))):
        struct.pack_into("<H", data, offset + 6, version)
    path.write_bytes(bytes(data))
    return path


def break_crc(path: Path, member_prefix: str = "xl/worksheets/") -> Path:
    """The stored checksum of the worksheets no longer matches their data."""
    data = bytearray(path.read_bytes())
    for offset, name in list(_central_entries(bytes(data))):
        if name.startswith(member_prefix):
            crc = struct.unpack_from("<I", data, offset + 16)[0]
            struct.pack_into("<I", data, offset + 16, crc ^ 0x5A5A5A5A)
    path.write_bytes(bytes(data))
    return path


def corrupt_deflate(path: Path, member_prefix: str = "xl/worksheets/") -> Path:
    """Garble the compressed bytes of the worksheets, so that inflating them fails (a zlib error)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        infos = [i for i in archive.infolist() if i.filename.startswith(member_prefix)]
    for info in infos:
        name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
        start = info.header_offset + 30 + name_length + extra_length
        for i in range(start + 2, start + min(info.compress_size, 40)):
            data[i] = 0xFF
    path.write_bytes(bytes(data))
    return path
