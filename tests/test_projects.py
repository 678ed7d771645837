"""Projects, members, sessions and member import on a real register; the CLI commands for them."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.overview import audit_log
from app.evaluation import ratings
from app.evaluation import projects
from app.errors import UserError
from tests.conftest import ADMIN_USER, truncate_worksheet_xml, run_cli

ROOT = Path(__file__).resolve().parent.parent


def _staff_nos(db, n: int, offset: int = 0) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in db.execute(
        "SELECT id, staff_no FROM staff WHERE status = 'active' ORDER BY id LIMIT ? OFFSET ?", [n, offset])]


def _counts(db) -> tuple:
    return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("projects", "project_members", "training_events", "training_attendance", "audit_log"))


@pytest.fixture
def project_id(demo_db):
    return projects.create_project(demo_db, projects.ProjectInput("会計事務の電子決裁化", 2025, theme="内部事務処理"), ADMIN_USER)


def test_project_fields_round_trip_and_realisation_is_audited(demo_db, project_id):
    data = projects.project_input(demo_db, project_id)
    assert data.name == "会計事務の電子決裁化" and data.status == "planned" and data.template_id
    data.status, data.realisation, data.realisation_decided_on = "completed", "trial", date(2026, 3, 10)
    data.realisation_decided_by = "部長会議"
    data.hours_saved_per_year, data.procedures_online, data.systems_built = 260.5, 0, 1
    data.starts_on, data.ends_on = date(2025, 6, 1), date(2026, 3, 31)
    projects.update_project(demo_db, project_id, data, ADMIN_USER)
    assert projects.project_input(demo_db, project_id) == data
    entry = audit_log.recent(demo_db, ADMIN_USER, 1)[0]
    assert entry["action"] == "project.realisation" and "trial" in entry["after_json"]
    row = projects.list_projects(demo_db, ADMIN_USER, 2025)[0]
    assert (row["status"], row["realisation"], row["members"]) == ("completed", "trial", 0)
    assert projects.list_projects(demo_db, ADMIN_USER, 2024) == []


@pytest.mark.parametrize("change, message", [
    (dict(name="  "), "プロジェクト名"),
    (dict(realisation="trial"), "決定した日付"),
    (dict(starts_on=date(2025, 6, 1), ends_on=date(2025, 5, 1)), "終了日"),
    (dict(hours_saved_per_year=-1.0), "負の値"),
    (dict(fiscal_year=25), "範囲外"),
    (dict(starts_on=date(1800, 4, 1)), "開始日: 1800年4月1日はこのプログラムで扱える日付の範囲外"),
    (dict(realisation="trial", realisation_decided_on=date(2201, 1, 1)), "範囲外"),
])
def test_bad_project_input_is_refused_and_nothing_written(demo_db, project_id, change, message):
    before = _counts(demo_db)
    with pytest.raises(UserError, match=message):
        projects.create_project(demo_db, projects.ProjectInput(**{"name": "x", "fiscal_year": 2025, **change}), ADMIN_USER)
    assert _counts(demo_db) == before


def test_members_roles_and_refusals(demo_db, admin, project_id):
    (a, _), (b, _), (c, _) = _staff_nos(demo_db, 3, offset=40)
    projects.add_member(demo_db, project_id, a, "proposer", ADMIN_USER)
    projects.add_member(demo_db, project_id, b, "member", ADMIN_USER)
    projects.add_member(demo_db, project_id, c, "owner", ADMIN_USER)
    with pytest.raises(UserError, match="既にこのプロジェクト"):
        projects.add_member(demo_db, project_id, a, "member", ADMIN_USER)
    with pytest.raises(UserError, match="不明な役割"):
        projects.add_member(demo_db, project_id, 999, "boss", ADMIN_USER)
    projects.set_member_role(demo_db, project_id, b, "leader", ADMIN_USER)
    roles = {m["staff_id"]: m["role"] for m in projects.members(demo_db, ADMIN_USER, project_id)}
    assert roles == {a: "proposer", b: "leader", c: "owner"}
    assert [m["role"] for m in projects.members(demo_db, ADMIN_USER, project_id)][0] == "owner", "owners are listed first"
    ratings.apply_suggestions(demo_db, project_id, ADMIN_USER)
    assignment = next(x for x in ratings.project_assignments(demo_db, admin, project_id) if x["target_staff_id"] == a)
    form = ratings.open_form(demo_db, admin, assignment["id"])
    ratings.save_answers(demo_db, admin, assignment["id"], {form.criteria[0].id: ratings.Answer(3)})
    with pytest.raises(UserError, match="外すことはできません"):
        projects.remove_member(demo_db, project_id, a, ADMIN_USER)
    ratings.remove_assignment(demo_db, assignment["id"], ADMIN_USER)
    projects.remove_member(demo_db, project_id, a, ADMIN_USER)
    assert a not in {m["staff_id"] for m in projects.members(demo_db, ADMIN_USER, project_id)}


def test_sessions_record_attendance_of_members_only(demo_db, project_id):
    (a, _), (b, _), (outsider, _) = _staff_nos(demo_db, 3, offset=60)
    for staff_id in (a, b):
        projects.add_member(demo_db, project_id, staff_id, "member", ADMIN_USER)
    session = projects.add_session(demo_db, project_id, date(2025, 6, 12), "ワークショップ第1回", 2.0, [a, b], ADMIN_USER)
    projects.add_session(demo_db, project_id, date(2025, 7, 10), "ワークショップ第2回", 2.0, [a], ADMIN_USER)
    before = _counts(demo_db)
    with pytest.raises(UserError, match="メンバーだけ"):
        projects.add_session(demo_db, project_id, date(2025, 8, 7), "第3回", 2.0, [a, outsider], ADMIN_USER)
    assert _counts(demo_db) == before
    attended = {m["staff_id"]: m["sessions_attended"] for m in projects.members(demo_db, ADMIN_USER, project_id)}
    assert attended == {a: 2, b: 1}
    projects.set_attendance(demo_db, session, [b], ADMIN_USER)
    assert {m["staff_id"]: m["sessions_attended"] for m in projects.members(demo_db, ADMIN_USER, project_id)} == {a: 1, b: 1}
    projects.remove_session(demo_db, session, ADMIN_USER)
    assert [s["title"] for s in projects.sessions(demo_db, ADMIN_USER, project_id)] == ["ワークショップ第2回"]


def test_member_import_from_cp932_csv_and_xlsx(demo_db, project_id, tmp_path):
    people = _staff_nos(demo_db, 4, offset=80)
    csv_file = tmp_path / "members.csv"
    csv_file.write_bytes(("職員番号,氏名,役割\r\n" + f"{people[0][1]},,提案者\r\n{people[1][1]},,\r\n").encode("cp932"))
    preview = projects.preview_member_import(demo_db, ADMIN_USER, project_id, csv_file)
    assert not preview.errors and [(s, r) for s, r, _n in preview.to_add] == [(people[0][0], "proposer"), (people[1][0], "member")]
    projects.commit_member_import(demo_db, project_id, preview, ADMIN_USER)
    book = Workbook()
    sheet = book.active
    sheet.append(["職員番号", "役割"])
    sheet.append([int(people[1][1]), "リーダー"])  # a number cell, as Excel stores staff numbers
    sheet.append([people[2][1], "メンバー"])
    book.save(tmp_path / "members.xlsx")
    preview = projects.preview_member_import(demo_db, ADMIN_USER, project_id, tmp_path / "members.xlsx")
    assert not preview.errors, preview.errors
    assert [(s, old, new) for s, old, new, _n in preview.role_changes] == [(people[1][0], "member", "leader")]
    assert [s for s, _r, _n in preview.to_add] == [people[2][0]]


def test_member_import_of_a_workbook_with_malformed_xml_is_refused_naming_the_file(demo_db, project_id, tmp_path):
    path = tmp_path / "メンバー.xlsx"
    book = Workbook()
    book.active.append(["職員番号", "役割"])
    for _staff_id, staff_no in _staff_nos(demo_db, 40):
        book.active.append([staff_no, "メンバー"])
    book.save(path)
    truncate_worksheet_xml(path)
    with pytest.raises(UserError, match="メンバー.xlsx は壊れていて"):
        projects.preview_member_import(demo_db, ADMIN_USER, project_id, path)
    assert projects.members(demo_db, ADMIN_USER, project_id) == []


@pytest.mark.parametrize("content, message", [
    ("氏名,役割\r\n髙橋,メンバー\r\n", "「職員番号」列がありません"),
    ("職員番号,役割\r\n{no},メンバー\r\n{no},リーダー\r\n", "3 行目「職員番号」列：{no} が重複"),
    ("職員番号,役割\r\n{no},部長\r\n", "2 行目「役割」列：不明な役割「部長」"),
    ("職員番号,役割\r\n999999,メンバー\r\n", "職員番号 999999 の在職者はいません"),
    ("職員番号,役割\r\n", "メンバーの行がありません"),
    ("職員番号,役割\r\n=cmd|' /C calc'!A0,メンバー\r\n", "在職者はいません"),
])
def test_member_import_errors_name_the_row_and_column_and_write_nothing(demo_db, project_id, tmp_path, content, message):
    staff_no = _staff_nos(demo_db, 1, offset=90)[0][1]
    path = tmp_path / "メンバー.csv"
    path.write_bytes(content.format(no=staff_no).encode("cp932"))
    before = _counts(demo_db)
    try:
        preview = projects.preview_member_import(demo_db, ADMIN_USER, project_id, path)
    except UserError as exc:
        errors = [str(exc)]
    else:
        errors = preview.errors
        with pytest.raises(UserError, match="何も書き込んでいません"):
            projects.commit_member_import(demo_db, project_id, preview, ADMIN_USER)
    assert any(message.format(no=staff_no) in e for e in errors), errors
    assert all("メンバー.csv" in e for e in errors)
    assert _counts(demo_db) == before


def _cli(db_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return run_cli("--db", str(db_path), *args, stdin=stdin, cwd=ROOT)


def test_cli_projects_and_summary(tmp_path):
    db_path = tmp_path / "town.sqlite"
    assert _cli(db_path, "demo").returncode == 0
    listing = json.loads(_cli(db_path, "projects", "list", "--json").stdout)
    assert [p["theme"] for p in listing] == ["外部事業者連携", "内部事務処理", "窓口業務"]
    added = _cli(db_path, "projects", "add", "庁内チャットの導入", "--year", "2026", "--section", "デジタル戦略課")
    assert added.returncode == 0, added.stderr
    new_id = max(p["id"] for p in json.loads(_cli(db_path, "projects", "list", "--json").stdout))
    members = tmp_path / "m.csv"
    members.write_text("職員番号,役割\n100010,提案者\n100011,メンバー\n", encoding="utf-8")
    dry = _cli(db_path, "projects", "import", str(new_id), str(members), "--dry-run", "--json")
    assert json.loads(dry.stdout)["added"] == 2 and not json.loads(dry.stdout)["written"]
    assert _cli(db_path, "projects", "import", str(new_id), str(members)).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("職員番号\n1\n", encoding="utf-8")
    refused = _cli(db_path, "projects", "import", str(new_id), str(bad))
    assert refused.returncode == 1 and "bad.csv の 2 行目「職員番号」列" in refused.stderr

    summary = json.loads(_cli(db_path, "evaluations", "summary", "--project", "1", "--json").stdout)
    assert summary["aggregation"] == "mean" and len(summary["rows"]) == 12
    assert {r["perspective"] for r in summary["rows"]} == {"policy", "leadership", "ict"}
    # The team still under way has perspectives below their minimum number of raters.
    text = _cli(db_path, "evaluations", "summary", "--project", "3").stdout
    assert "評価者数不足" in text
    running = json.loads(_cli(db_path, "evaluations", "summary", "--project", "3", "--json").stdout)["rows"]
    lone = [r for r in running if 1 <= r["raters"] < r["min_raters"]]
    assert lone and all(r["value"] is r["lowest"] is r["highest"] is r["spread"] is None for r in lone)
    assert all(r["lowest"] is not None for r in running if r["raters"] >= r["min_raters"])

    user = _cli(db_path, "user", "add", "admin", "--role", "admin", "--password-stdin", stdin="correct horse 2\n")
    assert user.returncode == 0
    linked = _cli(db_path, "user", "add", "kacho", "--staff-no", "100010", "--password-stdin", stdin="correct horse 2\n")
    assert linked.returncode == 0, linked.stderr
    assert json.loads(_cli(db_path, "user", "list", "--json").stdout)[-1]["staff_id"] is not None
    again = _cli(db_path, "user", "add", "kacho2", "--staff-no", "100010", "--password-stdin", stdin="correct horse 2\n")
    assert again.returncode == 1 and "既にアカウント kacho" in again.stderr
