"""Benchmark: a backup of the register (issue 13: 50,000 staff with 200,000 ratings ≤ 2 s).

Ours is what File → Back up and `backup OUT` do: take the write lock, record the audit entry,
copy through SQLite's backup API on a connection of its own, check the copy (integrity_check and
the register check) and commit. Bare is sqlite3's backup API alone into a new file.
"""

from __future__ import annotations

import sqlite3
from itertools import count
from pathlib import Path

from app.overview import maintenance
from app.db import connect
from app.register.permissions import CLI_USER
from bench.evaluation import build_rated_town


def backup_runs(folder: Path, size: int):
    """(ours, bare, ratings): two callables writing a new backup each time, and the ratings held."""
    register = folder / f"backup-{size}.sqlite"
    ratings = build_rated_town(register, size)
    numbers = count()

    def ours() -> None:
        db = connect(register)
        try:
            maintenance.backup(db, folder / f"ours-{size}-{next(numbers)}.sqlite", CLI_USER)
        finally:
            db.close()

    def bare() -> None:
        source = sqlite3.connect(str(register))
        target = sqlite3.connect(str(folder / f"bare-{size}-{next(numbers)}.sqlite"))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()

    return ours, bare, ratings
