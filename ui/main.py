"""dx-jinzai: start the GUI — fonts, crash log, one instance per database, login."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import __version__, i18n, lock
from app.register import accounts
from app.overview import maintenance
from app import seal
from app.db import open_database, storage_message
from app.demo.town import ensure_demo_database
from app.errors import DatabaseRefused, UserError
from app.i18n import _
from app.paths import default_database_path, demo_database_path, log_dir
from ui.register.account_dialogs import ChangePasswordDialog, LoginDialog, NewAccountDialog
from ui.crash import install_excepthook, report_previous_native_crash, setup_logging, take_previous_native_crash
from ui import self_check as gui_self_check
from ui.fonts import register_bundled_fonts
from ui.main_window import MainWindow, Session
from ui.qt_language import install_qt_translations
from ui.register.settings_page import LANGUAGE_KEY
from ui.single_instance import InstanceServer, notify_running_instance

log = logging.getLogger("dx_jinzai")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dx-jinzai", description="DX人材認定台帳")
    parser.add_argument("--version", action="version", version=f"dx-jinzai {__version__}")
    parser.add_argument("--db", type=Path, help="database file (default: the register in your user data folder)")
    parser.add_argument("--demo", action="store_true", help="open the demo town (created on first use)")
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help="user interface language")
    parser.add_argument("--smoke-screenshot", type=Path, metavar="PNG",
                        help="for build checks: save the first window shown to PNG, then quit (no login)")
    parser.add_argument("--self-check", action="store_true",
                        help="check fonts, translations, migrations and modules of this installation, then quit")
    parser.add_argument("--json", action="store_true", help="with --self-check: print JSON")
    parser.add_argument("--report", type=Path, metavar="JSON",
                        help="with --self-check: also write the JSON report there (a windowed program may have "
                             "no console)")
    return parser.parse_args(argv)


def open_session(path: Path, parent: QWidget | None = None) -> Session | None:
    """Open a register and log in; None when refused or cancelled (the user was told why)."""
    try:
        result = open_database(path)
    except DatabaseRefused as exc:
        QMessageBox.critical(parent, _("Cannot open the register"), str(exc))
        return None
    db = result.db
    if result.network_warning:  # a warning, never a refusal: some towns have nowhere else to keep it
        QMessageBox.warning(parent, _("Register on a network share"), result.network_warning)
    if result.backup_path:
        QMessageBox.information(parent, _("Register updated"), _(
            "The register was updated to the data format of this version. "
            "A backup of the previous file was taken first:\n{path}").format(path=result.backup_path))
    if not accounts.has_users(db):
        dialog = NewAccountDialog(db, None, first_admin=True, parent=parent)
        if not dialog.exec():
            db.close()
            return None
        user = dialog.user
    else:
        user = log_in(db, str(path), parent)
        if user is None:
            db.close()
            return None
    assert user is not None
    log.info("%s logged in to %s", user.login, path)
    if result.takeover is not None:
        QMessageBox.information(parent, _("Register from another PC"), seal.describe_takeover(result.takeover))
    if user.is_admin:
        _tamper_warning(db, parent)
    _daily_backup(db, path, parent)
    return Session(db, path, user)


def log_in(db, label: str, parent: QWidget | None) -> accounts.User | None:
    """The login dialog, then a new password when the administrator set a temporary one; None if cancelled."""
    dialog = LoginDialog(db, label, parent)
    if not dialog.exec() or dialog.user is None:
        return None
    user = dialog.user
    if user.must_change_password:
        if not ChangePasswordDialog(db, user, current_password=dialog.entered_password, parent=parent).exec():
            return None
        user = dataclasses.replace(user, must_change_password=False)
    return user


def _tamper_warning(db, parent: QWidget | None) -> None:
    """Tell the administrator at login when `check` would fail: the register was changed outside the app."""
    report = seal.verify(db)
    if report.ok:
        return
    log.warning("tamper check failed: %s", report.problems[0].text())
    QMessageBox.warning(parent, _("The register was changed outside the app"), _(
        "Records of the register were changed outside this app, or their protection was removed. Nothing was "
        "changed by this message; run the check (dx-jinzai-cli check) and compare with a backup.\n\n{details}").format(
        details="\n".join(report.summary()[:5])))


def _daily_backup(db, path: Path, parent: QWidget | None) -> None:
    """The automatic backup (beside the register and in the chosen folder); when a place refuses it (full,
    read-only, a USB stick not plugged in), warn but never keep the officer out."""
    outcome = maintenance.scheduled_backups(db, path)
    for made in outcome.written:
        log.info("automatic backup written to %s", made)
    if outcome.problems:
        log.warning("automatic backup failed: %s", outcome.problems)
        QMessageBox.warning(parent, _("Automatic backup failed"), _(
            "Today's automatic backup could not be written. You can keep working; the register itself is "
            "unchanged. Make a backup by hand (File → Make a backup) once the cause is fixed.\n\n{reason}").format(
            reason="\n".join(outcome.problems)))


def closing_backup(db, path: Path) -> None:
    """The backup taken when a register is closed (thinned with the daily ones); problems go to the log only,
    since nobody is left to read a dialog, and the next login's daily backup reports them again."""
    try:
        outcome = maintenance.scheduled_backups(db, path, min_interval_hours=0)
    except Exception:  # closing must never fail because of a backup
        log.exception("closing backup failed")
        return
    for made in outcome.written:
        log.info("closing backup written to %s", made)
    if outcome.problems:
        log.warning("closing backup failed: %s", outcome.problems)


def _handed_to_running_instance(path: Path, parent: QWidget | None) -> bool:
    """True (and the user told) when another window already has this register open."""
    if not notify_running_instance(path):
        return False
    QMessageBox.information(parent, _("Already open"), _(
        "This register is already open in another window, which has been brought to the front:\n{path}"
    ).format(path=path))
    return True


class Controller(QObject):
    """Owns the open session, its window, the file lock and the single-instance server."""

    def __init__(self) -> None:
        super().__init__()
        self.window: MainWindow | None = None
        self._server: InstanceServer | None = None
        self._lock = None

    def start(self, path: Path) -> bool:
        return self._open(path, None)

    def _open(self, path: Path, parent: QWidget | None) -> bool:
        """Claim the register (lock, then a listening server) before the login, then show it."""
        if _handed_to_running_instance(path, parent):
            return False
        try:
            file_lock = lock.acquire(path)
        except UserError as exc:  # held by a process that does not answer (a CLI restore, a hung window)
            QMessageBox.information(parent, _("Already open"), str(exc))
            return False
        server = InstanceServer(path, self)
        server.activate_requested.connect(self._bring_forward)
        session = open_session(path, parent)
        if session is None:
            server.close()
            file_lock.release()
            return False
        self._show(session, server, file_lock)
        return True

    def _show(self, session: Session, server: InstanceServer, file_lock) -> None:
        old, old_server, old_lock = self.window, self._server, self._lock
        self.window = MainWindow(session)
        self.window.new_requested.connect(self._switch)
        self.window.open_requested.connect(self._switch)
        self.window.restore_requested.connect(self._restore)
        self.window.switch_user_requested.connect(self._switch_user)
        self._server, self._lock = server, file_lock
        self.window.show()
        # A new register: the administrator is taken through the set-up guide once the window is up (decided
        # now, so that no timer reads the register later, e.g. after it was closed for a restore).
        if self.window.wants_setup_guide():
            QTimer.singleShot(0, self.window.open_setup_guide)
        if old is not None:
            if old.backup_on_close:
                closing_backup(old.session.db, old.session.path)
                old.backup_on_close = False
            old.closing_for_switch = old.locked
            old.session.db.close()
            old.close()
            old.deleteLater()
        if old_server is not None and old_server is not server:
            old_server.close()
        if old_lock is not None and old_lock is not file_lock:
            old_lock.release()

    def _switch(self, path: Path) -> None:
        if self.window and path.resolve() == self.window.session.path.resolve():
            return
        self._open(path, self.window)

    def _restore(self, backup: Path) -> None:
        """Close the register, replace it with the backup, and log in again."""
        assert self.window is not None and self._server is not None and self._lock is not None
        session = self.window.session
        self.window.backup_on_close = False  # the restore keeps the current register itself
        from ui.background import wait_for_background_work

        wait_for_background_work()  # a worker (ホーム's figures and check, the staff list) lets go of the file
        session.db.close()  # no connection may stay open on a file being replaced
        self._lock.release()  # the restore takes the lock itself
        try:
            note = maintenance.key_note(backup)
            kept = maintenance.restore(session.path, backup, session.user)
        except UserError as exc:
            QMessageBox.warning(self.window, _("Restore from backup"), str(exc))
        else:
            QMessageBox.information(self.window, _("Restore from backup"), _(
                "The register was restored. The previous one was kept as:\n{path}").format(path=kept) + "\n\n" + note)
        self._lock.acquire(timeout=0)
        new_session = open_session(session.path, self.window)
        if new_session is None:
            self.window.close()
            return
        self._show(new_session, self._server, self._lock)

    def _switch_user(self) -> None:
        """From the lock screen: a new login on the same register; cancelled, the screen stays locked."""
        assert self.window is not None and self._server is not None and self._lock is not None
        session = open_session(self.window.session.path, self.window)
        if session is not None:
            self._show(session, self._server, self._lock)

    def _bring_forward(self) -> None:
        if self.window is not None:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()


def start_gui_collector(app: QApplication) -> None:
    """Garbage collection on the GUI thread only, before any worker exists (see ui.gui_gc)."""
    from ui import gui_gc

    gui_gc.start(app)


def run_self_check(app: QApplication, as_json: bool, report_path: Path | None) -> int:
    """The self-check with the GUI's own checks; 0 when everything is there, 1 otherwise."""
    report = gui_self_check.run(app)
    if report_path:
        report_path.write_text(report.json(), encoding="utf-8")
    if sys.stdout is not None:  # a windowed Windows program started without pipes has none
        i18n.ensure_japanese_output()  # a pipe on a Western-locale Windows is cp1252
        print(report.json() if as_json else report.text())
    return 0 if report.ok else 1


def create_application(argv: Sequence[str]) -> QApplication:
    app = QApplication.instance() or QApplication(list(argv))
    app.setOrganizationName("dx-jinzai")
    app.setApplicationName("dx-jinzai")
    app.setApplicationVersion(__version__)
    return app


def _arm_smoke_screenshot(target: Path) -> None:
    """Save the first dialog or window to ``target`` and close it without logging in.

    Build checks (the frozen bundle, the installer under Wine) prove that the program starts,
    finds its fonts and translations and paints Japanese text; nothing is opened past the login.
    """

    def attempt() -> None:
        widget = QApplication.activeModalWidget() or QApplication.activeWindow()
        if widget is None:
            QTimer.singleShot(100, attempt)
            return
        widget.grab().save(str(target))
        widget.close()
        widget.hide()  # under Wine with the offscreen platform close() leaves a modal dialog open

    QTimer.singleShot(300, attempt)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = create_application(sys.argv[:1])
    start_gui_collector(app)
    language = i18n.install(args.lang or str(QSettings().value(LANGUAGE_KEY, i18n.DEFAULT_LANGUAGE)))
    if args.self_check:  # before the crash hook and its dialog: a build check must never wait on a window
        install_qt_translations(app, language)
        return run_self_check(app, args.json, args.report)
    folder = log_dir()
    previous_crash = take_previous_native_crash(folder)
    install_excepthook(setup_logging(folder))
    install_qt_translations(app, language)  # after the log exists: it records where Qt's catalogue came from
    register_bundled_fonts(app)
    report_previous_native_crash(previous_crash)
    if args.db:
        path = args.db.expanduser()
    elif args.demo:
        path = demo_database_path()
        ensure_demo_database(path)
    else:
        path = default_database_path()
    if args.smoke_screenshot:
        _arm_smoke_screenshot(args.smoke_screenshot)
    controller = Controller()
    if not controller.start(path):
        return 0
    code = app.exec()
    window = controller.window
    if window is not None and window.backup_on_close:
        closing_backup(window.session.db, window.session.path)
    return code


if __name__ == "__main__":
    sys.exit(main())
