"""A report as plain data (title, year, sections of tables with an optional chart), and its two outputs.

Every report of the レポート screen and of ``report NAME`` is built by one function into a ``Report``;
``to_pdf`` and ``to_xlsx`` write any of them, so the figures of the PDF and of the workbook are the same
figures. The PDF is A4 in the bundled IPAexゴシック (nothing from the PC), with the date made in 和暦 and
「n / N ページ」 at the foot of every page; its charts are the core's chart drawings (app/reporting/charts.py).
The workbook has one sheet per section, every text cell formula-safe (``tabular.protect_cell``), and the
charts as native Excel charts over the sheet's own cells, so the officer can restyle them.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field
from datetime import date

from app.i18n import _
from app.reporting import charts
from app.wareki import format_fiscal_year, format_wareki

Cell = str | int | float | None
MARGIN = 42.0          # points, around the A4 page
CHART_WIDTH = 500.0
CHART_HEIGHT = 220.0
PDF_ROW_LIMIT = 5000
TABLE_CHUNK = 250      # rows of one PDF table (see _tables)
MAX_BARS = 20          # bars of one chart; more would be unreadable on A4   # rows of one table in the PDF; the workbook always has them all


@dataclass
class Section:
    """One table of a report; ``chart_column`` (with categories in column 0) is charted when given."""

    title: str
    headers: list[str]
    rows: list[list[Cell]]
    chart_column: int | None = None
    chart_title: str = ""
    unit: str = ""
    note: str = ""
    col_widths: list[float] = field(default_factory=list)   # relative, for the PDF
    total: list[Cell] | None = None     # a 合計 line under the table (not charted)
    chart_height: float = CHART_HEIGHT

    @property
    def all_rows(self) -> list[list[Cell]]:
        return self.rows + ([self.total] if self.total else [])

    def chart(self) -> charts.BarChart | None:
        """The section's chart; a long table (a town of many 部) is charted by its largest figures only."""
        if self.chart_column is None or not self.rows:
            return None
        rows, title = self.rows, self.chart_title or self.title
        if len(rows) > MAX_BARS:
            rows = sorted(rows, key=lambda r: r[self.chart_column] if isinstance(r[self.chart_column], (int, float))
                          else -1, reverse=True)[:MAX_BARS]
            title = _("{title} (the largest {n})").format(title=title, n=MAX_BARS)
        values = [row[self.chart_column] for row in rows]
        room = max(4, int((CHART_WIDTH - 80) / len(rows) / 7.5))  # characters of 7 pt under one bar
        labels = [str(row[0]) if len(str(row[0])) <= room else str(row[0])[:room - 1] + "…" for row in rows]
        return charts.BarChart(title, labels,
                               [float(v) if isinstance(v, (int, float)) else None for v in values],
                               self.unit, CHART_WIDTH, self.chart_height)


@dataclass
class Report:
    key: str
    title: str
    fiscal_year: int
    made_on: date
    town: str
    sections: list[Section]

    @property
    def heading(self) -> str:
        return f"{format_fiscal_year(self.fiscal_year)}　{self.title}"


def cell_text(value: Cell) -> str:
    """A figure as printed: 1,234 / 12.5 / — for nothing."""
    from app.formatting import format_number

    if value is None:
        return "—"
    if isinstance(value, float):
        return format_number(int(value) if value == int(value) else round(value, 1))
    if isinstance(value, int):
        return format_number(value)
    return str(value)


# -- PDF -------------------------------------------------------------------------------------------

def _styles():
    from reportlab.lib.styles import ParagraphStyle

    font = charts.register_font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=4),
        "meta": ParagraphStyle("meta", fontName=font, fontSize=9, leading=12, spaceAfter=8),
        "heading": ParagraphStyle("heading", fontName=font, fontSize=12, leading=16, spaceBefore=10, keepWithNext=1,
                                  spaceAfter=4),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8, leading=10),
        "note": ParagraphStyle("note", fontName=font, fontSize=8, leading=11, spaceBefore=2),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.cache
def _gothic_chars() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    charts.register_font()
    return frozenset(pdfmetrics.getFont(charts.FONT).face.charToGlyph)


def _needs_fallback(text: str) -> bool:
    """A character IPAexゴシック has no glyph for (a 人名外字 such as 𠮷): printed in the bundled IPAmj明朝."""
    if text.isascii():
        return False
    known = _gothic_chars()
    return any(ord(c) not in known for c in text)


def _markup(text: str) -> str:
    """Paragraph markup of ``text``: escaped, with each character IPAexゴシック lacks set in IPAmj明朝."""
    if not _needs_fallback(text):
        return _escape(text)
    from app import pdf_fonts

    known = _gothic_chars()
    fallback = pdf_fonts.register()[1]
    return "".join(_escape(c) if ord(c) in known else f'<font name="{fallback}">{_escape(c)}</font>' for c in text)


def _tables(section: Section, styles, width: float) -> list:
    """The section's rows as tables of at most ``TABLE_CHUNK`` rows, each with the header: reportlab lays a
    long table out again at every page break, so one table of 5,000 rows costs minutes, chunks seconds."""
    shown = section.rows[:PDF_ROW_LIMIT] + ([section.total] if section.total else [])
    numeric = [all(isinstance(r[i], (int, float)) or r[i] is None for r in shown) if shown else False
               for i in range(len(section.headers))]
    chunks = [shown[i:i + TABLE_CHUNK] for i in range(0, len(shown), TABLE_CHUNK)]
    return [_table(section, styles, width, chunk, numeric,
                   with_total=section.total is not None and chunk is chunks[-1]) for chunk in chunks]


def _table(section: Section, styles, width: float, shown: list[list[Cell]], numeric: list[bool], with_total: bool):
    from reportlab.lib import colors
    from reportlab.pdfbase import pdfmetrics
    from reportlab.platypus import LongTable, Paragraph, TableStyle

    font = charts.register_font()
    weights = section.col_widths or [2.0] + [1.0] * (len(section.headers) - 1)
    widths = [width * w / sum(weights) for w in weights]

    wrapped: dict[tuple[str, int], Paragraph] = {}

    def cell(text: str, column: int):
        # A Paragraph (which wraps) costs a hundred times a plain string: only for text too wide for its
        # column or with a character IPAexゴシック lacks, one per distinct text and column.
        if pdfmetrics.stringWidth(text, font, 8) <= widths[column] - 6 and not _needs_fallback(text):
            return text
        if (text, column) not in wrapped:
            wrapped[(text, column)] = Paragraph(_markup(text), styles["cell"])
        return wrapped[(text, column)]

    header = [cell(h, i) for i, h in enumerate(section.headers)]
    body = [[cell_text(v) if numeric[i] else cell(cell_text(v), i) for i, v in enumerate(row)] for row in shown]
    table = LongTable([header] + body, colWidths=widths, repeatRows=1)
    style = [("FONT", (0, 0), (-1, -1), font, 8), ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa3ad")),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecf3")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, n in enumerate(numeric) if n]
    if with_total:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f3f5f8")))
    table.setStyle(TableStyle(style))
    return table


def _flowables(report: Report, styles, width: float) -> list:
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    out: list = [Paragraph(_markup(report.heading), styles["title"]),
                 Paragraph(_escape(_("{town} — made on {date}").format(
                     town=report.town, date=format_wareki(report.made_on))), styles["meta"])]
    for section in report.sections:
        heading = Paragraph(_escape(section.title), styles["heading"])
        chart = section.chart()
        # A heading never stays alone at the foot of a page: it goes with its chart (or the table's start).
        out.append(KeepTogether([heading, charts.drawing(chart), Spacer(1, 4)]) if chart is not None else heading)
        if section.rows:
            out += _tables(section, styles, width)
        else:
            out.append(Paragraph(_escape(_("Nothing to report for this year.")), styles["note"]))
        if len(section.rows) > PDF_ROW_LIMIT:
            out.append(Paragraph(_escape(_("The first {n} of {total} rows; the workbook has them all.").format(
                n=cell_text(PDF_ROW_LIMIT), total=cell_text(len(section.rows)))), styles["note"]))
        if section.note:
            out.append(Paragraph(_escape(section.note), styles["note"]))
    return out


def _numbered_canvas(report: Report):
    """A canvas that writes 「n / N ページ」 and the report's name at the foot once the page count is known."""
    from reportlab.pdfgen.canvas import Canvas

    font = charts.register_font()
    footer = f"{report.town}　{report.heading}"

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width, _height = self._pagesize
                self.setFont(font, 8)
                self.drawString(MARGIN, MARGIN / 2, footer)
                self.drawRightString(width - MARGIN, MARGIN / 2,
                                     _("{page} / {pages} pages").format(page=self._pageNumber, pages=total))
                super().showPage()
            super().save()

    return NumberedCanvas


def to_pdf(report: Report) -> bytes:
    """The report as an A4 PDF (bundled fonts only, 和暦 date, page numbers)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    charts.register_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=report.heading, author=report.town,
                            initialFontName=charts.FONT)
    doc.build(_flowables(report, _styles(), A4[0] - 2 * MARGIN), canvasmaker=_numbered_canvas(report))
    return buffer.getvalue()


# -- xlsx ------------------------------------------------------------------------------------------

def _sheet_title(title: str, taken: set[str]) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title)[:28] or "Sheet"
    name, n = cleaned, 2
    while name in taken:
        name, n = f"{cleaned[:26]}_{n}", n + 1
    taken.add(name)
    return name


def _xlsx_value(value: Cell):
    from app.tabular import protect_cell

    return protect_cell(value) if isinstance(value, str) else value


def _add_chart(sheet, section: Section, first_row: int) -> None:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.title = section.chart_title or section.title
    chart.y_axis.title = section.unit or None
    chart.legend = None
    last = first_row + len(section.rows)
    column = section.chart_column + 1
    chart.add_data(Reference(sheet, min_col=column, min_row=first_row, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first_row + 1, max_row=last))
    chart.width, chart.height = 18, 9
    sheet.add_chart(chart, f"{_column_letter(len(section.headers) + 2)}{first_row}")


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def write_xlsx(report: Report, path) -> None:
    """The report as a workbook: one sheet per section, a title line, the table, a native chart."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    book.remove(book.active)
    taken: set[str] = set()
    for section in report.sections:
        sheet = book.create_sheet(_sheet_title(section.title, taken))
        sheet.append([_xlsx_value(f"{report.heading}　{section.title}")])
        sheet.append([_xlsx_value(_("{town} — made on {date}").format(town=report.town,
                                                                      date=format_wareki(report.made_on)))])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([_xlsx_value(h) for h in section.headers])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in section.all_rows:
            sheet.append([_xlsx_value(v) for v in row])
        if section.note:
            sheet.append([])
            sheet.append([_xlsx_value(section.note)])
        sheet.column_dimensions["A"].width = 28
        for i in range(2, len(section.headers) + 1):
            sheet.column_dimensions[_column_letter(i)].width = 14
        if section.chart_column is not None and section.rows:
            _add_chart(sheet, section, 3)
    if not report.sections:
        book.create_sheet(_sheet_title(report.title, taken))
    book.save(path)


def to_xlsx(report: Report) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(report, buffer)
    return buffer.getvalue()


def save(report: Report, path) -> None:
    """Write the report to ``path``: .pdf or .xlsx by its suffix."""
    from pathlib import Path

    from app.errors import UserError

    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        Path(path).write_bytes(to_pdf(report))
    elif suffix == ".xlsx":
        write_xlsx(report, path)
    else:
        raise UserError(_("Save the report as .pdf or .xlsx (not {suffix}).").format(suffix=suffix or "—"))


def as_json(report: Report) -> dict:
    """The report's figures for ``report … --json``."""
    return {"report": report.key, "title": report.title, "fiscal_year": report.fiscal_year,
            "fiscal_year_label": format_fiscal_year(report.fiscal_year), "made_on": report.made_on.isoformat(),
            "town": report.town,
            "sections": [{"title": s.title, "headers": s.headers, "rows": s.rows, "note": s.note}
                         for s in report.sections]}


