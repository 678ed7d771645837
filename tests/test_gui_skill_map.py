"""The 需要と充足 tab on its own: the heat map model, the cell's demand and candidates, the editor, the export."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.demo.skill_demand import load_skill_demand
from app.register.accounts import Role, User
from app.skills import supply
from tests.conftest import ADMIN_USER
from tests.qt_helpers import show_widget, when_modal
from tests.skill_map_fixtures import FAMILY, ON, fill
from ui.skills.heat_map_tab import FIXED_COLUMNS, SkillMapTab

VIEWER = User(99, "etsuran", "閲覧", Role.VIEWER)


@pytest.fixture
def skill_town(town):
    fill(town)
    load_skill_demand(town, "test")
    return town


def _tab(qtbot, db, user=ADMIN_USER) -> SkillMapTab:
    tab = show_widget(qtbot, SkillMapTab(db, user, on=ON), 1366, 700)
    qtbot.waitUntil(lambda: tab.is_loaded, timeout=10_000)
    return tab


def test_the_model_shows_the_services_map_in_colour(qtbot, qtmodeltester, skill_town):
    tab = _tab(qtbot, skill_town)
    heat = supply.heat_map(skill_town, ADMIN_USER, FAMILY, ON)
    model = tab.model
    qtmodeltester.check(model)
    assert model.rowCount() == len(heat.rows) and model.columnCount() == FIXED_COLUMNS + len(heat.items)
    for r, (row, cells) in enumerate(zip(heat.rows, heat.cells)):
        assert model.index(r, 1).data() == str(row.people)
        for c, cell in enumerate(cells):
            index = model.index(r, FIXED_COLUMNS + c)
            assert index.data() == cell.text()
            assert index.data(Qt.ItemDataRole.BackgroundRole).name().upper() == "#" + supply.STATUS_COLOURS[cell.status]
    assert tab.status.text().startswith(f"{len(heat.rows)} 行") and f"不足 {len(heat.shortages())} 件" in tab.status.text()


def _select_first_gap(tab: SkillMapTab) -> tuple[supply.MapRow, supply.CatalogueItem, supply.Cell]:
    heat = tab.model.heat
    r, c = next((r, c) for r, cells in enumerate(heat.cells) for c, cell in enumerate(cells)
                if any(n.shortfall for n in cell.needs))
    tab.view.setCurrentIndex(tab.model.index(r, FIXED_COLUMNS + c))
    return tab.selected()


def test_a_gap_lists_its_demand_and_who_could_fill_it(qtbot, skill_town):
    tab = _tab(qtbot, skill_town)
    row, item, cell = _select_first_gap(tab)
    assert tab.demand_model.rowCount() == len(cell.needs)
    level = max(n.level for n in cell.needs if n.shortfall)
    expected = supply.candidates(skill_town, ADMIN_USER, FAMILY, item.code, level, ON, row=row)
    assert tab.candidate_model.rowCount() == len(expected) > 0
    assert tab.candidate_model.record_at(0).staff_id == expected[0].staff_id


def test_adding_demand_through_the_editor_changes_the_map(qtbot, skill_town):
    tab = _tab(qtbot, skill_town)
    row, item, _cell = _select_first_gap(tab)
    before = skill_town.execute("SELECT count(*) FROM skill_demands").fetchone()[0]

    def fill_in(dialog) -> None:
        dialog.people.setValue(7)
        dialog.note.setText("=SUM(A1)")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(fill_in)
    tab.actions_by_key["add"].trigger()
    qtbot.waitUntil(lambda: tab.is_loaded, timeout=10_000)
    rows = skill_town.execute("SELECT item_code, people, note, unit_id, project_id FROM skill_demands "
                              "ORDER BY id DESC LIMIT 1").fetchall()
    assert skill_town.execute("SELECT count(*) FROM skill_demands").fetchone()[0] == before + 1
    assert rows[0][:3] == (item.code, 7, "=SUM(A1)")
    assert (rows[0][3] if row.kind == "unit" else rows[0][4]) == row.id


def test_export_writes_the_map_shown(qtbot, skill_town, tmp_path):
    from openpyxl import load_workbook

    tab = _tab(qtbot, skill_town)
    tab.demanded_only.setChecked(True)
    qtbot.waitUntil(lambda: tab.is_loaded, timeout=10_000)
    tab.export_to(tmp_path / "map.xlsx")
    sheet = load_workbook(tmp_path / "map.xlsx").worksheets[0]
    headers = [sheet.cell(row=4, column=3 + c).value for c in range(1, tab.model.columnCount() - 1)]
    assert headers == [i.name for i in tab.model.heat.items]


def test_a_viewer_sees_the_numbers_only(qtbot, skill_town):
    tab = _tab(qtbot, skill_town, VIEWER)
    assert tab.model.rowCount() > 0
    assert not any(tab.actions_by_key[k].isVisible() for k in ("add", "edit", "remove"))
    assert tab.actions_by_key["export"].isVisible()
    _select_first_gap(tab)
    assert tab.candidate_view.isHidden() and tab.candidate_model.rowCount() == 0


def test_without_a_catalogue_the_tab_says_what_to_do(qtbot, demo_db):
    tab = _tab(qtbot, demo_db)
    assert tab.model.rowCount() == 0 and "カタログ" in tab.status.text()


def test_every_action_of_the_tab_has_its_command(qtbot, skill_town):
    from PySide6.QtWidgets import QPushButton, QToolBar

    from app.cli.screen_commands import SKILL_MAP_COMMANDS

    tab = _tab(qtbot, skill_town)
    named = {a.objectName() for bar in tab.findChildren(QToolBar) for a in bar.actions()}
    named |= {b.objectName() for b in tab.findChildren(QPushButton)}
    assert named == set(SKILL_MAP_COMMANDS)


def test_a_demand_line_is_changed_and_removed_from_the_tab(qtbot, skill_town):
    from PySide6.QtWidgets import QMessageBox

    tab = _tab(qtbot, skill_town)
    _row, _item, cell = _select_first_gap(tab)
    demand_id = cell.needs[0].demand_id
    tab.demand_view.selectRow(0)

    def more_people(dialog) -> None:
        dialog.people.setValue(9)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(more_people)
    tab.actions_by_key["edit"].trigger()
    qtbot.waitUntil(lambda: tab.is_loaded, timeout=10_000)
    assert skill_town.execute("SELECT people FROM skill_demands WHERE id = ?", [demand_id]).fetchone() == (9,)

    _select_first_gap(tab)
    tab.demand_view.selectRow(0)
    line_id = tab.demand_model.record_at(0).id
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    tab.actions_by_key["remove"].trigger()
    qtbot.waitUntil(lambda: tab.is_loaded, timeout=10_000)
    assert skill_town.execute("SELECT count(*) FROM skill_demands WHERE id = ?", [line_id]).fetchone() == (0,)
