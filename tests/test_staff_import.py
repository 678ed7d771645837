"""Staff import from real CSV/xlsx files: HR's CP932 export, a year-later transfer list, refusals."""

from __future__ import annotations

import csv
import io
import time
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app import wareki
from app.staff import directory
from app.staff import importer
from app.demo.town import generate_town
from app.errors import UserError
from app.staff.export import export_staff
from app.staff.importer import ImportRefused, commit, preview_file, recognise_headers, save_mapping
from tests.conftest import ADMIN_USER, truncate_worksheet_xml

# full-width katakana -> half-width, built from NFKC itself (the test must not share code with the app)
_HALF = {}
for code in range(0xFF61, 0xFFA0):
    _HALF.setdefault(unicodedata.normalize("NFKC", chr(code)), chr(code))
for base in list(_HALF.values()):
    for mark in ("\uff9e", "\uff9f"):
        combined = unicodedata.normalize("NFKC", base + mark)
        if len(combined) == 1:
            _HALF.setdefault(combined, base + mark)


def half_width_katakana(hiragana: str) -> str:
    katakana = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in hiragana)
    return "".join(_HALF.get(c, c) for c in katakana)


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def town_people(size: int = 300, seed: int = 1):
    """(staff_no, family, given, family_r, given_r, dept, section, unit, position, hire) per active person."""
    town = generate_town(size, seed)
    units = {u[0]: u for u in town.units}
    positions = {p[0]: p[1] for p in town.positions}
    current = {a[0]: a for a in town.assignments if a[4] is None}
    people = []
    for sid, no, fam, giv, fam_r, giv_r, hire, status, _retired in town.staff:
        if status == "retired":
            continue
        unit = units[current[sid][1]]
        chain = [unit]
        while chain[-1][1] is not None:
            chain.append(units[chain[-1][1]])
        names = [u[4] for u in reversed(chain)] + ["", ""]
        people.append([no, fam, giv, fam_r, giv_r, names[0], names[1], names[2], positions[current[sid][2]], hire])
    return people


def hr_cp932_export(path: Path, people) -> Path:
    """The personnel system's export: one 氏名 column, half-width カナ, one 所属 string, mixed date forms."""
    rows = [["職員番号", "氏名", "カナ氏名", "所属", "職名", "採用年月日"]]
    for i, (no, fam, giv, fam_r, giv_r, dept, section, unit, position, hire) in enumerate(people):
        day = date.fromisoformat(hire)
        hire_text = [hire, f"{day.year}/{day.month}/{day.day}", wareki.format_wareki(day),
                     wareki.format_wareki(day, style="short")][i % 4]
        rows.append([no, f"{fam}\u3000{giv}", f"{half_width_katakana(fam_r)} {half_width_katakana(giv_r)}",
                     dept + section + unit, position, hire_text])
    return write_csv(path, rows, "cp932")


def snapshot(db) -> tuple:
    return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("staff", "staff_assignments", "org_units", "positions", "audit_log"))


def test_hr_cp932_export_imports_exactly(db, tmp_path):
    people = [p for p in town_people() if "𠮷" not in p[1]]  # CP932 cannot hold 𠮷
    path = hr_cp932_export(tmp_path / "職員一覧.csv", people)
    preview, table, mapping = preview_file(db, path)
    assert table.encoding == "cp932" and mapping.complete
    assert preview.errors == []
    assert preview.summary()["added"] == len(people)
    commit(db, preview, ADMIN_USER)
    rows = {r.staff_no: r for r in directory.load_directory(db, ADMIN_USER, on=date.today())}
    hires = dict(db.execute("SELECT staff_no, hire_date FROM staff").fetchall())
    for no, fam, giv, fam_r, giv_r, dept, section, unit, position, hire in people:
        row = rows[no]
        assert row.name == f"{fam}\u3000{giv}" and row.reading == f"{fam_r}\u3000{giv_r}"
        assert (row.department, row.section) == (dept, f"{section} {unit}".strip())
        assert row.position == position and hires[no] == hire
    assert {"髙橋", "山﨑", "渡邊"} <= {r.name.split("\u3000")[0] for r in rows.values()}


def test_a_year_later_reports_hires_leavers_and_transfers(db, tmp_path):
    people = [p for p in town_people() if "𠮷" not in p[1]]  # CP932 cannot hold 𠮷
    first = hr_cp932_export(tmp_path / "2026.csv", people)
    preview, _t, _m = preview_file(db, first, effective=date(2026, 4, 1))
    commit(db, preview, ADMIN_USER)

    later = [p[:] for p in people]
    leavers = {p[0] for p in later[:5]}
    later = later[5:]
    moved = {}
    for person in later[:10]:
        target = next(q for q in later if (q[5], q[6]) != (person[5], person[6]))
        person[5], person[6], person[7] = target[5], target[6], target[7]
        moved[person[0]] = person
    hires = [["900001", "新人", "一郎", "しんじん", "いちろう", "総務部", "総務課", "", "主事", "2027-04-01"],
             ["900002", "新人", "花子", "しんじん", "はなこ", "新設部", "新設課", "", "主事", "2027-04-01"]]
    later += hires
    rows = [["姓", "名", "せい", "めい", "職員番号", "部", "課", "係", "職位", "採用日"]]
    rows += [[fam, giv, fam_r, giv_r, no, dept, section, unit, pos, hire]
             for no, fam, giv, fam_r, giv_r, dept, section, unit, pos, hire in later]
    path = write_csv(tmp_path / "2027.csv", rows, "utf-8-sig")

    preview, table, _m = preview_file(db, path, effective=date(2027, 4, 1))
    assert table.encoding == "utf-8-sig" and preview.errors == []
    summary = preview.summary()
    assert (summary["added"], summary["transferred"], summary["missing"]) == (2, 10, 5)
    assert {c.staff_no for c in preview.changes if c.kind == "missing"} == leavers
    assert {c.staff_no for c in preview.changes if c.kind == "transferred"} == set(moved)
    assert "新設部" in preview.new_units and "新設部 新設課" in preview.new_units
    commit(db, preview, ADMIN_USER, retire_missing=True)

    some_moved = next(iter(moved))
    staff_id = db.execute("SELECT id FROM staff WHERE staff_no = ?", [some_moved]).fetchone()[0]
    history = directory.staff_history(db, ADMIN_USER, staff_id)
    assert [h["valid_from"] for h in history][-1] == "2027-04-01"
    assert history[-2]["valid_to"] == "2027-03-31" and history[-1]["valid_to"] is None
    assert history[-1]["department"] == moved[some_moved][5]
    retired = dict(db.execute("SELECT staff_no, retired_on FROM staff WHERE status = 'retired'").fetchall())
    assert set(retired) == leavers and set(retired.values()) == {"2027-03-31"}
    assert db.execute("SELECT count(*) FROM staff").fetchone()[0] == len(people) + 2  # nobody deleted


def _refusal_files(tmp_path: Path) -> dict[str, Path]:
    header = ["職員番号", "氏名", "ふりがな", "所属", "職名"]
    ok = ["1001", "佐藤 一郎", "さとう いちろう", "総務部総務課", "主事"]
    files = {
        "duplicate": write_csv(tmp_path / "dup.csv", [header, ok, ["1001", "鈴木 花子", "すずき はなこ", "総務部総務課", "主事"]],
                               "utf-8"),
        "missing_name_column": write_csv(tmp_path / "noname.csv", [["職員番号", "ふりがな", "所属"], ["1", "さとう いちろう", "総務部"]],
                                         "utf-8"),
        "empty_name": write_csv(tmp_path / "empty.csv", [header, ["1002", "", "さとう いちろう", "総務部", "主事"]], "cp932"),
        "utf16_without_columns": tmp_path / "u16.csv",
        "binary": tmp_path / "garbage.csv",
        "empty_file": tmp_path / "nothing.csv",
    }
    files["utf16_without_columns"].write_bytes("番号\t名前\n1\t佐藤\n".encode("utf-16"))
    files["binary"].write_bytes(bytes(range(256)) * 40)
    files["empty_file"].write_bytes(b"")
    return files


@pytest.mark.parametrize("case, expected", [
    ("duplicate", "2回"),
    ("missing_name_column", "必須の列"),
    ("empty_name", "氏名"),
    ("utf16_without_columns", "必須の列"),
    ("binary", "テキスト"),
    ("empty_file", "空です"),
])
def test_bad_files_are_refused_with_row_and_column_and_change_nothing(demo_db, tmp_path, case, expected):
    path = _refusal_files(tmp_path)[case]
    before = snapshot(demo_db)
    try:
        preview, _t, _m = preview_file(demo_db, path)
    except UserError as exc:
        message = str(exc)
        assert path.name in message
    else:
        assert preview.errors
        message = " / ".join(e.text(path.name) for e in preview.errors)
        with pytest.raises(ImportRefused):
            commit(demo_db, preview, ADMIN_USER)
    assert expected in message, message
    assert snapshot(demo_db) == before


def test_row_errors_name_row_and_column(db, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [
        ["職員番号", "氏名", "ふりがな", "所属", "採用日"],
        ["1", "佐藤 一郎", "さとう いちろう", "総務部", "令和8年2月30日"],
        ["2", "鈴木花子", "すずき はなこ", "総務部", "2020-04-01"],
        ["3", "高田 次郎", "Takada Jiro", "総務部", "2020-04-01"],
    ], "utf-8")
    preview, _t, _m = preview_file(db, path)
    found = {(e.row, e.column) for e in preview.errors}
    assert found == {(2, "採用日"), (3, "氏名"), (4, "ふりがな")}
    assert "bad.csv, 2 行目、列「採用日」" in preview.errors[0].text("bad.csv")


def test_hire_dates_outside_the_supported_range_are_refused_naming_file_row_and_column(db, tmp_path):
    """Issue 12 item 5: an import could store a hire date of 1800, which then crashed 履歴 and 編集."""
    path = write_csv(tmp_path / "old.csv", [
        ["職員番号", "氏名", "ふりがな", "所属", "採用日"],
        ["1", "佐藤 一郎", "さとう いちろう", "総務部", "2020-04-01"],
        ["2", "鈴木 花子", "すずき はなこ", "総務部", "1800/4/1"],
        ["3", "高田 次郎", "たかだ じろう", "総務部", "2201-01-01"],
    ], "utf-8")
    before = snapshot(db)
    preview, _t, _m = preview_file(db, path)
    assert [(e.row, e.column) for e in preview.errors] == [(3, "採用日"), (4, "採用日")]
    text = preview.errors[0].text(path.name)
    assert text.startswith("old.csv, 3 行目、列「採用日」") and "ありえない日付" in text, text
    with pytest.raises(ImportRefused):
        commit(db, preview, ADMIN_USER)
    assert snapshot(db) == before


def test_zip_bomb_disguised_as_xlsx_is_refused_fast(db, tmp_path):
    bomb = tmp_path / "職員.xlsx"
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(400):
                member.write(chunk)
    assert bomb.stat().st_size < 2_000_000
    before = snapshot(db)
    start = time.perf_counter()
    with pytest.raises(UserError, match="安全ではない"):
        preview_file(db, bomb)
    assert time.perf_counter() - start < 2
    assert snapshot(db) == before


def test_xlsx_with_malformed_sheet_xml_is_refused_with_the_file_named(db, tmp_path):
    from app.tabular import write_xlsx

    path = tmp_path / "職員一覧.xlsx"
    write_xlsx(path, ["職員番号", "氏名", "ふりがな"], [[str(1000 + i), "佐藤 一郎", "さとう いちろう"] for i in range(200)],
               "職員")
    truncate_worksheet_xml(path)
    before = snapshot(db)
    with pytest.raises(UserError, match="職員一覧.xlsx.*壊れて"):
        preview_file(db, path)
    assert snapshot(db) == before


def test_xlsx_with_dates_and_formula_text_round_trips(db, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["職員コード", "姓", "名", "セイ", "メイ", "部", "課", "役職", "採用日"])
    sheet.append(["2001", '=HYPERLINK("http://x","y")', "太郎", "いこーる", "たろう", "総務部", "総務課", "主事",
                  date(2019, 5, 1)])
    sheet.append([2002, "山﨑", "花子", "ヤマザキ", "ハナコ", "総務部", "人事課", "主任", "R1.5.1"])
    sheet.append([2003, "佐藤", "一郎", "サトウ", "イチロウ", "総務部", "人事課", "主任", 45748])  # serial: 2025-04-01
    sheet["B2"].data_type = "s"
    source = tmp_path / "staff.xlsx"
    workbook.save(source)
    preview, table, _m = preview_file(db, source)
    assert preview.errors == [] and table.encoding == "xlsx"
    commit(db, preview, ADMIN_USER)
    stored = dict(db.execute("SELECT staff_no, family_name FROM staff").fetchall())
    assert stored == {"2001": '=HYPERLINK("http://x","y")', "2002": "山﨑", "2003": "佐藤"}
    hires = dict(db.execute("SELECT staff_no, hire_date FROM staff").fetchall())
    assert hires == {"2001": "2019-05-01", "2002": "2019-05-01", "2003": "2025-04-01"}

    out_xlsx = tmp_path / "out.xlsx"
    export_staff(db, out_xlsx, ADMIN_USER)
    cells = {c.value: c.data_type for row in load_workbook(out_xlsx).active.iter_rows() for c in row}
    assert cells['=HYPERLINK("http://x","y")'] == "s"  # text, not a formula
    out_csv = tmp_path / "out.csv"
    export_staff(db, out_csv, ADMIN_USER)
    assert "'=HYPERLINK" in out_csv.read_text(encoding="utf-8-sig")
    again, _t, _m = preview_file(db, out_csv)  # our own export imports back unchanged
    assert again.errors == [] and again.changes == []


def test_private_use_characters_block_until_replaced(db, tmp_path):
    data = "職員番号,氏名,ふりがな,所属\r\n1,".encode("cp932") + b"\xf0\x40" + "田 太郎,よしだ たろう,総務部\r\n".encode("cp932")
    path = tmp_path / "gaiji.csv"
    path.write_bytes(data)
    preview, _t, _m = preview_file(db, path)
    assert "\ue000" in preview.private_use and preview.private_use["\ue000"] == [2]
    assert "U+E000" in preview.errors[0].message and preview.errors[0].column == "氏名"
    fixed, _t, _m = preview_file(db, path, replacements={"\ue000": "𠮷"})
    assert fixed.errors == []
    commit(db, fixed, ADMIN_USER)
    assert db.execute("SELECT family_name FROM staff").fetchone()[0] == "𠮷田"


def test_cp932_export_names_the_rows_first_and_writes_only_when_accepted(demo_db, tmp_path):
    """Issue 12 item 24: the rows CP932 cannot hold are named before anything is written."""
    from app.staff.export import NeedsDecision, cp932_problems

    on = date(2026, 6, 1)
    names = [r.name for r in directory.load_directory(demo_db, ADMIN_USER, on) if r.status != "retired"]
    expected = [i + 1 for i, name in enumerate(names) if "𠮷" in name]
    assert expected and [p.row for p in cp932_problems(demo_db, ADMIN_USER, on)] == expected
    assert {p.characters for p in cp932_problems(demo_db, ADMIN_USER, on)} == {"𠮷"}
    out = tmp_path / "out.csv"
    with pytest.raises(NeedsDecision) as refused:
        export_staff(demo_db, out, ADMIN_USER, encoding="cp932")
    assert not out.exists() and f"{expected[0]} 行目" in str(refused.value) and "𠮷" in str(refused.value)
    unencodable = export_staff(demo_db, out, ADMIN_USER, encoding="cp932", accept_replacement=True)
    assert unencodable == [p.row for p in cp932_problems(demo_db, ADMIN_USER)] and out.exists()


def test_unknown_headers_need_a_mapping_that_is_remembered(db, tmp_path):
    headers = ["ID", "フルネーム", "読み", "所属名"]
    assert not recognise_headers(headers).complete
    columns = {"staff_no": "ID", "full_name": "フルネーム", "full_reading": "読み", "affiliation": "所属名"}
    save_mapping(db, headers, columns, ADMIN_USER)
    path = write_csv(tmp_path / "custom.csv", [headers, ["7", "佐藤 一郎", "さとう いちろう", "総務部総務課"]], "utf-8")
    preview, _t, mapping = preview_file(db, path)
    assert mapping.columns == columns and preview.errors == [] and preview.summary()["added"] == 1


def test_safe_normalise_never_touches_kanji():
    assert importer.safe_normalise("髙橋　﨑ＡＢ１ｶﾞ") == "髙橋　﨑AB1ガ"


def test_dimension_bomb_xlsx_reads_only_real_cells(db, tmp_path):
    import re as _re

    workbook = Workbook()
    workbook.active.append(["職員番号", "氏名", "ふりがな", "所属"])
    workbook.active.append(["1", "佐藤 一郎", "さとう いちろう", "総務部"])
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    bomb = tmp_path / "wide.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = _re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
            out.writestr(item, data)
    start = time.perf_counter()
    preview, table, _m = preview_file(db, bomb)
    assert time.perf_counter() - start < 2 and len(table.headers) == 4 and preview.errors == []


def test_unit_directly_under_a_bureau_round_trips(db, tmp_path):
    path = write_csv(tmp_path / "gikai.csv", [["職員番号", "氏名", "ふりがな", "所属"],
                                              ["1", "佐藤 一郎", "さとう いちろう", "議会事務局議事係"],
                                              ["2", "鈴木 花子", "すずき はなこ", "北部支所"]], "utf-8")
    preview, _t, _m = preview_file(db, path)
    assert [(r.department, r.section, r.unit) for r in preview.records] == [("議会事務局", "", "議事係"),
                                                                           ("北部支所", "", "")]
    commit(db, preview, ADMIN_USER)
    again, _t, _m = preview_file(db, path, effective=date.today())
    assert again.errors == [] and again.changes == []  # nothing phantom on the next import
    rows = {r.staff_no: r for r in directory.load_directory(db, ADMIN_USER)}
    assert (rows["1"].department, rows["1"].section) == ("議会事務局", "議事係")


def test_an_open_quote_is_reported_not_swallowed(db, tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('職員番号,氏名,ふりがな,所属\r\n1,佐藤 一郎,さとう いちろう,"総務部\r\n2,鈴木 花子,すずき はなこ,総務部\r\n',
                    encoding="utf-8")
    preview, _t, _m = preview_file(db, path)
    assert preview.errors and "改行" in preview.errors[0].message


def test_leading_zero_twins_and_later_assignments_are_errors(demo_db, tmp_path):
    path = write_csv(tmp_path / "z.csv", [["職員番号", "氏名", "ふりがな", "所属"],
                                          ["100001", "髙橋 大輔", "たかはし だいすけ", "企画部"]], "utf-8")
    preview, _t, _m = preview_file(demo_db, path, effective=date(2027, 4, 1))
    commit(demo_db, preview, ADMIN_USER)
    earlier, _t, _m = preview_file(demo_db, path, effective=date(2026, 10, 1))
    assert any("2027-04-01" in e.message for e in earlier.errors)  # would be undone by an older list
    twin = write_csv(tmp_path / "twin.csv", [["職員番号", "氏名", "ふりがな", "所属"],
                                             ["00100001", "髙橋 大輔", "たかはし だいすけ", "企画部"]], "utf-8")
    preview, _t, _m = preview_file(demo_db, twin, effective=date(2027, 4, 1))
    assert any("先頭の 0" in e.message for e in preview.errors)


def test_utf16_tab_separated_text_from_excel(db, tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes("職員番号\t氏名\tふりがな\t所属\r\n1\t佐藤 一郎\tさとう いちろう\t総務部総務課\r\n".encode("utf-16"))
    preview, table, _m = preview_file(db, path)
    assert table.encoding == "utf-16" and preview.errors == [] and preview.records[0].section == "総務課"


# -- a list dated later takes effect on its date (issue 12 item 6) ----------------------------------
_HEADER = ["職員番号", "氏名", "ふりがな", "所属", "職名"]
_STAYING = [["1001", "佐藤 一郎", "さとう いちろう", "総務部総務課", "課長"],
            ["1002", "鈴木 花子", "すずき はなこ", "総務部総務課", "主事"],
            ["1003", "高田 次郎", "たかだ じろう", "企画部企画課", "主事"]]
_LEAVERS = [["1004", "田中 三郎", "たなか さぶろう", "企画部企画課", "係長"],
            ["1005", "伊藤 四郎", "いとう しろう", "総務部総務課", "主任"]]
_HIRES = [["2001", "新井 春香", "あらい はるか", "企画部企画課", "主事"],
          ["2002", "新田 夏樹", "にった なつき", "総務部総務課", "技師"],
          ["2003", "新島 秋子", "にいじま あきこ", "総務部総務課", "主事"]]


def _next_year_list(db, tmp_path: Path):
    """This year's list (in force since 2026-04-01), then next year's dated 2027-04-01: 2 leave, 3 are hired,
    1002 moves to 企画課."""
    first = write_csv(tmp_path / "2026.csv", [_HEADER, *_STAYING, *_LEAVERS], "utf-8")
    preview, _t, _m = preview_file(db, first, effective=date(2026, 4, 1))
    commit(db, preview, ADMIN_USER)
    moved = [r[:] for r in _STAYING]
    moved[1][3] = "企画部企画課"
    second = write_csv(tmp_path / "2027.csv", [_HEADER, *moved, *_HIRES], "utf-8")
    preview, _t, _m = preview_file(db, second, effective=date(2027, 4, 1))
    assert preview.errors == []
    return commit(db, preview, ADMIN_USER, retire_missing=True)


def test_a_list_dated_later_retires_and_hires_only_on_its_date(db, tmp_path):
    summary = _next_year_list(db, tmp_path)
    before = {r.staff_no: r for r in directory.load_directory(db, ADMIN_USER, on=date(2026, 11, 30))}
    for no in ("1004", "1005"):  # leavers: in service, in their seat, until 2027-03-31
        assert before[no].status == "active" and before[no].department in ("企画部", "総務部")
    for no, _name, _reading, affiliation, position in _HIRES:  # hires: to come, with the seat they will take
        row = before[no]
        assert row.status == "planned" and row.department + row.section == affiliation and row.position == position
    assert before["1002"].section == "総務課" and before["1002"].status == "active"
    assert before["1004"].id in staff_import_eligible(db, date(2026, 11, 30))
    planned = directory.apply_filter(list(before.values()), directory.StaffFilter(status="planned"))
    assert {r.staff_no for r in planned} == {"2001", "2002", "2003"}
    assert directory.counts(db, on=date(2026, 11, 30))["staff_active"] == 8

    after = {r.staff_no: r for r in directory.load_directory(db, ADMIN_USER, on=date(2027, 4, 1))}
    assert {no for no, r in after.items() if r.status == "retired"} == {"1004", "1005"}
    assert {after[no].status for no in ("2001", "2002", "2003", "1001")} == {"active"}
    assert after["1002"].section == "企画課"
    assert before["1004"].id not in staff_import_eligible(db, date(2027, 4, 1))

    assert importer.result_message(summary, "2027-04-01", date(2026, 11, 30)).startswith(
        "6 行を取り込みました：新規 3 名、異動 1 名、退職予定 2 名")
    assert importer.result_message(summary, "2027-04-01", date(2027, 4, 2)).startswith(
        "6 行を取り込みました：新規 3 名、異動 1 名、退職 2 名")


def test_the_export_before_the_date_lists_leavers_and_hires_as_they_are_then(db, tmp_path):
    _next_year_list(db, tmp_path)
    from app.staff.export import export_rows

    rows = {r[0]: r for r in export_rows(db, ADMIN_USER, on=date(2026, 11, 30))}
    assert rows["1004"][-1] == "在職" and rows["1004"][5] == "企画部"
    assert rows["2002"][-1] == "採用予定" and rows["2002"][5:8] == ["総務部", "総務課", ""]


def staff_import_eligible(db, on: date) -> set[int]:
    from app.certification import eligibility
    from app.register.accounts import Role, User

    return set(eligibility.gather_facts(db, User(0, "officer", "officer", Role.ADMIN), "moka", on))
