"""The staff import session: one object holds the file, its rows (read once), the columns and the preview;
the CLI's ``import-staff`` and the import dialog both drive it, so they show the same preview."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

import pytest

from app.staff import importer
from app.staff.importer import ImportRefused, ImportSession
from tests.conftest import ADMIN_USER
from tests.test_staff_import import write_csv

ON = date(2027, 4, 1)
ROWS = [
    ["職員番号", "氏名", "フリガナ", "所属", "職名", "採用日"],
    ["100001", "髙橋 大輔", "タカハシ ダイスケ", "企画部デジタル戦略課", "部長", "R2.4.1"],  # a transfer
    ["200001", "新井 次郎", "ｱﾗｲ ｼﾞﾛｳ", "総務部総務課", "主事", "2020-04-01"],  # new
    ["200002", "山田花子", "やまだ はなこ", "総務部総務課", "主事", "2020-04-01"],  # an error: no space
]


@pytest.fixture
def staff_file(tmp_path):
    return write_csv(tmp_path / "異動.csv", ROWS, "cp932")


def _comparable(preview: importer.ImportPreview) -> dict:
    return asdict(preview)


def test_the_file_is_read_once_whatever_the_options(demo_db, staff_file):
    session = ImportSession(staff_file)
    first = session.check(demo_db, ON, today=ON)
    assert session.has_read and first.rows == 3 and first.error_count == 1
    staff_file.unlink()  # read again, this would now fail
    later = session.check(demo_db, date(2027, 10, 1), today=ON)
    assert later.effective_date == "2027-10-01" and later.records == first.records


def test_another_encoding_reads_the_file_again(demo_db, staff_file):
    session = ImportSession(staff_file, "cp932")
    session.check(demo_db, ON, today=ON)
    session.set_encoding("cp932")
    assert session.has_read, "the same encoding keeps the rows"
    session.set_encoding("utf-8")
    assert not session.has_read and session.mapping is None and session.preview is None


def test_the_session_is_what_preview_file_gives(demo_db, staff_file):
    preview, table, mapping = importer.preview_file(demo_db, staff_file, effective=ON, today=ON)
    session = ImportSession(staff_file)
    assert _comparable(session.check(demo_db, ON, today=ON)) == _comparable(preview)
    assert session.table.rows == table.rows and session.mapping == mapping


def test_chosen_columns_are_remembered_and_used(demo_db, tmp_path):
    headers = ["ID", "フルネーム", "読み", "部署名"]
    path = write_csv(tmp_path / "custom.csv", [headers, ["300001", "佐藤 一郎", "さとう いちろう", "総務部総務課"]],
                     "utf-8")
    choices = {"staff_no": "ID", "full_name": "フルネーム", "full_reading": "読み", "affiliation": "部署名"}
    session = ImportSession(path)
    assert session.check(demo_db, ON, today=ON).errors, "the columns are not recognised by themselves"
    session.choose_columns(demo_db, choices, ADMIN_USER)
    assert not session.check(demo_db, ON, today=ON).errors
    assert importer.load_saved_mapping(demo_db, headers) == choices
    assert ImportSession(path).recognise(demo_db).columns == choices, "the next file with these headers"


def test_commit_needs_a_checked_preview(demo_db, staff_file):
    session = ImportSession(staff_file)
    with pytest.raises(ImportRefused, match="異動.csv"):
        session.commit(demo_db, ADMIN_USER)
    session.check(demo_db, ON, today=ON)
    with pytest.raises(ImportRefused):  # the preview has an error: nothing is written
        session.commit(demo_db, ADMIN_USER)


def test_a_session_commits_what_it_checked(demo_db, tmp_path):
    path = write_csv(tmp_path / "ok.csv", ROWS[:3], "cp932")
    session = ImportSession(path)
    session.check(demo_db, ON, today=ON)
    summary = session.commit(demo_db, ADMIN_USER)
    assert summary["added"] == 1 and summary["transferred"] == 1


@pytest.mark.gui
def test_cli_and_dialog_show_the_same_preview_for_the_same_file(qtbot, demo_db, db_path, admin, staff_file, capsys):
    from app.cli import main as cli_module
    from tests.qt_helpers import type_date
    from ui.staff.import_dialog import ImportDialog

    assert cli_module.main(["--db", str(db_path), "import-staff", str(staff_file), "--dry-run", "--json",
                            "--effective-date", ON.isoformat()]) == 1  # refused: the file has an error
    from_cli = json.loads(capsys.readouterr().out)

    dialog = ImportDialog(demo_db, admin)
    qtbot.addWidget(dialog)
    type_date(qtbot, dialog.effective, ON.isoformat())
    dialog.load_file(staff_file)
    assert dialog.preview is dialog.session.preview, "the dialog shows the session's preview"
    assert dialog.preview.summary() == from_cli
    assert from_cli["added"] == 1 and from_cli["transferred"] == 1 and len(from_cli["errors"]) == 1


@pytest.mark.gui
def test_the_dialog_reads_the_file_once(qtbot, demo_db, admin, staff_file):
    from tests.qt_helpers import type_date
    from ui.staff.import_dialog import ImportDialog

    dialog = ImportDialog(demo_db, admin)
    qtbot.addWidget(dialog)
    dialog.load_file(staff_file)
    rows = dialog.preview.records
    staff_file.unlink()  # read again, the preview would become a refusal
    type_date(qtbot, dialog.effective, "2027-10-01")
    assert dialog.preview is not None and dialog.preview.effective_date == "2027-10-01"
    assert dialog.preview.records == rows
