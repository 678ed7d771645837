"""Skill catalogues, presets and people's skills (issue 15 items 4 and 5), on a real register.

Figures are checked against direct SQL on the demo town; dates are fixed, never today.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.demo.skills import load_skills
from app.errors import PermissionDenied, UserError
from app.overview import person_card
from app.register.accounts import Role, User
from app.skills import catalogue_files, catalogues, presets, records
from app.skills.catalogues import CatalogueSpec, CategorySpec, ItemSpec, LevelSpec
from app.skills.records import SkillEntry
from tests.conftest import ADMIN_USER

DAY = date(2026, 4, 1)


@pytest.fixture
def skills_db(demo_db):
    load_skills(demo_db, "test", DAY)
    return demo_db


def _sql_current(db, family: str) -> dict[tuple[int, str], tuple[int, str]]:
    """The current-level rule written out by hand (not through CURRENT_SQL)."""
    rank = {"confirmed": 4, "qualification": 3, "training": 2, "self": 1}
    best: dict[tuple[int, str], tuple] = {}
    for staff_id, code, level, day, source, row_id in db.execute(
            "SELECT staff_id, item_code, level, assessed_on, source, id FROM staff_skills WHERE catalogue_family = ?",
            [family]):
        key, order = (staff_id, code), (day, rank[source], row_id)
        if key not in best or order > best[key][0]:
            best[key] = (order, level, source)
    return {k: (v[1], v[2]) for k, v in best.items()}


def test_the_dssp_preset_has_the_published_structure():
    spec = presets.dssp()
    catalogues.check_catalogue(spec)
    assert len(spec.items) == 49 and len(spec.roles) == 15 and len(spec.categories) == 12
    types = [r.type_name for r in spec.roles]
    assert list(dict.fromkeys(types)) == ["ビジネスアーキテクト", "デザイナー", "データサイエンティスト",
                                          "ソフトウェアエンジニア", "サイバーセキュリティ"]
    assert [types.count(t) for t in dict.fromkeys(types)] == [3, 3, 3, 4, 2]
    tops = {c.name.split("：")[0] for c in spec.categories}
    assert tops == {"ビジネス変革", "データ活用", "テクノロジー", "セキュリティ", "パーソナルスキル"}
    assert "照合できなかった" in spec.note and "重要度" in spec.note  # what could not be checked is said
    assert all(not r.items for r in spec.roles)  # the importance matrix is not shipped
    literacy = presets.dssl()
    assert len(literacy.items) == 23 and len(literacy.categories) == 5
    tokyo = presets.tokyo()
    assert {"デザイン", "データ利活用", "セキュリティ", "ネットワーク", "業務改革（BPR）"} <= {i.name for i in tokyo.items}
    assert all(len(i.descriptors) == 4 for i in tokyo.items)  # written descriptors for levels 1-4


def test_a_catalogue_round_trips_and_a_revision_is_a_new_version(db):
    first = presets.install_preset(db, "tokyo", ADMIN_USER)
    assert presets.install_preset(db, "tokyo", ADMIN_USER) == first  # installing again changes nothing
    spec = catalogues.load_catalogue(db, first)
    assert dataclasses.replace(spec, id=None, version=None) == presets.tokyo()
    spec.items.append(ItemSpec("gis", "main", "GIS", "地図情報", {2: "地図で施策を説明できる。"}))
    second = catalogues.save_catalogue(db, spec, ADMIN_USER)
    assert catalogues.load_catalogue(db, second).version == 2
    assert len(catalogues.load_catalogue(db, first).items) == 9  # the first version stays as it was
    assert catalogues.current(db, "skill-map").id == second
    rows = {r["id"]: r for r in catalogues.list_catalogues(db)}
    assert rows[second]["latest"] == 1 and rows[first]["latest"] == 0 and rows[second]["items"] == 10
    assert db.execute("SELECT count(*) FROM audit_log WHERE action LIKE 'skill.catalogue_%'").fetchone()[0] == 2


@pytest.mark.parametrize(("change", "words"), [
    (lambda s: setattr(s, "name", " "), "名前"),
    (lambda s: setattr(s, "levels", []), "レベル"),
    (lambda s: s.levels.append(LevelSpec(1, "重複")), "整数"),
    (lambda s: s.items.append(ItemSpec("design", "main", "重複")), "コード"),
    (lambda s: s.items.append(ItemSpec("x", "nowhere", "分類なし")), "分類"),
    (lambda s: s.items[0].descriptors.update({9: "尺度の外"}), "尺度"),
    (lambda s: s.categories.append(CategorySpec("main", "重複")), "分類"),
])
def test_a_broken_catalogue_is_refused_with_a_japanese_reason(db, change, words):
    spec = presets.tokyo()
    change(spec)
    with pytest.raises(UserError, match=words):
        catalogues.save_catalogue(db, spec, ADMIN_USER)
    assert db.execute("SELECT count(*) FROM skill_catalogues").fetchone()[0] == 0


def test_the_json_file_round_trips_and_names_a_bad_field(db, tmp_path):
    catalogue_id = presets.install_preset(db, "dss-p", ADMIN_USER)
    out = catalogue_files.export_catalogue(db, ADMIN_USER, catalogue_id, tmp_path / "dssp.json")
    new_id = catalogue_files.import_catalogue(db, ADMIN_USER, out)
    loaded = catalogues.load_catalogue(db, new_id)
    assert loaded.version == 2 and len(loaded.items) == 49 and len(loaded.roles) == 15
    broken = tmp_path / "broken.json"
    broken.write_text(out.read_text(encoding="utf-8").replace('"level": 2', '"level": "two"', 1), encoding="utf-8")
    with pytest.raises(UserError, match=r"broken.json.*levels\[2\]\.level"):
        catalogue_files.import_catalogue(db, ADMIN_USER, broken)


def test_the_current_level_follows_date_then_source_then_row(demo_db):
    db = demo_db
    presets.install_preset(db, "tokyo", ADMIN_USER)
    entries = [SkillEntry(1, "data", 1, date(2026, 1, 5), "self"),
               SkillEntry(1, "data", 3, date(2026, 1, 5), "confirmed"),  # same day: confirmed outranks self
               SkillEntry(1, "data", 2, date(2026, 1, 5), "self"),
               SkillEntry(2, "pm", 2, date(2026, 1, 5), "confirmed"),
               SkillEntry(2, "pm", 1, date(2026, 2, 1), "self"),  # a later self-assessment wins
               SkillEntry(3, "ai", 1, date(2026, 3, 1), "self"),
               SkillEntry(3, "ai", 2, date(2026, 3, 1), "self")]  # same day and source: the later row
    records.record_skills(db, ADMIN_USER, "skill-map", entries)
    found = {(r["staff_id"], r["item_code"]): (r["level"], r["source"]) for r in records.current_rows(db, "skill-map")}
    assert found == {(1, "data"): (3, "confirmed"), (2, "pm"): (1, "self"), (3, "ai"): (2, "self")}
    assert found == _sql_current(db, "skill-map")


def test_a_record_off_the_catalogue_is_refused_and_nothing_is_written(demo_db):
    db = demo_db
    presets.install_preset(db, "tokyo", ADMIN_USER)
    for entry, words in ((SkillEntry(1, "nothing", 1, DAY, "self"), "項目"),
                         (SkillEntry(1, "data", 7, DAY, "self"), "レベル"),
                         (SkillEntry(1, "data", 1, DAY, "guess"), "出所"),
                         (SkillEntry(99999, "data", 1, DAY, "self"), "職員")):
        with pytest.raises(UserError, match=words):
            records.record_skills(db, ADMIN_USER, "skill-map", [SkillEntry(2, "data", 1, DAY, "self"), entry])
    assert db.execute("SELECT count(*) FROM staff_skills").fetchone()[0] == 0


def test_a_person_assesses_only_themself_and_only_as_self(skills_db):
    person = skills_db.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id DESC LIMIT 1").fetchone()[0]
    me = User(901, "me", "me", Role.EVALUATOR, staff_id=person)
    before = len(records.own_levels(skills_db, me, "skill-map"))
    assert records.save_own_assessment(skills_db, me, "skill-map", {"data": 2, "ai": 1}, DAY) == 2
    assert records.save_own_assessment(skills_db, me, "skill-map", {"data": 2}, DAY) == 0  # unchanged: not written
    mine = records.own_levels(skills_db, me, "skill-map")
    assert mine["data"]["level"] == 2 and mine["data"]["source"] == "self" and len(mine) >= before
    with pytest.raises(PermissionDenied):
        records.record_skills(skills_db, me, "skill-map", [SkillEntry(person, "data", 4, DAY, "confirmed")])
    with pytest.raises(PermissionDenied):
        records.record_skills(skills_db, me, "skill-map", [SkillEntry(1, "data", 4, DAY, "self")])
    with pytest.raises(PermissionDenied):
        records.people_skills(skills_db, me, "skill-map", DAY)  # an evaluator does not see everyone's
    assert {r["item_code"] for r in records.people_skills(skills_db, me, "skill-map", DAY, staff_id=person)} >= {
        "data", "ai"}
    unlinked = User(902, "nobody", "nobody", Role.VIEWER)
    with pytest.raises(UserError, match="関連付け"):
        records.own_levels(skills_db, unlinked, "skill-map")


def test_skills_are_derived_from_qualifications_and_training_once(skills_db):
    db = skills_db
    db.execute("INSERT INTO staff_qualifications (staff_id, name, obtained_on, expires_on) VALUES "
               "(10, '情報処理安全確保支援士', '2024-04-01', '2027-03-31'), (11, '情報処理安全確保支援士', '2020-04-01', "
               "'2023-03-31'), (12, 'G検定', '2026-05-01', NULL)")  # held; expired; obtained after the day
    db.execute("INSERT INTO training_events (id, title, kind, starts_on, ends_on, hours) VALUES "
               "(1, '生成AI活用研修', 'training', '2026-02-01', '2026-02-01', 2)")
    db.execute("INSERT INTO training_attendance (event_id, staff_id) VALUES (1, 13)")
    db.execute("INSERT INTO training_attendance (event_id, staff_id) VALUES (1, 14)")
    records.record_skills(db, ADMIN_USER, "skill-map", [SkillEntry(14, "ai", 3, date(2025, 12, 1), "confirmed")])
    assert records.derive(db, ADMIN_USER, "skill-map", DAY) == 2
    derived = {tuple(r) for r in db.execute("SELECT staff_id, item_code, level, source, assessed_on FROM staff_skills "
                                            "WHERE source IN ('qualification', 'training')")}
    # dated on the evidence; person 14's confirmed level 3 is not lowered by an introductory course
    assert derived == {(10, "security", 3, "qualification", "2024-04-01"), (13, "ai", 1, "training", "2026-02-01")}
    assert records.derive(db, ADMIN_USER, "skill-map", DAY) == 0  # written once


def test_the_demo_town_has_skills_for_every_screen(skills_db):
    db = skills_db
    assert [f for f, _name in catalogues.families(db)] == ["skill-map", "dss-p", "dss-l"]
    rows = records.people_skills(db, ADMIN_USER, "skill-map", DAY)
    assert len(rows) == len(_sql_current(db, "skill-map"))
    by_source = {s: sum(1 for r in rows if r["source"] == s) for s in ("self", "confirmed")}
    assert by_source["self"] > 20 and by_source["confirmed"] > 10
    digital = {r["staff_id"] for r in rows if r["section"].startswith("デジタル戦略課")}
    assert digital and all(r["source"] == "confirmed" for r in rows if r["staff_id"] in digital)
    assert records.people_skills(db, ADMIN_USER, "dss-l", DAY)
    person = rows[0]["staff_id"]
    card = person_card.skills(db, ADMIN_USER, person, DAY)
    assert {r["item_code"] for r in card if r["family"] == "skill-map"} == {
        r["item_code"] for r in rows if r["staff_id"] == person}


def test_a_new_catalogue_version_keeps_everyones_records(skills_db):
    before = records.people_skills(skills_db, ADMIN_USER, "skill-map", DAY)
    spec = catalogues.current(skills_db, "skill-map")
    spec.name = "分野別スキルマップ（改訂）"
    catalogues.save_catalogue(skills_db, spec, ADMIN_USER)
    after = records.people_skills(skills_db, ADMIN_USER, "skill-map", DAY)
    assert [(r["staff_id"], r["item_code"], r["level"]) for r in after] == [
        (r["staff_id"], r["item_code"], r["level"]) for r in before]


def test_catalogue_spec_item_lookup():
    spec = CatalogueSpec("f", "n", [LevelSpec(0, "a")], [CategorySpec("c", "c")], [ItemSpec("i", "c", "I")])
    assert spec.item("i").name == "I" and spec.item("x") is None and spec.level_name(5) == "5"
