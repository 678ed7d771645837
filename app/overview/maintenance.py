"""Backup, restore and health check of the register file."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from app import lock
from app import audit
from app import seal
from app import seal_key
from app.register.accounts import User
from app.db import (
    BUSY_TIMEOUT_MS,
    backup_copy,
    connect,
    connect_read_only,
    database_path,
    inspect_file,
    latest_version,
    open_database,
    transaction,
    unique_backup_path,
)
from app.errors import DatabaseRefused, UserError
from app.i18n import _
from app.register import settings
from app.register.permissions import Action, require
from app.staff.directory import counts


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


def check(db: sqlite_utils.Database, path: Path, seals: bool = True) -> CheckReport:
    """Integrity, foreign keys, schema version and counts, read-only; with ``seals`` the tamper evidence too."""
    integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
    fk_problems = len(db.execute("PRAGMA foreign_key_check").fetchall())
    version = db.execute("PRAGMA user_version").fetchone()[0]
    mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    latest = latest_version()
    try:
        numbers = counts(db)
    except sqlite3.OperationalError:  # an older data format lacks tables counted today
        numbers = {}
    sealed = seal.verify(db) if seals and integrity == ["ok"] else seal.SealReport()
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


class BackupFailedCheck(UserError):
    """A freshly written copy did not pass the check; it was not kept."""


def verify_backup(path: Path) -> CheckReport:
    """A copy counts as a backup only when it is a sound register: integrity_check, foreign keys, data format.

    The seals are not a reason to refuse it: a register changed outside the app is backed up as it is
    (the copy keeps the evidence, and refusing would stop every backup until someone repairs the file);
    `check` and the login warning report the tampering itself.
    """
    # check() itself, on the fresh copy (no WAL: immutable); check_file would run integrity_check twice.
    try:
        db = sqlite_utils.Database(connect_read_only(path, immutable=True), execute_plugins=False)
        try:
            report = check(db, path, seals=False)
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupFailedCheck(_("The backup copy failed its check and was not kept: {reason}").format(
            reason=exc)) from exc
    if not report.ok:
        detail = "; ".join(report.integrity[:3]) if report.integrity != ["ok"] else _(
            "foreign key problems {n}, data format {found}/{latest}").format(
            n=report.foreign_key_problems, found=report.schema_version, latest=report.latest_version)
        raise BackupFailedCheck(_("The backup copy failed its check and was not kept: {reason}").format(reason=detail))
    return report


def _verified_copy(db: sqlite_utils.Database, target: Path) -> Path:
    """A checked copy of what is committed in ``db``'s file, read through a connection of its own.

    Its own connection sees the last committed state even while ``db`` holds an open write
    transaction (WAL), and SQLite's backup API cannot read through a connection that is writing.
    """
    source = database_path(db)
    if not source:  # an in-memory register (tests): nothing else can see it
        return backup_copy(db, target, verify=verify_backup)
    reader = sqlite_utils.Database(sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000), execute_plugins=False)
    try:
        return backup_copy(reader, target, verify=verify_backup)
    finally:
        reader.close()


def backup(db: sqlite_utils.Database, out: Path, user: User) -> Path:
    """Write a checked, consistent copy to ``out``; never overwrites an existing file.

    The audit entry and the copy are one step: the write lock is taken first (waiting, and saying
    so, while another operation writes), the entry is recorded, the copy made and checked, and only
    then is the entry committed. When any part fails no entry and no file remain, so a retry works.
    """
    require(user, Action.BACKUP)
    out = Path(out)
    if out.exists():
        raise UserError(_("{path} already exists. Choose another file name.").format(path=str(out)))
    written = False
    try:
        with transaction(db):
            audit.record(db, user.login, "database.backup", after={"file": str(out), "key": seal_key.load().primary})
            _verified_copy(db, out)
            written = True
    except BaseException:
        if written:
            out.unlink(missing_ok=True)
        raise
    return out


def manual_backup_path(folder: Path, db_path: Path) -> Path:
    """<folder>/<stem>-backup-<timestamp>.sqlite, never an existing name."""
    return unique_backup_path(folder, db_path.stem, "backup")


@dataclass
class BackupInfo:
    """What a backup holds, shown before a restore replaces anything."""

    path: str
    written_at: str  # the file's modification time, local
    schema_version: int
    counts: dict[str, int]
    last_change_at: str | None
    last_change: str | None  # the action of the newest audit entry, e.g. "staff.import"
    ok: bool


_INFO_COUNTS = {
    "staff": "SELECT count(*) FROM staff",
    "projects": "SELECT count(*) FROM projects",
    "ratings": "SELECT count(*) FROM evaluation_scores",
    "certifications": "SELECT count(*) FROM certifications",
}


def backup_info(path: Path) -> BackupInfo:
    """Read a backup without changing it (DatabaseRefused if it is not a readable register)."""
    path = Path(path)
    version = inspect_file(path)
    report = check_file(path)
    no_wal = not path.with_name(path.name + "-wal").exists()
    conn = connect_read_only(path, immutable=no_wal)
    try:
        numbers: dict[str, Any] = {}
        for key, sql in _INFO_COUNTS.items():
            try:
                numbers[key] = conn.execute(sql).fetchone()[0]
            except sqlite3.OperationalError:  # an older data format without that table
                numbers[key] = 0
        try:
            last = conn.execute("SELECT at, action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        except sqlite3.OperationalError:
            last = None
    finally:
        conn.close()
    written = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%dT%H:%M:%S")
    return BackupInfo(path=str(path), written_at=written, schema_version=version, counts=numbers,
                      last_change_at=last[0][:19] if last else None, last_change=last[1] if last else None,
                      # an older data format is fine (it is updated when opened); everything else must pass
                      ok=report.ok if version == latest_version() else report.integrity == ["ok"]
                      and report.foreign_key_problems == 0)


def describe_backup(info: BackupInfo) -> str:
    """The Japanese lines an officer reads before confirming a restore."""
    lines = [
        _("Backup: {path}").format(path=info.path),
        _("Written: {at}").format(at=info.written_at.replace("T", " ")),
        _("Staff {staff} · projects {projects} · ratings {ratings} · certifications {certifications}").format(
            **info.counts),
        _("Last change: {at} ({action})").format(at=info.last_change_at.replace("T", " "),
                                                 action=audit.action_label(info.last_change or ""))
        if info.last_change_at else _("Last change: none recorded"),
        _("Data format: {found} (this version: {latest})").format(found=info.schema_version, latest=latest_version()),
    ]
    return "\n".join(lines)


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


def restore(target: Path, source: Path, user: User) -> Path | None:
    """Replace the register at ``target`` with ``source`` after checking it.

    The source is copied into a new file beside the target and checked there;
    only then is the current register kept in backups/ (returned) and the new
    file moved into its place. No connection to ``target`` may be open.
    A source that fails any check changes nothing.
    """
    require(user, Action.BACKUP)
    if source.resolve() == target.resolve():
        raise UserError(_("The backup file and the current database are the same file."))
    source_version = inspect_file(source)
    if source_version == 0:
        raise DatabaseRefused(_("{path} is an empty database, not a backup of the register.").format(path=str(source)))
    with lock.held(target):
        return _replace(target, source, source_version, user)


def _replace(target: Path, source: Path, source_version: int, user: User) -> Path | None:
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
            audit.record(result.db, user.login, "database.restore", before={"kept": str(kept) if kept else None},
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
    _verified_copy(db, target)
    _thin(existing + [(now, target)])
    return target


def _thin(existing: list[tuple[datetime, Path]]) -> None:
    keep = backups_to_keep([stamp for stamp, _file in existing])
    for stamp, file in existing:
        if stamp not in keep:
            file.unlink(missing_ok=True)


BACKUP_FOLDER_KEY = "backup_folder"


class BackupFolderUnavailable(UserError):
    """The folder the officer chose for backups (a USB stick, a file server) cannot be written now."""


def chosen_backup_folder(db: sqlite_utils.Database) -> Path | None:
    """The officer's own backup folder (setting ``backup_folder``), or None when none is set."""
    value = str(settings.get(db, BACKUP_FOLDER_KEY) or "").strip()
    return Path(value).expanduser() if value else None


def backup_to_chosen_folder(db: sqlite_utils.Database, db_path: Path, now: datetime | None = None,
                            min_interval_hours: float = 20) -> Path | None:
    """The automatic backup, also into the chosen folder, thinned there the same way.

    None when no folder is chosen or the last copy there is recent; BackupFolderUnavailable (a
    Japanese message naming the folder) when it is missing or cannot be written: the folder is never
    created here, since a missing USB stick or server share must not become a folder on the PC.
    """
    folder = chosen_backup_folder(db)
    if folder is None:
        return None
    if not folder.is_dir():
        raise BackupFolderUnavailable(_(
            "The backup folder {path} is not available (is the USB stick plugged in, the file server "
            "reachable?). The backup beside the register was still made.").format(path=folder))
    now = now or datetime.now()
    existing = _auto_backups(folder, db_path.stem)
    if existing and (now - existing[-1][0]).total_seconds() < min_interval_hours * 3600:
        return None
    target = folder / f"{db_path.stem}.{AUTO_BACKUP_REASON}-{now.strftime(_AUTO_STAMP)}.sqlite"
    if target.exists():
        return None
    try:
        _verified_copy(db, target)
    except DatabaseRefused as exc:  # a storage fault of the stick or share, named in Japanese
        raise BackupFolderUnavailable(_("The backup to the folder {path} failed: {reason}").format(
            path=folder, reason=exc)) from exc
    _thin(existing + [(now, target)])
    return target


def check_backup_folder(text: str) -> Path | None:
    """The value of the ``backup_folder`` setting as typed, refused when it is not an existing folder."""
    text = text.strip()
    if not text:
        return None
    folder = Path(text).expanduser()
    if not folder.is_absolute():
        raise UserError(_("The backup folder must be a full path (e.g. E:\\バックアップ or \\\\server\\share), "
                          "not 「{value}」.").format(value=text))
    if not folder.is_dir():
        raise UserError(_("The backup folder {path} does not exist or is not available now.").format(path=folder))
    return folder


@dataclass
class ScheduledBackups:
    """What the daily (or closing) backup did: files written, and problems to tell the officer."""

    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def scheduled_backups(db: sqlite_utils.Database, db_path: Path, now: datetime | None = None,
                      min_interval_hours: float = 20) -> ScheduledBackups:
    """The automatic backup beside the register and into the chosen folder, each checked and thinned.

    A failure of one place is reported (Japanese text in ``problems``) and does not stop the other;
    it never raises for a storage fault, so that neither the login nor closing the app is blocked.
    """
    from app.db import storage_message

    outcome = ScheduledBackups()
    for place, make in ((db_path.resolve().parent / "backups", auto_backup),
                        (chosen_backup_folder(db), backup_to_chosen_folder)):
        if place is None:
            continue
        try:
            made = make(db, db_path, now, min_interval_hours)
        except UserError as exc:
            outcome.problems.append(str(exc))
        except (OSError, sqlite3.Error) as exc:
            outcome.problems.append(storage_message(exc, place) or str(exc))
        else:
            if made:
                outcome.written.append(made)
    return outcome
