"""Tamper evidence (issue 13 item 4): changes made to the file outside the app are found by `check`.

Each case opens the register with plain sqlite3, as someone with the file in hand would, and
changes it; `check` must then fail and name the row. The template register is made once through the
CLI (demo town, its projects and ratings, certifications, one revocation, a viewer account).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from app.certification import certificates
from app.overview import maintenance
from app.db import open_database, transaction
from tests.conftest import admin_as, run_cli
from tests.reliability import report

PASSWORD = "correct horse 2"


def cli(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, stdin=stdin, env=env)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tamper") / "template.sqlite"
    for args in (("init",), ("demo",), ("settings", "set", "mayor_title", "町長"),
                 ("settings", "set", "mayor_name", "真岡 太郎")):
        result = cli("--db", str(path), *args)
        assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(path)
    number = conn.execute("SELECT certificate_no FROM certifications ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    result = cli("--db", str(path), "revoke", number, "--reason", "不正受験", "--date", "2026-06-01")
    assert result.returncode == 0, result.stderr
    for login, role in (("kanri", "admin"), ("etsuran", "viewer")):
        result = cli("--db", str(path), "user", "add", login, "--role", role, "--password-stdin",
                     stdin=PASSWORD + "\n" + PASSWORD + "\n")
        assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def register(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "register.sqlite"
    shutil.copy(template, path)
    return path


def drop_seal_triggers(conn: sqlite3.Connection, table: str) -> None:
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                [table]).fetchall():
        conn.execute(f"DROP TRIGGER {name}")


def forge_seal_function(conn: sqlite3.Connection) -> None:
    """An attacker who keeps the triggers and supplies the function with a key of their own."""
    import hashlib
    import hmac

    key = b"guessed" * 4
    fingerprint = json.loads((Path(os.environ["DX_JINZAI_DATA_DIR"]) / "keys" / "seal-keys.json").read_text())[
        "primary"] if (Path(os.environ["DX_JINZAI_DATA_DIR"]) / "keys" / "seal-keys.json").exists() else "0" * 16

    def dx_seal(table, *values):
        return f"{fingerprint}:" + hmac.digest(key, repr((table, *values)).encode(), "sha256")[:16].hex()

    def dx_chain(previous, *values):
        return hashlib.sha256((previous or "").encode() + repr(("audit_log", *values)).encode()).hexdigest()

    conn.create_function("dx_seal", -1, dx_seal)
    conn.create_function("dx_chain", -1, dx_chain)


def reopen_edit_resubmit(conn: sqlite3.Connection) -> str:
    drop_seal_triggers(conn, "evaluation_assignments")
    drop_seal_triggers(conn, "evaluation_scores")
    aid = conn.execute("SELECT id FROM evaluation_assignments WHERE status = 'submitted' ORDER BY id").fetchone()[0]
    conn.execute("UPDATE evaluation_assignments SET status = 'draft', submitted_at = NULL WHERE id = ?", [aid])
    conn.execute("UPDATE evaluation_scores SET score = 1 WHERE assignment_id = ?", [aid])
    conn.execute("UPDATE evaluation_assignments SET status = 'submitted', submitted_at = '2026-07-01T10:00:00' "
                 "WHERE id = ?", [aid])
    return "evaluation_"


def reopen_edit_resubmit_forged_function(conn: sqlite3.Connection) -> str:
    forge_seal_function(conn)
    aid = conn.execute("SELECT id FROM evaluation_assignments WHERE status = 'submitted' ORDER BY id").fetchone()[0]
    conn.execute("UPDATE evaluation_assignments SET status = 'draft', submitted_at = NULL WHERE id = ?", [aid])
    conn.execute("UPDATE evaluation_scores SET score = 1 WHERE assignment_id = ?", [aid])
    conn.execute("UPDATE evaluation_assignments SET status = 'submitted', submitted_at = '2026-07-01T10:00:00' "
                 "WHERE id = ?", [aid])
    return "evaluation_"


def score_99(conn: sqlite3.Connection) -> str:
    drop_seal_triggers(conn, "evaluation_scores")
    conn.execute(
        "UPDATE evaluation_scores SET score = 99 WHERE (assignment_id, criterion_id) = "
        "(SELECT assignment_id, criterion_id FROM evaluation_scores WHERE score IS NOT NULL LIMIT 1)")
    return "evaluation_scores"


def unrevoke(conn: sqlite3.Connection) -> str:
    drop_seal_triggers(conn, "certifications")
    conn.execute("UPDATE certifications SET status = 'active', revoked_on = NULL, revoke_reason = NULL "
                 "WHERE status = 'revoked'")
    return "certifications"


def change_approver(conn: sqlite3.Connection) -> str:
    forge_seal_function(conn)
    conn.execute("UPDATE certifications SET approver = '副町長 偽物' WHERE id = (SELECT max(id) FROM certifications)")
    return "certifications"


def forged_certification(conn: sqlite3.Connection) -> str:
    drop_seal_triggers(conn, "certifications")
    row = conn.execute("SELECT * FROM certifications WHERE status = 'active' ORDER BY id DESC LIMIT 1").fetchone()
    columns = [d[0] for d in conn.execute("SELECT * FROM certifications LIMIT 0").description]
    forged = dict(zip(columns, row))
    staff = conn.execute("SELECT id FROM staff WHERE id NOT IN (SELECT staff_id FROM certifications) LIMIT 1").fetchone()
    seq = conn.execute("SELECT max(seq) + 1 FROM certifications WHERE fiscal_year = ?",
                       [forged["fiscal_year"]]).fetchone()[0]
    forged.update(id=None, staff_id=staff[0], seq=seq, certificate_no=f"偽造第{seq:04}号", seal=None)
    conn.execute(f"INSERT INTO certifications ({', '.join(forged)}) VALUES ({', '.join('?' * len(forged))})",
                 list(forged.values()))
    return "certifications"


def drop_triggers_only(conn: sqlite3.Connection) -> str:
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    return "sqlite_master"


def empty_audit_log(conn: sqlite3.Connection) -> str:
    drop_seal_triggers(conn, "audit_log")
    conn.execute("DELETE FROM audit_log")
    return "audit_log"


def cut_audit_tail(conn: sqlite3.Connection) -> str:
    drop_seal_triggers(conn, "audit_log")
    conn.execute("DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)")
    return "audit_log"


def rewrite_audit_entry(conn: sqlite3.Connection) -> str:
    drop_seal_triggers(conn, "audit_log")
    conn.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = 5")
    return "audit_log"


def rechain_audit_log(conn: sqlite3.Connection) -> str:
    """Remove an entry and recompute the whole (unkeyed) hash chain: the seals still give it away."""
    import hashlib

    drop_seal_triggers(conn, "audit_log")
    drop_seal_triggers(conn, "seal_state")
    conn.execute("DELETE FROM audit_log WHERE action = 'certification.revoke'")
    previous = ""
    for row in conn.execute("SELECT id, at, actor, action, entity, entity_id, before_json, after_json FROM audit_log "
                            "ORDER BY id").fetchall():
        previous = hashlib.sha256(previous.encode() + repr(("audit_log", *row)).encode()).hexdigest()
        conn.execute("UPDATE audit_log SET hash = ? WHERE id = ?", [previous, row[0]])
    conn.execute("UPDATE seal_state SET value = ?, number = (SELECT max(id) FROM audit_log) WHERE name = 'audit_head'",
                 [previous])
    return "audit_log"


def viewer_made_admin(conn: sqlite3.Connection) -> str:
    drop_seal_triggers(conn, "users")
    conn.execute("UPDATE users SET role = 'admin' WHERE login = 'etsuran'")
    return "users"


def setting_changed(conn: sqlite3.Connection) -> str:
    forge_seal_function(conn)
    conn.execute("UPDATE settings SET value = '\"副町長\"' WHERE key = 'mayor_title'")
    return "settings"


def certification_deleted(conn: sqlite3.Connection) -> str:
    drop_seal_triggers(conn, "certifications")
    conn.execute("DELETE FROM certifications WHERE id = (SELECT min(id) FROM certifications WHERE status = 'active' "
                 "AND NOT EXISTS (SELECT 1 FROM certificate_prints p WHERE p.certification_id = certifications.id))")
    return "certifications"


def print_log_row_inserted(conn: sqlite3.Connection) -> str:
    drop_seal_triggers(conn, "certificate_prints")
    conn.execute("INSERT INTO certificate_prints (certification_id, printed_by, kind, template) "
                 "VALUES ((SELECT min(id) FROM certifications), 'admin', 'first', 'portrait')")
    return "certificate_prints"


CASES: dict[str, Callable[[sqlite3.Connection], str]] = {
    "reopen_edit_resubmit": reopen_edit_resubmit,
    "reopen_edit_resubmit_forged_function": reopen_edit_resubmit_forged_function,
    "score_99": score_99,
    "unrevoke": unrevoke,
    "change_approver": change_approver,
    "forged_certification": forged_certification,
    "drop_triggers_only": drop_triggers_only,
    "empty_audit_log": empty_audit_log,
    "cut_audit_tail": cut_audit_tail,
    "rewrite_audit_entry": rewrite_audit_entry,
    "rechain_audit_log": rechain_audit_log,
    "viewer_made_admin": viewer_made_admin,
    "setting_changed": setting_changed,
    "certification_deleted": certification_deleted,
    "print_log_row_inserted": print_log_row_inserted,
}


def tamper(path: Path, case: Callable[[sqlite3.Connection], str]) -> str:
    conn = sqlite3.connect(path)
    try:
        table = case(conn)
        conn.commit()
    finally:
        conn.close()
    return table


def test_the_untouched_register_checks_ok(register: Path):
    report_ = maintenance.check_file(register)
    assert report_.ok, report_.findings
    assert report_.seal["verified"] > 500 and not report_.seal["problems"]


@pytest.mark.reliability
def test_every_tampering_case_is_detected_and_named(template: Path, tmp_path: Path):
    undetected, named = [], []
    for name, case in CASES.items():
        path = tmp_path / f"{name}.sqlite"
        shutil.copy(template, path)
        table = tamper(path, case)
        found = maintenance.check_file(path)
        first = found.seal["problems"][0] if found.seal.get("problems") else None
        if found.ok or first is None or not first["table"].startswith(table):
            undetected.append((name, first))
        else:
            named.append((name, found.findings[0]))
    report("tamper", cases=len(CASES), undetected=len(undetected))
    assert not undetected, undetected
    # The first line names the table and the row, in Japanese.
    assert all("行" in line and "アプリの外" in line for _name, line in named), named


def test_check_cli_exits_non_zero_naming_the_row(register: Path):
    tamper(register, score_99)
    result = cli("--db", str(register), "check")
    assert result.returncode == 1
    assert "評価の評点 (evaluation_scores)" in result.stdout and "99" in result.stdout, result.stdout
    as_json = json.loads(cli("--db", str(register), "check", "--json").stdout)
    assert as_json["ok"] is False and as_json["seal"]["problems"][0]["table"] == "evaluation_scores"


def test_a_forged_certification_does_not_verify_nor_print(register: Path):
    tamper(register, forged_certification)
    result = open_database(register)
    db = result.db
    try:
        row = db.execute("SELECT c.id, c.certificate_no, c.level_code, c.decided_on, "
                         "s.family_name || ' ' || s.given_name FROM certifications c JOIN staff s ON s.id = c.staff_id "
                         "WHERE c.certificate_no LIKE '偽造%'").fetchone()
        with transaction(db):
            key = certificates._key(db)  # the code key is in the file: anyone with the file can compute codes
        code = certificates.verification_code(key, row[1], row[4], row[2], row[3])
        answer = certificates.verify(db, code)
        assert not answer.valid and "本物であるとは確認できません" in answer.message, answer.message
        genuine = db.execute("SELECT c.certificate_no, s.family_name || ' ' || s.given_name, c.level_code, "
                             "c.decided_on FROM certifications c JOIN staff s ON s.id = c.staff_id "
                             "WHERE c.status = 'active' ORDER BY c.id LIMIT 1").fetchone()
        assert certificates.verify(db, certificates.verification_code(key, *genuine)).valid
        with pytest.raises(Exception, match=row[1]):
            certificates.certificates(db, [row[0]])
    finally:
        db.close()


# -- the warning at login ----------------------------------------------------------------------------------

@pytest.mark.gui
def test_the_administrator_is_warned_at_login_when_check_would_fail(qtbot, register):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

    from ui.register.account_dialogs import LoginDialog
    from ui.main import open_session

    tamper(register, unrevoke)
    shown: list[str] = []

    def next_modal(kind, action) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            action(widget)
        else:
            QTimer.singleShot(20, lambda: next_modal(kind, action))

    def close_box(box) -> None:
        shown.append(box.text())
        box.done(0)

    def log_in(dialog) -> None:
        qtbot.keyClicks(dialog.login, "kanri")
        qtbot.keyClicks(dialog.password, PASSWORD)
        next_modal(QMessageBox, close_box)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    next_modal(LoginDialog, log_in)
    session = open_session(register)
    assert session is not None
    session.db.close()
    assert shown and "台帳の外" in shown[0] or "アプリの外" in shown[0], shown
    assert "(certifications)" in shown[0]


def test_a_tampered_register_is_still_backed_up_with_its_evidence(register: Path, tmp_path: Path):
    """Refusing the copy would stop every backup until someone repairs the file; the copy keeps the evidence."""
    tamper(register, unrevoke)
    out = tmp_path / "copy.sqlite"
    result = cli("--db", str(register), "backup", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert not maintenance.check_file(out).ok  # the copy shows the same tampering as the register
    assert cli("--db", str(out), "check").returncode == 1


# -- a restore on another PC -----------------------------------------------------------------------------------

def test_a_restore_on_another_pc_explains_and_keeps_working(template: Path, tmp_path: Path, monkeypatch):
    backup = tmp_path / "backup.sqlite"
    shutil.copy(template, backup)
    here = maintenance.key_note(backup)
    assert "この PC の鍵" in here and "検証できます" in here, here

    monkeypatch.setenv("DX_JINZAI_KEY_DIR", str(tmp_path / "other-pc-keys"))
    note = maintenance.key_note(backup)
    assert "別の PC" in note and "key import" in note, note
    target = tmp_path / "on-the-new-pc.sqlite"
    maintenance.restore(target, backup, admin_as("kanri"))
    found = maintenance.check_file(target)
    assert found.ok, found.findings  # sealed elsewhere is not tampering
    assert found.seal["vouched"] > 500 and found.seal["verified"] > 0 and not found.seal["sealed_elsewhere"]
    assert any("引き継いだ" in line for line in found.findings), found.findings

    # It works there: new writes are sealed with the new key; a later change to an old row is still seen.
    result = open_database(target)
    from app.register import settings

    settings.set_value(result.db, "municipality_name", "芳賀町", admin_as("kanri"))
    result.db.close()
    assert maintenance.check_file(target).ok
    tamper(target, unrevoke)
    found = maintenance.check_file(target)
    assert not found.ok and found.seal["problems"][0]["table"] == "certifications", found.findings


def test_a_register_copied_to_another_pc_is_taken_over_at_the_first_open(template: Path, tmp_path: Path,
                                                                           monkeypatch):
    copy = tmp_path / "copied.sqlite"
    shutil.copy(template, copy)
    monkeypatch.setenv("DX_JINZAI_KEY_DIR", str(tmp_path / "other-pc-keys"))
    before = maintenance.check_file(copy)  # read-only, before this PC opened it
    assert before.ok and sum(before.seal["sealed_elsewhere"].values()) > 500
    assert any("別のインストール" in line for line in before.findings), before.findings
    result = open_database(copy)
    assert result.takeover is not None and result.takeover.rows > 500
    result.db.close()
    after = maintenance.check_file(copy)
    assert after.ok and after.seal["vouched"] > 500 and not after.seal["sealed_elsewhere"], after.findings


def test_the_key_travels_to_a_new_pc_with_a_passphrase(template: Path, tmp_path: Path):
    copy = tmp_path / "copied.sqlite"
    shutil.copy(template, copy)
    exported = tmp_path / "key.dxkey"
    env_new = {"DX_JINZAI_KEY_DIR": str(tmp_path / "new-pc-keys")}
    assert cli("key", "export", str(exported), stdin="short\n").returncode == 1
    result = cli("key", "export", str(exported), stdin="a long passphrase\n")
    assert result.returncode == 0, result.stderr
    assert cli("key", "import", str(exported), stdin="wrong passphrase\n", env=env_new).returncode == 1
    result = cli("key", "import", str(exported), stdin="a long passphrase\n", env=env_new)
    assert result.returncode == 0, result.stderr
    check = json.loads(cli("--db", str(copy), "check", "--json", env=env_new).stdout)
    assert check["ok"] and check["seal"]["verified"] > 500 and not check["seal"]["sealed_elsewhere"]


def test_an_older_register_is_sealed_at_the_upgrade_and_keeps_its_assignment_ids(tmp_path: Path):
    """Migration 0008 on a version-7 register: rows sealed, the chain started, ids above the highest ever used."""
    from app import db as db_module

    path = tmp_path / "old.sqlite"
    chain = db_module.migrations()
    conn = db_module.connect(path)
    for migration in chain[:7]:
        db_module._apply(conn, migration)
    conn.execute("INSERT INTO audit_log (actor, action, entity, entity_id) "
                 "VALUES ('admin', 'evaluation.assign', 'evaluation_assignments', '108')")
    conn.conn.commit()
    conn.close()
    result = open_database(path)
    assert result.migrated_from == 7
    seq = result.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'evaluation_assignments'").fetchone()[0]
    result.db.close()
    assert seq == 108  # id 108 was handed out once and is not handed out again
    found = maintenance.check_file(path)
    assert found.ok and found.seal["verified"] >= 2, found.findings


@pytest.mark.reliability
def test_random_changes_to_sealed_rows_are_all_detected(template: Path, tmp_path: Path):
    """Any one value of any sealed row changed outside the app (fixed seed; many more in `make reliability`)."""
    import random

    from app.seal import SEALED
    from tests.reliability import cases

    rng = random.Random(13)
    run = undetected = 0
    path = tmp_path / "random.sqlite"
    wanted = cases(6, 400)
    for _attempt in range(wanted * 5):
        if run == wanted:
            break
        shutil.copy(template, path)
        conn = sqlite3.connect(path)
        table = rng.choice([t for t in SEALED if t != "seal_state"])
        pk, columns = SEALED[table]
        rows = conn.execute(f"SELECT {', '.join(pk)} FROM {table}").fetchall()
        if not rows:
            conn.close()
            continue
        key, column = rng.choice(rows), rng.choice([c for c in columns if c not in pk] or list(columns))
        old = conn.execute(f"SELECT {column} FROM {table} WHERE {' AND '.join(f'{c} = ?' for c in pk)}", key).fetchone()[0]
        new = old + 1 if isinstance(old, int) else (old or "") + "改" if not isinstance(old, float) else old + 0.5
        try:
            drop_seal_triggers(conn, table)
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE {' AND '.join(f'{c} = ?' for c in pk)}", [new, *key])
            conn.commit()
        except sqlite3.IntegrityError:  # the change breaks a constraint: SQLite itself refuses it
            conn.close()
            continue
        conn.close()
        run += 1
        found = maintenance.check_file(path)
        problems = found.seal.get("problems") or []
        if found.ok or not any(p["table"] == table for p in problems):
            undetected += 1
    report("tamper-random", cases=run, undetected=undetected)
    assert run and not undetected


def test_the_sealing_key_is_outside_the_register(register: Path):
    from app import seal_key

    ring = seal_key.load()
    assert ring.path is not None and register.parent not in ring.path.parents
    if os.name == "posix":
        assert ring.path.stat().st_mode & 0o077 == 0  # readable by its owner only
    data = register.read_bytes()
    assert ring.primary_key().hex().encode() not in data and ring.primary_key() not in data


def test_an_unreadable_key_file_refuses_to_open_and_is_left_alone(register: Path, tmp_path: Path, monkeypatch):
    from app.errors import DatabaseRefused

    keys = tmp_path / "broken-keys"
    keys.mkdir()
    (keys / "seal-keys.json").write_bytes(b"\x00not a key ring")
    monkeypatch.setenv("DX_JINZAI_KEY_DIR", str(keys))
    with pytest.raises(DatabaseRefused, match="封印の鍵のファイル"):
        open_database(register)
    assert (keys / "seal-keys.json").read_bytes() == b"\x00not a key ring"
