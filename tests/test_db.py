"""The data layer: pragmas, migrations, refusals that leave files byte-identical, transactions."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from app import db as dbmod
from app.db import Migration, latest_version, migrations, open_database, transaction
from app.demo.town import generate_town, load_town
from app.errors import DatabaseRefused


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_has_safe_pragmas_and_latest_schema(db, db_path):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == dbmod.BUSY_TIMEOUT_MS
    assert db.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    assert db.execute("PRAGMA application_id").fetchone()[0] == dbmod.APPLICATION_ID
    assert {"staff", "org_units", "positions", "staff_assignments", "users", "settings", "audit_log"} <= set(
        db.table_names()
    )


def test_migration_chain_is_numbered_without_gaps():
    chain = migrations()
    assert [m.version for m in chain] == list(range(1, len(chain) + 1))
    assert latest_version() == len(chain)


def test_reopening_does_not_migrate_again(db_path):
    open_database(db_path).db.close()
    again = open_database(db_path)
    assert again.migrated_from == latest_version() and again.backup_path is None
    again.db.close()


def _write_newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.execute("CREATE TABLE future (x)")
    conn.commit()
    conn.close()


def _write_random(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _write_truncated(path: Path) -> None:
    source = path.with_name("full.sqlite")
    result = open_database(source)
    load_town(result.db, generate_town(2000, seed=3), "test")
    result.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result.db.close()
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _write_foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("make_file", "expected"),
    [
        (_write_newer, "新しいバージョン"),
        (_write_random, "SQLiteファイルではありません"),
        (_write_truncated, "バックアップから復元"),
        (_write_foreign, "他のプログラム"),
    ],
    ids=["newer-version", "random-bytes", "truncated", "other-program"],
)
def test_refused_files_stay_byte_identical(tmp_path, make_file, expected):
    path = tmp_path / "bad.sqlite"
    make_file(path)
    before = digest(path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DatabaseRefused) as info:
        open_database(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no -wal, -shm or backup left behind


def test_migration_takes_a_backup_first_and_is_atomic(db_path, monkeypatch):
    first = open_database(db_path)
    load_town(first.db, generate_town(50, seed=2), "test")
    first.db.close()
    chain = migrations()
    broken = Migration(len(chain) + 1, "9999_broken.sql",
                       "CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);")
    monkeypatch.setattr(dbmod, "migrations", lambda: [*chain, broken])
    with pytest.raises(sqlite3.OperationalError):
        open_database(db_path)
    backups = list((db_path.parent / "backups").glob("*.sqlite"))
    assert len(backups) == 1
    check = sqlite3.connect(db_path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == len(chain)
    assert check.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    assert check.execute("SELECT count(*) FROM staff").fetchone()[0] == 50
    check.close()
    saved = sqlite3.connect(backups[0])
    assert saved.execute("SELECT count(*) FROM staff").fetchone()[0] == 50
    saved.close()

    good = Migration(len(chain) + 1, "9999_good.sql", "CREATE TABLE later_feature (id INTEGER PRIMARY KEY);")
    monkeypatch.setattr(dbmod, "migrations", lambda: [*chain, good])
    result = open_database(db_path)
    assert result.migrated_from == len(chain) and result.backup_path is not None
    assert "later_feature" in result.db.table_names()
    assert result.db.execute("PRAGMA user_version").fetchone()[0] == len(chain) + 1
    result.db.close()


def test_transaction_rolls_back_everything_on_error(db):
    with pytest.raises(RuntimeError):
        with transaction(db):
            db["positions"].insert({"name": "主事", "rank": 8})
            with transaction(db):  # nested: a savepoint inside the same transaction
                db["positions"].insert({"name": "主任", "rank": 7})
            raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM positions").fetchone()[0] == 0
    assert not db.conn.in_transaction


def test_nested_failure_rolls_back_only_the_inner_block(db):
    with transaction(db):
        db["positions"].insert({"name": "主事", "rank": 8})
        with pytest.raises(sqlite3.IntegrityError):
            with transaction(db):
                db["positions"].insert({"name": "主任", "rank": 7})
                db["positions"].insert({"name": "主事", "rank": 8})  # duplicate name
    assert [r["name"] for r in db.query("SELECT name FROM positions")] == ["主事"]


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        with transaction(db):
            db.execute("INSERT INTO staff_assignments (staff_id, unit_id, valid_from) VALUES (999, 999, '2025-04-01')")


def test_audit_log_is_append_only(db):
    from app import audit

    with transaction(db):
        audit.record(db, "admin", "test.action", "staff", 1, {"a": 1}, {"a": 2})
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with transaction(db):
            db.execute("UPDATE audit_log SET actor = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with transaction(db):
            db.execute("DELETE FROM audit_log")
    assert db.execute("SELECT actor FROM audit_log").fetchone()[0] == "admin"


def test_a_failed_commit_is_rolled_back_and_later_writes_land(db, db_path):
    with pytest.raises(sqlite3.IntegrityError):
        with transaction(db):
            db.execute("PRAGMA defer_foreign_keys = ON")
            db.execute("INSERT INTO staff_assignments (staff_id, unit_id, valid_from) VALUES (999, 999, '2025-04-01')")
    assert not db.conn.in_transaction
    with transaction(db):
        db["positions"].insert({"name": "主事", "rank": 8})
    db.close()
    reopened = open_database(db_path).db
    assert reopened.execute("SELECT count(*) FROM positions").fetchone()[0] == 1
    assert reopened.execute("SELECT count(*) FROM staff_assignments").fetchone()[0] == 0
    reopened.close()


def test_read_only_uri_handles_unc_and_special_characters():
    from pathlib import PurePosixPath

    uri = dbmod.read_only_uri(Path("/tmp/台帳 #1?.sqlite"))
    assert uri.startswith("file:/tmp/") and "%23" in uri and "%3F" in uri and uri.endswith("?mode=ro")

    class UNC(type(Path())):  # a resolved Windows share path seen through as_posix()
        def resolve(self):
            return self

        def as_posix(self):
            return "//server/share/dx/台帳.sqlite"

    assert dbmod.read_only_uri(UNC("/x"), immutable=True).startswith("file:////server/share/dx/")
    assert PurePosixPath  # keep import used


def test_the_suite_refuses_network_connections():
    import socket

    with pytest.raises(AssertionError, match="network connection"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)


def test_every_audited_action_has_a_readable_label():
    """The audit log screen shows labels, not codes: a new action must come with one."""
    import re

    from app import audit

    source = "".join(p.read_text(encoding="utf-8") for p in (Path(dbmod.__file__).parent).rglob("*.py"))
    actions = set(re.findall(r'"((?:user|staff|org|database|demo|setting|import)\.[a-z_]+)"', source))
    assert actions and actions <= set(audit.ACTION_LABELS), actions - set(audit.ACTION_LABELS)
