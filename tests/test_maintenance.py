"""Restore: a damaged register, another page size, and several restores in a row keep every copy."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from app import maintenance
from app.db import open_database
from app.demo import generate_town, load_town
from app.errors import DatabaseRefused


def make_register(path: Path, staff: int, page_size: int | None = None) -> Path:
    if page_size:
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA page_size = {page_size}")
        conn.execute("VACUUM")
        conn.close()
    result = open_database(path)
    load_town(result.db, generate_town(staff, seed=staff), "test")
    result.db.close()
    return path


def staff_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM staff").fetchone()[0]
    finally:
        conn.close()


def test_restore_over_a_damaged_register_keeps_it_byte_for_byte(tmp_path):
    backup = make_register(tmp_path / "backup.sqlite", 30)
    target = tmp_path / "register.sqlite"
    damaged = b"SQLite format 3\x00" + os.urandom(10_000)
    target.write_bytes(damaged)
    kept = maintenance.restore(target, backup, "test")
    assert kept is not None and kept.read_bytes() == damaged
    assert staff_count(target) == 30


def test_restore_from_a_backup_with_another_page_size(tmp_path):
    backup = make_register(tmp_path / "big-pages.sqlite", 25, page_size=8192)
    target = make_register(tmp_path / "register.sqlite", 10)
    maintenance.restore(target, backup, "test")
    assert staff_count(target) == 25
    result = open_database(target)
    assert result.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    result.db.close()


def test_restores_in_the_same_second_keep_every_previous_register(tmp_path):
    target = make_register(tmp_path / "register.sqlite", 10)
    first = make_register(tmp_path / "a.sqlite", 20)
    second = make_register(tmp_path / "b.sqlite", 30)
    kept_one = maintenance.restore(target, first, "test")
    kept_two = maintenance.restore(target, second, "test")
    assert kept_one != kept_two
    assert (staff_count(kept_one), staff_count(kept_two), staff_count(target)) == (10, 20, 30)


def test_a_refused_backup_leaves_the_register_and_folder_untouched(tmp_path):
    target = make_register(tmp_path / "register.sqlite", 10)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(os.urandom(4096))
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DatabaseRefused):
        maintenance.restore(target, bad, "test")
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    assert staff_count(target) == 10


def test_restore_refuses_while_a_window_holds_the_register(tmp_path):
    from app import lock

    target = make_register(tmp_path / "register.sqlite", 10)
    backup = make_register(tmp_path / "backup.sqlite", 20)
    window_lock = lock.acquire(target)
    try:
        with pytest.raises(lock.RegisterInUse, match="開かれています"):
            maintenance.restore(target, backup, "test")
    finally:
        window_lock.release()
    assert staff_count(target) == 10
    maintenance.restore(target, backup, "test")
    assert staff_count(target) == 20
