"""Earlier (paper) certifications (issue 17 item 2): CSV and xlsx files in, numbers kept as printed,
the sequence continuing after them, every refusal naming file, row and column and changing nothing,
「台帳導入前」 in the history and in the eligibility reasons; the CLI and the dialog.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.certification import decisions, numbers
from app.certification import candidates
from app.certification import eligibility
from app.certification import past
from app.evaluation import projects
from app.certification import schemes
from app.register import settings
from app.register.accounts import Role, User
from app.db import open_database
from app.demo.town import generate_town, load_town
from app.errors import PermissionDenied, UserError
from app.staff.importer import ImportRefused
from tests.conftest import ADMIN_USER, run_cli
from tests.test_import_fuzz import digest

TODAY = date(2026, 6, 1)  # 令和8年度
HEADER = ["職員番号", "レベル", "認定日", "認定番号", "認定者", "取消日", "取消理由"]
MAYOR = "真岡市長 石坂 真一"


@pytest.fixture
def town(db):
    """60 staff and the Moka scheme in use, nobody certified yet."""
    load_town(db, generate_town(60, seed=1), "test")
    schemes.install_preset(db, "moka", ADMIN_USER)
    settings.set_value(db, "certification_scheme", "moka-cert", ADMIN_USER)
    return db


def staff_numbers(db, n: int = 30) -> list[str]:
    return [r[0] for r in db.execute("SELECT staff_no FROM staff WHERE status = 'active' ORDER BY id LIMIT ?", [n])]


def staff_id(db, staff_no: str) -> int:
    return db.execute("SELECT id FROM staff WHERE staff_no = ?", [staff_no]).fetchone()[0]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "cp932") -> Path:
    path.write_bytes("".join(",".join(r) + "\r\n" for r in [HEADER, *rows]).encode(encoding))
    return path


def advisors(numbers: list[str], count: int = 21) -> list[list[str]]:
    """21 アドバイザー of 令和5年度 as the town's paper register lists them: 第0001号 to 第0021号."""
    return [[no, "DXアドバイザー", "令和6年3月15日", f"第{i:04}号", MAYOR, "", ""]
            for i, no in enumerate(numbers[:count], start=1)]


def preview_of(db, path: Path) -> past.PastImportPreview:
    return past.preview_file(db, ADMIN_USER, path, today=TODAY)


def import_file(db, path: Path) -> dict:
    preview = preview_of(db, path)
    assert not preview.errors, [e.text(path.name) for e in preview.errors]
    return past.commit(db, ADMIN_USER, preview)


# -- importing ---------------------------------------------------------------------------------------

def test_a_cp932_list_is_imported_with_its_numbers_as_printed(town, tmp_path):
    numbers = staff_numbers(town)
    rows = advisors(numbers)
    rows[1][2] = "2024/3/15"  # western dates as well as 和暦
    rows[2][2] = "R6.3.15"
    rows[3][5:] = ["令和7年1月31日", "退職に伴い辞退"]
    rows.append([numbers[0], "DXエキスパート", "令和7年3月14日", "第0022号", MAYOR, "", ""])
    path = write_csv(tmp_path / "以前の認定.csv", rows)
    summary = import_file(town, path)
    assert (summary["certifications"], summary["revoked"]) == (22, 1)
    assert summary["levels"] == {"DXアドバイザー": 21, "DXエキスパート": 1}
    register = {r["certificate_no"]: r for r in decisions.register(town, ADMIN_USER)}
    assert sorted(register) == [f"第{i:04}号" for i in range(1, 23)]
    assert {r["source"] for r in register.values()} == {"imported"}
    assert register["第0002号"]["decided_on"] == register["第0003号"]["decided_on"] == "2024-03-15"
    revoked = register["第0004号"]
    assert (revoked["status"], revoked["revoked_on"], revoked["revoke_reason"]) == ("revoked", "2025-01-31",
                                                                                     "退職に伴い辞退")
    assert (register["第0022号"]["fiscal_year"], register["第0022号"]["seq"]) == (2024, 22)
    actions = [r[0] for r in town.execute("SELECT action FROM audit_log WHERE action LIKE 'certification.%'")]
    assert actions.count("certification.record_past") == 22 and actions[-1] == "certification.import"


def test_an_xlsx_with_date_cells_and_number_cells_is_imported(town, tmp_path):
    from openpyxl import Workbook

    numbers = staff_numbers(town)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["職員番号", "氏名", "認定区分", "認定年月日", "認定証番号", "承認者"])
    sheet.append([int(numbers[0]), "(氏名は照合しない)", "DXアドバイザー", datetime(2024, 3, 15), "第0001号", MAYOR])
    sheet.append([numbers[1], "", "advisor", "令和6年3月15日", "第０００２号", MAYOR])  # a code, full-width digits
    workbook.save(tmp_path / "認定者一覧.xlsx")
    preview = preview_of(town, tmp_path / "認定者一覧.xlsx")
    assert not preview.errors, [e.text("認定者一覧.xlsx") for e in preview.errors]
    assert preview.unused_headers == ["氏名"]
    assert [(r.staff_no, r.level_code, r.decided_on, r.certificate_no) for r in preview.records] == [
        (numbers[0], "advisor", "2024-03-15", "第0001号"), (numbers[1], "advisor", "2024-03-15", "第0002号")]
    past.commit(town, ADMIN_USER, preview)
    assert town.execute("SELECT count(*) FROM certifications WHERE source = 'imported'").fetchone()[0] == 2


def test_an_exported_register_is_read_back(town, tmp_path):
    """The 認定者名簿 the register writes (決定日, 認定者, 状態 …) is a file this import reads."""
    numbers = staff_numbers(town)
    import_file(town, write_csv(tmp_path / "以前の認定.csv", advisors(numbers, 3)))
    decisions.export_register(town, tmp_path / "名簿.csv", ADMIN_USER)
    other = open_database(tmp_path / "other.sqlite").db
    load_town(other, generate_town(60, seed=1), "test")
    schemes.install_preset(other, "moka", ADMIN_USER)
    summary = import_file(other, tmp_path / "名簿.csv")
    assert summary["certifications"] == 3
    assert sorted(r["certificate_no"] for r in decisions.register(other, ADMIN_USER)) == \
        ["第0001号", "第0002号", "第0003号"]
    other.close()


# -- refusals: row and column named, nothing changed ---------------------------------------------------

def _dup_number(rows, numbers, town):
    rows[5][3] = "第0003号"


def _register_clash(rows, numbers, town):
    decisions.record_past(town, ADMIN_USER, schemes.active_scheme_id(town), staff_id(town, numbers[25]),
                              "advisor", date(2024, 3, 1), MAYOR, "第0006号")


def _unknown_staff(rows, numbers, town):
    rows[5][0] = "999999"


def _level_not_in_scheme(rows, numbers, town):
    rows[5][1] = "DXマスター"


def _future(rows, numbers, town):
    rows[5][2] = "令和8年6月2日"  # the day after TODAY


def _revoked_before_decided(rows, numbers, town):
    rows[5][5:] = ["令和6年3月14日", "誤り"]


def _same_serial(rows, numbers, town):
    rows[5][3] = "R5-3"  # another form, but serial 3 of 令和5年度 like 第0003号


def _wrong_year(rows, numbers, town):
    rows[5][3] = "令和4年度DX認定第0006号"  # the scheme's form, naming another year than the decision's


def _held_twice(rows, numbers, town):
    rows[5][0] = numbers[2]


@pytest.mark.parametrize(("damage", "column", "words"), [
    (_dup_number, "認定番号", "ファイル内に2回あります（4 行目にもあります）"),
    (_register_clash, "認定番号", "第0006号 は既に台帳にあります"),
    (_unknown_staff, "職員番号", "職員番号 999999 の職員は台帳にいません"),
    (_level_not_in_scheme, "レベル", "DXマスター は使用中の認定制度のレベルではありません"),
    (_future, "認定日", "令和8年6月2日 は未来の日付です"),
    (_revoked_before_decided, "取消日", "取消日 令和6年3月14日 が認定日（令和6年3月15日）より前です"),
    (_same_serial, "認定番号", "4 行目の 第0003号 と同じ令和5年度の連番 3 です"),
    (_wrong_year, "認定番号", "令和4年度の番号ですが、認定日 令和6年3月15日 は令和5年度です"),
    (_held_twice, "レベル", "DXアドバイザー が2件あります（4 行目にもあります）"),
], ids=lambda v: getattr(v, "__name__", None) or str(v)[:12])
def test_each_refusal_names_file_row_and_column_and_changes_nothing(town, tmp_path, damage, column, words):
    numbers = staff_numbers(town)
    rows = advisors(numbers, 10)
    damage(rows, numbers, town)
    path = write_csv(tmp_path / "以前の認定.csv", rows)
    before = digest(town)
    preview = preview_of(town, path)
    assert [(e.row, e.column) for e in preview.errors] == [(7, column)]
    text = preview.errors[0].text(path.name)
    assert text.startswith(f"以前の認定.csv, 7 行目、列「{column}」: ") and words in text, text
    with pytest.raises(ImportRefused):
        past.commit(town, ADMIN_USER, preview)
    assert digest(town) == before


def test_required_columns_and_an_empty_file_are_refused(town, tmp_path):
    path = tmp_path / "列不足.csv"
    path.write_text("職員番号,レベル,認定日\n1,DXアドバイザー,2024-03-15\n", encoding="utf-8")
    preview = preview_of(town, path)
    assert [(e.row, e.column) for e in preview.errors] == [(1, "")]
    assert "認定番号、認定者" in preview.errors[0].message
    empty = write_csv(tmp_path / "見出しだけ.csv", [])
    assert [e.message for e in preview_of(town, empty).errors] == ["ファイルに認定の行がありません"]


def test_the_register_changing_after_the_preview_is_caught_at_commit(town, tmp_path):
    numbers = staff_numbers(town)
    preview = preview_of(town, write_csv(tmp_path / "以前の認定.csv", advisors(numbers, 5)))
    decisions.record_past(town, ADMIN_USER, schemes.active_scheme_id(town), staff_id(town, numbers[20]),
                              "advisor", date(2024, 3, 1), MAYOR, "第0004号")
    before = digest(town)
    with pytest.raises(UserError, match="確認の後に台帳が変わりました.*5 行目、列「認定番号」"):
        past.commit(town, ADMIN_USER, preview)
    assert digest(town) == before


def test_only_the_administrator_imports(town, tmp_path):
    path = write_csv(tmp_path / "以前の認定.csv", advisors(staff_numbers(town), 2))
    for role in (Role.EVALUATOR, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            past.preview_file(town, User(9, "x", "x", role), path, today=TODAY)
        with pytest.raises(PermissionDenied):
            past.commit(town, User(9, "x", "x", role), preview_of(town, path))
    assert town.execute("SELECT count(*) FROM certifications").fetchone()[0] == 0


# -- numbering continues ---------------------------------------------------------------------------------

def _level1_candidate(db, year: int) -> int:
    """Someone the blank scheme's レベル1 (a project taken part in) certifies: a member of a new project."""
    project = projects.create_project(db, projects.ProjectInput("窓口予約の電子化", year), ADMIN_USER)
    candidate = staff_id(db, staff_numbers(db)[-1])
    projects.add_member(db, project, candidate, "member", ADMIN_USER)
    return candidate


def _use_blank_scheme(db, pattern: str | None = None) -> schemes.SchemeSpec:
    schemes.install_preset(db, "blank", ADMIN_USER)
    settings.set_value(db, "certification_scheme", "custom-cert", ADMIN_USER)
    if pattern:
        spec = schemes.load_scheme(db, schemes.active_scheme_id(db))
        spec.number_pattern = pattern
        schemes.save_scheme(db, spec, ADMIN_USER)
    return schemes.load_scheme(db, schemes.active_scheme_id(db))


def _paper_level1(numbers: list[str], decided: str, count: int) -> list[list[str]]:
    return [[no, "レベル1", decided, f"第{i:04}号", MAYOR, "", ""] for i, no in enumerate(numbers[:count], start=1)]


def test_a_certification_after_the_import_gets_the_next_number(town, tmp_path):
    scheme = _use_blank_scheme(town)
    numbers = staff_numbers(town)
    preview = preview_of(town, write_csv(tmp_path / "以前の認定.csv", _paper_level1(numbers, "令和7年5月1日", 21)))
    assert preview.next_number == "令和8年度DX認定第0001号"  # TODAY is in the next fiscal year
    past.commit(town, ADMIN_USER, preview)
    candidate = _level1_candidate(town, 2025)
    decided = date(2025, 9, 1)  # 令和7年度, the year of the paper numbers
    approval = decisions.Approval(candidate, "level1")
    assert candidates.planned_numbers(town, scheme, [approval], decided)[0][1] == "令和7年度DX認定第0022号"
    assert decisions.approve(town, ADMIN_USER, scheme.id, [approval], decided, MAYOR) == ["令和7年度DX認定第0022号"]


def test_a_pattern_without_the_year_never_starts_again(town, tmp_path):
    """第{連番:04}号 as on paper: the next year continues at 第0004号 instead of repeating 第0001号."""
    scheme = _use_blank_scheme(town, "第{連番:04}号")
    numbers = staff_numbers(town)
    preview = preview_of(town, write_csv(tmp_path / "以前の認定.csv", _paper_level1(numbers, "令和6年5月1日", 3)))
    assert preview.next_number == "第0004号"
    past.commit(town, ADMIN_USER, preview)
    candidate = _level1_candidate(town, 2025)
    approval = decisions.Approval(candidate, "level1")
    assert decisions.approve(town, ADMIN_USER, scheme.id, [approval], date(2025, 9, 1), MAYOR) == ["第0004号"]


@pytest.mark.parametrize(("pattern", "number", "expected"), [
    ("{年度和暦}DX認定第{連番:04}号", "令和7年度DX認定第0021号", (21, 2025)),
    ("{年度和暦}DX認定第{連番:04}号", "令和元年度DX認定第0003号", (3, 2019)),
    ("{年度和暦}DX認定第{連番:04}号", "第0021号", (21, None)),
    ("{年度}-{連番}", "2024-7", (7, 2024)),
    ("第{連番:04}号", "R6-DX-12", (12, None)),
    ("第{連番:04}号", "第" + "0" * 5000 + "1号", (1, None)),  # past Python's int() limit on digits: no crash
])
def test_the_serial_number_is_read_from_the_number_as_printed(pattern, number, expected):
    assert numbers.number_parts(pattern, number) == expected


@pytest.mark.parametrize("number", ["第号", "第0000号", "第12345678号", "第" + "9" * 5000 + "号"])
def test_a_number_without_a_usable_serial_is_refused(number):
    with pytest.raises(ValueError):
        numbers.number_parts("第{連番:04}号", number)


# -- 台帳導入前 in the history and in eligibility ------------------------------------------------------

def test_imported_levels_show_as_before_the_register_and_count_for_the_next(town, tmp_path):
    numbers = staff_numbers(town)
    import_file(town, write_csv(tmp_path / "以前の認定.csv", advisors(numbers, 2)))
    holder = staff_id(town, numbers[0])
    path = decisions.person_path(town, ADMIN_USER, holder)
    assert [decisions.decided_label(r) for r in path] == ["令和6年3月15日（台帳導入前）"]
    scheme = schemes.load_scheme(town, schemes.active_scheme_id(town))
    found = eligibility.eligibility(town, ADMIN_USER, scheme, TODAY, [holder])
    assert [c.level.code for c in found] == ["expert"]  # not offered アドバイザー again
    previous = next(r for r in found[0].results if r.kind == "previous_level")
    assert previous.met and "台帳導入前" in previous.text, previous.text
    # A decision of the register itself carries no such mark.
    row = {"decided_on": "2026-06-01", "source": "decision"}
    assert decisions.decided_label(row) == "令和8年6月1日"


def test_the_migration_marks_earlier_entries_of_an_older_register(db_path):
    """A register of the previous version whose demo entered earlier decisions: those become 台帳導入前."""
    import app.db as dbmod

    chain = dbmod.migrations()
    ours = next(i for i, m in enumerate(chain) if "pastcerts" in m.name)
    older = pytest.MonkeyPatch()
    older.setattr(dbmod, "migrations", lambda: chain[:ours])
    try:
        first = open_database(db_path).db
        load_town(first, generate_town(20, seed=3), "test")
        schemes.install_preset(first, "moka", ADMIN_USER)
        level = first.execute("SELECT id FROM scheme_levels WHERE code = 'advisor'").fetchone()[0]
        for cert_id, action in ((1, "certification.record_past"), (2, "certification.approve")):
            first.execute("INSERT INTO certifications (id, staff_id, scheme_id, level_id, scheme_family, level_code, "
                          "decided_on, approver, fiscal_year, seq, certificate_no) VALUES (?, ?, 1, ?, 'moka-cert', "
                          "'advisor', '2024-03-15', '市長', 2023, ?, ?)", [cert_id, cert_id, level, cert_id, f"第{cert_id}号"])
            first.execute("INSERT INTO audit_log (actor, action, entity, entity_id) VALUES ('test', ?, 'certifications', ?)",
                          [action, str(cert_id)])
        first.conn.commit()
        first.close()
    finally:
        older.undo()
    db = open_database(db_path).db
    assert db.execute("SELECT id, source FROM certifications ORDER BY id").fetchall() == [(1, "imported"),
                                                                                          (2, "decision")]
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE certifications SET source = 'decision' WHERE id = 1")
    db.close()


# -- the command line ------------------------------------------------------------------------------------

def cli(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args)


def test_cli_dry_run_import_and_refusal(town, db_path, tmp_path):
    path = write_csv(tmp_path / "以前の認定.csv", advisors(staff_numbers(town), 5))
    town.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(town)
    dry = cli("--db", str(db_path), "certifications", "import", str(path), "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    answer = json.loads(dry.stdout)
    assert (answer["certifications"], answer["imported"], answer["errors"]) == (5, False, [])
    assert digest(town) == before

    done = cli("--db", str(db_path), "certifications", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "以前の認定（台帳導入前）を 5 件取り込みました。" in done.stdout
    assert town.execute("SELECT count(*) FROM certifications WHERE source = 'imported'").fetchone()[0] == 5

    again = cli("--db", str(db_path), "certifications", "import", str(path), "--json")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert json.loads(again.stdout)["errors"][0] == {
        "file": path.name, "row": 2, "column": "認定番号", "message": "認定番号 第0001号 は既に台帳にあります"}
    assert "以前の認定.csv, 2 行目、列「認定番号」: 認定番号 第0001号 は既に台帳にあります" in again.stderr

    broken = tmp_path / "壊れた.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    refused = cli("--db", str(db_path), "certifications", "import", str(broken))
    assert refused.returncode == 1 and broken.name in refused.stderr and "Traceback" not in refused.stderr


def test_cli_exits_3_with_the_log_on_a_defect(town, db_path, tmp_path, monkeypatch, capsys):
    from app.cli import main as cli_module

    path = write_csv(tmp_path / "以前の認定.csv", advisors(staff_numbers(town), 2))
    town.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def defect(*_args, **_kwargs):
        raise RuntimeError("a defect in the importer")

    monkeypatch.setattr(past, "prepare", defect)
    assert cli_module.main(["--db", str(db_path), "certifications", "import", str(path)]) == 3
    err = capsys.readouterr().err
    assert "予期しないエラー" in err and "dx-jinzai-cli.log" in err and "Traceback" not in err


# -- the dialog ------------------------------------------------------------------------------------------

def _cell(model, row: int, column: int) -> str:
    return str(model.data(model.index(row, column)))


@pytest.mark.gui
def test_the_dialog_previews_refuses_and_imports(qtbot, town, admin, tmp_path):
    from tests.qt_helpers import collect_message_texts
    from ui.certification.past_dialog import PastCertificationsImportDialog

    numbers = staff_numbers(town)
    rows = advisors(numbers)
    good = write_csv(tmp_path / "以前の認定.csv", rows)
    rows[5][0] = "999999"
    bad = write_csv(tmp_path / "以前の認定_誤り.csv", rows)
    dialog = PastCertificationsImportDialog(town, admin, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "DXアドバイザー、DXエキスパート、DXスペシャリスト" in dialog.intro.text()
    assert not dialog.import_button.isEnabled()

    before = digest(town)
    dialog.load_file(bad)
    assert not dialog.import_button.isEnabled()
    assert dialog.tabs.currentIndex() == 1 and dialog.tabs.tabText(1) == "エラー（1）"
    assert [_cell(dialog.errors_model, 0, c) for c in range(3)] == [
        "7", "職員番号", "職員番号 999999 の職員は台帳にいません"]
    assert "エラーが 1 件あります" in dialog.summary.text()
    assert digest(town) == before

    dialog.load_file(good)
    assert dialog.import_button.isEnabled() and dialog.tabs.currentIndex() == 0
    assert dialog.records_model.rowCount() == 21
    assert [_cell(dialog.records_model, 0, c) for c in (1, 3, 4, 5)] == [numbers[0], "DXアドバイザー", "令和6年3月15日",
                                                                         "第0001号"]
    assert "令和8年度DX認定第0001号" in dialog.summary.text()
    shown = collect_message_texts()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert shown == ["以前の認定（台帳導入前）を 21 件取り込みました。 今日認定する人の番号は 令和8年度DX認定第0001号 からです。"]
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.committed["certifications"] == 21
    assert town.execute("SELECT count(*) FROM certifications WHERE source = 'imported'").fetchone()[0] == 21


@pytest.mark.gui
def test_the_certification_page_opens_it_and_the_history_shows_before_the_register(qtbot, town, admin, tmp_path):
    from tests.qt_helpers import when_modal
    from ui.certification.page import CertificationPage
    from ui.overview.person_card import PersonCardDialog

    numbers = staff_numbers(town)
    path = write_csv(tmp_path / "以前の認定.csv", advisors(numbers, 3))
    page = CertificationPage(town, admin)
    qtbot.addWidget(page)
    page.show()
    assert page.import_past_button.isVisible() and page.import_past_button.isEnabled()

    shown: list[str] = []

    def close_the_message() -> None:  # the import dialog is modal too: wait for the message box itself
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, close_the_message)
            return
        shown.append(box.text())
        box.done(0)

    def import_in(dialog) -> None:
        dialog.load_file(path)
        QTimer.singleShot(0, close_the_message)
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    when_modal(import_in)
    qtbot.mouseClick(page.import_past_button, Qt.MouseButton.LeftButton)
    assert shown and "3 件取り込みました" in shown[0]
    register = page.register_tab.model
    assert register.rowCount() == 3
    assert {r["certificate_no"] for r in (register.record_at(i) for i in range(3))} == {"第0001号", "第0002号", "第0003号"}

    card = PersonCardDialog(town, admin, staff_id(town, numbers[0]), tab="certifications")
    qtbot.addWidget(card)
    assert _cell(card.models["certifications"], 0, 0) == "令和6年3月15日（台帳導入前）"

    viewer = CertificationPage(town, User(7, "etsuran", "閲覧", Role.VIEWER))
    qtbot.addWidget(viewer)
    viewer.show()
    assert not viewer.import_past_button.isVisible()


# -- the tamper check ------------------------------------------------------------------------------------

def test_numbers_as_printed_are_not_taken_for_removed_decisions(town, tmp_path):
    """Paper numbers with gaps, and a pattern without the year continuing into the next year, are no tampering;
    a decision removed outside the app still is."""
    from app import seal

    scheme = _use_blank_scheme(town, "第{連番:04}号")
    numbers = staff_numbers(town)
    rows = [r for r in _paper_level1(numbers, "令和6年5月1日", 5) if r[3] in ("第0002号", "第0004号", "第0005号")]
    import_file(town, write_csv(tmp_path / "以前の認定.csv", rows))
    candidate = _level1_candidate(town, 2025)
    assert decisions.approve(town, ADMIN_USER, scheme.id, [decisions.Approval(candidate, "level1")],
                                 date(2025, 9, 1), MAYOR) == ["第0006号"]
    assert seal.verify(town).problems == []

    conn = town.conn
    conn.execute("DROP TRIGGER certifications_no_delete")
    conn.execute("DELETE FROM certifications WHERE certificate_no = '第0004号'")
    problems = seal.verify(town).problems
    assert problems and problems[0].table == "certifications" and "第0004号" in problems[0].text()
