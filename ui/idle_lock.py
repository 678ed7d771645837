"""Idle auto-lock for a shared PC: after N minutes without input the main window hides its content.

The lock screen asks for the same user's password (``accounts.authenticate``, throttled like the
login) or lets another user log in, which starts a new session. Open dialogs are cancelled when
the screen locks (nothing in them is saved), so that no personnel data stays on screen behind
the lock. The number of minutes is the register's setting ``idle_lock_minutes`` (0 = never).
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.register import accounts
from app.register import settings as app_settings
from app.errors import UserError
from app.i18n import _
from ui.widgets.dialog_parts import ERROR_STYLE

_INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
                 QEvent.Type.TouchBegin}
CHECK_INTERVAL_MS = 5000


class IdleWatcher(QObject):
    """Emits ``idle`` once when no key, mouse or wheel input reached the application for ``minutes()``."""

    idle = Signal()

    def __init__(self, minutes, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._minutes = minutes  # a callable: the setting may change while the window is open
        self._last_input = time.monotonic()
        self.paused = False
        QApplication.instance().installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(CHECK_INTERVAL_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in _INPUT_EVENTS:
            self._last_input = time.monotonic()
        return False

    def touch(self) -> None:
        self._last_input = time.monotonic()

    def check(self, now: float | None = None) -> None:
        """Lock when idle long enough (``now`` lets a test stand at any moment)."""
        minutes = self._minutes()
        if self.paused or not minutes:
            return
        if (now if now is not None else time.monotonic()) - self._last_input >= minutes * 60:
            self.idle.emit()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockScreen(QWidget):
    """What the main window shows while locked: the user's password, or another user's login."""

    unlocked = Signal()
    switch_user = Signal()

    def __init__(self, db, user: accounts.User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self._db, self._user = db, user
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setMinimumWidth(480)
        box.setMaximumWidth(560)
        layout = QVBoxLayout(box)
        title = QLabel(_("The screen is locked"))
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addWidget(title)
        intro = QLabel(_("This screen was locked after a time without input, so that nobody passing by sees the "
                         "register. {name} ({login}): enter your password to go on where you left off.").format(
            name=user.display_name, login=user.login))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("Password"))
        self.password.returnPressed.connect(self._unlock)
        layout.addWidget(self.password)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        buttons = QHBoxLayout()
        self.unlock_button = QPushButton(_("Unlock"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock)
        self.switch_button = QPushButton(_("Log in as another user…"))
        self.switch_button.setObjectName("switchUserButton")
        self.switch_button.clicked.connect(self.switch_user)
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        buttons.addWidget(self.switch_button)
        layout.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def reset(self) -> None:
        self.password.clear()
        self.error_label.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _unlock(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        try:
            accounts.authenticate(self._db, self._user.login, self.password.text())
        except UserError as exc:
            self.password.clear()
            self.error_label.setText(str(exc))
            if isinstance(exc, accounts.LoginThrottled):
                self._hold_off(exc.until)
            return
        self.password.clear()
        self.error_label.clear()
        self.unlocked.emit()

    def _hold_off(self, until: datetime) -> None:
        """No sleep on the GUI thread: the button waits, the time is in the message."""
        self.unlock_button.setEnabled(False)
        wait_ms = max(0, int((until - datetime.now()).total_seconds() * 1000)) + 500
        QTimer.singleShot(wait_ms, self, lambda: self.unlock_button.setEnabled(True))


def idle_minutes(db) -> int:
    """The setting, read each time so that a change applies without restarting."""
    try:
        return int(app_settings.get(db, "idle_lock_minutes") or 0)
    except (TypeError, ValueError):
        return app_settings.SETTINGS["idle_lock_minutes"].default
    except sqlite3.Error:  # the register was closed under a window about to go (restore, switch): no lock
        return 0


def close_dialogs(keep: QWidget) -> None:
    """Cancel every open dialog (their content would stay visible beside the lock screen)."""
    for widget in QApplication.topLevelWidgets():
        if widget is not keep and isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
