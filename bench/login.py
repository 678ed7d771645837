"""Benchmark: a login (throttle check, argon2id verify, audit entry) against a bare argon2 verify.

Budget (issue 13): login ≤ 0.5 s. The bare figure is ``PasswordHasher().verify`` alone with the
same parameters, so the ratio shows what the throttling table and the audit entry add.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.register import accounts
from app.db import open_database

PASSWORD = "correct horse battery"


def runs(folder: Path) -> tuple[Callable[[], object], Callable[[], object], Callable[[], object]]:
    """(our login, a refused login of an unknown name, bare argon2 verify)."""
    from argon2 import PasswordHasher

    db = open_database(folder / "login.sqlite").db
    accounts.setup_administrator(db, "officer", "情報 花子", PASSWORD)
    stored = db.execute("SELECT password_hash FROM users").fetchone()[0]
    counter = iter(range(10**9))

    def ours() -> None:
        accounts.authenticate(db, "officer", PASSWORD)

    def refused() -> None:
        try:  # a new name each time, so the throttle never holds it back
            accounts.authenticate(db, f"nobody{next(counter)}", PASSWORD)
        except accounts.AuthenticationError:
            pass

    hasher = PasswordHasher()
    return ours, refused, lambda: hasher.verify(stored, PASSWORD)
