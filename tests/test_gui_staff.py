"""Staff screens with pytest-qt: import wizard with preview, column mapping, history, add/edit, filters."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.staff import importer
from tests.qt_helpers import collect_message_texts, type_date, when_modal
from tests.test_staff_import import write_csv
from ui.staff.import_dialog import ImportDialog, MappingDialog
from ui.main_window import MainWindow, Session
from ui.overview.person_card import PersonCardDialog
from ui.staff.person_dialogs import PersonDialog
from tests.conftest import ADMIN_USER, OFFICER

pytestmark = pytest.mark.gui


def test_import_wizard_previews_then_commits(qtbot, demo_db, admin, tmp_path):
    path = write_csv(tmp_path / "異動.csv", [
        ["職員番号", "氏名", "フリガナ", "所属", "職名", "採用日"],
        ["100001", "髙橋 大輔", "タカハシ ダイスケ", "企画部デジタル戦略課", "部長", "R7.4.1"],
        ["200001", "新井 次郎", "ｱﾗｲ ｼﾞﾛｳ", "総務部総務課", "主事", "2026-04-01"],
    ], "cp932")
    dialog = ImportDialog(demo_db, admin)
    qtbot.addWidget(dialog)
    type_date(qtbot, dialog.effective, "2027-04-01")
    dialog.load_file(path)
    assert not dialog.preview.errors
    kinds = {(c.kind, c.staff_no) for c in dialog.preview.changes}
    assert ("added", "200001") in kinds and ("transferred", "100001") in kinds
    assert dialog.changes_model.rowCount() == len(dialog.preview.changes)
    assert "新規 1 名" in dialog.summary.text()
    assert dialog.import_button.isEnabled()
    shown = collect_message_texts()
    dialog.import_button.click()
    assert dialog.committed["added"] == 1
    assert shown and shown[0].startswith("2 行を取り込みました：新規 1 名、異動 1 名"), "say what the import did"
    assert demo_db.execute("SELECT family_reading FROM staff WHERE staff_no = '200001'").fetchone()[0] == "あらい"


def test_import_wizard_shows_errors_and_refuses(qtbot, demo_db, admin, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [
        ["職員番号", "氏名", "ふりがな", "所属"],
        ["1", "佐藤一郎", "さとう いちろう", "総務部"],
    ], "utf-8")
    before = demo_db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    dialog = ImportDialog(demo_db, admin)
    qtbot.addWidget(dialog)
    dialog.load_file(path)
    assert dialog.errors_model.rowCount() == 1 and dialog.tabs.currentIndex() == 1
    assert dialog.errors_model.index(0, 1).data() == "氏名"
    assert not dialog.import_button.isEnabled()
    assert demo_db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before


def test_unknown_columns_open_the_mapping_dialog_and_it_is_remembered(qtbot, demo_db, admin, tmp_path):
    headers = ["ID", "フルネーム", "読み", "部署名"]
    path = write_csv(tmp_path / "custom.csv", [headers, ["300001", "佐藤 一郎", "さとう いちろう", "総務部総務課"]], "utf-8")
    choices = {"staff_no": "ID", "full_name": "フルネーム", "full_reading": "読み", "affiliation": "部署名"}

    def choose(dialog) -> None:
        assert isinstance(dialog, MappingDialog)
        for name, header in choices.items():
            box = dialog.boxes[name]
            box.setCurrentIndex(box.findData(header))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(choose)
    wizard = ImportDialog(demo_db, admin)
    qtbot.addWidget(wizard)
    wizard.load_file(path)
    assert wizard.preview is not None and not wizard.preview.errors
    assert wizard.preview.summary()["added"] == 1
    assert importer.load_saved_mapping(demo_db, headers) == choices


def test_private_use_character_is_replaced_in_the_wizard(qtbot, db, admin, tmp_path):
    path = tmp_path / "gaiji.csv"
    path.write_bytes("職員番号,氏名,ふりがな,所属\r\n1,".encode("cp932") + b"\xf0\x40"
                     + "田 太郎,よしだ たろう,総務部\r\n".encode("cp932"))
    wizard = ImportDialog(db, admin)
    qtbot.addWidget(wizard)
    wizard.load_file(path)
    assert not wizard.import_button.isEnabled()
    edit = wizard.gaiji_edits["\ue000"]
    edit.setText("𠮷")
    edit.editingFinished.emit()
    assert wizard.import_button.isEnabled()
    collect_message_texts()  # the result message
    wizard.import_button.click()
    assert db.execute("SELECT family_name FROM staff").fetchone()[0] == "𠮷田"


def test_history_view_shows_both_assignments_after_a_transfer(qtbot, demo_db, admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["職員番号", "氏名", "ふりがな", "部", "課", "職名"],
                                          ["100001", "髙橋 大輔", "たかはし だいすけ", "企画部", "企画政策課", "部長"]],
                     "utf-8")
    preview, _t, _m = importer.preview_file(demo_db, path, effective=date(2027, 4, 1))
    importer.commit(demo_db, preview, admin)
    staff_id = demo_db.execute("SELECT id FROM staff WHERE staff_no = '100001'").fetchone()[0]
    dialog = PersonCardDialog(demo_db, admin, staff_id, tab="affiliations")
    qtbot.addWidget(dialog)
    model = dialog.models["affiliations"]
    rows = model.rowCount()
    assert rows >= 2
    assert model.index(rows - 1, 0).data() == "令和9年4月1日"
    assert model.index(rows - 1, 1).data() == "現在"
    assert model.index(rows - 2, 1).data() == "令和9年3月31日"
    assert model.index(rows - 1, 3).data() == "企画政策課"


def test_add_person_refuses_a_duplicate_number(qtbot, demo_db, admin):
    dialog = PersonDialog(demo_db, admin)
    qtbot.addWidget(dialog)
    dialog.staff_no.setText("100001")
    dialog.family.setText("山田")
    dialog.given.setText("花子")
    dialog.family_reading.setText("ヤマダ")
    dialog.given_reading.setText("ﾊﾅｺ")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "既に登録されています" in dialog.error_label.text()
    dialog.staff_no.setText("400001")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == 1
    row = demo_db.execute("SELECT family_reading, given_reading FROM staff WHERE staff_no = '400001'").fetchone()
    assert row == ("やまだ", "はなこ")


@pytest.mark.parametrize("given, shown, code", [
    ("花子😀", "😀", "U+1F600"),  # an emoji
    ("花\ue001", "\ue001", "U+E001"),  # a user-defined character (外字)
    ("葛\U000e0102", "異体字セレクタ", "U+E0102"),  # an ideographic variation selector
])
def test_person_dialog_warns_at_entry_about_characters_certificates_cannot_print(qtbot, demo_db, admin, given,
                                                                                    shown, code):
    staff_id = demo_db.execute("SELECT id FROM staff WHERE staff_no = '100010'").fetchone()[0]
    dialog = PersonDialog(demo_db, admin, staff_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.name_warning.isVisible()
    dialog.given.setText(given)
    warning = dialog.name_warning.text()
    assert dialog.name_warning.isVisible() and f"「{shown}」({code})" in warning and "証書" in warning, warning
    dialog.given.setText("髙子")  # a kanji the fallback font has: no warning
    assert not dialog.name_warning.isVisible()


def test_import_preview_warns_about_names_certificates_cannot_print(qtbot, demo_db, admin, tmp_path):
    path = write_csv(tmp_path / "職員.csv", [
        ["職員番号", "氏名", "ふりがな", "所属"],
        ["300001", "佐藤 一郎😀", "さとう いちろう", "総務部"],
        ["300002", "髙橋 次郎", "たかはし じろう", "総務部"],
    ], "utf-8")
    dialog = ImportDialog(demo_db, admin)
    qtbot.addWidget(dialog)
    dialog.load_file(path)
    preview = dialog.preview
    assert not preview.errors and [(w.row, w.column) for w in preview.warnings] == [(2, "氏名")]
    assert "「😀」(U+1F600)" in dialog.summary.text() and "職員.csv, 2 行目" in dialog.summary.text()
    assert dialog.import_button.isEnabled()  # a warning, not a refusal


def test_edit_moves_a_person_as_a_dated_transfer(qtbot, demo_db, admin):
    staff_id = demo_db.execute("SELECT id FROM staff WHERE staff_no = '100010'").fetchone()[0]
    dialog = PersonDialog(demo_db, admin, staff_id)
    qtbot.addWidget(dialog)
    assert dialog.staff_no.text() == "100010"
    dialog.unit.setCurrentIndex((dialog.unit.currentIndex() + 1) % dialog.unit.count())
    type_date(qtbot, dialog.transfer_on, "R9.4.1")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    spans = demo_db.execute("SELECT valid_from, valid_to FROM staff_assignments WHERE staff_id = ? ORDER BY valid_from",
                            [staff_id]).fetchall()
    assert spans[-1] == ("2027-04-01", None) and spans[-2][1] == "2027-03-31"


def test_filters_narrow_the_list(qtbot, window):
    page = window.staff_page
    total = page.model.rowCount()
    box = page.filter_boxes["department"]
    box.setCurrentIndex(box.findData("総務部"))
    assert 0 < page.model.rowCount() < total
    assert all(page.model.row_at(i).department == "総務部" for i in range(page.model.rowCount()))
    position = page.filter_boxes["position"]
    position.setCurrentIndex(position.findData("係長"))
    assert all(page.model.row_at(i).position == "係長" for i in range(page.model.rowCount()))
    status = page.filter_boxes["status"]
    status.setCurrentIndex(status.findData("retired"))
    assert page.include_retired.isChecked()
    box.setCurrentIndex(0)
    position.setCurrentIndex(0)
    assert page.model.rowCount() == 5 and all(page.model.row_at(i).status == "retired" for i in range(5))


def test_viewer_cannot_import_or_edit(qtbot, demo_db, db_path, admin):
    from app.register import accounts

    viewer = accounts.create_user(demo_db, "viewer", "閲覧 者", "correct horse 2", accounts.Role.VIEWER, OFFICER)
    win = MainWindow(Session(demo_db, db_path, viewer))
    qtbot.addWidget(win)
    actions = win.staff_page.actions_by_key
    assert not actions["import"].isVisible() and not actions["edit"].isVisible()
    # a person's record and career (休職, 所属の履歴) are the administrator's (issue 13)
    assert not actions["history"].isVisible()


def test_organisation_page_renames_and_splits(qtbot, window):
    page = window.organisation_page
    type_date(qtbot, page.effective, "2027/4/1")
    old = page._db.execute("SELECT id FROM org_units WHERE name = '市民課' AND valid_to IS NULL").fetchone()[0]
    page.select(old)
    assert page.selected().name == "市民課"

    def rename(dialog) -> None:
        dialog.setTextValue("市民窓口課")
        dialog.accept()

    when_modal(rename)
    page.rename()
    names = [page.model.item(r).child(c).text() for r in range(page.model.rowCount())
             for c in range(page.model.item(r).rowCount())]
    assert "市民窓口課" in names and "市民課" not in names
    new = page._db.execute("SELECT id FROM org_units WHERE name = '市民窓口課' AND valid_to IS NULL").fetchone()[0]
    page.select(new)

    def split(dialog) -> None:
        dialog.names.setText("市民窓口課、証明発行課")
        for box in list(dialog.choices.values())[:1]:
            box.setCurrentIndex(1)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(split)
    page.split()
    assert page._db.execute("SELECT count(*) FROM org_units WHERE name = '証明発行課' AND valid_to IS NULL").fetchone()[0] == 1
    # the staff list follows once the reform date has come
    rows = staff_rows_on(page._db, date(2027, 4, 1))
    assert any(r.section.startswith("証明発行課") for r in rows)


def staff_rows_on(db, day):
    from app.staff import directory

    return directory.load_directory(db, ADMIN_USER, on=day)


def test_department_and_section_lists_follow_the_organisation_and_narrow(qtbot, window, demo_db):
    """Issue 12 item 24: 部 in the chart's order (総務部 first, not 企画部), 課 only of the chosen 部."""
    from app.staff import edit as staff_edit
    from app.demo.town import ORGANISATION

    page = window.staff_page
    departments = page.filter_boxes["department"]
    shown = [departments.itemData(i) for i in range(1, departments.count())]
    assert shown == [d for d, _r, _s in ORGANISATION if d in shown] and shown[0] == "総務部"
    sections = page.filter_boxes["section"]
    departments.setCurrentIndex(departments.findData("総務部"))
    offered = [sections.itemData(i) for i in range(1, sections.count())]
    assert offered == [s for s, _r, _u in ORGANISATION[0][2]]
    sections.setCurrentIndex(sections.findData("人事課"))
    assert {page.model.row_at(i).section.split(" ")[0] for i in range(page.model.rowCount())} == {"人事課"}
    affiliations = [path for _id, path in staff_edit.org_units(demo_db)]
    assert affiliations[0] == "総務部" and affiliations[1] == "総務部 総務課"


def test_column_mapping_says_what_was_recognised(qtbot, db, admin, tmp_path):
    """Issue 12 item 24: 列の対応 does not claim unrecognised columns when every column was recognised."""
    from PySide6.QtWidgets import QLabel

    def intro(headers: list[str]) -> str:
        dialog = MappingDialog(headers, importer.recognise_headers(headers))
        qtbot.addWidget(dialog)
        return dialog.findChild(QLabel, "mappingIntro").text()

    headers = ["職員番号", "氏名", "ふりがな", "所属", "職名"]
    text = intro(headers)
    assert "認識できない" not in text and "すべての列を認識しました" in text
    text = intro(headers + ["備考"])
    assert "備考" in text and "認識できない" not in text
    text = intro(["ID", "氏名", "ふりがな", "所属"])
    assert "職員番号" in text and "認識できません" in text


def test_positions_editor_moves_a_title_and_the_executive_choice_follows(qtbot, window, demo_db):
    """Issue 12 item 7: 設定 → 職位の序列 moves a title one step; executives follow the order."""
    from ui.staff.positions_dialog import PositionsDialog

    page = window.settings_page
    dialog = PositionsDialog(demo_db, ADMIN_USER, page)
    qtbot.addWidget(dialog)
    assert dialog.names()[:5] == ["部長", "次長", "課長", "課長補佐", "係長"]
    dialog.select("課長補佐")
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    ranks = dict(demo_db.execute("SELECT name, rank FROM positions").fetchall())
    assert ranks["課長補佐"] == ranks["課長"] and dialog.changed
    assert demo_db.execute("SELECT count(*) FROM audit_log WHERE action = 'position.rank'").fetchone()[0] == 1
    dialog.select("部長")
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert "最上位" in dialog.error_label.text()
    page._fill_evaluation_choices()
    texts = [page.executive_rank.itemText(i) for i in range(page.executive_rank.count())]
    assert any("課長・課長補佐" in t for t in texts)


def test_shift_jis_export_asks_first_and_can_switch_to_utf8(qtbot, window, tmp_path, monkeypatch):
    """Issue 12 item 24: the rows Shift_JIS cannot hold are named before writing; UTF-8 is one click."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    target = tmp_path / "職員台帳.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "従来システム用 CSV（Shift_JIS） (*.csv)"))
    seen: dict[str, str] = {}

    def choose_utf8(box) -> None:
        seen["text"], seen["rows"] = box.text(), box.informativeText()
        assert not target.exists(), "nothing is written before the officer decides"
        next(b for b in box.buttons() if b.text() == "UTF-8 で書き出す").click()
        when_modal(lambda done: done.done(0))  # the "exported" message

    when_modal(choose_utf8)
    window.staff_page.export_staff()
    assert "𠮷" in seen["rows"] and "行目" in seen["rows"]
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and "𠮷" in target.read_text(encoding="utf-8-sig")
