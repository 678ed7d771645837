"""First-start administrator creation, login, recovery, password changes, and adding accounts."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.register import accounts
from app.register.accounts import Role, User
from app.errors import AuthenticationError, UserError
from app.i18n import _
from ui.widgets.form_dialog import FormDialog


class _AccountForm(FormDialog):
    """Shared layout: an intro text, a form (the subclass adds its rows to ``self.form``), an error line, OK/Cancel."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        self._intro = intro
        super().__init__(title, parent)
        self.setMinimumWidth(440)

    def build(self, layout: QVBoxLayout) -> None:
        intro_label = QLabel(self._intro)
        intro_label.setWordWrap(True)
        layout.addWidget(intro_label)
        self.form = QFormLayout()
        layout.addLayout(self.form)

    def _line(self, label: str, name: str, password: bool = False) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(label, edit)
        return edit

    def refused(self, exc: UserError) -> None:
        self.after_error()
        if isinstance(exc, accounts.LoginThrottled):
            self.hold_off(exc.until)

    def hold_off(self, until: datetime) -> None:
        """Keep OK disabled until the next attempt is allowed: a timer, never a sleep on the GUI thread."""
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        wait_ms = max(0, int((until - datetime.now()).total_seconds() * 1000)) + 500
        QTimer.singleShot(wait_ms, self, lambda: ok.setEnabled(True))

    def after_error(self) -> None:
        """Hook for a dialog to reset fields after a refused submit."""


class StaffNumberField(QWidget):
    """A 職員番号 box that shows whose number it is as it is typed (empty = no link)."""

    def __init__(self, db: sqlite_utils.Database, staff_no: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(staff_no)
        self.edit.setObjectName("staffNo")
        self.edit.setPlaceholderText(_("Staff no. (for evaluators; may be left empty)"))
        self.found = QLabel()
        self.found.setObjectName("staffFound")
        layout.addWidget(self.edit)
        layout.addWidget(self.found)
        self.edit.textChanged.connect(self._show)
        self._show()

    def _show(self) -> None:
        text = self.edit.text().strip()
        person = accounts.staff_for_number(self._db, text) if text else None
        if not text:
            self.found.setText(_("Not linked to a staff member"))
        elif person is None:
            self.found.setText(_("No staff member has this number."))
        else:
            self.found.setText(person["name"])

    def staff_id(self) -> int | None:
        """The linked person's id; a number that matches nobody is refused rather than ignored."""
        text = self.edit.text().strip()
        if not text:
            return None
        person = accounts.staff_for_number(self._db, text)
        if person is None:
            raise UserError(_("No staff member has the number {no}.").format(no=text))
        return person["id"]


class NewAccountDialog(_AccountForm):
    """Create an account; on an empty register this is the administrator."""

    def __init__(self, db: sqlite_utils.Database, actor: User | None, first_admin: bool,
                 parent: QWidget | None = None) -> None:
        if first_admin:
            title = _("Create the administrator account")
            intro = _("This register has no accounts yet. Create the administrator account for the IT officer. "
                      "Next you are shown a recovery code: print it and lock it away. It is the only way back in "
                      "if this password is forgotten.")
        else:
            title, intro = _("Add an account"), _("Evaluators enter ratings; viewers can only read.")
        super().__init__(title, intro, parent)
        self._db, self._actor, self._first_admin = db, actor, first_admin
        self.login = self._line(_("Login name"), "login")
        self.display_name = self._line(_("Display name"), "displayName")
        self.role = QComboBox()
        self.role.setObjectName("role")
        for role in Role:
            self.role.addItem(_(accounts.ROLE_LABELS[role]), role.value)
        if first_admin:
            self.role.setEnabled(False)
        else:
            self.role.setCurrentIndex(list(Role).index(Role.EVALUATOR))
        self.form.addRow(_("Role"), self.role)
        self.staff = StaffNumberField(db)
        self.form.addRow(_("Staff no."), self.staff)
        self.password = self._line(_("Password"), "password", password=True)
        self.password_again = self._line(_("Password (again)"), "passwordAgain", password=True)
        self.form.addRow("", _rule_note())
        self.user: User | None = None
        self.recovery_code: str | None = None

    def apply(self) -> None:
        if self.password.text() != self.password_again.text():
            raise UserError(_("The passwords do not match."))
        staff_id = self.staff.staff_id()
        if self._first_admin:
            self.user, self.recovery_code = accounts.setup_administrator(
                self._db, self.login.text(), self.display_name.text(), self.password.text())
            if staff_id is not None:
                accounts.link_staff(self._db, self.user.login, staff_id, self.user)
            return
        assert self._actor is not None
        self.user = accounts.create_user(
            self._db, self.login.text(), self.display_name.text(), self.password.text(),
            Role(self.role.currentData()), self._actor, staff_id=staff_id,
        )

    def accept(self) -> None:
        if self.recovery_code:
            RecoveryCodeDialog(self.user.login, self.recovery_code, self).exec()
        super().accept()


def _rule_note() -> QLabel:
    note = QLabel(_("At least {n} characters, not containing the login name, not a common password. "
                    "A few unrelated words are easy to remember and hard to guess.").format(
        n=accounts.MIN_PASSWORD_LENGTH))
    note.setWordWrap(True)
    note.setStyleSheet("color: #555;")
    return note


class RecoveryCodeDialog(QDialog):
    """Shows an administrator's recovery code once: it is stored only as a hash and cannot be shown again."""

    def __init__(self, login: str, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Recovery code"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(_("The recovery code of {login} is shown only now. Print this or write it down and keep it "
                         "locked away (for example in the office safe). With it, a forgotten administrator password "
                         "can be replaced from the login screen (「Forgot the password?」). Each code works once.").format(
            login=login))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.code_label = QLabel(code)
        self.code_label.setObjectName("recoveryCode")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(18)
        self.code_label.setFont(font)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.code_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("I have kept the code"))
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


class LoginDialog(_AccountForm):
    """The login; after too many failures OK waits (the time is named), and a recovery code can be used."""

    def __init__(self, db: sqlite_utils.Database, db_label: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Log in"), _("Register: {path}").format(path=db_label), parent)
        self._db = db
        self.login = self._line(_("Login name"), "login")
        self.password = self._line(_("Password"), "password", password=True)
        self.forgot_button = QPushButton(_("Forgot the password?"))
        self.forgot_button.setObjectName("forgotPassword")
        self.forgot_button.setFlat(True)
        self.forgot_button.setStyleSheet("color: #1a5fb4; text-decoration: underline; text-align: left;")
        self.forgot_button.clicked.connect(self._recover)
        self.form.addRow("", self.forgot_button)
        self.user: User | None = None
        self.entered_password = ""

    def apply(self) -> None:
        self.user = accounts.authenticate(self._db, self.login.text(), self.password.text())
        self.entered_password = self.password.text()
        self.password.clear()

    def _recover(self) -> None:
        dialog = RecoveryDialog(self._db, self.login.text(), self)
        if dialog.exec():
            self.login.setText(dialog.login.text().strip())
            self.error_label.setText(_("The password was changed. Log in with the new password."))
            self.password.setFocus()

    def after_error(self) -> None:
        self.password.clear()
        self.password.setFocus()


class LinkStaffDialog(_AccountForm):
    """Which staff member an account belongs to: their evaluation assignments reach them through it."""

    def __init__(self, db: sqlite_utils.Database, record: dict, actor: User, parent: QWidget | None = None) -> None:
        super().__init__(_("Link to a staff member"), _(
            "An evaluator sees the evaluations assigned to the staff member linked to their account. "
            "Leave the number empty to remove the link."), parent)
        self._db, self._login, self._actor = db, record["login"], actor
        self.form.addRow(_("Login name"), QLabel(record["login"]))
        self.staff = StaffNumberField(db, record.get("staff_no") or "")
        self.form.addRow(_("Staff no."), self.staff)

    def apply(self) -> None:
        accounts.link_staff(self._db, self._login, self.staff.staff_id(), self._actor)


class RecoveryDialog(_AccountForm):
    """「パスワードを忘れた場合」: an administrator's recovery code sets a new password (throttled like a login)."""

    def __init__(self, db: sqlite_utils.Database, login: str = "", parent: QWidget | None = None) -> None:
        super().__init__(_("Forgot the password?"), _(
            "An administrator who forgot the password enters the recovery code printed when the account was "
            "set up, and chooses a new password. The code then stops working and a new one is shown. "
            "Evaluators and viewers ask the administrator to reset their password."), parent)
        self._db = db
        self.login = self._line(_("Login name"), "login")
        self.login.setText(login)
        self.code = self._line(_("Recovery code"), "recoveryCodeInput")
        self.code.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX")
        self.new_password = self._line(_("New password"), "password", password=True)
        self.again = self._line(_("New password (again)"), "passwordAgain", password=True)
        self.form.addRow("", _rule_note())
        self.next_code: str | None = None

    def apply(self) -> None:
        if self.new_password.text() != self.again.text():
            raise UserError(_("The passwords do not match."))
        user, self.next_code = accounts.recover(self._db, self.login.text(), self.code.text(), self.new_password.text())
        RecoveryCodeDialog(user.login, self.next_code, self).exec()


class ChangePasswordDialog(_AccountForm):
    """One's own new password; the current one is asked unless it was just typed at the login."""

    def __init__(self, db: sqlite_utils.Database, user: User, current_password: str | None = None,
                 parent: QWidget | None = None) -> None:
        forced = current_password is not None
        super().__init__(_("Choose a new password"), _(
            "Your password was set by the administrator. Choose your own password now.") if forced else
            _("Change the password of {login}.").format(login=user.login), parent)
        self._db, self._user, self._current = db, user, current_password
        self.current = None if forced else self._line(_("Current password"), "currentPassword", password=True)
        self.new_password = self._line(_("New password"), "password", password=True)
        self.again = self._line(_("New password (again)"), "passwordAgain", password=True)
        self.form.addRow("", _rule_note())

    def apply(self) -> None:
        if self.new_password.text() != self.again.text():
            raise UserError(_("The passwords do not match."))
        current = self._current if self.current is None else self.current.text()
        if current is not None and current == self.new_password.text():
            raise UserError(_("Choose a password different from the current one."))
        try:
            accounts.set_password(self._db, self._user.login, self.new_password.text(), self._user, current)
        except AuthenticationError:
            if self.current is not None:
                self.current.clear()
            raise
