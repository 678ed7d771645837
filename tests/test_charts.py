"""The one chart definition (app/reporting/charts.py): its PDF read back (labels, only the bundled font),
its SVG (the same labels, the font family the screen registers), axis steps and the empty chart."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from app.reporting import charts

CHART = charts.BarChart("年間削減時間（年度別）", ["令和元年度", "令和5年度", "令和6年度", "令和7年度"],
                        [12.5, 320.0, None, 49840.0], "時間")
SVG = "{http://www.w3.org/2000/svg}"


def _pdf_fonts(path) -> list[str]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:]]


def test_the_pdf_holds_every_label_in_the_embedded_bundled_gothic_only(tmp_path):
    path = tmp_path / "chart.pdf"
    path.write_bytes(charts.to_pdf(CHART))
    page = PdfReader(path).pages[0]
    text = page.extract_text()
    for label in ("年間削減時間（年度別）", "令和元年度", "令和5年度", "令和6年度", "令和7年度", "（時間）",
                  "49,840", "12.5", "—"):
        assert label in text, (label, text)
    assert [float(v) for v in page.mediabox.upper_right] == [CHART.width, CHART.height]
    fonts = _pdf_fonts(path)
    assert fonts and all(f.split("+")[-1] == "IPAexGothic" for f in fonts), fonts
    emb = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert all(" yes " in line for line in emb.splitlines()[2:]), emb  # embedded (and subset)


def test_the_svg_is_the_same_drawing_with_text_in_ipaexgothic():
    root = ET.fromstring(charts.to_svg(CHART))
    texts = [t for t in root.iter(f"{SVG}text")]
    shown = {"".join(t.itertext()).strip() for t in texts}
    assert {"年間削減時間（年度別）", "令和元年度", "令和7年度", "（時間）", "49,840", "12.5", "—"} <= shown
    assert all("IPAexGothic" in (t.get("font-family", "") + t.get("style", "")) for t in texts)
    assert root.get("viewBox") == f"0 0 {int(CHART.width)} {int(CHART.height)}"
    bars = [r for r in root.iter(f"{SVG}rect") if "fill: rgb(18%,43%,69%)" in r.get("style", "")]  # #2f6fb0
    assert len(bars) == 3  # no bar for the year without a figure


@pytest.mark.parametrize(("largest", "top", "step"), [
    (680, 800, 200), (1250.5, 1500, 500), (49840, 50000, 10000), (3, 3, 1), (0.4, 0.4, 0.1), (0, 1, 0.25)])
def test_the_axis_ends_on_a_round_step_above_the_largest_bar(largest, top, step):
    assert charts.nice_top(largest) == (pytest.approx(top), pytest.approx(step))


def test_a_chart_without_figures_says_so():
    empty = charts.BarChart("構築したシステム数（年度別）", ["令和7年度"], [None], "件")
    text = PdfReader(__import__("io").BytesIO(charts.to_pdf(empty))).pages[0].extract_text()
    assert "まだ数値が入力されていません" in text
    assert b"\xe3\x81\xbe\xe3\x81\xa0" in charts.to_svg(charts.BarChart("x", [], [], ""))  # 「まだ」


def test_long_year_labels_get_a_smaller_size_when_many_years_crowd_the_axis():
    years = [f"令和{n}年度" for n in range(1, 16)]
    crowded = charts.drawing(charts.BarChart("t", years, [float(n) for n in range(15)], "時間"))
    sizes = {s.fontSize for s in crowded.contents if getattr(s, "text", None) in years}
    assert sizes == {7}


def test_the_chart_bench_runs_and_compares_with_qpainter(qapp):
    from bench import charts as bench_charts

    rows = bench_charts.figures(repeat=1)
    assert {r["name"] for r in rows} == {"chart_svg_build", "chart_svg_paint", "chart_screen_total", "chart_pdf",
                                         "chart_pdf_bytes"}
    assert all(r["value"] > 0 and r["baseline"] > 0 for r in rows)
