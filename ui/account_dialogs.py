"""First-start administrator creation, login, and adding accounts."""

from __future__ import annotations

import sqlite_utils
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import accounts
from app.accounts import Role, User
from app.errors import UserError
from app.i18n import _


class _AccountForm(QDialog):
    """Shared layout: an intro text, a form, an error line, OK/Cancel."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        layout.addWidget(intro_label)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _line(self, label: str, name: str, password: bool = False) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(label, edit)
        return edit

    def _submit(self) -> None:
        try:
            self.apply()
        except UserError as exc:
            self.error_label.setText(str(exc))
            self.after_error()
            return
        self.accept()

    def after_error(self) -> None:
        """Hook for a dialog to reset fields after a refused submit."""

    def apply(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


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

    def __init__(self, db: sqlite_utils.Database, actor: str, first_admin: bool, parent: QWidget | None = None) -> None:
        if first_admin:
            title = _("Create the administrator account")
            intro = _("This register has no accounts yet. Create the administrator account for the IT officer. "
                      "Keep the password safe: it cannot be recovered, only reset by another administrator.")
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
        self.user: User | None = None

    def apply(self) -> None:
        if self.password.text() != self.password_again.text():
            raise UserError(_("The passwords do not match."))
        role = Role.ADMIN if self._first_admin else Role(self.role.currentData())
        self.user = accounts.create_user(
            self._db, self.login.text(), self.display_name.text(), self.password.text(), role, self._actor,
            staff_id=self.staff.staff_id(),
        )


class LoginDialog(_AccountForm):
    def __init__(self, db: sqlite_utils.Database, db_label: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Log in"), _("Register: {path}").format(path=db_label), parent)
        self._db = db
        self.login = self._line(_("Login name"), "login")
        self.password = self._line(_("Password"), "password", password=True)
        self.user: User | None = None

    def apply(self) -> None:
        self.user = accounts.authenticate(self._db, self.login.text(), self.password.text())
        self.password.clear()

    def after_error(self) -> None:
        self.password.clear()
        self.password.setFocus()


class LinkStaffDialog(_AccountForm):
    """Which staff member an account belongs to: their evaluation assignments reach them through it."""

    def __init__(self, db: sqlite_utils.Database, record: dict, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Link to a staff member"), _(
            "An evaluator sees the evaluations assigned to the staff member linked to their account. "
            "Leave the number empty to remove the link."), parent)
        self._db, self._login, self._actor = db, record["login"], actor
        self.form.addRow(_("Login name"), QLabel(record["login"]))
        self.staff = StaffNumberField(db, record.get("staff_no") or "")
        self.form.addRow(_("Staff no."), self.staff)

    def apply(self) -> None:
        accounts.link_staff(self._db, self._login, self.staff.staff_id(), self._actor)


class PasswordDialog(_AccountForm):
    """A new password for an account, typed twice; the core checks its length when it is set."""

    def __init__(self, login: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Set password"), _("New password for {login}").format(login=login), parent)
        self.new_password = self._line(_("Password"), "password", password=True)
        self.again = self._line(_("Password (again)"), "passwordAgain", password=True)

    def apply(self) -> None:
        if self.new_password.text() != self.again.text():
            raise UserError(_("The passwords do not match."))
        if len(self.new_password.text()) < accounts.MIN_PASSWORD_LENGTH:
            raise UserError(_("The password must have at least {n} characters.").format(n=accounts.MIN_PASSWORD_LENGTH))

    def password(self) -> str:
        return self.new_password.text()
