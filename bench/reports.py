"""Benchmark: every report of a big town as PDF and as xlsx, against the bare libraries writing the same cells.

    python -m bench.reports [--size 50000] [--json]

The town: ``size`` staff, about four criterion scores per person (50,000 → 200,000 ratings, as
bench/evaluation.py builds it), two workshops per project attended by its members, and one person in
ten certified; スキル充足状況 is measured again on bench/skill_map.py's town (a 50-skill catalogue,
everyone's skills, demand in every section). Each report is built from the register and written; the baseline writes the same rows
with a bare reportlab canvas (one ``drawString`` per cell, no layout, no charts) and with openpyxl in
write-only mode, so the ratio is what the layout, the charts and the formula protection cost.
Budget (issue 16): any report ≤ 10 s as PDF and as xlsx.
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from app.db import open_database
from app.reporting import document, reports
from app.register.permissions import CLI_USER
from bench.evaluation import add_sessions_and_scheme, build_rated_town

TODAY = date(2026, 12, 1)
FY = 2025
BUDGET_S = 10.0


def certify_tenth(path: Path) -> int:
    """One person in ten certified at a level of the installed scheme (decided in 令和7年度), and five targets."""
    result = open_database(path)
    conn: sqlite3.Connection = result.db.conn
    scheme_id, family = conn.execute("SELECT id, family FROM cert_schemes ORDER BY id LIMIT 1").fetchone()
    levels = conn.execute("SELECT id, code FROM scheme_levels WHERE scheme_id = ? ORDER BY sort_order",
                          [scheme_id]).fetchall()
    staff = [r[0] for r in conn.execute("SELECT id FROM staff WHERE status = 'active' AND id % 10 = 0")]
    rows = [(sid, scheme_id, levels[i % len(levels)][0], family, levels[i % len(levels)][1], "2025-10-01", "bench",
             2025, i + 1, f"R7-{i + 1:06d}") for i, sid in enumerate(staff)]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO targets (fiscal_year, kind, value, level_code) VALUES (?, ?, ?, ?)",
                     [(2025, "level_count", 5000, None), (2025, "staff_share", 10, None), (2025, "coverage", 1, None),
                      (2025, "training_share", 20, None), (2025, "hours_saved", 10000, None)])
    conn.executemany("INSERT INTO certifications (staff_id, scheme_id, level_id, scheme_family, level_code, decided_on, "
                     "approver, fiscal_year, seq, certificate_no) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    conn.execute("COMMIT")
    result.db.close()
    return len(rows)


def bare_pdf(report: document.Report) -> bytes:
    """The same cells with a bare reportlab canvas: one line per row, a new page every 60 rows."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from app.reporting import charts

    font = charts.register_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=font)
    for section in report.sections:
        for i, row in enumerate([section.headers] + section.all_rows[:document.PDF_ROW_LIMIT]):
            if i % 60 == 0:
                canvas.showPage()
                canvas.setFont(font, 8)
            for j, value in enumerate(row):
                canvas.drawString(40 + j * 80, 800 - (i % 60) * 12, document.cell_text(value))
    canvas.save()
    return buffer.getvalue()


def bare_xlsx(report: document.Report) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for section in report.sections:
        sheet = book.create_sheet()
        sheet.append(section.headers)
        for row in section.all_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def figures(path: Path, keys: list[str] | None = None) -> list[dict]:
    result = open_database(path)
    db = result.db
    out = []
    try:
        for key in keys or list(reports.KINDS):
            build_s, report = timed(lambda: reports.build(db, CLI_USER, key, FY, TODAY))
            pdf_s, _pdf = timed(lambda: document.to_pdf(report))
            xlsx_s, _xlsx = timed(lambda: document.to_xlsx(report))
            bare_pdf_s, _b = timed(lambda: bare_pdf(report))
            bare_xlsx_s, _x = timed(lambda: bare_xlsx(report))
            rows = sum(len(s.rows) for s in report.sections)
            out.append({"report": key, "rows": rows, "build_s": round(build_s, 2),
                        "pdf_s": round(build_s + pdf_s, 2), "xlsx_s": round(build_s + xlsx_s, 2),
                        "bare_pdf_s": round(bare_pdf_s, 2), "bare_xlsx_s": round(bare_xlsx_s, 2),
                        "pdf_ratio": round(pdf_s / bare_pdf_s, 2) if bare_pdf_s else None,
                        "xlsx_ratio": round(xlsx_s / bare_xlsx_s, 2) if bare_xlsx_s else None,
                        "within_budget": build_s + max(pdf_s, xlsx_s) <= BUDGET_S})
    finally:
        db.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports")
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        start = time.perf_counter()
        scores = build_rated_town(path, args.size)
        add_sessions_and_scheme(path)
        certified = certify_tenth(path)
        print(f"town: {args.size} staff, {scores} ratings, {certified} certified "
              f"(built in {time.perf_counter() - start:.0f} s)", file=sys.stderr)
        rows = figures(path)
        # スキル充足状況 on a town with a 50-skill catalogue, everyone's skills and demand in every section
        # (bench/skill_map.py's town: about 2.2 million skill records at 50,000 staff).
        from bench.skill_map import build as build_skill_town

        skill_path = Path(folder) / "skills.sqlite"
        build_skill_town(skill_path, args.size, 50)
        rows += [dict(r, report="skills (skill town)") for r in figures(skill_path, ["skills"])]
        for row in rows:
            print(json.dumps(row, ensure_ascii=False) if args.json else
                  f"{row['report']:<20} rows {row['rows']:>6}  build {row['build_s']:>5} s  "
                  f"PDF {row['pdf_s']:>5} s (×{row['pdf_ratio']} bare)  xlsx {row['xlsx_s']:>5} s "
                  f"(×{row['xlsx_ratio']} bare)  {'ok' if row['within_budget'] else 'OVER BUDGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
