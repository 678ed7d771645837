"""Writes that overlap stay correct, and backups an officer can rely on (issue 13 items 6 and 7)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import admin_as, run_cli

from app import audit
from app.cli import main
from app.demo import town
from app.overview import maintenance
from app.overview import setting_values
from app.register import settings
from app.staff import importer
from app.register.accounts import Role, User
from app.db import open_database
from app.errors import StorageError, UserError
from app.network_share import is_network_path, linux_file_system
from tests.test_evaluation_sheets import fill, make_project, officer, score_for
from tests.test_staff_import import town_people, write_csv

WAITING = "他の操作が終わるのを待っています"
HEADER = ["職員番号", "氏名", "ふりがな", "所属", "職名"]




class WriteLock:
    """Another process's write transaction, held until released (a second window, a backup tool)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.conn.close()


def people_rows(people) -> list[list[str]]:
    return [[p[0], f"{p[1]} {p[2]}", f"{p[3]} {p[4]}", f"{p[5]}{p[6]}{p[7]}", p[8]] for p in people]


# -- item 6: overlapping staff imports --------------------------------------------------------------------

def test_a_staff_import_checked_before_another_import_landed_is_refused_and_the_other_kept(demo_db, tmp_path):
    people = town_people()
    first_rows = people_rows(people)
    second_rows = people_rows(people)
    first_rows[0][1] = "改名 一号"  # the first file corrects one name
    second_rows[0][1] = "改名 二号"  # the second, checked at the same time, another
    first = write_csv(tmp_path / "first.csv", [HEADER, *first_rows], "utf-8")
    second = write_csv(tmp_path / "second.csv", [HEADER, *second_rows], "utf-8")
    on = date(2026, 4, 1)
    preview_a = importer.preview_file(demo_db, first, effective=on)[0]
    preview_b = importer.preview_file(demo_db, second, effective=on)[0]
    assert not preview_a.errors and not preview_b.errors
    importer.commit(demo_db, preview_a, admin_as("hr-a"))
    entries = demo_db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(importer.ImportRefused) as refused:
        importer.commit(demo_db, preview_b, admin_as("hr-b"))
    assert "second.csv" in str(refused.value) and "何も書き込んでいません" in str(refused.value)
    family, given = demo_db.execute("SELECT family_name, given_name FROM staff WHERE staff_no = ?",
                                    [people[0][0]]).fetchone()
    assert (family, given) == ("改名", "一号")  # the first import's change is not lost
    assert demo_db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == entries
    # checked again, the second file imports on top of the first
    again = importer.preview_file(demo_db, second, effective=on)[0]
    importer.commit(demo_db, again, admin_as("hr-b"))
    assert demo_db.execute("SELECT given_name FROM staff WHERE staff_no = ?", [people[0][0]]).fetchone()[0] == "二号"


# -- item 6: waiting for a lock -----------------------------------------------------------------------------

@pytest.fixture
def demo_file(tmp_path) -> Path:
    path = tmp_path / "town.sqlite"
    result = open_database(path)
    try:
        town.load_demo(result.db, 120, 1, "test")
    finally:
        result.db.close()
    return path


def test_a_write_waits_for_another_writer_saying_so_and_then_goes_ahead(demo_file, tmp_path):
    lock = WriteLock(demo_file)
    process = subprocess.Popen([sys.executable, "-m", "app.cli.main", "--db", str(demo_file), "projects", "add", "待つ計画",
                                "--year", "2025"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8")
    try:
        notice = process.stderr.readline()  # the command says it waits, and keeps waiting
        time.sleep(0.5)
        assert process.poll() is None
    finally:
        lock.release()
    out, err = process.communicate(timeout=60)
    assert WAITING in notice, notice + err
    assert process.returncode == 0, err
    assert "待つ計画" in out


@pytest.mark.parametrize("command", [
    ["projects", "add", "届かない計画", "--year", "2025"],
    ["backup", "{tmp}/late.sqlite"],
    ["certify", "--approve-eligible", "--approver", "市長 見本 太郎", "--date", "2026-04-01"],
    ["import-staff", "{tmp}/staff.csv", "--effective-date", "2026-04-01"],
])
def test_a_lock_held_too_long_ends_in_a_japanese_refusal_not_a_traceback(demo_file, tmp_path, command):
    write_csv(tmp_path / "staff.csv", [HEADER, *people_rows(town_people(120))], "utf-8")
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    before = demo_file.read_bytes()
    lock = WriteLock(demo_file)
    try:
        started = time.monotonic()
        result = run_cli("--db", str(demo_file), *args, env={"DX_JINZAI_LOCK_WAIT_SECONDS": "1"})
        elapsed = time.monotonic() - started
    finally:
        lock.release()
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "database is locked" not in result.stderr
    assert WAITING in result.stderr
    assert "何も変更していません" in result.stderr
    assert elapsed < 20
    assert not (tmp_path / "late.sqlite").exists()
    assert demo_file.read_bytes() == before


def test_the_wait_is_bounded_and_reported_to_the_listener(db, db_path, monkeypatch):
    from app import db as db_module

    monkeypatch.setenv("DX_JINZAI_LOCK_WAIT_SECONDS", "0.6")
    calls: list[bool] = []
    previous = db_module.set_lock_wait_listener(calls.append)
    lock = WriteLock(db_path)
    try:
        with pytest.raises(StorageError) as refused:
            settings.set_value(db, "municipality_name", "待ち町", admin_as("test"))
    finally:
        lock.release()
        db_module.set_lock_wait_listener(previous)
    assert "待ち町" not in str(refused.value) and "何も変更していません" in str(refused.value)
    assert calls and calls[0] is True and calls[-1] is False
    assert settings.get(db, "municipality_name") == ""
    settings.set_value(db, "municipality_name", "待ち町", admin_as("test"))  # the connection is usable again
    assert settings.get(db, "municipality_name") == "待ち町"


# -- item 6: backup's audit entry ---------------------------------------------------------------------------

def test_a_backup_blocked_by_a_lock_leaves_no_file_and_a_retry_works(demo_db, db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("DX_JINZAI_LOCK_WAIT_SECONDS", "0.5")
    out = tmp_path / "copy.sqlite"
    lock = WriteLock(db_path)
    try:
        with pytest.raises(UserError):
            maintenance.backup(demo_db, out, admin_as("officer"))
    finally:
        lock.release()
    assert not out.exists()  # no copy whose audit entry is missing
    assert maintenance.backup(demo_db, out, admin_as("officer")) == out
    entry = demo_db.execute("SELECT actor, after_json FROM audit_log WHERE action = 'database.backup'").fetchall()
    assert len(entry) == 1 and entry[0][0] == "officer" and json.loads(entry[0][1])["file"] == str(out)
    assert maintenance.check_file(out).ok


def test_a_copy_that_fails_its_check_is_not_kept(demo_db, tmp_path, monkeypatch):
    def failing_check(db, path: Path, seals: bool = True):
        report = real_check(db, path, seals)
        report.ok, report.integrity = False, ["*** in database main *** Page 7: btreeInitPage() returns error code 11"]
        return report

    real_check = maintenance.check
    monkeypatch.setattr(maintenance, "check", failing_check)
    out = tmp_path / "copy.sqlite"
    with pytest.raises(maintenance.BackupFailedCheck) as refused:
        maintenance.backup(demo_db, out, admin_as("officer"))
    assert "Page 7" in str(refused.value)
    assert not out.exists() and not list(tmp_path.glob("copy.sqlite*"))
    assert demo_db.execute("SELECT count(*) FROM audit_log WHERE action = 'database.backup'").fetchone()[0] == 0


# -- item 6: multi-file sheet import ------------------------------------------------------------------------

def test_a_sheet_import_that_fails_in_a_later_file_still_reports_the_files_committed(
        demo_db, db_path, tmp_path, monkeypatch, capsys):
    from app.evaluation import sheets

    project = make_project(demo_db)
    out = tmp_path / "sheets"
    out.mkdir()
    files = sorted(sheets.export_sheets(demo_db, officer(), project, out))[:3]
    for path in files:
        fill(path, lambda a, c: (score_for(a, c), ""))
    real_commit = sheets.commit_import
    seen: list[str] = []

    def crash_on_second(db, user, preview):
        seen.append(preview.file_name)
        if len(seen) == 2:
            raise RuntimeError("disk controller hiccup")
        return real_commit(db, user, preview)

    monkeypatch.setattr(sheets, "commit_import", crash_on_second)
    code = main.main(["--db", str(db_path), "import-evaluation-sheets", *map(str, files), "--json"])
    captured = capsys.readouterr()
    assert code == 3
    reports = json.loads(captured.out)
    assert [r["imported"] for r in reports] == [True, False, False]
    assert reports[0]["submitted"] > 0
    assert "disk controller hiccup" in reports[1]["errors"][0]
    assert files[0].name in captured.err and "Traceback" not in captured.err


# -- item 6: demo is one transaction ------------------------------------------------------------------------

def test_a_demo_that_fails_half_way_leaves_nothing_and_runs_again(db, db_path, monkeypatch):
    from app.demo import projects

    def broken(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(projects, "load_certification_history", broken)
    with pytest.raises(RuntimeError):
        town.load_demo(db, 150, 1, "test")
    assert db.execute("SELECT count(*) FROM staff").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM projects").fetchone()[0] == 0
    monkeypatch.undo()
    town.load_demo(db, 150, 1, "test")
    assert db.execute("SELECT count(*) FROM projects").fetchone()[0] == 3


# -- item 7: what a backup holds, before a restore ----------------------------------------------------------

def test_restore_dry_run_shows_date_counts_and_last_change_and_replaces_nothing(demo_file, tmp_path):
    copy = tmp_path / "copy.sqlite"
    assert run_cli("--db", str(demo_file), "backup", str(copy)).returncode == 0
    other = tmp_path / "other.sqlite"
    open_database(other).db.close()
    before = other.read_bytes()
    result = run_cli("--db", str(other), "restore", str(copy), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "職員 120" in result.stdout and "プロジェクト 3" in result.stdout
    assert "評価" in result.stdout and "認定" in result.stdout and "最後の変更" in result.stdout
    assert other.read_bytes() == before
    info = json.loads(run_cli("--db", str(other), "restore", str(copy), "--dry-run", "--json").stdout)
    assert info["counts"]["staff"] == 120 and info["ok"] is True and info["last_change_at"]


# -- item 7: the officer's own backup folder ----------------------------------------------------------------

def test_the_backup_folder_setting_must_name_an_existing_folder(db, tmp_path):
    admin = User(0, "officer", "情報 太郎", Role.ADMIN)
    with pytest.raises(UserError) as refused:
        setting_values.set_text(db, admin, "backup_folder", str(tmp_path / "USB"))
    assert "USB" in str(refused.value)
    with pytest.raises(UserError):
        setting_values.set_text(db, admin, "backup_folder", "relative/folder")
    (tmp_path / "USB").mkdir()
    assert setting_values.set_text(db, admin, "backup_folder", str(tmp_path / "USB"))
    assert maintenance.chosen_backup_folder(db) == tmp_path / "USB"


def test_automatic_backups_go_to_the_chosen_folder_too_checked_and_thinned(demo_db, db_path, tmp_path):
    stick = tmp_path / "USB"
    stick.mkdir()
    settings.set_value(demo_db, "backup_folder", str(stick), admin_as("officer"))
    start = datetime(2026, 1, 1, 9, 0)
    for day in range(40):
        maintenance.backup_to_chosen_folder(demo_db, db_path, start + timedelta(days=day))
    kept = sorted(stick.glob("*.sqlite"))
    assert 7 <= len(kept) < 15  # thinned like the copies beside the register
    assert maintenance.verify_backup(kept[-1]).ok


def test_a_missing_backup_folder_is_reported_not_a_crash(demo_db, db_path, tmp_path):
    stick = tmp_path / "USB"
    stick.mkdir()
    settings.set_value(demo_db, "backup_folder", str(stick), admin_as("officer"))
    stick.rmdir()  # the stick was pulled out
    with pytest.raises(maintenance.BackupFolderUnavailable) as refused:
        maintenance.backup_to_chosen_folder(demo_db, db_path)
    assert str(stick) in str(refused.value)
    assert not stick.exists()  # never created on the PC in its place
    result = run_cli("--db", str(db_path), "backup")
    assert result.returncode == 1 and str(stick) in result.stderr and "Traceback" not in result.stderr


def test_cli_backup_without_a_file_writes_into_the_chosen_folder(demo_db, db_path, tmp_path):
    stick = tmp_path / "USB"
    stick.mkdir()
    demo_db.close()
    assert run_cli("--db", str(db_path), "settings", "set", "backup_folder", str(stick)).returncode == 0
    result = run_cli("--db", str(db_path), "backup")
    assert result.returncode == 0, result.stderr
    written = list(stick.glob("*.sqlite"))
    assert len(written) == 1 and maintenance.check_file(written[0]).ok


# -- item 7: a register on a network share -------------------------------------------------------------------

MOUNTS = """/dev/sda1 / ext4 rw,relatime 0 0
//fileserver/jinji /mnt/jinji cifs rw,vers=3.0 0 0
server:/export /srv/nfs\\040share nfs4 rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


def test_network_shares_are_recognised():
    assert linux_file_system(Path("/mnt/jinji/台帳.sqlite"), MOUNTS) == "cifs"
    assert is_network_path("/mnt/jinji/台帳.sqlite", platform="linux", mounts=MOUNTS)
    assert is_network_path("/srv/nfs share/a.sqlite", platform="linux", mounts=MOUNTS)
    assert not is_network_path("/mnt/jinjiX/a.sqlite", platform="linux", mounts=MOUNTS)
    assert not is_network_path("/home/officer/a.sqlite", platform="linux", mounts=MOUNTS)
    assert is_network_path(r"\\fileserver\jinji\台帳.sqlite", platform="win32")


def test_a_register_on_a_network_share_opens_with_a_warning(tmp_path, monkeypatch):
    from app import network_share

    monkeypatch.setattr(network_share, "is_network_path", lambda path, **kwargs: True)
    result = open_database(tmp_path / "share.sqlite")
    result.db.close()
    assert result.network_warning and "ネットワーク" in result.network_warning
