"""The GUI driven with pytest-qt, offscreen, on real register files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTranslator
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox

from app.register import accounts
from app.register.accounts import Role
from app.demo.town import ensure_demo_database
from tests.conftest import ADMIN_PASSWORD, ADMIN_USER, OFFICER
from tests.fit_probe import run_probe
from tests.qt_helpers import collect_message_texts, when_modal
from ui.register.account_dialogs import LoginDialog, NewAccountDialog
from ui.fonts import register_bundled_fonts
from ui.main import open_session
from ui.main_window import MainWindow, Session
from ui.single_instance import InstanceServer, notify_running_instance
from ui.staff.model import StaffTableModel

pytestmark = pytest.mark.gui


def _type(edit: QLineEdit, text: str) -> None:
    """Type text as an input method commits it: one character at a time.

    (qtbot.keyClicks only knows ASCII keys; Qt aborts on kana.)
    """
    for char in text:
        edit.insert(char)


def _ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_bundled_fonts_are_registered(qapp):
    families = register_bundled_fonts(qapp)
    assert families[:2] == ["IPAexGothic", "IPAmjMincho"]
    assert qapp.font().families()[:2] == families[:2]


def test_first_start_creates_the_administrator(qtbot, tmp_path):
    path = tmp_path / "new.sqlite"

    def fill(dialog) -> None:
        assert isinstance(dialog, NewAccountDialog) and not dialog.role.isEnabled()
        qtbot.keyClicks(dialog.login, "officer")
        _type(dialog.display_name, "情報 花子")
        qtbot.keyClicks(dialog.password, "a strong password")
        qtbot.keyClicks(dialog.password_again, "a strong password")
        when_modal(lambda shown: codes.append(shown.code_label.text()) or shown.accept())  # the recovery code
        _ok(dialog)

    codes: list[str] = []
    when_modal(fill)
    session = open_session(path)
    assert session is not None and session.user.role is Role.ADMIN
    assert len(codes) == 1 and len(codes[0]) == 24  # shown once, at set-up
    assert accounts.authenticate(session.db, "officer", "a strong password").is_admin
    session.db.close()


def test_mismatched_passwords_keep_the_dialog_open(qtbot, db):
    dialog = NewAccountDialog(db, "setup", first_admin=True)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.login, "officer")
    qtbot.keyClicks(dialog.password, "a strong password")
    qtbot.keyClicks(dialog.password_again, "another password")
    _ok(dialog)
    assert dialog.result() == 0 and "一致しません" in dialog.error_label.text()
    assert not accounts.has_users(db)


def test_log_in_see_staff_and_search_narrows(qtbot, tmp_path):
    path = tmp_path / "demo.sqlite"
    ensure_demo_database(path)
    from app.db import open_database

    setup = open_database(path)
    accounts.setup_administrator(setup.db, "admin", "情報 太郎", ADMIN_PASSWORD)
    setup.db.close()

    def wrong_then_right(dialog) -> None:
        assert isinstance(dialog, LoginDialog)
        qtbot.keyClicks(dialog.login, "admin")
        qtbot.keyClicks(dialog.password, "not the password")
        _ok(dialog)
        assert "パスワードが違います" in dialog.error_label.text() and dialog.isVisible()
        qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
        _ok(dialog)

    when_modal(wrong_then_right)
    session = open_session(path)
    assert session is not None
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    page = win.staff_page
    qtbot.waitUntil(lambda: page.is_loaded)
    total = page.model.rowCount()
    assert total == 295  # retired staff hidden by default
    assert page.model.index(0, 1).data()  # a name is shown
    _type(page.search, "たかはし")
    narrowed = page.model.rowCount()
    assert 0 < narrowed < total
    assert all(page.model.row_at(i).reading.startswith("たかはし") for i in range(narrowed))
    assert "職員 300 名" in win.counts_label.text()
    page.search.clear()
    assert page.model.rowCount() == total
    page.include_retired.setChecked(True)
    assert page.model.rowCount() == 300
    session.db.close()


def test_window_paints_first_and_the_staff_list_follows_without_a_click(qtbot, demo_db, db_path, admin):
    """Issue 14: the window is shown with the list still empty; the list arrives from a worker by itself."""
    win = MainWindow(Session(demo_db, db_path, admin))
    qtbot.addWidget(win)
    win.show()
    page = win.staff_page
    assert not page.is_loaded and page.model.rowCount() == 0  # nothing read before the first paint
    assert "職員 300 名" in win.counts_label.text()  # the status line is there from the start
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        pass
    assert page.model.rowCount() == 295  # retired staff hidden by default, as after a reload
    assert page.filter_boxes["department"].count() > 1  # the filters are filled from the same rows
    page.reload()  # an explicit reload still fills the list at once
    assert page.is_loaded and page.model.rowCount() == 295


def test_a_reload_before_the_background_list_arrives_wins(qtbot, demo_db, db_path, admin):
    from ui import background

    win = MainWindow(Session(demo_db, db_path, admin))
    qtbot.addWidget(win)
    page = win.staff_page  # not shown: only this test starts the background read
    arrivals = []
    page.loaded.connect(lambda: arrivals.append(page.model.rowCount()))
    page.load_in_background()
    page.reload()  # e.g. after an import: newer than what the worker reads
    qtbot.waitUntil(lambda: not background._running)
    qtbot.wait(50)
    assert arrivals == [295]  # the reload's rows; the worker's were dropped


def test_header_click_sorts_in_the_core(qtbot, window):
    page = window.staff_page
    header = page.view.horizontalHeader()
    header.sectionClicked.emit(0)
    numbers = [page.model.row_at(i).staff_no for i in range(page.model.rowCount())]
    assert numbers == sorted(numbers)
    header.sectionClicked.emit(0)
    numbers = [page.model.row_at(i).staff_no for i in range(page.model.rowCount())]
    assert numbers == sorted(numbers, reverse=True)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_navigation_shows_every_screen_without_fake_data(qtbot, window):
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles == ["ホーム", "職員", "組織", "プロジェクト", "評価", "研修・資格", "スキル", "認定", "証書", "目標・配置",
                      "レポート", "設定"]
    window.navigation.setCurrentRow(titles.index("プロジェクト"))
    assert window.pages.currentWidget().objectName() == "page_projects"
    window.navigation.setCurrentRow(titles.index("設定"))
    assert window.pages.currentWidget().widget() is window.settings_page


def test_staff_model_passes_qt_model_tester(qtmodeltester, demo_db):
    from app.staff import directory

    model = StaffTableModel()
    model.set_rows(directory.load_directory(demo_db, ADMIN_USER)[:50])
    qtmodeltester.check(model, force_py=True)


def test_many_data_calls_returning_none_do_not_crash(demo_db):
    """PySide6 6.12.0 on Python 3.11 aborted after ~5,000 such calls (none_dealloc)."""
    from app.staff import directory

    model = StaffTableModel()
    model.set_rows(directory.load_directory(demo_db, ADMIN_USER))
    index = model.index(0, 0)
    for _ in range(20_000):
        assert index.data(Qt.ItemDataRole.DecorationRole) is None
    assert model.data(QModelIndex()) is None


def test_second_start_brings_the_first_forward(qtbot, db_path):
    server = InstanceServer(db_path)
    try:
        with qtbot.waitSignal(server.activate_requested, timeout=3000):
            assert notify_running_instance(db_path)
    finally:
        server.close()
    assert not notify_running_instance(db_path)
    assert not notify_running_instance(db_path.with_name("other.sqlite"))


def test_admin_adds_an_evaluator_from_settings(qtbot, window):
    page = window.settings_page

    def fill(dialog) -> None:
        qtbot.keyClicks(dialog.login, "kacho")
        _type(dialog.display_name, "総務 課長")
        qtbot.keyClicks(dialog.password, "correct horse 2")
        qtbot.keyClicks(dialog.password_again, "correct horse 2")
        _ok(dialog)

    when_modal(fill)
    page.add_user_button.click()
    logins = [page.users_model.record_at(i)["login"] for i in range(page.users_model.rowCount())]
    assert "kacho" in logins
    assert accounts.authenticate(window.session.db, "kacho", "correct horse 2").role is Role.EVALUATOR
    assert page.audit_model.rowCount() >= 2


def test_viewer_sees_no_accounts_or_backup(qtbot, demo_db, db_path, admin):
    viewer = accounts.create_user(demo_db, "viewer", "閲覧 者", "correct horse 2", Role.VIEWER, OFFICER)
    win = MainWindow(Session(demo_db, db_path, viewer))
    qtbot.addWidget(win)
    win.show()
    assert not win.settings_page.accounts_box.isVisible()
    assert win.settings_page.users_model.rowCount() == 0
    file_actions = {a.text(): a.isEnabled() for a in win.menuBar().actions()[0].menu().actions() if a.text()}
    assert file_actions["バックアップを作成(&B)…"] is False


def test_unhandled_exception_is_logged_and_shown(qtbot, tmp_path):
    from ui import crash

    log_path = crash.setup_logging(tmp_path)
    crash.install_excepthook(log_path)
    shown = collect_message_texts()
    try:
        raise ValueError("broken on purpose")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = sys.__excepthook__
    assert "予期しないエラー" in shown[0] or "ログファイル" in shown[0]
    assert "broken on purpose" in log_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("scale", ["1", "1.5"])
def test_main_window_fits_1366x768(tmp_path, scale):
    """Run in a fresh process so that QT_SCALE_FACTOR applies (150 % as on many office laptops)."""
    info = run_probe("main", tmp_path / "fit.sqlite", tmp_path, scale, timeout=120)
    logical_w, logical_h = 1366 / float(scale), 768 / float(scale)
    min_width, min_height = info["window"]["min"]
    assert min_width <= logical_w and min_height <= logical_h - 40, info  # 40: taskbar
    shot = tmp_path / info["parts"]["main"]["shot"]
    assert shot.exists() and shot.stat().st_size > 10_000


@pytest.mark.parametrize("scale", ["1", "1.5"])
def test_settings_tables_have_room_at_1366x768(tmp_path, scale):
    """設定 squeezed the accounts and the 操作記録 to one or two rows: each gets a usable height, at 100 % and 150 %,
    and the log reads as sentences that name people, not as JSON."""
    info = run_probe("settings", tmp_path / "fit.sqlite", tmp_path, scale)
    accounts, audit = info["parts"]["settings-accounts"], info["parts"]["settings-audit"]
    wanted = 8 if scale == "1" else 5
    assert accounts["rows_shown"] >= min(wanted, accounts["rows"]), info
    assert audit["rows_shown"] >= wanted, info
    logical_w, logical_h = 1366 / float(scale), 768 / float(scale)
    assert info["window"]["min"][0] <= logical_w and info["window"]["min"][1] <= logical_h - 40, info
    newest = audit["first"][-1]
    assert "{" not in newest and "staff5" in newest and "評価者" in newest, newest  # 「アカウント staff5（評価者）を作成…」
    assert all(p.stat().st_size > 10_000 for p in tmp_path.glob("settings-*.png"))


def test_qt_own_buttons_are_japanese(qapp, db):
    from ui.main import install_qt_translations

    before = set(qapp.findChildren(QTranslator))
    install_qt_translations(qapp, "ja")
    try:
        dialog = LoginDialog(db, "x.sqlite")
        assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "キャンセル"
    finally:
        for translator in set(qapp.findChildren(QTranslator)) - before:
            qapp.removeTranslator(translator)


@pytest.fixture
def qt_language(qapp):
    """Install Qt's language for a test, then put back the default locale and the translators."""
    from PySide6.QtCore import QLocale

    from ui.qt_language import install_qt_translations

    before_locale, before = QLocale(), set(qapp.findChildren(QTranslator))
    yield lambda language: install_qt_translations(qapp, language)
    for translator in set(qapp.findChildren(QTranslator)) - before:
        qapp.removeTranslator(translator)
    QLocale.setDefault(before_locale)


@pytest.mark.parametrize(("language", "look_in", "file_type", "november", "monday"), [
    ("ja", "アドレス(&L):", "ファイルの種類(&T):", "11月", "月"),
    ("en", "&Look in:", "Files of &type:", "November", "Mon"),
])
def test_qt_dialogs_and_calendar_speak_the_ui_language_whatever_the_system(
        qtbot, qt_language, language, look_in, file_type, november, monday):
    """Issue 12 item 21: with an English system locale Qt said 「Look in:」 and 「November 2026」, Mon…Sun."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QCalendarWidget, QFileDialog, QLabel

    from app import i18n

    QLocale.setDefault(QLocale(QLocale.Language.English if language == "ja" else QLocale.Language.Japanese))
    i18n.install(language)
    qt_language(language)
    dialog = QFileDialog(None, "x", str(Path.home()))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLabel, "lookInLabel").text() == look_in
    assert dialog.findChild(QLabel, "fileTypeLabel").text() == file_type
    calendar = QCalendarWidget()
    qtbot.addWidget(calendar)
    assert calendar.locale().monthName(11) == november
    assert calendar.locale().dayName(1, QLocale.FormatType.ShortFormat) == monday


def test_native_crash_of_the_last_run_is_reported_once(qtbot, tmp_path):
    import faulthandler

    from ui import crash

    (tmp_path / "native-crash.log").write_text("Fatal Python error: Segmentation fault\n", encoding="utf-8")
    kept = crash.take_previous_native_crash(tmp_path)
    assert kept is not None and "Segmentation fault" in kept.read_text(encoding="utf-8")
    shown = collect_message_texts()
    crash.report_previous_native_crash(kept)
    assert "異常終了" in shown[0] and str(kept) in shown[0]
    crash.setup_logging(tmp_path)
    faulthandler.disable()
    assert crash.take_previous_native_crash(tmp_path) is None  # a clean run leaves nothing to report


def test_a_locked_register_is_not_opened_twice(qtbot, db_path):
    from app import lock
    from ui.main import Controller

    from app.db import open_database

    open_database(db_path).db.close()
    holder = lock.acquire(db_path)
    shown = collect_message_texts()
    try:
        assert Controller().start(db_path) is False
    finally:
        holder.release()
    assert "開かれています" in shown[0]


def test_restore_from_the_gui_replaces_the_register_and_asks_to_log_in(qtbot, tmp_path):
    from app.overview import maintenance
    from app.db import open_database
    from ui.main import Controller

    path = tmp_path / "register.sqlite"
    ensure_demo_database(path)
    setup = open_database(path)
    accounts.setup_administrator(setup.db, "admin", "情報 太郎", ADMIN_PASSWORD)
    backup = tmp_path / "backup.sqlite"
    maintenance.backup(setup.db, backup, ADMIN_USER)
    # Staff 201.. not on a demo project nor certified can go without touching the evaluations.
    setup.db.execute("DELETE FROM staff_assignments WHERE staff_id > 200")
    for table in ("training_attendance", "staff_qualifications", "designations", "staff_skills",
                  "staff_skill_profiles"):  # the demo's other records
        setup.db.execute(f"DELETE FROM {table} WHERE staff_id > 200")
    setup.db.execute("DELETE FROM staff WHERE id > 200 AND id NOT IN (SELECT staff_id FROM project_members) "
                     "AND id NOT IN (SELECT evaluator_staff_id FROM evaluation_assignments WHERE evaluator_staff_id IS NOT NULL) "
                     "AND id NOT IN (SELECT staff_id FROM certifications)")
    remaining = setup.db.execute("SELECT count(*) FROM staff").fetchone()[0]
    setup.db.conn.commit()
    setup.db.close()

    def log_in(dialog) -> None:
        dialog.login.setText("admin")
        dialog.password.setText(ADMIN_PASSWORD)
        _ok(dialog)

    controller = Controller()
    when_modal(log_in)
    assert controller.start(path)
    qtbot.addWidget(controller.window)
    assert f"職員 {remaining} 名" in controller.window.counts_label.text()
    assert remaining < 300

    def confirm_then_log_in(box) -> None:
        box.done(0)  # the "restored" message
        when_modal(log_in)

    when_modal(confirm_then_log_in)
    controller._restore(backup)
    qtbot.addWidget(controller.window)
    assert "職員 300 名" in controller.window.counts_label.text()
    kept = list((tmp_path / "backups").glob("register.before-restore-*.sqlite"))
    assert len(kept) == 1
    controller.window.session.db.close()
    controller._lock.release()


def test_admin_resets_a_password_from_settings(qtbot, window):
    page = window.settings_page
    accounts.create_user(window.session.db, "kacho", "総務 課長", "correct horse 2", Role.EVALUATOR, OFFICER)
    page.reload()
    row = next(i for i in range(page.users_model.rowCount()) if page.users_model.record_at(i)["login"] == "kacho")
    page.users_view.selectRow(row)

    shown: list[str] = []

    def confirm(box) -> None:
        when_modal(lambda info: shown.append(info.text()) or info.done(0))  # the temporary password
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(confirm)
    page.password_button.click()
    temporary = shown[0].split("\n\n")[1]
    user = accounts.authenticate(window.session.db, "kacho", temporary)
    assert user.must_change_password


def test_background_work_returns_results_and_raises_errors(qtbot):
    import threading

    from app.errors import UserError
    from ui.background import run_in_background

    main_thread = threading.get_ident()
    assert run_in_background(None, "…", lambda: threading.get_ident()) != main_thread

    def fail() -> None:
        raise UserError("読めません")

    with pytest.raises(UserError, match="読めません"):
        run_in_background(None, "…", fail)


def _answer_unsaved(choice: str) -> list[str]:
    """Answer the next 未保存の変更 question with the button labelled ``choice``; keep its text."""
    from PySide6.QtWidgets import QMessageBox

    from tests.qt_helpers import when_modal

    shown: list[str] = []

    def answer(box: QMessageBox) -> None:
        shown.append(box.text())
        next(b for b in box.buttons() if b.text() == choice).click()

    when_modal(answer)
    return shown


def test_municipality_settings_are_saved_with_save_and_audited(qtbot, window):
    """設定 saves the town and issuer as 証書 → 様式・文面 does: with 保存, asking before leaving with changes."""
    from app.register import settings as app_settings
    from ui.main_window import NAVIGATION

    db = window.session.db
    rows = [key for key, _t in NAVIGATION]
    window.navigation.setCurrentRow(rows.index("settings"))
    page = window.settings_page
    assert not page.municipality_save.isEnabled()
    edit = page.setting_edits["municipality_name"]
    edit.setText("真岡市")
    edit.editingFinished.emit()  # leaving the field no longer saves
    assert app_settings.get(db, "municipality_name") == "" and page.municipality_save.isEnabled()

    shown = _answer_unsaved("このまま続ける")
    window.navigation.setCurrentRow(rows.index("staff"))
    assert "未保存" in shown[0] and window.pages.currentWidget() is window._settings_area
    assert window.navigation.currentRow() == rows.index("settings") and edit.text() == "真岡市"

    _answer_unsaved("保存")
    window.navigation.setCurrentRow(rows.index("staff"))
    assert window.pages.currentWidget() is window.staff_page
    assert app_settings.get(db, "municipality_name") == "真岡市"
    assert app_settings.get(db, "mayor_title") == "市長"
    actions = [r["action"] for r in db.query("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")]
    assert actions == ["setting.change"]

    window.navigation.setCurrentRow(rows.index("settings"))
    page.setting_edits["mayor_name"].setText("石坂😀")
    page.municipality_save.click()  # refused inline, naming the field and the character
    assert "認定者の氏名" in page.municipality_error.text() and "U+1F600" in page.municipality_error.text()
    _answer_unsaved("変更を破棄")
    window.navigation.setCurrentRow(rows.index("staff"))
    assert app_settings.get(db, "mayor_name") == "" and page.setting_edits["mayor_name"].text() == ""
