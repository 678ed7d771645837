"""ホーム on the demo town: the administrator's window opens on it, its tiles show the service's figures and
open the lists behind them; a viewer sees the aggregate tiles only; an evaluator is not offered it."""

from __future__ import annotations

from datetime import date

import pytest

from app.demo.qualifications import load_qualifications
from app.demo.targets import load_targets
from app.overview import dashboard
from app.register import accounts
from app.register.accounts import Role, User
from app.wareki import display_date
from tests.conftest import ADMIN_USER, OFFICER
from tests.qt_helpers import show_widget, when_modal

pytestmark = pytest.mark.gui

TODAY = date(2026, 12, 1)
VIEWER = User(901, "viewer", "閲覧者", Role.VIEWER)


@pytest.fixture
def demo(town):
    load_targets(town, "test")
    load_qualifications(town, "test", TODAY)
    return town


def _page(qtbot, db, user=ADMIN_USER):
    from ui.overview.dashboard import DashboardPage

    page = DashboardPage(db, user, TODAY)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        show_widget(qtbot, page, 1200, 700)
    return page


def _listed(qtbot, page, key: str) -> list[str]:
    """Click a tile, read the first column of the list it opens, close it."""
    seen: list[str] = []

    def read(dialog) -> None:
        model = dialog.model
        seen.extend(str(model.index(r, 0).data()) for r in range(model.rowCount()))
        seen.append(dialog.windowTitle())
        dialog.reject()

    when_modal(read)
    page.tiles[key].click()
    return seen


def test_tiles_show_the_services_figures_and_open_their_lists(qtbot, demo):
    page = _page(qtbot, demo)
    board = dashboard.dashboard(demo, ADMIN_USER, TODAY)
    assert page.tiles["levels"].figure.text() == f"{board.certified_total}人"
    for tile in board.levels:
        assert tile.name in page.tiles["levels"].lines.text()
    assert page.tiles["coverage"].figure.text() == f"{board.sections} 課のうち {len(board.uncovered)} 課"
    assert "学校教育課" in page.tiles["coverage"].lines.text()
    assert page.tiles["waiting"].figure.text() == str(board.waiting_total)
    assert page.tiles["expiring"].figure.text() == str(board.expiring_count)
    assert page.tiles["backup"].isVisible() and page.tiles["backup"].figure.text() == "なし"
    qtbot.waitUntil(lambda: page.check is not None, timeout=20_000)
    assert page.tiles["check"].figure.text() == "問題なし"

    raters = _listed(qtbot, page, "waiting")
    assert raters[-1] == "未提出の評価（プロジェクト・評価者別）"
    assert len(raters) - 1 == len(board.waiting_raters) == page.rows_shown("waiting")
    expiring = _listed(qtbot, page, "expiring")
    assert expiring[:-1] == [display_date(r["expires_on"]) for r in board.expiring]  # 和暦, as on every screen


def test_a_viewer_sees_the_aggregate_tiles_only(qtbot, demo):
    page = _page(qtbot, demo, VIEWER)
    assert not page.tiles["backup"].isVisible() and not page.tiles["check"].isVisible()
    board = dashboard.dashboard(demo, ADMIN_USER, TODAY)
    shown = page.tiles["expiring"].lines.text()
    assert all(r["person"] not in shown for r in board.expiring)
    projects = _listed(qtbot, page, "waiting")
    assert projects[-1] == "未提出の評価（プロジェクト別）"
    assert projects[:-1] == [p.project for p in board.waiting_projects]
    per_qualification = _listed(qtbot, page, "expiring")
    assert per_qualification[:-1] == [r["qualification"] for r in board.expiring_by_qualification]


def test_the_administrators_window_opens_on_home_and_tiles_open_their_screens(qtbot, demo, db_path, admin):
    from ui.main_window import MainWindow, Session

    window = MainWindow(Session(demo, db_path, admin))
    qtbot.addWidget(window)
    window.show()
    assert window.navigation.currentItem().text() == "ホーム" and window.navigation.currentRow() == 0
    page = window.home_page
    qtbot.waitUntil(lambda: page.board is not None and page.check is not None, timeout=20_000)
    assert window.home_checklist is not None  # the demo's set-up is not finished: the checklist sits above the tiles
    page.tiles["coverage"].click()
    targets = window.targets_page
    assert window.pages.currentWidget() is window._targets_slot and targets.tabs.currentIndex() == 1
    assert targets.only_short.isChecked()
    shown = {targets.coverage_model.index(r, 1).data() for r in range(targets.coverage_model.rowCount())}
    assert shown == {row["section"] for row in page.board.uncovered}
    window.show_page("home")
    page.tiles["levels"].click()
    assert window.pages.currentWidget() is window._targets_slot and targets.tabs.currentIndex() == 0


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EVALUATOR])
def test_other_roles_open_on_staff_and_evaluators_have_no_home(qtbot, demo, db_path, admin, role):
    from ui.main_window import MainWindow, Session

    from PySide6.QtCore import QSettings

    QSettings().remove("main/page_key")  # nothing remembered from an earlier window of this PC
    user = accounts.create_user(demo, f"u{role.value}", "閲覧 花子", "correct horse 3", role, OFFICER)
    window = MainWindow(Session(demo, db_path, user))
    qtbot.addWidget(window)
    window.show()
    assert window.pages.currentWidget() is window.staff_page
    home = window.row_of("home")
    assert window.navigation.item(home).isHidden() == (role == Role.EVALUATOR)
    window.navigation.setCurrentRow(home)
    if role == Role.EVALUATOR:  # not offered: back to 職員, and the page is never built
        assert window.pages.currentWidget() is window.staff_page and window._home_slot.page is None
    else:
        assert window.pages.currentWidget() is window._home_slot
        qtbot.waitUntil(lambda: window.home_page.board is not None, timeout=20_000)
        assert not window.home_page.board.detailed
