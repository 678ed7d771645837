"""One chart definition for the screen and the documents: a reportlab graphics Drawing.

The same ``drawing(chart)`` is written to PDF for reports (``to_pdf``, or placed on a report page as a
flowable) and to SVG for the screen (``to_svg``; ui/widgets/chart_view.py shows it with QtSvg), so the
chart the officer sees is the chart the mayor reads. Labels are in the bundled IPAexゴシック (the PDF
embeds it, nothing from the PC), fiscal years in 和暦 (令和7年度).

Why reportlab rather than QPainter: the core and the CLI carry no Qt, and reports are reportlab PDFs
already; bench/charts.py measured both ways before choosing (a bar chart of 10 years: the Drawing
→ SVG → QSvgRenderer path and direct QPainter drawing both take a few milliseconds; the figures are
in the bench's output and the lane report).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from reportlab.graphics import renderPDF, renderSVG
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics, ttfonts

from app import pdf_fonts
from app.formatting import format_number
from app.i18n import _

FONT = "IPAexGothic"
FONT_FILE = "ipaexg.ttf"
BAR_COLOUR = colors.HexColor("#2f6fb0")
GRID_COLOUR = colors.HexColor("#d0d4da")
TEXT_COLOUR = colors.HexColor("#222222")


@dataclass(frozen=True)
class BarChart:
    """What a bar chart says: the title, one bar per category, the unit of the values."""

    title: str
    categories: list[str]
    values: list[float | None]          # None: nothing reported (drawn as no bar, labelled 「—」)
    unit: str = ""
    width: float = 520.0                # points; the SVG and the PDF have the same size
    height: float = 300.0
    colours: list[str] = field(default_factory=list)   # per bar, optional (#rrggbb)


@functools.cache
def register_font() -> str:
    """IPAexゴシック for charts (with the ToUnicode fix of pdf_fonts, so labels can be searched)."""
    pdf_fonts.register()
    pdfmetrics.registerFont(ttfonts.TTFont(FONT, str(pdf_fonts.font_path(FONT_FILE))))
    return FONT


def nice_top(largest: float) -> tuple[float, float]:
    """The axis top and step: 1, 2 or 5 × 10ⁿ steps, four to six of them above the largest bar."""
    if largest <= 0:
        return 1.0, 0.25
    raw = largest / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(largest / step), step


def _label(value: float) -> str:
    return format_number(round(value, 1) if value != int(value) else int(value))


def drawing(chart: BarChart) -> Drawing:
    """The chart as reportlab shapes: title, unit, grid with its figures, bars with their values, years."""
    font = register_font()
    # The renderers start from the drawing's initial font: IPAexゴシック, so no Helvetica enters the PDF.
    d = Drawing(chart.width, chart.height, initialFontName=font, initialFontSize=9)
    d.add(Rect(0, 0, chart.width, chart.height, fillColor=colors.white, strokeColor=None))
    d.add(String(chart.width / 2, chart.height - 20, chart.title, fontName=font, fontSize=13,
                 fillColor=TEXT_COLOUR, textAnchor="middle"))
    left, right, bottom, top = 64.0, chart.width - 16, 40.0, chart.height - 48
    if chart.unit:
        d.add(String(left - 6, top + 10, f"（{chart.unit}）", fontName=font, fontSize=9, fillColor=TEXT_COLOUR,
                     textAnchor="end"))
    shown = [v for v in chart.values if v is not None]
    if not chart.categories or not shown:
        d.add(String(chart.width / 2, (bottom + top) / 2, _("No figures entered yet"), fontName=font, fontSize=11,
                     fillColor=TEXT_COLOUR, textAnchor="middle"))
        return d
    axis_top, step = nice_top(max(shown))
    scale = (top - bottom) / axis_top
    for i in range(int(round(axis_top / step)) + 1):
        y = bottom + i * step * scale
        d.add(Line(left, y, right, y, strokeColor=GRID_COLOUR if i else TEXT_COLOUR, strokeWidth=0.6))
        d.add(String(left - 6, y - 3, _label(i * step), fontName=font, fontSize=8, fillColor=TEXT_COLOUR,
                     textAnchor="end"))
    slot = (right - left) / len(chart.categories)
    bar = min(slot * 0.6, 56)
    for i, (category, value) in enumerate(zip(chart.categories, chart.values)):
        centre = left + slot * (i + 0.5)
        size = 9 if pdf_fonts.width(category, 9) <= slot - 2 else 7
        d.add(String(centre, bottom - 14, category, fontName=font, fontSize=size, fillColor=TEXT_COLOUR,
                     textAnchor="middle"))
        if value is None:
            d.add(String(centre, bottom + 4, "—", fontName=font, fontSize=8, fillColor=TEXT_COLOUR,
                         textAnchor="middle"))
            continue
        colour = colors.HexColor(chart.colours[i]) if i < len(chart.colours) else BAR_COLOUR
        d.add(Rect(centre - bar / 2, bottom, bar, value * scale, fillColor=colour, strokeColor=None))
        d.add(String(centre, bottom + value * scale + 3, _label(value), fontName=font, fontSize=8,
                     fillColor=TEXT_COLOUR, textAnchor="middle"))
    return d


def to_pdf(chart: BarChart) -> bytes:
    """A one-page PDF of the chart's size, with IPAexゴシック embedded (subset)."""
    return renderPDF.drawToString(drawing(chart))


def to_svg(chart: BarChart) -> bytes:
    """The same drawing as SVG for the screen (text stays text, in the font family IPAexGothic)."""
    return renderSVG.drawToString(drawing(chart)).encode("utf-8")


def outcome_chart(summary, figure: str = "hours_saved", cumulative: bool = False) -> BarChart:
    """A figure of an ``outcomes.summary`` per fiscal year (和暦), or its running total since the first year."""
    chosen = next((f for f in summary.fields if f.key == figure), None)
    if chosen is None:
        from app.errors import UserError

        raise UserError(_("Unknown outcome figure: {name}").format(name=figure))
    rows = summary.cumulative if cumulative else summary.by_year
    title = (_("{figure}: running total since {first}") if cumulative else _("{figure} per fiscal year")).format(
        figure=chosen.label, first=rows[0].label if rows else "")
    return BarChart(title, [r.label for r in rows], [r.values[chosen.key] for r in rows], chosen.unit)
