"""Accounts: argon2id hashes, first account is the administrator, audited logins."""

from __future__ import annotations

import pytest

from app import accounts
from app.accounts import Role
from app.errors import AuthenticationError, UserError
from tests.conftest import ADMIN_PASSWORD


def test_first_account_must_be_admin(db):
    with pytest.raises(UserError, match="最初のアカウントは管理者"):
        accounts.create_user(db, "eval", "評価 者", "password12", Role.EVALUATOR, "setup")
    assert not accounts.has_users(db)


def test_password_is_hashed_with_argon2id_and_never_stored_in_clear(db, db_path, admin):
    stored = db.execute("SELECT password_hash FROM users WHERE login = 'admin'").fetchone()[0]
    assert stored.startswith("$argon2id$")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert ADMIN_PASSWORD.encode() not in db_path.read_bytes()
    audit_text = " ".join(str(r) for r in db.query("SELECT * FROM audit_log"))
    assert "argon2" not in audit_text and ADMIN_PASSWORD not in audit_text


def test_authenticate_accepts_right_password_and_audits(db, admin):
    user = accounts.authenticate(db, "ADMIN", ADMIN_PASSWORD)  # login names ignore case
    assert user.is_admin and user.display_name == "情報 太郎"
    actions = [r["action"] for r in db.query("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-1] == "user.login"


@pytest.mark.parametrize(("login", "password"), [("admin", "wrong password"), ("nobody", ADMIN_PASSWORD)])
def test_wrong_login_gets_one_message(db, admin, login, password):
    with pytest.raises(AuthenticationError, match="ログイン名またはパスワードが違います"):
        accounts.authenticate(db, login, password)


def test_failed_attempts_are_counted_and_reset(db, admin):
    with pytest.raises(AuthenticationError):
        accounts.authenticate(db, "admin", "nope nope")
    assert db.execute("SELECT failed_attempts FROM users").fetchone()[0] == 1
    accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    assert db.execute("SELECT failed_attempts FROM users").fetchone()[0] == 0


def test_short_password_and_duplicate_login_are_refused(db, admin):
    with pytest.raises(UserError, match="8 文字以上"):
        accounts.create_user(db, "kacho", "課長", "short", Role.EVALUATOR, "admin")
    with pytest.raises(UserError, match="既に使われています"):
        accounts.create_user(db, "Admin", "二人目", "password12", Role.VIEWER, "admin")


def test_disabled_account_cannot_log_in_and_last_admin_stays(db, admin):
    accounts.create_user(db, "viewer", "閲覧 者", "password12", Role.VIEWER, "admin")
    accounts.set_active(db, "viewer", False, "admin")
    with pytest.raises(AuthenticationError, match="無効"):
        accounts.authenticate(db, "viewer", "password12")
    with pytest.raises(UserError, match="最後の管理者"):
        accounts.set_active(db, "admin", False, "admin")


def test_set_password(db, admin):
    accounts.set_password(db, "admin", "a new password", "cli")
    assert accounts.authenticate(db, "admin", "a new password").login == "admin"
    with pytest.raises(AuthenticationError):
        accounts.authenticate(db, "admin", ADMIN_PASSWORD)
