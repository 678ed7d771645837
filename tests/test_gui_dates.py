"""Dates in the GUI: the one date widget, and a stored date the product refuses that must still open."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from app.errors import UserError
from tests.qt_helpers import type_date, when_modal
from ui.overview.person_card import PersonCardDialog
from ui.staff.person_dialogs import PersonDialog
from ui.widgets.wareki_date import DateEdit

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def field(qtbot):
    widget = DateEdit(date(2099, 12, 31), field="採用日")
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_typing_over_a_selected_date_replaces_the_whole_date(qtbot, field):
    """Issue 12 item 22: with a QDateEdit, typing 2027-04-01 over 2099-12-31 kept the year (2026-12-31)."""
    changed = []
    field.date_changed.connect(changed.append)
    type_date(qtbot, field, "2027-04-01")
    assert field.value() == date(2027, 4, 1) and changed[-1] == date(2027, 4, 1)
    assert field.wareki.text() == "令和9年4月1日"


@pytest.mark.parametrize(("typed", "beside"), [
    ("2027-04-01", "令和9年4月1日"), ("2027/4/1", "令和9年4月1日"), ("２０２７／４／１", "令和9年4月1日"),
    ("R9.4.1", "2027年4月1日"), ("令和9年4月1日", "2027年4月1日"), ("令和９年４月１日", "2027年4月1日")])
def test_either_calendar_is_accepted_and_the_other_is_shown_beside(qtbot, field, typed, beside):
    type_date(qtbot, field, typed)
    assert field.edit.text() == typed
    assert field.value() == date(2027, 4, 1)
    assert field.wareki.text() == beside


@pytest.mark.parametrize(("typed", "message"), [
    ("2027-02-30", "2027年2月は28日まで"), ("R9.4", "日付として読めません"), ("1800-04-01", "範囲外"),
    ("", "日付を入力してください")])
def test_wrong_input_is_explained_in_japanese_and_refused(qtbot, field, typed, message):
    type_date(qtbot, field, "2027-04-01")
    type_date(qtbot, field, typed)
    if not typed:
        field.edit.clear()
    assert message in field.wareki.text()
    with pytest.raises(UserError, match=f"採用日: .*{message}"):
        field.value()
    assert field.date() == date(2027, 4, 1)  # screens that filter by the date keep the last good one


def test_optional_mode_may_be_empty(qtbot):
    widget = DateEdit(optional=True)
    qtbot.addWidget(widget)
    assert widget.edit.text() == "" and widget.value() is None and widget.wareki.text() == ""
    type_date(qtbot, widget, "R9.4.1")
    assert widget.value() == date(2027, 4, 1)
    widget.edit.clear()
    assert widget.value() is None and widget.is_valid()


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")  # offscreen popups
def test_calendar_popup_sets_the_date(qtbot, field):
    qtbot.mouseClick(field.popup_button, Qt.MouseButton.LeftButton)
    assert field.calendar.isVisible()
    assert field.calendar.selectedDate() == QDate(2099, 12, 31)
    assert field.calendar.minimumDate() == QDate(1873, 1, 1)
    field.calendar.clicked.emit(QDate(2027, 4, 1))
    assert field.value() == date(2027, 4, 1) and field.edit.text() == "2027-04-01"
    assert not field.calendar.isVisible()


def test_one_date_widget_for_the_whole_app():
    """No screen builds its own date entry any more (there were four kinds)."""
    made_here = ("QDateEdit(", "QCalendarWidget(", "class DateField", "class WarekiDateEdit")
    offenders = [(p.name, what) for p in (ROOT / "ui").rglob("*.py") if p.name != "wareki_date.py"
                 for what in made_here if what in p.read_text(encoding="utf-8")]
    assert offenders == []


# -- issue 12 item 5: a hire date of 1800 ---------------------------------------------------------

def _fill_person(dialog: PersonDialog) -> None:
    dialog.staff_no.setText("900001")
    dialog.family.setText("古田")
    dialog.given.setText("一郎")
    dialog.family_reading.setText("ふるた")
    dialog.given_reading.setText("いちろう")


def test_adding_a_hire_date_of_1800_is_refused_in_place_and_saves_nothing(qtbot, demo_db, admin):
    dialog = PersonDialog(demo_db, admin)
    qtbot.addWidget(dialog)
    _fill_person(dialog)
    type_date(qtbot, dialog.hire_date, "1800-04-01")  # used to raise in the 和暦 label's slot
    assert "範囲外" in dialog.hire_date.wareki.text()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == 0 and "採用日" in dialog.error_label.text()
    assert demo_db.execute("SELECT count(*) FROM staff WHERE staff_no = '900001'").fetchone()[0] == 0


def test_a_bad_stored_date_can_be_listed_opened_and_corrected(qtbot, window, demo_db):
    """A raw 1800-01-01 (older version, hand edit) in the register file must not lock the record."""
    staff_id, no = demo_db.execute("SELECT id, staff_no FROM staff WHERE status = 'active' LIMIT 1").fetchone()
    with demo_db.conn:
        demo_db.execute("UPDATE staff SET hire_date = '1800-01-01' WHERE id = ?", [staff_id])
        demo_db.execute("UPDATE staff_assignments SET valid_from = '1800-01-01' WHERE staff_id = ? AND "
                        "valid_to IS NULL", [staff_id])
    page = window.staff_page
    page.reload()
    qtbot.keyClicks(page.search, no)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.view.selectRow(0)
    assert page.selected_row().id == staff_id

    seen: dict[str, object] = {}

    def look(dialog) -> None:
        assert isinstance(dialog, PersonCardDialog)
        seen["header"] = dialog.fields["hire_date"].text()
        history = dialog.models["affiliations"]
        seen["from"] = history.index(history.rowCount() - 1, 0).data()
        dialog.reject()

    when_modal(look)
    page.show_history()
    assert "1800-01-01" in seen["header"] and seen["from"] == "1800-01-01"

    def correct(dialog) -> None:
        assert isinstance(dialog, PersonDialog)
        seen["shown"] = dialog.hire_date.edit.text()
        seen["problem"] = dialog.hire_date.wareki.text()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # still wrong: refused
        seen["refused"] = dialog.error_label.text()
        type_date(qtbot, dialog.hire_date, "H13.4.1")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(correct)
    page.edit_person()
    assert seen["shown"] == "1800-01-01" and "範囲外" in seen["problem"] and "採用日" in seen["refused"]
    assert demo_db["staff"].get(staff_id)["hire_date"] == "2001-04-01"
