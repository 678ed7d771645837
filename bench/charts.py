"""Benchmark: one chart definition (reportlab Drawing → SVG → QtSvg on screen, → PDF in documents)
against drawing the same bar chart with QPainter (on screen, and into a PDF with QPdfWriter).

    QT_QPA_PLATFORM=offscreen python -m bench.charts [--repeat R] [--json]

Issue 16 item 5 asked to measure before choosing. Figures are the best of R runs in ms, for a chart of
3 and of 15 fiscal years drawn at 1040×600 px (the outcomes view on a 1366×768 screen, twice over):

- ``chart_svg_build``: the Drawing built and written as SVG (what the view does when the data changes)
- ``chart_svg_paint``: QSvgRenderer painting that SVG (what every repaint costs)
- ``chart_screen_total``: both, against QPainter drawing the chart from the data (baseline)
- ``chart_pdf``: the Drawing written as a one-page PDF, against QPainter into QPdfWriter (baseline)

The ratio is ours ÷ QPainter. The choice does not rest on speed alone: the core and the CLI carry no
Qt (reports are made by `dx-jinzai-cli report`), so QPainter could not draw the documents' charts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.reporting import charts  # noqa: E402

WIDTH, HEIGHT = 1040, 600


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def sample(years: int) -> charts.BarChart:
    return charts.BarChart("年間削減時間（年度別）", [f"令和{n}年度" for n in range(1, years + 1)],
                           [120.0 + 97.5 * n for n in range(years)], "時間")


def qpainter_chart(painter, chart: charts.BarChart, width: float, height: float) -> None:
    """The same chart as ``charts.drawing`` with QPainter calls: title, unit, grid, bars, values, years."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QPen

    sx, sy = width / chart.width, height / chart.height
    painter.scale(sx, sy)
    painter.fillRect(QRectF(0, 0, chart.width, chart.height), QColor("white"))
    font = QFont("IPAexGothic")
    font.setPixelSize(13)
    painter.setFont(font)
    painter.setPen(QColor("#222222"))
    painter.drawText(QRectF(0, 4, chart.width, 24), Qt.AlignmentFlag.AlignHCenter, chart.title)
    left, right, bottom, top = 64.0, chart.width - 16, chart.height - 40.0, 48.0
    values = [v or 0 for v in chart.values]
    axis_top, step = charts.nice_top(max(values))
    scale = (bottom - top) / axis_top
    font.setPixelSize(8)
    painter.setFont(font)
    for i in range(int(round(axis_top / step)) + 1):
        y = bottom - i * step * scale
        painter.setPen(QPen(QColor("#d0d4da" if i else "#222222"), 0.6))
        painter.drawLine(left, y, right, y)
        painter.setPen(QColor("#222222"))
        painter.drawText(QRectF(0, y - 6, left - 6, 12), Qt.AlignmentFlag.AlignRight, charts._label(i * step))
    slot = (right - left) / len(chart.categories)
    bar = min(slot * 0.6, 56)
    for i, (category, value) in enumerate(zip(chart.categories, values)):
        centre = left + slot * (i + 0.5)
        painter.fillRect(QRectF(centre - bar / 2, bottom - value * scale, bar, value * scale), QColor("#2f6fb0"))
        painter.drawText(QRectF(centre - slot / 2, bottom - value * scale - 14, slot, 12),
                         Qt.AlignmentFlag.AlignHCenter, charts._label(value))
        painter.drawText(QRectF(centre - slot / 2, bottom + 4, slot, 14), Qt.AlignmentFlag.AlignHCenter, category)


def figures(repeat: int) -> list[dict]:
    from PySide6.QtCore import QByteArray, QRectF
    from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication

    from ui.fonts import register_bundled_fonts

    app = QApplication.instance() or QApplication(sys.argv[:1])
    register_bundled_fonts(app)
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    folder = Path(tempfile.mkdtemp(prefix="bench-charts-"))
    out = []
    for years in (3, 15):
        chart = sample(years)
        svg = charts.to_svg(chart)
        renderer = QSvgRenderer(QByteArray(svg))

        def paint_svg() -> None:
            image.fill(QColor("white"))
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)  # as ChartView paints
            renderer.render(painter, QRectF(0, 0, WIDTH, HEIGHT))
            painter.end()

        def screen_total() -> None:
            data = charts.to_svg(chart)
            fresh = QSvgRenderer(QByteArray(data))
            image.fill(QColor("white"))
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            fresh.render(painter, QRectF(0, 0, WIDTH, HEIGHT))
            painter.end()

        def qpainter_screen() -> None:
            image.fill(QColor("white"))
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            qpainter_chart(painter, chart, WIDTH, HEIGHT)
            painter.end()

        def qpainter_pdf() -> None:
            writer = QPdfWriter(str(folder / "qt.pdf"))
            writer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
            painter = QPainter(writer)
            qpainter_chart(painter, chart, writer.width(), writer.width() * chart.height / chart.width)
            painter.end()

        build = best(lambda: charts.to_svg(chart), repeat)
        paint = best(paint_svg, repeat)
        bare_screen = best(qpainter_screen, repeat)
        total = best(screen_total, repeat)
        pdf = best(lambda: (folder / "rl.pdf").write_bytes(charts.to_pdf(chart)), repeat)
        bare_pdf = best(qpainter_pdf, repeat)
        for name, ours, bare in (("chart_svg_build", build, bare_screen), ("chart_svg_paint", paint, bare_screen),
                                 ("chart_screen_total", total, bare_screen), ("chart_pdf", pdf, bare_pdf)):
            out.append({"name": name, "size": years, "value": round(ours * 1000, 3), "unit": "ms",
                        "baseline": round(bare * 1000, 3), "ratio": round(ours / bare, 2),
                        "note": "years; baseline: QPainter"})
    out.append({"name": "chart_pdf_bytes", "size": 15, "value": (folder / "rl.pdf").stat().st_size, "unit": "B",
                "baseline": (folder / "qt.pdf").stat().st_size,
                "ratio": round((folder / "rl.pdf").stat().st_size / (folder / "qt.pdf").stat().st_size, 2),
                "note": "PDF size; baseline: QPdfWriter"})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.charts")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    for row in figures(args.repeat):
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{row['name']:<20} {row['size']:>3} {row['value']:>10} {row['unit']}  "
                  f"QPainter {row['baseline']:>10} {row['unit']}  ratio {row['ratio']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
