"""ホーム (issue 16 item 4): every tile's figure on the demo town against direct SQL, the viewer's aggregate-only
view, the backups and the check, and `dashboard [--json]`.

The SQL here is written apart from the services: who is in service with a primary assignment on the day,
certifications decided by then and not revoked, the year's coverage rule, assignments not yet submitted,
qualifications expiring within 90 days and not renewed. The demo's 令和8年度 is looked at on 2026-12-01.
"""

from __future__ import annotations

import json
import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.demo.qualifications import load_qualifications
from app.demo.targets import load_targets
from app.errors import PermissionDenied
from app.overview import dashboard, maintenance
from app.register.accounts import Role, User
from tests.conftest import ADMIN_USER, run_cli

TODAY = date(2026, 12, 1)
VIEWER = User(901, "viewer", "閲覧者", Role.VIEWER)
EVALUATOR = User(902, "rater", "評価者", Role.EVALUATOR)

POPULATION = """
SELECT s.id, CASE WHEN u.kind = 'section' THEN u.id WHEN u.kind = 'unit' AND p.kind = 'section' THEN p.id END
FROM staff s
JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_from <= :on
     AND coalesce(a.valid_to, '9999-12-31') >= :on
JOIN org_units u ON u.id = a.unit_id LEFT JOIN org_units p ON p.id = u.parent_id
WHERE NOT (s.status = 'retired' AND s.retired_on < :on)
"""


@pytest.fixture
def demo(town):
    load_targets(town, "test")
    load_qualifications(town, "test", TODAY)
    return town


def sql_people(db) -> dict[int, int | None]:
    return dict(db.execute(POPULATION, {"on": TODAY.isoformat()}).fetchall())


def sql_certified(db, level: str | None = None) -> set[int]:
    day = TODAY.isoformat()
    rows = db.execute("""SELECT DISTINCT staff_id FROM certifications
                         WHERE scheme_family = (SELECT family FROM cert_schemes ORDER BY id LIMIT 1)
                           AND decided_on <= ? AND (status = 'active' OR revoked_on > ?)
                           AND (? IS NULL OR level_code = ?)""", [day, day, level, level])
    return {r[0] for r in rows} & set(sql_people(db))


def test_certified_per_level_and_the_years_targets_match_sql(demo):
    board = dashboard.dashboard(demo, ADMIN_USER, TODAY)
    assert board.fiscal_year == 2026 and board.levels
    targets = dict(demo.execute("SELECT level_code, value FROM targets WHERE fiscal_year = 2026 AND kind = 'level_count' "
                                "AND unit_id IS NULL AND level_code IS NOT NULL").fetchall())
    assert targets, "the demo sets level targets for 令和8年度"
    for tile in board.levels:
        assert tile.certified == len(sql_certified(demo, tile.code)), tile.code
        assert tile.target == targets.get(tile.code)
    assert board.certified_total == len(sql_certified(demo)) > 0
    assert {t.code for t in board.levels} >= {r[0] for r in demo.execute("SELECT DISTINCT level_code FROM certifications")}


def test_uncovered_sections_match_sql(demo):
    board = dashboard.dashboard(demo, ADMIN_USER, TODAY)
    rule = demo.execute("SELECT value, counts, level_code, role_id FROM targets WHERE fiscal_year = 2026 "
                        "AND kind = 'coverage' ORDER BY id LIMIT 1").fetchone()
    value, counts, level, role = rule if rule else (1, "either", None, None)
    day = TODAY.isoformat()
    sections = dict(demo.execute("SELECT id, name FROM org_units WHERE kind = 'section' AND valid_from <= ? "
                                 "AND coalesce(valid_to, '9999-12-31') >= ?", [day, day]).fetchall())
    people = sql_people(demo)
    who = {s: set() for s in sections}
    if counts in ("certified", "either"):
        for staff_id in sql_certified(demo, level):
            if people[staff_id] in who:
                who[people[staff_id]].add(staff_id)
    if counts in ("designated", "either"):
        for unit_id, staff_id in demo.execute("SELECT unit_id, staff_id FROM designations WHERE fiscal_year = 2026 "
                                              "AND (? IS NULL OR role_id = ?)", [role, role]):
            if unit_id in who and staff_id in people:
                who[unit_id].add(staff_id)
    short = {s for s, found in who.items() if len(found) < value}
    assert board.sections == len(sections)
    assert {row["unit_id"] for row in board.uncovered} == short and short
    assert "学校教育課" in {row["section"] for row in board.uncovered}
    assert all(row["counted"] == len(who[row["unit_id"]]) for row in board.uncovered)


def test_evaluations_waiting_by_project_and_rater_match_sql(demo):
    board = dashboard.dashboard(demo, ADMIN_USER, TODAY)
    by_project = dict(demo.execute("""SELECT a.project_id, count(*) FROM evaluation_assignments a
                                      JOIN projects p ON p.id = a.project_id
                                      WHERE a.status IN ('pending', 'draft') AND p.status != 'cancelled'
                                      GROUP BY a.project_id""").fetchall())
    assert by_project, "the demo has a team still rating"
    assert {p.project_id: p.waiting for p in board.waiting_projects} == by_project
    assert board.waiting_total == sum(by_project.values())
    by_rater = dict(((r[0], r[1]), r[2]) for r in demo.execute(
        """SELECT a.project_id, coalesce(s.family_name || ' ' || s.given_name, x.name), count(*)
           FROM evaluation_assignments a JOIN projects p ON p.id = a.project_id
           LEFT JOIN staff s ON s.id = a.evaluator_staff_id LEFT JOIN external_raters x ON x.id = a.evaluator_external_id
           WHERE a.status != 'submitted' AND p.status != 'cancelled'
           GROUP BY a.project_id, a.evaluator_staff_id, a.evaluator_external_id"""))
    assert {(r.project_id, r.rater): r.waiting for r in board.waiting_raters} == by_rater
    for project in board.waiting_projects:
        assert project.raters == sum(1 for (pid, _name) in by_rater if pid == project.project_id)


def test_qualifications_expiring_within_90_days_match_sql(demo):
    board = dashboard.dashboard(demo, ADMIN_USER, TODAY)
    rows = demo.execute(
        """SELECT sq.id FROM staff_qualifications sq JOIN staff s ON s.id = sq.staff_id
           WHERE sq.expires_on BETWEEN ? AND ? AND (s.retired_on IS NULL OR s.retired_on >= ?)
             AND NOT EXISTS (SELECT 1 FROM staff_qualifications r WHERE r.staff_id = sq.staff_id
                             AND r.qualification_id = sq.qualification_id AND r.id != sq.id
                             AND (r.expires_on IS NULL OR r.expires_on > sq.expires_on))""",
        [TODAY.isoformat(), (TODAY + timedelta(days=90)).isoformat(), TODAY.isoformat()]).fetchall()
    assert rows, "the demo has qualifications expiring soon"
    assert board.expiring_count == len(rows)
    assert sorted(r["id"] for r in board.expiring) == sorted(r[0] for r in rows)
    assert sum(r["count"] for r in board.expiring_by_qualification) == len(rows)
    assert all(0 <= r["days_left"] <= 90 for r in board.expiring)


def test_a_viewer_gets_the_aggregate_tiles_only(demo):
    admin = dashboard.dashboard(demo, ADMIN_USER, TODAY)
    board = dashboard.dashboard(demo, VIEWER, TODAY)
    assert not board.detailed
    assert board.waiting_raters is None and board.expiring is None
    assert board.backups is None and board.last_backup is None and not board.backups_seen
    # the aggregates are the administrator's figures
    assert board.levels == admin.levels and board.uncovered == admin.uncovered
    assert board.waiting_projects == admin.waiting_projects and board.expiring_count == admin.expiring_count
    text = json.dumps(board.as_json(), ensure_ascii=False)
    for row in admin.expiring:
        assert row["person"] not in text and row["staff_no"] not in text
    for rater in admin.waiting_raters:
        if not rater.external:
            assert rater.rater not in text
    with pytest.raises(PermissionDenied):
        dashboard.register_check(demo, VIEWER)
    with pytest.raises(PermissionDenied):
        dashboard.backups(demo, VIEWER, TODAY)
    with pytest.raises(PermissionDenied):
        dashboard.dashboard(demo, EVALUATOR, TODAY)


def test_the_last_backup_is_the_newest_file_or_audited_backup(demo, db_path, tmp_path):
    assert dashboard.dashboard(demo, ADMIN_USER, TODAY).last_backup is None
    beside = db_path.resolve().parent / "backups"
    beside.mkdir(exist_ok=True)
    old = beside / f"{db_path.stem}.auto-20261101-090000.sqlite"
    old.write_bytes(b"x")
    stamp = time.mktime((2026, 11, 1, 9, 0, 0, 0, 0, -1))
    os.utime(old, (stamp, stamp))
    board = dashboard.dashboard(demo, ADMIN_USER, TODAY)
    assert board.last_backup.path == str(old.resolve()) and board.last_backup.days_ago == 30
    out = maintenance.backup(demo, tmp_path / "copy.sqlite", ADMIN_USER)
    board = dashboard.dashboard(demo, ADMIN_USER, date.today())  # the backup was just made: today's own clock
    assert board.last_backup.path == str(out.resolve()) and board.last_backup.days_ago == 0
    assert [b.path for b in board.backups] == [str(out.resolve()), str(old.resolve())]


def test_the_check_tile_reports_what_check_finds(demo):
    assert dashboard.register_check(demo, ADMIN_USER) == dashboard.CheckTile(True, [])
    demo.execute("PRAGMA foreign_keys = OFF")
    demo.execute("INSERT INTO staff_assignments (staff_id, unit_id, valid_from, is_primary) "
                 "SELECT id, 999999, '2026-04-01', 0 FROM staff LIMIT 1")
    demo.conn.commit()
    found = dashboard.register_check(demo, ADMIN_USER)
    assert not found.ok and any("外部キー" in line for line in found.findings)


def test_dashboard_cli_json_matches_the_service_and_a_viewer_gets_aggregates(demo, db_path):
    demo.conn.commit()
    result = run_cli("--db", str(db_path), "dashboard", "--date", "2026-12-01", "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    board = dashboard.dashboard(demo, ADMIN_USER, TODAY)
    assert shown["certified_total"] == board.certified_total
    assert [(t["code"], t["certified"], t["target"]) for t in shown["levels"]] == [
        (t.code, t.certified, t.target) for t in board.levels]
    assert [r["section"] for r in shown["uncovered"]] == [r["section"] for r in board.uncovered]
    assert shown["waiting_total"] == board.waiting_total and len(shown["waiting_raters"]) == len(board.waiting_raters)
    assert shown["expiring_count"] == board.expiring_count and shown["check"] == {"ok": True, "findings": []}
    text = run_cli("--db", str(db_path), "dashboard", "--date", "令和8年12月1日", "--no-check")
    assert text.returncode == 0 and "学校教育課" in text.stdout and "台帳の検査" not in text.stdout


def test_dashboard_cli_as_viewer_and_evaluator(demo, db_path, admin):
    from app.register import accounts

    for login, role in (("etsuran", Role.VIEWER), ("hyouka", Role.EVALUATOR)):
        accounts.create_user(demo, login, "閲覧 花子", "correct horse 3", role, ADMIN_USER)
    demo.conn.commit()
    viewer = run_cli("--db", str(db_path), "--as", "etsuran", "dashboard", "--date", "2026-12-01", "--json",
                     stdin="correct horse 3\n")
    assert viewer.returncode == 0, viewer.stderr
    shown = json.loads(viewer.stdout)
    assert shown["detailed"] is False and shown["waiting_raters"] is None and shown["expiring"] is None
    assert shown["check"] is None and shown["backups"] is None and shown["expiring_count"] > 0
    refused = run_cli("--db", str(db_path), "--as", "hyouka", "dashboard", stdin="correct horse 3\n")
    assert refused.returncode == 1 and "権限" in refused.stderr
