"""Reports (issue 16 item 6) on the demo town: every figure against direct SQL, the PDF and xlsx read back.

The SQL here is written apart from the services: who is in service with a primary assignment on the
day, the 部 at the top of their unit's tree, certifications decided by then and not revoked by then,
training attended in events starting in the fiscal year. Dates are fixed: 令和7年度 (2025) is measured
on its last day, 令和8年度 on 2026-12-01.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.demo.town import load_demo
from app.errors import PermissionDenied, UserError
from app.register.accounts import Role, User
from app.reporting import document, reports
from app.targets import coverage
from app.targets.population import active_scheme
from tests.conftest import ADMIN_USER, run_cli

TODAY = date(2026, 12, 1)
FY = 2025
VIEWER = User(901, "viewer", "閲覧者", Role.VIEWER)

PEOPLE = """
WITH RECURSIVE up(unit_id, id, parent_id) AS (
    SELECT id, id, parent_id FROM org_units
    UNION ALL SELECT up.unit_id, u.id, u.parent_id FROM up JOIN org_units u ON u.id = up.parent_id),
dept(unit_id, dept_id) AS (SELECT unit_id, id FROM up WHERE parent_id IS NULL)
SELECT s.id, d.dept_id FROM staff s
JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_from <= :on
     AND coalesce(a.valid_to, '9999-12-31') >= :on
JOIN dept d ON d.unit_id = a.unit_id
WHERE NOT (s.status = 'retired' AND s.retired_on < :on)
"""
CERTIFIED = """
SELECT DISTINCT staff_id FROM certifications WHERE decided_on <= :on AND (status = 'active' OR revoked_on > :on)
  AND (:level IS NULL OR level_code = :level)
"""


@pytest.fixture
def demo(db):
    load_demo(db, 300, 1, "test")
    from app.demo.targets import load_targets

    if not db.execute("SELECT count(*) FROM targets").fetchone()[0]:
        load_targets(db, "test")
    return db


def last_day(fy: int) -> date:
    return min(date(fy + 1, 3, 31), TODAY)


def sql_people(db, on: date) -> dict[int, int]:
    return {r[0]: r[1] for r in db.execute(PEOPLE, {"on": on.isoformat()})}


def sql_certified(db, on: date, level: str | None = None) -> set[int]:
    return {r[0] for r in db.execute(CERTIFIED, {"on": on.isoformat(), "level": level})}


def dept_names(db) -> dict[str, int]:
    return {r[1]: r[0] for r in db.execute("SELECT id, name FROM org_units WHERE parent_id IS NULL")}


def section(report: document.Report, title: str) -> document.Section:
    return next(s for s in report.sections if s.title == title)


def test_certification_by_department_matches_sql(demo):
    report = reports.build(demo, ADMIN_USER, "certification", FY, TODAY)
    [table] = report.sections
    on = last_day(FY)
    people = sql_people(demo, on)
    levels = [r[0] for r in demo.execute("SELECT DISTINCT level_code FROM certifications ORDER BY level_code")]
    names = dept_names(demo)
    assert table.rows, "the demo has certified staff"
    for row in table.rows:
        here = {sid for sid, d in people.items() if d == names[row[0]]}
        assert row[1] == len(here)
        assert row[-2] == len(sql_certified(demo, on) & here)
        assert row[-1] == round(100 * row[-2] / row[1], 1)
    assert table.total[1] == len(people) and table.total[-2] == len(sql_certified(demo, on) & set(people))
    for i, level in enumerate(active_scheme(demo).levels):
        assert table.headers[2 + i] == level.name
        assert table.total[2 + i] == len(sql_certified(demo, on, level.code) & set(people))
    assert levels


def test_targets_report_matches_the_progress_and_sql(demo):
    report = reports.build(demo, ADMIN_USER, "targets", FY, TODAY)
    table = report.sections[0]
    kinds = ["level_count", "staff_share", "coverage", "training_hours", "training_share", "hours_saved"]
    stored = sorted(demo.execute("SELECT kind, value, level_code, id FROM targets WHERE fiscal_year = ?", [FY]),
                    key=lambda r: (kinds.index(r[0]), r[2] or "", r[3]))
    assert len(table.rows) == len(stored) > 0
    on = last_day(FY)
    people = set(sql_people(demo, on))
    for row, (kind, value, level, _id) in zip(table.rows, stored):
        if kind == "level_count":
            assert row[1] == value and row[2] == len(sql_certified(demo, on, level) & people)
        if kind == "hours_saved":
            assert row[2] == demo.execute("SELECT coalesce(sum(hours_saved_per_year), 0) FROM projects "
                                          "WHERE fiscal_year = ? AND status != 'cancelled'", [FY]).fetchone()[0]
        assert row[3] == max(0, round(row[1] - row[2], 1))
        assert row[5] == ("達成" if row[3] == 0 else "未達成")


def test_the_demo_shows_met_and_unmet_targets_in_the_report(demo):
    statuses = {row[5] for fy in (FY, FY + 1) for row in reports.build(demo, ADMIN_USER, "targets", fy, TODAY).sections[0].rows}
    assert statuses == {"達成", "未達成"}


def test_outcomes_report_matches_sql(demo):
    report = reports.build(demo, ADMIN_USER, "outcomes", FY, TODAY)
    by_project = report.sections[0]
    expected = demo.execute("SELECT name, hours_saved_per_year, systems_built, procedures_online FROM projects "
                            "WHERE fiscal_year = ? ORDER BY id", [FY]).fetchall()
    assert [tuple(r[:4]) for r in by_project.rows] == [tuple(r) for r in expected]
    assert by_project.total[1] == sum(r[1] or 0 for r in expected)
    by_year = report.sections[2]
    total = demo.execute("SELECT count(*), sum(hours_saved_per_year) FROM projects").fetchone()
    assert by_year.total[1:3] == list(total)


def test_training_report_matches_sql(demo):
    report = reports.build(demo, ADMIN_USER, "training", FY, TODAY)
    by_dept, events = report.sections
    expected = demo.execute("""SELECT e.title, count(a.staff_id) FROM training_events e
                               LEFT JOIN training_attendance a ON a.event_id = e.id
                               WHERE e.starts_on BETWEEN '2025-04-01' AND '2026-03-31'
                               GROUP BY e.id ORDER BY e.starts_on, e.id""").fetchall()
    assert [(r[0], r[4]) for r in events.rows] == [tuple(r) for r in expected] and expected
    on = last_day(FY)
    people = sql_people(demo, on)
    trained = {r[0]: r[1] for r in demo.execute(
        """SELECT a.staff_id, sum(coalesce(a.hours, e.hours, 0)) FROM training_attendance a
           JOIN training_events e ON e.id = a.event_id WHERE e.starts_on BETWEEN '2025-04-01' AND '2026-03-31'
           GROUP BY a.staff_id""")}
    names = dept_names(demo)
    for row in by_dept.rows:
        here = {sid for sid, d in people.items() if d == names[row[0]]}
        assert row[1:3] == [len(here), len(here & set(trained))]
        assert row[4] == pytest.approx(sum(trained[s] for s in here & set(trained)))
    assert by_dept.total[2] == len(set(people) & set(trained))


def test_annual_report_year_over_year_and_coverage_match_sql(demo):
    report = reports.build(demo, ADMIN_USER, "annual", FY, TODAY)
    levels = report.sections[0]
    before, now = last_day(FY - 1), last_day(FY)
    total_now = len(sql_certified(demo, now) & set(sql_people(demo, now)))
    total_before = len(sql_certified(demo, before) & set(sql_people(demo, before)))
    assert levels.total[1:3] == [total_before, total_now]
    for row, level in zip(levels.rows, active_scheme(demo).levels):
        assert row[1:] == [len(sql_certified(demo, before, level.code) & set(sql_people(demo, before))),
                           len(sql_certified(demo, now, level.code) & set(sql_people(demo, now))),
                           row[2] - row[1]]
    from tests.test_targets import sql_section_people

    summary = section(report, "所属の充足")
    for row, year in zip(summary.rows, (FY - 1, FY)):
        people = sql_section_people(demo, year, last_day(year))  # no coverage target in the demo: one person
        covered = [unit for unit, who in people.items() if who]
        assert row[1:4] == [len(people), len(covered), len(people) - len(covered)]
    short = {unit for unit, who in sql_section_people(demo, FY, now).items() if not who}
    uncovered = next(s for s in report.sections if s.title.startswith("未充足の所属"))
    names = dict(demo.execute("SELECT id, name FROM org_units"))
    assert sorted(r[1] for r in uncovered.rows) == sorted(names[u] for u in short) and uncovered.rows
    assert [r[1] for r in uncovered.rows] == [s.section for s in coverage.coverage(demo, ADMIN_USER, FY, TODAY).uncovered]
    training = section(report, "研修")
    trained = {r[0] for r in demo.execute(
        """SELECT DISTINCT a.staff_id FROM training_attendance a JOIN training_events e ON e.id = a.event_id
           WHERE e.starts_on BETWEEN '2025-04-01' AND '2026-03-31'""")}
    assert training.rows[-1][2] == len(trained & set(sql_people(demo, now)))  # the staff counted that day


def test_evaluation_results_are_the_administrators_and_publish_only_above_the_minimum(demo):
    with pytest.raises(PermissionDenied):
        reports.build(demo, VIEWER, "evaluation", FY, TODAY)
    assert "evaluation" not in [k.key for k in reports.available(VIEWER)]
    report = reports.build(demo, ADMIN_USER, "evaluation", FY, TODAY)
    members = report.sections[1]
    assert members.rows
    from decimal import ROUND_HALF_UP, Decimal

    expected = {}
    for project, member, perspective, n, minimum, outstanding, mean, rule in demo.execute(
            """WITH per AS (SELECT a.id, a.project_id, a.target_staff_id, a.perspective_id, avg(sc.score) AS rating
                            FROM evaluation_assignments a JOIN evaluation_scores sc ON sc.assignment_id = a.id
                            WHERE a.status = 'submitted' AND sc.score IS NOT NULL GROUP BY a.id)
               SELECT pr.name, s.family_name || '　' || s.given_name, tp.name, count(per.id), tp.min_raters,
                      (SELECT count(*) FROM evaluation_assignments o WHERE o.project_id = per.project_id
                       AND o.target_staff_id = per.target_staff_id AND o.perspective_id = per.perspective_id
                       AND o.status != 'submitted'), avg(per.rating), t.aggregation
               FROM per JOIN projects pr ON pr.id = per.project_id JOIN staff s ON s.id = per.target_staff_id
               JOIN template_perspectives tp ON tp.id = per.perspective_id
               JOIN evaluation_templates t ON t.id = tp.template_id
               WHERE pr.fiscal_year = ? GROUP BY per.project_id, per.target_staff_id, per.perspective_id""", [FY]):
        published = n >= minimum and outstanding == 0
        figure = float(Decimal(repr(mean)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) if published else None
        expected[(project, member, perspective)] = (figure, rule)
    published = 0
    for project, member, perspective, figure, note in members.rows:
        want, rule = expected.get((project, member, perspective), (None, "mean"))
        if rule == "mean":
            assert figure == want, (project, member, perspective)
        assert (figure is None) == bool(note)
        published += figure is not None
    assert published and published < len(members.rows) + 1


def test_the_pdf_has_names_wareki_dates_page_numbers_and_only_bundled_fonts(demo, tmp_path):
    report = reports.build(demo, ADMIN_USER, "annual", FY, TODAY)
    path = tmp_path / "annual.pdf"
    document.save(report, path)
    reader = PdfReader(path)
    pages = len(reader.pages)
    assert 1 <= pages <= 4
    text = [page.extract_text() for page in reader.pages]
    assert "令和7年度" in text[0] and "年度報告" in text[0] and "令和8年12月1日" in text[0]
    for i, page in enumerate(text, start=1):
        assert f"{i} / {pages} ページ" in page
    whole = "".join(text)
    for name in dept_names(demo):
        assert name in whole
    if shutil.which("pdffonts"):
        listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        fonts = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in listed.splitlines()[2:]}
        assert fonts == {"IPAexGothic"}


def test_the_workbook_has_native_charts_and_keeps_a_formula_as_text(demo, tmp_path):
    demo.execute("UPDATE projects SET name = '=HYPERLINK(\"x\")' WHERE id = (SELECT min(id) FROM projects "
                 "WHERE fiscal_year = ?)", [FY])
    path = tmp_path / "outcomes.xlsx"
    document.save(reports.build(demo, ADMIN_USER, "outcomes", FY, TODAY), path)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet["A4"].value == "'=HYPERLINK(\"x\")" and sheet["A4"].data_type == "s"
    assert all(len(ws._charts) == 1 for ws in book.worksheets)
    annual = tmp_path / "annual.xlsx"
    document.save(reports.build(demo, ADMIN_USER, "annual", FY, TODAY), annual)
    charted = [ws.title for ws in load_workbook(annual).worksheets if ws._charts]
    assert len(charted) == 6


def test_every_report_is_written_as_pdf_and_xlsx_with_bundled_fonts_only(demo, tmp_path):
    for kind in reports.KINDS.values():
        report = reports.build(demo, ADMIN_USER, kind.key, FY + 1, TODAY)
        path = tmp_path / f"{kind.key}.pdf"
        path.write_bytes(document.to_pdf(report))
        assert report.title in PdfReader(path).pages[0].extract_text()
        if shutil.which("pdffonts"):
            listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
            assert {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in listed.splitlines()[2:]} == {"IPAexGothic"}
        load_workbook(io.BytesIO(document.to_xlsx(report)))


def test_the_cli_writes_a_report_by_its_japanese_name_and_refuses_a_wrong_one(demo, db_path, tmp_path):
    out = tmp_path / "部署別.xlsx"
    done = run_cli("--db", str(db_path), "report", "部署別認定状況", "--year", "令和7年度", "--out", str(out),
                   "--date", TODAY.isoformat(), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["report"] == "certification" and data["fiscal_year"] == 2025 and out.exists()
    assert data["sections"][0]["rows"] == reports.build(demo, ADMIN_USER, "certification", FY, TODAY).sections[0].rows
    wrong = run_cli("--db", str(db_path), "report", "売上報告", "--out", str(tmp_path / "x.pdf"))
    assert wrong.returncode == 1 and "レポート「売上報告」はありません" in wrong.stderr
    suffix = run_cli("--db", str(db_path), "report", "annual", "--out", str(tmp_path / "x.docx"))
    assert suffix.returncode == 1 and ".docx" in suffix.stderr


def test_a_viewer_cannot_make_the_evaluation_report_on_the_command_line(demo, db_path, tmp_path):
    from app.register.accounts import create_user, setup_administrator
    from tests.conftest import ADMIN_PASSWORD, admin_as

    setup_administrator(demo, "kanri", "管理", ADMIN_PASSWORD)
    create_user(demo, "etsuran", "閲覧", ADMIN_PASSWORD, Role.VIEWER, admin_as("kanri"))
    out = tmp_path / "hyoka.pdf"
    refused = run_cli("--db", str(db_path), "--as", "etsuran", "report", "評価結果", "--out", str(out),
                      stdin=ADMIN_PASSWORD + "\n")
    assert refused.returncode == 1 and not out.exists()


def test_an_unknown_report_is_refused_by_the_core(demo):
    with pytest.raises(UserError):
        reports.build(demo, ADMIN_USER, "sales", FY, TODAY)


def test_a_long_table_is_charted_by_its_largest_figures():
    rows = [[f"部{i}", i] for i in range(30)]
    chart = document.Section("部署別", ["部", "人数"], rows, chart_column=1).chart()
    assert chart.categories == [f"部{i}" for i in range(29, 9, -1)] and "上位20" in chart.title
    short = document.Section("部署別", ["部", "人数"], rows[:3], chart_column=1).chart()
    assert short.categories == ["部0", "部1", "部2"] and short.title == "部署別"


def test_a_name_with_a_character_the_gothic_font_lacks_is_printed_in_the_bundled_mincho(demo, tmp_path):
    member = demo.execute("""SELECT m.staff_id FROM project_members m JOIN projects p ON p.id = m.project_id
                             WHERE p.fiscal_year = ? AND m.role != 'owner' ORDER BY m.staff_id LIMIT 1""",
                          [FY]).fetchone()[0]
    demo.execute("UPDATE staff SET family_name = '𠮷田' WHERE id = ?", [member])
    demo.conn.commit()
    path = tmp_path / "hyoka.pdf"
    document.save(reports.build(demo, ADMIN_USER, "evaluation", FY, TODAY), path)
    assert "𠮷田" in "".join(page.extract_text() for page in PdfReader(path).pages)
    if shutil.which("pdffonts"):
        listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        assert {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in listed.splitlines()[2:]} == {
            "IPAexGothic", "IPAmjMincho"}


def test_the_reports_bench_runs_at_a_tiny_size():
    import os
    import sys

    result = subprocess.run([sys.executable, "-m", "bench.reports", "--size", "300", "--json"], capture_output=True,
                            text=True, timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["report"] for r in rows] == [*reports.KINDS, "skills (skill town)"]
    assert all(r["within_budget"] for r in rows)


def test_skill_supply_and_demand_matches_the_demand_lines_and_the_heat_map(demo):
    from app.skills import supply

    report = reports.build(demo, ADMIN_USER, "skills", FY + 1, TODAY)
    assert report.title == "スキル充足状況"
    by_skill, gaps = report.sections
    family = demo.execute("SELECT catalogue_family FROM skill_demands GROUP BY 1 ORDER BY count(*) DESC").fetchone()[0]
    needed = demo.execute("""SELECT sum(people) FROM skill_demands WHERE catalogue_family = ?
                             AND (fiscal_year IS NULL OR fiscal_year = ?)""", [family, FY + 1]).fetchone()[0]
    assert sum(r[1] for r in by_skill.rows) == needed > 0
    heat = supply.heat_map(demo, ADMIN_USER, family, TODAY, fiscal_year=FY + 1, demanded_only=True)
    assert len(gaps.rows) == len(heat.shortages()) and sum(r[6] for r in gaps.rows) == sum(r[3] for r in by_skill.rows)
    assert all(r[3] == r[1] - r[2] for r in by_skill.rows)
