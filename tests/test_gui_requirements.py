"""The scheme editor with the requirement kinds on training, qualifications, positions and years (issue 15)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from app.certification import schemes
from ui.certification.requirement_widgets import split_names
from ui.certification.scheme_editor import SchemeEditorDialog


def _select(dialog: SchemeEditorDialog, level: int, requirement: int) -> None:
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(level).child(requirement))


def test_split_names_takes_japanese_and_latin_separators():
    assert split_names("ITパスポート、基本情報技術者, ITパスポート；G検定 ") == ["ITパスポート", "基本情報技術者", "G検定"]


def test_the_hokkaido_preset_shows_its_requirements_and_saves_edits_of_each_new_kind(qtbot, demo_db, admin):
    scheme_id = schemes.install_preset(demo_db, "hokkaido", admin)
    dialog = SchemeEditorDialog(demo_db, scheme_id, admin)
    qtbot.addWidget(dialog)
    level4 = dialog.tree.topLevelItem(3)
    assert [level4.child(i).text(0) for i in range(level4.childCount())] == [
        "レベル3 デジタルデザイン人材に認定されて 1 年以上", "判定日に高度情報処理技術者試験（いずれか）を保有",
        "研修 12 時間以上（判定日の年度）"]

    # Years held: shown and edited in years.
    _select(dialog, 3, 0)
    duration = dialog.param_widgets["previous_level"]["duration"]
    assert (duration.amount.value(), duration.unit.currentData()) == (1, "years")
    duration.amount.setValue(2)
    assert level4.child(0).text(0) == "レベル3 デジタルデザイン人材に認定されて 2 年以上"

    # A category, then any of several names.
    _select(dialog, 3, 1)
    box = dialog.param_widgets["qualification"]["qualification"]
    assert box.mode.currentData() == "category" and box.category.currentText() == "高度情報処理技術者試験"
    assert "国家資格" in [box.category.itemText(i) for i in range(box.category.count())]  # from the catalogue
    box.mode.setCurrentIndex(box.mode.findData("names"))
    box.names.setCurrentText("ITストラテジスト、システムアーキテクト")
    assert level4.child(1).text(0) == "判定日にITストラテジスト・システムアーキテクト のいずれかを保有"

    # Training hours: the period and the kinds that count.
    _select(dialog, 3, 2)
    period = dialog.param_widgets["training_hours"]["period"]
    assert period.period.currentData() == "fiscal_year" and not period.months.isEnabled()
    period.period.setCurrentIndex(period.period.findData("months"))
    period.months.setValue(24)
    dialog.param_widgets["training_hours"]["kinds"].boxes["elearning"].setChecked(True)
    dialog.param_widgets["training_hours"]["min"].setValue(10.5)
    assert level4.child(2).text(0) == "研修 10.5 時間以上（過去24か月）（e-learning）"

    # A new requirement: the role, from a position and up.
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(4))
    dialog.add_requirement_button.click()
    dialog.r_kind.setCurrentIndex(dialog.r_kind.findData("role"))
    role = dialog.param_widgets["role"]["role"]
    assert role.choice.currentData() is None  # a manager's position
    role.choice.setCurrentIndex(role.choice.findData("課長補佐"))
    assert dialog.tree.topLevelItem(4).child(3).text(0) == "判定日に課長補佐以上の職位"

    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result(), dialog.error_label.text()
    saved = schemes.load_scheme(demo_db, dialog.saved_id)
    assert saved.version == 2
    assert [r.params for r in saved.levels[3].requirements] == [
        {"level": "level3", "years": 2},
        {"names": ["ITストラテジスト", "システムアーキテクト"]},
        {"min": 10.5, "period": "months", "months": 24, "kinds": ["elearning"]}]
    assert saved.levels[4].requirements[3].params == {"position": "課長補佐"}
    assert schemes.load_scheme(demo_db, scheme_id).levels[3].requirements[0].params == {"level": "level3", "years": 1}


def test_named_training_needs_a_name_or_a_kind_and_the_refusal_shows_inline(qtbot, demo_db, admin):
    scheme_id = schemes.install_preset(demo_db, "hokkaido", admin)
    dialog = SchemeEditorDialog(demo_db, scheme_id, admin)
    qtbot.addWidget(dialog)
    _select(dialog, 4, 2)
    titles = dialog.param_widgets["training_events"]["titles"]
    assert titles.edit.text() == "デジタルマネジメント研修"
    titles.edit.setText("")
    titles.edit.textEdited.emit("")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert "研修名を入力するか" in dialog.error_label.text() and not dialog.result()
    assert len(schemes.list_schemes(demo_db)) == 1
