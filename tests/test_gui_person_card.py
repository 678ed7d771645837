"""The person card in the GUI: opened by double-click from the staff list, a project's members, the register,
the eligibility list and the rater assignments; its tabs per role; the status set by hand from 基本情報."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QTableView

from app.evaluation import projects
from app.staff import directory
from app.register.accounts import Role, User
from tests.conftest import ADMIN_USER
from tests.qt_helpers import show_widget, type_date, when_modal
from ui.overview.person_card import PersonCardDialog, StatusDialog
from ui.evaluation.projects_page import ProjectsPage
from ui.staff.page import StaffPage

pytestmark = pytest.mark.gui
VIEWER = User(91, "etsuran", "閲覧 一子", Role.VIEWER)
EVALUATOR = User(92, "hyoka", "評価 二郎", Role.EVALUATOR)
ALL_TABS = ["基本情報", "所属の履歴", "プロジェクト", "研修", "資格", "評価", "認定", "証書", "スキル"]


def double_click(qtbot, view: QTableView, row: int, column: int = 0) -> None:
    """As a hand does it: a click (the view remembers the pressed row), then the double-click on the same cell."""
    index = view.model().index(row, column)
    view.scrollTo(index)
    where = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)


def open_card_by_double_click(qtbot, view: QTableView, row: int, look, column: int = 0) -> dict:
    """Double-click a row; ``look(card, seen)`` runs on the card that opens (then it is closed)."""
    seen: dict = {}

    def inspect(dialog) -> None:
        try:
            assert isinstance(dialog, PersonCardDialog), type(dialog)
            seen["tabs"] = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
            seen["title"] = dialog.windowTitle()
            look(dialog, seen)
        finally:
            dialog.reject()

    when_modal(inspect)
    double_click(qtbot, view, row, column)
    assert seen, "no card opened"
    return seen


def staff_page(qtbot, db, user) -> StaffPage:
    page = StaffPage(db, user)
    show_widget(qtbot, page, 1200, 700)
    return page


def find_row(page: StaffPage, staff_id: int) -> int:
    qtbot_rows = [page.model.row_at(i).id for i in range(page.model.rowCount())]
    return qtbot_rows.index(staff_id)


def proposer(db) -> int:
    return db.execute("SELECT staff_id FROM project_members WHERE role = 'proposer' ORDER BY project_id").fetchone()[0]


def test_staff_list_double_click_opens_the_card_and_sets_a_leave(qtbot, town, admin):
    person = proposer(town)
    page = staff_page(qtbot, town, admin)
    row = find_row(page, person)
    before = [r for r in directory.load_directory(town, admin) if r.id == person][0]

    def look(card: PersonCardDialog, seen: dict) -> None:
        seen["name"] = card.fields["name"].text()
        seen["status"] = card.fields["status"].text()
        seen["projects"] = card.models["projects"].rowCount()
        seen["certifications"] = card.models["certifications"].rowCount()
        seen["evaluations"] = card.models["evaluations"].rowCount()

        def set_leave(dialog) -> None:
            assert isinstance(dialog, StatusDialog)
            dialog.status.setCurrentIndex(dialog.status.findData("leave"))
            type_date(qtbot, dialog.on, "2026-01-10")
            type_date(qtbot, dialog.until, "2026-01-05")  # before it begins: refused, nothing written
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
            seen["refused"] = dialog.error_label.text()
            dialog.until.edit.clear()  # not known yet: open-ended
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

        when_modal(set_leave)
        card.status_button.click()
        seen["after"] = card.fields["status"].text()

    seen = open_card_by_double_click(qtbot, page.view, row, look)
    assert seen["tabs"] == ALL_TABS
    assert seen["name"] == before.name and seen["title"] == f"個人カード：{before.name}"
    assert seen["status"] == "在職"
    assert seen["projects"] >= 1 and seen["certifications"] >= 1 and seen["evaluations"] >= 1
    assert "前" in seen["refused"]
    assert seen["after"] == "休職（令和8年1月10日から）"
    assert town["staff"].get(person)["leave_from"] == "2026-01-10"
    page_row = [page.model.row_at(i) for i in range(page.model.rowCount()) if page.model.row_at(i).id == person][0]
    assert page_row.status == "leave"  # the list reloaded after the card changed the person


def test_a_viewer_and_an_evaluator_get_the_tabs_their_role_allows(qtbot, town):
    person = proposer(town)
    town.execute("UPDATE staff SET status = 'leave' WHERE id = ?", [person])  # a leave is the person's record
    for user, tabs in ((VIEWER, ["基本情報", "プロジェクト", "研修", "資格", "認定", "スキル"]), (EVALUATOR, ["基本情報"])):
        page = staff_page(qtbot, town, user)

        def look(card: PersonCardDialog, seen: dict) -> None:
            seen["fields"] = sorted(card.fields)
            seen["status"] = card.fields["status"].text()
            seen["button"] = getattr(card, "status_button", None)

        seen = open_card_by_double_click(qtbot, page.view, find_row(page, person), look)
        assert seen["tabs"] == tabs
        assert "hire_date" not in seen["fields"] and seen["button"] is None
        assert seen["status"] == "在職"


def test_project_member_double_click_opens_the_card(qtbot, town):
    project_id = projects.list_projects(town, ADMIN_USER)[-1]["id"]
    page = ProjectsPage(town, VIEWER)
    show_widget(qtbot, page, 1100, 700)
    page.select_project(project_id)
    member = page.members_model.record_at(0)

    def look(card: PersonCardDialog, seen: dict) -> None:
        seen["name"] = card.fields["name"].text()
        model = card.models["projects"]
        seen["projects"] = [model.index(r, 1).data() for r in range(model.rowCount())]

    seen = open_card_by_double_click(qtbot, page.members_view, 0, look)
    assert seen["name"].replace("\u3000", " ") == member["name"]
    assert projects.project(town, project_id)["name"] in seen["projects"]
    assert seen["tabs"] == ["基本情報", "プロジェクト", "研修", "資格", "認定", "スキル"]


def test_register_eligibility_and_assignments_open_the_card(qtbot, town, admin):
    from ui.certification.page import CertificationPage
    from ui.evaluation.page import EvaluationPage

    page = CertificationPage(town, admin)
    show_widget(qtbot, page, 1100, 700)
    register = page.register_tab
    register.reload()
    seen = open_card_by_double_click(qtbot, register.view, 0,
                                     lambda card, seen: seen.update(current=card.tabs.currentIndex()))
    assert seen["current"] == ALL_TABS.index("認定")  # opened where the double-click came from

    eligibility = page.eligibility_tab
    eligibility.as_of.set_date(date(2026, 6, 1))
    eligibility.reload()
    qtbot.waitUntil(lambda: eligibility.model.rowCount() > 0, timeout=20000)
    name = eligibility.model.row_at(0).name
    seen = open_card_by_double_click(qtbot, eligibility.view, 0,
                                     lambda card, seen: seen.update(name=card.fields["name"].text()), column=2)
    assert seen["name"] == name

    evaluation = EvaluationPage(town, admin)
    show_widget(qtbot, evaluation, 1100, 700)
    tab = evaluation.assignments_tab
    tab.set_project(projects.list_projects(town, ADMIN_USER)[-1]["id"])
    row = tab.model.record_at(0)
    for column, key in ((0, "target_staff_id"), (2, "evaluator_staff_id")):
        seen = open_card_by_double_click(qtbot, tab.view, 0,
                                         lambda card, seen: seen.update(id=card.card.staff_id), column=column)
        assert seen["id"] == row[key]


def test_empty_tabs_say_so(qtbot, demo_db, admin):
    nobody_special = demo_db.execute("SELECT id FROM staff ORDER BY staff_no DESC").fetchone()[0]
    card = PersonCardDialog(demo_db, admin, nobody_special)
    qtbot.addWidget(card)
    card.show()
    notes = {key: card.pages[key].findChild(QLabel, "emptyNote") for key in card.models}
    assert not notes["projects"].isHidden() and notes["projects"].text() == "まだどのプロジェクトにも参加していません。"
    assert notes["affiliations"].isHidden()  # a seat is recorded
    assert not notes["training"].isHidden() and notes["training"].text() == "受講した研修はまだありません。"


def test_results_open_the_card_on_the_evaluations_where_the_role_may_see_them(qtbot, town, admin):
    from ui.evaluation.results_view import ResultsView

    project_id = projects.list_projects(town, ADMIN_USER)[-1]["id"]
    for user, tab in ((admin, "評価"), (VIEWER, "基本情報")):
        view = ResultsView(town, user)
        show_widget(qtbot, view, 1100, 600)
        view.set_project(project_id)
        target = view.model.record_at(0)["staff_id"]
        seen = open_card_by_double_click(qtbot, view.view, 0, lambda card, seen: seen.update(
            id=card.card.staff_id, current=card.tabs.tabText(card.tabs.currentIndex())))
        assert seen["id"] == target and seen["current"] == tab
