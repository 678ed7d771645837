"""User accounts: the administrator (the IT officer), evaluators and viewers.

Passwords are hashed with argon2id (argon2-cffi) and never stored or logged in
clear. The CLI acts as the administrator on a local file: whoever can write the
file already controls the data, so a password prompt there would protect nothing.
"""

from __future__ import annotations

import functools

from dataclasses import dataclass
from enum import StrEnum

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import AuthenticationError, PermissionDenied, UserError
from app.i18n import N_, _

CLI_ACTOR = "cli"
MIN_PASSWORD_LENGTH = 8


@functools.cache
def _hasher():
    """argon2id with the library's recommended parameters; imported on first use to keep start-up fast."""
    from argon2 import PasswordHasher

    return PasswordHasher()


class Role(StrEnum):
    ADMIN = "admin"
    EVALUATOR = "evaluator"
    VIEWER = "viewer"


ROLE_LABELS = {
    Role.ADMIN: N_("Administrator"),
    Role.EVALUATOR: N_("Evaluator"),
    Role.VIEWER: N_("Viewer"),
}


@dataclass(frozen=True)
class User:
    id: int
    login: str
    display_name: str
    role: Role
    staff_id: int | None = None  # the person this account belongs to, for evaluator assignments

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def require_admin(user: User, reading: bool = False) -> None:
    """Services that only the IT officer may use call this first (screens hide them; scripts cannot skip it)."""
    if not user.is_admin:
        raise PermissionDenied(_("Only the administrator can see this.") if reading
                               else _("Only the administrator can do this."))


def _user(row: dict) -> User:
    return User(row["id"], row["login"], row["display_name"], Role(row["role"]), row.get("staff_id"))


def has_users(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT EXISTS (SELECT 1 FROM users)").fetchone()[0] == 1


def list_users(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("""
        SELECT u.id, u.login, u.display_name, u.role, u.staff_id, u.active, u.last_login_at,
               s.staff_no, s.family_name || ' ' || s.given_name AS staff_name
        FROM users u LEFT JOIN staff s ON s.id = u.staff_id ORDER BY u.role, u.login"""))


def staff_for_number(db: sqlite_utils.Database, staff_no: str) -> dict | None:
    """The staff member with this number (id, staff_no, name, status), for linking an account to a person."""
    from app.staff_import import safe_normalise

    return next(db.query("""SELECT id, staff_no, family_name || ' ' || given_name AS name, status FROM staff
                            WHERE staff_no = ?""", [safe_normalise(staff_no).replace(" ", "")]), None)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(_("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH))


def create_user(
    db: sqlite_utils.Database, login: str, display_name: str, password: str, role: Role, actor: str,
    staff_id: int | None = None,
) -> User:
    """Add an account; the first account of a database must be the administrator."""
    login = login.strip()
    display_name = display_name.strip() or login
    if not login:
        raise UserError(_("Enter a login name."))
    _check_password(password)
    with transaction(db):
        if not has_users(db) and role is not Role.ADMIN:
            raise UserError(_("The first account must be the administrator."))
        if db.execute("SELECT 1 FROM users WHERE login = ?", [login]).fetchone():
            raise UserError(_("The login name {login} is already taken.").format(login=login))
        if staff_id is not None:
            _check_staff_link(db, staff_id, None)
        user_id = db["users"].insert(
            {"login": login, "display_name": display_name, "role": str(role), "password_hash": _hasher().hash(password),
             "staff_id": staff_id}
        ).last_pk
        audit.record(db, actor, "user.create", "users", user_id, None,
                     {"login": login, "role": str(role), "staff_id": staff_id})
    return User(user_id, login, display_name, role, staff_id)


def _check_staff_link(db: sqlite_utils.Database, staff_id: int, user_id: int | None) -> None:
    """An account belongs to at most one person and a person has at most one account."""
    if db.execute("SELECT 1 FROM staff WHERE id = ?", [staff_id]).fetchone() is None:
        raise UserError(_("No staff member with id {id}.").format(id=staff_id))
    other = db.execute("SELECT login FROM users WHERE staff_id = ? AND id IS NOT ?", [staff_id, user_id]).fetchone()
    if other:
        raise UserError(_("This staff member already has the account {login}.").format(login=other[0]))


def link_staff(db: sqlite_utils.Database, login: str, staff_id: int | None, actor: str) -> None:
    """Say which staff member an account belongs to, so that their evaluation assignments reach them."""
    with transaction(db):
        row = next(db.query("SELECT id, staff_id FROM users WHERE login = ?", [login]), None)
        if row is None:
            raise UserError(_("No account named {login}.").format(login=login))
        if staff_id is not None:
            _check_staff_link(db, staff_id, row["id"])
        db.execute("UPDATE users SET staff_id = ? WHERE id = ?", [staff_id, row["id"]])
        audit.record(db, actor, "user.link_staff", "users", row["id"], {"staff_id": row["staff_id"]},
                     {"staff_id": staff_id})


def authenticate(db: sqlite_utils.Database, login: str, password: str) -> User:
    """Check a login; the same message whether the name or the password was wrong."""
    row = next(db.query("SELECT * FROM users WHERE login = ?", [login.strip()]), None)
    failure = AuthenticationError(_("The login name or password is wrong."))
    if row is None:
        _hasher().hash(password)  # spend the same time, so timing does not reveal names
        raise failure
    from argon2 import exceptions as argon2_errors

    try:
        _hasher().verify(row["password_hash"], password)
    except (argon2_errors.VerificationError, argon2_errors.InvalidHashError):
        with transaction(db):
            db.execute("UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = ?", [row["id"]])
            audit.record(db, row["login"], "user.login_failed", "users", row["id"])
        raise failure from None
    if not row["active"]:
        raise AuthenticationError(_("This account is disabled. Ask the administrator."))
    with transaction(db):
        updates = "failed_attempts = 0, last_login_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')"
        if _hasher().check_needs_rehash(row["password_hash"]):
            db.execute(f"UPDATE users SET {updates}, password_hash = ? WHERE id = ?", [_hasher().hash(password), row["id"]])
        else:
            db.execute(f"UPDATE users SET {updates} WHERE id = ?", [row["id"]])
        audit.record(db, row["login"], "user.login", "users", row["id"])
    return _user(row)


def set_password(db: sqlite_utils.Database, login: str, password: str, actor: str) -> None:
    _check_password(password)
    with transaction(db):
        row = next(db.query("SELECT id FROM users WHERE login = ?", [login]), None)
        if row is None:
            raise UserError(_("No account named {login}.").format(login=login))
        db.execute("UPDATE users SET password_hash = ?, failed_attempts = 0 WHERE id = ?", [_hasher().hash(password), row["id"]])
        audit.record(db, actor, "user.password_reset", "users", row["id"])


def set_active(db: sqlite_utils.Database, login: str, active: bool, actor: str) -> None:
    """Disable or re-enable an account; the last active administrator cannot be disabled."""
    with transaction(db):
        row = next(db.query("SELECT id, role, active FROM users WHERE login = ?", [login]), None)
        if row is None:
            raise UserError(_("No account named {login}.").format(login=login))
        if not active and row["role"] == Role.ADMIN:
            admins = db.execute("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1").fetchone()[0]
            if admins <= 1:
                raise UserError(_("The last administrator cannot be disabled."))
        db.execute("UPDATE users SET active = ? WHERE id = ?", [int(active), row["id"]])
        audit.record(db, actor, "user.enable" if active else "user.disable", "users", row["id"],
                     {"active": row["active"]}, {"active": int(active)})
