"""Importing staff qualifications from CSV/xlsx: preview, errors by row and column in Japanese, all or nothing."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import i18n
from app.db import open_database
from app.demo.town import generate_town, load_town
from app.errors import UserError
from app.staff.importer import ImportRefused
from app.tabular import write_xlsx
from app.training import qualification_import as qi
from tests.conftest import ADMIN_USER, run_cli
from tests.test_import_fuzz import SETTINGS, Figures, Register, commit_unless_refused, digest, run_case, staff_file

TODAY = date(2026, 12, 1)
HEADER = ["職員番号", "資格", "取得日", "有効期限", "備考"]


def _numbers(db, n: int = 4) -> list[str]:
    return [r[0] for r in db.execute("SELECT staff_no FROM staff WHERE status = 'active' ORDER BY id LIMIT ?", [n])]


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "cp932") -> Path:
    path.write_text("\r\n".join(",".join(r) for r in rows) + "\r\n", encoding=encoding)
    return path


def _good_rows(db) -> list[list[str]]:
    a, b, c, _d = _numbers(db)
    return [HEADER,
            [a, "ITパスポート", "令和6年6月1日", "", "合格証書 第IP-0001号"],
            [b, "情報処理安全確保支援士", "2024/6/1", "", "登録番号 012345"],
            [c, "ＩＴパスポート", "R5.4.16", "", ""],  # full-width name, 和暦 short
            [b, "G検定", "2025-11-08", "2027-03-31", ""]]


def test_a_good_csv_is_previewed_then_imported_all_at_once(demo_db, tmp_path):
    path = _write_csv(tmp_path / "資格一覧.csv", _good_rows(demo_db))
    before = digest(demo_db)
    preview = qi.preview_file(demo_db, ADMIN_USER, path, today=TODAY)
    assert preview.errors == [] and preview.encoding == "cp932" and preview.rows == 4
    assert digest(demo_db) == before  # the preview writes nothing
    assert preview.counts() == {"ITパスポート": 2, "情報処理安全確保支援士": 1, "G検定": 1}
    support = next(r for r in preview.records if r.qualification == "情報処理安全確保支援士")
    assert (support.obtained_on, support.expires_on) == ("2024-06-01", "2027-05-31")
    summary = qi.commit(demo_db, ADMIN_USER, preview, today=TODAY)
    assert summary["qualifications"] == 4 and summary["imported"]
    stored = demo_db.execute("SELECT count(*), count(DISTINCT staff_id), min(source), max(source) "
                             "FROM staff_qualifications").fetchone()
    assert stored == (4, 3, "import", "import")
    assert demo_db.execute("SELECT expires_on FROM staff_qualifications WHERE name = 'G検定'").fetchone()[0] == "2027-03-31"
    assert demo_db.execute("SELECT count(*) FROM audit_log WHERE action = 'qualification.import'").fetchone()[0] == 1
    again = qi.preview_file(demo_db, ADMIN_USER, path, today=TODAY)  # the same file twice: already there
    assert len(again.errors) == 4 and "すでに台帳にあります" in again.errors[0].message


def test_an_xlsx_is_read_the_same_way(demo_db, tmp_path):
    rows = _good_rows(demo_db)
    path = tmp_path / "資格.xlsx"
    write_xlsx(path, rows[0], rows[1:], "資格")
    preview = qi.preview_file(demo_db, ADMIN_USER, path, today=TODAY)
    assert preview.errors == [] and len(preview.records) == 4 and preview.encoding == "xlsx"


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(demo_db, tmp_path):
    a, b, c, d = _numbers(demo_db)
    rows = [HEADER,
            [a, "ITパスポート", "令和6年6月1日", "", ""],
            ["99999", "ITパスポート", "令和6年6月1日", "", ""],            # row 3: wrong 職員番号
            [b, "ITパスポー", "令和6年6月1日", "", ""],                    # row 4: unknown qualification
            [c, "基本情報技術者", "2026-12-02", "", ""],                   # row 5: tomorrow
            [a, "ITパスポート", "R6.6.1", "", ""],                         # row 6: the same as row 2
            [d, "G検定", "2025-01-01", "2024-12-31", ""],                  # row 7: expires before obtained
            [d, "", "2025-01-01", "", ""],                                 # row 8: empty qualification
            [d, "E資格", "いつか", "", ""]]                                # row 9: not a date
    path = _write_csv(tmp_path / "資格一覧.csv", rows)
    before = digest(demo_db)
    preview = qi.preview_file(demo_db, ADMIN_USER, path, today=TODAY)
    where = [(e.row, e.column) for e in preview.errors]
    assert where == [(3, "職員番号"), (4, "資格"), (5, "取得日"), (6, "資格"), (7, "有効期限"), (8, "資格"), (9, "取得日")]
    texts = [e.text(path.name) for e in preview.errors]
    assert texts[0].startswith("資格一覧.csv, 3 行目、列「職員番号」") and "99999" in texts[0]
    assert "資格の一覧にありません" in texts[1]
    assert "未来" in texts[2]
    assert "2回" in texts[3] and "2 行目" in texts[3]
    with pytest.raises(ImportRefused):
        qi.commit(demo_db, ADMIN_USER, preview, today=TODAY)
    assert digest(demo_db) == before


def test_missing_columns_and_lost_leading_zeros(demo_db, tmp_path):
    path = _write_csv(tmp_path / "a.csv", [["職員番号", "取得日"], ["1", "2024-01-01"]])
    preview = qi.preview_file(demo_db, ADMIN_USER, path, today=TODAY)
    assert preview.errors[0].row == 1 and "資格" in preview.errors[0].message
    number = _numbers(demo_db, 1)[0]
    if number.startswith("0"):
        path = _write_csv(tmp_path / "b.csv", [HEADER, [number.lstrip("0"), "ITパスポート", "2024-01-01", "", ""]])
        message = qi.preview_file(demo_db, ADMIN_USER, path, today=TODAY).errors[0].message
        assert number in message


def test_the_register_changing_after_the_preview_refuses_the_commit(demo_db, tmp_path):
    from app.training import qualifications

    path = _write_csv(tmp_path / "資格一覧.csv", _good_rows(demo_db))
    preview = qi.preview_file(demo_db, ADMIN_USER, path, today=TODAY)
    first = preview.records[0]
    qualifications.add_record(demo_db, ADMIN_USER, first.staff_id, first.qualification_id,
                              date.fromisoformat(first.obtained_on), today=TODAY)
    with pytest.raises(UserError, match="確認の後で台帳が変わりました|変わりました"):
        qi.commit(demo_db, ADMIN_USER, preview, today=TODAY)
    assert demo_db.execute("SELECT count(*) FROM staff_qualifications").fetchone()[0] == 1


def test_cli_import_list_expiring_and_catalogue(demo_db, db_path, tmp_path):
    path = _write_csv(tmp_path / "資格一覧.csv", _good_rows(demo_db))
    demo_db.close()
    db = ["--db", str(db_path)]
    dry = run_cli(*db, "qualifications", "import", str(path), "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert '"imported": false' in dry.stdout
    done = run_cli(*db, "qualifications", "import", str(path))
    assert done.returncode == 0 and "4 件" in done.stdout
    twice = run_cli(*db, "qualifications", "import", str(path))
    assert twice.returncode == 1 and "2 行目" in twice.stderr and "何も書き込んでいません" in twice.stderr
    listed = run_cli(*db, "qualifications", "list", "--json")
    assert listed.returncode == 0 and listed.stdout.count('"qualification"') == 4
    soon = run_cli(*db, "qualifications", "expiring", "--date", "2027-04-01", "--json")
    assert soon.returncode == 0 and "情報処理安全確保支援士" in soon.stdout
    assert run_cli(*db, "qualifications", "catalogue", "add", "AWS SAA", "--validity-years", "3").returncode == 0
    assert run_cli(*db, "qualifications", "catalogue", "edit", "AWS SAA", "--category", "民間資格").returncode == 0
    retired = run_cli(*db, "qualifications", "catalogue", "retire", "AWS SAA")
    assert retired.returncode == 0
    number = run_cli(*db, "staff", "list", "--json").stdout.split('"staff_no": "')[1].split('"')[0]
    refused = run_cli(*db, "qualifications", "add", number, "AWS SAA", "--obtained", "2025-01-01")
    assert refused.returncode == 1 and "廃止" in refused.stderr
    added = run_cli(*db, "qualifications", "add", number, "基本情報技術者", "--obtained", "R6.4.21", "--note", "合格")
    assert added.returncode == 0, added.stderr
    record_id = added.stdout.split("記録 ")[1].split("、")[0]
    assert run_cli(*db, "qualifications", "edit", record_id, "--expires", "2030-03-31").returncode == 0
    assert run_cli(*db, "qualifications", "remove", record_id).returncode == 0
    future = run_cli(*db, "qualifications", "add", number, "基本情報技術者", "--obtained", "2999-01-01")
    assert future.returncode == 1
    catalogue = run_cli(*db, "qualifications", "catalogue", "list", "--json")
    assert '"AWS SAA"' in catalogue.stdout


# -- fuzz --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def qualification_template(tmp_path_factory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("qualifications") / "template.sqlite"
    result = open_database(path)
    load_town(result.db, generate_town(40, seed=9), "test")
    numbers = [r[0] for r in result.db.execute("SELECT staff_no FROM staff WHERE status = 'active' LIMIT 20")]
    result.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result.db.close()
    return path, numbers


@pytest.mark.reliability
def test_fuzz_qualification_import(qualification_template, tmp_path):
    i18n.install("ja")
    template, numbers = qualification_template
    register = Register(template, tmp_path)
    figures = Figures()
    names = ["ITパスポート", "基本情報技術者", "情報処理安全確保支援士", "G検定"]
    rows = [HEADER] + [[no, names[i % 4], "令和6年6月1日" if i % 2 else "2023/10/15", "", f"証書 {i}"]
                       for i, no in enumerate(numbers)]
    files = tmp_path / "files"
    files.mkdir()

    @SETTINGS
    @given(seed=st.integers(0, 2**32 - 1))
    def case(seed: int) -> None:
        rnd = random.Random(seed)
        path = staff_file(rnd, files, rows).rename(files / rnd.choice(["資格一覧.csv", "資格一覧.xlsx"]))

        def attempt() -> list[str] | None:
            preview = qi.preview_file(register.db, ADMIN_USER, path, today=TODAY)
            return commit_unless_refused(preview.errors,
                                         lambda: qi.commit(register.db, ADMIN_USER, preview, today=TODAY),
                                         lambda: [e.text(path.name) for e in preview.errors])

        run_case(figures, register, path, attempt)

    try:
        case()
    finally:
        register.close()
    figures.check("qualification-import-fuzz")
