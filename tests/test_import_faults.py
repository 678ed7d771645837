"""Issue 13 item 5: every failure of reading a staff list, a member list or an evaluation sheet is a
refusal in Japanese naming the file (and row and column where known), and nothing is written.

Each test pins one cause the fault campaign found (a traceback, English in a message, a value
echoed whole, or something silently accepted); tests/test_import_fuzz.py searches for more.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import ADMIN_USER, run_cli
from app.evaluation import projects
from app.evaluation import sheets
from app.errors import UserError
from app.staff.importer import ImportRefused, commit, preview_file
from app.tabular import write_xlsx
from tests.fault_files import (break_crc, corrupt_deflate, excel_like_xlsx, replace_in_sheets, rewrite_members,
                               set_version_needed)
from tests.test_evaluation_sheets import FIRST, any_member_sheet, edit, fill, officer
from tests.test_evaluation_sheets import snapshot as sheet_snapshot
from tests.test_staff_import import snapshot, write_csv

TODAY = date(2026, 6, 1)
HEADER = ["職員番号", "氏名", "ふりがな", "所属", "職名", "採用日"]
_ENGLISH = re.compile(r"[A-Za-z]{4,}")  # a word of a parser's English detail (file names here are Japanese)
_OUR_WORDS = re.compile(r"Excel|UTF-8|UTF-16|Shift_JIS|xlsx|xlsm|_meta|U\+[0-9A-F]{4,6}", re.IGNORECASE)


def english_in(text: str, file_name: str) -> str | None:
    """English left in a Japanese message, apart from the file name and product names."""
    found = _ENGLISH.search(_OUR_WORDS.sub("", text.replace(file_name, "")))
    return found.group() if found else None


def person(no: str, **changes: str) -> list[str]:
    row = {"no": no, "name": "佐藤 一郎", "reading": "さとう いちろう", "unit": "総務部総務課", "position": "主事",
           "hire": "2020-04-01"} | changes
    return list(row.values())


def good_rows(n: int = 20) -> list[list[str]]:
    return [HEADER] + [person(str(5000 + i)) for i in range(n)]


def refusal(db, path: Path, today: date = TODAY) -> str:
    """The refusal text of a staff import; asserts it is one and that nothing was written."""
    before = snapshot(db)
    try:
        preview, _table, _mapping = preview_file(db, path, effective=date(2026, 4, 1), today=today)
    except UserError as exc:
        text = str(exc)
    else:
        assert preview.errors, "the file was accepted"
        text = "\n".join(e.text(path.name) for e in preview.errors)
        with pytest.raises(ImportRefused):
            commit(db, preview, ADMIN_USER)
    assert snapshot(db) == before
    assert path.name in text, text
    assert not english_in(text, path.name), text
    return text


# -- CSV -----------------------------------------------------------------------------------------

def test_utf8_bom_followed_by_invalid_utf8_is_refused(db, tmp_path):
    path = tmp_path / "職員.csv"
    path.write_bytes(b"\xef\xbb\xbf\x81")
    assert "UTF-8" in refusal(db, path)
    path.write_bytes(b"\xef\xbb\xbf" + "職員番号,氏名\n1,佐藤 一郎\n".encode() + b"\x81\x82\n")
    assert "3 行目" in refusal(db, path)


def test_text_that_the_chosen_encoding_cannot_read_is_refused_in_japanese_naming_the_line(db, tmp_path):
    path = tmp_path / "職員.csv"
    path.write_bytes("職員番号,氏名\n1,佐藤\n".encode("cp932"))
    with pytest.raises(UserError) as caught:
        preview_file(db, path, encoding="utf-8", today=TODAY)
    text = str(caught.value)
    assert "職員.csv" in text and "1 行目" in text and not english_in(text, path.name), text
    odd = tmp_path / "職員16.csv"
    odd.write_bytes("職員番号\t氏名\n".encode("utf-16") + b"\x41")  # UTF-16 cut after an odd byte
    refusal(db, odd)


def test_a_field_larger_than_the_csv_limit_is_refused_in_japanese(db, tmp_path):
    path = tmp_path / "職員.csv"
    path.write_bytes(("職員番号,氏名\n1,\"" + "あ" * 140_000 + "\"\n").encode("utf-8"))
    text = refusal(db, path)
    assert "2 行目" in text and len(text) < 400, text


@pytest.mark.parametrize("content, where", [
    ("職員番号,氏名,ふりがな,所属,職名,採用日\r\n1001,佐藤 一郎,さとう いちろう,総務部総務課,主事,2020-04-01\r\n"
     "1002,鈴木 花子,すずき はなこ,総務部総", "3 行目"),
    ("職員番号,氏名,ふりがな,所属,職名\r\n1001,佐藤 一郎,さとう いちろう,総務部総務課,主事\r\n"
     "1002,鈴木 花子,すずき はなこ,総務部総務課,\"主", "3 行目"),
])
def test_a_csv_cut_in_its_last_row_is_refused(db, tmp_path, content, where):
    path = tmp_path / "職員.csv"
    path.write_bytes(content.encode("utf-8"))
    text = refusal(db, path)
    assert where in text and "途中で切れて" in text, text


def test_a_last_row_without_a_line_break_but_complete_is_accepted(db, tmp_path):
    path = tmp_path / "職員.csv"
    path.write_bytes("職員番号,氏名,ふりがな,所属\r\n1001,佐藤 一郎,さとう いちろう,総務部総務課".encode("utf-8"))
    preview, _t, _m = preview_file(db, path, today=TODAY)
    assert not preview.errors and preview.summary()["added"] == 1
    assert [(w.row, "最後の行" in w.message) for w in preview.warnings] == [(2, True)]


# -- xlsx ----------------------------------------------------------------------------------------

def test_a_workbook_without_a_worksheet_is_refused(db, tmp_path):
    path = excel_like_xlsx(tmp_path / "職員.xlsx", good_rows(), with_sheet=False)
    assert "シート" in refusal(db, path)


def test_a_zip_that_needs_version_8_4_is_refused(db, tmp_path):
    path = set_version_needed(excel_like_xlsx(tmp_path / "職員.xlsx", good_rows()), 84)
    refusal(db, path)


@pytest.mark.parametrize("damage", [break_crc, corrupt_deflate])
def test_bad_checksums_and_undecompressible_data_are_refused(db, tmp_path, damage):
    for build in (lambda p: excel_like_xlsx(p, good_rows()), lambda p: write_xlsx(p, HEADER, good_rows()[1:], "職員")):
        path = tmp_path / "職員.xlsx"
        build(path)
        for member in ("xl/worksheets/", "xl/sharedStrings", "xl/workbook.xml", "[Content_Types]"):
            damage(path, member)
            refusal(db, path)


@pytest.mark.parametrize("index", [b"99999", b"-1", b"x", b"1e400"])
def test_a_bad_shared_string_index_is_refused(db, tmp_path, index):
    path = excel_like_xlsx(tmp_path / "職員.xlsx", good_rows())
    replace_in_sheets(path, b'<c r="A3" t="s"><v>', b'<c r="A3" t="s"><v>' + index + b"<!--", count=1)
    replace_in_sheets(path, b"--></v>", b"</v>")  # drop the original index (kept inside the comment)
    refusal(db, path)


@pytest.mark.parametrize("old, new", [
    (b'r="B3"', b'r="!!"'), (b'r="B3"', b'r="ZZZZZ3"'), (b'<row r="3">', b'<row r="3.5">'),
    (b"<sheetData>", b"<sheetData><row"), (b"</sheetData>", b""), (b'<row r="3">', b'<row r="3"><c><v>1</c>'),
])
def test_malformed_worksheet_xml_is_refused(db, tmp_path, old, new):
    path = replace_in_sheets(excel_like_xlsx(tmp_path / "職員.xlsx", good_rows()), old, new)
    refusal(db, path)


@pytest.mark.parametrize("numbers, row", [
    ([1, 2, -5, 4, 5, 6], "-5"), ([1, 2, 3, 3, 5, 6], "3"), ([1, 2, 4, 3, 5, 6], "3"), ([1, 2, 0, 4, 5, 6], "0"),
])
def test_negative_or_duplicate_row_numbers_in_xlsx_are_refused(db, tmp_path, numbers, row):
    rows = good_rows(5)
    path = excel_like_xlsx(tmp_path / "職員.xlsx", rows, row_numbers=numbers)
    # the cells carry no reference of their own, so only the row numbers say where they are
    rewrite_members(path, lambda name, data: re.sub(rb' r="[A-Z]+-?\d+"', b"", data) if "worksheets" in name else data)
    text = refusal(db, path)
    assert f"{row} 行目" in text or f"行番号 {row}" in text, text


# -- values ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\ufeff", "\x1a", "\x7f", "\U000e0100", "\u200b", "\u3164", "\u2060", "\u00ad",
                                  "\u202e", "\u0301"])
def test_staff_numbers_with_invisible_or_control_characters_are_refused(db, tmp_path, char):
    path = write_csv(tmp_path / "職員.csv", [HEADER, person("1001"), person(f"10{char}01")], "utf-8")
    text = refusal(db, path)
    assert "3 行目" in text and "職員番号" in text and f"U+{ord(char):04X}" in text, text


def test_a_staff_number_starting_with_nul_is_refused_not_a_crash_at_commit(db, tmp_path):
    path = write_csv(tmp_path / "職員.csv", [HEADER, person("\x001001")], "utf-8")
    assert "U+0000" in refusal(db, path)


def test_nul_anywhere_is_refused(db, tmp_path):
    path = write_csv(tmp_path / "職員.csv", [HEADER, person("1001", position="主\x00事")], "utf-8")
    text = refusal(db, path)
    assert "2 行目" in text and "職名" in text, text
    book = excel_like_xlsx(tmp_path / "職員.xlsx", [HEADER, person("1001", name="佐藤\x00 一郎")])  # not XML at all
    refusal(db, book)


@pytest.mark.parametrize("hire", ["9999-12-31", "令和99年4月1日", "1939-12-31", "2027-06-02"])
def test_implausible_hire_dates_are_refused(db, tmp_path, hire):
    path = write_csv(tmp_path / "職員.csv", [HEADER, person("1001", hire=hire)], "utf-8")
    text = refusal(db, path)
    assert "採用日" in text and "1940" in text, text


@pytest.mark.parametrize("hire", ["1940-01-01", "2027-06-01", "令和8年4月1日"])
def test_plausible_hire_dates_are_accepted(db, tmp_path, hire):
    path = write_csv(tmp_path / "職員.csv", [HEADER, person("1001", hire=hire)], "utf-8")
    preview, _t, _m = preview_file(db, path, today=TODAY)
    assert not preview.errors, preview.errors


def test_long_bad_values_are_cut_in_messages(db, tmp_path):
    huge = "x" * 100_000
    path = write_csv(tmp_path / "職員.csv", [HEADER, person("1001", reading=huge + " いちろう"),
                                            person(huge), person(huge), person("1003", hire=huge)], "utf-8")
    preview, _t, _m = preview_file(db, path, today=TODAY)
    assert preview.errors
    for error in preview.errors:
        assert len(error.text(path.name)) < 300, error.text(path.name)[:300]
    assert any("…" in e.message for e in preview.errors)


def test_errors_are_capped_per_file(db, tmp_path):
    path = write_csv(tmp_path / "職員.csv", [HEADER] + [person(str(i), name="") for i in range(1, 1001)], "utf-8")
    preview, _t, _m = preview_file(db, path, today=TODAY)
    assert len(preview.errors) == 100 and preview.errors_not_listed == 900
    assert preview.summary()["errors_not_listed"] == 900
    with pytest.raises(ImportRefused, match="1000"):
        commit(db, preview, ADMIN_USER)


# -- the member importer ----------------------------------------------------------------------------

@pytest.fixture
def project_id(demo_db):
    return projects.create_project(demo_db, projects.ProjectInput("会計事務の電子決裁化", 2025), ADMIN_USER)


def member_refusal(db, project_id: int, path: Path) -> list[str]:
    before = (db.execute("SELECT count(*) FROM project_members").fetchone()[0],
              db.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    try:
        preview = projects.preview_member_import(db, ADMIN_USER, project_id, path)
    except UserError as exc:
        errors = [str(exc)]
    else:
        errors = preview.errors
        assert errors, "the file was accepted"
        with pytest.raises(UserError):
            projects.commit_member_import(db, project_id, preview, ADMIN_USER)
    assert (db.execute("SELECT count(*) FROM project_members").fetchone()[0],
            db.execute("SELECT count(*) FROM audit_log").fetchone()[0]) == before
    for error in errors:
        assert path.name in error and not english_in(error, path.name), error
    return errors


def test_member_import_caps_its_errors(demo_db, project_id, tmp_path):
    path = tmp_path / "メンバー.csv"
    path.write_bytes(("職員番号,役割\r\n" + "".join(f"{900000 + i},メンバー\r\n" for i in range(10_000))).encode())
    errors = member_refusal(demo_db, project_id, path)
    assert len(errors) == 101 and "9900" in errors[-1], errors[-1]
    assert sum(map(len, errors)) < 20_000


def test_member_import_cuts_long_values(demo_db, project_id, tmp_path):
    path = tmp_path / "メンバー.csv"
    path.write_bytes(("職員番号,役割\r\n1," + "x" * 100_000 + "\r\n" + "9" * 100_000 + ",メンバー\r\n").encode())
    errors = member_refusal(demo_db, project_id, path)
    assert all(len(e) < 300 for e in errors), [e[:300] for e in errors]


@pytest.mark.parametrize("build", [
    lambda p: p.write_bytes(b"\xef\xbb\xbf\x81"),
    lambda p: excel_like_xlsx(p, [["職員番号"], ["1"]], with_sheet=False),
    lambda p: set_version_needed(excel_like_xlsx(p, [["職員番号"], ["1"]]), 84),
    lambda p: p.write_bytes("職員番号,役割\r\n\ufeff1001,メンバー\r\n".encode()),
], ids=["bom", "no-sheet", "zip-8.4", "invisible"])
def test_member_import_refuses_broken_files_naming_them(demo_db, project_id, tmp_path, build):
    path = tmp_path / ("メンバー.xlsx" if "xlsx" in build.__code__.co_names or "excel_like_xlsx" in
                       build.__code__.co_names else "メンバー.csv")
    build(path)
    member_refusal(demo_db, project_id, path)


# -- evaluation sheets ------------------------------------------------------------------------------

def sheet_refusal(db, path: Path) -> str:
    before = sheet_snapshot(db)
    preview = sheets.preview_import(db, officer(), path)
    text = "\n".join(e.text() for e in preview.errors)
    assert preview.errors and not preview.changes, "the file was accepted"
    with pytest.raises(UserError):
        sheets.commit_import(db, officer(), preview)
    assert sheet_snapshot(db) == before
    assert path.name in text and not english_in(text, path.name), text
    return text


@pytest.fixture
def filled(demo_db, tmp_path) -> Path:
    from tests.test_evaluation_sheets import make_project

    project = make_project(demo_db)
    out = tmp_path / "out"
    out.mkdir()
    path = any_member_sheet(sheets.export_sheets(demo_db, officer(), project, out))
    fill(path, lambda a, c: (3, "よい"))
    return path


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml"], ids=["data", "meta"])
@pytest.mark.parametrize("old, new", [
    (b"<sheetData>", b"<sheetData><row"), (b'r="D9"', b'r="D-9"'), (b'r="A9"', b'r="ZZZZZ9"'),
    (b'<row r="10"', b'<row r="9"'), (b'<row r="10"', b'<row r="-10"'), (b"</worksheet>", b""),
])
def test_malformed_xml_in_a_sheet_part_is_refused(demo_db, filled, part, old, new):
    with __import__("zipfile").ZipFile(filled) as archive:
        names = archive.namelist()
    assert part in names, names
    rewrite_members(filled, lambda name, data: data.replace(old, new, 1) if name == part else data)
    sheet_refusal(demo_db, filled)


@pytest.mark.parametrize("damage", [break_crc, corrupt_deflate, lambda p: set_version_needed(p, 84)])
def test_damaged_sheet_archives_are_refused(demo_db, filled, damage):
    damage(filled)
    sheet_refusal(demo_db, filled)


@pytest.mark.parametrize("value", ["٣", "③", "๓", "3\u200b"])
def test_only_ascii_and_full_width_digits_are_scores(demo_db, filled, value):
    edit(filled, lambda wb: wb.worksheets[0].cell(FIRST, 4, value))
    assert "整数で入力" in sheet_refusal(demo_db, filled)


def test_full_width_digits_are_still_scores(demo_db, filled):
    edit(filled, lambda wb: wb.worksheets[0].cell(FIRST, 4, "４"))
    preview = sheets.preview_import(demo_db, officer(), filled)
    assert preview.ok, [e.text() for e in preview.errors]


# -- the command line -------------------------------------------------------------------------------

def cli(*args: str):
    return run_cli(*args)


def test_cli_refusals_exit_1_and_json_names_the_file_and_repeats_the_message_on_stderr(db, db_path, tmp_path):
    import json

    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    broken = tmp_path / "壊れた.csv"
    broken.write_bytes(b"\xef\xbb\xbf\x81")
    result = cli("--db", str(db_path), "import-staff", str(broken), "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    answer = json.loads(result.stdout)
    assert answer["ok"] is False and answer["errors"][0]["file"] == broken.name
    assert answer["errors"][0]["message"] in result.stderr and broken.name in result.stderr

    rows = write_csv(tmp_path / "職員.csv", [HEADER] + [person(str(i), name="") for i in range(1, 151)], "utf-8")
    result = cli("--db", str(db_path), "import-staff", str(rows), "--json")
    assert result.returncode == 1
    answer = json.loads(result.stdout)
    assert {e["file"] for e in answer["errors"]} == {rows.name} and answer["errors_not_listed"] == 50
    assert "職員.csv, 2 行目、列「氏名」" in result.stderr and "ほか 50 件" in result.stderr

    members = tmp_path / "メンバー.xlsx"
    set_version_needed(excel_like_xlsx(members, [["職員番号"], ["1"]]), 84)
    projects.create_project(db, projects.ProjectInput("会計事務の電子決裁化", 2025), ADMIN_USER)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result = cli("--db", str(db_path), "projects", "import", "1", str(members), "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert members.name in result.stderr


def test_cli_unexpected_failure_exits_3_naming_the_log(db_path, tmp_path, monkeypatch, capsys):
    from app.cli import main as cli_module
    from app.staff import importer

    def defect(*_args, **_kwargs):
        raise RuntimeError("a defect in the importer")

    monkeypatch.setattr(importer.ImportSession, "check", defect)
    path = write_csv(tmp_path / "職員.csv", good_rows(), "utf-8")
    assert cli_module.main(["--db", str(db_path), "init"]) == 0
    assert cli_module.main(["--db", str(db_path), "import-staff", str(path)]) == 3
    err = capsys.readouterr().err
    log = next(word for word in err.split() if word.endswith("dx-jinzai-cli.log"))
    assert "予期しないエラー" in err and "RuntimeError" in err and "Traceback" not in err
    assert "a defect in the importer" in Path(log).read_text(encoding="utf-8")


# -- the import dialogs ------------------------------------------------------------------------------

@pytest.mark.gui
def test_staff_import_dialog_shows_the_refusal_in_japanese(qtbot, demo_db, admin, tmp_path):
    from ui.staff.import_dialog import ImportDialog

    bom = tmp_path / "職員一覧.csv"
    bom.write_bytes(b"\xef\xbb\xbf\x81")
    zip84 = set_version_needed(excel_like_xlsx(tmp_path / "職員一覧.xlsx", good_rows()), 84)
    rows = excel_like_xlsx(tmp_path / "行番号.xlsx", good_rows(5), row_numbers=[1, 2, 3, 3, 5, 6])
    before = snapshot(demo_db)
    dialog = ImportDialog(demo_db, admin.login)
    qtbot.addWidget(dialog)
    dialog.show()
    for path in (bom, zip84, rows):
        dialog.load_file(path)
        text = dialog.summary.text()
        assert path.name in text and "取り込んでいません" in text and not english_in(text, path.name), text
        assert not dialog.import_button.isEnabled()
    assert snapshot(demo_db) == before


@pytest.mark.gui
def test_member_import_and_sheet_dialogs_show_refusals_in_japanese(qtbot, demo_db, admin, filled, tmp_path):
    from tests.qt_helpers import collect_message_texts
    from ui.evaluation.sheets_dialog import ImportSheetsDialog
    from ui.evaluation.projects_page import ProjectsPage

    page = ProjectsPage(demo_db, admin)
    qtbot.addWidget(page)
    page.show()
    project = demo_db.execute("SELECT id FROM projects ORDER BY id").fetchone()[0]
    page.select_project(project)
    members = excel_like_xlsx(tmp_path / "メンバー.xlsx", [["職員番号"], ["1"]], with_sheet=False)
    shown = collect_message_texts()
    page.import_members(members)
    assert shown and members.name in shown[0] and "ワークシート" in shown[0], shown

    corrupt_deflate(filled)
    dialog = ImportSheetsDialog(demo_db, officer(), None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_files([filled])
    where = " ".join(str(dialog.errors_model.data(dialog.errors_model.index(0, c))) for c in range(2))
    assert filled.name in where and "壊れて" in where, where
    assert not dialog.import_button.isEnabled()


@pytest.mark.parametrize("char", ["\ufeff", "\u200b", "\x00"])
def test_a_staff_number_typed_with_an_invisible_character_is_refused_as_in_the_import(demo_db, char):
    from app.staff import edit as staff_edit

    unit_id = staff_edit.org_units(demo_db)[0][0]
    before = snapshot(demo_db)
    person_input = staff_edit.PersonInput(f"9000{char}01", "古田", "一郎", "ふるた", "いちろう", date(2020, 4, 1), unit_id,
                                          None)
    with pytest.raises(UserError, match=f"職員番号.*U\\+{ord(char):04X}"):
        staff_edit.create_person(demo_db, person_input, ADMIN_USER, on=date(2027, 4, 1))
    assert snapshot(demo_db) == before
