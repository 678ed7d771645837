"""Who holds the register file: the GUI keeps an exclusive lock while it has it open.

Replacing the file (restore) takes the same lock, so a restore from the CLI can
never pull the file from under a running window (whose later writes would go
to the replaced file and be lost). filelock gives the same semantics on Windows
and Linux.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from app.errors import UserError
from app.i18n import _


class RegisterInUse(UserError):
    """Another window or process holds the register."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def acquire(db_path: Path) -> FileLock:
    """Take the lock now or raise RegisterInUse; release() it when the register is closed."""
    lock = FileLock(str(lock_path(db_path)))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RegisterInUse(_("{path} is open in DX人材認定台帳 on this PC. Close it there first.").format(
            path=db_path)) from None
    return lock


@contextlib.contextmanager
def held(db_path: Path) -> Iterator[None]:
    lock = acquire(db_path)
    try:
        yield
    finally:
        lock.release()
