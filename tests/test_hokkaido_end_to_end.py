"""Issue 15's acceptance: Hokkaido's preset certifies a Level 4 and a management-track person on a demo town
whose earlier certifications, qualifications and training attendance were all IMPORTED FROM FILES, with
the reasons shown.

Everything goes in the way an officer would bring it: the earlier (paper) certifications from a CSV,
the qualification list from an .xlsx sheet (lane 2's importer), the training events entered on the
研修 screen's service and their attendance from a CP932 CSV (lane 1's importer). Nothing is written
to the tables directly.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.certification import decisions, eligibility, past, schemes
from app.certification.decisions import Approval
from app.demo.projects import load_projects
from app.demo.town import set_demo_municipality
from app.register import settings
from app.training import attendance_import, events, qualification_import
from tests.conftest import ADMIN_USER, OFFICER, run_cli

AS_OF = date(2026, 11, 23)  # 令和8年度


@pytest.fixture
def town(demo_db):
    load_projects(demo_db, "test")
    set_demo_municipality(demo_db, "test")
    schemes.install_preset(demo_db, "hokkaido", ADMIN_USER)
    settings.set_value(demo_db, "certification_scheme", schemes.HOKKAIDO_PRESET.family, ADMIN_USER)
    return demo_db


def _person(db, position: str) -> tuple[int, str, str]:
    """(id, 職員番号, name) of the first person in service whose position today is ``position``."""
    return db.execute("""SELECT s.id, s.staff_no, s.family_name || ' ' || s.given_name FROM staff s
                         JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_to IS NULL
                         JOIN positions p ON p.id = a.position_id
                         WHERE p.name = ? AND s.status = 'active' ORDER BY s.id LIMIT 1""", [position]).fetchone()


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "cp932") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _import_earlier_certifications(db, tmp_path: Path, expert_no: str, manager_no: str) -> None:
    path = _write_csv(tmp_path / "以前の認定.csv", [
        ["職員番号", "レベル", "認定日", "認定番号", "認定者"],
        [expert_no, "レベル1 デジタル推進リーダー", "令和5年6月1日", "令和5年度デジタル人材認定第0001号", "北海道知事"],
        [expert_no, "レベル2 デジタル活用人材", "令和6年6月1日", "令和6年度デジタル人材認定第0001号", "北海道知事"],
        [expert_no, "レベル3 デジタルデザイン人材", "令和7年6月2日", "令和7年度デジタル人材認定第0001号", "北海道知事"],
        [manager_no, "レベル1 デジタル推進リーダー", "令和5年6月1日", "令和5年度デジタル人材認定第0002号", "北海道知事"],
        [manager_no, "レベル2 デジタル活用人材", "令和6年6月1日", "令和6年度デジタル人材認定第0002号", "北海道知事"],
    ])
    preview = past.preview_file(db, ADMIN_USER, path, today=AS_OF)
    assert not preview.errors, [e.text(path.name) for e in preview.errors]
    past.commit(db, ADMIN_USER, preview)


def _import_qualifications(db, tmp_path: Path, expert_no: str, manager_no: str) -> None:
    book = Workbook()
    sheet = book.active
    for row in (["職員番号", "資格", "取得日", "備考"],
                [expert_no, "ネットワークスペシャリスト", "2025-10-20", "合格証書 NW-2025-0001"],
                [expert_no, "ITパスポート", "2019-06-01", ""],
                [manager_no, "ITパスポート", "2024-06-01", "合格証書 IP-2024-0002"]):
        sheet.append(row)
    path = tmp_path / "資格一覧.xlsx"
    book.save(path)
    preview = qualification_import.preview_file(db, ADMIN_USER, path, today=AS_OF)
    assert not preview.errors, preview.errors
    qualification_import.commit(db, ADMIN_USER, preview, today=AS_OF)


def _import_training(db, tmp_path: Path, expert_no: str, manager_no: str) -> None:
    for title, kind, day, hours in (("クラウド活用研修", "external", date(2026, 6, 10), 7.0),
                                    ("データ利活用研修", "training", date(2026, 9, 1), 6.0),
                                    ("デジタルマネジメント研修", "training", date(2026, 7, 15), 6.0)):
        events.create_event(db, events.EventInput(title, kind, day, hours=hours), ADMIN_USER)
    path = _write_csv(tmp_path / "受講記録.csv", [
        ["職員番号", "研修", "日付", "時間"],
        [expert_no, "クラウド活用研修", "2026/6/10", ""],
        [expert_no, "データ利活用研修", "2026/9/1", "5"],
        [manager_no, "デジタルマネジメント研修", "令和8年7月15日", ""],
    ])
    preview = attendance_import.preview_file(db, ADMIN_USER, path, AS_OF)
    assert not preview.errors, preview.errors
    attendance_import.commit(db, ADMIN_USER, preview)


def test_hokkaido_certifies_a_level_4_and_a_management_track_person_from_imported_records(town, tmp_path, db_path):
    expert = _person(town, "主査")
    manager = _person(town, "課長")
    _import_earlier_certifications(town, tmp_path, expert[1], manager[1])
    _import_qualifications(town, tmp_path, expert[1], manager[1])
    _import_training(town, tmp_path, expert[1], manager[1])

    scheme = schemes.load_scheme(town, schemes.active_scheme_id(town))
    found = {(c.staff_id, c.level.code): c for c in eligibility.eligibility(town, OFFICER, scheme, AS_OF)}
    level4 = found[expert[0], "level4"]
    assert [r.text for r in level4.results] == [
        "レベル3 デジタルデザイン人材: 令和7年6月2日認定・台帳導入前（1年） / 必要 1年 ✓",
        "高度情報処理技術者試験: ネットワークスペシャリスト 取得 令和7年10月20日 ✓",
        "研修時間（令和8年度）: 12時間 / 必要 12時間 ✓"]
    assert level4.status == "eligible"
    management = found[manager[0], "management"]
    assert [r.text for r in management.results] == [
        "レベル2 デジタル活用人材: 令和6年6月1日認定・台帳導入前（29か月） / 必要 0か月 ✓",
        "管理職 ✓（課長）",
        "「デジタルマネジメント研修」（過去36か月）: 受講 令和8年7月15日 ✓"]
    assert management.status == "eligible"
    # The expert is no manager (主査) and missed the management course: the track says so, and why.
    expert_management = found[expert[0], "management"]
    assert [r.text for r in expert_management.results][1:] == [
        "管理職 ✗（主査）", "「デジタルマネジメント研修」（過去36か月）: 受講 0回 / 必要 1回 ✗"]
    assert expert_management.status == "not_yet"

    # The reasons as the officer sees them on the command line, then the decisions.
    result = run_cli("--db", str(db_path), "eligibility", "--date", AS_OF.isoformat(), "--json")
    assert result.returncode == 0, result.stderr
    listed = json.dumps(json.loads(result.stdout), ensure_ascii=False)
    assert "ネットワークスペシャリスト 取得 令和7年10月20日 ✓" in listed and "管理職 ✓（課長）" in listed
    numbers = decisions.approve(town, OFFICER, scheme.id, [Approval(expert[0], "level4"),
                                                           Approval(manager[0], "management")], AS_OF, "北海道知事")
    assert numbers == ["令和8年度デジタル人材認定第0001号", "令和8年度デジタル人材認定第0002号"]
    stored = dict(town.execute("SELECT level_code, reasons_json FROM certifications WHERE certificate_no IN (?, ?)",
                               numbers).fetchall())
    assert "管理職 ✓（課長）" in stored["management"]
    assert "ネットワークスペシャリスト 取得 令和7年10月20日 ✓" in stored["level4"]
    check = run_cli("--db", str(db_path), "check", "--json")
    assert check.returncode == 0 and json.loads(check.stdout)["ok"], check.stdout
