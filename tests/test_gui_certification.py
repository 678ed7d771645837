"""認定 screen: reasons per requirement, approval through the dialog, the register, the scheme editor, roles.

Everything runs on a real register: the 300-staff demo town with the demo teams, their ratings and
the Moka scheme's earlier decisions (令和5〜7年度), as `dx-jinzai-cli demo` creates it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel, QLineEdit, QMessageBox, QWidget

from app.register import accounts
from app.certification import decisions
from app.certification import schemes
from app.register import settings as app_settings
from app.register.accounts import Role, User
from app.certification.numbers import certificate_number
from app.errors import PermissionDenied
from tests.qt_helpers import show_widget, when_modal
from ui.certification.dialogs import ApproveDialog, PersonPathDialog, ReissueDialog, RevokeDialog, SwitchSchemeDialog
from ui.certification.page import CertificationPage
from ui.certification.eligibility_tab import NAME
from ui.overview.person_card import PersonCardDialog
from ui.certification.scheme_editor import SchemeEditorDialog
from tests.conftest import ADMIN_USER, admin_as

DECIDED = date(2026, 6, 1)  # after every workshop, rating and earlier decision of the demo town
FY2026 = 2026
OFFICER = User(0, "officer", "officer", Role.ADMIN)


@pytest.fixture
def page(qtbot, town, admin):
    widget = CertificationPage(town, admin)
    show_widget(qtbot, widget, 1000, 640)
    widget.eligibility_tab.as_of.set_date(DECIDED)
    widget.eligibility_tab.reload()  # at once, rather than when the typed date has settled
    return widget


def staff_id(db, staff_no: str) -> int:
    return db.execute("SELECT id FROM staff WHERE staff_no = ?", [staff_no]).fetchone()[0]


def when_message(action: Callable[[QMessageBox], None] | None = None) -> list[str]:
    """Close the next message box (not any other modal window) and keep its text."""
    shown: list[str] = []

    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, QMessageBox):
            QTimer.singleShot(20, attempt)
            return
        shown.append(widget.text())
        if action is not None:
            action(widget)
        else:
            widget.done(0)

    QTimer.singleShot(0, attempt)
    return shown


def test_reasons_panel_shows_the_engines_text_for_each_requirement(qtbot, page, town):
    tab = page.eligibility_tab
    assert tab.select_person(staff_id(town, "100274"), "advisor")  # 荒井 一郎: one rater short in leadership
    panel = tab.reasons
    assert panel.texts() == [
        "ワークショップ参加 4回 / 必要 4回 ✓",
        "提案者・リーダー・メンバーとして参加したプロジェクト 1件 / 必要 1件 ✓",
        "政策の評価 4.33 / 必要 3.0 ✓",
        "リーダーシップ: 評価者 2名 / 必要 3名 ✗",
        "ICTの評価 4.00 / 必要 3.0 ✓",
    ]
    met = {label.text(): label.property("met") for label in panel.line_labels()}
    assert met["政策の評価 4.33 / 必要 3.0 ✓"] is True and met["リーダーシップ: 評価者 2名 / 必要 3名 ✗"] is False
    colours = {label.text(): label.styleSheet() for label in panel.line_labels()}
    assert "#1b7f3b" in colours["政策の評価 4.33 / 必要 3.0 ✓"]
    assert "#b00020" in colours["リーダーシップ: 評価者 2名 / 必要 3名 ✗"]
    assert panel.status.text() == "あと1つ" and "荒井" in panel.heading.text()


def test_list_is_sorted_by_reading_and_filters_count_each_status(qtbot, page, town):
    tab = page.eligibility_tab
    readings = [tab.model.row_at(i).reading for i in range(tab.model.rowCount())]
    assert readings[0].startswith("あ") and readings[-1][0] in "わを"
    assert tab.status_buttons["eligible"].text() == "認定可 (4)"
    assert tab.status_buttons["near"].text() == "あと1つ (4)"
    tab.status_buttons["near"].click()
    assert {tab.model.row_at(i).status for i in range(tab.model.rowCount())} == {"near"}
    tab.level.setCurrentIndex(tab.level.findData("expert"))
    assert tab.status_buttons["near"].text() == "あと1つ (2)" and tab.model.rowCount() == 2
    tab.status_buttons[""].click()
    department = next(i for i in range(tab.unit.count()) if tab.unit.itemText(i) == "総務部")
    tab.unit.setCurrentIndex(department)
    assert tab.model.rowCount() > 0
    assert all(tab.model.row_at(i).department == "総務部" for i in range(tab.model.rowCount()))


def test_candidate_model_passes_qt_model_tester(qtmodeltester, page):
    qtmodeltester.check(page.eligibility_tab.model)


def test_approving_ticked_people_gives_consecutive_numbers_and_the_register_lists_them(qtbot, page, town):
    app_settings.set_value(town, "mayor_title", "真岡市長", ADMIN_USER)
    app_settings.set_value(town, "mayor_name", "山田 太郎", ADMIN_USER)
    tab = page.eligibility_tab
    tab.status_buttons["eligible"].click()
    tab.tick_all_eligible()
    assert len(tab.model.checked) == 4
    preview: list[list[str]] = []

    def approve(dialog: ApproveDialog) -> None:
        assert dialog.approver.text() == "真岡市長 山田 太郎"  # 認定者 from the settings, shown to confirm
        preview.append([dialog.model.record_at(i)[1] for i in range(dialog.model.rowCount())])
        preview.append([dialog.range_label.text()])
        boxes.append(when_message())
        dialog.approve_button.click()

    boxes: list[list[str]] = []
    when_modal(approve)
    tab.approve_selected()
    expected = [certificate_number("{年度和暦}DX認定第{連番:04}号", FY2026, n) for n in range(1, 5)]
    assert preview[0] == expected
    assert expected[0] in preview[1][0] and expected[-1] in preview[1][0]
    message = boxes[0][0]
    assert "4名を認定しました" in message and all(number in message for number in expected)
    rows = town.execute("SELECT seq, certificate_no, approver, decided_on FROM certifications WHERE fiscal_year = ? "
                        "ORDER BY seq", [FY2026]).fetchall()
    assert [r[0] for r in rows] == [1, 2, 3, 4] and [r[1] for r in rows] == expected
    assert {r[2] for r in rows} == {"真岡市長 山田 太郎"} and {r[3] for r in rows} == {DECIDED.isoformat()}
    register = page.register_tab
    shown = [register.model.record_at(i)["certificate_no"] for i in range(register.model.rowCount())]
    assert set(expected) <= set(shown)
    register.year.setCurrentIndex(register.year.findData(FY2026))
    assert register.model.rowCount() == 4 and register.year.currentText() == "令和8年度"
    certified = {r[0] for r in town.execute("SELECT staff_id FROM certifications WHERE fiscal_year = ?", [FY2026])}
    assert not tab.model.checked
    assert not [r for r in tab._rows if r.staff_id in certified and r.level_code == "advisor"]  # next step now


def test_the_approver_is_the_certifying_official_from_the_settings_and_cannot_be_typed(qtbot, page, town):
    rows = [r for r in page.eligibility_tab._rows if r.status == "eligible"]
    dialog = ApproveDialog(town, page._user, page.scheme, rows, DECIDED, page)
    qtbot.addWidget(dialog)
    assert dialog.approver.text() == "市長 見本　太郎" and not isinstance(dialog.approver, QLineEdit)
    assert dialog.approve_button.isEnabled()

    app_settings.set_value(town, "mayor_name", "", ADMIN_USER)  # as in a fresh register: only the title 市長
    before = town.execute("SELECT count(*) FROM certifications").fetchone()[0]
    unset = ApproveDialog(town, page._user, page.scheme, rows, DECIDED, page)
    qtbot.addWidget(unset)
    assert unset.approver.text() == "" and not unset.approve_button.isEnabled()
    assert "認定者" in unset.error_label.text() and "設定" in unset.error_label.text()
    unset.approve_button.click()
    assert town.execute("SELECT count(*) FROM certifications").fetchone()[0] == before


def test_a_person_who_is_not_eligible_cannot_be_certified(qtbot, page, town):
    tab = page.eligibility_tab
    before = town.execute("SELECT count(*) FROM certifications").fetchone()[0]
    tab.select_person(staff_id(town, "100274"))  # one requirement short
    index = tab.view.currentIndex().siblingAtColumn(NAME)
    assert not tab.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert not tab.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    messages = when_message()
    tab.approve_selected()  # the selected row, with nothing ticked
    assert "すべての要件を満たした職員だけを認定できます" in messages[0] and "荒井　一郎" in messages[0]

    # Eligible on the list's date, but not on an earlier decision date: the service refuses, the dialog stays.
    rows = [r for r in tab._rows if r.status == "eligible"]
    dialog = ApproveDialog(town, page._user, page.scheme, rows, DECIDED, page)
    qtbot.addWidget(dialog)
    dialog.decided_on.set_date(date(2025, 8, 1))
    assert "令和7年度DX認定第0002号" in dialog.range_label.text()  # 令和7年度 already has a number 1
    dialog.approve_button.click()
    assert "令和7年8月1日時点で要件を満たしていません" in dialog.error_label.text()
    assert not dialog.result() and dialog.numbers == []
    assert town.execute("SELECT count(*) FROM certifications").fetchone()[0] == before


def _record(db, number: str) -> dict:
    return next(r for r in decisions.register(db, OFFICER) if r["certificate_no"] == number)


def test_revoke_and_reissue_through_the_dialogs_are_audited(qtbot, page, town):
    register = page.register_tab
    number = "令和5年度DX認定第0003号"
    assert register.select_number(number)

    def revoke(dialog: RevokeDialog) -> None:
        dialog.reason.setText("懲戒処分のため")
        dialog.on.set_date(date(2026, 5, 1))
        assert not dialog.ok_button.isEnabled()  # nothing happens before the box is ticked
        dialog.confirm.setChecked(True)
        dialog.ok_button.click()

    when_modal(revoke)
    register.revoke()
    row = _record(town, number)
    assert (row["status"], row["revoked_on"], row["revoke_reason"]) == ("revoked", "2026-05-01", "懲戒処分のため")
    selected = register.view.selectionModel().selectedRows()[0].row()
    assert register.model.record_at(selected)["certificate_no"] == number
    assert register.model.data(register.model.index(selected, 6)) == "取消 令和8年5月1日"
    register.include_revoked.setChecked(False)
    assert number not in [register.model.record_at(i)["certificate_no"] for i in range(register.model.rowCount())]
    register.include_revoked.setChecked(True)

    other = "令和6年度DX認定第0002号"
    register.select_number(other)

    def reissue(dialog: ReissueDialog) -> None:
        dialog.ok_button.click()  # no reason: refused inline, the dialog stays open
        assert "再交付の理由を入力してください" in dialog.error_label.text()
        dialog.reason.setText("紛失")
        dialog.ok_button.click()

    when_modal(reissue)
    register.reissue()
    assert _record(town, other)["reissues"] == 1
    actions = [r[0] for r in town.execute(
        "SELECT action FROM audit_log WHERE action IN ('certification.revoke', 'certification.reissue') ORDER BY id")]
    assert actions == ["certification.revoke", "certification.reissue"]
    # A revoked certificate cannot be re-issued: the register says so before any dialog opens.
    register.select_number(number)
    messages = when_message()
    register.reissue()
    assert "取り消された認定の証書は再交付できません" in messages[0]


def test_revocation_sets_when_the_level_may_be_certified_again_and_approval_overrides_with_a_reason(qtbot, page, town):
    tab, register = page.eligibility_tab, page.register_tab
    person = next(r for r in tab._rows if r.status == "eligible")
    (number,) = decisions.approve(town, page._user, page.scheme.id, [decisions.Approval(person.staff_id,
                                                                                              "advisor")],
                                      DECIDED, "市長")
    register.reload()
    dated = "令和5年度DX認定第0003号"

    def revoke(on: date, again: date | None):
        def fill(dialog: RevokeDialog) -> None:
            dialog.reason.setText("誤認定")
            dialog.on.set_date(on)
            if again is not None:
                dialog.set_again.setChecked(True)
                dialog.again_from.set_date(again)
            dialog.confirm.setChecked(True)
            dialog.ok_button.click()
        return fill

    for certificate, again in ((number, None), (dated, date(2027, 4, 1))):
        assert register.select_number(certificate)
        when_modal(revoke(date(2026, 7, 1), again))
        register.revoke()
    assert _record(town, number)["reeligible_from"] is None
    assert _record(town, dated)["reeligible_from"] == "2027-04-01"

    tab.as_of.set_date(date(2026, 11, 23))
    tab.reload()
    assert tab.select_person(person.staff_id, "advisor")
    assert tab.reasons.texts()[-1] == "DXアドバイザー: 令和8年7月1日に取消、再認定には理由を付けた判断が必要 ✗"
    assert tab.current_row().status != "eligible"
    seen: list[str] = []

    def approve(dialog: ApproveDialog) -> None:
        assert dialog.override_reason.isVisible() and person.name in dialog.findChild(QLabel, "overrideNote").text()
        dialog.approve_button.click()  # no reason: refused inline
        seen.append(dialog.error_label.text())
        dialog.override_reason.setText("再審査で要件充足を確認")
        when_message()
        dialog.approve_button.click()

    when_modal(approve)
    tab.approve_selected()  # the selected row: held back only by the revocation
    assert "理由を入力" in seen[0]
    row = town.execute("SELECT override_reason FROM certifications WHERE staff_id = ? AND status = 'active' "
                       "AND level_code = 'advisor'", [person.staff_id]).fetchone()
    assert row == ("再審査で要件充足を確認",)


def test_export_writes_a_real_xlsx(qtbot, page, town, tmp_path, monkeypatch):
    target = tmp_path / "認定者名簿.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Excel ブック (*.xlsx)"))
    register = page.register_tab
    register.level.setCurrentIndex(register.level.findData("advisor"))
    messages = when_message()
    register.export()
    assert "21 件の認定を" in messages[0]
    sheet = load_workbook(target, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("認定番号", "職員番号", "氏名")
    assert len(rows) == 22 and {r[5] for r in rows[1:]} == {"DXアドバイザー"}
    assert "令和5年度DX認定第0001号" in {r[0] for r in rows[1:]}
    assert town.execute("SELECT count(*) FROM audit_log WHERE action = 'certification.export'").fetchone()[0] == 1


def _save(dialog: SchemeEditorDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_scheme_editor_saves_a_new_version_and_keeps_the_old(qtbot, page, town, admin):
    old_id = page.scheme.id
    dialog = SchemeEditorDialog(town, old_id, admin)
    qtbot.addWidget(dialog)
    assert dialog.example.text() == "例: 令和7年度DX認定第0001号"
    dialog.pattern.setText("{年度和暦}デジタル認定第{連番:03}号")
    assert dialog.example.text() == "例: 令和7年度デジタル認定第001号"  # live
    advisor = dialog.tree.topLevelItem(0)
    dialog.tree.setCurrentItem(advisor)
    dialog.l_name.setText("DXアドバイザー(初級)")
    dialog.l_name.textEdited.emit(dialog.l_name.text())
    leadership = advisor.child(3)
    dialog.tree.setCurrentItem(leadership)
    assert dialog.r_kind.currentData() == "score"
    assert dialog.param_widgets["score"]["perspective"].currentData() == "leadership"
    dialog.param_widgets["score"]["min_raters"].setValue(2)
    dialog.param_widgets["score"]["min"].setValue(3.2)
    assert leadership.text(0) == "リーダーシップ: 評価者 2 名以上で集計した評価が 3.2 以上"
    _save(dialog)
    assert dialog.result() and dialog.saved_id != old_id
    new = schemes.load_scheme(town, dialog.saved_id)
    assert (new.version, new.number_pattern, new.levels[0].name) == (2, "{年度和暦}デジタル認定第{連番:03}号",
                                                                    "DXアドバイザー(初級)")
    assert new.levels[0].requirements[3].params == {"perspective": "leadership", "min": 3.2, "min_raters": 2}
    old = schemes.load_scheme(town, old_id)
    assert (old.version, old.number_pattern, old.levels[0].name) == (1, "{年度和暦}DX認定第{連番:04}号", "DXアドバイザー")
    assert old.levels[0].requirements[3].params == {"perspective": "leadership", "min": 3.0, "min_raters": 3}
    page.reload()
    assert page.scheme_heading.text() == "認定制度(第2版):"
    page.eligibility_tab.select_person(staff_id(town, "100163"), "advisor")
    assert "リーダーシップの評価 3.44 / 必要 3.2 ✓" in page.eligibility_tab.reasons.texts()


def test_scheme_editor_refuses_bad_input_inline_and_stays_open(qtbot, page, town, admin):
    dialog = SchemeEditorDialog(town, page.scheme.id, admin)
    qtbot.addWidget(dialog)
    dialog.pattern.setText("DX認定{年度}")
    assert "{連番}" in dialog.example.text()
    _save(dialog)
    assert "認定番号の書式には {連番} を含めてください" in dialog.error_label.text() and not dialog.result()
    dialog.pattern.setText("{年度和暦}DX認定第{連番:04}号")
    # A new level whose "previous level" points at a level listed after it is refused by the core.
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(0))
    dialog._add_level()
    for _ in range(3):
        dialog.up_button.click()
    assert dialog.tree.topLevelItem(0).text(0).startswith("新しい認定区分")
    _save(dialog)
    assert "前のレベルには、このレベルより前に並んだレベルを指定してください" in dialog.error_label.text()
    assert not dialog.result() and len(schemes.list_schemes(town)) == 1


def test_installing_a_preset_on_an_empty_register(qtbot, db, admin):
    widget = CertificationPage(db, admin)
    qtbot.addWidget(widget)
    assert widget.stack.currentIndex() == 0 and widget.scheme is None
    assert all(button.isVisibleTo(widget) for button in widget.preset_buttons.values())
    widget.preset_buttons["hokkaido"].click()
    assert widget.stack.currentIndex() == 1
    assert widget.scheme.family == "hokkaido-cert" and widget.scheme.version == 1
    assert app_settings.get(db, "certification_scheme") == "hokkaido-cert"
    assert widget.scheme_label.text().startswith("北海道方式")
    levels = [widget.eligibility_tab.level.itemText(i) for i in range(widget.eligibility_tab.level.count())]
    assert levels[1] == "レベル1 デジタル推進リーダー" and levels[-1] == "デジタルマネジメント人材"


def test_switching_to_another_scheme_adds_it_from_the_presets(qtbot, page, town):
    def choose(dialog: SwitchSchemeDialog) -> None:
        item = next(dialog.list.item(i) for i in range(dialog.list.count()) if "北海道" in dialog.list.item(i).text())
        dialog.list.setCurrentItem(item)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(choose)
    page.switch_scheme()
    assert page.scheme.family == "hokkaido-cert"
    assert page.eligibility_tab.level.itemText(1) == "レベル1 デジタル推進リーダー"
    # The Moka decisions stay in the register under the scheme they were decided under.
    assert page.register_tab.count_label.text().startswith("25件")


def test_viewers_get_the_register_without_candidates_or_reasons(qtbot, town, admin, db_path):
    """Viewers read the register (issue 13); candidates and reasons carry combined scores (issue 12)."""
    from ui.certification.dialogs import PersonPathDialog
    from ui.main_window import NAVIGATION, MainWindow, Session

    user = accounts.create_user(town, "viewer", "閲覧 花子", "other password 1", Role.VIEWER, admin_as("admin"))
    window = MainWindow(Session(town, db_path, user))
    qtbot.addWidget(window)
    window.show()
    row = [key for key, _title in NAVIGATION].index("certification")
    assert window.page_offered(row)
    window.navigation.setCurrentRow(row)
    page = window.certification_page
    assert page.eligibility_tab is None and page.tabs.count() == 1
    assert page.register_tab.count_label.text().startswith("25件")
    actions = page.register_tab.actions_by_key
    assert actions["export"].isVisible() and not actions["revoke"].isVisible()
    holder = town.execute("SELECT staff_id FROM certifications LIMIT 1").fetchone()[0]
    dialog = PersonPathDialog(town, user, holder)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() and dialog.reasons.text() == ""


@pytest.mark.parametrize("role", [Role.EVALUATOR])
def test_certification_screen_is_not_offered_to_evaluators(qtbot, town, admin, db_path, role):
    """Candidates and reasons carry combined scores: a rater could work out another rater's score."""
    from ui.main_window import NAVIGATION, MainWindow, Session

    user = accounts.create_user(town, "other", "閲覧 花子", "correct horse 3", role, OFFICER,
                                staff_id=staff_id(town, "100163"))
    window = MainWindow(Session(town, db_path, user))
    qtbot.addWidget(window)
    window.show()
    row = [key for key, _title in NAVIGATION].index("certification")
    assert window.navigation.item(row).isHidden() and not window.page_offered(row)
    window.navigation.setCurrentRow(row)  # e.g. the page an administrator left open on this PC
    assert window.navigation.currentRow() == window.row_of("staff") and window._certification_page is None
    assert window.pages.currentWidget() is window.staff_page
    with pytest.raises(PermissionDenied):
        decisions.approve(town, user, town.execute("SELECT id FROM cert_schemes").fetchone()[0],
                              [decisions.Approval(staff_id(town, "100163"), "advisor")], DECIDED, "市長")
    assert town.execute("SELECT count(*) FROM certifications WHERE fiscal_year = ?", [FY2026]).fetchone()[0] == 0


def test_administrator_is_offered_the_certification_screen(qtbot, town, admin, db_path):
    from ui.main_window import NAVIGATION, MainWindow, Session

    window = MainWindow(Session(town, db_path, admin))
    qtbot.addWidget(window)
    window.show()
    row = [key for key, _title in NAVIGATION].index("certification")
    assert not window.navigation.item(row).isHidden()
    window.navigation.setCurrentRow(row)
    assert window.navigation.currentRow() == row and window._certification_page is not None


def test_scheme_editor_read_only_mode_offers_no_save(qtbot, town):
    scheme_id = schemes.active_scheme_id(town)
    editor = SchemeEditorDialog(town, scheme_id, User(0, "view", "view", Role.VIEWER), read_only=True)
    qtbot.addWidget(editor)
    assert editor.buttons.button(QDialogButtonBox.StandardButton.Save) is None and not editor.name.isEnabled()


def test_certification_path_from_the_register_and_the_staff_history(qtbot, page, town, admin):
    specialist = town.execute("SELECT staff_id FROM certifications WHERE level_code = 'specialist'").fetchone()[0]
    dialog = PersonPathDialog(town, admin, specialist, page)
    qtbot.addWidget(dialog)
    assert [dialog.model.record_at(i)["level"] for i in range(dialog.model.rowCount())] == [
        "DXアドバイザー", "DXエキスパート", "DXスペシャリスト"]
    assert dialog.reasons.text() == "台帳の導入前に認定"
    card = PersonCardDialog(town, admin, specialist)
    qtbot.addWidget(card)
    path = card.models["certifications"]
    assert path.rowCount() == 3
    assert path.data(path.index(2, 2)) == "令和7年度DX認定第0001号"


def test_main_window_opens_the_certification_page(qtbot, window):
    from ui.main_window import NAVIGATION

    window.navigation.setCurrentRow([key for key, _title in NAVIGATION].index("certification"))
    page = window.certification_page
    assert window.pages.currentWidget().findChild(QWidget, "page_certification") is page
    assert page.stack.currentIndex() == 0  # the demo fixture has no scheme yet: the presets are offered


def test_the_list_follows_the_date_and_changes_made_elsewhere(qtbot, page, town, admin):
    tab = page.eligibility_tab
    tab.as_of.set_date(date(2025, 8, 1))  # before the fourth workshop: nobody is eligible yet
    qtbot.waitUntil(lambda: tab.status_buttons["eligible"].text() == "認定可 (0)", timeout=3000)
    tab.as_of.set_date(DECIDED)
    qtbot.waitUntil(lambda: tab.status_buttons["eligible"].text() == "認定可 (4)", timeout=3000)
    page.hide()
    graduate = town.execute("SELECT staff_id, certificate_no FROM certifications WHERE level_code = 'advisor' "
                            "AND staff_id NOT IN (SELECT staff_id FROM certifications WHERE level_code = 'expert')"
                            ).fetchone()
    decisions.revoke(town, admin, graduate[1], "誤って登録", DECIDED)  # as another screen or the CLI would
    page.show()
    qtbot.waitUntil(lambda: any(r.staff_id == graduate[0] and r.level_code == "advisor" for r in tab._rows),
                    timeout=3000)
    assert page.register_tab.count_label.text() == "25件(うち取消 1件)"
