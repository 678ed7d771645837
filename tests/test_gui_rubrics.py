"""Settings for evaluations: the template editor (new versions only), rules, and linking accounts to staff."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from app.register import accounts
from app.evaluation import rubrics
from app.register import settings as app_settings
from app.register.accounts import Role
from app.demo.projects import load_projects
from tests.conftest import ADMIN_PASSWORD, ADMIN_USER, OFFICER
from tests.qt_helpers import when_modal
from ui.evaluation.template_editor import TemplateEditorDialog


def _save(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()


def test_revising_a_template_saves_a_new_version_and_keeps_the_old(qtbot, demo_db, admin):
    load_projects(demo_db, "test")
    old_id = rubrics.latest_template_id(demo_db, "moka")
    dialog = TemplateEditorDialog(demo_db, old_id, admin)
    qtbot.addWidget(dialog)
    leadership = dialog.tree.topLevelItem(1)
    dialog.tree.setCurrentItem(leadership.child(0))
    assert dialog.c_name.text() == "主体性・当事者意識"
    assert dialog.anchor_edits[3].text().startswith("自分の担当について")
    dialog.anchor_edits[3].setText("担当業務の課題を自ら見つけ、改善を実行した。")
    dialog.anchor_edits[3].textEdited.emit(dialog.anchor_edits[3].text())
    dialog.tree.setCurrentItem(leadership)
    dialog.p_min.setValue(4)
    _save(dialog)
    assert dialog.result() and dialog.saved_id != old_id
    new = rubrics.load_template(demo_db, dialog.saved_id)
    assert new.version == 2 and new.perspectives[1].min_raters == 4
    assert new.perspectives[1].criteria[0].descriptors[3] == "担当業務の課題を自ら見つけ、改善を実行した。"
    old = rubrics.load_template(demo_db, old_id)
    assert old.perspectives[1].min_raters == 3
    assert old.perspectives[1].criteria[0].descriptors[3].startswith("自分の担当について")


def test_template_editor_refuses_a_criterion_without_anchors_and_stays_open(qtbot, db, admin):
    dialog = TemplateEditorDialog(db, None, admin)
    qtbot.addWidget(dialog)
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(0))
    dialog._add_criterion()
    assert dialog.c_name.text() == "新しい評価項目"
    dialog.c_max.setValue(3)  # scale 1..3: three anchors to write
    assert sorted(dialog.anchor_edits) == [1, 2, 3]
    _save(dialog)
    assert "評点 1 の説明がありません" in dialog.error_label.text()
    assert not dialog.result() and rubrics.list_templates(db) == []
    for score, edit in dialog.anchor_edits.items():
        edit.setText(f"水準{score}")
        edit.textEdited.emit(edit.text())
    _save(dialog)
    saved = rubrics.load_template(db, dialog.saved_id)
    assert saved.perspectives[0].criteria[-1].descriptors == {1: "水準1", 2: "水準2", 3: "水準3"}


def test_copy_as_new_template_starts_a_new_family(qtbot, demo_db, admin):
    moka = rubrics.ensure_preset(demo_db, ADMIN_USER)
    dialog = TemplateEditorDialog(demo_db, moka, admin, as_new=True)
    qtbot.addWidget(dialog)
    dialog.name.setText("北海道方式")
    dialog.aggregation.setCurrentIndex(dialog.aggregation.findData("median"))
    _save(dialog)
    saved = rubrics.load_template(demo_db, dialog.saved_id)
    assert (saved.name, saved.version, saved.aggregation) == ("北海道方式", 1, "median")
    assert saved.family != "moka"


def test_settings_choose_digital_section_and_link_accounts(qtbot, window):
    db = window.session.db
    page = window.settings_page
    index = next(i for i in range(page.digital_section.count()) if "デジタル戦略課" in page.digital_section.itemText(i))
    page.digital_section.setCurrentIndex(index)
    assert app_settings.get(db, "digital_section_id") == page.digital_section.itemData(index)
    page.executive_rank.setCurrentIndex(page.executive_rank.findData(2))
    assert app_settings.get(db, "executive_max_rank") == 2

    accounts.create_user(db, "kacho", "総務 課長", ADMIN_PASSWORD, Role.EVALUATOR, OFFICER)
    page.reload()
    row = next(i for i in range(page.users_model.rowCount()) if page.users_model.record_at(i)["login"] == "kacho")
    page.users_view.selectRow(row)
    staff_no, name = db.execute("SELECT staff_no, family_name || ' ' || given_name FROM staff WHERE id = 5").fetchone()

    def link(dialog) -> None:
        dialog.staff.edit.setText("99999999")
        assert dialog.staff.found.text() == "この番号の職員はいません。"
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert "99999999" in dialog.error_label.text()
        dialog.staff.edit.setText(staff_no)
        assert dialog.staff.found.text() == name
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(link)
    page.link_button.click()
    user = accounts.authenticate(db, "kacho", ADMIN_PASSWORD)
    assert user.staff_id == 5
    assert page.users_model.record_at(row)["staff_name"] == name
