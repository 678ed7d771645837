"""A test per migration: a filled register of every earlier data format opens with the latest code.

For each version N the chain is applied up to N on a fresh file, which is then filled with the rows of a
demo town (staff, organisation, projects, ratings, certifications, accounts, the audit log), cut down to
the tables and columns that exist at N. The latest ``open_database`` must take a backup, migrate to the
latest version and keep every row and value of version N; the register must then pass its own check.
A new migration gets its test here without anything to add.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.db import _apply, connect, latest_version, migrations, open_database, transaction
from app.demo.projects import load_certification_history, load_projects
from app.demo.town import generate_town, load_town, set_demo_municipality
from app.certification import certificates, decisions
from app.overview import maintenance
from app.register import accounts
from app.staff import importer
from tests.conftest import ADMIN_PASSWORD, ADMIN_USER, admin_as

# Written by the register's own machinery at N (the seal triggers, the chain head), never copied from
# another file: a copied seal or chain head would be another register's.
MACHINE_COLUMNS = {"seal", "hash"}
MACHINE_TABLES = {"seal_state", "seal_witness"}


FILL_TRAINING_AND_SKILLS = [
    "INSERT INTO staff_qualifications (staff_id, name, obtained_on, qualification_id, expires_on) "
    "SELECT min(id), 'ITパスポート', '2024-06-01', (SELECT id FROM qualifications WHERE name = 'ITパスポート'), NULL FROM staff",
    "INSERT INTO training_events (title, kind, starts_on, ends_on, hours) VALUES ('情報セキュリティ研修', 'training', "
    "'2025-06-02', '2025-06-02', 2)",
    "INSERT INTO training_attendance (event_id, staff_id) SELECT max(e.id), min(s.id) FROM training_events e, staff s",
    "INSERT INTO survey_questions (event_id, position, text) SELECT max(id), 1, '満足度' FROM training_events",
    "INSERT INTO survey_responses (event_id, comment) SELECT max(id), 'よかった' FROM training_events",
    "INSERT INTO survey_answers (response_id, question_id, value) SELECT max(r.id), max(q.id), 4 "
    "FROM survey_responses r, survey_questions q",
    "INSERT INTO skill_catalogues (family, version, name) VALUES ('tokyo-skills', 1, 'スキルマップ')",
    "INSERT INTO skill_levels (catalogue_id, level, name) SELECT max(id), 1, '知っている' FROM skill_catalogues",
    "INSERT INTO skill_categories (catalogue_id, code, name) SELECT max(id), 'data', 'データ利活用' FROM skill_catalogues",
    "INSERT INTO skill_items (catalogue_id, category_id, code, name) SELECT max(c.id), max(k.id), 'analytics', "
    "'データ分析' FROM skill_catalogues c, skill_categories k",
    "INSERT INTO skill_item_descriptors (item_id, level, description) SELECT max(id), 1, '用語を説明できる' FROM skill_items",
    "INSERT INTO skill_roles (catalogue_id, code, name) SELECT max(id), 'ds', 'データサイエンティスト' FROM skill_catalogues",
    "INSERT INTO skill_role_items (role_id, item_id, importance) SELECT max(r.id), max(i.id), 'a' "
    "FROM skill_roles r, skill_items i",
    "INSERT INTO staff_skills (staff_id, catalogue_family, item_code, level, assessed_on, source) "
    "SELECT min(id), 'tokyo-skills', 'analytics', 2, '2025-07-01', 'self' FROM staff",
    "INSERT INTO skill_demands (catalogue_family, item_code, level, unit_id) "
    "SELECT 'tokyo-skills', 'analytics', 2, min(id) FROM org_units WHERE kind = 'section'",
]

# The town's own outcome fields (issue 16, migration 0014_outcomes), a row in each.
FILL_OUTCOMES = [
    "INSERT INTO outcome_fields (name, unit, whole) VALUES ('削減コスト', '千円', 0)",
    "INSERT INTO project_outcome_values (project_id, field_id, value) SELECT min(p.id), max(f.id), 1200 "
    "FROM projects p, outcome_fields f",
]


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A register at the latest version with something in every part of it."""
    path = tmp_path_factory.mktemp("migrations") / "latest.sqlite"
    result = open_database(path)
    db = result.db
    try:
        load_town(db, generate_town(120, seed=5), "test")
        load_projects(db, "test")
        load_certification_history(db, "test")
        set_demo_municipality(db, "test")
        accounts.setup_administrator(db, "kanri", "管理 花子", ADMIN_PASSWORD)
        accounts.create_user(db, "etsuran", "閲覧 次郎", ADMIN_PASSWORD, accounts.Role.VIEWER, admin_as("kanri"))
        with pytest.raises(accounts.AuthenticationError):
            accounts.authenticate(db, "etsuran", "not the password")  # a row in login_failures
        importer.save_mapping(db, ["番号", "氏名"], {"番号": "staff_no", "氏名": "name"}, ADMIN_USER)
        ids = [row[0] for row in db.execute("SELECT id FROM certifications WHERE status = 'active' ORDER BY id LIMIT 2")]
        certificates.write(db, ADMIN_USER, ids, path.with_name("certificates.pdf"))
        number = db.execute("SELECT certificate_no FROM certifications WHERE id = ?", ids[:1]).fetchone()[0]
        decisions.reissue(db, ADMIN_USER, number, "紛失", date(2026, 5, 1))
        with transaction(db):  # the training and skill tables (issue 15), a row in each
            for sql in FILL_TRAINING_AND_SKILLS + FILL_OUTCOMES:
                db.execute(sql)
        from app.demo.targets import load_targets

        load_targets(db, "test")  # targets, designation roles and designations (issue 16)
    finally:
        db.close()
    return path


def columns(conn: sqlite3.Connection, table: str, schema: str = "main") -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA {schema}.table_info({table})")]


def tables(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def rows(conn: sqlite3.Connection, table: str, names: list[str]) -> list[tuple]:
    """The rows of ``table`` by ``names``, sorted by those columns (the first is the key in every table)."""
    order = ", ".join(str(i + 1) for i in range(len(names)))
    return conn.execute(f"SELECT {', '.join(names)} FROM {table} ORDER BY {order}").fetchall()


def _training_version() -> int:
    """The version of the migration that moved project sessions into training events (0013_training)."""
    return next(m.version for m in migrations() if m.name.endswith("_training.sql"))


# Before 0013_training a project's sessions had tables of their own: a register of such a version gets the
# latest source's project workshops there (and not also in training_events, where the migration moves them).
_PROJECT_EVENT = "(e.project_id IS NOT NULL AND e.kind = 'workshop')"
SESSION_TABLES = {
    "project_sessions": ("id, project_id, held_on, title, hours",
                         f"SELECT e.id, e.project_id, e.starts_on, e.title, e.hours FROM source.training_events e "
                         f"WHERE {_PROJECT_EVENT} ORDER BY e.id"),
    "session_attendance": ("session_id, staff_id",
                           f"SELECT a.event_id, a.staff_id FROM source.training_attendance a JOIN source.training_events e "
                           f"ON e.id = a.event_id WHERE {_PROJECT_EVENT} ORDER BY 1, 2"),
    "training_events": (None, f"FROM source.training_events e WHERE NOT {_PROJECT_EVENT} ORDER BY e.id"),
    "training_attendance": (None, f"FROM source.training_attendance a JOIN source.training_events e "
                                  f"ON e.id = a.event_id WHERE NOT {_PROJECT_EVENT} ORDER BY 1, 2"),
}


def _fill_sessions(conn: sqlite3.Connection, table: str) -> None:
    listed, select = SESSION_TABLES[table]
    if listed is None:  # the events and attendance that stay where they are: the columns both files have
        alias = "e" if table == "training_events" else "a"
        shared = [c for c in columns(conn, table) if c in columns(conn, table, "source") and c not in MACHINE_COLUMNS]
        listed, select = ", ".join(shared), f"SELECT {', '.join(f'{alias}.{c}' for c in shared)} {select}"
    conn.execute(f"DELETE FROM main.{table}")
    conn.execute(f"INSERT INTO main.{table} ({listed}) {select}")


def register_at(version: int, path: Path, source: Path) -> Path:
    """The chain up to ``version``, then the source's rows in the tables and columns of that version."""
    db = connect(path)
    try:
        for migration in migrations()[:version]:
            _apply(db, migration)
        conn = db.conn
        conn.execute("ATTACH DATABASE ? AS source", [str(source)])
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN IMMEDIATE")
        # The guards (submitted answers locked, the log append-only) judge edits, not a register being
        # laid down in one go: set aside while filling, made again from their own SQL afterwards.
        guards = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                              "AND sql LIKE '%RAISE(%'").fetchall()
        for name, _sql in guards:
            conn.execute(f"DROP TRIGGER {name}")
        present = tables(conn)
        for table in present:
            if table in MACHINE_TABLES:
                continue
            if "project_sessions" in present and table in SESSION_TABLES:
                _fill_sessions(conn, table)
                continue
            shared = [c for c in columns(conn, table) if c in columns(conn, table, "source")
                      and c not in MACHINE_COLUMNS]
            listed = ", ".join(shared)
            # the log of a version tells only of the tables it has (no certificates before there were any)
            where = (f"WHERE entity IS NULL OR entity IN ({', '.join('?' * len(present))})"
                     if table == "audit_log" else "")
            conn.execute(f"DELETE FROM main.{table}")  # rows a migration seeds (the qualification catalogue)
            conn.execute(f"INSERT INTO main.{table} ({listed}) SELECT {listed} FROM source.{table} {where} "
                         f"ORDER BY {', '.join(str(i + 1) for i in range(len(shared)))}", present if where else [])
        assert conn.execute("PRAGMA main.foreign_key_check").fetchall() == []
        for _name, sql in guards:
            conn.execute(sql)
        conn.execute("COMMIT")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DETACH DATABASE source")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    finally:
        db.close()
    return path


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, by the columns the file has (machine columns aside), in rowid order."""
    conn = sqlite3.connect(path)
    try:
        return {table: rows(conn, table, [c for c in columns(conn, table) if c not in MACHINE_COLUMNS])
                for table in tables(conn) if table not in MACHINE_TABLES}
    finally:
        conn.close()


@pytest.mark.parametrize("version", range(1, latest_version() + 1))
def test_a_filled_register_of_each_version_opens_with_the_latest_code(version, source, tmp_path):
    path = register_at(version, tmp_path / f"v{version}.sqlite", source)
    old_columns = _column_map(path)
    before = snapshot(path)
    assert [table for table, kept in before.items() if not kept] == [], "every table of the version has rows"

    result = open_database(path)
    try:
        assert result.migrated_from == version
        assert result.db.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        if version < latest_version():
            assert result.backup_path is not None and result.backup_path.exists()
            assert snapshot(result.backup_path) == before  # the backup is the file as it was
        else:
            assert result.backup_path is None
    finally:
        result.db.close()

    conn = sqlite3.connect(path)
    try:
        for table, kept in before.items():
            if version < _training_version() and table in SESSION_TABLES:
                continue  # moved into training events: test_project_sessions_become_training_events
            assert rows(conn, table, old_columns[table]) == kept, f"{table}: rows of version {version} changed by the migration"
    finally:
        conn.close()
    report = maintenance.check_file(path)
    assert report.ok, report.findings
    assert report.schema_version == latest_version()


def _column_map(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        return {table: [c for c in columns(conn, table) if c not in MACHINE_COLUMNS]
                for table in tables(conn) if table not in MACHINE_TABLES}
    finally:
        conn.close()


def test_project_sessions_become_training_events(source, tmp_path):
    """0013_training: every session becomes a 'workshop' event of its project (title, day, hours) with the same
    attendance; the events already there keep their ids and attendance; the old tables are gone."""
    version = _training_version() - 1
    path = register_at(version, tmp_path / "sessions.sqlite", source)
    conn = sqlite3.connect(path)
    sessions = conn.execute("SELECT id, project_id, held_on, title, hours FROM project_sessions ORDER BY id").fetchall()
    attended = {(r[0], r[1]) for r in conn.execute("SELECT session_id, staff_id FROM session_attendance")}
    events = conn.execute("SELECT * FROM training_events ORDER BY id").fetchall()
    event_attendance = conn.execute("SELECT event_id, staff_id FROM training_attendance ORDER BY 1, 2").fetchall()
    conn.close()
    assert sessions and attended and events
    open_database(path).db.close()
    conn = sqlite3.connect(path)
    try:
        assert not {"project_sessions", "session_attendance"} & set(tables(conn))
        assert conn.execute("SELECT * FROM training_events WHERE id <= ? ORDER BY id", [events[-1][0]]).fetchall() == events
        moved = conn.execute("SELECT id, project_id, starts_on, ends_on, title, hours, kind FROM training_events "
                             "WHERE id > ? ORDER BY id", [events[-1][0]]).fetchall()
        assert [(m[1], m[2], m[4], m[5]) for m in moved] == [s[1:] for s in sessions]
        assert all(m[2] == m[3] and m[6] == "workshop" for m in moved)
        new_id = {s[0]: m[0] for s, m in zip(sessions, moved)}
        after = {(r[0], r[1]) for r in conn.execute("SELECT event_id, staff_id FROM training_attendance")}
        assert after == {(new_id[s], p) for s, p in attended} | set(event_attendance)
    finally:
        conn.close()
