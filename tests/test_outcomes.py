"""Outcomes added up (issue 16 item 3): every sum against direct SQL on the demo town, the town's own
fields and their refusals, `outcomes` and `projects list --json` on the command line."""

from __future__ import annotations

import json
import sqlite3
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.demo.outcomes import load_outcomes
from app.errors import PermissionDenied, UserError
from app.register.accounts import Role, User
from app.reporting import outcomes
from tests.conftest import ADMIN_USER, run_cli

VIEWER = User(91, "etsuran", "閲覧 一子", Role.VIEWER)
BUILT_IN_SQL = {"hours_saved": "p.hours_saved_per_year", "systems_built": "p.systems_built",
                "procedures_online": "p.procedures_online"}


@pytest.fixture
def outcome_town(town):
    """The demo town with its outcome fields, the teams' values, the two earlier years, and a cancelled
    project with figures (left out of the sums, as the targets' progress leaves it out)."""
    from app.evaluation import projects

    load_outcomes(town, "test", past_years=True)
    cancelled = projects.create_project(town, projects.ProjectInput(
        "中止した取組", 2024, status="cancelled", hours_saved_per_year=999.0, systems_built=9), ADMIN_USER)
    outcomes.set_project_values(town, ADMIN_USER, cancelled, {outcomes.field_by_name(town, "削減コスト").field_id: 99})
    return town


LIVE = "p.status != 'cancelled'"


def _figure_sql(db, key: str) -> str:
    """The SQL expression of one figure per project row ``p``, written apart from the service."""
    if key in BUILT_IN_SQL:
        return BUILT_IN_SQL[key]
    field_id = int(key.removeprefix("field_"))
    return f"(SELECT value FROM project_outcome_values WHERE project_id = p.id AND field_id = {field_id})"


def _department_sql() -> str:
    """The 部 of a project's section by the organisation's kinds (unit → section → department)."""
    return """CASE u.kind WHEN 'department' THEN u.id
                          WHEN 'section' THEN u.parent_id
                          ELSE (SELECT parent.parent_id FROM org_units parent WHERE parent.id = u.parent_id
                                AND parent.kind = 'section') END"""


def _keys(db) -> list[str]:
    return ["hours_saved", "systems_built", "procedures_online"] + [
        f"field_{r[0]}" for r in db.execute("SELECT id FROM outcome_fields ORDER BY id")]


def test_every_sum_matches_direct_sql(outcome_town):
    db = outcome_town
    result = outcomes.summary(db, ADMIN_USER)
    keys = _keys(db)
    assert [f.key for f in result.fields] == keys
    for key in keys:
        expr = _figure_sql(db, key)
        per_year = dict(db.execute(f"SELECT fiscal_year, sum({expr}) FROM projects p WHERE {LIVE} "
                                   "GROUP BY fiscal_year").fetchall())
        assert {r.key: r.values[key] for r in result.by_year} == pytest.approx(per_year)
        per_project = dict(db.execute(f"SELECT id, {expr} FROM projects p WHERE {LIVE}").fetchall())
        assert {r.key: r.values[key] for r in result.by_project} == pytest.approx(per_project)
        per_department = dict(db.execute(
            f"SELECT coalesce({_department_sql()}, 0), sum({expr}) FROM projects p "
            f"LEFT JOIN org_units u ON u.id = p.owner_unit_id WHERE {LIVE} GROUP BY 1").fetchall())
        assert {r.key: r.values[key] for r in result.by_department} == pytest.approx(per_department)
        total = db.execute(f"SELECT sum({expr}) FROM projects p WHERE {LIVE}").fetchone()[0]
        assert result.total.values[key] == pytest.approx(total)
        for row in result.cumulative:
            upto = db.execute(f"SELECT sum({expr}) FROM projects p WHERE {LIVE} AND fiscal_year <= ?",
                              [row.key]).fetchone()[0]
            assert row.values[key] == pytest.approx(upto)
    counts = dict(db.execute(f"SELECT fiscal_year, count(*) FROM projects p WHERE {LIVE} GROUP BY fiscal_year").fetchall())
    assert {r.key: r.projects for r in result.by_year} == counts
    assert result.total.projects == db.execute(f"SELECT count(*) FROM projects p WHERE {LIVE}").fetchone()[0] == 5
    assert "中止した取組" not in [r.label for r in result.by_project]
    assert result.first_year == min(counts) == 2023
    assert [r.label for r in result.by_year] == ["令和5年度", "令和6年度", "令和7年度"]


def test_the_demo_shows_figures_over_three_years_and_a_project_without_a_section(outcome_town):
    result = outcomes.summary(outcome_town, ADMIN_USER)
    assert len(result.by_year) == 3 and all(r.values["hours_saved"] for r in result.by_year)
    assert result.by_department[-1].key == outcomes.NO_DEPARTMENT
    assert result.by_department[-1].label == "（担当課なし）"
    assert "総務部" in [r.label for r in result.by_department]
    # 「未入力」 stays apart from 0: the project in progress has reported nothing yet
    running = next(r for r in result.by_project if r.label == "保育所入所申請のオンライン化")
    assert set(running.values.values()) == {None}


def test_a_fiscal_year_limits_projects_and_departments_not_the_years_or_the_total(outcome_town):
    db = outcome_town
    everything, one_year = outcomes.summary(db, ADMIN_USER), outcomes.summary(db, ADMIN_USER, 2024)
    ids_2024 = {r[0] for r in db.execute(f"SELECT id FROM projects p WHERE fiscal_year = 2024 AND {LIVE}")}
    assert {r.key for r in one_year.by_project} == ids_2024
    assert sum(r.projects for r in one_year.by_department) == len(ids_2024)
    assert one_year.by_year == everything.by_year and one_year.total == everything.total


def test_town_fields_are_defined_checked_retired_and_still_counted(outcome_town):
    db = outcome_town
    with pytest.raises(UserError, match="すでにあります"):
        outcomes.define_field(db, ADMIN_USER, "削減コスト")
    with pytest.raises(UserError, match="すでにあります"):
        outcomes.define_field(db, ADMIN_USER, "年間削減時間")  # a built-in figure's name
    with pytest.raises(UserError, match="名前を入力"):
        outcomes.define_field(db, ADMIN_USER, "　")
    with pytest.raises(PermissionDenied):
        outcomes.define_field(db, VIEWER, "来庁者の減少", "人")
    cost = outcomes.field_by_name(db, "削減コスト")
    with pytest.raises(UserError, match="整数を入力"):
        outcomes.set_project_values(db, ADMIN_USER, 1, {outcomes.field_by_name(db, "ペーパーレス化した帳票").field_id: 2.5})
    with pytest.raises(UserError, match="負"):
        outcomes.set_project_values(db, ADMIN_USER, 1, {cost.field_id: -1})
    with pytest.raises(UserError, match="整数"):
        outcomes.parse_value("1.5", "帳票", whole=True)
    assert outcomes.parse_value("１，２００", "削減コスト", whole=False) == 1200
    assert outcomes.parse_value("", "削減コスト", whole=False) is None
    total_before = outcomes.summary(db, ADMIN_USER).total.values[cost.key]
    outcomes.edit_field(db, ADMIN_USER, cost.field_id, "削減コスト", "千円", False, retired=True)
    assert cost.key not in [f.key for f in outcomes.fields(db)]
    assert outcomes.summary(db, ADMIN_USER).total.values[cost.key] == total_before  # past sums stay
    outcomes.set_project_values(db, ADMIN_USER, 1, {cost.field_id: 12.5})
    with pytest.raises(UserError, match="整数だけにはできません"):
        outcomes.edit_field(db, ADMIN_USER, cost.field_id, "削減コスト", "千円", True)


def test_values_are_set_cleared_and_audited(outcome_town):
    db = outcome_town
    field_id = outcomes.define_field(db, ADMIN_USER, "来庁者の減少", "人", whole=True)
    outcomes.set_project_values(db, ADMIN_USER, 3, {field_id: 150})
    assert outcomes.project_values(db, ADMIN_USER, 3)[field_id] == 150
    outcomes.set_project_values(db, ADMIN_USER, 3, {field_id: None})
    assert field_id not in outcomes.project_values(db, ADMIN_USER, 3)
    logged = [r[0] for r in db.execute("SELECT action FROM audit_log WHERE action LIKE 'project.outcome%'")]
    assert logged.count("project.outcome_values") >= 2 and "project.outcome_field" in logged


def test_the_project_form_saves_the_project_and_its_fields_all_or_none(outcome_town):
    from app.evaluation import projects

    db = outcome_town
    field_id = outcomes.field_by_name(db, "削減コスト").field_id
    before = db.execute("SELECT count(*) FROM projects").fetchone()[0]
    with pytest.raises(UserError):
        outcomes.save_project(db, ADMIN_USER, None, projects.ProjectInput("新しい取組", 2025), {999: 1.0})
    assert db.execute("SELECT count(*) FROM projects").fetchone()[0] == before
    new_id = outcomes.save_project(db, ADMIN_USER, None, projects.ProjectInput("新しい取組", 2025), {field_id: 75.0})
    assert outcomes.project_values(db, ADMIN_USER, new_id) == {field_id: 75.0}


def test_viewers_read_the_sums(outcome_town):
    assert outcomes.summary(outcome_town, VIEWER).total.projects == 5


def test_cli_outcomes_json_and_projects_list_carry_the_figures(outcome_town, db_path):
    db = outcome_town
    listing = json.loads(run_cli("--db", str(db_path), "projects", "list", "--json").stdout)
    for row in listing:
        hours, systems = db.execute("SELECT hours_saved_per_year, systems_built FROM projects WHERE id = ?",
                                    [row["id"]]).fetchone()
        assert row["outcomes"]["hours_saved_per_year"] == hours and row["outcomes"]["systems_built"] == systems
        stored = dict(db.execute("SELECT f.name, v.value FROM project_outcome_values v JOIN outcome_fields f "
                                 "ON f.id = v.field_id WHERE v.project_id = ?", [row["id"]]).fetchall())
        assert row["outcomes"]["fields"] == stored
    shown = json.loads(run_cli("--db", str(db_path), "outcomes", "summary", "--json").stdout)
    assert shown == json.loads(json.dumps(outcomes.as_json(outcomes.summary(db, ADMIN_USER)), ensure_ascii=False))
    limited = json.loads(run_cli("--db", str(db_path), "outcomes", "summary", "--year", "令和6年度", "--json").stdout)
    assert limited["fiscal_year"] == 2024 and {r["project_id"] for r in limited["by_project"]} == {
        r[0] for r in db.execute(f"SELECT id FROM projects p WHERE fiscal_year = 2024 AND {LIVE}")}
    text = run_cli("--db", str(db_path), "outcomes", "summary").stdout
    assert "令和5年度" in text and "総務部" in text and "年間削減時間（時間）" in text


def test_cli_fields_and_values(outcome_town, db_path):
    db = outcome_town
    assert run_cli("--db", str(db_path), "outcomes", "fields", "add", "来庁者の減少", "--unit", "人",
                   "--whole").returncode == 0
    done = run_cli("--db", str(db_path), "outcomes", "set", "3", "来庁者の減少=１２０", "削減コスト=300")
    assert done.returncode == 0, done.stderr
    values = dict(db.execute("SELECT f.name, v.value FROM project_outcome_values v JOIN outcome_fields f "
                             "ON f.id = v.field_id WHERE v.project_id = 3").fetchall())
    assert values == {"来庁者の減少": 120, "削減コスト": 300}
    refused = run_cli("--db", str(db_path), "outcomes", "set", "3", "来庁者の減少=1.5")
    assert refused.returncode == 1 and "整数" in refused.stderr
    refused = run_cli("--db", str(db_path), "outcomes", "set", "3", "存在しない=1")
    assert refused.returncode == 1 and "存在しない" in refused.stderr
    assert run_cli("--db", str(db_path), "outcomes", "fields", "edit", "来庁者の減少", "--retire").returncode == 0
    listed = json.loads(run_cli("--db", str(db_path), "outcomes", "fields", "list", "--json").stdout)
    assert next(f for f in listed if f["name"] == "来庁者の減少")["retired"] is True


def test_cli_chart_pdf_has_the_labels_in_the_bundled_font_only(outcome_town, db_path, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "hours.pdf"
    done = run_cli("--db", str(db_path), "outcomes", "chart", "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = PdfReader(out).pages[0].extract_text()
    for label in ("年間削減時間", "令和5年度", "令和6年度", "令和7年度", "1,250.5", "680", "時間"):
        assert label in text, (label, text)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all(name.split("+")[-1] == "IPAexGothic" for name in names), fonts
    again = run_cli("--db", str(db_path), "outcomes", "chart", "--out", str(out))
    assert again.returncode == 1 and "すでにあります" in again.stderr
    cost = outcomes.field_by_name(outcome_town, "削減コスト")
    svg = tmp_path / "cost.svg"
    done = run_cli("--db", str(db_path), "outcomes", "chart", "--out", str(svg), "--figure", cost.key, "--cumulative")
    assert done.returncode == 0, done.stderr
    total = outcome_town.execute(f"SELECT sum(value) FROM project_outcome_values v JOIN projects p ON p.id = v.project_id "
                                 f"WHERE field_id = ? AND {LIVE}", [cost.field_id]).fetchone()[0]
    text = svg.read_text(encoding="utf-8")
    assert "削減コスト（令和5年度からの累計）" in text and f">{total:,.0f}<" in text and "（千円）" in text
    wrong = run_cli("--db", str(db_path), "outcomes", "chart", "--out", str(tmp_path / "x.png"))
    assert wrong.returncode == 1 and ".pdf" in wrong.stderr


def test_the_register_check_passes_with_outcomes(outcome_town, db_path):
    assert run_cli("--db", str(db_path), "check").returncode == 0
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM outcome_fields").fetchone()[0] == 2
    finally:
        conn.close()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20), st.booleans())
def test_a_typed_figure_is_a_finite_non_negative_number_or_a_japanese_refusal(text, whole):
    try:
        value = outcomes.parse_value(text, "削減コスト", whole)
    except UserError as exc:
        assert "削減コスト" in str(exc)
        return
    assert value is None or (value >= 0 and value == value and value != float("inf"))
    assert value is None or not whole or value == int(value)
