"""User accounts: the administrator (the IT officer), evaluators and viewers.

Passwords are hashed with argon2id (argon2-cffi) and never stored or logged in
clear. The CLI acts as the administrator on a local file: whoever can write the
file already controls the data, so a password prompt there would protect nothing.

Login hardening (issue 13 item 3), the rules in one place:

- **Throttling.** Failed logins are counted per login *name* in ``login_failures``, whether or
  not an account has that name, so that neither the delay nor the lock tells a passer-by which
  names exist. The first ``FREE_FAILURES`` failures cost nothing; from then on each failure makes
  the next attempt wait, doubling from ``FIRST_DELAY_SECONDS``; after ``LOCK_AFTER_FAILURES`` the
  name is locked for ``LOCK_MINUTES``, and every further failure locks it again. An attempt during
  the wait is refused without looking at the password (it is not counted either). A successful
  login, a recovery or an administrator's ``unlock`` clears the count; a count whose last failure
  is older than ``FORGET_AFTER`` starts over. The count is in the register, so it survives a
  restart. Whoever can change the PC's clock can shorten a wait: such a person is a PC
  administrator, who can copy the file anyway.
- **One answer.** A wrong password, an unknown name and a disabled account all get
  「ログイン名またはパスワードが違います」 and count as a failure; argon2 runs in each case so
  that the time taken does not tell them apart either. The audit log (administrators only) says
  which it was, but never records a name no account has (it is sometimes a password typed into
  the wrong field); ``login_failures`` keeps names only as SHA-256 hashes for the same reason.
- **Password rule.** At least ``MIN_PASSWORD_LENGTH`` characters, not the login name nor
  containing it (case ignored), at least ``MIN_DISTINCT_CHARACTERS`` different characters, and not
  a common password: not on ``resources/common-passwords.txt``, also once digits and symbols at
  its end are taken off (``sunshine2024!`` is ``sunshine``).
- **Reset.** An administrator gives another account a temporary password; its owner must choose
  a new one at the next login (``must_change_password``). Changing one's own password needs the
  current one.
- **Recovery.** When the first administrator is created, a one-time recovery code is shown once
  (to be printed and locked away); only its argon2 hash is stored. It lets that administrator set
  a new password from the login screen or ``user recover``; it is throttled like a login, audited,
  and spent: a new code is issued in the same step and shown once. An administrator can issue a new
  code for an administrator account at any time (for their own one, with their password).
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import AuthenticationError, PermissionDenied, UserError
from app.i18n import N_, _
from app.paths import resources_dir
from app.text import safe_normalise

# The audit log's actor for a failed attempt with a name no account has. The name itself is not kept in
# the append-only log: it is sometimes the password, typed into the wrong field.
UNKNOWN_LOGIN = "?"
MIN_PASSWORD_LENGTH = 10
MIN_DISTINCT_CHARACTERS = 4
FREE_FAILURES = 3
FIRST_DELAY_SECONDS = 2
LOCK_AFTER_FAILURES = 10
LOCK_MINUTES = 15
FORGET_AFTER = timedelta(hours=24)
TEMPORARY_PASSWORD_LENGTH = 12
# No 0/O, 1/I/L: the code is read off paper and typed by hand.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_GROUPS = 5  # 5 groups of 4 characters: about 99 bits
COMMON_PASSWORDS_NAME = "common-passwords.txt"  # in resources/


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
    must_change_password: bool = False  # logged in with a temporary password: choose a new one first

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class LoginThrottled(AuthenticationError):
    """Too many failed attempts for this login name: the next one is possible at ``until``."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


def require_admin(user: User, reading: bool = False) -> None:
    """Services that only the IT officer may use call this first (screens hide them; scripts cannot skip it)."""
    if not user.is_admin:
        raise PermissionDenied(_("Only the administrator can see this.") if reading
                               else _("Only the administrator can do this."))


def _user(row: dict) -> User:
    return User(row["id"], row["login"], row["display_name"], Role(row["role"]), row.get("staff_id"),
                bool(row.get("must_change_password")))


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def has_users(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT EXISTS (SELECT 1 FROM users)").fetchone()[0] == 1


def list_users(db: sqlite_utils.Database, actor: User, now: datetime | None = None) -> list[dict]:
    """Every account with its link and, when locked out, until when (administrators only)."""
    require_admin(actor, reading=True)
    now = now or _now()
    rows = list(db.query("""
        SELECT u.id, u.login, u.display_name, u.role, u.staff_id, u.active, u.last_login_at,
               u.must_change_password, u.recovery_hash IS NOT NULL AS has_recovery_code,
               s.staff_no, s.family_name || ' ' || s.given_name AS staff_name
        FROM users u LEFT JOIN staff s ON s.id = u.staff_id ORDER BY u.role, u.login"""))
    for row in rows:
        until = login_wait(db, row["login"], now)
        row["locked_until"] = _stamp(until) if until else None
    return rows


def staff_for_number(db: sqlite_utils.Database, staff_no: str) -> dict | None:
    """The staff member with this number (id, staff_no, name, status), for linking an account to a person."""
    return next(db.query("""SELECT id, staff_no, family_name || ' ' || given_name AS name, status FROM staff
                            WHERE staff_no = ?""", [safe_normalise(staff_no).replace(" ", "")]), None)


# -- the password rule ----------------------------------------------------------------------------
@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list (lower case); lines starting with # are its notes."""
    lines = (resources_dir() / COMMON_PASSWORDS_NAME).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _is_common(password: str) -> bool:
    lowered = password.lower()
    stem = re.sub(r"[\d\W_]+$", "", lowered)  # sunshine2024! -> sunshine
    common = common_passwords()
    return lowered in common or stem in common or not stem.strip()


def check_password(password: str, login: str) -> None:
    """Refuse a password that is guessed first: too short, the login name, repetitive, or common."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(_("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH))
    name = login.strip().casefold()
    if name and name in password.casefold():
        raise UserError(_("The password must not contain the login name."))
    if len(set(password.casefold())) < MIN_DISTINCT_CHARACTERS:
        raise UserError(_("The password must use at least {n} different characters.").format(
            n=MIN_DISTINCT_CHARACTERS))
    if _is_common(password):
        raise UserError(_("This password is too common and is guessed first. Choose another one, for example "
                          "a few unrelated words."))


# -- throttling -------------------------------------------------------------------------------------
def _key(login: str) -> str:
    """The name as stored in login_failures: hashed, since people type their password into the name field."""
    return hashlib.sha256(login.strip().casefold().encode("utf-8")).hexdigest()


def _delay(failures: int) -> timedelta:
    """How long after the last of ``failures`` failures the next attempt must wait."""
    if failures < FREE_FAILURES + 1:
        return timedelta(0)
    if failures >= LOCK_AFTER_FAILURES:
        return timedelta(minutes=LOCK_MINUTES)
    return timedelta(seconds=FIRST_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES - 1))


def login_wait(db: sqlite_utils.Database, login: str, now: datetime | None = None) -> datetime | None:
    """When the next attempt for this name may be made, or None if now."""
    now = now or _now()
    row = db.execute("SELECT failures, last_failure_at FROM login_failures WHERE login_key = ?",
                     [_key(login)]).fetchone()
    if row is None:
        return None
    last = datetime.fromisoformat(row[1])
    if now - last > FORGET_AFTER or last > now + timedelta(minutes=1):  # forgotten, or the clock went back
        return None
    until = last + _delay(row[0])
    return until if until > now else None


def _count_failure(db: sqlite_utils.Database, login: str, now: datetime) -> datetime | None:
    """Record one failure (inside the caller's transaction); when the next attempt may be made."""
    key = _key(login)
    row = db.execute("SELECT failures, last_failure_at FROM login_failures WHERE login_key = ?", [key]).fetchone()
    failures = 1
    if row is not None and not (now - datetime.fromisoformat(row[1]) > FORGET_AFTER):
        failures = row[0] + 1
    db.execute("DELETE FROM login_failures WHERE last_failure_at < ?", [_stamp(now - FORGET_AFTER)])
    db.execute("INSERT INTO login_failures (login_key, failures, last_failure_at) VALUES (?, ?, ?) "
               "ON CONFLICT(login_key) DO UPDATE SET failures = excluded.failures, "
               "last_failure_at = excluded.last_failure_at", [key, failures, _stamp(now)])
    delay = _delay(failures)
    return now + delay if delay else None


def _clear_failures(db: sqlite_utils.Database, login: str) -> None:
    db.execute("DELETE FROM login_failures WHERE login_key = ?", [_key(login)])


def _wait_text(until: datetime, now: datetime) -> str:
    clock = until.strftime("%H:%M:%S") if until.date() == now.date() else until.strftime("%Y-%m-%d %H:%M:%S")
    return _("Too many failed attempts: wait a while and try again after {time}.").format(time=clock)


def _refused(until: datetime | None, now: datetime, wrong: str) -> AuthenticationError:
    if until is None:
        return AuthenticationError(wrong)
    return LoginThrottled(wrong + "\n" + _wait_text(until, now), until)


def _throttled(login: str, db: sqlite_utils.Database, now: datetime) -> None:
    until = login_wait(db, login, now)
    if until is not None:
        raise LoginThrottled(_wait_text(until, now), until)


def _verify(hash_: str | None, secret: str) -> bool:
    from argon2 import exceptions as argon2_errors

    if hash_ is None:
        _hasher().hash(secret)  # spend the same time, so timing does not reveal names
        return False
    try:
        return _hasher().verify(hash_, secret)
    except (argon2_errors.VerificationError, argon2_errors.InvalidHashError):
        return False


def _row(db: sqlite_utils.Database, login: str) -> dict | None:
    return next(db.query("SELECT * FROM users WHERE login = ?", [login.strip()]), None)


def _existing(db: sqlite_utils.Database, login: str) -> dict:
    row = _row(db, login)
    if row is None:
        raise UserError(_("No account named {login}.").format(login=login))
    return row


# -- logging in -------------------------------------------------------------------------------------
def authenticate(db: sqlite_utils.Database, login: str, password: str, now: datetime | None = None) -> User:
    """Check a login; one answer whether the name, the password or the account's state was wrong."""
    now = now or _now()
    _throttled(login, db, now)
    row = _row(db, login)
    matches = _verify(row["password_hash"] if row else None, password)
    if not matches or not row["active"]:
        with transaction(db):
            until = _count_failure(db, login, now)
            if row is None:
                audit.record(db, UNKNOWN_LOGIN, "user.login_failed", "users", None, None, {"unknown_login": True})
            else:
                audit.record(db, row["login"], "user.login_failed", "users", row["id"], None,
                             {"disabled": True} if matches else None)
        raise _refused(until, now, _("The login name or password is wrong."))
    with transaction(db):
        _clear_failures(db, login)
        if _hasher().check_needs_rehash(row["password_hash"]):
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [_hasher().hash(password), row["id"]])
        db.execute("UPDATE users SET last_login_at = ? WHERE id = ?", [_stamp(now), row["id"]])
        audit.record(db, row["login"], "user.login", "users", row["id"])
    return _user(row)


def unlock(db: sqlite_utils.Database, login: str, actor: User) -> bool:
    """Clear the failed attempts of a login name (administrators); True when there were any."""
    require_admin(actor)
    with transaction(db):
        had = db.execute("SELECT failures FROM login_failures WHERE login_key = ?", [_key(login)]).fetchone()
        if had is None:
            return False
        _clear_failures(db, login)
        row = _row(db, login)
        audit.record(db, actor.login, "user.unlock", "users", row["id"] if row else None, {"failures": had[0]},
                     None if row else {"unknown_login": True})
    return True


# -- managing accounts ------------------------------------------------------------------------------
def new_recovery_code() -> str:
    """A random code in groups of four, e.g. ``K7QX-M2PA-…``."""
    return "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(RECOVERY_CODE_GROUPS))


def _normalise_code(code: str) -> str:
    return re.sub(r"[\s\-ー－]", "", code).upper()


def _create(db: sqlite_utils.Database, login: str, display_name: str, password: str, role: Role, actor: str,
            staff_id: int | None, recovery_code: str | None) -> User:
    """Insert an account (inside the caller's transaction)."""
    if db.execute("SELECT 1 FROM users WHERE login = ?", [login]).fetchone():
        raise UserError(_("The login name {login} is already taken.").format(login=login))
    if staff_id is not None:
        _check_staff_link(db, staff_id, None)
    user_id = db["users"].insert(
        {"login": login, "display_name": display_name, "role": str(role), "password_hash": _hasher().hash(password),
         "staff_id": staff_id,
         "recovery_hash": _hasher().hash(_normalise_code(recovery_code)) if recovery_code else None}
    ).last_pk
    audit.record(db, actor, "user.create", "users", user_id, None,
                 {"login": login, "role": str(role), "staff_id": staff_id})
    return User(user_id, login, display_name, role, staff_id)


def _clean_names(login: str, display_name: str) -> tuple[str, str]:
    login = login.strip()
    if not login:
        raise UserError(_("Enter a login name."))
    return login, display_name.strip() or login


def setup_administrator(db: sqlite_utils.Database, login: str, display_name: str, password: str) -> tuple[User, str]:
    """The first account of a register, with its recovery code (shown once, only its hash is kept)."""
    login, display_name = _clean_names(login, display_name)
    check_password(password, login)
    code = new_recovery_code()
    with transaction(db):
        if has_users(db):
            raise UserError(_("This register already has an administrator. Log in as the administrator to add "
                              "accounts."))
        user = _create(db, login, display_name, password, Role.ADMIN, "setup", None, code)
    return user, code


def create_user(
    db: sqlite_utils.Database, login: str, display_name: str, password: str, role: Role, actor: User,
    staff_id: int | None = None,
) -> User:
    """Add an account (administrators). An administrator gets no recovery code here: issue one for it."""
    require_admin(actor)
    login, display_name = _clean_names(login, display_name)
    check_password(password, login)
    with transaction(db):
        if not has_users(db):
            raise UserError(_("The first account must be the administrator."))
        return _create(db, login, display_name, password, role, actor.login, staff_id, None)


def _check_staff_link(db: sqlite_utils.Database, staff_id: int, user_id: int | None) -> None:
    """An account belongs to at most one person and a person has at most one account."""
    if db.execute("SELECT 1 FROM staff WHERE id = ?", [staff_id]).fetchone() is None:
        raise UserError(_("No staff member with id {id}.").format(id=staff_id))
    other = db.execute("SELECT login FROM users WHERE staff_id = ? AND id IS NOT ?", [staff_id, user_id]).fetchone()
    if other:
        raise UserError(_("This staff member already has the account {login}.").format(login=other[0]))


def link_staff(db: sqlite_utils.Database, login: str, staff_id: int | None, actor: User) -> None:
    """Say which staff member an account belongs to, so that their evaluation assignments reach them."""
    require_admin(actor)
    with transaction(db):
        row = _existing(db, login)
        if staff_id is not None:
            _check_staff_link(db, staff_id, row["id"])
        db.execute("UPDATE users SET staff_id = ? WHERE id = ?", [staff_id, row["id"]])
        audit.record(db, actor.login, "user.link_staff", "users", row["id"], {"staff_id": row["staff_id"]},
                     {"staff_id": staff_id})


def _is_self(actor: User, login: str) -> bool:
    return actor.id != 0 and actor.login.casefold() == login.strip().casefold()


def set_password(db: sqlite_utils.Database, login: str, password: str, actor: User,
                 current_password: str | None = None) -> None:
    """Set a password: one's own with the current one; another's as an administrator (a temporary one).

    A password set by an administrator is known to them, so its owner must choose a new one at
    the next login.
    """
    own = _is_self(actor, login)
    if not own:
        require_admin(actor)
    row = _existing(db, login)
    check_password(password, row["login"])
    if own and not _verify(row["password_hash"], current_password or ""):
        raise AuthenticationError(_("The current password is wrong."))
    with transaction(db):
        db.execute("UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?",
                   [_hasher().hash(password), int(not own), row["id"]])
        _clear_failures(db, row["login"])
        audit.record(db, actor.login, "user.password_change" if own else "user.password_reset", "users", row["id"])


def new_temporary_password() -> str:
    """A random password for an administrator's reset, from letters and digits that are not confused."""
    while True:
        candidate = "".join(secrets.choice(_CODE_ALPHABET.lower() + "23456789") for _ in range(TEMPORARY_PASSWORD_LENGTH))
        if len(set(candidate)) >= MIN_DISTINCT_CHARACTERS and not _is_common(candidate):
            return candidate


def reset_password(db: sqlite_utils.Database, login: str, actor: User) -> str:
    """Give another account a temporary password (administrators); its owner must change it at login."""
    if _is_self(actor, login):
        raise UserError(_("Change your own password with your current password, not by a reset."))
    temporary = new_temporary_password()
    while login.strip().casefold() in temporary:  # pragma: no cover - astronomically rare
        temporary = new_temporary_password()
    set_password(db, login, temporary, actor)
    return temporary


def set_active(db: sqlite_utils.Database, login: str, active: bool, actor: User) -> None:
    """Disable or re-enable an account (administrators); the last active administrator cannot be disabled."""
    require_admin(actor)
    with transaction(db):
        row = _existing(db, login)
        if not active and row["role"] == Role.ADMIN:
            admins = db.execute("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1").fetchone()[0]
            if admins <= 1:
                raise UserError(_("The last administrator cannot be disabled."))
        db.execute("UPDATE users SET active = ? WHERE id = ?", [int(active), row["id"]])
        audit.record(db, actor.login, "user.enable" if active else "user.disable", "users", row["id"],
                     {"active": row["active"]}, {"active": int(active)})


# -- recovery ---------------------------------------------------------------------------------------
def issue_recovery_code(db: sqlite_utils.Database, login: str, actor: User, current_password: str | None = None) -> str:
    """A new recovery code for an administrator account (the old one stops working); shown once.

    For one's own account the current password is asked, so that a screen left open does not
    hand out a way in.
    """
    require_admin(actor)
    row = _existing(db, login)
    if row["role"] != Role.ADMIN:
        raise UserError(_("Only administrator accounts have a recovery code; reset the password of {login} "
                          "instead.").format(login=row["login"]))
    if _is_self(actor, login) and not _verify(row["password_hash"], current_password or ""):
        raise AuthenticationError(_("The current password is wrong."))
    code = new_recovery_code()
    with transaction(db):
        db.execute("UPDATE users SET recovery_hash = ? WHERE id = ?", [_hasher().hash(_normalise_code(code)), row["id"]])
        audit.record(db, actor.login, "user.recovery_code", "users", row["id"])
    return code


def recover(db: sqlite_utils.Database, login: str, code: str, new_password: str,
            now: datetime | None = None) -> tuple[User, str]:
    """Set a new password with the recovery code; returns the account and its next code (shown once).

    Throttled and answered like a login, so it cannot be used to guess names or codes faster.
    """
    now = now or _now()
    _throttled(login, db, now)
    row = _row(db, login)
    check_password(new_password, row["login"] if row else login)
    stored = row["recovery_hash"] if row and row["role"] == Role.ADMIN else None
    matches = _verify(stored, _normalise_code(code)) if stored else _verify(None, code)
    if not matches or not row["active"]:
        with transaction(db):
            until = _count_failure(db, login, now)
            audit.record(db, row["login"] if row else UNKNOWN_LOGIN, "user.recover_failed", "users",
                         row["id"] if row else None)
        raise _refused(until, now, _("The login name or recovery code is wrong."))
    next_code = new_recovery_code()
    with transaction(db):
        db.execute("UPDATE users SET password_hash = ?, recovery_hash = ?, must_change_password = 0 WHERE id = ?",
                   [_hasher().hash(new_password), _hasher().hash(_normalise_code(next_code)), row["id"]])
        _clear_failures(db, login)
        audit.record(db, row["login"], "user.recover", "users", row["id"])
    return _user({**row, "must_change_password": 0}), next_code
