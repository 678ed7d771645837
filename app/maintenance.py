"""Backup, restore and health check of the register file."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlite_utils

from app import audit, lock, seal, seal_key
from app.db import (
    backup_copy,
    connect,
    connect_read_only,
    inspect_file,
    latest_version,
    open_database,
    transaction,
    unique_backup_path,
)
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
    # Tamper evidence (app.seal): chain, seals, triggers, score ranges, number sequences.
    seal: dict = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)  # Japanese lines, the first bad row first


def check_file(path: Path) -> CheckReport:
    """Check a register without writing to it, not even a migration (DatabaseRefused if unreadable)."""
    inspect_file(path)
    no_wal = not path.with_name(path.name + "-wal").exists()  # then nothing is pending: leave no -shm behind
    db = sqlite_utils.Database(connect_read_only(path, immutable=no_wal), execute_plugins=False)
    try:
        report = check(db, path)
    finally:
        db.close()
    with path.open("rb") as fh:  # the pragma on a read-only connection does not tell; the header does
        header = fh.read(20)
    report.journal_mode = "wal" if header[18:20] == b"\x02\x02" else "delete"
    return report


def check(db: sqlite_utils.Database, path: Path) -> CheckReport:
    """Integrity, foreign keys, schema version and counts, read-only."""
    integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
    fk_problems = len(db.execute("PRAGMA foreign_key_check").fetchall())
    version = db.execute("PRAGMA user_version").fetchone()[0]
    mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    latest = latest_version()
    try:
        numbers = counts(db)
    except sqlite3.OperationalError:  # an older data format lacks tables counted today
        numbers = {}
    sealed = seal.verify(db) if integrity == ["ok"] else seal.SealReport()
    return CheckReport(
        ok=integrity == ["ok"] and fk_problems == 0 and version == latest and sealed.ok,
        path=str(path),
        schema_version=version,
        latest_version=latest,
        integrity=integrity,
        foreign_key_problems=fk_problems,
        journal_mode=mode,
        counts=numbers,
        seal=sealed.as_dict(),
        findings=sealed.summary(),
    )


def backup(db: sqlite_utils.Database, out: Path, actor: str) -> Path:
    """Write a consistent copy to ``out``; never overwrites an existing file."""
    if out.exists():
        raise UserError(_("{path} already exists. Choose another file name.").format(path=str(out)))
    backup_copy(db, out)
    with transaction(db):
        audit.record(db, actor, "database.backup", after={"file": str(out), "key": seal_key.load().primary})
    return out


def key_note(source: Path) -> str:
    """What this PC can verify in a backup (or register) ``source``, by the sealing keys it carries.

    Every seal in the file names its key's fingerprint, and seal_state lists the keys that sealed
    there: a backup carries them in itself, so a restore on another PC can say what it cannot check.
    """
    try:
        conn = connect_read_only(source)
        try:
            used = seal.fingerprint_of(sqlite_utils.Database(conn, execute_plugins=False))
        finally:
            conn.close()
    except sqlite3.Error:
        used = []
    ring = seal_key.load()
    if not used:
        return _("The backup was written before records were sealed; they are sealed with this PC's key "
                 "(fingerprint {mine}) when the register is opened.").format(mine=ring.primary or "-")
    foreign = [fp for fp in used if fp not in ring.keys]
    if not foreign:
        return _("The backup is sealed with this PC's key (fingerprint {mine}): everything in it can be "
                 "verified here.").format(mine=ring.primary)
    return _("The backup was sealed on another PC (key {keys}); this PC's key is {mine}. The register opens and "
             "works here, and new changes are sealed with this PC's key. Whether the rows sealed on the other PC "
             "were changed before the restore cannot be checked here; from the restore on, this PC vouches for "
             "them, so a later change is detected. To check them too, import the other PC's key "
             "(dx-jinzai-cli key import).").format(keys="、".join(foreign), mine=ring.primary or "-")


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def _keep_current(target: Path) -> Path:
    """Copy the register being replaced into backups/ before anything changes.

    A readable file is copied through the backup API (consistent, WAL included);
    a damaged one, which is often why one restores, is copied byte for byte with its WAL.
    """
    kept = unique_backup_path(target.resolve().parent / "backups", target.stem, "before-restore")
    try:
        inspect_file(target)
        current = connect(target)
        try:
            backup_copy(current, kept)
        finally:
            current.close()
    except (DatabaseRefused, sqlite3.DatabaseError):
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, kept)
        wal = target.with_name(target.name + "-wal")
        if wal.exists():
            shutil.copy2(wal, kept.with_name(kept.name + "-wal"))
    return kept


def restore(target: Path, source: Path, actor: str) -> Path | None:
    """Replace the register at ``target`` with ``source`` after checking it.

    The source is copied into a new file beside the target and checked there;
    only then is the current register kept in backups/ (returned) and the new
    file moved into its place. No connection to ``target`` may be open.
    A source that fails any check changes nothing.
    """
    if source.resolve() == target.resolve():
        raise UserError(_("The backup file and the current database are the same file."))
    source_version = inspect_file(source)
    if source_version == 0:
        raise DatabaseRefused(_("{path} is an empty database, not a backup of the register.").format(path=str(source)))
    with lock.held(target):
        return _replace(target, source, source_version, actor)


def _replace(target: Path, source: Path, source_version: int, actor: str) -> Path | None:
    staging = target.with_name(target.name + ".restoring")
    staging.unlink(missing_ok=True)
    src = connect_read_only(source)
    dest = sqlite3.connect(str(staging))
    try:
        src.backup(dest)
    finally:
        src.close()
        dest.close()
    try:
        inspect_file(staging)
    except DatabaseRefused:
        staging.unlink(missing_ok=True)
        raise
    kept = _keep_current(target) if target.exists() and target.stat().st_size > 0 else None
    for sidecar in _sidecars(target):
        sidecar.unlink(missing_ok=True)  # they belong to the file being replaced
    staging.replace(target)
    result = open_database(target)
    try:
        with transaction(result.db):
            audit.record(result.db, actor, "database.restore", before={"kept": str(kept) if kept else None},
                         after={"source": str(source), "schema_version": source_version})
    finally:
        result.db.close()
    return kept


AUTO_BACKUP_REASON = "auto"
_AUTO_STAMP = "%Y%m%d-%H%M%S"


def _auto_backups(folder: Path, stem: str) -> list[tuple[datetime, Path]]:
    found = []
    for file in folder.glob(f"{stem}.{AUTO_BACKUP_REASON}-*.sqlite"):
        stamp = file.name[len(stem) + len(AUTO_BACKUP_REASON) + 2:-len(".sqlite")][:15]
        try:
            found.append((datetime.strptime(stamp, _AUTO_STAMP), file))
        except ValueError:
            continue
    return sorted(found)


def backups_to_keep(stamps: list[datetime], daily: int = 7, weekly: int = 4, monthly: int = 12) -> set[datetime]:
    """Anki-style thinning: the newest backup of each of the last days, weeks and months."""
    keep: set[datetime] = set()
    for key, count in ((lambda d: d.date(), daily), (lambda d: d.isocalendar()[:2], weekly),
                       (lambda d: (d.year, d.month), monthly)):
        newest: dict = {}
        for stamp in sorted(stamps, reverse=True):
            newest.setdefault(key(stamp), stamp)
        keep.update(sorted(newest.values(), reverse=True)[:count])
    return keep


def auto_backup(db: sqlite_utils.Database, db_path: Path, now: datetime | None = None,
                min_interval_hours: float = 20) -> Path | None:
    """At most one automatic backup a day beside the register, older ones thinned.

    Returns the new file, or None when the last one is recent enough.
    """
    now = now or datetime.now()
    folder = db_path.resolve().parent / "backups"
    existing = _auto_backups(folder, db_path.stem) if folder.exists() else []
    if existing and (now - existing[-1][0]).total_seconds() < min_interval_hours * 3600:
        return None
    target = folder / f"{db_path.stem}.{AUTO_BACKUP_REASON}-{now.strftime(_AUTO_STAMP)}.sqlite"
    if target.exists():
        return None
    backup_copy(db, target)
    existing.append((now, target))
    keep = backups_to_keep([stamp for stamp, _file in existing])
    for stamp, file in existing:
        if stamp not in keep:
            file.unlink(missing_ok=True)
    return target
