"""Storage faults (issue 12 item 19): a read-only file or folder, a full disk, a lock, a failed daily backup.

Each gives a true Japanese message told apart by SQLite's result code or the errno, nothing is lost,
and a failed backup leaves no half-written file. The faults are real: a file the OS will not let us
write (chmod, or for root, who ignores chmod, the immutable attribute), SQLite's own page limit for a
full disk, a second connection holding the write lock.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.overview import maintenance
from app.register import settings
from app.db import LOCK_WAIT_ENV, open_database, storage_kind, transaction
from app.demo.town import generate_town, load_town
from app.errors import DatabaseRefused, StorageError
from tests.conftest import admin_as, run_cli

ENGLISH = ("readonly", "unable to open", "disk is full", "locked", "Traceback")


def make_register(path: Path) -> Path:
    result = open_database(path)
    load_town(result.db, generate_town(20, seed=3), "test")
    result.db.close()
    return path


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or folder truly unwritable for this process (root ignores chmod: use chattr +i)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("running as root on a file system without the immutable attribute: cannot make a file read-only")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def cli(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args)


def test_a_read_only_register_file_is_refused_in_japanese_and_left_unchanged(tmp_path):
    path = make_register(tmp_path / "台帳.sqlite")
    before = path.read_bytes()
    with read_only(path):
        with pytest.raises(DatabaseRefused) as refused:
            open_database(path)
        result = cli("--db", str(path), "staff", "list")
    message = str(refused.value)
    assert "読み取り専用" in message and str(path) in message and "何も変更していません" in message, message
    assert result.returncode == 1 and "読み取り専用" in result.stderr, result.stderr
    assert not any(word in message + result.stderr for word in ENGLISH)
    assert path.read_bytes() == before


def test_a_register_in_a_read_only_folder_is_refused_in_japanese(tmp_path):
    folder = tmp_path / "共有"
    folder.mkdir()
    path = make_register(folder / "台帳.sqlite")
    with read_only(folder):
        with pytest.raises(DatabaseRefused) as refused:
            open_database(path)
        with pytest.raises(DatabaseRefused) as refused_new:
            open_database(folder / "新しい台帳.sqlite")
    for message in (str(refused.value), str(refused_new.value)):
        assert "書き込" in message and "何も変更していません" in message, message
        assert not any(word in message for word in ENGLISH)
    assert sorted(p.name for p in folder.iterdir()) == ["台帳.sqlite"]


def test_a_full_disk_is_reported_as_full_not_as_damage_and_nothing_is_lost(db):
    settings.set_value(db, "municipality_name", "真岡市", admin_as("admin"))
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own limit: the disk is full from here on
    with pytest.raises(StorageError) as full:
        settings.set_value(db, "certificate_body", "あなたは" * 20_000, admin_as("admin"))
    message = str(full.value)
    assert "いっぱい" in message and "破損していません" in message and "復元" not in message, message
    assert not db.conn.in_transaction
    assert settings.get(db, "municipality_name") == "真岡市"  # nothing lost
    assert settings.get(db, "certificate_body") == settings.SETTINGS["certificate_body"].default
    db.execute(f"PRAGMA max_page_count = {pages * 1000}")  # space freed: the same write now lands
    settings.set_value(db, "certificate_body", "あなたは" * 20_000, admin_as("admin"))


def test_a_lock_held_by_another_program_is_named_as_a_lock(db, db_path, monkeypatch):
    monkeypatch.setenv(LOCK_WAIT_ENV, "0.3")  # the message is the point, not the default minute of waiting
    other = sqlite3.connect(db_path)
    other.execute("BEGIN IMMEDIATE")
    db.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(StorageError, match="ロック"):
            with transaction(db):
                db.execute("UPDATE settings SET value = value")
    finally:
        other.rollback()
        other.close()


def test_faults_are_told_apart_by_code_and_errno_not_by_text(tmp_path):
    path = make_register(tmp_path / "r.sqlite")
    read_only_conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as readonly:
        read_only_conn.execute("CREATE TABLE x (a)")
    read_only_conn.close()
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    with pytest.raises(sqlite3.DatabaseError) as corrupt:
        sqlite3.connect(damaged).execute("SELECT * FROM sqlite_master").fetchall()
    assert storage_kind(readonly.value) == "read_only"
    assert storage_kind(corrupt.value) == "damaged"
    assert storage_kind(OSError(errno.ENOSPC, "No space left on device")) == "full"
    assert storage_kind(OSError(errno.EROFS, "Read-only file system")) == "read_only"
    assert storage_kind(sqlite3.IntegrityError("UNIQUE constraint failed")) is None


def _small_disk_for_backups(monkeypatch) -> None:
    """The disk fills up while a backup copy is written: SQLite's page limit on the copy being written
    (the driver's connect is wrapped; none of our code is replaced)."""
    real_connect = sqlite3.connect

    def connect(target, *args, **kwargs):
        conn = real_connect(target, *args, **kwargs)
        if str(target).endswith(".part"):
            conn.execute("PRAGMA max_page_count = 2")
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)


def test_a_daily_backup_on_a_nearly_full_disk_fails_cleanly(tmp_path, monkeypatch):
    path = make_register(tmp_path / "台帳.sqlite")
    result = open_database(path)
    _small_disk_for_backups(monkeypatch)
    with pytest.raises(StorageError, match="いっぱい"):
        maintenance.auto_backup(result.db, path)
    assert list((tmp_path / "backups").iterdir()) == []  # no 0-byte .part left to look like a backup
    result.db.close()


@pytest.mark.gui
def test_a_failed_daily_backup_warns_but_the_officer_is_let_in(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialogButtonBox

    from app.register.accounts import setup_administrator
    from tests.qt_helpers import when_modal
    from ui.main import open_session

    path = make_register(tmp_path / "台帳.sqlite")
    setup = open_database(path)
    setup_administrator(setup.db, "officer", "情報 花子", "a strong password")
    setup.db.close()
    _small_disk_for_backups(monkeypatch)
    warned: list[str] = []

    def log_in(dialog) -> None:
        dialog.login.setText("officer")
        dialog.password.setText("a strong password")

        def warning(box) -> None:
            warned.append(box.text())
            box.done(0)

        when_modal(warning)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(log_in)
    session = open_session(path)
    assert session is not None and session.user.login == "officer"  # not locked out
    assert warned and "自動バックアップを作成できませんでした" in warned[0] and "いっぱい" in warned[0], warned
    assert list((tmp_path / "backups").iterdir()) == []
    session.db.close()
