"""The 目標・配置 page: progress, coverage and designations on the demo town, set and named from the screen."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.demo.targets import load_targets
from app.register.accounts import Role, User
from app.targets import coverage
from tests.conftest import ADMIN_USER
from tests.qt_helpers import show_widget, when_modal

TODAY = date(2026, 12, 1)


@pytest.fixture
def demo(town):
    load_targets(town, "test")
    return town


def _page(qtbot, db, user=ADMIN_USER):
    from ui.targets.page import TargetsPage

    return show_widget(qtbot, TargetsPage(db, user, TODAY), 1200, 700)


def test_the_page_shows_the_years_targets_coverage_and_designations(qtbot, demo):
    page = _page(qtbot, demo)
    assert page.fiscal_year == 2026
    assert page.progress_model.rowCount() == demo.execute("SELECT count(*) FROM targets WHERE fiscal_year = 2026").fetchone()[0]
    sections = coverage.coverage(demo, ADMIN_USER, 2026, TODAY).sections
    assert page.coverage_model.rowCount() == len(sections)
    texts = [page.coverage_model.index(r, 1).data() for r in range(page.coverage_model.rowCount())]
    school = texts.index("学校教育課")
    assert page.coverage_model.index(school, 4).data() == "✗"
    assert page.coverage_model.index(school, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert page.designation_model.rowCount() == demo.execute(
        "SELECT count(*) FROM designations WHERE fiscal_year = 2026").fetchone()[0]
    page.only_short.setChecked(True)
    assert [page.coverage_model.index(r, 1).data() for r in range(page.coverage_model.rowCount())] == [
        s.section for s in sections if not s.covered]
    page.only_short.setChecked(False)
    page.year.setCurrentIndex(page.year.findData(2025))
    assert page.progress_model.rowCount() == demo.execute("SELECT count(*) FROM targets WHERE fiscal_year = 2025").fetchone()[0]


def test_a_target_set_in_the_dialog_is_saved_and_listed(qtbot, demo):
    page = _page(qtbot, demo)
    before = page.progress_model.rowCount()

    def fill(dialog) -> None:
        dialog.kind.setCurrentIndex(dialog.kind.findData("hours_saved"))
        dialog.value.setValue(900)
        dialog.ok_button.click()

    when_modal(fill)
    page.findChild(QPushButton, "targetSet").click()
    assert page.progress_model.rowCount() == before + 1
    assert demo.execute("SELECT value FROM targets WHERE fiscal_year = 2026 AND kind = 'hours_saved'").fetchone()[0] == 900


def test_designating_in_an_uncovered_section_covers_it(qtbot, demo):
    page = _page(qtbot, demo)
    row = [page.coverage_model.index(r, 1).data() for r in range(page.coverage_model.rowCount())].index("学校教育課")
    page.tabs.setCurrentIndex(1)
    page.coverage_view.selectRow(row)

    def fill(dialog) -> None:
        assert dialog.section.currentText().endswith("学校教育課")
        assert dialog.person.count() > 0
        dialog.ok_button.click()

    when_modal(fill)
    page.findChild(QPushButton, "coverageDesignate").click()
    assert page.coverage_model.index(row, 4).data() == "✓"
    assert demo.execute("SELECT count(*) FROM designations d JOIN org_units u ON u.id = d.unit_id "
                        "WHERE u.name = '学校教育課' AND d.fiscal_year = 2026").fetchone()[0] == 1


def test_a_viewer_sees_the_figures_without_the_buttons(qtbot, demo):
    page = _page(qtbot, demo, User(902, "viewer", "閲覧者", Role.VIEWER))
    assert page.progress_model.rowCount() > 0
    assert not any(b.isVisible() for b in page.findChildren(QPushButton))


def test_the_main_window_offers_the_page(window):
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert "目標・配置" in titles
    window.show_page("targets")
    assert window.targets_page.isVisible()


def test_removing_a_target_and_a_designation_and_adding_a_role(qtbot, demo):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    page = _page(qtbot, demo)
    targets_before = page.progress_model.rowCount()
    page.progress_view.selectRow(0)
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    page.findChild(QPushButton, "targetRemove").click()
    assert page.progress_model.rowCount() == targets_before - 1
    assert demo.execute("SELECT count(*) FROM targets WHERE fiscal_year = 2026").fetchone()[0] == targets_before - 1

    page.tabs.setCurrentIndex(2)
    chosen = page.designation_model.record_at(0)
    page.designation_view.selectRow(0)
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    page.findChild(QPushButton, "designationRemove").click()
    assert demo.execute("SELECT count(*) FROM designations WHERE id = ?", [chosen.id]).fetchone()[0] == 0

    def name_role(dialog: QInputDialog) -> None:
        dialog.setTextValue("データ活用推進員")
        dialog.accept()

    when_modal(name_role)
    page.findChild(QPushButton, "designationRoleAdd").click()
    assert demo.execute("SELECT count(*) FROM designation_roles WHERE name = 'データ活用推進員'").fetchone()[0] == 1


def test_nothing_chosen_says_so_instead_of_removing(qtbot, demo):
    from tests.qt_helpers import collect_message_texts

    page = _page(qtbot, demo)
    page.progress_view.clearSelection()
    shown = collect_message_texts()
    page.findChild(QPushButton, "targetRemove").click()
    assert shown == ["先に一覧から目標を選んでください。"]
