"""Restore: a damaged register, another page size, and several restores in a row keep every copy."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from app.overview import maintenance
from app.db import open_database
from app.demo.town import generate_town, load_town
from app.errors import DatabaseRefused
from tests.conftest import ADMIN_USER


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
    kept = maintenance.restore(target, backup, ADMIN_USER)
    assert kept is not None and kept.read_bytes() == damaged
    assert staff_count(target) == 30


def test_restore_from_a_backup_with_another_page_size(tmp_path):
    backup = make_register(tmp_path / "big-pages.sqlite", 25, page_size=8192)
    target = make_register(tmp_path / "register.sqlite", 10)
    maintenance.restore(target, backup, ADMIN_USER)
    assert staff_count(target) == 25
    result = open_database(target)
    assert result.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    result.db.close()


def test_restores_in_the_same_second_keep_every_previous_register(tmp_path):
    target = make_register(tmp_path / "register.sqlite", 10)
    first = make_register(tmp_path / "a.sqlite", 20)
    second = make_register(tmp_path / "b.sqlite", 30)
    kept_one = maintenance.restore(target, first, ADMIN_USER)
    kept_two = maintenance.restore(target, second, ADMIN_USER)
    assert kept_one != kept_two
    assert (staff_count(kept_one), staff_count(kept_two), staff_count(target)) == (10, 20, 30)


def test_a_refused_backup_leaves_the_register_and_folder_untouched(tmp_path):
    target = make_register(tmp_path / "register.sqlite", 10)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(os.urandom(4096))
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DatabaseRefused):
        maintenance.restore(target, bad, ADMIN_USER)
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    assert staff_count(target) == 10


def test_restore_refuses_while_a_window_holds_the_register(tmp_path):
    from app import lock

    target = make_register(tmp_path / "register.sqlite", 10)
    backup = make_register(tmp_path / "backup.sqlite", 20)
    window_lock = lock.acquire(target)
    try:
        with pytest.raises(lock.RegisterInUse, match="開かれています"):
            maintenance.restore(target, backup, ADMIN_USER)
    finally:
        window_lock.release()
    assert staff_count(target) == 10
    maintenance.restore(target, backup, ADMIN_USER)
    assert staff_count(target) == 20


def test_automatic_backup_once_a_day_thinned_to_days_weeks_months(tmp_path):
    from datetime import datetime, timedelta

    target = make_register(tmp_path / "register.sqlite", 10)
    result = open_database(target)
    start = datetime(2026, 1, 1, 9, 0)
    made = []
    for day in range(400):
        for hour in (0, 5):  # two starts a day: only the first one writes
            path = maintenance.auto_backup(result.db, target, now=start + timedelta(days=day, hours=hour))
            if path:
                made.append(path)
    result.db.close()
    assert len(made) == 400
    left = sorted((tmp_path / "backups").glob("register.auto-*.sqlite"))
    assert 7 <= len(left) <= 7 + 4 + 12
    assert left[-1] == made[-1] and staff_count(left[-1]) == 10
    months = {p.name.split("auto-")[1][:6] for p in left}
    assert len(months) >= 12  # one per month for the last year


def test_backups_to_keep_keeps_the_newest_of_each_period():
    from datetime import datetime

    stamps = [datetime(2026, 3, d, h) for d in range(1, 29) for h in (8, 17)]
    keep = maintenance.backups_to_keep(stamps, daily=3, weekly=2, monthly=1)
    assert datetime(2026, 3, 28, 17) in keep and datetime(2026, 3, 28, 8) not in keep
    assert {k.day for k in keep} >= {26, 27, 28}
