"""Evaluation sheets: export, fill in as an evaluator would, import; every refusal changes nothing."""

from __future__ import annotations

import dataclasses
import json
import shutil
import statistics
import subprocess
import zipfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.evaluation import sheets
from app.evaluation import ratings as evaluations
from app.evaluation import projects
from app.evaluation import rubrics
from app.register.accounts import Role, User, create_user, setup_administrator
from app.demo.projects import load_projects
from app.errors import PermissionDenied, UserError
from app.evaluation.ratings import Evaluator
from app.evaluation.summary import summary
from app.tabular import write_xlsx
from tests.conftest import ADMIN_USER, OFFICER, truncate_worksheet_xml, run_cli

FIRST = sheets.HEADER_ROW + 1


# -- helpers -------------------------------------------------------------------------------------

def officer() -> User:
    return User(0, "officer", "情報 太郎", Role.ADMIN)


def make_project(db, aggregation: str = "mean") -> int:
    """A project of four members rated from three perspectives by owners, each other, IT staff and a vendor."""
    template_id = rubrics.ensure_preset(db, ADMIN_USER)
    if aggregation != "mean":
        template_id = rubrics.save_template(db, dataclasses.replace(rubrics.load_template(db, template_id),
                                                                    aggregation=aggregation), ADMIN_USER)
    people = [r[0] for r in db.execute("""
        SELECT s.id FROM staff s JOIN staff_assignments a ON a.staff_id = s.id AND a.valid_to IS NULL
        JOIN positions p ON p.id = a.position_id WHERE s.status = 'active' ORDER BY p.rank DESC, s.id""")]
    project_id = projects.create_project(db, projects.ProjectInput(
        name="窓口予約のオンライン化", fiscal_year=2025, template_id=template_id), ADMIN_USER)
    for role, staff_id in zip(("proposer", "leader", "member", "member"), people[:4]):
        projects.add_member(db, project_id, staff_id, role, ADMIN_USER)
    for staff_id in people[-2:]:
        projects.add_member(db, project_id, staff_id, "owner", ADMIN_USER)
    vendor = projects.create_external_rater(db, "佐野 健一", "とちぎデジタル支援株式会社", ADMIN_USER)
    projects.attach_external_rater(db, project_id, vendor, ADMIN_USER)
    evaluations.apply_suggestions(db, project_id, ADMIN_USER)
    return project_id


def sheet_rows(path: Path) -> list[tuple[int, int, int]]:
    """(row, assignment, criterion) of every data row, read from the hidden key column."""
    workbook = load_workbook(path)
    result = []
    for row in workbook.worksheets[0].iter_rows(min_row=FIRST):
        if row[5].value:
            assignment, criterion = map(int, str(row[5].value).split(":"))
            result.append((row[0].row, assignment, criterion))
    return result


def fill(path: Path, decide: Callable[[int, int], tuple[object, object] | None]) -> None:
    """What an evaluator does in Excel: open, type scores and comments in the open cells, save."""
    workbook = load_workbook(path)
    for row in workbook.worksheets[0].iter_rows(min_row=FIRST):
        if not row[5].value or row[3].protection.locked:
            continue
        assignment, criterion = map(int, str(row[5].value).split(":"))
        answer = decide(assignment, criterion)
        if answer is not None:
            row[3].value, row[4].value = answer
    workbook.save(path)


def edit(path: Path, change: Callable) -> None:
    """Change a workbook with openpyxl (as someone who lifts the protection would) and save it."""
    workbook = load_workbook(path)
    change(workbook)
    workbook.save(path)


def snapshot(db) -> tuple:
    """Everything an import could touch."""
    return (db.execute("SELECT * FROM evaluation_scores ORDER BY assignment_id, criterion_id").fetchall(),
            db.execute("SELECT id, status, submitted_at, updated_at FROM evaluation_assignments ORDER BY id"
                       ).fetchall(),
            db.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def score_for(assignment: int, criterion: int) -> int:
    return 1 + (assignment * 7 + criterion * 3) % 5


def assert_refused(db, user: User, path: Path, *fragments: str) -> sheets.SheetImportPreview:
    before = snapshot(db)
    preview = sheets.preview_import(db, user, path)
    text = "\n".join(e.text() for e in preview.errors)
    assert preview.errors and not preview.changes, text
    for fragment in fragments:
        assert fragment in text, text
    with pytest.raises(UserError):
        sheets.commit_import(db, user, preview)
    assert snapshot(db) == before
    return preview


@pytest.fixture
def project(demo_db) -> int:
    return make_project(demo_db)


@pytest.fixture
def exported(demo_db, project, tmp_path) -> list[Path]:
    out = tmp_path / "out"
    out.mkdir()
    return sheets.export_sheets(demo_db, officer(), project, out)


def any_member_sheet(files: list[Path]) -> Path:
    return next(f for f in files if "佐野" not in f.name)


# -- the workbook as written ---------------------------------------------------------------------------

def test_export_writes_one_protected_signed_workbook_per_evaluator(demo_db, project, exported):
    assignments = evaluations.project_assignments(demo_db, officer(), project)
    evaluators = {(a["evaluator_staff_id"], a["evaluator_external_id"]) for a in assignments}
    assert len(exported) == len(evaluators) and len({f.name for f in exported}) == len(exported)
    assert any("佐野 健一" in f.name and "窓口予約のオンライン化" in f.name for f in exported)
    assert all(f.name.startswith("評価シート_") for f in exported)
    path = any_member_sheet(exported)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["評価", "評点の目安", "_meta"]
    sheet, guide, meta = workbook.worksheets
    assert meta.sheet_state == "hidden" and sheet.protection.sheet and guide.protection.sheet
    assert [c.value for c in sheet[sheets.HEADER_ROW]][:5] == ["被評価者", "観点", "評価項目", "評点", "コメント"]
    assert sheet.column_dimensions["F"].hidden
    validation = sheet.data_validations.dataValidation[0]
    assert validation.type == "list" and validation.formula1 == '"1,2,3,4,5"' and "1から5" in validation.error
    rows = sheet_rows(path)
    for row, _assignment, _criterion in rows:
        assert sheet.cell(row, 4).protection.locked is False and sheet.cell(row, 5).protection.locked is False
        assert sheet.cell(row, 5).number_format == "@"
        assert sheet.cell(row, 1).protection.locked is not False and sheet.cell(row, 6).protection.locked is not False
        assert f"D{row}" in validation.sqref
    # One row per (assignment, criterion) the evaluator answers, nothing else.
    evaluator = next(a for a in assignments if a["id"] == rows[0][1])
    expected = set()
    template = rubrics.load_template(demo_db, projects.project(demo_db, project)["template_id"])
    for a in assignments:
        if (a["evaluator_staff_id"], a["evaluator_external_id"]) == (evaluator["evaluator_staff_id"],
                                                                   evaluator["evaluator_external_id"]):
            criteria = template.perspective(a["perspective_id"]).criteria_for(a["evaluator_kind"])
            expected |= {(a["id"], c.id) for c in criteria}
    assert {(a, c) for _r, a, c in rows} == expected
    # The guide holds every anchor of the criteria on the sheet.
    anchors = {r[4] for r in guide.iter_rows(min_row=5, values_only=True)}
    names = {r[1] for r in guide.iter_rows(min_row=5, values_only=True)}
    criteria = {c.id: c for p in template.perspectives for c in p.criteria}
    for criterion_id in {c for _r, _a, c in rows}:
        assert criteria[criterion_id].name in names
        assert set(criteria[criterion_id].descriptors.values()) <= anchors
    assert "窓口予約のオンライン化" in sheet["A2"].value


def test_drafts_are_prefilled_and_submitted_rows_left_out(demo_db, project, tmp_path):
    admin = officer()
    assignments = evaluations.project_assignments(demo_db, admin, project)
    member = assignments[0]
    form = evaluations.open_form(demo_db, admin, member["id"])
    evaluations.save_answers(demo_db, admin, member["id"], {form.criteria[0].id: evaluations.Answer(4, "=よい")})
    same_evaluator = [a for a in assignments if a["evaluator_staff_id"] == member["evaluator_staff_id"]
                      and a["evaluator_external_id"] == member["evaluator_external_id"]]
    done = same_evaluator[1]
    done_form = evaluations.open_form(demo_db, admin, done["id"])
    evaluations.save_answers(demo_db, admin, done["id"], {c.id: evaluations.Answer(3) for c in done_form.criteria},
                             submit=True)
    out = tmp_path / "out"
    out.mkdir()
    files = sheets.export_sheets(demo_db, admin, project, out)
    path = next(f for f in files if member["evaluator"] in f.name)
    rows = {(a, c): r for r, a, c in sheet_rows(path)}
    assert not any(a == done["id"] for a, _c in rows)
    sheet = load_workbook(path).worksheets[0]
    row = rows[(member["id"], form.criteria[0].id)]
    assert sheet.cell(row, 4).value == 4
    assert sheet.cell(row, 5).value == "'=よい"  # protect_cell: never a formula in Excel
    # Importing the untouched sheet changes nothing, and the protected comment comes back as typed.
    preview = sheets.preview_import(demo_db, admin, path)
    assert preview.ok and {c.action for c in preview.changes} == {"unchanged"}
    assert preview.changes[0].answers[form.criteria[0].id].comment == "=よい"

    # --all: evaluators with nothing left open get a sheet too, submitted rows shown greyed and locked.
    all_out = tmp_path / "all"
    all_out.mkdir()
    everyone = sheets.export_sheets(demo_db, admin, project, all_out, include_submitted=True)
    path = next(f for f in everyone if member["evaluator"] in f.name)
    locked_rows = [r for r, a, _c in sheet_rows(path) if a == done["id"]]
    sheet = load_workbook(path).worksheets[0]
    assert locked_rows and all(sheet.cell(r, 4).protection.locked is not False for r in locked_rows)
    assert sheet.cell(locked_rows[0], 4).value == 3
    preview = sheets.preview_import(demo_db, admin, path)
    assert preview.ok and any(c.action == "locked" for c in preview.changes)
    edit(path, lambda wb: wb.worksheets[0].cell(locked_rows[0], 4, 5))
    assert_refused(demo_db, admin, path, "出力前に提出済み")


def test_nothing_open_writes_nothing_and_export_is_audited(demo_db, project, tmp_path):
    admin = officer()
    before = demo_db.execute("SELECT count(*) FROM audit_log WHERE action = 'evaluation.sheets_export'").fetchone()[0]
    files = sheets.export_sheets(demo_db, admin, project, tmp_path)
    entry = demo_db.execute("SELECT after_json FROM audit_log WHERE action = 'evaluation.sheets_export' "
                            "ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert json.loads(entry)["files"] == len(files)
    key = demo_db.execute("SELECT value FROM settings WHERE key = ?", [sheets.KEY_SETTING]).fetchone()[0]
    assert len(json.loads(key)) == 64 and key not in entry  # the key is never logged
    # A second export never replaces the files of the first.
    again = sheets.export_sheets(demo_db, admin, project, tmp_path)
    assert not set(again) & set(files) and all(" (2)" in f.name for f in again)
    for assignment in evaluations.project_assignments(demo_db, admin, project):
        form = evaluations.open_form(demo_db, admin, assignment["id"])
        evaluations.save_answers(demo_db, admin, assignment["id"], {c.id: evaluations.Answer(2) for c in form.criteria},
                                 submit=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert sheets.export_sheets(demo_db, admin, project, empty) == [] and not list(empty.iterdir())
    assert demo_db.execute("SELECT count(*) FROM audit_log WHERE action = 'evaluation.sheets_export'").fetchone()[0] \
        == before + 2
    with pytest.raises(PermissionDenied):
        sheets.export_sheets(demo_db, User(9, "viewer", "閲覧", Role.VIEWER), project, empty)


def test_file_names_are_safe_on_windows():
    assert sheets.safe_file_name('評価シート_a/b:c*?"<>|_名前. ') == "評価シート_a_b_c_______名前"
    assert sheets.safe_file_name("x" * 300).__len__() == sheets.MAX_FILE_NAME


# -- the full cycle ---------------------------------------------------------------------------------

@pytest.mark.parametrize("aggregation", ["mean", "median"])
def test_full_cycle_summary_matches_hand_computed_figures(demo_db, tmp_path, aggregation):
    admin = officer()
    project = make_project(demo_db, aggregation)
    files = sheets.export_sheets(demo_db, admin, project, tmp_path)
    assignments = {a["id"]: a for a in evaluations.project_assignments(demo_db, admin, project)}
    partial_assignment = next(a["id"] for a in assignments.values() if a["evaluator_kind"] == "member")
    typed: dict[int, dict[int, int]] = defaultdict(dict)

    def decide(assignment: int, criterion: int):
        if assignments[assignment]["evaluator_kind"] == "external":
            return None  # the vendor has not answered yet
        if assignment == partial_assignment and typed[assignment]:
            return None, "後で記入します"  # only the first criterion: a draft
        score = score_for(assignment, criterion)
        typed[assignment][criterion] = score
        # The values Excel or LibreOffice may hand back for a typed 3: 3, 3.0, "3" or "３".
        value = [score, float(score), str(score), chr(ord("０") + score)][(assignment + criterion) % 4]
        return value, f"評価{score}"

    for path in files:
        fill(path, decide)
    for path in files:
        preview = sheets.preview_import(demo_db, admin, path)
        assert preview.ok, [e.text() for e in preview.errors]
        sheets.commit_import(demo_db, admin, preview)

    status = dict(demo_db.execute("SELECT id, status FROM evaluation_assignments WHERE project_id = ?", [project]))
    assert status[partial_assignment] == "draft"
    assert {status[a] for a, row in assignments.items() if row["evaluator_kind"] == "external"} == {"pending"}
    assert {status[a] for a in typed if a != partial_assignment} == {"submitted"}
    stored = dict(demo_db.execute("SELECT assignment_id || ':' || criterion_id, comment FROM evaluation_scores"))
    assert stored[f"{partial_assignment}:{next(iter(typed[partial_assignment]))}"].startswith("評価")

    # By hand: an evaluator's rating is the mean of their scores; ratings combine by the template's rule,
    # shown only with at least min_raters submitted ratings.
    template = rubrics.load_template(demo_db, projects.project(demo_db, project)["template_id"])
    minimum = {p.id: p.min_raters for p in template.perspectives}
    ratings: dict[tuple[int, int], list[float]] = defaultdict(list)
    for assignment, scores in typed.items():
        if assignment == partial_assignment:
            continue
        row = assignments[assignment]
        ratings[(row["target_staff_id"], row["perspective_id"])].append(statistics.fmean(scores.values()))
    combine = statistics.median if aggregation == "median" else statistics.fmean
    rows = {(r.target_staff_id, r.perspective_id): r for r in summary(demo_db, admin, project)}
    assert rows, "the summary lists every member and perspective"
    for key, row in rows.items():
        values = ratings.get(key, [])
        expected = round(combine(values), 2) if len(values) >= minimum[key[1]] else None
        assert (row.raters, row.value) == (len(values), expected), key
    assert any(r.value is None and r.display == "評価者数不足" for r in rows.values())
    assert any(r.value is not None for r in rows.values())
    assert demo_db.execute("SELECT count(*) FROM audit_log WHERE action = 'evaluation.sheets_import'").fetchone()[0] \
        == len(files)
    sources = {json.loads(r[0])["source"] for r in demo_db.execute(
        """SELECT after_json FROM audit_log WHERE action IN ('evaluation.save', 'evaluation.submit')
           AND actor = 'officer'""")}
    assert sources == {"excel"}


def test_draft_then_completed_sheet_submits(demo_db, exported):
    admin = officer()
    path = any_member_sheet(exported)
    rows = sheet_rows(path)
    first = rows[0][1]
    fill(path, lambda a, c: (3, "") if a == first and c == rows[0][2] else None)
    preview = sheets.preview_import(demo_db, admin, path)
    assert [c.action for c in preview.changes if c.assignment_id == first] == ["draft"]
    sheets.commit_import(demo_db, admin, preview)
    assert evaluations.open_form(demo_db, admin, first).assignment["status"] == "draft"
    # The same file again: the draft already holds these answers.
    assert {c.action for c in sheets.preview_import(demo_db, admin, path).changes} == {"unchanged"}
    fill(path, lambda a, c: (4, "") if a == first else None)
    preview = sheets.preview_import(demo_db, admin, path)
    assert [c.action for c in preview.changes if c.assignment_id == first] == ["submit"]
    sheets.commit_import(demo_db, admin, preview)
    form = evaluations.open_form(demo_db, admin, first)
    assert form.assignment["status"] == "submitted" and {a.score for a in form.answers.values()} == {4}


def test_formula_in_a_comment_is_kept_as_text_with_a_warning(demo_db, exported):
    admin = officer()
    path = any_member_sheet(exported)
    fill(path, lambda a, c: (2, "=SUM(A1:A3)"))  # openpyxl stores a typed "=..." as a formula
    assert load_workbook(path).worksheets[0].cell(FIRST, 5).data_type == "f"
    preview = sheets.preview_import(demo_db, admin, path)
    assert preview.ok and preview.warnings
    assert "E列（コメント）" in preview.warnings[0].text() and "文字列として保存" in preview.warnings[0].text()
    sheets.commit_import(demo_db, admin, preview)
    comments = {r[0] for r in demo_db.execute("SELECT comment FROM evaluation_scores")}
    assert comments == {"=SUM(A1:A3)"}


# -- refusals: each names file, sheet, row and column, and changes nothing ---------------------------

def test_wrong_files_are_refused(demo_db, project, tmp_path):
    admin = officer()
    staff_list = tmp_path / "職員一覧.xlsx"
    write_xlsx(staff_list, ["職員番号", "氏名"], [["1001", "山田 太郎"]], "職員")
    preview = assert_refused(demo_db, admin, staff_list, "職員一覧.xlsx", "この台帳で出力した評価シートではありません")
    assert preview.errors[0].text().startswith("職員一覧.xlsx")
    csv = tmp_path / "評価.csv"
    csv.write_text("被評価者,評点\n", encoding="utf-8")
    assert_refused(demo_db, admin, csv, "評価シートではありません")
    broken = tmp_path / "壊れた.xlsx"
    broken.write_bytes(b"not a zip at all")
    assert_refused(demo_db, admin, broken, "壊れた.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))  # 1000:1, far above any workbook
    assert_refused(demo_db, admin, bomb, "bomb.xlsx", "安全")
    assert_refused(demo_db, admin, tmp_path / "ない.xlsx", "ない.xlsx")


def test_sheet_with_malformed_xml_is_refused_with_the_file_named(demo_db, exported):
    path = any_member_sheet(exported)
    truncate_worksheet_xml(path)
    preview = assert_refused(demo_db, officer(), path, path.name, "壊れて")
    assert "ParseError" not in preview.errors[0].text()


def test_missing_or_bad_signature_is_refused(demo_db, exported):
    admin = officer()
    path = any_member_sheet(exported)
    fill(path, lambda a, c: (3, ""))
    original = path.read_bytes()

    def meta_cell(cell: str, value):
        path.write_bytes(original)
        edit(path, lambda wb: wb["_meta"].__setitem__(cell, value))

    meta_cell("B6", None)  # signature removed
    preview = assert_refused(demo_db, admin, path, "署名の検証に失敗")
    assert "シート「_meta」" in preview.errors[0].text()
    meta_cell("B6", "0" * 64)
    assert_refused(demo_db, admin, path, "署名の検証に失敗")
    meta_cell("B6", "３" * 64)  # not ASCII: a mismatch like any other, not a crash (hmac refuses such str)
    assert_refused(demo_db, admin, path, "署名の検証に失敗")
    meta_cell("B3", "e1")  # another evaluator
    assert_refused(demo_db, admin, path, "署名の検証に失敗")
    meta_cell(f"B{sheets.META_FIRST_ROW}", 99999)  # another assignment id
    assert_refused(demo_db, admin, path, "署名の検証に失敗")
    path.write_bytes(original)
    edit(path, lambda wb: wb.remove(wb["_meta"]))
    assert_refused(demo_db, admin, path, "評価シートではありません")
    # A sheet signed by another register's key is refused as well.
    path.write_bytes(original)
    demo_db.execute("UPDATE settings SET value = ? WHERE key = ?", [json.dumps("ab" * 32), sheets.KEY_SETTING])
    demo_db.conn.commit()
    assert_refused(demo_db, admin, path, "署名の検証に失敗")


def test_changed_keys_and_rows_are_refused(demo_db, exported):
    admin = officer()
    path = any_member_sheet(exported)
    fill(path, lambda a, c: (3, "よい"))
    original = path.read_bytes()
    rows = sheet_rows(path)

    def changed(change) -> None:
        path.write_bytes(original)
        edit(path, lambda wb: change(wb.worksheets[0]))

    changed(lambda ws: ws.cell(FIRST + 1, 6, "99999:1"))
    preview = assert_refused(demo_db, admin, path, f"シート「評価」 {FIRST + 1}行 F列", "キーが変更")
    assert preview.errors[0].row == FIRST + 1 and preview.errors[0].column == "F"
    changed(lambda ws: ws.cell(FIRST + 1, 6, ws.cell(FIRST, 6).value))  # a row copied over the next
    assert_refused(demo_db, admin, path, f"{FIRST}行目の複製")
    changed(lambda ws: setattr(ws.cell(FIRST + 1, 6), "value", None))
    assert_refused(demo_db, admin, path, "行が削除されたか")
    last = rows[-1][0]
    changed(lambda ws: [ws.cell(last + 1, c, v) for c, v in enumerate(("山田 太郎", "政策", "政策との整合", 5), 1)])
    assert_refused(demo_db, admin, path, f"{last + 1}行", "追加された行")
    changed(lambda ws: ws.insert_rows(FIRST + 1))
    assert_refused(demo_db, admin, path, "行の挿入・削除・移動", "追加された行")
    changed(lambda ws: ws.delete_rows(FIRST + 1))
    assert_refused(demo_db, admin, path, "行の挿入・削除・移動")


@pytest.mark.parametrize("value, message", [
    (9, "1から5の範囲"), (0, "1から5の範囲"), ("よい", "整数で入力"), (2.5, "整数で入力"), (True, "整数で入力"),
    ("=2+2", "数式は使えません"),
])
def test_bad_scores_are_refused(demo_db, exported, value, message):
    admin = officer()
    path = any_member_sheet(exported)
    fill(path, lambda a, c: (3, ""))
    edit(path, lambda wb: wb.worksheets[0].cell(FIRST + 1, 4, value))
    assert_refused(demo_db, admin, path, f"{path.name} シート「評価」 {FIRST + 1}行 D列（評点）", message)


def _resign(db, path: Path, rows: list[tuple[int, int, int, int]]) -> None:
    """Rewrite the hidden rows and sign them with the register's key: what a bug (or a stolen key) could do.

    The checks behind the signature must still hold then.
    """
    def change(wb):
        meta = wb["_meta"]
        signed = []
        for number, values in enumerate(rows, start=sheets.META_FIRST_ROW):
            for column, value in enumerate(values, start=1):
                meta.cell(number, column, value)
            wb.worksheets[0].cell(values[0], 6, f"{values[1]}:{values[2]}")
            signed.append(tuple(values) + (meta.cell(number, 5).value,))  # the rated person stays as written
        meta["B7"] = len(rows)
        key = sheets._signing_key(db, create=False)
        meta["B6"] = sheets._sign(key, sheets._canonical(meta["B1"].value, meta["B2"].value, meta["B3"].value,
                                                         meta["B4"].value, meta["B5"].value, signed))
    edit(path, change)


def _meta_rows(path: Path) -> list[tuple[int, int, int, int]]:
    meta = load_workbook(path)["_meta"]
    return [tuple(r) for r in meta.iter_rows(min_row=sheets.META_FIRST_ROW, values_only=True, max_col=4)]


def test_foreign_and_duplicate_rows_are_refused_even_when_signed(demo_db, project, exported):
    admin = officer()
    path = any_member_sheet(exported)
    fill(path, lambda a, c: (3, ""))
    original = path.read_bytes()
    rows = _meta_rows(path)
    mine = {a for _r, a, _c, _l in rows}
    foreign = next(a["id"] for a in evaluations.project_assignments(demo_db, admin, project) if a["id"] not in mine)
    _resign(demo_db, path, [(rows[0][0], foreign, rows[0][2], 0)] + rows[1:])
    assert_refused(demo_db, admin, path, f"{rows[0][0]}行 A列", "別の評価者")
    path.write_bytes(original)
    _resign(demo_db, path, [(rows[0][0], 99999, rows[0][2], 0)] + rows[1:])
    assert_refused(demo_db, admin, path, "存在しません")
    path.write_bytes(original)
    _resign(demo_db, path, rows[:1] + [(rows[1][0], rows[0][1], rows[0][2], 0)] + rows[2:])
    assert_refused(demo_db, admin, path, f"{rows[0][0]}行目と重複")


def test_evaluator_imports_only_their_own_sheet(demo_db, project, exported):
    path = any_member_sheet(exported)
    fill(path, lambda a, c: (4, ""))
    rows = _meta_rows(path)
    owner = evaluations.open_form(demo_db, officer(), rows[0][1]).assignment["evaluator_staff_id"]
    someone_else = next(r[0] for r in demo_db.execute(
        "SELECT id FROM staff WHERE status = 'active' AND id != ? ORDER BY id", [owner]))
    setup_administrator(demo_db, "admin", "管理者", "correct horse 1")
    intruder = create_user(demo_db, "other", "他の 評価者", "correct horse 1", Role.EVALUATOR, OFFICER,
                           staff_id=someone_else)
    assert_refused(demo_db, intruder, path, "自分の評価シートしか取り込めません")
    viewer = create_user(demo_db, "viewer", "閲覧者", "correct horse 1", Role.VIEWER, OFFICER)
    assert_refused(demo_db, viewer, path, "管理者と評価者だけ")
    me = create_user(demo_db, "me", "本人", "correct horse 1", Role.EVALUATOR, OFFICER, staff_id=owner)
    preview = sheets.preview_import(demo_db, me, path)
    assert preview.ok
    sheets.commit_import(demo_db, me, preview)
    ids = ",".join(str(r[1]) for r in rows)
    assert {r[0] for r in demo_db.execute(f"SELECT status FROM evaluation_assignments WHERE id IN ({ids})")} \
        == {"submitted"}
    # An evaluator's own export holds only their own evaluations.
    mine = sheets.export_sheets(demo_db, me, project, path.parent / "..", include_submitted=True)
    assert len(mine) == 1 and {a for _r, a, _c in sheet_rows(mine[0])} == {r[1] for r in rows}


def test_second_import_over_submitted_answers_is_refused(demo_db, exported):
    admin = officer()
    path = any_member_sheet(exported)
    fill(path, lambda a, c: (5, "とても良い"))
    sheets.commit_import(demo_db, admin, sheets.preview_import(demo_db, admin, path))
    assert_refused(demo_db, admin, path, "既に提出済み", "D列（評点）")
    fill(path, lambda a, c: (1, ""))  # a changed copy is refused just the same
    assert_refused(demo_db, admin, path, "既に提出済み")


def test_changes_after_the_export_are_refused(demo_db, project, exported):
    admin = officer()
    path = any_member_sheet(exported)
    fill(path, lambda a, c: (3, ""))
    rows = _meta_rows(path)
    evaluations.remove_assignment(demo_db, rows[0][1], ADMIN_USER)
    assert_refused(demo_db, admin, path, "存在しません")
    other = next(f for f in exported if f != path and "佐野" not in f.name)
    fill(other, lambda a, c: (3, ""))
    demo_db.execute("UPDATE projects SET template_id = ? WHERE id = ?",
                    [rubrics.save_template(demo_db, rubrics.MOKA_PRESET, ADMIN_USER), project])
    demo_db.conn.commit()
    assert_refused(demo_db, admin, other, "評価テンプレートが変更")


def test_commit_refuses_when_the_evaluations_changed_after_the_check(demo_db, exported):
    admin = officer()
    path = any_member_sheet(exported)
    fill(path, lambda a, c: (3, ""))
    preview = sheets.preview_import(demo_db, admin, path)
    assignment = preview.changes[0].assignment_id
    form = evaluations.open_form(demo_db, admin, assignment)
    evaluations.save_answers(demo_db, admin, assignment, {form.criteria[0].id: evaluations.Answer(1)})
    before = snapshot(demo_db)
    with pytest.raises(UserError, match="確認の後で評価が変更"):
        sheets.commit_import(demo_db, admin, preview)
    assert snapshot(demo_db) == before


def test_long_comment_is_refused(demo_db, exported):
    admin = officer()
    path = any_member_sheet(exported)
    fill(path, lambda a, c: (3, "長" * (evaluations.MAX_COMMENT + 1)))
    assert_refused(demo_db, admin, path, "E列（コメント）", str(evaluations.MAX_COMMENT))


# -- LibreOffice ------------------------------------------------------------------------------------

def _libreoffice(path: Path, out: Path, profile: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                             "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                            capture_output=True, text=True, timeout=180)
    converted = out / path.name
    assert result.returncode == 0 and converted.exists(), result.stderr
    return converted


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui "
                           "(about 90 MB download, 270 MB on disk) to run the round trip through it")
def test_workbook_survives_a_libreoffice_round_trip(demo_db, exported, tmp_path):
    """Saved again by LibreOffice before and after filling in: still signed, protected, validated, importable."""
    admin = officer()
    profile = tmp_path / "lo-profile"
    path = _libreoffice(any_member_sheet(exported), tmp_path / "lo1", profile)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    assert workbook["_meta"].sheet_state == "hidden" and sheet.protection.sheet
    assert sheet.column_dimensions["F"].hidden and sheet.data_validations.dataValidation
    assert sheet.cell(FIRST, 5).number_format == "@" and sheet.cell(FIRST, 4).protection.locked is False
    typed: dict[tuple[int, int], int] = {}

    def decide(assignment: int, criterion: int):
        typed[(assignment, criterion)] = score_for(assignment, criterion)
        return str(typed[(assignment, criterion)]) if criterion % 2 else typed[(assignment, criterion)], "=良い点"

    fill(path, decide)
    path = _libreoffice(path, tmp_path / "lo2", profile)
    preview = sheets.preview_import(demo_db, admin, path)
    assert preview.ok, [e.text() for e in preview.errors]
    sheets.commit_import(demo_db, admin, preview)
    stored = {(a, c): (s, t) for a, c, s, t in demo_db.execute(
        "SELECT assignment_id, criterion_id, score, comment FROM evaluation_scores")}
    assert stored == {key: (score, "=良い点") for key, score in typed.items()}


# -- command line ----------------------------------------------------------------------------------

def cli(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args)


def test_cli_export_and_import(demo_db, db_path, tmp_path):
    load_projects(demo_db, "test")
    project = demo_db.execute("SELECT id FROM projects WHERE status = 'active'").fetchone()[0]
    demo_db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out = tmp_path / "sheets"
    exported = cli("--db", str(db_path), "export-evaluation-sheets", "--project", str(project), "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    files = sorted(out.glob("*.xlsx"))
    assert files and f"{len(files)}件" in exported.stdout and all(str(f) in exported.stdout for f in files)
    good, bad = files[0], files[1]
    fill(good, lambda a, c: (4, "丁寧"))
    fill(bad, lambda a, c: (9, ""))
    before = snapshot(demo_db)
    dry = cli("--db", str(db_path), "import-evaluation-sheets", str(good), "--dry-run")
    assert dry.returncode == 0 and "確認のみ" in dry.stdout and good.name in dry.stdout
    assert snapshot(demo_db) == before
    result = cli("--db", str(db_path), "import-evaluation-sheets", str(good), str(bad), "--json")
    assert result.returncode == 1
    reports = json.loads(result.stdout)
    assert [r["ok"] for r in reports] == [True, False] and reports[0]["imported"] and not reports[1]["imported"]
    assert reports[0]["submitted"] >= 1 and "1から5の範囲" in reports[1]["errors"][0]
    assert bad.name in reports[1]["errors"][0]
    assert snapshot(demo_db)[0] != before[0]  # the good file was written, on its own
    again = cli("--db", str(db_path), "import-evaluation-sheets", str(good))
    assert again.returncode == 1 and "既に提出済み" in again.stderr and "何も書き込んでいません" in again.stderr
    missing = cli("--db", str(db_path), "export-evaluation-sheets", "--project", "999", "--out", str(out))
    assert missing.returncode == 1 and "999" in missing.stderr
    assert cli("--db", str(db_path), "import-evaluation-sheets").returncode == 2


# -- dialogs ---------------------------------------------------------------------------------------

def test_export_dialog_writes_lists_and_opens_the_folder(qtbot, demo_db, project, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt

    import ui.evaluation.sheets_dialog as module

    opened = []
    monkeypatch.setattr(module, "QDesktopServices", type("Desktop", (), {"openUrl": staticmethod(opened.append)}))
    dialog = module.ExportSheetsDialog(demo_db, officer(), project)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.project_box.currentData() == project and not dialog.open_button.isEnabled()
    folder = tmp_path / "評価シート"
    dialog.folder_edit.setText(str(folder))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    written = sorted(folder.glob("*.xlsx"))
    assert written and sorted(dialog.written) == written
    assert dialog.files_list.count() == len(written)
    assert {dialog.files_list.item(i).text() for i in range(len(written))} == {p.name for p in written}
    assert f"{len(written)}件" in dialog.result_label.text()
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in opened] == [str(folder)]
    # Nothing left to enter: said so, nothing written.
    admin = officer()
    for assignment in evaluations.project_assignments(demo_db, admin, project):
        form = evaluations.open_form(demo_db, admin, assignment["id"])
        evaluations.save_answers(demo_db, admin, assignment["id"], {c.id: evaluations.Answer(3) for c in form.criteria},
                                 submit=True)
    empty = tmp_path / "empty"
    dialog.folder_edit.setText(str(empty))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "出力しませんでした" in dialog.result_label.text() and not list(empty.iterdir())
    assert dialog.files_list.count() == 0 and not dialog.open_button.isEnabled()


def test_import_dialog_shows_errors_refuses_then_imports(qtbot, demo_db, exported):
    from PySide6.QtCore import Qt

    from tests.qt_helpers import collect_message_texts
    from ui.evaluation.sheets_dialog import ImportSheetsDialog

    members = [f for f in exported if "佐野" not in f.name]
    good, bad = members[0], members[1]
    fill(good, lambda a, c: (4, "=説明が丁寧"))
    fill(bad, lambda a, c: (9, ""))
    dialog = ImportSheetsDialog(demo_db, officer(), None)
    qtbot.addWidget(dialog)
    dialog.show()
    before = snapshot(demo_db)
    dialog.add_files([good, bad])
    assert not dialog.import_button.isEnabled()
    assert dialog.tabs.currentIndex() == 1 and dialog.errors_model.rowCount() > 0
    where = dialog.errors_model.data(dialog.errors_model.index(0, 0))
    assert bad.name in where and "D列（評点）" in where
    assert "誤り" in dialog.files_model.data(dialog.files_model.index([p.path for p in dialog.previews].index(bad), 3))
    assert dialog.warnings_model.rowCount() > 0  # the formula-like comment of the good file
    dialog.buttons.accepted.emit()  # even forced, nothing is imported while a file has errors
    assert snapshot(demo_db) == before

    dialog.files_view.selectRow([p.path for p in dialog.previews].index(bad))
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert [p.path for p in dialog.previews] == [good] and dialog.import_button.isEnabled()
    assert dialog.changes_model.rowCount() == len(dialog.previews[0].changes) > 0
    assert dialog.changes_model.data(dialog.changes_model.index(0, 4)) == "提出"
    assert "提出" in dialog.summary.text()
    shown = collect_message_texts()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert shown and good.name in shown[0] and "提出" in shown[0]
    assert dialog.result() == dialog.DialogCode.Accepted
    ids = {c.assignment_id for c in dialog.previews[0].changes}
    statuses = {r[0] for r in demo_db.execute(
        f"SELECT status FROM evaluation_assignments WHERE id IN ({','.join(map(str, ids))})")}
    assert statuses == {"submitted"}
    assert {r[0] for r in demo_db.execute("SELECT comment FROM evaluation_scores")} == {"=説明が丁寧"}


def test_dialogs_fit_1366x768_at_150_percent(qtbot, demo_db, project):
    from ui.evaluation.sheets_dialog import ExportSheetsDialog, ImportSheetsDialog

    for cls in (ExportSheetsDialog, ImportSheetsDialog):
        dialog = cls(demo_db, officer(), project)
        qtbot.addWidget(dialog)
        dialog.show()
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 1366 / 1.5 and hint.height() <= (768 - 40) / 1.5, (cls.__name__, hint)


# -- a stale sheet never lands on another person (issue 13 item 4) ---------------------------------------

def _stale_setup(db, project, exported):
    """The sheet holding the newest assignment, that assignment, and a new member its rater could rate instead."""
    assignments = evaluations.project_assignments(db, officer(), project)
    newest = max(assignments, key=lambda a: a["id"])
    path = next(f for f in exported if newest["id"] in {a for _r, a, _c in sheet_rows(f)})
    other = db.execute("SELECT id FROM staff WHERE status = 'active' AND id NOT IN "
                       "(SELECT staff_id FROM project_members WHERE project_id = ?) AND id IS NOT ? ORDER BY id",
                       [project, newest["evaluator_staff_id"]]).fetchone()[0]
    projects.add_member(db, project, other, "member", ADMIN_USER)  # a new member, rated by nobody yet
    return path, newest, other


def test_a_stale_sheet_is_refused_after_its_assignment_was_replaced(demo_db, project, exported):
    """Export, remove the newest assignment, give its rater another person: the old sheet must not land there."""
    path, newest, other = _stale_setup(demo_db, project, exported)
    fill(path, lambda a, c: (5, "荒井さんの評価"))
    evaluations.remove_assignment(demo_db, newest["id"], ADMIN_USER)
    rater = Evaluator(newest["evaluator_staff_id"], newest["evaluator_external_id"])
    new_id = evaluations.add_assignment(demo_db, project, other, newest["perspective_id"], rater,
                                        newest["evaluator_kind"], ADMIN_USER)
    assert new_id != newest["id"]  # ids are never reused
    assert_refused(demo_db, officer(), path, f"ID {newest['id']}", "存在しません")
    assert not demo_db.execute("SELECT count(*) FROM evaluation_scores WHERE assignment_id = ?", [new_id]).fetchone()[0]


def test_a_sheet_signed_for_one_person_is_refused_on_another(demo_db, project, exported):
    """Even where an id was reused (a register from before ids were kept), the signed rated person must match."""
    path, newest, other = _stale_setup(demo_db, project, exported)
    fill(path, lambda a, c: (5, ""))
    evaluations.remove_assignment(demo_db, newest["id"], ADMIN_USER)
    with demo_db.conn:
        demo_db.execute("INSERT INTO evaluation_assignments (id, project_id, target_staff_id, perspective_id, "
                        "evaluator_staff_id, evaluator_external_id, evaluator_kind) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [newest["id"], project, other, newest["perspective_id"], newest["evaluator_staff_id"],
                         newest["evaluator_external_id"], newest["evaluator_kind"]])
    written_for = demo_db.execute("SELECT family_name || ' ' || given_name FROM staff WHERE id = ?",
                                  [newest["target_staff_id"]]).fetchone()[0]
    now = demo_db.execute("SELECT family_name || ' ' || given_name FROM staff WHERE id = ?", [other]).fetchone()[0]
    assert_refused(demo_db, officer(), path, written_for, now, "古く")
