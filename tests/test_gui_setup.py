"""The set-up guide driven as a new town's officer drives it: every step, skipping, reopening from 設定;
the start screen's checklist; what empty lists say; and the member picker that takes many people at once."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from app.register import accounts
from app.evaluation import projects
from app.certification import schemes
from app.register import settings
from app.overview import setup_guide
from app.staff import directory
from app.staff import edit
from app.register.accounts import Role
from app.staff.importer import commit, preview_file
from app.wareki import fiscal_year
from tests.conftest import ADMIN_PASSWORD, ADMIN_USER
from tests.qt_helpers import type_date, when_modal
from ui.main_window import NAVIGATION, MainWindow, Session
from ui.evaluation.project_dialogs import AddMemberDialog
from ui.overview.setup_guide import SetupGuideDialog

pytestmark = pytest.mark.gui

STAFF_CSV = ("職員番号,氏名,ふりがな,部,課,職名\r\n"
             "1001,真岡 太郎,もおか たろう,総務部,デジタル戦略課,課長\r\n"
             "1002,芳賀 花子,はが はなこ,総務部,総務課,主事\r\n"
             "1003,益子 次郎,ましこ じろう,市民部,市民課,調整監\r\n")


@pytest.fixture
def new_window(qtbot, db, db_path, admin):
    """The main window on a register that has only its administrator: the first day of a new town."""
    win = MainWindow(Session(db, db_path, admin))
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def guide(qtbot, db, admin):
    dialog = SetupGuideDialog(db, admin)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _import_staff(db, tmp_path) -> None:
    path = tmp_path / "職員.csv"
    path.write_bytes(STAFF_CSV.encode("cp932"))
    commit(db, preview_file(db, path, effective=date(2025, 4, 1), today=date(2025, 6, 1))[0], ADMIN_USER)


def _close_next_message_box(shown: list[str]) -> None:
    """Close the next message box (not the modal dialog it sits on), keeping its text."""

    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QMessageBox):
            shown.append(widget.text())
            widget.done(0)
            return
        QTimer.singleShot(20, attempt)

    QTimer.singleShot(0, attempt)


def _step(guide: SetupGuideDialog) -> str:
    return guide.steps[guide.index()].key


def _marks(guide: SetupGuideDialog) -> list[str]:
    return [guide.step_list.item(row).text()[0] for row in range(guide.step_list.count())]


def test_the_guide_walks_through_every_step_and_each_is_saved(qtbot, guide, db, admin, tmp_path):
    assert _step(guide) == "municipality" and _marks(guide) == ["・"] * 8
    assert guide.heading.text() == "手順 1/8: 自治体名"
    guide.next_button.click()  # nothing typed: refused, the guide stays
    assert _step(guide) == "municipality" and "自治体名を入力" in guide.error_label.text()
    guide.page_by_key["municipality"].name.setText("真岡市")
    guide.next_button.click()
    assert settings.get(db, "municipality_name") == "真岡市" and _step(guide) == "issuer"
    assert _marks(guide)[0] == "✓"

    issuer = guide.page_by_key["issuer"]
    assert issuer.title.text() == "市長", "the title starts from its default"
    issuer.name.setText("山田 太郎")
    guide.next_button.click()
    assert settings.get(db, "mayor_name") == "山田 太郎" and _step(guide) == "fiscal_year"

    year = guide.page_by_key["fiscal_year"].year
    assert year.currentData() == fiscal_year(date.today()), "this fiscal year is offered first"
    year.setCurrentIndex(year.findData(year.currentData() - 1))
    guide.next_button.click()
    assert settings.get(db, "first_fiscal_year") == fiscal_year(date.today()) - 1

    assert _step(guide) == "scheme"
    guide.next_button.click()
    assert "制度を選ぶ" in guide.error_label.text() and _step(guide) == "scheme"
    guide.page_by_key["scheme"].buttons["moka"].click()
    guide.next_button.click()
    assert schemes.load_scheme(db, schemes.active_scheme_id(db)).family == schemes.MOKA_PRESET.family

    assert _step(guide) == "staff" and guide.next_button.text() == "次へ", "the import saves itself"
    path = tmp_path / "職員一覧.csv"
    path.write_bytes(STAFF_CSV.encode("cp932"))
    shown: list[str] = []

    def import_file(dialog) -> None:
        type_date(qtbot, dialog.effective, "2025-04-01")
        dialog.load_file(path)
        _close_next_message_box(shown)  # the import's result, over the modal import dialog
        dialog.import_button.click()

    when_modal(import_file)
    guide.page_by_key["staff"].import_button.click()
    assert "3" in shown[0] and directory.counts(db)["staff"] == 3 and "3 名" in guide.page_by_key["staff"].status.text()
    assert guide.changed and _marks(guide)[4] == "✓"
    guide.next_button.click()
    assert _step(guide) == "past_certifications" and "取り込まれていません" in guide.page_by_key[
        "past_certifications"].status.text()
    guide.next_button.click()  # a town without paper certifications moves on

    rules = guide.page_by_key["evaluation_rules"]
    assert _step(guide) == "evaluation_rules" and "デジタル戦略課" in rules.found.text(), "found by its name"
    moved: dict[str, bool] = {}

    def move_up(dialog) -> None:
        dialog.select("調整監")  # a title the usual order does not know goes last: the officer places it
        dialog.move("up")
        moved["changed"] = dialog.changed
        dialog.reject()

    when_modal(move_up)
    rules.positions_button.click()
    assert moved["changed"]
    section = next(uid for uid, name in edit.section_choices(db) if "総務課" in name)
    rules.section.setCurrentIndex(rules.section.findData(section))
    guide.next_button.click()
    assert settings.get(db, "digital_section_id") == section

    assert _step(guide) == "accounts" and guide.next_button.text() == "終了"

    def add_account(dialog) -> None:
        dialog.login.setText("hyouka")
        dialog.display_name.setText("評価 次郎")
        dialog.password.setText(ADMIN_PASSWORD)
        dialog.password_again.setText(ADMIN_PASSWORD)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(add_account)
    guide.page_by_key["accounts"].add_button.click()
    assert "hyouka" in {u["login"] for u in accounts.list_users(db, admin)}
    assert guide.page_by_key["accounts"].list.count() == 2
    assert _marks(guide) == ["✓"] * 5 + ["・"] + ["✓"] * 2  # no paper certifications: done with the first decision
    guide.next_button.click()
    assert guide.result() == 1 and not guide.isVisible()
    assert [s.key for s in setup_guide.missing(db, admin, date.today())] == ["past_certifications"]


def test_every_step_can_be_skipped_and_nothing_is_written(guide, db, admin):
    entries = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    qtbot_typed = guide.page_by_key["municipality"].name
    qtbot_typed.setText("真岡市")  # typed, then skipped: not saved
    for _ in range(len(guide.steps) - 1):
        guide.skip_button.click()
    assert _step(guide) == "accounts" and guide.back_button.isEnabled()
    guide.back_button.click()
    assert _step(guide) == "evaluation_rules"
    guide.step_list.setCurrentRow(len(guide.steps) - 1)
    guide.next_button.click()  # 終了 on the last step
    assert not guide.isVisible()
    assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == entries
    assert len(setup_guide.missing(db, admin, date.today())) == len(setup_guide.STEPS)


def test_a_new_register_opens_the_guide_and_the_start_screen_lists_what_is_missing(qtbot, new_window, db):
    new_window.show_page("staff")
    checklist = new_window.setup_checklist
    assert checklist.isVisible() and checklist.missing_keys() == [s.key for s in setup_guide.STEPS]
    assert "残り 8 件" in checklist.heading.text()
    seen: dict[str, object] = {}

    def close_at_once(dialog) -> None:
        seen["guide"] = isinstance(dialog, SetupGuideDialog) and dialog.steps[dialog.index()].key
        dialog.page_by_key["municipality"].name.setText("真岡市")
        dialog.next_button.click()
        dialog.close_button.click()

    when_modal(close_at_once)
    assert new_window.offer_setup_guide()
    assert seen["guide"] == "municipality"
    assert "municipality" not in checklist.missing_keys() and "残り 7 件" in checklist.heading.text()
    assert not new_window.offer_setup_guide(), "a register with a town name is not new: no guide by itself"

    def at_the_scheme_step(dialog) -> None:  # a checklist button opens the guide at its step
        seen["step"] = dialog.steps[dialog.index()].key
        dialog.page_by_key["scheme"].buttons["hokkaido"].click()
        dialog.next_button.click()
        dialog.close_button.click()

    when_modal(at_the_scheme_step)
    checklist.buttons["scheme"].click()
    assert seen["step"] == "scheme" and "scheme" not in checklist.missing_keys()


def test_the_guide_is_reopened_from_settings_and_shows_what_is_saved(qtbot, new_window, db, admin):
    setup_guide.set_municipality(db, admin, "真岡市")
    new_window.navigation.setCurrentRow([k for k, _t in NAVIGATION].index("settings"))
    seen: dict[str, object] = {}

    def look(dialog) -> None:
        seen["step"] = dialog.steps[dialog.index()].key  # the first step still missing
        dialog.go(0)
        seen["name"] = dialog.page_by_key["municipality"].name.text()
        seen["mark"] = dialog.step_list.item(0).text()
        dialog.close_button.click()

    when_modal(look)
    new_window.settings_page.guide_button.click()
    assert seen == {"step": "issuer", "name": "真岡市", "mark": "✓ 自治体名"}


def test_the_guide_and_checklist_are_not_offered_to_other_roles(qtbot, db, db_path, admin):
    viewer = accounts.create_user(db, "etsuran", "閲覧 花子", ADMIN_PASSWORD, Role.VIEWER, admin)
    win = MainWindow(Session(db, db_path, viewer))
    qtbot.addWidget(win)
    assert win.setup_checklist is None and not win.offer_setup_guide()
    assert not hasattr(win.settings_page, "guide_button")
    with pytest.raises(Exception, match="権限"):
        SetupGuideDialog(db, viewer)


def test_empty_lists_say_what_to_do_first(qtbot, new_window, db, tmp_path):
    new_window.show_page("staff")
    hint = new_window.staff_page.empty_hint
    assert hint.isVisible() and hint.label.text() == "職員がまだ登録されていません。まず職員一覧を取り込んでください。"
    assert hint.button.text() == "職員一覧を取り込む…"
    opened: dict[str, bool] = {}

    def cancel_import(dialog) -> None:
        opened["import"] = type(dialog).__name__ == "ImportDialog"
        dialog.reject()

    when_modal(cancel_import)
    hint.button.click()
    assert opened["import"]

    new_window.navigation.setCurrentRow([k for k, _t in NAVIGATION].index("projects"))
    projects_hint = new_window.projects_page.empty_hint
    assert projects_hint.isVisible() and "職員一覧を取り込んで" in projects_hint.label.text()

    new_window.navigation.setCurrentRow([k for k, _t in NAVIGATION].index("evaluations"))
    evaluation_hint = new_window.evaluation_page.assignments_tab.empty_hint
    assert evaluation_hint.isVisible() and "まずプロジェクトを作成" in evaluation_hint.label.text()
    evaluation_hint.button.click()  # プロジェクト画面へ
    assert new_window.pages.currentWidget() is new_window._projects_slot

    _import_staff(db, tmp_path)
    new_window.staff_page.reload()
    assert not hint.isVisible(), "the hint goes as soon as the list has rows"
    new_window.staff_page.search.setText("該当しない名前")
    assert not hint.isVisible(), "an empty search result is not an empty register"
    new_window.projects_page.reload()
    assert projects_hint.label.text().startswith("プロジェクトはまだありません") and projects_hint.button.text() == "新規プロジェクト…"


def test_the_register_tab_says_nobody_is_certified_yet(qtbot, new_window, db, admin, tmp_path):
    setup_guide.choose_scheme(db, admin, "moka")
    new_window.navigation.setCurrentRow([k for k, _t in NAVIGATION].index("certification"))
    register_hint = new_window.certification_page.register_tab.empty_hint
    new_window.certification_page.tabs.setCurrentWidget(new_window.certification_page.register_tab)
    assert register_hint.isVisible() and "職員がまだ登録されていません" in register_hint.label.text()
    setup_guide.set_municipality(db, admin, "真岡市")
    _import_staff(db, tmp_path)
    new_window.certification_page.register_tab.reload()
    assert register_hint.label.text().startswith("まだ認定された職員はいません")
    register_hint.button.click()  # 認定候補を表示
    assert new_window.certification_page.tabs.currentWidget() is new_window.certification_page.eligibility_tab


# -- the member picker ---------------------------------------------------------------------------------

@pytest.fixture
def picker(qtbot, demo_db, admin):
    project_id = projects.create_project(demo_db, projects.ProjectInput("窓口のオンライン化", 2025), ADMIN_USER)
    dialog = AddMemberDialog(demo_db, project_id, admin)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.project_id = project_id
    return dialog


def _shown(dialog) -> list:
    return [dialog.model.row_at(r) for r in range(dialog.model.rowCount())]


def test_the_picker_ticks_a_whole_section_and_a_searched_person_and_adds_them_at_once(qtbot, picker, demo_db):
    total = picker.model.rowCount()
    section = picker.section.itemData(1)
    picker.section.setCurrentIndex(1)
    in_section = _shown(picker)
    assert 0 < len(in_section) < total and all(r.section.split(" ")[0] == section for r in in_section)
    picker.tick_shown_button.click()
    assert picker.ticked_label.text() == f"{len(in_section)} 名をチェック中"
    picker.section.setCurrentIndex(0)
    outsider = next(r for r in _shown(picker) if r.section.split(" ")[0] != section)
    picker.search.setText(outsider.staff_no)
    assert [r.id for r in _shown(picker)] == [outsider.id]
    index = picker.model.index(0, 0)
    assert picker.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    picker.search.clear()
    assert picker.model.rowCount() == total, "the ticks stay when the filter changes"
    picker.role.setCurrentIndex(picker.role.findData("member"))
    picker.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert picker.result() == 1 and len(picker.result_.added) == len(in_section) + 1
    members = {m["staff_id"]: m["role"] for m in projects.members(demo_db, ADMIN_USER, picker.project_id)}
    assert members == {**{r.id: "member" for r in in_section}, outsider.id: "member"}


def test_the_picker_adds_nobody_when_one_ticked_person_cannot_be_added(qtbot, picker, demo_db):
    picker.search.setText(_shown(picker)[0].staff_no)
    picker.tick_shown_button.click()
    first = _shown(picker)[0]
    picker.search.clear()
    picker.model.set_ticked([_shown(picker)[1].id], True)
    demo_db.execute("UPDATE staff SET status = 'retired', retired_on = '2000-03-31' WHERE id = ?", [first.id])
    demo_db.conn.commit()
    picker.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "退職" in picker.error_label.text() and picker.isVisible()
    assert projects.members(demo_db, ADMIN_USER, picker.project_id) == []
    picker.clear_button.click()
    assert picker.ticked_label.text() == "0 名をチェック中"


def test_the_picker_model_passes_qts_model_tester(qtmodeltester, picker):
    picker.tick_shown_button.click()
    qtmodeltester.check(picker.model)


def test_the_certificate_screen_shows_the_town_the_guide_saved(qtbot, new_window, db):
    """Built before the guide ran, the 証書 form must not keep (and later save back) the empty town name."""
    new_window.show_page("certificates")
    design = new_window.certificates_page.design
    assert design.lines["municipality_name"].text() == ""

    def name_the_town(dialog) -> None:
        dialog.page_by_key["municipality"].name.setText("真岡市")
        dialog.next_button.click()
        dialog.close_button.click()

    when_modal(name_the_town)
    new_window.show_page("staff")
    new_window.open_setup_guide("municipality")
    assert design.lines["municipality_name"].text() == "真岡市" and not design.dirty()
    new_window.certificates_page.wait_for_previews()


def test_the_first_start_of_a_new_register_goes_on_to_the_guide(qtbot, tmp_path):
    from ui.main import Controller

    path = tmp_path / "new.sqlite"
    seen: list[str] = []

    def guide_shown(dialog) -> None:
        seen.append(type(dialog).__name__)
        if isinstance(dialog, SetupGuideDialog):
            dialog.close_button.click()
            return
        when_modal(guide_shown)  # what comes between (the recovery code) is closed; the guide follows
        dialog.done(1)

    def create_administrator(dialog) -> None:
        seen.append(type(dialog).__name__)
        dialog.login.setText("officer")
        dialog.display_name.setText("情報 花子")
        dialog.password.setText(ADMIN_PASSWORD)
        dialog.password_again.setText(ADMIN_PASSWORD)
        when_modal(guide_shown)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    controller = Controller()
    when_modal(create_administrator)
    assert controller.start(path)
    qtbot.addWidget(controller.window)
    qtbot.waitUntil(lambda: seen[-1] == "SetupGuideDialog", timeout=20_000)
    assert seen[0] == "NewAccountDialog" and seen.count("SetupGuideDialog") == 1
    controller.window.session.db.close()
    controller._lock.release()
