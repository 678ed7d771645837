"""Staff directory: 五十音 order, forgiving search, demo town contents."""

from __future__ import annotations

from datetime import date

import pytest

from app.staff import directory
from app.demo.town import generate_town
from app.kana import gojuon_key, normalise_reading, search_fold
from app.staff.directory import Column
from tests.conftest import ADMIN_USER


def test_gojuon_order_puts_voiced_kana_with_their_base():
    readings = ["かけい", "がくと", "かきざき", "あさの", "ぁあ", "はっとり", "はつの", "ばば"]
    assert sorted(readings, key=gojuon_key) == ["ぁあ", "あさの", "かきざき", "がくと", "かけい", "はっとり", "はつの", "ばば"]


def test_readings_are_stored_as_hiragana():
    assert normalise_reading("ﾀｶﾊｼ ﾀﾛｳ") == "たかはしたろう"
    assert normalise_reading("ヤマザキ　ハナコ") == "やまざきはなこ"


def test_search_fold_keeps_kanji_but_folds_variants_for_matching():
    assert search_fold("髙橋") == search_fold("高橋")
    assert search_fold("山﨑") == search_fold("山崎")
    assert search_fold("渡邊") == search_fold("渡辺") == search_fold("渡邉")
    assert search_fold("ＡＢ１２") == "ab12"


def test_directory_is_in_gojuon_order_with_assignments(demo_db):
    rows = directory.load_directory(demo_db, ADMIN_USER)
    assert len(rows) == 300
    keys = [r.sort_key for r in rows]
    assert keys == sorted(keys)
    first = next(r for r in rows if r.staff_no == "100001")
    assert first.name == "髙橋\u3000" + first.name.split("\u3000")[1]  # 髙 kept exactly
    assert first.position == "部長" and first.department and first.section == ""


def test_variant_kanji_survive_the_database(demo_db):
    names = {r.name.split("\u3000")[0] for r in directory.load_directory(demo_db, ADMIN_USER)}
    assert {"髙橋", "山﨑", "渡邊", "𠮷田"} <= names


def test_filter_by_kanji_reading_kana_width_and_number(demo_db):
    rows = directory.load_directory(demo_db, ADMIN_USER)
    takahashi = {r.id for r in rows if r.reading.startswith("たかはし")}
    assert takahashi
    for query in ("たかはし", "タカハシ", "ﾀｶﾊｼ"):
        assert {r.id for r in directory.filter_rows(rows, query)} == takahashi, query
    by_kanji = directory.filter_rows(rows, "高橋")  # plain 高 finds 髙橋
    assert any(r.name.startswith("髙橋") for r in by_kanji)
    assert [r.staff_no for r in directory.filter_rows(rows, "１００００４")] == ["100004"]  # full-width digits
    assert directory.filter_rows(rows, "") == rows
    assert directory.filter_rows(rows, "存在しない名前") == []


def test_filter_with_several_words_needs_all(demo_db):
    rows = directory.load_directory(demo_db, ADMIN_USER)
    result = directory.filter_rows(rows, "よしだ　ゆみ")
    assert result and all("よしだ" in r.reading and "ゆみ" in r.reading for r in result)


def test_narrows_only_when_every_old_word_is_kept():
    assert directory.narrows("", "たか")
    assert directory.narrows("たか", "たかは")
    assert directory.narrows("たか", "たかは し")
    assert not directory.narrows("たかは", "たか は")  # words split: more rows may match
    assert directory.narrows("ﾀ", "ﾀﾞ")  # search ignores 濁点: だ is folded to た, so the result can only shrink
    assert not directory.narrows("たかは", "たか")


def test_sort_by_position_rank_and_descending(demo_db):
    rows = directory.load_directory(demo_db, ADMIN_USER)
    by_rank = directory.sort_rows(rows, Column.POSITION)
    assert by_rank[0].position == "部長"
    descending = directory.sort_rows(rows, Column.STAFF_NO, descending=True)
    assert descending[0].staff_no == max(r.staff_no for r in rows)


def test_demo_town_is_reproducible_and_sized():
    a, b = generate_town(300, seed=7), generate_town(300, seed=7)
    assert a.staff == b.staff and a.assignments == b.assignments
    assert generate_town(300, seed=8).staff != a.staff
    departments = [u for u in a.units if u[2] == "department"]
    sections = [u for u in a.units if u[2] == "section"]
    assert len(a.staff) == 300 and len(departments) == 6 and len(sections) == 15


def test_counts(demo_db):
    numbers = directory.counts(demo_db)
    assert numbers["staff"] == 300 and numbers["departments"] == 6 and numbers["sections"] == 15


def test_family_name_sorts_before_longer_family_names():
    from app.staff.directory import StaffRow

    def person(fam: str, fam_r: str, giv_r: str) -> StaffRow:
        key_f, key_g = gojuon_key(fam_r), gojuon_key(giv_r)
        return StaffRow(0, None, "1", fam, f"{fam_r}\u3000{giv_r}", "", "", "", 0, "active",
                        (key_f[0], key_g[0], key_f[1], key_g[1], "1"), "")

    rows = [person("森田", "もりた", "あい"), person("森", "もり", "たろう"), person("森", "もり", "あきら")]
    ordered = [r.reading for r in sorted(rows, key=lambda r: r.sort_key)]
    assert ordered == ["もり\u3000あきら", "もり\u3000たろう", "もりた\u3000あい"]


def test_saito_variants_find_each_other():
    assert search_fold("齋藤") == search_fold("斎藤") == search_fold("斉藤") == search_fold("齊藤")


def test_hire_and_transfer_dates_outside_the_supported_range_are_refused(demo_db):
    """Issue 12 item 5: a hire date of 1800 was saved, and the record then crashed 履歴 and 編集."""
    from app.staff import edit
    from app.errors import UserError

    unit_id = edit.org_units(demo_db)[0][0]
    before = demo_db.execute("SELECT count(*) FROM staff").fetchone()[0]
    person = edit.PersonInput("900001", "古田", "一郎", "ふるた", "いちろう", date(1800, 4, 1), unit_id, None)
    with pytest.raises(UserError, match="採用日.*扱える日付の範囲外"):
        edit.create_person(demo_db, person, ADMIN_USER, on=date(2027, 4, 1))
    person.hire_date = date(2027, 4, 1)
    with pytest.raises(UserError, match="範囲外"):
        edit.create_person(demo_db, person, ADMIN_USER, on=date(2201, 1, 1))
    assert demo_db.execute("SELECT count(*) FROM staff").fetchone()[0] == before
    staff_id = edit.create_person(demo_db, person, ADMIN_USER, on=date(2027, 4, 1))
    person.hire_date = date(1872, 12, 31)
    with pytest.raises(UserError, match="採用日"):
        edit.update_person(demo_db, staff_id, person, ADMIN_USER, transfer_on=date(2027, 4, 1))
    assert demo_db["staff"].get(staff_id)["hire_date"] == "2027-04-01"


def test_reading_search_ignores_dakuten_and_handakuten(demo_db):
    """Issue 12 item 24: やまさき finds やまざき (any kana width); 濁点 and 半濁点 fold both ways."""
    rows = directory.load_directory(demo_db, ADMIN_USER, on=date(2026, 6, 1))
    yamazaki = {r.staff_no for r in rows if r.reading.startswith("やまざき")}
    assert yamazaki
    for query in ("やまさき", "ヤマサキ", "ﾔﾏｻｷ", "やまざき"):
        assert yamazaki <= {r.staff_no for r in directory.filter_rows(rows, query)}, query
    assert search_fold("ぱんだ") == search_fold("はんだ") == search_fold("バンダ")
    assert search_fold("山﨑") == "山崎"
