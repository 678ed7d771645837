"""Backup, restore and health check of the register file."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlite_utils

from app import audit
from app.db import backup_copy, connect, inspect_file, latest_version, open_database, transaction
from app.errors import DatabaseRefused, UserError
from app.i18n import _
from app.staff import counts


@dataclass
class CheckReport:
    ok: bool
    path: str
    schema_version: int
    latest_version: int
    integrity: list[str]
    foreign_key_problems: int
    journal_mode: str
    counts: dict[str, int] = field(default_factory=dict)


def check(db: sqlite_utils.Database, path: Path) -> CheckReport:
    """Integrity, foreign keys, schema version and counts, read-only."""
    integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
    fk_problems = len(db.execute("PRAGMA foreign_key_check").fetchall())
    version = db.execute("PRAGMA user_version").fetchone()[0]
    mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    latest = latest_version()
    return CheckReport(
        ok=integrity == ["ok"] and fk_problems == 0 and version == latest,
        path=str(path),
        schema_version=version,
        latest_version=latest,
        integrity=integrity,
        foreign_key_problems=fk_problems,
        journal_mode=mode,
        counts=counts(db),
    )


def backup(db: sqlite_utils.Database, out: Path, actor: str) -> Path:
    """Write a consistent copy to ``out``; never overwrites an existing file."""
    if out.exists():
        raise UserError(_("{path} already exists. Choose another file name.").format(path=str(out)))
    backup_copy(db, out)
    with transaction(db):
        audit.record(db, actor, "database.backup", after={"file": str(out)})
    return out


def timestamped_backup_name(db_path: Path, reason: str) -> str:
    return f"{db_path.stem}.{reason}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.sqlite"


def restore(target: Path, source: Path, actor: str) -> Path | None:
    """Replace the register at ``target`` with ``source`` after checking it.

    The current file is copied to the backups folder first (returned), and the
    content is replaced through SQLite's backup API, so the live WAL file stays
    consistent. A source that fails any check changes nothing.
    """
    if source.resolve() == target.resolve():
        raise UserError(_("The backup file and the current database are the same file."))
    source_version = inspect_file(source)
    if source_version == 0:
        raise DatabaseRefused(_("{path} is an empty database, not a backup of the register.").format(path=str(source)))
    kept = None
    if target.exists() and target.stat().st_size > 0:
        kept = target.resolve().parent / "backups" / timestamped_backup_name(target, "before-restore")
        try:
            current = connect(target)
            try:
                backup_copy(current, kept)
            finally:
                current.close()
        except sqlite3.DatabaseError:
            # The current file is damaged (which is often why one restores): keep it byte for byte.
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, kept)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dest = connect(target) if target.exists() and target.stat().st_size > 0 else None
    try:
        if dest is None:
            target.parent.mkdir(parents=True, exist_ok=True)
            dest = sqlite_utils.Database(sqlite3.connect(str(target)))
        src.backup(dest.conn)
    finally:
        src.close()
        if dest is not None:
            dest.close()
    result = open_database(target)
    try:
        with transaction(result.db):
            audit.record(result.db, actor, "database.restore", before={"kept": str(kept) if kept else None},
                         after={"source": str(source), "schema_version": source_version})
    finally:
        result.db.close()
    return kept
