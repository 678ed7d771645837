"""研修・資格 → 資格 (QualificationsTab, standalone) and the SurveyDialog, on the demo town."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton

from app.cli.screen_commands import GUI_COMMANDS, VIEW_CONTROLS
from app.demo.qualifications import EXPIRING_IN_DAYS, load_qualifications
from app.register.accounts import Role, User
from app.training import surveys
from tests.conftest import ADMIN_USER
from tests.qt_helpers import show_widget, when_modal
from ui.training.qualifications_tab import QualificationsTab
from ui.training.survey_dialog import SurveyDialog

TODAY = date(2026, 12, 1)
VIEWER = User(9, "viewer", "閲覧 者", Role.VIEWER)


def _tab(qtbot, db, user=ADMIN_USER) -> QualificationsTab:
    tab = QualificationsTab(db, user, today=TODAY)
    show_widget(qtbot, tab, 1366, 700)
    return tab


def test_the_tab_shows_the_demo_records_expiring_ones_and_the_catalogue(qtbot, demo_db):
    load_qualifications(demo_db, "test", TODAY)
    tab = _tab(qtbot, demo_db)
    assert tab.records_model.rowCount() == demo_db.execute("SELECT count(*) FROM staff_qualifications").fetchone()[0]
    assert tab.expiring_model.rowCount() == len(EXPIRING_IN_DAYS)
    assert tab.tabs.tabText(1) == f"期限が近い資格（{len(EXPIRING_IN_DAYS)}）"
    assert tab.catalogue_model.rowCount() == demo_db.execute("SELECT count(*) FROM qualifications").fetchone()[0]
    tab.search.setText("支援士")
    assert tab.records_model.rowCount() == demo_db.execute(
        "SELECT count(*) FROM staff_qualifications WHERE name = '情報処理安全確保支援士'").fetchone()[0]
    tab.search.setText("該当なしの文字列")
    assert tab.records_model.rowCount() == 0 and tab.records_hint.isVisible()


def test_enter_a_qualification_and_add_to_the_catalogue_through_the_dialogs(qtbot, demo_db):
    tab = _tab(qtbot, demo_db)
    assert tab.records_hint.isVisible()  # an empty register says what to do
    number, name = demo_db.execute("SELECT staff_no, family_name || '\u3000' || given_name FROM staff "
                                   "WHERE status = 'active' ORDER BY id LIMIT 1").fetchone()

    def fill(dialog: QDialog) -> None:
        dialog.person.setText(f"{number}\u3000{name}")
        dialog.entry.setCurrentIndex(dialog.entry.findText("情報処理安全確保支援士"))
        dialog.obtained.set_value(date(2024, 6, 1))
        dialog.note.setText("登録番号 第012345号")
        dialog.submit()

    when_modal(fill)
    tab.findChild(QPushButton, "qualificationAdd").click()
    row = demo_db.execute("SELECT obtained_on, expires_on, note FROM staff_qualifications").fetchone()
    assert row == ("2024-06-01", "2027-05-31", "登録番号 第012345号")
    assert tab.records_model.rowCount() == 1
    tab.records_view.selectRow(0)
    prefilled = []
    when_modal(lambda dialog: (prefilled.append(dialog.person.text()), dialog.reject()))
    tab.findChild(QPushButton, "qualificationAdd").click()
    assert prefilled == [f"{number}\u3000{name}"]

    def add_entry(dialog: QDialog) -> None:
        dialog.name.setText("ITIL 4 Foundation")
        dialog.category.setText("民間資格")
        dialog.validity.setValue(3)
        dialog.submit()

    when_modal(add_entry)
    tab.findChild(QPushButton, "catalogueAdd").click()
    assert demo_db.execute("SELECT validity_years FROM qualifications WHERE name = 'ITIL 4 Foundation'").fetchone() == (3,)


def test_the_import_dialog_previews_refuses_and_imports(qtbot, demo_db, tmp_path):
    from ui.training.qualification_dialogs import QualificationImportDialog

    number = demo_db.execute("SELECT staff_no FROM staff WHERE status = 'active' ORDER BY id LIMIT 1").fetchone()[0]
    bad = tmp_path / "資格.csv"
    bad.write_text(f"職員番号,資格,取得日\n{number},ITパスポート,2024-04-01\n99999,ITパスポー,2030-01-01\n",
                   encoding="utf-8")
    dialog = QualificationImportDialog(demo_db, ADMIN_USER, TODAY)
    show_widget(qtbot, dialog, 1000, 600)
    dialog.load_file(bad)
    assert dialog.errors_model.rowCount() == 3 and not dialog.import_button.isEnabled()
    good = tmp_path / "資格2.csv"
    good.write_text(f"職員番号,資格,取得日\n{number},ITパスポート,2024-04-01\n", encoding="utf-8")
    dialog.load_file(good)
    assert dialog.import_button.isEnabled()
    when_modal(lambda box: box.done(0))  # the information box after the import
    dialog.commit()
    assert demo_db.execute("SELECT count(*), min(source) FROM staff_qualifications").fetchone() == (1, "import")


def test_a_viewer_sees_the_lists_without_the_buttons(qtbot, demo_db):
    load_qualifications(demo_db, "test", TODAY)
    tab = _tab(qtbot, demo_db, VIEWER)
    assert tab.records_model.rowCount() > 0
    assert not any(b.isVisible() for b in tab.findChildren(QPushButton) if b.objectName() != "emptyHintButton")


def test_every_button_of_the_tab_has_its_command(qtbot, demo_db):
    tab = _tab(qtbot, demo_db)
    names = {b.objectName() for b in tab.findChildren(QPushButton)}
    assert names - set(GUI_COMMANDS) - VIEW_CONTROLS == set()


def test_survey_dialog_sets_questions_imports_answers_and_shows_results(qtbot, demo_db, tmp_path):
    event = demo_db.execute("INSERT INTO training_events (title, kind, starts_on, ends_on) "
                            "VALUES ('DX講演会', 'lecture', '2026-10-20', '2026-10-20')").lastrowid
    dialog = SurveyDialog(demo_db, ADMIN_USER, event)
    show_widget(qtbot, dialog, 980, 640)
    assert "設問" in dialog.summary.text()
    dialog.findChild(QPushButton, "surveyDefaultQuestions").click()
    dialog.findChild(QPushButton, "surveySaveQuestions").click()
    assert len(surveys.questions(demo_db, ADMIN_USER, event)) == 4
    sheet = tmp_path / "回答.csv"
    dialog.write_sheet_to(sheet)
    header = sheet.read_text(encoding="utf-8-sig").splitlines()[0]
    sheet.write_text(header + "\n5,4,5,4,よかった\n3,3,4,2,\n4,5,,5,時間が短い\n", encoding="utf-8")
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    dialog.import_answers(sheet)
    assert dialog.message.text() == "アンケートの回答 3 件を取り込みました。"
    assert dialog.results_model.rowCount() == 4
    assert dialog.results_model.data(dialog.results_model.index(0, 2)) == "4.00"
    assert dialog.results_model.data(dialog.results_model.index(2, 3)) == "2"  # one left Q3 empty
    assert dialog.comments.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("Q1,Q2\n7,1\n", encoding="utf-8")
    dialog.import_answers(bad)
    assert "bad.csv, 2 行目、列「Q1」" in dialog.message.text()
    assert demo_db.execute("SELECT count(*) FROM survey_responses").fetchone()[0] == 3
    viewer = SurveyDialog(demo_db, VIEWER, event)
    show_widget(qtbot, viewer, 980, 640)
    assert viewer.results_model.rowCount() == 4 and viewer.findChild(QPushButton, "surveyImport") is None


def test_the_training_page_holds_the_tab_and_opens_the_survey_of_the_chosen_event(qtbot, demo_db):
    from ui.training.page import TrainingPage

    event = demo_db.execute("INSERT INTO training_events (title, kind, starts_on, ends_on) "
                            "VALUES ('DX講演会', 'lecture', '2026-10-20', '2026-10-20')").lastrowid
    page = TrainingPage(demo_db, ADMIN_USER)
    show_widget(qtbot, page, 1366, 700)
    assert page.tabText(1) == "資格" and page.widget(1) is page.qualifications_tab
    tab = page.training_tab
    tab.events_view.selectRow(0)
    assert tab.current_id() == event
    titles = []
    when_modal(lambda dialog: (titles.append(dialog.windowTitle()), dialog.reject()))
    tab.actions_["survey"].trigger()
    assert titles == ["受講者アンケート: DX講演会"]
