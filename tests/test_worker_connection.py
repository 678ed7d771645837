"""The one door for work on a worker thread: the store opens the worker's own connection and closes it.

SQLite connections belong to the thread that made them, and a connection left open on a worker keeps the
WAL file busy; so every job gets a fresh connection on its own thread, closed afterwards even when it fails.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlite_utils

from app.db import WorkerStore
from app.errors import UserError

UI = Path(__file__).resolve().parent.parent / "ui"
# What only the start-up (ui/main.py) may do in ui/: open the register, run SQL, ask SQLite for its file.
STORE_WORDS = ("open_database", ".execute(", "PRAGMA", "app.db import connect", "sqlite3.connect")


def _closed(db: sqlite_utils.Database) -> bool:
    try:
        db.conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


def _on_a_thread(work):
    """Run ``work`` on a new thread (as the GUI's pool would) and hand back its result or error."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome


def test_the_store_is_the_file_behind_a_connection(db, db_path):
    assert WorkerStore.of(db).path.resolve() == db_path.resolve()


def test_a_job_gets_its_own_connection_on_its_thread_closed_afterwards(db):
    store = WorkerStore.of(db)
    seen: dict = {}

    def job(worker_db: sqlite_utils.Database) -> int:
        seen["db"], seen["thread"] = worker_db, threading.get_ident()
        return worker_db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]

    outcome = _on_a_thread(lambda: store.run(job))
    assert outcome["result"] > 0, "the job reads the same register"
    assert seen["db"] is not db and seen["thread"] != threading.get_ident()
    assert _closed(seen["db"]), "the worker's connection is closed afterwards"
    assert not _closed(db), "the screen's own connection stays open"


def test_a_failing_job_still_closes_its_connection(db):
    store = WorkerStore.of(db)
    seen: dict = {}

    def job(worker_db: sqlite_utils.Database) -> None:
        seen["db"] = worker_db
        raise UserError("読めません")

    outcome = _on_a_thread(lambda: store.run(job))
    assert isinstance(outcome["error"], UserError) and str(outcome["error"]) == "読めません"
    assert _closed(seen["db"])


def test_the_worker_connection_has_the_session_pragmas(db):
    """Foreign keys on and the busy timeout set: a worker writes under the same rules as the window."""
    store = WorkerStore.of(db)
    pragmas = store.run(lambda worker_db: (worker_db.execute("PRAGMA foreign_keys").fetchone()[0],
                                           worker_db.execute("PRAGMA busy_timeout").fetchone()[0]))
    assert pragmas[0] == 1 and pragmas[1] > 0


def test_an_in_memory_database_has_no_store():
    with pytest.raises(ValueError):
        WorkerStore.of(sqlite_utils.Database(memory=True))


@pytest.mark.gui
def test_run_with_database_hands_the_job_a_worker_connection(qtbot, db):
    from ui.background import run_with_database

    seen: dict = {}

    def job(worker_db: sqlite_utils.Database) -> int:
        seen["db"], seen["thread"] = worker_db, threading.get_ident()
        return worker_db.execute("SELECT count(*) FROM staff").fetchone()[0]

    assert run_with_database(None, "…", db, job) == 0
    assert seen["thread"] != threading.get_ident() and seen["db"] is not db
    assert _closed(seen["db"]) and not _closed(db)

    def fail(worker_db: sqlite_utils.Database) -> None:
        seen["failed"] = worker_db
        raise UserError("読めません")

    with pytest.raises(UserError, match="読めません"):
        run_with_database(None, "…", db, fail)
    assert _closed(seen["failed"]), "closed on the worker even when the job raises"


def test_no_screen_opens_a_connection_or_runs_sql():
    """Only the start-up opens the register; every other screen goes through services and the worker door."""
    found = []
    for path in sorted(UI.rglob("*.py")):
        if path.name == "main.py" and path.parent == UI:
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(UI.parent)}: {word}" for word in STORE_WORDS if word in text]
    assert not found, found
