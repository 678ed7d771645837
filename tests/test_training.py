"""Training events and attendance on a real register: the services, project workshops as events, the demo's
events, the attendance import (every refusal by file, row and column, changing nothing) and the CLI."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from app.certification import eligibility
from app.demo.training import EVENTS, load_training
from app.errors import PermissionDenied, UserError
from app.evaluation import projects
from app.register.accounts import Role, User
from app.tabular import write_xlsx
from app.training import attendance, attendance_import, events
from app.training.events import EventInput
from tests.conftest import ADMIN_USER, run_cli
from tests.test_import_fuzz import digest

TODAY = date(2026, 3, 31)
VIEWER = User(2, "etsuran", "閲覧 次郎", Role.VIEWER)
EVALUATOR = User(3, "hyoka", "評価 三郎", Role.EVALUATOR)


def staff(db, n: int, offset: int = 0) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in db.execute(
        "SELECT id, staff_no FROM staff WHERE status = 'active' ORDER BY id LIMIT ? OFFSET ?", [n, offset])]


def lecture(db) -> int:
    return events.create_event(db, EventInput("講演会「自治体DX」", "lecture", date(2025, 11, 20), None, 1.5, "企画課",
                                              "全職員"), ADMIN_USER)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


# -- events ------------------------------------------------------------------------------------------

def test_an_event_is_stored_listed_and_audited(demo_db):
    event_id = events.create_event(demo_db, EventInput(" データ利活用研修 ", "external", date(2025, 9, 1), date(2025, 9, 5),
                                                       30, "市町村職員中央研修所", "推薦者"), ADMIN_USER)
    row = events.event(demo_db, event_id)
    assert (row["title"], row["kind"], row["starts_on"], row["ends_on"], row["hours"]) == (
        "データ利活用研修", "external", "2025-09-01", "2025-09-05", 30)
    assert [r["id"] for r in events.list_events(demo_db, VIEWER, 2025)] == [event_id]
    assert events.list_events(demo_db, VIEWER, 2024) == []
    assert events.list_events(demo_db, VIEWER, kind="lecture") == []
    assert events.list_events(demo_db, VIEWER)[0]["kind_label"] == "外部講座"
    assert events.fiscal_years(demo_db, VIEWER) == [2025]
    assert demo_db.execute("SELECT count(*) FROM audit_log WHERE action = 'training.create'").fetchone()[0] == 1


@pytest.mark.parametrize("change, words", [
    ({"title": "  "}, "研修名"),
    ({"kind": "party"}, "種類"),
    ({"ends_on": date(2025, 10, 31)}, "最終日"),
    ({"hours": -1}, "時間"),
    ({"hours": 5000}, "時間"),
    ({"project_id": 999}, "999"),
])
def test_a_wrong_event_is_refused_and_nothing_is_written(demo_db, change, words):
    data = EventInput("勉強会", "study", date(2025, 11, 1), None, 1.0)
    for key, value in change.items():
        setattr(data, key, value)
    before = digest(demo_db)
    with pytest.raises(UserError, match=words):
        events.create_event(demo_db, data, ADMIN_USER)
    assert digest(demo_db) == before


def test_kinds_are_read_as_typed():
    assert [events.kind_from_text(t) for t in ("研修", "勉強会", "ワークショップ", "講演会", "e-learning", "外部講座",
                                               "workshop", "ｅラーニング")] == [
        "training", "study", "workshop", "lecture", "elearning", "external", "workshop", "elearning"]
    with pytest.raises(UserError, match="宴会"):
        events.kind_from_text("宴会")


def test_only_the_administrator_changes_and_a_viewer_reads(demo_db):
    event_id = lecture(demo_db)
    for user in (VIEWER, EVALUATOR):
        with pytest.raises(PermissionDenied):
            events.create_event(demo_db, EventInput("x", "study", date(2025, 1, 1)), user)
        with pytest.raises(PermissionDenied):
            attendance.set_attendance(demo_db, event_id, [], user)
    with pytest.raises(PermissionDenied):
        events.list_events(demo_db, EVALUATOR)
    assert attendance.attendees(demo_db, VIEWER, event_id) == []


# -- attendance -----------------------------------------------------------------------------------------

def test_attendance_is_replaced_all_or_nothing_and_keeps_hours(demo_db):
    event_id = lecture(demo_db)
    people = [s for s, _no in staff(demo_db, 5)]
    assert attendance.set_attendance(demo_db, event_id, people[:3], ADMIN_USER) == {"added": 3, "removed": 0, "attendees": 3}
    attendance.add_attendance(demo_db, event_id, people[3:4], ADMIN_USER, hours=0.5)
    result = attendance.set_attendance(demo_db, event_id, people[1:], ADMIN_USER)
    assert result == {"added": 1, "removed": 1, "attendees": 4}
    hours = dict(demo_db.execute("SELECT staff_id, hours FROM training_attendance WHERE event_id = ?", [event_id]).fetchall())
    assert hours == {people[1]: None, people[2]: None, people[3]: 0.5, people[4]: None}
    shown = {p["staff_id"]: p["hours"] for p in attendance.attendees(demo_db, ADMIN_USER, event_id)}
    assert shown == {people[1]: 1.5, people[2]: 1.5, people[3]: 0.5, people[4]: 1.5}
    before = digest(demo_db)
    with pytest.raises(UserError):
        attendance.set_attendance(demo_db, event_id, [people[0], 999_999], ADMIN_USER)
    assert digest(demo_db) == before


def test_a_whole_section_is_picked_at_once(demo_db):
    unit_id, = demo_db.execute("SELECT id FROM org_units WHERE kind = 'section' AND name = '財政課'").fetchone()
    on = date(2025, 11, 20)
    picked = attendance.staff_in_units(demo_db, ADMIN_USER, [unit_id], on)
    expected = sorted({r[0] for r in demo_db.execute(
        """SELECT a.staff_id FROM staff_assignments a JOIN org_units u ON u.id = a.unit_id
           WHERE a.is_primary = 1 AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
           AND (u.id = ? OR u.parent_id = ?)""", [on.isoformat(), on.isoformat(), unit_id, unit_id])})
    assert picked == expected and len(picked) > 3


def test_removing_an_event_takes_its_attendance_but_not_one_with_a_survey(demo_db):
    event_id = lecture(demo_db)
    attendance.set_attendance(demo_db, event_id, [s for s, _ in staff(demo_db, 3)], ADMIN_USER)
    other = lecture(demo_db)
    demo_db.execute("INSERT INTO survey_questions (event_id, position, text) VALUES (?, 1, '満足度')", [other])
    events.remove_event(demo_db, event_id, ADMIN_USER)
    assert demo_db.execute("SELECT count(*) FROM training_attendance WHERE event_id = ?", [event_id]).fetchone()[0] == 0
    with pytest.raises(UserError, match="アンケート"):
        events.remove_event(demo_db, other, ADMIN_USER)


def test_person_training_lists_what_a_person_attended(demo_db):
    event_id = lecture(demo_db)
    person = staff(demo_db, 1)[0][0]
    attendance.set_attendance(demo_db, event_id, [person], ADMIN_USER)
    rows = attendance.person_training(demo_db, VIEWER, person)
    assert [(r["title"], r["hours"], r["kind_label"]) for r in rows] == [("講演会「自治体DX」", 1.5, "講演会")]


# -- project workshops are training events -------------------------------------------------------------

def test_project_sessions_are_workshop_events_and_every_workshop_counts(town):
    project_id = projects.list_projects(town, ADMIN_USER)[0]["id"]
    sessions = projects.sessions(town, ADMIN_USER, project_id)
    listed = {r["id"]: r for r in events.list_events(town, ADMIN_USER, kind="workshop")}
    assert sessions and all(listed[s["id"]]["project_id"] == project_id for s in sessions)
    member = projects.members(town, ADMIN_USER, project_id)[0]
    before = eligibility.gather_facts(town, ADMIN_USER, "moka", date(2026, 3, 31), [member["staff_id"]])
    shared = events.create_event(town, EventInput("全体ワークショップ", "workshop", date(2025, 5, 15), None, 2), ADMIN_USER)
    talk = lecture(town)
    attendance.set_attendance(town, shared, [member["staff_id"]], ADMIN_USER)
    attendance.set_attendance(town, talk, [member["staff_id"]], ADMIN_USER)
    after = eligibility.gather_facts(town, ADMIN_USER, "moka", date(2026, 3, 31), [member["staff_id"]])
    assert after[member["staff_id"]].sessions == before[member["staff_id"]].sessions + 1  # the lecture does not count
    direct = town.execute("""SELECT count(*) FROM training_attendance a JOIN training_events e ON e.id = a.event_id
                             WHERE a.staff_id = ? AND e.kind = 'workshop'""", [member["staff_id"]]).fetchone()[0]
    assert after[member["staff_id"]].sessions == direct
    assert projects.members(town, ADMIN_USER, project_id)[0]["sessions_attended"] == member["sessions_attended"]


def test_the_demo_training_fills_every_kind(town):
    ids = load_training(town, "test")
    assert len(ids) == len(EVENTS)
    kinds = {r["kind"] for r in events.list_events(town, ADMIN_USER)}
    assert kinds == set(events.KINDS)
    counts = dict(town.execute("SELECT event_id, count(*) FROM training_attendance GROUP BY event_id").fetchall())
    assert all(counts.get(i, 0) >= 1 for i in ids)
    on_teams = {r[0] for r in town.execute("SELECT staff_id FROM project_members")}
    shared = ids[1]
    assert not on_teams & set(attendance.attendee_ids(town, ADMIN_USER, shared))  # the candidates stay as they were


# -- the attendance import ----------------------------------------------------------------------------------

@pytest.fixture
def sheet_town(demo_db):
    event_id = lecture(demo_db)
    course = events.create_event(demo_db, EventInput("データ利活用研修", "external", date(2025, 9, 1), date(2025, 9, 5), 30),
                                 ADMIN_USER)
    return demo_db, event_id, course


def test_a_good_file_is_previewed_then_imported(sheet_town, tmp_path):
    db, event_id, course = sheet_town
    (a, no_a), (b, no_b), (c, no_c) = staff(db, 3)
    attendance.set_attendance(db, event_id, [a], ADMIN_USER)
    path = write_csv(tmp_path / "受講.csv", [["職員番号", "研修", "日付", "時間"], [no_a, "講演会「自治体DX」", "令和7年11月20日", ""],
                                            [no_b, "講演会「自治体DX」", "2025/11/20", "1"], [no_c, str(course), "2025-09-03", "18"],
                                            ["", "", "", ""]])
    before = digest(db)
    preview = attendance_import.preview_file(db, ADMIN_USER, path, TODAY)
    assert (preview.errors, preview.added, preview.unchanged, len(preview.events)) == ([], 2, 1, 2)
    assert digest(db) == before  # the preview writes nothing
    attendance_import.commit(db, ADMIN_USER, preview)
    rows = db.execute("SELECT event_id, staff_id, hours, source FROM training_attendance ORDER BY event_id, staff_id").fetchall()
    assert sorted(rows) == sorted([(event_id, a, None, "app"), (event_id, b, 1.0, "import"), (course, c, 18.0, "import")])


def test_an_xlsx_file_reads_the_same(sheet_town, tmp_path):
    db, event_id, _course = sheet_town
    (_a, no_a), = staff(db, 1)
    path = tmp_path / "受講.xlsx"
    write_xlsx(path, ["職員番号", "研修名", "受講日"], [[no_a, "講演会「自治体DX」", "R7.11.20"]], "受講")
    preview = attendance_import.preview_file(db, ADMIN_USER, path, TODAY)
    assert preview.errors == [] and preview.added == 1


@pytest.mark.parametrize("row, problem", [
    (["999999", "講演会「自治体DX」", "2025-11-20", ""], "2 行目、列「職員番号」: 職員番号 999999"),
    (["{no}", "講演会「自治体DX」", "2026-05-01", ""], "2 行目、列「日付」: 2026年5月1日 は未来の日付"),
    (["{no}", "存在しない研修", "2025-11-20", ""], "2 行目、列「研修」: 研修「存在しない研修」はありません"),
    (["{no}", "講演会「自治体DX」", "2025-11-21", ""], "2 行目、列「日付」: 「講演会「自治体DX」」は 2025年11月21日 に開催されていません"),
    (["{no}", "講演会「自治体DX」", "きのう", ""], "2 行目、列「日付」"),
    (["{no}", "講演会「自治体DX」", "2025-11-20", "二時間"], "2 行目、列「時間」"),
    (["{no}", "講演会「自治体DX」", "2025-11-20", "-3"], "2 行目、列「時間」"),
    (["", "講演会「自治体DX」", "2025-11-20", ""], "2 行目、列「職員番号」: 職員番号が空"),
])
def test_a_wrong_row_is_refused_with_row_and_column_and_nothing_changes(sheet_town, tmp_path, row, problem):
    db, _event_id, _course = sheet_town
    (_a, no_a), (_b, no_b) = staff(db, 2)
    row = [cell.format(no=no_a) for cell in row]
    path = write_csv(tmp_path / "受講.csv", [["職員番号", "研修", "日付", "時間"], row, [no_b, "講演会「自治体DX」", "2025-11-20", ""]])
    before = digest(db)
    preview = attendance_import.preview_file(db, ADMIN_USER, path, TODAY)
    assert len(preview.errors) == 1 and preview.errors[0].startswith("受講.csv, ")
    assert problem in preview.errors[0], preview.errors
    with pytest.raises(UserError, match="何も書き込んでいません|書き込みませんでした|エラー"):
        attendance_import.commit(db, ADMIN_USER, preview)
    assert digest(db) == before


def test_a_duplicate_row_names_both_rows(sheet_town, tmp_path):
    db, _event_id, _course = sheet_town
    (_a, no_a), = staff(db, 1)
    path = write_csv(tmp_path / "受講.csv", [["職員番号", "研修", "日付"], [no_a, "講演会「自治体DX」", "2025-11-20"],
                                            [no_a, "講演会「自治体DX」", "R7.11.20"]])
    preview = attendance_import.preview_file(db, ADMIN_USER, path, TODAY)
    assert preview.errors == ["受講.csv, 3 行目、列「職員番号」: この人のこの研修は 2 行目にもあります（重複した行）"]


def test_a_file_without_the_needed_columns_is_refused_naming_them(sheet_town, tmp_path):
    db, _event_id, _course = sheet_town
    path = write_csv(tmp_path / "受講.csv", [["職員番号", "氏名"], ["100001", "山田"]])
    with pytest.raises(UserError, match="受講.csv.*研修、日付"):
        attendance_import.preview_file(db, ADMIN_USER, path, TODAY)


def test_a_viewer_cannot_import(sheet_town, tmp_path):
    db, _event_id, _course = sheet_town
    path = write_csv(tmp_path / "受講.csv", [["職員番号", "研修", "日付"]])
    with pytest.raises(PermissionDenied):
        attendance_import.preview_file(db, VIEWER, path, TODAY)


# -- CLI -------------------------------------------------------------------------------------------------

def test_cli_add_list_attendance_edit_remove(demo_db, db_path):
    (_a, no_a), (_b, no_b) = staff(demo_db, 2)
    demo_db.close()
    result = run_cli("--db", str(db_path), "training", "add", "生成AI勉強会", "--kind", "勉強会", "--date", "R8.1.22",
                     "--hours", "1.5", "--organiser", "企画課", "--attended", no_a, "--section", "財政課", "--json")
    assert result.returncode == 0, result.stderr
    added = json.loads(result.stdout)
    listed = json.loads(run_cli("--db", str(db_path), "training", "list", "--year", "2025", "--json").stdout)
    assert [(r["id"], r["title"], r["kind"], r["attendees"]) for r in listed] == [
        (added["id"], "生成AI勉強会", "study", added["attendees"])]
    result = run_cli("--db", str(db_path), "training", "attendance", str(added["id"]), "--attended", no_a, no_b, "--json")
    assert json.loads(result.stdout)["attendees"] == 2
    assert run_cli("--db", str(db_path), "training", "edit", str(added["id"]), "--hours", "2").returncode == 0
    shown = json.loads(run_cli("--db", str(db_path), "training", "show", str(added["id"]), "--json").stdout)
    assert shown["hours"] == 2 and {p["staff_no"] for p in shown["attendees"]} == {no_a, no_b}
    refused = run_cli("--db", str(db_path), "training", "add", "x", "--kind", "宴会", "--date", "2025-01-01")
    assert refused.returncode == 1 and "宴会" in refused.stderr
    assert run_cli("--db", str(db_path), "training", "remove", str(added["id"])).returncode == 0
    assert json.loads(run_cli("--db", str(db_path), "training", "list", "--json").stdout) == []


def test_cli_import_refuses_a_bad_file_with_exit_1_and_imports_a_good_one(demo_db, db_path, tmp_path):
    lecture(demo_db)
    (_a, no_a), = staff(demo_db, 1)
    demo_db.close()
    bad = write_csv(tmp_path / "bad.csv", [["職員番号", "研修", "日付"], ["999999", "講演会「自治体DX」", "2025-11-20"],
                                           [no_a, "講演会「自治体DX」", "2099-01-01"]])
    result = run_cli("--db", str(db_path), "training", "import", str(bad), "--json")
    assert result.returncode == 1
    answer = json.loads(result.stdout)
    assert answer["imported"] is False and len(answer["errors"]) == 2 and "bad.csv, 2 行目" in result.stderr
    good = write_csv(tmp_path / "good.csv", [["職員番号", "研修", "日付"], [no_a, "講演会「自治体DX」", "2025-11-20"]])
    dry = run_cli("--db", str(db_path), "training", "import", str(good), "--dry-run")
    assert dry.returncode == 0 and "追加 1" in dry.stdout
    result = run_cli("--db", str(db_path), "training", "import", str(good), "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["imported"] is True
    shown = json.loads(run_cli("--db", str(db_path), "training", "show", "1", "--json").stdout)
    assert [(p["staff_no"], p["source"]) for p in shown["attendees"]] == [(no_a, "import")]


# -- fuzzing the attendance importer (the campaign of tests/test_import_fuzz.py) ----------------------------

@pytest.fixture(scope="module")
def attendance_template(tmp_path_factory) -> tuple[Path, list[list[str]]]:
    from app.db import open_database
    from app.demo.town import generate_town, load_town

    path = tmp_path_factory.mktemp("attendance") / "template.sqlite"
    result = open_database(path)
    load_town(result.db, generate_town(40, seed=6), "test")
    lecture(result.db)
    numbers = [r[0] for r in result.db.execute("SELECT staff_no FROM staff WHERE status = 'active' LIMIT 12")]
    result.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result.db.close()
    rows = [["職員番号", "研修", "日付", "時間"]] + [[no, "講演会「自治体DX」", "令和7年11月20日", ["", "1", "1.5"][i % 3]]
                                                 for i, no in enumerate(numbers)]
    return path, rows


@pytest.mark.reliability
def test_fuzz_attendance_import(attendance_template, tmp_path):
    import random

    from hypothesis import given
    from hypothesis import strategies as st

    from app import i18n
    from tests.test_import_fuzz import SETTINGS, Figures, Register, commit_unless_refused, run_case, staff_file

    i18n.install("ja")
    template, rows = attendance_template
    register = Register(template, tmp_path)
    figures = Figures()
    files = tmp_path / "files"
    files.mkdir()

    @SETTINGS
    @given(seed=st.integers(0, 2**32 - 1))
    def case(seed: int) -> None:
        rnd = random.Random(seed)
        path = staff_file(rnd, files, rows).rename(files / rnd.choice(["受講記録.csv", "受講記録.xlsx"]))

        def attempt() -> list[str] | None:
            preview = attendance_import.preview_file(register.db, ADMIN_USER, path, TODAY)
            return commit_unless_refused(preview.errors, lambda: attendance_import.commit(register.db, ADMIN_USER, preview),
                                         lambda: preview.errors)

        run_case(figures, register, path, attempt)

    try:
        case()
    finally:
        register.close()
    figures.check("attendance-import-fuzz")


def test_the_audit_log_tells_of_training_in_sentences(demo_db):
    from app.overview import audit_log

    event_id = lecture(demo_db)
    data = events.event_input(demo_db, event_id)
    data.hours = 2.0
    events.update_event(demo_db, event_id, data, ADMIN_USER)
    attendance.set_attendance(demo_db, event_id, [s for s, _ in staff(demo_db, 3)], ADMIN_USER)
    events.remove_event(demo_db, event_id, ADMIN_USER)
    entries = [e for e in audit_log.recent(demo_db, ADMIN_USER, limit=10) if e["action"].startswith("training.")]
    sentences = audit_log.describe(demo_db, entries)
    assert sentences == [
        "研修「講演会「自治体DX」」（令和7年11月20日）とその受講記録 3 人分を削除しました。",
        "研修 1 の受講者を変更しました（追加 3 人、削除 0 人、受講 3 人）。",
        "研修「講演会「自治体DX」」を変更しました：時間：1.5 → 2.0。",
        "研修「講演会「自治体DX」」（令和7年11月20日）を登録しました。",
    ]


def test_the_projects_screen_sets_its_members_attendance_and_keeps_others_entered_on_training(town):
    project_id = projects.list_projects(town, ADMIN_USER)[0]["id"]
    session = projects.sessions(town, ADMIN_USER, project_id)[0]
    members = [m["staff_id"] for m in projects.members(town, ADMIN_USER, project_id) if m["role"] != "owner"]
    outsider = town.execute("SELECT id FROM staff WHERE status = 'active' AND id NOT IN (SELECT staff_id FROM project_members)"
                            " LIMIT 1").fetchone()[0]
    attendance.add_attendance(town, session["id"], [outsider], ADMIN_USER)
    projects.set_attendance(town, session["id"], members[:1], ADMIN_USER)
    assert set(attendance.attendee_ids(town, ADMIN_USER, session["id"])) == {members[0], outsider}
