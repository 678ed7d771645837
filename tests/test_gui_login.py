"""Login hardening in the GUI: waiting without freezing, recovery, temporary passwords, the idle lock."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app.register import accounts
from app.register import settings as app_settings
from app.register.accounts import Role
from tests.conftest import ADMIN_PASSWORD, OFFICER
from tests.qt_helpers import when_modal
from ui.register.account_dialogs import LoginDialog, RecoveryDialog
from ui.main import log_in

pytestmark = pytest.mark.gui


def _ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_login_waits_after_failures_without_freezing(qtbot, db, admin):
    """Before: 30 wrong passwords through the GUI in 8.7 s, then the right one worked."""
    dialog = LoginDialog(db, "register.sqlite")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.login.setText("admin")
    started = time.monotonic()
    for _ in range(accounts.FREE_FAILURES + 1):
        dialog.password.setText("wrong password")
        _ok(dialog)
    assert time.monotonic() - started < 5  # argon2 only; no sleep on the GUI thread
    assert "しばらく待ってから" in dialog.error_label.text() and not ok.isEnabled()
    dialog.password.setText(ADMIN_PASSWORD)
    _ok(dialog)  # disabled: nothing happens
    assert dialog.user is None
    qtbot.waitUntil(ok.isEnabled, timeout=5000)
    _ok(dialog)
    assert dialog.user is not None and dialog.user.is_admin


def test_recovery_from_the_login_screen(qtbot, db):
    _, code = accounts.setup_administrator(db, "officer", "情報 花子", "a strong password")
    dialog = RecoveryDialog(db, "officer")
    qtbot.addWidget(dialog)
    dialog.code.setText("AAAA-BBBB-CCCC-DDDD-EEEE")
    dialog.new_password.setText("forgot it, new one")
    dialog.again.setText("forgot it, new one")
    _ok(dialog)
    assert "回復コードが違います" in dialog.error_label.text()
    dialog.code.setText(code)
    shown: list[str] = []
    when_modal(lambda box: shown.append(box.code_label.text()) or box.accept())
    _ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted and shown and shown[0] != code
    assert accounts.authenticate(db, "officer", "forgot it, new one").is_admin


def test_temporary_password_must_be_replaced_at_login(qtbot, db, admin):
    accounts.create_user(db, "kacho", "総務 課長", "correct horse 2", Role.EVALUATOR, OFFICER)
    temporary = accounts.reset_password(db, "kacho", admin)

    def change(dialog) -> None:
        dialog.new_password.setText("my own passphrase")
        dialog.again.setText("my own passphrase")
        _ok(dialog)

    def login(dialog) -> None:
        dialog.login.setText("kacho")
        dialog.password.setText(temporary)
        when_modal(change)
        _ok(dialog)

    when_modal(login)
    user = log_in(db, "register.sqlite", None)
    assert user is not None and not user.must_change_password
    assert not accounts.authenticate(db, "kacho", "my own passphrase").must_change_password


def test_idle_lock_hides_the_register_until_the_password(qtbot, window):
    watcher = window.idle_watcher
    watcher.check(now=time.monotonic() + 9 * 60)  # the default is 10 minutes
    assert not window.locked
    watcher.check(now=time.monotonic() + 10 * 60 + 1)
    assert window.locked and window.central.currentWidget() is window.lock_screen
    assert not window.menuBar().isEnabled()
    screen = window.lock_screen
    screen.password.setText("wrong password")
    screen.unlock_button.click()
    assert window.locked and "パスワードが違います" in screen.error_label.text()
    screen.password.setText(ADMIN_PASSWORD)
    screen.unlock_button.click()
    assert not window.locked and window.menuBar().isEnabled()


def test_idle_lock_can_be_turned_off(qtbot, window):
    app_settings.set_value(window.session.db, "idle_lock_minutes", 0, OFFICER)
    window.idle_watcher.check(now=time.monotonic() + 24 * 3600)
    assert not window.locked


def test_idle_lock_cancels_open_dialogs(qtbot, window):
    dialog = QDialog(window)
    dialog.show()
    window.lock()
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_another_user_logs_in_from_the_lock_screen(qtbot, tmp_path):
    from app.db import open_database
    from ui.main import Controller

    path = tmp_path / "register.sqlite"
    setup = open_database(path).db
    admin, _ = accounts.setup_administrator(setup, "admin", "情報 太郎", ADMIN_PASSWORD)
    accounts.create_user(setup, "kacho", "総務 課長", "correct horse 2", Role.EVALUATOR, admin)
    app_settings.set_value(setup, "municipality_name", "試験町", admin)  # set up: the guide does not open by itself
    setup.close()

    def log_in_as(login: str, password: str):
        def fill(dialog) -> None:
            dialog.login.setText(login)
            dialog.password.setText(password)
            _ok(dialog)
        return fill

    controller = Controller()
    when_modal(log_in_as("admin", ADMIN_PASSWORD))
    assert controller.start(path)
    first = controller.window
    qtbot.addWidget(first)
    first.lock()
    when_modal(lambda dialog: dialog.reject())  # cancelled: the screen stays locked
    first.lock_screen.switch_button.click()
    assert controller.window is first and first.locked
    when_modal(log_in_as("kacho", "correct horse 2"))
    first.lock_screen.switch_button.click()
    second = controller.window
    qtbot.addWidget(second)
    assert second is not first and second.session.user.login == "kacho" and not first.isVisible()
    second.session.db.close()
    controller._lock.release()
