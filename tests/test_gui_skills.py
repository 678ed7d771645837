"""The スキル screen with pytest-qt on a real register: tabs by role, the catalogue, people's skills against SQL,
presets, the editor (a new version), imports, and one's own self-assessment under one's own login."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.demo.skills import load_skills
from app.register.accounts import Role, User
from app.skills import catalogues, records
from tests.conftest import ADMIN_USER
from tests.qt_helpers import collect_message_texts, show_widget, when_modal
from ui.skills.catalogue_editor import CatalogueEditor
from ui.skills.page import SkillsPage

DAY = date(2026, 4, 1)


@pytest.fixture
def skills_db(demo_db):
    load_skills(demo_db, "test", DAY)
    return demo_db


def page_for(qtbot, db, user) -> SkillsPage:
    return show_widget(qtbot, SkillsPage(db, user), 1180, 700)


def tab_titles(page: SkillsPage) -> list[str]:
    return [page.tabs.tabText(i) for i in range(page.tabs.count())]


def test_the_administrator_sees_every_tab_and_the_counts_of_the_register(qtbot, skills_db):
    page = page_for(qtbot, skills_db, ADMIN_USER)
    assert tab_titles(page) == ["カタログ", "職員のスキル", "自分の自己評価", "需要と充足"]
    assert [page.choice.itemData(i) for i in range(page.choice.count())] == ["skill-map", "dss-p", "dss-l"]
    assert page.catalogue_tab.items_model.rowCount() == 9
    assert "レベル" in page.catalogue_tab.descriptor.text() or "知識あり" in page.catalogue_tab.descriptor.text()
    current = skills_db.execute("""SELECT count(*) FROM (SELECT DISTINCT staff_id, item_code FROM staff_skills
                                   WHERE catalogue_family = 'skill-map')""").fetchone()[0]
    people = page.people_tab
    assert people.model.rowCount() == current
    people.item_filter.setCurrentIndex(people.item_filter.findData("data"))
    data = skills_db.execute("SELECT count(DISTINCT staff_id) FROM staff_skills WHERE catalogue_family = 'skill-map' "
                             "AND item_code = 'data'").fetchone()[0]
    assert people.model.rowCount() == data
    page.choice.setCurrentIndex(page.choice.findData("dss-p"))
    assert page.catalogue_tab.items_model.rowCount() == 49 and page.catalogue_tab.roles_model.rowCount() == 15
    for name in ("skillPresetInstall", "skillCatalogueEdit", "skillImport", "skillSheets", "skillDerive", "skillRecord"):
        assert page.findChild(QPushButton, name) is not None


def test_roles_see_what_the_table_allows(qtbot, skills_db):
    viewer = page_for(qtbot, skills_db, User(950, "v", "v", Role.VIEWER))
    assert tab_titles(viewer) == ["カタログ", "職員のスキル", "自分の自己評価", "需要と充足"]
    assert viewer.findChild(QPushButton, "skillImport") is None and viewer.findChild(QPushButton, "skillPresetInstall") is None
    assert not viewer.own_tab.save_button.isEnabled() and "関連付け" in viewer.own_tab.intro.text()
    evaluator = page_for(qtbot, skills_db, User(951, "e", "e", Role.EVALUATOR, staff_id=50))
    assert tab_titles(evaluator) == ["カタログ", "自分の自己評価"]


def test_an_empty_register_installs_a_preset_from_the_page(qtbot, demo_db):
    page = page_for(qtbot, demo_db, ADMIN_USER)
    assert page.choice.count() == 0 and "まだありません" in page.catalogue_tab.note.text()
    tab = page.catalogue_tab
    tab.preset_choice.setCurrentIndex(tab.preset_choice.findData("dss-l"))
    page.findChild(QPushButton, "skillPresetInstall").click()
    assert page.family == "dss-l" and tab.items_model.rowCount() == 23
    assert page.people_tab.count.text().startswith("スキルはまだ記録されていません")


def test_the_editor_saves_a_new_version_with_an_item_and_its_descriptors(qtbot, skills_db):
    spec = catalogues.current(skills_db, "skill-map")
    editor = CatalogueEditor(skills_db, ADMIN_USER, spec)
    qtbot.addWidget(editor)
    editor.name_edit.setText("分野別スキルマップ（令和8年度）")
    editor.findChild(QPushButton, "itemAdd").click()
    row = editor.items.rowCount() - 1
    for column, text in enumerate(["gis", "main", "GIS", "地図情報の活用"]):
        editor.items.item(row, column).setText(text)
    editor.findChild(QPushButton, "descriptorAdd").click()
    editor.descriptors.item(0, 0).setText("2")
    editor.descriptors.item(0, 1).setText("地図で施策を説明できる。")
    editor.items.setCurrentCell(0, 0)  # another item: the descriptors go back into GIS
    editor.submit()
    assert editor.saved_id is not None and editor.error_label.text() == ""
    saved = catalogues.load_catalogue(skills_db, editor.saved_id)
    assert saved.version == 2 and saved.name == "分野別スキルマップ（令和8年度）"
    assert saved.item("gis").descriptors == {2: "地図で施策を説明できる。"}
    assert saved.item("design").descriptors == spec.item("design").descriptors
    assert len(catalogues.load_catalogue(skills_db, spec.id).items) == 9  # the first version is unchanged


def test_the_editor_shows_a_refusal_and_stays_open(qtbot, skills_db):
    editor = CatalogueEditor(skills_db, ADMIN_USER, catalogues.current(skills_db, "skill-map"))
    qtbot.addWidget(editor)
    editor.items.item(1, 0).setText("design")  # two items with one code
    editor.submit()
    assert editor.saved_id is None and "コード" in editor.error_label.text()
    assert [r["version"] for r in catalogues.list_catalogues(skills_db) if r["family"] == "skill-map"] == [1]


def test_a_person_assesses_themself_under_their_own_login(qtbot, skills_db):
    person = skills_db.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id DESC LIMIT 1").fetchone()[0]
    me = User(952, "me", "me", Role.EVALUATOR, staff_id=person)
    page = page_for(qtbot, skills_db, me)
    own = page.own_tab
    assert own.save_button.isEnabled() and own.table.rowCount() == 9
    own.choose("ai", 3)
    own.choose("pm", 1)
    shown = collect_message_texts()
    assert own.save() == 2
    assert "2 項目" in shown[0]
    mine = records.own_levels(skills_db, me, "skill-map")
    assert (mine["ai"]["level"], mine["ai"]["source"], mine["pm"]["level"]) == (3, "self", 1)
    assert "3 自立して実践" in page.own_tab.table.item(list(page.own_tab.combos).index("ai"), 1).text()


def test_the_import_button_refuses_a_bad_file_and_imports_a_good_one(qtbot, skills_db, tmp_path):
    page = page_for(qtbot, skills_db, ADMIN_USER)
    number = skills_db.execute("SELECT staff_no FROM staff WHERE id = 60").fetchone()[0]
    bad = tmp_path / "bad.csv"
    bad.write_text(f"職員番号,項目,レベル,評価日\n{number},data,2,2026-05-01\n{number},data,2,2099-01-01\n", encoding="utf-8")
    shown = collect_message_texts()
    before = skills_db.execute("SELECT count(*) FROM staff_skills").fetchone()[0]
    assert page.people_tab.import_files([bad]) == 0
    assert "3 行目" in shown[0] and "未来" in shown[0]
    good = tmp_path / "good.csv"
    good.write_text(f"職員番号,項目,レベル,評価日\n{number},data,4,2026-05-01\n", encoding="utf-8")
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    assert page.people_tab.import_files([good]) == 1
    assert skills_db.execute("SELECT count(*) FROM staff_skills").fetchone()[0] == before + 1


def test_sheets_are_written_for_the_people_shown(qtbot, skills_db, tmp_path):
    page = page_for(qtbot, skills_db, ADMIN_USER)
    people = page.people_tab
    people.search.setText("デジタル戦略課")
    expected = {r["staff_id"] for r in people.shown_rows()}
    assert expected
    shown = collect_message_texts()
    written = people.write_sheets(tmp_path)
    assert len(written) == len(expected) and all(p.suffix == ".xlsx" for p in written)
    assert str(len(expected)) in shown[0]


def test_the_person_card_has_a_skills_tab(qtbot, skills_db):
    from ui.overview.person_card import PersonCardDialog

    person = skills_db.execute("SELECT staff_id FROM staff_skills WHERE catalogue_family = 'skill-map' LIMIT 1").fetchone()[0]
    dialog = PersonCardDialog(skills_db, ADMIN_USER, person, on=DAY, tab="skills")
    qtbot.addWidget(dialog)
    items = skills_db.execute("SELECT count(DISTINCT catalogue_family || item_code) FROM staff_skills WHERE staff_id = ?",
                              [person]).fetchone()[0]
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "スキル" and dialog.models["skills"].rowCount() == items


def test_the_record_dialog_writes_a_confirmed_level_and_shows_a_refusal(qtbot, skills_db):
    from ui.skills.people_tab import RecordDialog

    page = page_for(qtbot, skills_db, ADMIN_USER)
    dialog = RecordDialog(page, page.catalogue_tab.spec, page)
    qtbot.addWidget(dialog)
    dialog.staff_no.setText("999999")
    dialog.submit()
    assert "999999" in dialog.error_label.text()
    number = skills_db.execute("SELECT staff_no FROM staff WHERE id = 70").fetchone()[0]
    dialog.staff_no.setText(number)
    dialog.item.setCurrentIndex(dialog.item.findData("network"))
    dialog.level.setCurrentIndex(dialog.level.findData(4))
    dialog.submit()
    assert skills_db.execute("SELECT level, source FROM staff_skills WHERE staff_id = 70 AND item_code = 'network' "
                             "ORDER BY id DESC LIMIT 1").fetchone() == (4, "confirmed")


def test_the_heat_map_follows_the_pages_catalogue_chooser(qtbot, skills_db):
    """One chooser on the page: the 需要と充足 tab hides its own and shows the catalogue chosen above."""
    page = page_for(qtbot, skills_db, ADMIN_USER)
    heat = page.map_tab
    assert not heat.family.isVisible()
    assert heat.family.currentData() == page.family == "skill-map"
    page.choice.setCurrentIndex(page.choice.findData("dss-p"))
    assert heat.family.currentData() == "dss-p"
    items = skills_db.execute("""SELECT count(*) FROM skill_items WHERE catalogue_id =
                                 (SELECT max(id) FROM skill_catalogues WHERE family = 'dss-p')""").fetchone()[0]
    qtbot.waitUntil(lambda: heat.model.columnCount() >= items, timeout=5000)  # every item of it is a column
