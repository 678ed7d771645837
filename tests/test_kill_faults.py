"""SIGKILL and overlapping-write fault tests (issue 13 item 8): the register is never corrupted and
every operation is all or nothing.

Each operation runs as the real CLI in a subprocess and is killed (SIGKILL, no clean-up of any kind)
at seeded random moments over its run. Afterwards the file must pass `integrity_check` and hold
either the state before or the state after a complete run — nothing in between — and the operation
must run again. Fast (a few kills each) in `make test`; ≥ 200 kills in `make reliability`.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import admin_as

from app.demo import town as demo
from app.overview import maintenance
from app.staff import importer
from app.db import _apply, connect, latest_version, migrations, open_database
from tests.reliability import cases, report
from tests.test_staff_import import town_people, write_csv

pytestmark = [pytest.mark.reliability,
              pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")]

STALE = "別の取り込みや編集が先に行われました"
LOCKED = "ロック"
HEADER = ["職員番号", "氏名", "ふりがな", "所属", "職名"]
SEED = 20261130


def cli_command(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli.main", "--db", str(db), *args]


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(cli_command(db, *args), capture_output=True, text=True, encoding="utf-8", timeout=300)


def copy_register(source: Path, target: Path) -> Path:
    """A byte copy of a closed register (no -wal pending) into a fresh place."""
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.rmtree(target.parent / "backups", ignore_errors=True)
    shutil.copyfile(source, target)
    return target


def integrity(path: Path) -> str:
    conn = sqlite3.connect(str(path))  # a read-write connection recovers a WAL left by the killed process
    try:
        return "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return [("missing table",)]
    finally:
        conn.close()


@dataclass
class KillCampaign:
    """One operation killed again and again; counts what the officer would find afterwards."""

    name: str
    template: Path  # the register before the operation (closed, no WAL)
    args: Callable[[Path], list[str]]  # the CLI arguments for a register at a path
    snapshot: Callable[[Path], object]  # everything the operation may change, free of timestamps
    work: Path

    def run(self, kills: int) -> dict[str, int]:
        before = self.snapshot(self.template)
        full = copy_register(self.template, self.work / f"{self.name}-full.sqlite")
        started = time.monotonic()
        assert run(full, "check", "--json").returncode in (0, 1)  # start-up and opening: nothing written yet
        startup = time.monotonic() - started
        copy_register(self.template, full)
        started = time.monotonic()
        done = run(full, *self.args(full))
        duration = time.monotonic() - started
        assert done.returncode == 0, done.stderr
        after = self.snapshot(full)
        assert after != before, "the operation changed nothing to look at"
        rng = random.Random(f"{SEED}-{self.name}")
        figures = {"kills": 0, "untouched": 0, "completed": 0, "corruptions": 0, "partial": 0, "rerun_failed": 0}
        target = self.work / f"{self.name}.sqlite"
        for _ in range(kills):
            copy_register(self.template, target)
            process = subprocess.Popen(cli_command(target, *self.args(target)), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(min(startup * 0.7, duration * 0.5), duration * 1.05))  # mostly while it writes
            process.send_signal(signal.SIGKILL)
            process.wait()
            figures["kills"] += 1
            if integrity(target) != "ok":
                figures["corruptions"] += 1
                continue
            state = self.snapshot(target)
            if state == before:
                figures["untouched"] += 1
                again = run(target, *self.args(target))  # all or nothing: it runs again from the start
                if again.returncode != 0 or self.snapshot(target) != after:
                    figures["rerun_failed"] += 1
            elif state == after:
                figures["completed"] += 1
            else:
                figures["partial"] += 1
        return figures


def check_campaign(name: str, figures: dict[str, int]) -> None:
    report(f"sigkill-{name}", **figures)
    assert figures["corruptions"] == 0 and figures["partial"] == 0 and figures["rerun_failed"] == 0, figures


KILLS = cases(2, 40)  # six campaigns: 240 kills in the long mode


# -- templates ------------------------------------------------------------------------------------------

def make_register(path: Path, staff: int) -> Path:
    result = open_database(path)
    try:
        demo.load_demo(result.db, staff, 1, "test")
    finally:
        result.db.close()
    return path


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("kills")


@pytest.fixture(scope="module")
def town(work) -> Path:
    return make_register(work / "town.sqlite", 300)


def staff_state(path: Path) -> object:
    return (rows(path, "SELECT staff_no, family_name, given_name, family_reading, given_reading, hire_date, status, "
                       "retired_on FROM staff ORDER BY staff_no"),
            rows(path, "SELECT s.staff_no, u.name, p.name, a.valid_from, a.valid_to FROM staff_assignments a "
                       "JOIN staff s ON s.id = a.staff_id JOIN org_units u ON u.id = a.unit_id "
                       "LEFT JOIN positions p ON p.id = a.position_id ORDER BY s.staff_no, a.valid_from, a.id"),
            rows(path, "SELECT action, count(*) FROM audit_log GROUP BY action ORDER BY action"))


def transfer_list(path: Path, people, renamed: dict[int, str] | None = None, new: int = 0) -> Path:
    """The HR list: everybody as they are, some renamed, some moved to 総務課, ``new`` newcomers."""
    listed = []
    for index, p in enumerate(people):
        name = (renamed or {}).get(index, f"{p[1]} {p[2]}")
        seat = "総務部総務課" if index % 7 == 3 else f"{p[5]}{p[6]}{p[7]}"
        listed.append([p[0], name, f"{p[3]} {p[4]}", seat, p[8]])
    for index in range(new):
        listed.append([f"N{index:05d}", f"新人 {index}号", "しんじん いちごう", "総務部総務課", "主事"])
    return write_csv(path, [HEADER, *listed], "utf-8")


# -- the SIGKILL campaigns -----------------------------------------------------------------------------

def test_killing_a_staff_import_leaves_all_or_nothing(work, town):
    staff_file = transfer_list(work / "transfers.csv", town_people(300), {0: "改名 太郎"}, new=200)
    campaign = KillCampaign("staff-import", town, lambda db: ["import-staff", str(staff_file), "--effective-date",
                                                              "2027-04-01", "--retire-missing"], staff_state, work)
    check_campaign("staff-import", campaign.run(KILLS))


def test_killing_the_demo_leaves_all_or_nothing_and_it_runs_again(work):
    empty = work / "empty.sqlite"
    open_database(empty).db.close()
    campaign = KillCampaign("demo", empty, lambda db: ["demo", "--staff", "300"],
                            lambda path: (rows(path, "SELECT count(*) FROM staff"),
                                          rows(path, "SELECT count(*) FROM projects"),
                                          rows(path, "SELECT count(*) FROM project_members"),
                                          rows(path, "SELECT count(*) FROM certifications"),
                                          rows(path, "SELECT key, value FROM settings ORDER BY key")), work)
    check_campaign("demo", campaign.run(KILLS))


def test_killing_a_certification_leaves_all_or_nothing(work, town):
    campaign = KillCampaign("certify", town, lambda db: ["certify", "--approve-eligible", "--approver", "市長 見本 太郎",
                                                         "--date", "2026-06-01"],
                            lambda path: (rows(path, "SELECT staff_id, level, number, decided_on FROM certifications "
                                                     "ORDER BY id"),
                                          rows(path, "SELECT action, count(*) FROM audit_log GROUP BY action "
                                                     "ORDER BY action")), work)
    check_campaign("certify", campaign.run(KILLS))


def test_killing_a_restore_leaves_the_old_or_the_new_register(work, town):
    smaller = make_register(work / "smaller.sqlite", 120)

    def state(path: Path) -> object:
        return rows(path, "SELECT count(*) FROM staff"), rows(path, "SELECT count(*) FROM projects")

    campaign = KillCampaign("restore", town, lambda db: ["restore", str(smaller)], state, work)
    check_campaign("restore", campaign.run(KILLS))


def test_killing_a_migration_leaves_the_old_or_the_new_format(work):
    chain = migrations()
    old = work / "old-format.sqlite"
    conn = connect(old)
    try:
        for migration in chain[:-1]:
            _apply(conn, migration)
        demo.load_town(conn, demo.generate_town(300, 1), "test")
    finally:
        conn.close()

    def state(path: Path) -> object:
        version = rows(path, "PRAGMA user_version")[0][0]
        return version, rows(path, "SELECT count(*) FROM staff")

    campaign = KillCampaign("migration", old, lambda db: ["init"], state, work)
    figures = campaign.run(KILLS)
    check_campaign("migration", figures)
    assert state(work / "migration-full.sqlite")[0] == latest_version()


def test_killing_a_sheet_import_leaves_all_or_nothing(work, town):
    from app.evaluation import sheets
    from tests.test_evaluation_sheets import fill, make_project, officer, score_for

    base = copy_register(town, work / "sheets-base.sqlite")
    result = open_database(base)
    try:
        project = make_project(result.db)
        folder = work / "sheets"
        folder.mkdir(exist_ok=True)
        files = sorted(sheets.export_sheets(result.db, officer(), project, folder))
    finally:
        result.db.close()
    for path in files:
        fill(path, lambda a, c: (score_for(a, c), "よくできました"))

    def state(path: Path) -> object:
        return (rows(path, "SELECT assignment_id, criterion_id, score, comment FROM evaluation_scores "
                           "ORDER BY assignment_id, criterion_id"),
                rows(path, "SELECT id, status FROM evaluation_assignments ORDER BY id"))

    campaign = KillCampaign("sheet-import", base, lambda db: ["import-evaluation-sheets", str(files[0])], state, work)
    check_campaign("sheet-import", campaign.run(KILLS))


# -- overlapping writes -------------------------------------------------------------------------------

def test_two_staff_imports_at_once_never_lose_an_update(work, town):
    """Two officers import at the same moment: each import lands whole on top of the other, or is
    refused with a message (stale or locked) — never a mixture of two diffs made against the same state."""
    people = town_people(300)
    first = transfer_list(work / "first.csv", people, {0: "一番 目"})
    second = transfer_list(work / "second.csv", people, {1: "二番 目"})
    args = lambda path: ["import-staff", str(path), "--effective-date", "2027-04-01"]  # noqa: E731
    # Every order of whole imports, one after the other (in this process: the same service the CLI calls).
    allowed = {}
    for order in ((first,), (second,), (first, second), (second, first)):
        target = copy_register(town, work / "sequential.sqlite")
        result = open_database(target)
        try:
            for path in order:
                preview = importer.preview_file(result.db, path, effective=date(2027, 4, 1))[0]
                importer.commit(result.db, preview, admin_as("hr"))
        finally:
            result.db.close()
        allowed[tuple(p.stem for p in order)] = staff_state(target)
    figures = {"runs": 0, "both_landed": 0, "one_refused": 0, "lost_updates": 0, "tracebacks": 0}
    rng = random.Random(SEED)
    target = work / "overlap.sqlite"
    for _ in range(cases(2, 30)):
        copy_register(town, target)
        a = subprocess.Popen(cli_command(target, *args(first)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, encoding="utf-8")
        time.sleep(rng.uniform(0, 0.3))
        b = subprocess.Popen(cli_command(target, *args(second)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, encoding="utf-8")
        outcomes = [(process.wait(), process.communicate()[1]) for process in (a, b)]
        figures["runs"] += 1
        for code, err in outcomes:
            if "Traceback" in err or code not in (0, 1) or (code == 1 and STALE not in err and LOCKED not in err):
                figures["tracebacks"] += 1
        assert integrity(target) == "ok"
        state = staff_state(target)
        if state not in allowed.values():
            figures["lost_updates"] += 1
        elif all(code == 0 for code, _err in outcomes):
            figures["both_landed"] += 1
        else:
            figures["one_refused"] += 1
    report("overlapping-staff-imports", **figures)
    assert figures["lost_updates"] == 0 and figures["tracebacks"] == 0, figures


def test_a_backup_during_a_long_write_waits_and_then_records_itself(work, town):
    """The backup that used to crash on its audit entry: it waits for the writer, then lands whole."""
    target = copy_register(town, work / "busy.sqlite")
    out = work / "busy-backup.sqlite"
    out.unlink(missing_ok=True)
    holder = sqlite3.connect(str(target), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program's long write
    process = subprocess.Popen(cli_command(target, "backup", str(out)), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        notice = process.stderr.readline()
        time.sleep(0.5)
        assert process.poll() is None and not out.exists()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _out, err = process.communicate(timeout=120)
    assert "他の操作が終わるのを待っています" in notice, notice + err
    assert process.returncode == 0, err
    assert maintenance.check_file(out).ok
    assert rows(target, "SELECT count(*) FROM audit_log WHERE action = 'database.backup'")[0][0] == 1
    report("backup-under-lock", waits=1, crashes=0)
