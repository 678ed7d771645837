"""Accounts: argon2id hashes, first account is the administrator, audited logins, login hardening."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.register import accounts
from app.overview import audit_log
from app.register.accounts import Role
from app.db import open_database
from app.errors import AuthenticationError, PermissionDenied, UserError
from tests.conftest import ADMIN_PASSWORD, OFFICER

NOW = datetime(2026, 4, 1, 9, 0, 0)


def test_first_account_must_be_admin(db):
    with pytest.raises(UserError, match="最初のアカウントは管理者"):
        accounts.create_user(db, "eval", "評価 者", "correct horse 2", Role.EVALUATOR, OFFICER)
    assert not accounts.has_users(db)


def test_password_is_hashed_with_argon2id_and_never_stored_in_clear(db, db_path, admin):
    stored = db.execute("SELECT password_hash FROM users WHERE login = 'admin'").fetchone()[0]
    assert stored.startswith("$argon2id$")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert ADMIN_PASSWORD.encode() not in db_path.read_bytes()
    audit_text = " ".join(str(r) for r in db.query("SELECT * FROM audit_log"))
    assert "argon2" not in audit_text and ADMIN_PASSWORD not in audit_text


def test_authenticate_accepts_right_password_and_audits(db, admin):
    user = accounts.authenticate(db, "ADMIN", ADMIN_PASSWORD, now=NOW)  # login names ignore case
    assert user.is_admin and user.display_name == "情報 太郎"
    actions = [r["action"] for r in db.query("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-1] == "user.login"


def test_wrong_password_unknown_login_and_disabled_account_get_one_answer(db, admin):
    """Before: a disabled account answered a correct password with 「このアカウントは無効です」."""
    accounts.create_user(db, "viewer", "閲覧 者", "correct horse 2", Role.VIEWER, OFFICER)
    accounts.set_active(db, "viewer", False, admin)
    answers = set()
    for login, password in [("admin", "wrong password"), ("nobody", ADMIN_PASSWORD), ("viewer", "correct horse 2")]:
        with pytest.raises(AuthenticationError) as refused:
            accounts.authenticate(db, login, password, now=NOW)
        answers.add((type(refused.value), str(refused.value)))
    assert answers == {(AuthenticationError, "ログイン名またはパスワードが違います。")}
    # the audit log (administrators only) says what it was
    disabled = db.execute("SELECT after_json FROM audit_log WHERE action = 'user.login_failed' AND actor = 'viewer'")
    assert "disabled" in disabled.fetchone()[0]


def test_a_password_typed_into_the_name_field_is_not_kept(db, db_path, admin):
    """Unknown names are throttled like real ones, but neither the log nor the throttle table keeps them."""
    _fail(db, "my secret passphrase", NOW)
    assert accounts.login_wait(db, "My Secret Passphrase ", NOW) is None  # counted under the same key
    for _ in range(accounts.FREE_FAILURES):
        _fail(db, "my secret passphrase", NOW)
    assert accounts.login_wait(db, "MY SECRET PASSPHRASE", NOW) is not None
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"my secret passphrase" not in db_path.read_bytes()
    sentence = audit_log.describe(db, audit_log.recent(db, OFFICER, 1))[0]
    assert "my secret" not in sentence and "記録していません" in sentence


def _fail(db, login: str, now: datetime) -> AuthenticationError:
    with pytest.raises(AuthenticationError) as refused:
        accounts.authenticate(db, login, "wrong password", now=now)
    return refused.value


@pytest.mark.parametrize("login", ["admin", "nobody"])
def test_failures_slow_down_then_lock_a_name_whether_it_exists_or_not(db, admin, login):
    """Before: 30 wrong passwords in 8.7 s, then the right one worked; failed_attempts was never read."""
    next_try, waits = NOW, []
    for _ in range(accounts.LOCK_AFTER_FAILURES):
        now = next_try
        error = _fail(db, login, now)
        next_try = error.until if isinstance(error, accounts.LoginThrottled) else now
        waits.append((next_try - now).total_seconds())
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 64, 15 * 60]
    # locked: even the right password is refused until the time, with the time named
    with pytest.raises(accounts.LoginThrottled, match="しばらく待ってから") as locked:
        accounts.authenticate(db, login, ADMIN_PASSWORD, now=now + timedelta(minutes=14))
    assert locked.value.until == now + timedelta(minutes=15)
    assert (now + timedelta(minutes=15)).strftime("%H:%M:%S") in str(locked.value)
    if login == "admin":
        assert accounts.authenticate(db, login, ADMIN_PASSWORD, now=now + timedelta(minutes=15)).is_admin
        assert accounts.login_wait(db, login, now + timedelta(minutes=15)) is None  # success clears the count


def test_the_lock_survives_a_restart(db_path, db, admin):
    for n in range(accounts.LOCK_AFTER_FAILURES):
        _fail(db, "admin", NOW + timedelta(seconds=200 * n))
    db.close()
    reopened = open_database(db_path).db
    try:
        with pytest.raises(accounts.LoginThrottled):
            accounts.authenticate(reopened, "admin", ADMIN_PASSWORD, now=NOW + timedelta(seconds=1800 + 60))
    finally:
        reopened.close()


def test_thirty_fast_guesses_do_not_get_in(db, admin):
    """The measured attack: 30 wrong passwords in quick succession, then the right one."""
    now = NOW
    for n in range(30):
        with pytest.raises(AuthenticationError):
            accounts.authenticate(db, "admin", f"guess number {n}", now=now)
        now += timedelta(seconds=0.3)
    with pytest.raises(accounts.LoginThrottled):
        accounts.authenticate(db, "admin", ADMIN_PASSWORD, now=now)


def test_administrator_unlocks_and_only_the_administrator(db, admin):
    viewer = accounts.create_user(db, "viewer", "閲覧 者", "correct horse 2", Role.VIEWER, admin)
    for _ in range(accounts.LOCK_AFTER_FAILURES):
        _fail(db, "admin", NOW)
    with pytest.raises(PermissionDenied):
        accounts.unlock(db, "admin", viewer)
    assert accounts.unlock(db, "admin", OFFICER)
    assert accounts.authenticate(db, "admin", ADMIN_PASSWORD, now=NOW).is_admin
    assert not accounts.unlock(db, "admin", OFFICER)


def test_old_failures_are_forgotten(db, admin):
    for _ in range(5):
        _fail(db, "admin", NOW)
    later = NOW + accounts.FORGET_AFTER + timedelta(seconds=1)
    assert accounts.login_wait(db, "admin", later) is None
    _fail(db, "admin", later)
    assert accounts.login_wait(db, "admin", later) is None  # counting starts over


@pytest.mark.parametrize(("password", "message"), [
    ("aaaaaaaa", "10 文字以上"),
    ("short", "10 文字以上"),
    ("aaaaaaaaaa", "4 種類以上"),
    ("abababababab", "4 種類以上"),
    ("kacho-no-password", "ログイン名"),
    ("KACHO12345678", "ログイン名"),
    ("password123", "よく使われる"),
    ("Qwertyuiop", "よく使われる"),
    ("sunshine2024!", "よく使われる"),
    ("1234567890", "よく使われる"),
])
def test_password_rule_refuses_the_obvious(db, admin, password, message):
    with pytest.raises(UserError, match=message):
        accounts.create_user(db, "kacho", "課長", password, Role.EVALUATOR, admin)
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 1


def test_password_rule_accepts_a_real_passphrase(db, admin):
    accounts.check_password("correct horse 2", "kacho")
    accounts.check_password("しろいねこがすき", "kacho") if len("しろいねこがすき") >= 10 else None
    accounts.check_password("やまのうえのしろいねこ", "kacho")


def test_duplicate_login_is_refused(db, admin):
    with pytest.raises(UserError, match="既に使われています"):
        accounts.create_user(db, "Admin", "二人目", "correct horse 2", Role.VIEWER, admin)


def test_last_admin_stays(db, admin):
    with pytest.raises(UserError, match="最後の管理者"):
        accounts.set_active(db, "admin", False, admin)


def test_account_management_is_for_administrators(db, admin):
    """Before: an evaluator could create an administrator and set the administrator's password."""
    evaluator = accounts.create_user(db, "kacho", "課長", "correct horse 2", Role.EVALUATOR, admin)
    viewer = accounts.create_user(db, "viewer", "閲覧 者", "correct horse 3", Role.VIEWER, admin)
    for actor in (evaluator, viewer):
        with pytest.raises(PermissionDenied):
            accounts.create_user(db, "boss", "乗っ取り", "correct horse 4", Role.ADMIN, actor)
        with pytest.raises(PermissionDenied):
            accounts.set_password(db, "admin", "taken over 12", actor)
        with pytest.raises(PermissionDenied):
            accounts.set_active(db, "admin", False, actor)
        with pytest.raises(PermissionDenied):
            accounts.list_users(db, actor)
        with pytest.raises(PermissionDenied):
            accounts.reset_password(db, "admin", actor)
        with pytest.raises(PermissionDenied):
            accounts.link_staff(db, "admin", None, actor)
        with pytest.raises(PermissionDenied):
            accounts.issue_recovery_code(db, "admin", actor)
    assert accounts.authenticate(db, "admin", ADMIN_PASSWORD, now=NOW).is_admin
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 3


def test_own_password_change_needs_the_current_one(db, admin):
    evaluator = accounts.create_user(db, "kacho", "課長", "correct horse 2", Role.EVALUATOR, admin)
    with pytest.raises(AuthenticationError, match="現在のパスワード"):
        accounts.set_password(db, "kacho", "a new password", evaluator, current_password="wrong")
    accounts.set_password(db, "kacho", "a new password", evaluator, current_password="correct horse 2")
    user = accounts.authenticate(db, "kacho", "a new password", now=NOW)
    assert not user.must_change_password


def test_administrator_reset_gives_a_temporary_password_to_change(db, admin):
    accounts.create_user(db, "kacho", "課長", "correct horse 2", Role.EVALUATOR, admin)
    temporary = accounts.reset_password(db, "kacho", admin)
    accounts.check_password(temporary, "kacho")
    with pytest.raises(AuthenticationError):
        accounts.authenticate(db, "kacho", "correct horse 2", now=NOW)
    user = accounts.authenticate(db, "kacho", temporary, now=NOW)
    assert user.must_change_password
    accounts.set_password(db, "kacho", "my own passphrase", user, current_password=temporary)
    assert not accounts.authenticate(db, "kacho", "my own passphrase", now=NOW).must_change_password
    with pytest.raises(UserError, match="現在のパスワード"):
        accounts.reset_password(db, "admin", admin)  # one's own: with the current password
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log WHERE action LIKE 'user.password%' ORDER BY id")]
    assert actions == ["user.password_reset", "user.password_change"]


def test_recovery_code_lets_the_officer_back_in_once(db):
    admin, code = accounts.setup_administrator(db, "officer", "情報 花子", "a strong password")
    stored = db.execute("SELECT recovery_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and code.replace("-", "") not in stored
    user, next_code = accounts.recover(db, "officer", code.lower().replace("-", " "), "forgot it, new one", now=NOW)
    assert user.is_admin and next_code != code
    assert accounts.authenticate(db, "officer", "forgot it, new one", now=NOW).is_admin
    with pytest.raises(AuthenticationError, match="回復コードが違います"):  # used up
        accounts.recover(db, "officer", code, "another new one", now=NOW)
    assert [r[0] for r in db.execute("SELECT action FROM audit_log WHERE action LIKE 'user.recover%' ORDER BY id")] == [
        "user.recover", "user.recover_failed"]
    accounts.recover(db, "officer", next_code, "another new one", now=NOW)


def test_recovery_is_throttled_like_a_login_and_not_for_others(db, admin):
    code = accounts.issue_recovery_code(db, "admin", admin, current_password=ADMIN_PASSWORD)
    accounts.create_user(db, "kacho", "課長", "correct horse 2", Role.EVALUATOR, admin)
    with pytest.raises(UserError, match="管理者のアカウントだけ"):
        accounts.issue_recovery_code(db, "kacho", admin)
    with pytest.raises(AuthenticationError, match="現在のパスワード"):
        accounts.issue_recovery_code(db, "admin", admin, current_password="wrong")
    now = NOW
    for _ in range(accounts.LOCK_AFTER_FAILURES):
        with pytest.raises(AuthenticationError) as refused:
            accounts.recover(db, "admin", "AAAA-BBBB-CCCC-DDDD-EEEE", "a brand new one", now=now)
        now = getattr(refused.value, "until", now)
    with pytest.raises(accounts.LoginThrottled):
        accounts.recover(db, "admin", code, "a brand new one", now=now - timedelta(seconds=1))
    accounts.recover(db, "admin", code, "a brand new one", now=now)
