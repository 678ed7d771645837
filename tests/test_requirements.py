"""Requirements on training, qualifications, positions and years in a level (issue 15 item 3).

Each kind is checked at its boundaries on the engine's facts (the day a qualification expires, hours
just short, the first and last day of a period), then on a real register whose rows are written
directly (tests/requirement_rows.py), and Hokkaido's preset is run level by level on the demo town.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from app import i18n
from app.certification import decisions, eligibility, scheme_files, schemes
from app.certification.decisions import Approval
from app.certification.eligibility import PersonFacts, PositionFact, QualificationFact, TrainingFact
from app.db import transaction
from app.demo.projects import load_projects
from app.errors import UserError
from app.overview import maintenance
from tests.conftest import ADMIN_USER, OFFICER, run_cli
from tests.requirement_rows import add_event, add_qualification, set_position

AS_OF = date(2026, 11, 23)  # 令和8年度


@pytest.fixture(autouse=True)
def japanese():
    i18n.install("ja")


def _one(kind: str, **params) -> schemes.SchemeSpec:
    """A scheme of one level with the given requirement and one that is always met (so 「あと1つ」 shows)."""
    spec = schemes.SchemeSpec("test-cert", "試験", [schemes.LevelSpec("l1", "レベル1", [
        schemes.RequirementSpec(kind, params), schemes.RequirementSpec("sessions", {"min": 1})], id=1)])
    schemes.check_scheme(spec)
    return spec


def _result(spec: schemes.SchemeSpec, facts: PersonFacts, as_of: date = AS_OF, ranks=None):
    (candidate,) = eligibility.evaluate(spec, {facts.staff_id: replace(facts, sessions=1)}, as_of, ranks=ranks)
    return candidate.results[0]


def _event(title: str, on: date, hours: float, kind: str = "training", event_id: int | None = None) -> TrainingFact:
    return TrainingFact(event_id or hash((title, on)) % 10**6, title, kind, on, hours)


# -- training hours -----------------------------------------------------------------------------

def test_training_hours_just_short_and_exactly_enough():
    spec = _one("training_hours", min=6, period="all")
    short = PersonFacts(1, training=[_event("情報セキュリティ研修", date(2026, 6, 1), 3.0),
                                     _event("DX勉強会", date(2026, 7, 1), 2.5, "study")])
    result = _result(spec, short)
    assert not result.met and result.text == "研修時間: 5.5時間 / 必要 6時間 ✗"
    enough = replace(short, training=short.training + [_event("e-ラーニング", date(2026, 8, 1), 0.5, "elearning")])
    result = _result(spec, enough)
    assert result.met and result.text == "研修時間: 6時間 / 必要 6時間 ✓"


def test_training_hours_in_the_months_before_the_decision_date():
    """12 months before 2026-11-23: from 2025-11-24 (a year of days) to the decision date itself."""
    spec = _one("training_hours", min=4, period="months", months=12)
    first_day = PersonFacts(1, training=[_event("研修A", date(2025, 11, 24), 2.0), _event("研修B", AS_OF, 2.0)])
    result = _result(spec, first_day)
    assert result.met and result.text == "研修時間（過去12か月）: 4時間 / 必要 4時間 ✓"
    day_before = replace(first_day, training=[_event("研修A", date(2025, 11, 23), 2.0), _event("研修B", AS_OF, 2.0)])
    assert _result(spec, day_before).text == "研修時間（過去12か月）: 2時間 / 必要 4時間 ✗"
    after = replace(first_day, training=first_day.training + [_event("研修C", date(2026, 11, 24), 9.0)])
    assert _result(spec, after).text == "研修時間（過去12か月）: 4時間 / 必要 4時間 ✓", "later events do not count"
    # The 31st, one month back, is the last day of the shorter month.
    assert eligibility.period_since({"period": "months", "months": 1}, date(2026, 3, 31)) == date(2026, 3, 1)


def test_training_hours_in_the_fiscal_year_and_of_some_kinds():
    spec = _one("training_hours", min=3, period="fiscal_year", kinds=["training", "elearning"])
    facts = PersonFacts(1, training=[_event("前年度の研修", date(2026, 3, 31), 5.0),
                                     _event("新年度の研修", date(2026, 4, 1), 2.0),
                                     _event("勉強会", date(2026, 5, 1), 4.0, "study"),
                                     _event("動画研修", date(2026, 6, 1), 1.0, "elearning")])
    result = _result(spec, facts)
    assert result.met and result.text == "研修時間（研修・e-learning）（令和8年度）: 3時間 / 必要 3時間 ✓"
    assert not _result(spec, facts, date(2026, 5, 31)).met  # before the e-learning


def test_attended_hours_replace_the_events_hours_in_the_register(demo_db):
    people = [r[0] for r in demo_db.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id LIMIT 2")]
    add_event(demo_db, "全職員研修", date(2026, 6, 1), 3.0, people[:1])
    add_event(demo_db, "全職員研修（午前のみ）", date(2026, 6, 2), 3.0, people[1:], attended_hours=1.5)
    add_event(demo_db, "三日間の研修", date(2026, 11, 22), 18.0, people, ends_on=date(2026, 11, 24))
    facts = eligibility.gather_facts(demo_db, OFFICER, "test-cert", AS_OF, people)
    assert [t.hours for t in facts[people[0]].training] == [3.0]
    assert [t.hours for t in facts[people[1]].training] == [1.5], "the event still running on the day is not counted"
    direct = demo_db.execute("""SELECT sum(coalesce(a.hours, e.hours)) FROM training_attendance a
                                JOIN training_events e ON e.id = a.event_id WHERE a.staff_id = ? AND e.ends_on <= ?""",
                             [people[1], AS_OF.isoformat()]).fetchone()[0]
    assert sum(t.hours for t in facts[people[1]].training) == direct


# -- training events attended ----------------------------------------------------------------------

def test_named_training_attended_in_a_period():
    spec = _one("training_events", min=1, titles=["デジタルマネジメント研修"], period="months", months=36)
    attended = PersonFacts(1, training=[_event("令和6年度 デジタルマネジメント研修", date(2024, 10, 1), 6.0),
                                        _event("情報セキュリティ研修", date(2026, 6, 1), 2.0)])
    result = _result(spec, attended)
    assert result.met and result.text == "「デジタルマネジメント研修」（過去36か月）: 受講 令和6年10月1日 ✓"
    assert not _result(spec, attended, date(2027, 10, 1)).met, "36 months later it is out of the period"
    assert _result(spec, attended, date(2027, 9, 30)).met
    nothing = PersonFacts(1, training=attended.training[1:])
    assert _result(spec, nothing).text == "「デジタルマネジメント研修」（過去36か月）: 受講 0回 / 必要 1回 ✗"


def test_training_of_a_kind_counted_by_event():
    spec = _one("training_events", min=2, titles=[], kinds=["lecture"], period="fiscal_year")
    facts = PersonFacts(1, training=[_event("DX講演会", date(2026, 5, 1), 1.5, "lecture", 1),
                                     _event("研修", date(2026, 5, 2), 1.5, "training", 2)])
    assert _result(spec, facts).text == "講演会（令和8年度）: 受講 1回 / 必要 2回 ✗"
    two = replace(facts, training=facts.training + [_event("AI講演会", date(2026, 9, 1), 1.0, "lecture", 3)])
    assert _result(spec, two).text == "講演会（令和8年度）: 受講 2回 / 必要 2回 ✓"


# -- qualifications held on the decision date ----------------------------------------------------------

def test_the_qualification_reason_of_the_issue():
    spec = _one("qualification", name="ITパスポート")
    facts = PersonFacts(1, qualifications=[QualificationFact("ITパスポート", "情報処理技術者試験", date(2024, 6, 1), None)])
    result = _result(spec, facts)
    assert result.met and result.text == "ITパスポート 取得 令和6年6月1日 ✓"
    assert _result(spec, PersonFacts(1)).text == "ITパスポート: 記録なし ✗"


def test_a_qualification_is_held_through_the_day_it_expires():
    spec = _one("qualification", names=["情報処理安全確保支援士"])
    facts = PersonFacts(1, qualifications=[QualificationFact("情報処理安全確保支援士", "国家資格", date(2023, 4, 1),
                                                             date(2026, 11, 23))])
    on_the_day = _result(spec, facts)
    assert on_the_day.met
    assert on_the_day.text == "情報処理安全確保支援士 取得 令和5年4月1日（有効期限 令和8年11月23日） ✓"
    day_after = _result(spec, facts, date(2026, 11, 24))
    assert not day_after.met and day_after.text == "情報処理安全確保支援士 有効期限切れ（令和8年11月23日まで） ✗"
    # Obtained on the decision date counts; the day after it does not exist yet.
    assert _result(spec, facts, date(2023, 4, 1)).met
    assert _result(spec, facts, date(2023, 3, 31)).text == "情報処理安全確保支援士 のいずれか: 記録なし ✗"


def test_any_of_several_names_and_a_catalogue_category():
    records = [QualificationFact("ITパスポート", "情報処理技術者試験", date(2020, 6, 1), None),
               QualificationFact("プロジェクトマネージャ", "高度情報処理技術者試験", date(2025, 11, 1), None)]
    facts = PersonFacts(1, qualifications=records)
    basic = _one("qualification", names=["基本情報技術者", "ITパスポート"])
    assert _result(spec=basic, facts=facts).text == "ITパスポート 取得 令和2年6月1日 ✓"
    advanced = _one("qualification", category="高度情報処理技術者試験")
    result = _result(advanced, facts)
    assert result.met and result.text == "高度情報処理技術者試験: プロジェクトマネージャ 取得 令和7年11月1日 ✓"
    assert _result(advanced, facts, date(2025, 10, 31)).text == "高度情報処理技術者試験（いずれか）: 記録なし ✗"


def test_the_register_reads_expiry_and_the_catalogue_category(demo_db):
    staff_id = demo_db.execute("SELECT min(id) FROM staff WHERE status = 'active'").fetchone()[0]
    add_qualification(demo_db, staff_id, "システム監査技術者", date(2022, 10, 16))
    add_qualification(demo_db, staff_id, "情報処理安全確保支援士", date(2023, 4, 1), date(2026, 11, 23))
    spec = _one("qualification", category="高度情報処理技術者試験")
    facts = eligibility.gather_facts(demo_db, OFFICER, "test-cert", AS_OF, [staff_id])
    assert _result(spec, facts[staff_id]).text == "高度情報処理技術者試験: システム監査技術者 取得 令和4年10月16日 ✓"
    guard = _one("qualification", name="情報処理安全確保支援士")
    assert _result(guard, facts[staff_id]).met
    later = eligibility.gather_facts(demo_db, OFFICER, "test-cert", date(2026, 11, 24), [staff_id])
    assert not _result(guard, later[staff_id], date(2026, 11, 24)).met


# -- roles -------------------------------------------------------------------------------------------------

def test_manager_from_the_position_on_the_decision_date():
    spec = _one("role", manager=True)
    assert _result(spec, PersonFacts(1, position=PositionFact("主査", 6, False))).text == "管理職 ✗（主査）"
    assert _result(spec, PersonFacts(1, position=PositionFact("課長", 3, True))).text == "管理職 ✓（課長）"
    assert _result(spec, PersonFacts(1)).text == "管理職 ✗（職位なし）"
    senior = _one("role", position="課長補佐")
    ranks = {"部長": 1, "課長": 3, "課長補佐": 4, "係長": 5}
    assert _result(senior, PersonFacts(1, position=PositionFact("課長補佐", 4, False)), ranks=ranks).text == \
        "課長補佐以上 ✓（課長補佐）"
    assert not _result(senior, PersonFacts(1, position=PositionFact("係長", 5, False)), ranks=ranks).met


def test_the_position_is_the_primary_assignments_on_that_day(demo_db):
    manager = demo_db.execute("""SELECT a.staff_id FROM staff_assignments a JOIN positions p ON p.id = a.position_id
                                 WHERE p.is_manager = 1 AND a.valid_to IS NULL AND a.is_primary = 1
                                 ORDER BY a.staff_id LIMIT 1""").fetchone()[0]
    other = demo_db.execute("""SELECT a.staff_id FROM staff_assignments a JOIN positions p ON p.id = a.position_id
                               WHERE p.name = '主査' AND a.valid_to IS NULL AND a.is_primary = 1
                               ORDER BY a.staff_id LIMIT 1""").fetchone()[0]
    # Promoted to 課長 from 2026-12-01: 主査 on the decision date, 課長 from then on.
    _promote(demo_db, other, date(2026, 12, 1))
    spec = _one("role", manager=True)
    before = eligibility.gather_facts(demo_db, OFFICER, "test-cert", AS_OF, [manager, other])
    assert _result(spec, before[manager]).met
    assert _result(spec, before[other]).text == "管理職 ✗（主査）"
    after = eligibility.gather_facts(demo_db, OFFICER, "test-cert", date(2026, 12, 1), [other])
    assert _result(spec, after[other], date(2026, 12, 1)).text == "管理職 ✓（課長）"


def _promote(db, staff_id: int, on: date) -> None:
    """Close the open primary assignment the day before and open the same unit as 課長 (an 人事異動)."""
    with transaction(db):
        unit = db.execute("SELECT unit_id FROM staff_assignments WHERE staff_id = ? AND valid_to IS NULL AND "
                          "is_primary = 1", [staff_id]).fetchone()[0]
        db.execute("UPDATE staff_assignments SET valid_to = ? WHERE staff_id = ? AND valid_to IS NULL AND is_primary = 1",
                   [date.fromordinal(on.toordinal() - 1).isoformat(), staff_id])
        db.execute("INSERT INTO staff_assignments (staff_id, unit_id, position_id, is_primary, valid_from) "
                   "VALUES (?, ?, (SELECT id FROM positions WHERE name = '課長'), 1, ?)", [staff_id, unit, on.isoformat()])


# -- years in a level ---------------------------------------------------------------------------------------

def test_years_in_a_level_are_shown_in_years():
    spec = schemes.SchemeSpec("test-cert", "試験", [
        schemes.LevelSpec("l1", "レベル1", [schemes.RequirementSpec("sessions", {"min": 1})], id=1),
        schemes.LevelSpec("l2", "レベル2", [schemes.RequirementSpec("previous_level", {"level": "l1", "years": 2}),
                                         schemes.RequirementSpec("sessions", {"min": 1})], id=2)])
    schemes.check_scheme(spec)
    facts = PersonFacts(1, sessions=1, held={"l1": date(2024, 11, 24)})
    (candidate,) = eligibility.evaluate(spec, {1: facts}, AS_OF)
    assert candidate.results[0].text == "レベル1: 令和6年11月24日認定（1年） / 必要 2年 ✗"
    (candidate,) = eligibility.evaluate(spec, {1: replace(facts, held={"l1": date(2024, 11, 23)})}, AS_OF)
    assert candidate.results[0].text == "レベル1: 令和6年11月23日認定（2年） / 必要 2年 ✓"
    assert schemes.describe_requirement(spec.levels[1].requirements[0], {"l1": "レベル1"}, {}) == \
        "レベル1に認定されて 2 年以上"


# -- the scheme rules and files -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind, params, message", [
    ("training_hours", {"min": 0}, "必要な時間"),
    ("training_hours", {"min": 6, "period": "weeks"}, "期間"),
    ("training_hours", {"min": 6, "period": "months"}, "月数"),
    ("training_hours", {"min": 6, "kinds": ["seminar"]}, "研修の種類"),
    ("training_events", {"min": 1, "titles": [], "kinds": []}, "研修名を入力するか"),
    ("training_events", {"min": 0, "titles": ["研修"]}, "min"),
    ("qualification", {"name": "ITパスポート", "category": "国家資格"}, "いずれか1つ"),
    ("qualification", {"names": []}, "資格の名前を入力"),
    ("qualification", {"category": " "}, "区分"),
    ("role", {"manager": False}, "管理職"),
    ("role", {"manager": True, "position": "課長"}, "管理職"),
    ("previous_level", {"level": "l1", "months": 3, "years": 1}, "どちらか一方"),
])
def test_bad_requirements_are_refused(kind, params, message):
    spec = schemes.SchemeSpec("test-cert", "試験", [
        schemes.LevelSpec("l1", "レベル1", [schemes.RequirementSpec("sessions", {"min": 1})]),
        schemes.LevelSpec("l2", "レベル2", [schemes.RequirementSpec(kind, params)])])
    with pytest.raises(UserError, match=message):
        schemes.check_scheme(spec)


def test_the_hokkaido_preset_goes_through_a_scheme_file_and_back(tmp_path):
    path = tmp_path / "hokkaido.json"
    path.write_text(json.dumps(scheme_files.to_dict(schemes.HOKKAIDO_PRESET), ensure_ascii=False), encoding="utf-8")
    again = scheme_files.read_scheme(path)
    assert scheme_files.to_dict(again) == scheme_files.to_dict(schemes.HOKKAIDO_PRESET)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["levels"][3]["requirements"][1]["params"] = {"category": "高度情報処理技術者試験", "name": "ITストラテジスト"}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError, match=r"hokkaido\.json.*levels\[3\]\.requirements\[1\]\.params"):
        scheme_files.read_scheme(path)


def test_an_untouched_first_hokkaido_preset_gets_the_working_one_as_its_next_version(db):
    """Registers that installed the first Hokkaido preset (level 4 and management never met) get the new one."""
    old = schemes.SchemeSpec(schemes.HOKKAIDO_PRESET.family, schemes.HOKKAIDO_PRESET.name, [
        schemes.LevelSpec(code, code, [schemes.RequirementSpec(kind, params) for kind, params in requirements],
                          ladder=code != "management")
        for code, requirements in schemes.SUPERSEDED_PRESETS["hokkaido"][0]],
        number_pattern=schemes.HOKKAIDO_PRESET.number_pattern)
    first = schemes.save_scheme(db, old, ADMIN_USER)
    second = schemes.install_preset(db, "hokkaido", ADMIN_USER)
    assert second != first and schemes.load_scheme(db, second).version == 2
    assert schemes.install_preset(db, "hokkaido", ADMIN_USER) == second, "installed once"
    revised = schemes.load_scheme(db, second)
    revised.levels[0].requirements[1].params["min"] = 8  # the town's own revision is kept
    third = schemes.save_scheme(db, revised, ADMIN_USER)
    assert schemes.install_preset(db, "hokkaido", ADMIN_USER) == third


# -- the records are sealed --------------------------------------------------------------------------------

def test_qualification_and_attendance_rows_are_sealed_and_a_change_outside_the_app_is_found(demo_db, db_path):
    staff_id = demo_db.execute("SELECT min(id) FROM staff WHERE status = 'active'").fetchone()[0]
    qualification = add_qualification(demo_db, staff_id, "ITパスポート", date(2024, 6, 1))
    event = add_event(demo_db, "情報セキュリティ研修", date(2026, 6, 1), 2.0, [staff_id])
    assert demo_db.execute("SELECT seal FROM staff_qualifications WHERE id = ?", [qualification]).fetchone()[0]
    assert demo_db.execute("SELECT seal FROM training_attendance WHERE event_id = ?", [event]).fetchone()[0]
    assert maintenance.check_file(db_path).ok
    conn = sqlite3.connect(db_path)
    for table in ("staff_qualifications", "training_attendance"):
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
                                    "AND name LIKE 'seal_%update'", [table]).fetchall():
            conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE staff_qualifications SET obtained_on = '2020-06-01' WHERE id = ?", [qualification])
    conn.execute("UPDATE training_attendance SET hours = 20 WHERE event_id = ?", [event])
    conn.commit()
    conn.close()
    findings = "\n".join(maintenance.check_file(db_path).findings)
    assert "資格の記録 (staff_qualifications)" in findings and "研修の受講記録 (training_attendance)" in findings


# -- Hokkaido, level by level, on the demo town -----------------------------------------------------------

@pytest.fixture
def town(demo_db):
    load_projects(demo_db, "test")
    return demo_db


def test_hokkaido_runs_end_to_end_on_the_demo_town(town):
    scheme_id = schemes.install_preset(town, "hokkaido", ADMIN_USER)
    scheme = schemes.load_scheme(town, scheme_id)
    volunteers = sorted({r[0] for r in town.execute("SELECT staff_id FROM project_members WHERE role != 'owner'")})
    leads = {r[0] for r in town.execute("SELECT staff_id FROM project_members WHERE role IN ('proposer', 'leader')")}
    add_event(town, "デジタル推進リーダー研修（動画）", date(2026, 4, 20), 2.0, volunteers, kind="elearning")
    add_event(town, "DX基礎研修", date(2026, 5, 20), 4.0, volunteers[:-1])
    found = {(c.staff_id, c.level.code): c for c in eligibility.eligibility(town, OFFICER, scheme, AS_OF)}
    level1 = {s for (s, code), c in found.items() if code == "level1" and c.status == "eligible"}
    assert level1 == set(volunteers[:-1])
    short = found[volunteers[-1], "level1"]
    assert short.status == "near" and short.results[1].text == "研修時間（過去12か月）: 2時間 / 必要 6時間 ✗"
    decisions.approve(town, OFFICER, scheme_id, [Approval(s, "level1") for s in sorted(level1)], date(2026, 6, 1), "知事")

    # Level 2: the basic IT qualification, held on the day.
    passport = volunteers[0]
    add_qualification(town, passport, "ITパスポート", date(2024, 6, 1))
    add_qualification(town, volunteers[1], "基本情報技術者", date(2026, 7, 1))
    found = {(c.staff_id, c.level.code): c for c in eligibility.eligibility(town, OFFICER, scheme, date(2026, 6, 30))}
    assert found[passport, "level2"].status == "eligible"
    assert found[passport, "level2"].results[1].text == "ITパスポート 取得 令和6年6月1日 ✓"
    assert found[volunteers[1], "level2"].results[1].text.endswith("のいずれか: 記録なし ✗")
    decisions.approve(town, OFFICER, scheme_id, [Approval(passport, "level2")], date(2026, 6, 30), "知事")

    # The management track: level 2, a manager's position and the management course.
    found = {(c.staff_id, c.level.code): c for c in eligibility.eligibility(town, OFFICER, scheme, AS_OF)}
    management = found[passport, "management"]
    position = town.execute("""SELECT p.name, p.is_manager FROM staff_assignments a JOIN positions p
                               ON p.id = a.position_id WHERE a.staff_id = ? AND a.is_primary = 1
                               AND a.valid_to IS NULL""", [passport]).fetchone()
    assert management.results[1].text == f"管理職 {'✓' if position[1] else '✗'}（{position[0]}）"
    assert management.results[2].text == "「デジタルマネジメント研修」（過去36か月）: 受講 0回 / 必要 1回 ✗"
    set_position(town, passport, "課長")
    add_event(town, "デジタルマネジメント研修", date(2026, 9, 1), 6.0, [passport])
    found = {(c.staff_id, c.level.code): c for c in eligibility.eligibility(town, OFFICER, scheme, AS_OF)}
    management = found[passport, "management"]
    assert [r.text for r in management.results][1:] == [
        "管理職 ✓（課長）", "「デジタルマネジメント研修」（過去36か月）: 受講 令和8年9月1日 ✓"]
    assert management.status == "eligible", management.reasons

    # Level 3 needs project leadership, an ICT rating and 12 hours in the fiscal year; level 4 a year at level 3
    # and a 高度情報処理技術者試験 held on the day.
    level3 = found[passport, "level3"]
    assert level3.results[3].text == "研修時間（令和8年度）: 12時間 / 必要 12時間 ✓"
    assert level3.results[1].met == (passport in leads)


def test_level_four_after_a_year_at_level_three(town):
    scheme_id = schemes.install_preset(town, "hokkaido", ADMIN_USER)
    scheme = schemes.load_scheme(town, scheme_id)
    person = town.execute("SELECT min(id) FROM staff WHERE status = 'active'").fetchone()[0]
    with transaction(town):  # levels 1-3 held from before (the register's past certifications)
        for seq, (code, decided) in enumerate([("level1", "2023-06-01"), ("level2", "2024-06-01"),
                                               ("level3", "2025-11-23")], start=1):
            level_id = next(level.id for level in scheme.levels if level.code == code)
            town.execute("""INSERT INTO certifications (staff_id, scheme_id, level_id, scheme_family, level_code,
                            decided_on, approver, fiscal_year, seq, certificate_no, reasons_json, created_by)
                            VALUES (?, ?, ?, 'hokkaido-cert', ?, ?, '知事', ?, ?, ?, '[]', 'test')""",
                         [person, scheme_id, level_id, code, decided, int(decided[:4]), seq, f"第{seq}号"])
    add_qualification(town, person, "ネットワークスペシャリスト", date(2025, 10, 20))
    add_event(town, "クラウド実践研修", date(2026, 8, 1), 12.0, [person], kind="external")
    found = {c.level.code: c for c in eligibility.eligibility(town, OFFICER, scheme, AS_OF, [person])}
    assert [r.text for r in found["level4"].results] == [
        "レベル3 デジタルデザイン人材: 令和7年11月23日認定（1年） / 必要 1年 ✓",
        "高度情報処理技術者試験: ネットワークスペシャリスト 取得 令和7年10月20日 ✓",
        "研修時間（令和8年度）: 12時間 / 必要 12時間 ✓"]
    assert found["level4"].status == "eligible"
    day_before = {c.level.code: c for c in eligibility.eligibility(town, OFFICER, scheme, date(2026, 11, 22), [person])}
    assert day_before["level4"].status == "near" and not day_before["level4"].results[0].met
    decisions.approve(town, OFFICER, scheme_id, [Approval(person, "level4")], AS_OF, "知事")
    assert town.execute("SELECT level_code FROM certifications WHERE staff_id = ? ORDER BY id DESC LIMIT 1",
                        [person]).fetchone()[0] == "level4"


def test_the_cli_shows_the_new_reasons(town, db_path):
    schemes.install_preset(town, "hokkaido", ADMIN_USER)
    person = town.execute("SELECT min(id) FROM staff WHERE status = 'active'").fetchone()[0]
    add_event(town, "デジタル推進リーダー研修", date(2026, 5, 1), 6.0, [person], kind="elearning")
    result = run_cli("--db", str(db_path), "eligibility", "--date", AS_OF.isoformat(), "--all", "--json")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "「デジタル推進リーダー研修」: 受講 令和8年5月1日 ✓" in text
    assert "研修時間（過去12か月）: 6時間 / 必要 6時間 ✓" in text


# -- properties over generated records -------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

HOKKAIDO = replace(schemes.HOKKAIDO_PRESET, levels=[replace(level, id=i) for i, level in
                                                    enumerate(schemes.HOKKAIDO_PRESET.levels, start=1)])
_DAYS = st.dates(date(2022, 1, 1), date(2027, 3, 31))


@st.composite
def records(draw) -> PersonFacts:
    events = [TrainingFact(i, draw(st.sampled_from(["デジタル推進リーダー研修", "デジタルマネジメント研修 第2回", "DX基礎研修"])),
                           draw(st.sampled_from(list(schemes.EVENT_KINDS))), draw(_DAYS),
                           draw(st.sampled_from([0.5, 1.0, 2.0, 3.0, 6.0])))
              for i in range(draw(st.integers(0, 6)))]
    qualifications = []
    for _ in range(draw(st.integers(0, 3))):
        obtained = draw(_DAYS)
        expires = draw(st.one_of(st.none(), st.dates(obtained, date(2028, 3, 31))))
        name, category = draw(st.sampled_from([("ITパスポート", "情報処理技術者試験"), ("基本情報技術者", "情報処理技術者試験"),
                                               ("プロジェクトマネージャ", "高度情報処理技術者試験")]))
        qualifications.append(QualificationFact(name, category, obtained, expires))
    position = draw(st.sampled_from([None, PositionFact("主査", 6, False), PositionFact("課長", 3, True)]))
    held = {code: draw(_DAYS) for code in ("level1", "level2", "level3") if draw(st.booleans())}
    return PersonFacts(1, training=events, qualifications=qualifications, position=position, held=held)


def _statuses(facts: PersonFacts, as_of: date) -> dict[str, tuple[str, list[str]]]:
    return {c.level.code: (c.status, [r.text for r in c.results])
            for c in eligibility.evaluate(HOKKAIDO, {1: facts}, as_of)}


@settings(max_examples=200, deadline=None)
@given(records(), st.randoms(), _DAYS)
def test_reasons_do_not_depend_on_the_order_of_records(facts, rnd, as_of):
    shuffled = replace(facts, training=rnd.sample(facts.training, len(facts.training)),
                       qualifications=rnd.sample(facts.qualifications, len(facts.qualifications)))
    assert _statuses(facts, as_of) == _statuses(shuffled, as_of)


@settings(max_examples=200, deadline=None)
@given(records(), _DAYS, st.sampled_from([0.5, 2.0, 6.0]))
def test_more_training_never_makes_someone_ineligible(facts, as_of, hours):
    before = _statuses(facts, as_of)
    more = replace(facts, training=facts.training + [TrainingFact(99, "デジタルマネジメント研修", "training", as_of, hours)])
    after = _statuses(more, as_of)
    for code, (status, _texts) in before.items():
        if status == "eligible":
            assert after[code][0] == "eligible"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_field_of_the_hokkaido_file_replaced_by_any_json_is_refused_or_loaded(data):
    """Fuzz over the new kinds' parameters: a clean scheme, its sentences and reasons, or a UserError; no crash."""
    import copy

    from tests.test_scheme_files import _JSON, _paths

    original = scheme_files.to_dict(schemes.HOKKAIDO_PRESET)
    path = data.draw(st.sampled_from([p for p in _paths(original) if p and p[0] == "levels"]))
    changed = copy.deepcopy(original)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(_JSON)
    try:
        spec = scheme_files.from_dict(changed, "fuzz.json")
    except UserError:
        return
    spec = replace(spec, levels=[replace(level, id=i) for i, level in enumerate(spec.levels, start=1)])
    names = {level.code: level.name for level in spec.levels}
    for level in spec.levels:
        for requirement in level.requirements:
            assert schemes.describe_requirement(requirement, names, {})
    facts = data.draw(records())
    for candidate in eligibility.evaluate(spec, {1: facts}, AS_OF, ranks={"課長": 3}):
        assert all(r.text for r in candidate.results)
