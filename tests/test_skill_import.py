"""Importing people's skills: the list (CSV/xlsx) and the signed self-assessment sheets, with their faults.

Every refusal names the file, the row and the column in Japanese and writes nothing (the tables are compared
before and after). The sheet reader is fuzzed with hypothesis: damaged cells of the data sheet and of the hidden
「_meta」 sheet must end in a refusal or in records on the catalogue's scale, never in a crash.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from app.db import open_database
from app.demo.skills import load_skills
from app.demo.town import generate_town, load_town
from app.errors import UserError
from app.register.accounts import Role, User
from app.skills import importer, records, self_assessment
from app.tabular import write_xlsx
from tests.conftest import ADMIN_USER
from tests.reliability import hypothesis_settings, report

DAY = date(2026, 4, 1)
TODAY = date(2026, 6, 1)


@pytest.fixture
def skills_db(demo_db):
    load_skills(demo_db, "test", DAY)
    return demo_db


def digest(db) -> str:
    rows = list(db.execute("SELECT * FROM staff_skills ORDER BY id")) + [db.execute("SELECT count(*) FROM audit_log").fetchone()]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def staff_no(db, staff_id: int) -> str:
    return db.execute("SELECT staff_no FROM staff WHERE id = ?", [staff_id]).fetchone()[0]


def write_csv(path: Path, rows: list[list[str]], header: str = "職員番号,項目,レベル,評価日,出所,備考") -> Path:
    path.write_text(header + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_a_good_list_imports_all_rows_as_named(skills_db, tmp_path):
    db = skills_db
    path = write_csv(tmp_path / "skills.csv", [
        [staff_no(db, 20), "data", "3", "2026-05-10", "確認", "統計の研修講師"],
        [staff_no(db, 20), "デザイン", "２", "令和8年5月10日", "自己評価", ""],
        [staff_no(db, 21), "pm", "1", "2026/5/1", "", ""]])
    preview = importer.preview_file(db, ADMIN_USER, path, TODAY)
    assert preview.ok and preview.summary()["records"] == 3 and preview.summary()["people"] == 2
    before = db.execute("SELECT count(*) FROM staff_skills").fetchone()[0]
    assert importer.commit(db, ADMIN_USER, preview) == 3
    assert db.execute("SELECT count(*) FROM staff_skills").fetchone()[0] == before + 3
    now = {r["item_code"]: r for r in records.current_rows(db, "skill-map", 20)}
    assert (now["data"]["level"], now["data"]["source"], now["data"]["note"]) == (3, "confirmed", "統計の研修講師")
    assert (now["design"]["level"], now["design"]["source"]) == (2, "self")


def test_an_xlsx_list_imports_too(skills_db, tmp_path):
    path = tmp_path / "skills.xlsx"
    write_xlsx(path, ["職員番号", "項目", "レベル", "評価日"], [[staff_no(skills_db, 30), "セキュリティ", "2", "2026-05-01"]],
               "スキル")
    preview = importer.preview_file(skills_db, ADMIN_USER, path, TODAY)
    assert preview.ok and importer.commit(skills_db, ADMIN_USER, preview) == 1


def test_every_faulty_row_is_named_by_row_and_column_and_nothing_is_written(skills_db, tmp_path):
    db = skills_db
    good = staff_no(db, 20)
    path = write_csv(tmp_path / "faults.csv", [
        [good, "data", "2", "2026-05-01", "", ""],
        ["999999", "data", "2", "2026-05-01", "", ""],       # row 3: wrong 職員番号
        [good, "data", "2", "2026-07-01", "", ""],           # row 4: in the future
        [good, "data", "2", "2026-05-01", "", ""],           # row 5: duplicate of row 2
        [good, "宇宙開発", "2", "2026-05-01", "", ""],        # row 6: unknown item
        [good, "pm", "9", "2026-05-01", "", ""],             # row 7: level off the scale
        [good, "pm", "2", "いつか", "", ""],                  # row 8: not a date
        [good, "pm", "2", "2026-05-02", "噂", ""],            # row 9: unknown source
    ])
    before = digest(db)
    preview = importer.preview_file(db, ADMIN_USER, path, TODAY)
    assert not preview.ok and preview.entries == []
    expected = [("3", "職員番号"), ("4", "評価日"), ("5", "項目"), ("6", "項目"), ("7", "レベル"), ("8", "評価日"),
                ("9", "出所")]
    assert len(preview.errors) == len(expected)
    for error, (row, column) in zip(preview.errors, expected):
        assert error.startswith(f"faults.csv、{row} 行目、「{column}」列: "), error
    assert "未来" in preview.errors[1] and "2 行目と同じ" in preview.errors[2]
    with pytest.raises(UserError):
        importer.commit(db, ADMIN_USER, preview)
    assert digest(db) == before


def test_a_file_without_the_columns_or_broken_is_refused_by_name(skills_db, tmp_path):
    path = write_csv(tmp_path / "nocols.csv", [["1", "2"]], header="番号,なにか")
    with pytest.raises(UserError, match="nocols.csv.*職員番号・項目・レベル・評価日"):
        importer.preview_file(skills_db, ADMIN_USER, path, TODAY)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(UserError, match="broken.xlsx"):
        importer.preview_file(skills_db, ADMIN_USER, broken, TODAY)


# -- self-assessment sheets --------------------------------------------------------------------------

def returned_sheet(db, folder: Path, staff_id: int, levels: dict[int, object]) -> Path:
    """A sheet written for ``staff_id`` and filled in: {data row: value of 「新しいレベル」}."""
    path = self_assessment.export_sheets(db, ADMIN_USER, [staff_id], folder, DAY)[0]
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    for row, value in levels.items():
        sheet.cell(row, self_assessment.COL_LEVEL, value)
    workbook.save(path)
    return path


def test_a_returned_sheet_writes_self_records_dated_on_import(skills_db, tmp_path):
    db = skills_db
    path = returned_sheet(db, tmp_path, 40, {8: 3, 9: "２", 10: 2.0})
    assert self_assessment.is_self_assessment_sheet(path)
    preview = self_assessment.preview_sheet(db, ADMIN_USER, path, TODAY)
    assert preview.ok, preview.errors
    assert [(e.item_code, e.level, e.source, e.assessed_on) for e in preview.entries] == [
        ("design", 3, "self", TODAY), ("data", 2, "self", TODAY), ("security", 2, "self", TODAY)]
    assert self_assessment.commit_sheet(db, ADMIN_USER, preview) == 3
    again = self_assessment.preview_sheet(db, ADMIN_USER, path, TODAY)
    assert again.ok and again.entries == [] and again.unchanged == 3  # imported twice: nothing new


def test_the_person_imports_their_own_sheet_but_not_anothers(skills_db, tmp_path):
    path = returned_sheet(skills_db, tmp_path, 40, {8: 1})
    me = User(901, "me", "me", Role.EVALUATOR, staff_id=40)
    other = User(902, "other", "other", Role.EVALUATOR, staff_id=41)
    assert self_assessment.preview_sheet(skills_db, me, path, TODAY).ok
    refused = self_assessment.preview_sheet(skills_db, other, path, TODAY)
    assert not refused.ok and "自分の自己評価シート" in refused.errors[0].text()


@pytest.mark.parametrize(("damage", "words"), [
    (lambda wb: wb["_meta"].cell(2, 2, 41), "署名が一致しません"),              # another person
    (lambda wb: wb.worksheets[0].cell(9, 7, "design"), "移動・複写・削除"),       # a moved row
    (lambda wb: wb.worksheets[0].cell(8, 5, "=1+2"), "数式"),                     # a formula
    (lambda wb: wb.worksheets[0].cell(8, 5, 7), "レベルは"),                        # off the scale
    (lambda wb: wb.worksheets[0].cell(30, 2, "追加した行"), "追加された"),         # an added row
    (lambda wb: wb.remove(wb["_meta"]), "自己評価シートではありません"),
])
def test_a_damaged_sheet_is_refused_and_nothing_is_written(skills_db, tmp_path, damage, words):
    path = returned_sheet(skills_db, tmp_path, 40, {8: 2})
    workbook = load_workbook(path)
    damage(workbook)
    workbook.save(path)
    before = digest(skills_db)
    preview = self_assessment.preview_sheet(skills_db, ADMIN_USER, path, TODAY)
    assert not preview.ok and preview.entries == []
    text = " ".join(e.text() for e in preview.errors)
    assert words in text and path.name in text
    assert digest(skills_db) == before


# Control characters are left out: openpyxl refuses to write them (and Excel never saves them in a cell).
NASTY = ["", " ", "3", "３", "2.0", "2.5", "-1", "99", "=1+1", "@SUM(1)", "\u202e2", "\ufeff1", "髙", "𠮷", "design",
         "data", "dx-jinzai skill self-assessment", "1e3", "True", None, 0, 4, 3.0, -7, 10**20]


@pytest.fixture(scope="module")
def fuzz_source(tmp_path_factory):
    """One register for every case (opening a copy per case would cost more than the case): a refused case must
    leave it as it was, an accepted one adds its records, which the next case's digest includes."""
    folder = tmp_path_factory.mktemp("skill-fuzz")
    result = open_database(folder / "register.sqlite")
    load_town(result.db, generate_town(120, seed=3), "test")
    load_skills(result.db, "test", DAY, seed=3)
    returned_sheet(result.db, folder, 5, {8: 2, 9: 3})
    yield folder, result.db
    result.db.close()


@pytest.mark.reliability
@hypothesis_settings(fast=15, long=1000)
@given(st.lists(st.tuples(st.sampled_from(["data", "meta"]), st.integers(1, 20), st.integers(1, 8),
                          st.sampled_from(NASTY)), min_size=1, max_size=6))
def test_fuzzed_sheets_are_refused_or_read_on_the_scale(fuzz_source, tmp_path_factory, damages):
    folder, db = fuzz_source
    work = tmp_path_factory.mktemp("case")
    sheet = next(folder.glob("*.xlsx"))
    path = work / sheet.name
    shutil.copy(sheet, path)
    workbook = load_workbook(path)
    for where, row, column, value in damages:
        target = workbook["_meta"] if where == "meta" else workbook.worksheets[0]
        target.cell(row, column, value)
    workbook.save(path)
    before = digest(db)
    try:
        preview = self_assessment.preview_sheet(db, ADMIN_USER, path, TODAY)
    except UserError as exc:
        assert path.name in str(exc) or "ファイル" in str(exc)
        preview = None
    if preview is None or not preview.ok:
        assert preview is None or all(e.text() for e in preview.errors)
        assert digest(db) == before
    else:
        assert all(e.level in (0, 1, 2, 3, 4) and e.source == "self" for e in preview.entries)
        self_assessment.commit_sheet(db, ADMIN_USER, preview)
    report("skill-sheet-fuzz", damages=len(damages))


def test_a_person_writes_only_their_own_sheet(skills_db, tmp_path):
    from app.errors import PermissionDenied

    me = User(903, "me", "me", Role.VIEWER, staff_id=40)
    assert len(self_assessment.export_sheets(skills_db, me, [40], tmp_path, DAY)) == 1
    with pytest.raises(PermissionDenied):
        self_assessment.export_sheets(skills_db, me, [40, 41], tmp_path, DAY)
    assert len(list(tmp_path.glob("*.xlsx"))) == 1


CELLS = ["", "100005", "100006", "１０００５", "999999", "data", "デザイン", "ＰＭ", "pm", "2", "２", "9", "-1", "2.0",
         "2026-05-01", "R8.5.1", "2099-01-01", "2026-02-30", "確認", "自己評価", "噂", "=1+1", "\x00", "\ufeff", "髙", "𠮷",
         "\u202e", "a" * 300, ",", "\"", "\n"]


@pytest.fixture(scope="module")
def list_source(tmp_path_factory):
    folder = tmp_path_factory.mktemp("skill-list-fuzz")
    result = open_database(folder / "register.sqlite")
    load_town(result.db, generate_town(120, seed=3), "test")
    load_skills(result.db, "test", DAY, seed=3)
    yield result.db
    result.db.close()


@pytest.mark.reliability
@hypothesis_settings(fast=15, long=1000)
@given(st.lists(st.lists(st.sampled_from(CELLS), min_size=0, max_size=7), min_size=1, max_size=8),
       st.sampled_from(["utf-8", "cp932", "utf-8-sig"]))
def test_fuzzed_lists_are_refused_or_imported_whole(list_source, tmp_path_factory, rows, encoding):
    import csv
    import io

    db = list_source
    work = tmp_path_factory.mktemp("list-case")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["職員番号", "項目", "レベル", "評価日", "出所", "備考"])
    writer.writerows(rows)
    path = work / "skills.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    before = digest(db)
    try:
        preview = importer.preview_file(db, ADMIN_USER, path, TODAY)
    except UserError as exc:
        assert "skills.csv" in str(exc)
        assert digest(db) == before
        return
    if preview.ok:
        assert importer.commit(db, ADMIN_USER, preview) == len(preview.entries)
    else:
        assert preview.entries == [] and all("skills.csv" in e for e in preview.errors)
        assert digest(db) == before
