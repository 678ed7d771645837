"""研修・資格 → 研修 with pytest-qt: reached from the main window, events listed with who attended, an event added
through its form, attendance ticked for a whole section at once, an attendance file previewed (refused with its
errors, then imported), and read-only for a viewer. Counts are checked against the register directly."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.demo.training import load_training
from app.register.accounts import Role, User
from app.training import attendance, events
from tests.conftest import ADMIN_USER
from tests.qt_helpers import show_widget, type_date, when_modal
from ui.training.event_dialogs import AttendanceDialog, AttendanceImportDialog, EventDialog
from ui.training.page import TrainingPage

pytestmark = pytest.mark.gui
VIEWER = User(2, "etsuran", "閲覧 次郎", Role.VIEWER)


@pytest.fixture
def trained_db(demo_db):
    load_training(demo_db, "test")
    return demo_db


def _page(qtbot, db, user=ADMIN_USER) -> TrainingPage:
    return show_widget(qtbot, TrainingPage(db, user), 1280, 700)


def test_the_page_is_reached_from_the_main_window_and_says_what_to_do_when_empty(window):
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert "研修・資格" in titles
    window.show_page("training")
    page = window.training_page
    assert [page.tabText(i) for i in range(page.count())] == ["研修", "資格"]
    tab = page.training_tab
    assert tab.events_model.rowCount() == 0 and tab.empty_label.isVisible()


def test_events_are_listed_newest_first_with_their_attendees(qtbot, trained_db):
    page = _page(qtbot, trained_db)
    tab = page.training_tab  # the page is kept: qtbot holds it weakly
    rows = [tab.events_model.record_at(i) for i in range(tab.events_model.rowCount())]
    assert len(rows) == trained_db.execute("SELECT count(*) FROM training_events").fetchone()[0]
    assert [r["starts_on"] for r in rows] == sorted((r["starts_on"] for r in rows), reverse=True)
    first = rows[0]
    direct = trained_db.execute("SELECT count(*) FROM training_attendance WHERE event_id = ?", [first["id"]]).fetchone()[0]
    assert tab.people_model.rowCount() == direct == first["attendees"]
    assert f"受講 {direct:,} 人" in tab.people_label.text()
    tab.year.setCurrentIndex(tab.year.findData(2025))
    assert all("2025-04-01" <= tab.events_model.record_at(i)["starts_on"] <= "2026-03-31"
               for i in range(tab.events_model.rowCount()))
    tab.kind.setCurrentIndex(tab.kind.findData("lecture"))
    assert tab.events_model.rowCount() == 1 and tab.events_model.record_at(0)["kind_label"] == "講演会"


def test_an_event_is_added_through_its_form(qtbot, demo_db):
    page = _page(qtbot, demo_db)
    tab = page.training_tab  # the page is kept: qtbot holds it weakly
    seen = {}

    def fill(dialog: EventDialog) -> None:
        dialog.submit()
        seen["error"] = dialog.error_label.text()
        dialog.title.setText("生成AI活用勉強会")
        dialog.kind.setCurrentIndex(dialog.kind.findData("study"))
        type_date(qtbot, dialog.starts_on, "R8.1.22")
        dialog.hours.setText("1.5")
        dialog.organiser.setText("企画課")
        dialog.submit()

    when_modal(fill)
    tab.add_event()
    assert seen["error"] == "研修名を入力してください。"
    row = demo_db.execute("SELECT title, kind, starts_on, ends_on, hours, organiser FROM training_events").fetchall()
    assert row == [("生成AI活用勉強会", "study", "2026-01-22", "2026-01-22", 1.5, "企画課")]
    assert tab.events_model.rowCount() == 1 and tab.current_id() is not None


def test_attendance_is_ticked_for_a_whole_section_at_once(qtbot, trained_db):
    page = _page(qtbot, trained_db)
    tab = page.training_tab  # the page is kept: qtbot holds it weakly
    event_id = events.create_event(trained_db, events.EventInput("財政課勉強会", "study", date(2025, 12, 1)), ADMIN_USER)
    tab.reload(select=event_id)

    def tick(dialog: AttendanceDialog) -> None:
        dialog.section.setCurrentIndex(dialog.section.findData("財政課"))
        dialog.tick_shown_button.click()
        dialog.hours.setText("1")
        dialog.submit()

    when_modal(tick)
    tab.edit_attendance()
    expected = {r[0] for r in trained_db.execute(
        """SELECT a.staff_id FROM staff_assignments a JOIN org_units u ON u.id = a.unit_id JOIN staff s ON s.id = a.staff_id
           WHERE a.is_primary = 1 AND a.valid_from <= '2025-12-01' AND (a.valid_to IS NULL OR a.valid_to >= '2025-12-01')
           AND (s.status != 'retired' OR s.retired_on >= '2025-12-01') AND u.id IN (SELECT id FROM org_units WHERE name = '財政課' UNION
                                                  SELECT id FROM org_units WHERE parent_id IN
                                                  (SELECT id FROM org_units WHERE name = '財政課'))""")}
    stored = dict(trained_db.execute("SELECT staff_id, hours FROM training_attendance WHERE event_id = ?", [event_id]).fetchall())
    assert set(stored) == expected and len(expected) > 3 and set(stored.values()) == {1.0}
    assert tab.people_model.rowCount() == len(expected)


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_an_attendance_file_is_refused_with_its_errors_then_imported(qtbot, trained_db, tmp_path):
    page = _page(qtbot, trained_db)
    tab = page.training_tab  # the page is kept: qtbot holds it weakly
    numbers = [r[0] for r in trained_db.execute("SELECT staff_no FROM staff WHERE status = 'active' ORDER BY id LIMIT 2")]
    event_id = events.create_event(trained_db, events.EventInput("情報モラル講座", "external", date(2025, 10, 1)), ADMIN_USER)
    before = trained_db.execute("SELECT count(*) FROM training_attendance").fetchone()[0]
    bad = _write(tmp_path / "受講.csv", [["職員番号", "研修", "日付"], [numbers[0], "情報モラル講座", "2025-10-01"],
                                        ["999999", "情報モラル講座", "2025-10-01"], [numbers[1], "情報モラル講座", "2030-01-01"]])
    seen = {}

    def look(dialog: AttendanceImportDialog) -> None:
        seen["import enabled"] = dialog.ok_button.isEnabled()
        seen["tab"] = dialog.tabs.tabText(dialog.tabs.currentIndex())
        seen["errors"] = [dialog.errors_model.record_at(i) for i in range(dialog.errors_model.rowCount())]
        model = dialog.rows_model
        seen["rows"] = [(int(model.index(r, 0).data()), model.index(r, 1).data()[:len(numbers[0]) + 1],
                         model.index(r, 2).data(), model.index(r, 4).data()) for r in range(model.rowCount())]
        dialog.reject()

    when_modal(look)
    tab.import_attendance(bad, today=date(2026, 3, 31))
    assert seen["import enabled"] is False and seen["tab"] == "エラー（2）" and seen["rows"] == [
        (2, f"{numbers[0]} ", "情報モラル講座", "追加")]
    assert [e.split(":")[0] for e in seen["errors"]] == ["受講.csv, 3 行目、列「職員番号」", "受講.csv, 4 行目、列「日付」"]
    assert trained_db.execute("SELECT count(*) FROM training_attendance").fetchone()[0] == before

    good = _write(tmp_path / "受講2.csv", [["職員番号", "研修", "日付"], [numbers[0], "情報モラル講座", "2025-10-01"],
                                          [numbers[1], str(event_id), "令和7年10月1日"]])
    when_modal(lambda dialog: dialog.ok_button.click())
    tab.import_attendance(good, today=date(2026, 3, 31))
    assert sorted(attendance.attendee_ids(trained_db, ADMIN_USER, event_id)) == sorted(
        r[0] for r in trained_db.execute(f"SELECT id FROM staff WHERE staff_no IN ('{numbers[0]}', '{numbers[1]}')"))
    assert tab.current_id() == event_id or tab.events_model.rowCount() > 0


def test_removing_asks_first(qtbot, trained_db):
    page = _page(qtbot, trained_db)
    tab = page.training_tab  # the page is kept: qtbot holds it weakly
    event_id = tab.current_id()
    when_modal(lambda box: box.button(QMessageBox.StandardButton.No).click())
    tab.remove_event()
    assert trained_db.execute("SELECT 1 FROM training_events WHERE id = ?", [event_id]).fetchone()
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    tab.remove_event()
    assert trained_db.execute("SELECT 1 FROM training_events WHERE id = ?", [event_id]).fetchone() is None
    assert trained_db.execute("SELECT count(*) FROM training_attendance WHERE event_id = ?", [event_id]).fetchone()[0] == 0


def test_a_viewer_reads_and_changes_nothing(qtbot, trained_db):
    page = _page(qtbot, trained_db, VIEWER)
    tab = page.training_tab  # the page is kept: qtbot holds it weakly
    assert tab.events_model.rowCount() > 0 and tab.people_model.rowCount() > 0
    assert [a.objectName() for a in tab.toolbar.actions() if a.isVisible()] == ["trainingSurvey"]
    assert page.tabText(1) == "資格"


def test_an_attendee_opens_their_card_on_the_training_tab(qtbot, trained_db):
    from ui.overview.person_card import PersonCardDialog

    page = _page(qtbot, trained_db)
    tab = page.training_tab
    person = tab.people_model.record_at(0)
    seen = {}

    def look(card: PersonCardDialog) -> None:
        seen["tab"] = card.tabs.tabText(card.tabs.currentIndex())
        seen["rows"] = card.models["training"].rowCount()
        card.reject()

    when_modal(look)
    tab.people_view.doubleClicked.emit(tab.people_model.index(0, 1))
    direct = trained_db.execute("SELECT count(*) FROM training_attendance WHERE staff_id = ?", [person["staff_id"]]).fetchone()[0]
    assert seen == {"tab": "研修", "rows": direct}


def test_the_survey_button_opens_the_chosen_events_survey(qtbot, trained_db):
    from ui.training.survey_dialog import SurveyDialog

    page = _page(qtbot, trained_db)
    tab = page.training_tab
    seen = {}

    def look(dialog: SurveyDialog) -> None:
        seen["title"] = dialog.windowTitle()
        dialog.reject()

    when_modal(look)
    tab.actions_["survey"].trigger()
    assert seen["title"].endswith(tab.events_model.record_at(0)["title"])
