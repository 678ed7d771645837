"""Targets, designations and coverage (issue 16 items 1-2) on the demo town, every figure against direct SQL.

The SQL here is written apart from the services (app/targets/population.py): who is in service with a
primary assignment on the day, their section (a 係's parent 課), certifications decided by then and not
revoked by then, designations of the year. Dates are fixed: the demo's 令和8年度 is measured on
2026-12-01, 令和7年度 and earlier on their last day.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.demo.targets import load_targets
from app.errors import PermissionDenied, UserError
from app.register.accounts import Role, User
from app.targets import coverage, designations, progress, targets
from app.targets.targets import Target
from app.wareki import fiscal_year_range
from tests.conftest import ADMIN_USER, run_cli

TODAY = date(2026, 12, 1)
VIEWER = User(901, "viewer", "閲覧者", Role.VIEWER)

POPULATION = """
SELECT s.id AS staff_id, a.unit_id,
       CASE WHEN u.kind = 'section' THEN u.id WHEN u.kind = 'unit' AND p.kind = 'section' THEN p.id END AS section_id
FROM staff s
JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_from <= :on
     AND coalesce(a.valid_to, '9999-12-31') >= :on
JOIN org_units u ON u.id = a.unit_id LEFT JOIN org_units p ON p.id = u.parent_id
WHERE NOT (s.status = 'retired' AND s.retired_on < :on)
"""
CERTIFIED = """
SELECT DISTINCT c.staff_id FROM certifications c
WHERE c.scheme_family = 'moka-cert' AND c.decided_on <= :on AND (c.status = 'active' OR c.revoked_on > :on)
  AND (:level IS NULL OR c.level_code = :level)
"""


@pytest.fixture
def demo(town):
    load_targets(town, "test")
    return town


def day_of(fy: int) -> date:
    return min(fiscal_year_range(fy)[1], TODAY)


def sql_population(db, on: date) -> dict[int, int | None]:
    return {r[0]: r[2] for r in db.execute(POPULATION, {"on": on.isoformat()})}


def sql_certified(db, on: date, level: str | None = None) -> set[int]:
    return {r[0] for r in db.execute(CERTIFIED, {"on": on.isoformat(), "level": level})} & set(sql_population(db, on))


def sql_sections(db, on: date) -> dict[int, str]:
    return dict(db.execute("SELECT id, name FROM org_units WHERE kind = 'section' AND valid_from <= ? "
                           "AND coalesce(valid_to, '9999-12-31') >= ?", [on.isoformat(), on.isoformat()]))


def sql_section_people(db, fy: int, on: date, counts: str = "either") -> dict[int, set[int]]:
    """section id → the people who count there: certified seated in it and/or designated for it in ``fy``."""
    people = sql_population(db, on)
    found = {section: set() for section in sql_sections(db, on)}
    if counts in ("certified", "either"):
        for staff_id in sql_certified(db, on):
            if people[staff_id] in found:
                found[people[staff_id]].add(staff_id)
    if counts in ("designated", "either"):
        for unit_id, staff_id in db.execute("SELECT unit_id, staff_id FROM designations WHERE fiscal_year = ?", [fy]):
            if unit_id in found and staff_id in people:
                found[unit_id].add(staff_id)
    return found


def sql_figure(db, target: Target, fy: int) -> float:
    """The figure of ``target``'s measure in ``fy``, straight from the tables."""
    on = day_of(fy)
    people = sql_population(db, on)
    if target.kind == "level_count":
        return float(len(sql_certified(db, on, target.level_code)))
    if target.kind == "staff_share":
        return round(100 * len(sql_certified(db, on, target.level_code)) / len(people), 1)
    if target.kind == "coverage":
        return float(sum(1 for who in sql_section_people(db, fy, on, target.counts).values() if len(who) >= target.value))
    first, last = (d.isoformat() for d in fiscal_year_range(fy))
    if target.kind == "hours_saved":
        return float(db.execute("SELECT coalesce(sum(hours_saved_per_year), 0) FROM projects WHERE fiscal_year = ? "
                                "AND status != 'cancelled'", [fy]).fetchone()[0])
    attended = "FROM training_attendance a JOIN training_events e ON e.id = a.event_id WHERE e.starts_on BETWEEN ? AND ?"
    if target.kind == "training_hours":
        return float(db.execute(f"SELECT coalesce(sum(coalesce(a.hours, e.hours, 0)), 0) {attended}",
                                [first, last]).fetchone()[0])
    trained = {r[0] for r in db.execute(f"SELECT DISTINCT a.staff_id {attended}", [first, last])}
    return round(100 * len(trained & set(people)) / len(people), 1)


def add_training(db) -> None:
    """Two events of 令和8年度 and one of 令和7年度 with attendance (the demo has none of its own yet)."""
    rows = [("情報セキュリティ研修", "2026-06-02", 2.0), ("データ活用研修", "2026-09-10", 3.5), ("RPA入門", "2025-11-05", 1.5)]
    for title, day, hours in rows:
        event = db["training_events"].insert({"title": title, "kind": "training", "starts_on": day, "ends_on": day,
                                              "hours": hours}).last_pk
        ids = [r[0] for r in db.execute("SELECT id FROM staff WHERE id % 7 = ? ORDER BY id", [event % 7])]
        db["training_attendance"].insert_all([{"event_id": event, "staff_id": i, "hours": 1.0 if i % 5 == 0 else None}
                                              for i in ids])


# -- progress ------------------------------------------------------------------------------------------------------

def test_every_target_and_every_trend_figure_matches_direct_sql(demo):
    add_training(demo)
    for kind, value in (("training_hours", 400), ("training_share", 30)):
        targets.set_target(demo, ADMIN_USER, Target(None, 2026, kind, value))
    found = progress.progress(demo, ADMIN_USER, TODAY)
    assert {p.target.kind for p in found} == set(targets.KINDS)
    for item in found:
        assert item.actual == pytest.approx(sql_figure(demo, item.target, item.target.fiscal_year)), item.target
        for year in item.trend:
            assert year.actual == pytest.approx(sql_figure(demo, item.target, year.fiscal_year)), (item.target, year)
        goal = len(sql_sections(demo, item.as_of)) if item.target.kind == "coverage" else item.target.value
        assert item.gap == pytest.approx(max(0.0, round(goal - item.actual, 1)))
        assert item.met == (item.gap == 0)
    assert any(p.actual > 0 for p in found if p.target.kind.startswith("training"))


def test_the_demo_has_met_and_unmet_targets(demo):
    found = progress.progress(demo, ADMIN_USER, TODAY)
    assert {p.met for p in found} == {True, False}
    by = {(p.target.fiscal_year, p.target.kind, p.target.level_code): p for p in found}
    assert by[(2026, "level_count", "advisor")].gap == 30 - len(sql_certified(demo, TODAY, "advisor")) > 0
    assert by[(2025, "hours_saved", None)].met  # the two completed 令和7年度 projects saved 680 hours


def test_the_trend_runs_from_the_first_fiscal_year_to_the_target_year_or_this_one(demo):
    from app.register import settings

    three_year = next(p for p in progress.progress(demo, ADMIN_USER, TODAY) if p.target.fiscal_year == 2028)
    assert [y.fiscal_year for y in three_year.trend] == [2024, 2025, 2026]
    assert three_year.as_of == TODAY
    assert [y.target for y in three_year.trend] == [None, None, 5.0]  # the 令和8年度 target of the same measure
    settings.set_value(demo, "first_fiscal_year", 2023, ADMIN_USER)
    again = next(p for p in progress.progress(demo, ADMIN_USER, TODAY) if p.target.fiscal_year == 2028)
    assert [y.fiscal_year for y in again.trend] == [2023, 2024, 2025, 2026]


def test_a_target_of_a_group_counts_only_its_staff(demo):
    unit = demo.execute("SELECT id FROM org_units WHERE name = '総務部'").fetchone()[0]
    target_id = targets.set_target(demo, ADMIN_USER, Target(None, 2026, "staff_share", 10, unit_id=unit))
    count_id = targets.set_target(demo, ADMIN_USER, Target(None, 2026, "level_count", 10, unit_id=unit))
    counted = next(p for p in progress.progress(demo, ADMIN_USER, TODAY, 2026) if p.target.id == count_id)
    item = next(p for p in progress.progress(demo, ADMIN_USER, TODAY, 2026) if p.target.id == target_id)
    group = {r[0] for r in demo.execute(
        f"SELECT q.staff_id FROM ({POPULATION}) q JOIN org_units u ON u.id = q.unit_id "
        "LEFT JOIN org_units p ON p.id = u.parent_id LEFT JOIN org_units g ON g.id = p.parent_id "
        "WHERE :unit IN (u.id, p.id, g.id)", {"on": TODAY.isoformat(), "unit": unit})}
    assert item.total == len(group)
    assert item.actual == round(100 * len(sql_certified(demo, TODAY) & group) / len(group), 1)
    assert counted.actual == len(sql_certified(demo, TODAY) & group) > 0


# -- setting targets -----------------------------------------------------------------------------------------------

def test_setting_the_same_measure_again_replaces_the_figure_and_is_audited(demo):
    before = len(targets.list_targets(demo, ADMIN_USER))
    first = targets.set_target(demo, ADMIN_USER, Target(None, 2027, "level_count", 40, "advisor"))
    again = targets.set_target(demo, ADMIN_USER, Target(None, 2027, "level_count", 45, "advisor"))
    assert first == again and len(targets.list_targets(demo, ADMIN_USER)) == before + 1
    assert demo.execute("SELECT value FROM targets WHERE id = ?", [first]).fetchone()[0] == 45
    assert demo.execute("SELECT count(*) FROM audit_log WHERE action = 'target.set' AND entity_id = ?",
                        [str(first)]).fetchone()[0] == 2
    targets.remove_target(demo, ADMIN_USER, first)
    assert len(targets.list_targets(demo, ADMIN_USER)) == before


@pytest.mark.parametrize(("target", "words"), [
    (Target(None, 2026, "staff_share", 120), "100"),
    (Target(None, 2026, "level_count", 10, "leader"), "leader"),
    (Target(None, 2026, "coverage", 0), "1"),
    (Target(None, 2026, "nonsense", 1), "nonsense"),
    (Target(None, 2026, "hours_saved", 500, "advisor"), "--level"),
    (Target(None, 2026, "coverage", 1, unit_id=1), "--group"),
])
def test_a_wrong_target_is_refused_in_japanese(demo, target, words):
    with pytest.raises(UserError) as refused:
        targets.set_target(demo, ADMIN_USER, target)
    assert words in str(refused.value)


def test_a_viewer_sees_progress_but_sets_nothing_and_gets_no_eligible_names(demo):
    assert progress.progress(demo, VIEWER, TODAY)
    with pytest.raises(PermissionDenied):
        targets.set_target(demo, VIEWER, Target(None, 2026, "level_count", 1))
    report = coverage.coverage(demo, VIEWER, 2026, TODAY)
    assert all(p.basis == "certified" for s in report.sections for p in s.nominees)
    admin_report = coverage.coverage(demo, ADMIN_USER, 2026, TODAY)
    assert any(p.basis == "eligible" for s in admin_report.sections for p in s.nominees)


# -- designations and coverage ---------------------------------------------------------------------------------------

def test_coverage_counts_certified_or_designated_people_per_section(demo):
    for fy in (2024, 2025, 2026):
        on = day_of(fy)
        report = coverage.coverage(demo, ADMIN_USER, fy, TODAY)
        expected = sql_section_people(demo, fy, on)
        assert {s.unit_id for s in report.sections} == set(expected)
        for s in report.sections:
            assert {p.staff_id for p in s.certified + s.designated} == expected[s.unit_id], s.section
            assert s.covered == (len(expected[s.unit_id]) >= 1)
            assert s.staff == sum(1 for sec in sql_population(demo, on).values() if sec == s.unit_id)


def test_a_designation_covers_a_section_without_certified_staff(demo):
    on = day_of(2026)
    report = coverage.coverage(demo, ADMIN_USER, 2026, TODAY)
    by_name = {s.section: s for s in report.sections}
    assert not by_name["生活環境課"].certified and [p.detail for p in by_name["生活環境課"].designated] == ["DX推進リーダー"]
    assert by_name["生活環境課"].covered
    # counting the certified only, the designation no longer covers it
    targets.set_target(demo, ADMIN_USER, Target(None, 2026, "coverage", 1, counts="certified"))
    rule = coverage.rule_for(demo, ADMIN_USER, 2026)
    assert rule.counts == "either"  # the demo's own rule comes first; the new one is a second coverage target
    strict = coverage.covered_count(demo, Target(None, 2026, "coverage", 1, counts="certified"), 2026, on)
    expected = sum(1 for who in sql_section_people(demo, 2026, on, "certified").values() if who)
    assert strict == (expected, len(sql_sections(demo, on)))


def test_coverage_json_lists_a_section_with_nobody_certified_or_designated_as_uncovered(demo, db_path):
    result = run_cli("--db", str(db_path), "coverage", "--year", "令和8年度", "--date", TODAY.isoformat(), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    people = sql_section_people(demo, 2026, TODAY)
    nobody = {sid for sid, who in people.items() if not who}
    assert nobody, "the demo leaves some sections without anyone"
    assert {s["unit_id"] for s in report["uncovered"]} == nobody
    school = next(s for s in report["uncovered"] if s["section"] == "学校教育課")
    assert school["certified"] == [] and school["designated"] == [] and school["covered"] is False
    assert report["covered"] == len(people) - len(nobody) and report["sections_total"] == len(people)


def test_uncovered_sections_name_certified_and_eligible_staff_seated_there(demo):
    from app.certification import eligibility
    from app.targets.population import active_scheme

    report = coverage.coverage(demo, ADMIN_USER, 2026, TODAY)
    seats = sql_population(demo, TODAY)
    certified = sql_certified(demo, TODAY)
    scheme = active_scheme(demo)
    eligible = {c.staff_id for c in eligibility.eligibility(demo, ADMIN_USER, scheme, TODAY) if c.status == "eligible"}
    for s in report.uncovered:
        here = {sid for sid, sec in seats.items() if sec == s.unit_id}
        counted = {p.staff_id for p in s.certified + s.designated}
        assert {p.staff_id for p in s.nominees if p.basis == "certified"} == (here & certified) - counted
        assert {p.staff_id for p in s.nominees if p.basis == "eligible"} == (here & eligible) - certified - counted


def test_designations_add_list_remove_and_refusals(demo, db_path):
    school = demo.execute("SELECT id FROM org_units WHERE name = '学校教育課'").fetchone()[0]
    seated = [r[0] for r in demo.execute(POPULATION, {"on": TODAY.isoformat()}) if r[2] == school]
    person = seated[0]
    staff_no = demo.execute("SELECT staff_no FROM staff WHERE id = ?", [person]).fetchone()[0]
    base = ("--db", str(db_path))
    result = run_cli(*base, "designations", "add", staff_no, "--section", "学校教育課", "--year", "2026")
    assert result.returncode == 0, result.stderr
    again = run_cli(*base, "designations", "add", staff_no, "--section", "学校教育課", "--year", "2026")
    assert again.returncode == 1 and "すでに" in again.stderr
    listed = json.loads(run_cli(*base, "designations", "list", "--year", "2026", "--json").stdout)
    expected = demo.execute("SELECT count(*) FROM designations WHERE fiscal_year = 2026").fetchone()[0]
    assert len(listed) == expected and any(d["staff_no"] == staff_no for d in listed)
    covered = json.loads(run_cli(*base, "coverage", "--date", TODAY.isoformat(), "--json").stdout)
    assert "学校教育課" not in {s["section"] for s in covered["uncovered"]}
    new_id = next(d["id"] for d in listed if d["staff_no"] == staff_no)
    assert run_cli(*base, "designations", "remove", str(new_id)).returncode == 0
    assert demo.execute("SELECT count(*) FROM designations WHERE id = ?", [new_id]).fetchone()[0] == 0
    assert [r[0] for r in demo.execute("SELECT action FROM audit_log WHERE entity = 'designations' AND entity_id = ? "
                                       "ORDER BY id", [str(new_id)])] == ["designation.add", "designation.remove"]
    unknown = run_cli(*base, "designations", "add", staff_no, "--section", "学校教育課", "--role", "係の達人")
    assert unknown.returncode == 1 and "係の達人" in unknown.stderr


def test_a_retired_person_and_a_unit_below_a_section_cannot_be_designated(demo):
    retired = demo.execute("SELECT id FROM staff WHERE status = 'retired' ORDER BY id LIMIT 1").fetchone()[0]
    section = demo.execute("SELECT id FROM org_units WHERE kind = 'section' ORDER BY id LIMIT 1").fetchone()[0]
    leaf = demo.execute("SELECT id FROM org_units WHERE kind = 'unit' ORDER BY id LIMIT 1").fetchone()[0]
    leader = designations.role_id(demo, None)
    with pytest.raises(UserError, match="退職"):
        designations.designate(demo, ADMIN_USER, retired, section, leader, 2026)
    with pytest.raises(UserError):
        designations.designate(demo, ADMIN_USER, 1, leaf, leader, 2026)


def test_roles_are_the_towns_own(demo, db_path):
    base = ("--db", str(db_path))
    assert run_cli(*base, "designations", "role-add", "データ活用推進員").returncode == 0
    roles = json.loads(run_cli(*base, "designations", "roles", "--json").stdout)
    assert [r["name"] for r in roles] == [r[0] for r in demo.execute(
        "SELECT name FROM designation_roles ORDER BY sort_order, id")]
    assert {"DX推進リーダー", "DX推進員", "データ活用推進員"} <= {r["name"] for r in roles}


# -- the CLI -------------------------------------------------------------------------------------------------------

def test_targets_set_list_and_progress_on_the_command_line(demo, db_path):
    base = ("--db", str(db_path))
    result = run_cli(*base, "targets", "set", "令和9年度", "level_count", "60", "--level", "advisor")
    assert result.returncode == 0, result.stderr
    listed = json.loads(run_cli(*base, "targets", "list", "--year", "2027", "--json").stdout)
    assert [(t["kind"], t["value"], t["level_code"]) for t in listed] == [("level_count", 60.0, "advisor")]
    shown = json.loads(run_cli(*base, "targets", "progress", "--date", TODAY.isoformat(), "--json").stdout)
    assert len(shown) == demo.execute("SELECT count(*) FROM targets").fetchone()[0]
    for item in shown:
        target = Target(item["id"], item["fiscal_year"], item["kind"], item["value"], item["level_code"],
                        item["unit_id"], item["role_id"], item["counts"])
        assert item["actual"] == pytest.approx(sql_figure(demo, target, target.fiscal_year))
        assert [y["actual"] for y in item["trend"]] == pytest.approx(
            [sql_figure(demo, target, y["fiscal_year"]) for y in item["trend"]])
    text = run_cli(*base, "targets", "progress", "--year", "2026", "--date", TODAY.isoformat())
    assert text.returncode == 0 and "令和8年度" in text.stdout
    refused = run_cli(*base, "targets", "set", "2026", "staff_share", "150")
    assert refused.returncode == 1 and refused.stderr
    wrong_year = run_cli(*base, "coverage", "--year", "来年度")
    assert wrong_year.returncode == 1



def test_a_persons_designations_newest_first(demo):
    staff_id = demo.execute("SELECT staff_id FROM designations GROUP BY staff_id ORDER BY count(*) DESC, staff_id "
                            "LIMIT 1").fetchone()[0]
    expected = demo.execute("SELECT fiscal_year, r.name FROM designations d JOIN designation_roles r ON r.id = d.role_id "
                            "WHERE d.staff_id = ? ORDER BY fiscal_year DESC", [staff_id]).fetchall()
    found = designations.of_person(demo, ADMIN_USER, staff_id)
    assert [(d["fiscal_year"], d["role"]) for d in found] == [tuple(r) for r in expected] and len(found) >= 2


def test_as_a_viewer_the_cli_shows_coverage_without_eligibility_and_refuses_changes(demo, db_path):
    from app.register.accounts import create_user, setup_administrator
    from tests.conftest import ADMIN_PASSWORD, admin_as

    setup_administrator(demo, "kanri", "管理", ADMIN_PASSWORD)
    create_user(demo, "etsuran", "閲覧", ADMIN_PASSWORD, Role.VIEWER, admin_as("kanri"))
    viewer = ("--db", str(db_path), "--as", "etsuran")
    shown = run_cli(*viewer, "coverage", "--date", TODAY.isoformat(), "--json", stdin=ADMIN_PASSWORD + "\n")
    assert shown.returncode == 0, shown.stderr
    nominees = [p for s in json.loads(shown.stdout)["uncovered"] for p in s["nominees"]]
    assert all(p["basis"] == "certified" for p in nominees)
    for command in (["targets", "set", "2026", "level_count", "99"], ["designations", "role-add", "勝手な役割"],
                    ["targets", "remove", "1"]):
        refused = run_cli(*viewer, *command, stdin=ADMIN_PASSWORD + "\n")
        assert refused.returncode == 1 and "権限" in refused.stderr, command
    assert demo.execute("SELECT count(*) FROM designation_roles WHERE name = '勝手な役割'").fetchone()[0] == 0


def test_the_audit_log_tells_targets_and_designations_in_sentences(demo):
    from app.overview import audit_log

    removed = designations.list_designations(demo, ADMIN_USER, 2026)[0]
    designations.remove(demo, ADMIN_USER, removed.id)
    entries = [e for e in audit_log.recent(demo, ADMIN_USER, 100)
               if e["action"].startswith(("target.", "designation."))]
    sentences = audit_log.describe(demo, entries)
    assert len(sentences) == len(entries) > 10
    assert any(s.startswith("目標を設定しました: 令和8年度 認定者数 30") for s in sentences), sentences
    assert any("DX推進員" in s and "追加" in s for s in sentences)
    name = removed.name.replace("\u3000", " ")
    assert f"{name}さんを令和8年度の{removed.unit}の{removed.role}から外しました。" in sentences
