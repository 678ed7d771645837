"""The one way to open the user's SQLite file.

Opening checks before it changes anything: a file that is not SQLite, fails
``integrity_check``, belongs to another program or comes from a newer version
of this app is refused and left byte-identical. Migrations are a numbered chain
of SQL files in ``app/migrations``; each runs in its own transaction after a
backup copy of the file has been taken.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import sqlite_utils

from app import seal
from app.errors import DatabaseRefused, StorageError
from app.i18n import _
from app.network_share import network_warning

# "DXJZ" in ASCII: marks files written by this app (PRAGMA application_id).
APPLICATION_ID = 0x44584A5A
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
# Waiting for another process's write (a CLI import while the window saves, a backup tool): first a
# short silent try, then 「他の操作が終わるのを待っています」 and more tries up to a bound, then a refusal.
LOCK_QUIET_MS = 300
LOCK_SLICE_MS = 250
LOCK_WAIT_ENV = "DX_JINZAI_LOCK_WAIT_SECONDS"
DEFAULT_LOCK_WAIT_SECONDS = 60.0
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


# SQLite's primary result codes (the low byte of the extended code) for faults of the disk, not of the data.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26
_ERRNO_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_ERRNO_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
_WINDOWS_SHARING_VIOLATION = (32, 33)  # another program has the file open


def storage_kind(exc: BaseException) -> str | None:
    """What kind of storage fault ``exc`` is: read_only, cannot_open, full, locked, damaged, io; None if none.

    Told apart by SQLite's result code or the OS errno, never by the (English) message text:
    a full disk must not be reported as damage, or an officer restores a backup for nothing.
    """
    if isinstance(exc, sqlite3.Error):
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        return {_SQLITE_PERM: "read_only", _SQLITE_READONLY: "read_only", _SQLITE_CANTOPEN: "cannot_open",
                _SQLITE_FULL: "full", _SQLITE_BUSY: "locked", _SQLITE_LOCKED: "locked",
                _SQLITE_CORRUPT: "damaged", _SQLITE_NOTADB: "damaged", _SQLITE_IOERR: "io"}.get(code)
    if isinstance(exc, OSError):
        if getattr(exc, "winerror", None) in _WINDOWS_SHARING_VIOLATION:
            return "locked"
        if exc.errno in _ERRNO_FULL:
            return "full"
        if exc.errno in _ERRNO_READ_ONLY:
            return "read_only"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return "cannot_open"
        return "io"
    return None


def storage_message(exc: BaseException, path: Path | str) -> str | None:
    """The true Japanese message for a storage fault on ``path`` (None when ``exc`` is not one)."""
    kind = storage_kind(exc)
    if kind is None:
        return None
    name = str(path)
    return {
        "read_only": _("{path} cannot be changed: the file or its folder is read-only, or you have no permission to "
                       "write there. Nothing was changed. Copy the register to a folder you can write to, or ask for "
                       "write permission."),
        "cannot_open": _("{path} cannot be opened for writing: its folder is missing, read-only or not writable for "
                         "you (the register writes its journal file beside it). Nothing was changed."),
        "full": _("The disk holding {path} is full. The change was not saved and nothing else was lost; the register "
                  "is not damaged. Free some space on the disk and try again."),
        "locked": _("{path} is locked by another program or window. Nothing was changed; close the other program "
                    "and try again."),
        "damaged": _("{path} is damaged and cannot be read. Nothing was changed; restore a backup."),
        "io": _("The disk holding {path} reported a read or write error. Nothing was changed. Check the disk or the "
                "network drive and try again."),
    }[kind].format(path=name)


def database_path(db: sqlite_utils.Database) -> str:
    """The file behind a connection, for messages ("" for an in-memory database)."""
    try:
        row = db.conn.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        return ""
    return row[2] if row else ""


def storage_error(exc: BaseException, path: Path | str) -> StorageError | None:
    """``exc`` as a StorageError with the Japanese message, or None when it is not a storage fault."""
    message = storage_message(exc, path)
    return StorageError(message) if message else None


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The migration chain, read from the package; versions must be 1..n without gaps."""
    found = []
    for entry in resources.files("app.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    expected = list(range(1, len(found) + 1))
    if [m.version for m in found] != expected:
        raise RuntimeError(f"migration chain has gaps or duplicates: {[m.name for m in found]}")
    return found


def latest_version() -> int:
    """Schema version this build writes, derived from the chain itself."""
    return len(migrations())


@dataclass(frozen=True)
class OpenResult:
    db: sqlite_utils.Database
    path: Path
    migrated_from: int
    backup_path: Path | None
    network_warning: str | None = None  # the register is on a network share (shown, never refused)
    takeover: seal.Takeover | None = None  # rows sealed on another PC that this PC now vouches for


def inspect_file(path: Path) -> int:
    """Read-only checks; returns the file's schema version or raises DatabaseRefused.

    Uses a read-only connection so that nothing, not even the journal mode,
    is written to a file we may refuse.
    """
    name = str(path)
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        refusal = storage_error(exc, path)
        if refusal is not None and storage_kind(exc) != "io":
            raise refusal from exc
        raise DatabaseRefused(_("Cannot read the file {path}: {error}").format(path=name, error=exc)) from exc
    if header != SQLITE_HEADER:
        raise DatabaseRefused(
            _("{path} is not a DX人材認定台帳 database (not an SQLite file). Nothing was changed.").format(path=name)
        )
    # Without a -wal file nothing can be pending, and immutable=1 keeps SQLite from
    # creating -wal/-shm files beside a file we may refuse.
    wal_exists = path.with_name(path.name + "-wal").exists()
    try:
        conn = connect_read_only(path, immutable=not wal_exists)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) or DatabaseRefused(
            _("Cannot open {path}: {error}").format(path=name, error=exc)) from exc
    try:
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            table_count = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if storage_kind(exc) not in (None, "damaged"):  # a full disk or a lock is not damage
                raise storage_error(exc, path) from exc
            raise DatabaseRefused(
                _("{path} is damaged and cannot be read ({error}). Nothing was changed; restore a backup.").format(
                    path=name, error=exc
                )
            ) from exc
    finally:
        conn.close()
    if problems != ["ok"]:
        raise DatabaseRefused(
            _("{path} failed the integrity check ({detail}). Nothing was changed; restore a backup.").format(
                path=name, detail="; ".join(problems[:3])
            )
        )
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and table_count > 0):
        raise DatabaseRefused(
            _("{path} is an SQLite file of another program, not a DX人材認定台帳 database. Nothing was changed.").format(
                path=name
            )
        )
    latest = latest_version()
    if version > latest:
        raise DatabaseRefused(
            _(
                "{path} was written by a newer version of DX人材認定台帳 (data format {found}; "
                "this version reads up to {latest}). Please update the application. Nothing was changed."
            ).format(path=name, found=version, latest=latest)
        )
    return version


def read_only_uri(path: Path, immutable: bool = False) -> str:
    """A file: URI SQLite accepts for local and UNC (\\\\server\\share) paths alike.

    Path.as_uri() puts a UNC server in the URI authority, which SQLite rejects.
    """
    posix = path.resolve().as_posix()
    if not posix.startswith("/"):
        posix = "/" + posix  # C:/x -> /C:/x
    uri = "file:" + ("//" if posix.startswith("//") else "") + quote(posix, safe="/:")
    return uri + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


def connect_read_only(path: Path, immutable: bool = False) -> sqlite3.Connection:
    return sqlite3.connect(read_only_uri(path, immutable), uri=True)


def connect(path: Path) -> sqlite_utils.Database:
    """A connection with the pragmas every session needs."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":
        conn.close()
        raise DatabaseRefused(_("Cannot switch {path} to WAL journal mode.").format(path=str(path)))
    conn.execute("PRAGMA synchronous = FULL")
    seal.install(conn)  # every write the app makes is sealed by the triggers (app/seal.py)
    # No sqlite-utils plugins: nothing installed beside us may hook into the user's data,
    # and scanning entry points costs start-up time.
    return sqlite_utils.Database(conn, execute_plugins=False)


T = TypeVar("T")


@dataclass(frozen=True)
class WorkerStore:
    """The register for work on another thread: each job opens its own connection there and closes it.

    SQLite connections belong to the thread that made them, so a job on a worker thread cannot use the
    screen's connection. Screens hand their connection to ``WorkerStore.of`` (on their own thread) and the
    job calls ``run`` on the worker: only the store knows which file that is and how to open it.
    """

    path: Path

    @classmethod
    def of(cls, db: sqlite_utils.Database) -> WorkerStore:
        """The store behind an open connection (call it on the connection's own thread)."""
        path = database_path(db)
        if not path:
            raise ValueError("an in-memory database has no file a worker thread could open")
        return cls(Path(path))

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite_utils.Database]:
        """A connection of the calling thread's own, with every session's pragmas; closed on leaving, raise or not."""
        db = connect(self.path)
        try:
            yield db
        finally:
            db.close()

    def run(self, work: Callable[[sqlite_utils.Database], T]) -> T:
        """``work`` on a connection of the calling thread's own, closed afterwards (also when it raises)."""
        with self.connection() as db:
            return work(db)


def backup_copy(db: sqlite_utils.Database, target: Path, verify: Callable[[Path], None] | None = None) -> Path:
    """A consistent copy through SQLite's backup API (safe while the file is in use).

    Never replaces an existing file: a kept copy is evidence and must not be lost. ``verify`` checks
    the finished copy under its temporary name; when it raises, no file is left behind.
    """
    if target.exists():
        raise FileExistsError(target)
    tmp = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        dest = sqlite3.connect(str(tmp))
        try:
            db.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        if verify is not None:
            verify(tmp)
        tmp.rename(target)
    except BaseException as exc:
        # A full or read-only disk: no half-written copy may stay behind to be mistaken for a backup.
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if not isinstance(exc, (sqlite3.Error, OSError)):
            raise
        refusal = storage_error(exc, target.parent)
        if refusal is None:
            raise
        raise refusal from exc
    return target


def unique_backup_path(folder: Path, stem: str, reason: str) -> Path:
    """backups/<stem>.<reason>-<timestamp>.sqlite, never an existing name."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"{stem}.{reason}-{stamp}.sqlite"
    counter = 2
    while candidate.exists():
        candidate = folder / f"{stem}.{reason}-{stamp}-{counter}.sqlite"
        counter += 1
    return candidate


def open_database(path: Path | str, *, create: bool = True, backup_folder: Path | None = None) -> OpenResult:
    """Open (and if needed create or migrate) the register at ``path``.

    Raises DatabaseRefused without touching the file when it must not be used.
    """
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise DatabaseRefused(_("The database {path} does not exist.").format(path=str(path)))
    version = inspect_file(path) if exists else 0
    try:
        if not exists:
            path.parent.mkdir(parents=True, exist_ok=True)
        db = connect(path)
    except (sqlite3.Error, OSError) as exc:
        raise storage_error(exc, path) or exc
    backup_path = None
    try:
        if exists:
            _check_writable(db)
        chain = migrations()
        if version < len(chain) and version > 0:
            folder = backup_folder or path.resolve().parent / "backups"
            backup_path = backup_copy(db, unique_backup_path(folder, path.stem, f"before-v{len(chain)}"))
        for migration in chain[version:]:
            _apply(db, migration)
        takeover = None
        if seal.key_is_new(db):
            with transaction(db):
                takeover = seal.take_over(db)
    except (sqlite3.Error, OSError) as exc:
        db.close()
        raise storage_error(exc, path) or exc
    except BaseException:
        db.close()
        raise
    return OpenResult(db=db, path=path, migrated_from=version, backup_path=backup_path,
                      network_warning=network_warning(path), takeover=takeover)


def _check_writable(db: sqlite_utils.Database) -> None:
    """Fail now, with a true message, when the file cannot be written (a read-only file or drive).

    SQLite opens such a file read-only without a word; the first write (the login) would fail instead.
    The probe rewrites a header field with its own value and is rolled back: nothing changes.
    """
    conn = db.conn
    begin_immediate(conn, database_path(db))
    try:
        current = conn.execute("PRAGMA application_id").fetchone()[0]
        conn.execute(f"PRAGMA application_id = {int(current)}")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


# Migrations that need Python after their SQL (same transaction), by name without the number, so that
# renumbering at a merge does not break the link.
_PYTHON_STEPS = {"tamper_seal.sql": seal.after_migration,
                 "requirements.sql": seal.seal_later_tables("requirements.sql")}


def _apply(db: sqlite_utils.Database, migration: Migration) -> None:
    """One migration step, all or nothing, together with its version number."""
    conn = db.conn
    # Foreign keys off for the step (SQLite ignores the pragma inside a transaction), so a
    # migration may rebuild a referenced table; the check below keeps the data consistent.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.executescript(f"BEGIN IMMEDIATE;\n{migration.sql}\n")
        step = _PYTHON_STEPS.get(migration.name.split("_", 1)[1])
        if step is not None:
            step(conn)
        if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise sqlite3.IntegrityError(f"migration {migration.name} breaks foreign keys")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {migration.version}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


LockWaitListener = Callable[[bool], None]
_lock_wait_listener: LockWaitListener | None = None


def set_lock_wait_listener(listener: LockWaitListener | None) -> LockWaitListener | None:
    """Who tells the user that a write waits for another one: called with True while waiting (once per
    slice, so a GUI can repaint), then False once the lock is taken or given up. Returns the previous one.

    The CLI prints to stderr, the GUI shows it in its status bar and busy dialog; the core only calls it.
    """
    global _lock_wait_listener
    previous, _lock_wait_listener = _lock_wait_listener, listener
    return previous


def lock_wait_seconds() -> float:
    """How long a write waits for another process's write before giving up (an environment override for tests)."""
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV, DEFAULT_LOCK_WAIT_SECONDS)))
    except ValueError:
        return DEFAULT_LOCK_WAIT_SECONDS


def _notify_lock_wait(waiting: bool) -> None:
    if _lock_wait_listener is not None:
        with contextlib.suppress(Exception):  # telling must never break the write itself
            _lock_wait_listener(waiting)


def begin_immediate(conn: sqlite3.Connection, path: Path | str) -> None:
    """BEGIN IMMEDIATE, waiting for another writer a bounded time while the user is told so.

    Raises StorageError (Japanese) when the lock is still held after ``lock_wait_seconds()``;
    nothing has been written then. The connection's busy timeout is restored afterwards.
    """
    conn.execute(f"PRAGMA busy_timeout = {LOCK_QUIET_MS}")
    waited = False
    deadline = time.monotonic() + lock_wait_seconds()
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if storage_kind(exc) != "locked":
                    raise storage_error(exc, path) or exc
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StorageError(_(
                        "{path} stayed locked by another operation for {seconds} seconds (another window, a "
                        "command or a backup program is writing to it). Nothing was changed; try again when it "
                        "has finished.").format(path=str(path), seconds=round(lock_wait_seconds()))) from exc
                waited = True
                _notify_lock_wait(True)
                conn.execute(f"PRAGMA busy_timeout = {int(min(LOCK_SLICE_MS, remaining * 1000)) or 1}")
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if waited:
            _notify_lock_wait(False)


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Every service write runs inside one of these: all of it lands, or none.

    The outermost block takes the write lock at once (BEGIN IMMEDIATE) so that
    a concurrent writer waits on the busy timeout instead of failing mid-way;
    nested blocks become savepoints through sqlite-utils' ``atomic``.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    begin_immediate(db.conn, database_path(db))  # waits (and says so) for another writer, a bounded time
    try:
        yield db
    except BaseException as exc:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        _raise_storage_error(db, exc)
        raise
    else:
        try:
            db.conn.execute("COMMIT")
        except BaseException as exc:
            # A failed COMMIT (disk full, I/O error, deferred constraint) leaves the transaction
            # open; every later write would then vanish into it. Undo it now.
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            _raise_storage_error(db, exc)
            raise


def _raise_storage_error(db: sqlite_utils.Database, exc: BaseException) -> None:
    """A write the disk refused (read-only, full, locked) becomes the Japanese StorageError; others pass."""
    if isinstance(exc, sqlite3.OperationalError) and storage_kind(exc) not in (None, "damaged"):
        raise storage_error(exc, database_path(db)) from exc
