"""`dx-jinzai-cli skills …`: catalogues, listing against direct SQL, records, imports and sheets, refusals (exit 1)."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.db import open_database
from app.register.accounts import Role, create_user, setup_administrator
from tests.conftest import ADMIN_USER, run_cli


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli-skills") / "demo.sqlite"
    assert run_cli("--db", str(path), "demo").returncode == 0
    return path


@pytest.fixture
def register(demo_file, tmp_path) -> Path:
    path = tmp_path / "r.sqlite"
    path.write_bytes(demo_file.read_bytes())
    return path


def sql(path: Path, query: str, params=()) -> list[tuple]:
    with closing(open_database(path).db) as db:
        return list(db.execute(query, params))


def test_catalogues_install_list_show_export_and_import(tmp_path):
    db = tmp_path / "new.sqlite"
    assert run_cli("--db", str(db), "init").returncode == 0
    empty = run_cli("--db", str(db), "skills", "list")
    assert empty.returncode == 1 and "スキルカタログがまだありません" in empty.stderr
    done = run_cli("--db", str(db), "skills", "catalogue", "install", "dss-p")
    assert done.returncode == 0 and "DX推進スキル標準" in done.stdout
    listed = json.loads(run_cli("--db", str(db), "skills", "catalogue", "list", "--json").stdout)
    assert [(r["family"], r["items"], r["roles"]) for r in listed] == [("dss-p", 49, 15)]
    shown = json.loads(run_cli("--db", str(db), "skills", "catalogue", "show", "--json").stdout)
    assert len(shown["items"]) == 49 and {r["type"] for r in shown["roles"]} >= {"デザイナー", "サイバーセキュリティ"}
    out = tmp_path / "dssp.json"
    assert run_cli("--db", str(db), "skills", "catalogue", "export", str(out)).returncode == 0
    again = run_cli("--db", str(db), "skills", "catalogue", "export", str(out))
    assert again.returncode == 1 and "dssp.json" in again.stderr
    loaded = run_cli("--db", str(db), "skills", "catalogue", "import", str(out))
    assert loaded.returncode == 0 and "第 2 版" in loaded.stdout
    unknown = run_cli("--db", str(db), "skills", "catalogue", "install", "moon")
    assert unknown.returncode == 2  # argparse: not one of the presets


def test_list_matches_direct_sql_and_filters(register):
    rows = json.loads(run_cli("--db", str(register), "skills", "list", "--json").stdout)
    current = sql(register, """SELECT count(*) FROM (SELECT DISTINCT staff_id, item_code FROM staff_skills
                               WHERE catalogue_family = 'skill-map')""")[0][0]
    assert len(rows) == current > 50
    one = rows[0]
    mine = json.loads(run_cli("--db", str(register), "skills", "list", "--staff", one["staff_no"], "--json").stdout)
    assert {r["item_code"] for r in mine} == {r["item_code"] for r in rows if r["staff_no"] == one["staff_no"]}
    data = json.loads(run_cli("--db", str(register), "skills", "list", "--item", "data", "--json").stdout)
    assert data and all(r["item_code"] == "data" for r in data)
    text = run_cli("--db", str(register), "skills", "list", "--catalogue", "dss-l")
    assert text.returncode == 0 and "デジタル部門が確認" not in text.stdout and "自己評価" in text.stdout


def test_add_records_a_level_and_refuses_wrong_input(register):
    number = sql(register, "SELECT staff_no FROM staff WHERE id = 33")[0][0]
    done = run_cli("--db", str(register), "skills", "add", number, "network", "3", "--date", "2026-05-01")
    assert done.returncode == 0
    assert sql(register, "SELECT level, source, assessed_on FROM staff_skills WHERE staff_id = 33 AND item_code = "
                         "'network' ORDER BY id DESC LIMIT 1") == [(3, "confirmed", "2026-05-01")]
    for args, words in ((["999999", "network", "3"], "999999"), ([number, "warp", "3"], "warp"),
                        ([number, "network", "8"], "レベル")):
        refused = run_cli("--db", str(register), "skills", "add", *args)
        assert refused.returncode == 1 and words in refused.stderr and "Traceback" not in refused.stderr


def test_as_a_linked_evaluator_only_ones_own_self_assessment(register):
    with closing(open_database(register).db) as db:
        setup_administrator(db, "admin", "情報 太郎", "correct horse 1")
        create_user(db, "hanako", "評価 花子", "correct horse 2", Role.EVALUATOR, ADMIN_USER, staff_id=33)
    number, other = [r[0] for r in sql(register, "SELECT staff_no FROM staff WHERE id IN (33, 34) ORDER BY id")]
    own = run_cli("--db", str(register), "--as", "hanako", "skills", "add", number, "ai", "2", "--source", "self",
                  stdin="correct horse 2\n")
    assert own.returncode == 0, own.stderr
    for args in ([number, "ai", "4"], [other, "ai", "2", "--source", "self"]):
        refused = run_cli("--db", str(register), "--as", "hanako", "skills", "add", *args, stdin="correct horse 2\n")
        assert refused.returncode == 1 and "自分の自己評価だけ" in refused.stderr
    listed = run_cli("--db", str(register), "--as", "hanako", "skills", "list", stdin="correct horse 2\n")
    assert listed.returncode == 1 and "権限がありません" in listed.stderr


def test_import_refuses_a_bad_list_and_reads_back_sheets(register, tmp_path):
    number = sql(register, "SELECT staff_no FROM staff WHERE id = 35")[0][0]
    bad = tmp_path / "bad.csv"
    bad.write_text(f"職員番号,項目,レベル,評価日\n{number},data,2,2026-05-01\n000000,data,2,2026-05-01\n", encoding="utf-8")
    before = sql(register, "SELECT count(*) FROM staff_skills")[0][0]
    refused = run_cli("--db", str(register), "skills", "import", str(bad), "--json")
    report = json.loads(refused.stdout)
    assert refused.returncode == 1 and report[0]["ok"] is False and "3 行目、「職員番号」列" in report[0]["errors"][0]
    assert sql(register, "SELECT count(*) FROM staff_skills")[0][0] == before
    folder = tmp_path / "sheets"
    folder.mkdir()
    written = run_cli("--db", str(register), "skills", "sheets", "--out", str(folder), "--staff", number)
    assert written.returncode == 0
    sheet = next(folder.glob("*.xlsx"))
    workbook = load_workbook(sheet)
    workbook.worksheets[0].cell(9, 5, 4)
    workbook.save(sheet)
    dry = run_cli("--db", str(register), "skills", "import", str(sheet), "--dry-run")
    assert dry.returncode == 0 and "書き込みなし" in dry.stdout
    assert sql(register, "SELECT count(*) FROM staff_skills")[0][0] == before
    done = run_cli("--db", str(register), "skills", "import", str(sheet))
    assert done.returncode == 0, done.stderr
    assert sql(register, "SELECT level, source FROM staff_skills WHERE staff_id = 35 AND item_code = 'data' "
                         "ORDER BY id DESC LIMIT 1") == [(4, "self")]


def test_derive_records_from_qualifications(register):
    sql_write = open_database(register).db
    with closing(sql_write) as db:
        db.execute("INSERT INTO staff_qualifications (staff_id, name, obtained_on) VALUES (36, 'G検定', '2025-01-10')")
        db.conn.commit()
    done = run_cli("--db", str(register), "skills", "derive", "--date", "2026-04-01")
    assert done.returncode == 0 and "1 件" in done.stdout  # the demo's own qualifications were derived already
    assert ("ai", 2, "qualification") in sql(register, "SELECT item_code, level, source FROM staff_skills "
                                                        "WHERE staff_id = 36 AND source = 'qualification'")
