"""The window's side of items 6 and 7: the lock-wait notice, the backup folder setting, the restore preview."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.overview import maintenance
from app.register import settings
from tests.conftest import admin_as
from tests.qt_helpers import when_modal
from tests.test_writes import WAITING, WriteLock


def test_a_write_waiting_for_another_shows_it_in_the_status_bar(qtbot, window, db_path, monkeypatch):
    monkeypatch.setenv("DX_JINZAI_LOCK_WAIT_SECONDS", "0.8")
    seen: list[str] = []
    real_notify = window.lock_wait_notice.notify

    def spy(waiting: bool) -> None:
        real_notify(waiting)
        seen.append(window.statusBar().currentMessage())

    from app import db as app_db

    app_db.set_lock_wait_listener(spy)
    lock = WriteLock(db_path)
    try:
        try:
            settings.set_value(window.session.db, "municipality_name", "待ち町", admin_as("admin"))
        except maintenance.UserError as exc:
            refused = str(exc)
    finally:
        lock.release()
        app_db.set_lock_wait_listener(real_notify)
    assert any(WAITING in text for text in seen)
    assert "何も変更していません" in refused
    assert WAITING not in window.statusBar().currentMessage()  # cleared once given up


def test_the_officer_sets_a_backup_folder_on_the_settings_screen(qtbot, window, tmp_path):
    page = window.settings_page
    page.tabs.setCurrentWidget(page.backup_box)
    page.backup_folder.setText(str(tmp_path / "USB"))
    assert not page.save_backup_folder()
    assert page.backup_folder_error.isVisibleTo(page) and "USB" in page.backup_folder_error.text()
    (tmp_path / "USB").mkdir()
    assert page.save_backup_folder()
    assert not page.backup_folder_error.isVisibleTo(page)
    assert maintenance.chosen_backup_folder(window.session.db) == tmp_path / "USB"


def test_restore_asks_with_what_the_backup_holds(qtbot, window, tmp_path):
    backup = tmp_path / "copy.sqlite"
    maintenance.backup(window.session.db, backup, admin_as("admin"))
    shown: list[str] = []
    requested: list[Path] = []
    window.restore_requested.connect(requested.append)

    def answer_no(box) -> None:
        shown.append(box.text())
        box.done(QMessageBox.StandardButton.No)

    when_modal(answer_no)
    window.confirm_restore(backup)
    assert "職員 300 名" in shown[0] and "最後の変更" in shown[0] and "作成日時" in shown[0]
    assert requested == []  # nothing replaced without a yes
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(backup.read_bytes()[:4096] + b"\0" * 4096)

    def close(box) -> None:
        shown.append(box.text())
        box.done(0)

    when_modal(close)
    window.confirm_restore(damaged)
    assert requested == [] and len(shown) == 2
