"""Qualifications: the catalogue, people's records with their expiry, what expires soon, the person card."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import PermissionDenied, UserError
from app.overview import person_card
from app.register.accounts import Role, User
from app.training import qualifications as q
from tests.conftest import ADMIN_USER

TODAY = date(2026, 12, 1)
VIEWER = User(9, "viewer", "閲覧 者", Role.VIEWER)
EVALUATOR = User(8, "evaluator", "評価 者", Role.EVALUATOR)


def _staff(db, n: int = 3) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id LIMIT ?", [n])]


def _entry(db, name: str) -> int:
    return db.execute("SELECT id FROM qualifications WHERE name = ?", [name]).fetchone()[0]


@pytest.mark.parametrize(("obtained", "years", "last_day"), [
    (date(2024, 6, 1), 3, date(2027, 5, 31)),   # the day before the anniversary
    (date(2024, 1, 1), 1, date(2024, 12, 31)),
    (date(2024, 2, 29), 3, date(2027, 2, 28)),  # no 29 February: the end of the month
    (date(2024, 2, 29), 4, date(2028, 2, 28)),  # the anniversary exists: the day before it
    (date(2024, 3, 1), 3, date(2027, 2, 28)),
])
def test_expiry_counts_years_as_the_civil_code_does(obtained, years, last_day):
    assert q.expiry_date(obtained, years) == last_day
    assert q.expiry_date(obtained, None) is None


def test_the_seeded_catalogue_is_there_and_editable(demo_db):
    rows = q.catalogue(demo_db, ADMIN_USER)
    names = [r["name"] for r in rows]
    assert names[:4] == ["ITパスポート", "情報セキュリティマネジメント", "基本情報技術者", "応用情報技術者"]
    assert len(rows) == demo_db.execute("SELECT count(*) FROM qualifications").fetchone()[0]
    new_id = q.add_entry(demo_db, ADMIN_USER, "ＡＷＳ認定 ソリューションアーキテクト", "民間資格", 3)
    assert q.catalogue(demo_db, ADMIN_USER)[-1]["name"] == "AWS認定 ソリューションアーキテクト"
    with pytest.raises(UserError, match="すでに"):
        q.add_entry(demo_db, ADMIN_USER, "aws認定ソリューションアーキテクト")
    with pytest.raises(UserError):
        q.add_entry(demo_db, ADMIN_USER, "X", validity_years=0)
    q.edit_entry(demo_db, ADMIN_USER, new_id, "AWS SAA", "民間資格", 2)
    assert demo_db.execute("SELECT name, validity_years FROM qualifications WHERE id = ?", [new_id]).fetchone() == (
        "AWS SAA", 2)
    q.set_retired(demo_db, ADMIN_USER, new_id, True)
    assert new_id not in [r["id"] for r in q.catalogue(demo_db, ADMIN_USER, include_retired=False)]
    staff_id = _staff(demo_db, 1)[0]
    with pytest.raises(UserError, match="廃止"):
        q.add_record(demo_db, ADMIN_USER, staff_id, new_id, date(2026, 1, 5), today=TODAY)
    actions = [r[0] for r in demo_db.execute("SELECT action FROM audit_log WHERE action LIKE 'qualification.%'")]
    assert actions == ["qualification.catalogue_add", "qualification.catalogue_edit", "qualification.catalogue_retire"]


def test_a_record_gets_its_expiry_from_the_catalogue_unless_given(demo_db):
    a, b, _c = _staff(demo_db)
    support, passport = _entry(demo_db, "情報処理安全確保支援士"), _entry(demo_db, "ITパスポート")
    first = q.add_record(demo_db, ADMIN_USER, a, support, date(2024, 6, 1), today=TODAY, note="登録番号 012345")
    second = q.add_record(demo_db, ADMIN_USER, b, support, date(2024, 6, 1), today=TODAY, expires_on=date(2026, 3, 31))
    third = q.add_record(demo_db, ADMIN_USER, b, passport, date(2020, 4, 19), today=TODAY)
    stored = dict(demo_db.execute("SELECT id, expires_on FROM staff_qualifications"))
    assert stored == {first: "2027-05-31", second: "2026-03-31", third: None}
    assert demo_db.execute("SELECT name, source FROM staff_qualifications WHERE id = ?", [first]).fetchone() == (
        "情報処理安全確保支援士", "app")
    with pytest.raises(UserError, match="未来"):
        q.add_record(demo_db, ADMIN_USER, a, passport, date(2026, 12, 2), today=TODAY)
    with pytest.raises(UserError, match="すでに"):
        q.add_record(demo_db, ADMIN_USER, a, support, date(2024, 6, 1), today=TODAY)
    with pytest.raises(UserError):
        q.edit_record(demo_db, ADMIN_USER, first, date(2024, 6, 1), date(2024, 5, 1), "", today=TODAY)
    q.edit_record(demo_db, ADMIN_USER, first, date(2024, 6, 2), None, "再登録", today=TODAY)
    assert demo_db.execute("SELECT obtained_on, expires_on, note FROM staff_qualifications WHERE id = ?",
                           [first]).fetchone() == ("2024-06-02", None, "再登録")
    again = q.add_record(demo_db, ADMIN_USER, a, support, date(2021, 6, 1), today=TODAY)
    with pytest.raises(UserError, match="すでに"):
        q.edit_record(demo_db, ADMIN_USER, again, date(2024, 6, 2), None, "", today=TODAY)
    q.remove_record(demo_db, ADMIN_USER, again)
    q.remove_record(demo_db, ADMIN_USER, third)
    assert demo_db.execute("SELECT count(*) FROM staff_qualifications").fetchone()[0] == 2
    log = [r[0] for r in demo_db.execute("SELECT action FROM audit_log WHERE action LIKE 'qualification.%' ORDER BY id")]
    assert log == ["qualification.add"] * 3 + ["qualification.edit", "qualification.add"] + ["qualification.remove"] * 2


def test_held_on_is_inclusive_of_the_last_day(demo_db):
    """The rule the eligibility engine uses: held on the day it expires, not the day after."""
    a = _staff(demo_db, 1)[0]
    q.add_record(demo_db, ADMIN_USER, a, _entry(demo_db, "情報処理安全確保支援士"), date(2024, 6, 1), today=TODAY)

    def held(day: date) -> bool:
        sql = f"SELECT count(*) FROM staff_qualifications sq WHERE sq.staff_id = ? AND {q.HELD_ON_SQL}"
        return demo_db.execute(sql, [a, day.isoformat(), day.isoformat()]).fetchone()[0] == 1

    assert not held(date(2024, 5, 31))
    assert held(date(2024, 6, 1)) and held(date(2027, 5, 31))
    assert not held(date(2027, 6, 1))


def test_expiring_lists_the_next_90_days_soonest_first_without_renewed_or_retired(demo_db):
    a, b, c, d = _staff(demo_db, 4)
    support = _entry(demo_db, "情報処理安全確保支援士")
    q.add_record(demo_db, ADMIN_USER, a, support, date(2024, 3, 1), today=TODAY, expires_on=date(2027, 3, 1))  # 90 days
    q.add_record(demo_db, ADMIN_USER, b, support, date(2024, 1, 1), today=TODAY, expires_on=TODAY)  # today: still held
    q.add_record(demo_db, ADMIN_USER, c, support, date(2024, 1, 1), today=TODAY, expires_on=date(2027, 3, 2))  # 91
    q.add_record(demo_db, ADMIN_USER, d, support, date(2023, 1, 1), today=TODAY, expires_on=date(2026, 12, 20))
    q.add_record(demo_db, ADMIN_USER, d, support, date(2026, 11, 1), today=TODAY)  # renewed
    q.add_record(demo_db, ADMIN_USER, c, support, date(2020, 1, 1), today=TODAY, expires_on=date(2026, 11, 30))  # gone
    rows = q.expiring(demo_db, ADMIN_USER, TODAY)
    assert [(r["staff_id"], r["days_left"]) for r in rows] == [(b, 0), (a, 90)]
    direct = demo_db.execute("SELECT count(*) FROM staff_qualifications WHERE expires_on BETWEEN ? AND ?",
                             ["2026-12-01", "2027-03-01"]).fetchone()[0]
    assert direct == 3  # the third is the renewed one, left out
    demo_db.execute("UPDATE staff SET status = 'retired', retired_on = '2026-11-30' WHERE id = ?", [b])
    assert [r["staff_id"] for r in q.expiring(demo_db, ADMIN_USER, TODAY)] == [a]


def test_roles(demo_db):
    a = _staff(demo_db, 1)[0]
    passport = _entry(demo_db, "ITパスポート")
    q.add_record(demo_db, ADMIN_USER, a, passport, date(2021, 1, 1), today=TODAY)
    assert len(q.records(demo_db, VIEWER)) == 1
    assert q.expiring(demo_db, VIEWER, TODAY) == []
    with pytest.raises(PermissionDenied):
        q.add_record(demo_db, VIEWER, a, passport, date(2022, 1, 1), today=TODAY)
    with pytest.raises(PermissionDenied):
        q.records(demo_db, EVALUATOR)
    with pytest.raises(PermissionDenied):
        q.add_entry(demo_db, VIEWER, "X")


def test_records_filter_and_person_card(demo_db):
    a, b = _staff(demo_db, 2)
    passport, support = _entry(demo_db, "ITパスポート"), _entry(demo_db, "情報処理安全確保支援士")
    q.add_record(demo_db, ADMIN_USER, a, passport, date(2019, 5, 1), today=TODAY)
    q.add_record(demo_db, ADMIN_USER, a, support, date(2023, 10, 1), today=TODAY)
    q.add_record(demo_db, ADMIN_USER, b, passport, date(2022, 5, 1), today=TODAY)
    assert len(q.records(demo_db, ADMIN_USER, qualification_id=passport)) == 2
    assert len(q.records(demo_db, ADMIN_USER, query="支援士")) == 1
    family, given = demo_db.execute("SELECT family_name, given_name FROM staff WHERE id = ?", [b]).fetchone()
    assert {r["staff_id"] for r in q.records(demo_db, ADMIN_USER, query=f"{family} {given}")} == {b}
    with pytest.raises(UserError):
        q.expiring(demo_db, ADMIN_USER, TODAY, -1)
    staff_no = demo_db.execute("SELECT staff_no FROM staff WHERE id = ?", [a]).fetchone()[0]
    assert {r["staff_id"] for r in q.records(demo_db, ADMIN_USER, query=staff_no)} == {a}
    card = person_card.qualifications(demo_db, ADMIN_USER, a, TODAY)
    assert [r["qualification"] for r in card] == ["情報処理安全確保支援士", "ITパスポート"]
    assert card[0]["expires_on"] == "2026-09-30" and card[0]["status"] == "expired"
    assert card[1]["status"] == "valid" and card[1]["status_label"] == "保有"
    assert "qualifications" in dict(person_card.visible_tabs(VIEWER))
    assert "qualifications" not in dict(person_card.visible_tabs(EVALUATOR))
    assert len(person_card.card(demo_db, ADMIN_USER, a, TODAY)["qualifications"]) == 2


def test_demo_qualifications_expire_soon_relative_to_the_demo_day(demo_db):
    from app.demo.qualifications import EXPIRING_IN_DAYS, load_qualifications

    written = load_qualifications(demo_db, "test", TODAY)
    assert written == demo_db.execute("SELECT count(*) FROM staff_qualifications").fetchone()[0] > 50
    assert [r["days_left"] for r in q.expiring(demo_db, ADMIN_USER, TODAY)] == list(EXPIRING_IN_DAYS)
    later = date(2027, 6, 1)
    assert len(q.expiring(demo_db, ADMIN_USER, later)) < 3  # relative to the day it was made


def test_the_audit_log_reads_as_sentences(demo_db):
    from app.overview import audit_log

    a = _staff(demo_db, 1)[0]
    record = q.add_record(demo_db, ADMIN_USER, a, _entry(demo_db, "ITパスポート"), date(2024, 6, 1), today=TODAY)
    q.edit_record(demo_db, ADMIN_USER, record, date(2024, 6, 2), None, "合格証書", today=TODAY)
    q.add_entry(demo_db, ADMIN_USER, "AWS SAA")
    entries = audit_log.recent(demo_db, ADMIN_USER, 3)
    name = demo_db.execute("SELECT family_name || ' ' || given_name FROM staff WHERE id = ?", [a]).fetchone()[0]
    assert audit_log.describe(demo_db, entries) == [
        "資格の一覧に「AWS SAA」を追加しました。",
        f"{name} さんのITパスポートを訂正しました: 証明・備考：（空） → 合格証書、取得日：令和6年6月1日 → 令和6年6月2日。",
        f"{name} さんのITパスポート（令和6年6月1日 取得）を入力しました。"]
