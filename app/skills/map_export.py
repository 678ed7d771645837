"""The heat map as an xlsx workbook: the map in colour, and every demand line with its gap.

Formula-safe like every export of the register: each text is a string cell (``data_type = "s"``), so a
note or a unit name typed as 「=HYPERLINK(…)」 stays text in Excel; counts are plain numbers. The fills are
the screen's colours (``supply.STATUS_COLOURS``), so a printout reads the same as the screen.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlite_utils

from app.i18n import _
from app.register import settings
from app.register.accounts import User
from app.skills.supply import STATUS_COLOURS, STATUS_LABELS, HeatMap, Status, heat_map
from app.wareki import format_wareki


def write_map(db: sqlite_utils.Database, user: User, path: Path, family: str, on: date, *,
              section: int | None = None, fiscal_year: int | None = None, demanded_only: bool = False) -> HeatMap:
    """The heat map the screen shows (same filters, same permission check) written to ``path``."""
    heat = heat_map(db, user, family, on, section=section, fiscal_year=fiscal_year, demanded_only=demanded_only)
    export_map(heat, Path(path), str(settings.get(db, "municipality_name") or ""))
    return heat


def export_map(heat: HeatMap, path: Path, municipality: str = "") -> Path:
    """Write ``heat`` to ``path`` (.xlsx) with a legend; returns the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("Skill map")

    def put(row: int, column: int, value: object, colour: str | None = None, bold: bool = False) -> None:
        cell = sheet.cell(row=row, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
        if colour:
            cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
        if bold:
            cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=column > 3)

    title = _("Skill supply and demand: {catalogue} ({day})").format(
        catalogue=heat.catalogue_name, day=format_wareki(heat.on))
    put(1, 1, f"{municipality} {title}".strip(), bold=True)
    put(2, 1, _("Each cell: people at or above the needed level / people needed. Grey: no demand "
                "(people at level 1 or above)."))
    headers = [_("Section / project"), _("Department"), _("People")] + [i.name for i in heat.items]
    for column, text in enumerate(headers, start=1):
        put(4, column, text, bold=True)
    for offset, (row, cells) in enumerate(zip(heat.rows, heat.cells)):
        line = 5 + offset
        put(line, 1, row.name if row.kind == "unit" else _("Project: {name}").format(name=row.name))
        put(line, 2, row.department)
        put(line, 3, row.people)
        for column, cell in enumerate(cells, start=4):
            put(line, column, cell.text(), STATUS_COLOURS[cell.status])
    legend = 6 + len(heat.rows)
    for index, status in enumerate(Status):
        put(legend + index, 1, _(STATUS_LABELS[status]), STATUS_COLOURS[status])
    sheet.freeze_panes = "D5"
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 18
    for column in range(4, 4 + len(heat.items)):
        sheet.column_dimensions[get_column_letter(column)].width = 12
    _gap_sheet(book.create_sheet(_("Gaps")), heat)
    book.save(path)
    return path


def _gap_sheet(sheet, heat: HeatMap) -> None:  # noqa: ANN001 - an openpyxl worksheet
    """Every demand line: for whom, the item and level, needed, there, short (sorted as the map)."""
    from openpyxl.styles import Font, PatternFill

    headers = [_("Section / project"), _("Skill"), _("Level"), _("Needed"), _("At the level"), _("Short")]
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column, value=text)
        cell.data_type = "s"
        cell.font = Font(bold=True)
    line = 2
    for row, cells in zip(heat.rows, heat.cells):
        for item, map_cell in zip(heat.items, cells):
            for need in map_cell.needs:
                values = [row.name if row.kind == "unit" else _("Project: {name}").format(name=row.name),
                          item.name, f"{need.level} {heat.levels.get(need.level, '')}".strip(), need.needed, need.have,
                          need.shortfall]
                for column, value in enumerate(values, start=1):
                    cell = sheet.cell(row=line, column=column, value=value)
                    if isinstance(value, str):
                        cell.data_type = "s"
                colour = STATUS_COLOURS[Status.MET if need.shortfall == 0 else
                                        Status.NONE if need.have == 0 else Status.SHORT]
                sheet.cell(row=line, column=6).fill = PatternFill("solid", start_color=colour, end_color=colour)
                line += 1
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 16
