"""dx-jinzai-cli end to end: commands in this process (tests.conftest.run_cli), and the things only a
separate process shows (the console script's exit codes, output encodings, a closed pipe) as one."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import __version__
from tests.conftest import run_cli as cli


def process(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed console script in its own process, as an officer's script runs it."""
    script = Path(sys.executable).parent / ("dx-jinzai-cli.exe" if os.name == "nt" else "dx-jinzai-cli")
    env = {**os.environ, "DX_JINZAI_LANG": "ja", "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run([str(script), *args], input=stdin, capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=120)


def test_version():
    for result in (cli("--version"), process("--version")):
        assert result.returncode == 0 and __version__ in result.stdout


def test_init_demo_check_backup_restore_round_trip(tmp_path: Path):
    db = tmp_path / "t.sqlite"
    assert cli("--db", str(db), "init").returncode == 0
    demo = cli("--db", str(db), "demo")
    assert demo.returncode == 0, demo.stderr
    assert "300" in demo.stdout
    check = cli("--db", str(db), "check", "--json")
    assert check.returncode == 0, check.stderr
    report = json.loads(check.stdout)
    assert report["ok"] is True and report["counts"]["staff"] >= 300 and report["journal_mode"] == "wal"

    backup = tmp_path / "copy.sqlite"
    assert cli("--db", str(db), "backup", str(backup)).returncode == 0
    again = cli("--db", str(db), "backup", str(backup))
    assert again.returncode == 1 and "既に存在します" in again.stderr

    other = tmp_path / "other.sqlite"
    assert cli("--db", str(other), "demo", "--staff", "40", "--seed", "9").returncode == 0
    restored = cli("--db", str(other), "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "復元前の台帳" in restored.stdout
    after = json.loads(cli("--db", str(other), "check", "--json").stdout)
    counts_before = {k: v for k, v in report["counts"].items() if k != "audit_entries"}
    assert {k: v for k, v in after["counts"].items() if k != "audit_entries"} == counts_before
    kept = list((tmp_path / "backups").glob("other.before-restore-*.sqlite"))
    assert len(kept) == 1  # the replaced register was kept


def test_restore_refuses_a_bad_file_and_changes_nothing(tmp_path: Path):
    db = tmp_path / "t.sqlite"
    cli("--db", str(db), "demo", "--staff", "20")
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    cli("--db", str(db), "check")  # checkpoint happens on close
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = cli("--db", str(db), "restore", str(bad))
    assert result.returncode == 1
    assert "bad.sqlite" in result.stderr and "何も変更していません" in result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not (tmp_path / "backups").exists()


def test_refusal_exit_code_and_japanese_message(tmp_path: Path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    before = junk.read_bytes()
    for result in (cli("--db", str(junk), "check"), process("--db", str(junk), "check")):
        assert result.returncode == 1
        assert "SQLiteファイルではありません" in result.stderr
        assert junk.read_bytes() == before


def test_a_defect_exits_3_naming_the_log_in_a_process_and_in_process(tmp_path: Path):
    """Exit 3 and the log, the same from the console script and from run_cli: an installation without its
    resources (no password list, no catalogue) fails unexpectedly when it checks a new password."""
    from app.register import accounts

    db, data = tmp_path / "t.sqlite", tmp_path / "data"
    assert cli("--db", str(db), "init").returncode == 0
    broken = {"DX_JINZAI_RESOURCES": str(tmp_path / "no-resources"), "DX_JINZAI_DATA_DIR": str(data)}
    args = ("--db", str(db), "user", "add", "kanri", "--role", "admin", "--password-stdin")
    accounts.common_passwords.cache_clear()  # in this process the list may be loaded already, from the real resources
    for result in (process(*args, stdin="correct horse 2\n", env=broken), cli(*args, stdin="correct horse 2\n", env=broken)):
        assert result.returncode == 3, result.stderr
        assert "FileNotFoundError" in result.stderr and "Traceback" not in result.stderr
        assert str(data / "logs" / "dx-jinzai-cli.log") in result.stderr
    log = (data / "logs" / "dx-jinzai-cli.log").read_text(encoding="utf-8")
    assert log.count("Traceback") == 2 and "user add kanri" in log


def test_demo_into_a_filled_register_is_refused(tmp_path: Path):
    db = tmp_path / "t.sqlite"
    cli("--db", str(db), "demo", "--staff", "10")
    result = cli("--db", str(db), "demo")
    assert result.returncode == 1 and "空の台帳" in result.stderr


@pytest.mark.parametrize("args", [["bogus"], [], ["demo", "--staff", "many"]])
def test_usage_errors_exit_2(tmp_path: Path, args):
    assert cli("--db", str(tmp_path / "t.sqlite"), *args).returncode == 2


def test_user_add_and_list(tmp_path: Path):
    db = tmp_path / "t.sqlite"
    cli("--db", str(db), "init")
    added = cli("--db", str(db), "user", "add", "officer", "--role", "admin", "--name", "情報 花子",
                "--password-stdin", stdin="long enough pw\n")
    assert added.returncode == 0, added.stderr
    listed = json.loads(cli("--db", str(db), "user", "list", "--json").stdout)
    assert [(u["login"], u["role"]) for u in listed] == [("officer", "admin")]
    short = cli("--db", str(db), "user", "add", "kacho", "--password-stdin", stdin="aaaaaaaa\n")
    assert short.returncode == 1 and "10 文字以上" in short.stderr
    assert "回復コード" in added.stdout


def _recovery_code(output: str) -> str:
    return next(line for line in output.splitlines() if line.count("-") == 4 and len(line) == 24)


def test_user_unlock_reset_and_recover(tmp_path: Path):
    """The way back in for an officer who forgot the only administrator password, and the other user commands."""
    from app.register import accounts
    from app.db import open_database

    db = tmp_path / "t.sqlite"
    cli("--db", str(db), "init")
    added = cli("--db", str(db), "user", "add", "officer", "--role", "admin", "--password-stdin",
                stdin="long enough pw\n")
    code = _recovery_code(added.stdout)
    assert cli("--db", str(db), "user", "add", "kacho", "--password-stdin", stdin="correct horse 2\n").returncode == 0
    register = open_database(db).db
    try:
        when = datetime.now() - timedelta(seconds=200)  # ten failures, each as soon as allowed, just before now
        for _ in range(accounts.LOCK_AFTER_FAILURES):
            with pytest.raises(accounts.AuthenticationError) as refused:
                accounts.authenticate(register, "kacho", "wrong password", now=when)
            when = getattr(refused.value, "until", when)
    finally:
        register.close()
    listed = cli("--db", str(db), "user", "list")
    assert "kacho" in listed.stdout and "ロック中" in listed.stdout
    unlocked = cli("--db", str(db), "user", "unlock", "kacho")
    assert unlocked.returncode == 0 and "ロック中" not in cli("--db", str(db), "user", "list").stdout
    reset = cli("--db", str(db), "user", "reset-password", "kacho")
    assert reset.returncode == 0, reset.stderr
    temporary = reset.stdout.strip().splitlines()[-1]

    wrong = cli("--db", str(db), "user", "recover", "officer", stdin="AAAA-BBBB-CCCC-DDDD-EEEE\nnew passphrase 1\n")
    assert wrong.returncode == 1 and "回復コードが違います" in wrong.stderr
    recovered = cli("--db", str(db), "user", "recover", "officer", stdin=f"{code}\nnew passphrase 1\n")
    assert recovered.returncode == 0, recovered.stderr
    next_code = _recovery_code(recovered.stdout)
    again = cli("--db", str(db), "user", "recover", "officer", stdin=f"{code}\nnew passphrase 2\n")
    assert again.returncode == 1  # used up
    reissued = cli("--db", str(db), "user", "recovery-code", "officer")
    assert _recovery_code(reissued.stdout) not in (code, next_code)
    refused = cli("--db", str(db), "user", "recovery-code", "kacho")
    assert refused.returncode == 1 and "管理者のアカウントだけ" in refused.stderr
    register = open_database(db).db
    try:
        assert accounts.authenticate(register, "officer", "new passphrase 1").is_admin
        assert accounts.authenticate(register, "kacho", temporary).must_change_password
        actions = [r[0] for r in register.execute("SELECT action FROM audit_log WHERE action LIKE 'user.%' ORDER BY id")]
    finally:
        register.close()
    assert {"user.unlock", "user.password_reset", "user.recover", "user.recover_failed", "user.recovery_code"} <= set(actions)


def test_check_never_writes(tmp_path: Path):
    db = tmp_path / "t.sqlite"
    cli("--db", str(db), "demo", "--staff", "20")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    listing = sorted(p.name for p in tmp_path.iterdir())
    assert cli("--db", str(db), "check").returncode == 0
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_messages_survive_an_output_encoding_without_japanese(tmp_path: Path):
    """A pipe on a Western-locale Windows is cp1252; the CLI must not crash on its first message."""
    env = {**os.environ, "DX_JINZAI_LANG": "ja", "PYTHONIOENCODING": "cp1252"}
    result = subprocess.run([sys.executable, "-m", "app.cli.main", "--db", str(tmp_path / "t.sqlite"), "demo",
                             "--staff", "5"], capture_output=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "デモ用の町" in result.stdout.decode("utf-8")


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path: Path):
    """`dx-jinzai-cli staff list | head -1`: the reader goes away; no BrokenPipe traceback."""
    db = tmp_path / "t.sqlite"
    assert cli("--db", str(db), "demo", "--staff", "40").returncode == 0
    env = {**os.environ, "DX_JINZAI_LANG": "ja", "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen([sys.executable, "-m", "app.cli.main", "--db", str(db), "staff", "list", "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    process.stdout.close()  # like head after its first line: nobody reads what follows
    stderr = process.stderr.read().decode("utf-8")
    process.stderr.close()
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


def test_import_staff_says_what_it_did_and_dated_leavers_stay_until_then(tmp_path: Path):
    """Issue 12 item 6: a list dated later retires and hires on its date; the CLI says what happened."""
    db = tmp_path / "t.sqlite"
    assert cli("--db", str(db), "init").returncode == 0
    header = "職員番号,氏名,ふりがな,所属,職名\n"
    first = tmp_path / "first.csv"
    first.write_text(header + "1,佐藤 一郎,さとう いちろう,総務部総務課,係長\n2,鈴木 花子,すずき はなこ,総務部総務課,主事\n",
                     encoding="utf-8")
    assert cli("--db", str(db), "import-staff", str(first), "--effective-date", "2090-04-01").returncode == 0
    later = tmp_path / "later.csv"
    later.write_text(header + "1,佐藤 一郎,さとう いちろう,総務部総務課,係長\n3,新井 春香,あらい はるか,総務部総務課,主事\n",
                     encoding="utf-8")
    done = cli("--db", str(db), "import-staff", str(later), "--effective-date", "2099-04-01", "--retire-missing")
    assert done.returncode == 0, done.stderr
    assert "2 行を取り込みました：新規 1 名、異動 0 名、退職予定 1 名" in done.stdout
    listed = cli("--db", str(db), "staff", "list", "--date", "2098-01-01", "--json")
    status = {r["staff_no"]: (r["status"], r["section"]) for r in json.loads(listed.stdout)}
    assert status == {"1": ("active", "総務課"), "2": ("active", "総務課"), "3": ("planned", "総務課")}
    after = json.loads(cli("--db", str(db), "staff", "list", "--date", "2099-04-01", "--json").stdout)
    assert {r["staff_no"]: r["status"] for r in after} == {"1": "active", "2": "retired", "3": "active"}


def test_positions_follow_the_usual_order_whatever_the_file_says(tmp_path: Path):
    """Issue 12 item 7: a file listing 係長, 課長, 主事, 部長 first still ranks 部長 > 課長 > 係長 > 主事."""
    db = tmp_path / "t.sqlite"
    assert cli("--db", str(db), "init").returncode == 0
    staff_file = tmp_path / "first.csv"
    staff_file.write_text("職員番号,氏名,ふりがな,所属,職名\n1,佐藤 一郎,さとう いちろう,総務部総務課,係長\n"
                          "2,鈴木 花子,すずき はなこ,総務部総務課,課長\n3,高田 次郎,たかだ じろう,総務部総務課,主事\n"
                          "4,田中 三郎,たなか さぶろう,総務部,部長\n5,伊藤 四郎,いとう しろう,総務部総務課,室付\n",
                          encoding="utf-8")
    imported = cli("--db", str(db), "import-staff", str(staff_file), "--effective-date", "2090-04-01")
    assert imported.returncode == 0 and "通常の職位の序列にない職名：室付" in imported.stdout
    listed = json.loads(cli("--db", str(db), "positions", "list", "--json").stdout)
    assert [r["name"] for r in listed] == ["部長", "課長", "係長", "主事", "室付"]
    assert [r["standard"] for r in listed][-1] is False
    moved = cli("--db", str(db), "positions", "move", "室付", "up")
    assert moved.returncode == 0 and "室付" in moved.stdout
    listed = json.loads(cli("--db", str(db), "positions", "list", "--json").stdout)
    assert {r["name"]: r["rank"] for r in listed}["室付"] == {r["name"]: r["rank"] for r in listed}["主事"]
    refused = cli("--db", str(db), "positions", "move", "部長", "up")
    assert refused.returncode == 1 and "最上位" in refused.stderr


def test_cp932_export_names_rows_first_and_writes_only_when_accepted(tmp_path: Path):
    """Issue 12 item 24: a Shift_JIS export that would write ? lists the rows and writes nothing."""
    db = tmp_path / "t.sqlite"
    assert cli("--db", str(db), "demo").returncode == 0
    out = tmp_path / "out.csv"
    refused = cli("--db", str(db), "export-staff", str(out), "--encoding", "cp932")
    assert refused.returncode == 1 and "行目" in refused.stderr and "𠮷" in refused.stderr
    assert "--accept-question-marks" in refused.stderr and not out.exists()
    done = cli("--db", str(db), "export-staff", str(out), "--encoding", "cp932", "--accept-question-marks")
    assert done.returncode == 0 and out.exists()


def test_evaluations_suggest_says_what_it_cannot_find(tmp_path: Path):
    """Issue 12 item 8: suggestions that find nobody for ICT say so (here: no digital department at all)."""
    db = tmp_path / "t.sqlite"
    assert cli("--db", str(db), "init").returncode == 0
    people = tmp_path / "people.csv"
    people.write_text("職員番号,氏名,ふりがな,所属,職名\n1,佐藤 一郎,さとう いちろう,総務部総務課,課長\n"
                      "2,鈴木 花子,すずき はなこ,総務部総務課,主事\n3,高田 次郎,たかだ じろう,総務部総務課,主事\n",
                      encoding="utf-8")
    assert cli("--db", str(db), "import-staff", str(people), "--effective-date", "2020-04-01").returncode == 0
    assert cli("--db", str(db), "projects", "add", "文書の電子化", "--year", "2020", "--section", "総務課").returncode == 0
    members = tmp_path / "members.csv"
    members.write_text("職員番号,役割\n2,提案者\n3,メンバー\n", encoding="utf-8")
    assert cli("--db", str(db), "projects", "import", "1", str(members)).returncode == 0
    found = cli("--db", str(db), "evaluations", "suggest", "--project", "1", "--date", "2020-06-01", "--json")
    assert found.returncode == 0, found.stderr
    report = json.loads(found.stdout)
    assert {p["evaluator"] for p in report["proposals"] if p["perspective"] == "政策"} == {"佐藤 一郎"}
    assert any("デジタル部門" in n for n in report["notes"]) and any("ICT" in n for n in report["notes"])
    assert "注意：" in found.stderr


def test_run_cli_leaves_nothing_behind_for_the_next_test(tmp_path: Path):
    """The in-process runner puts back what the CLI sets for the whole process (language, lock-wait
    listener, environment, argv, stdin, working folder), so that one command cannot leak into a later test."""
    from app import db as store
    from app import i18n

    listener = object()
    previous = store.set_lock_wait_listener(listener)
    argv, stdin, cwd = sys.argv, sys.stdin, os.getcwd()
    try:
        english = cli("--db", str(tmp_path / "none.sqlite"), "check", env={"DX_JINZAI_LANG": "en"}, cwd=tmp_path)
        assert english.returncode == 1 and "does not exist" in english.stderr  # the run itself was in English
        assert i18n.current_language() == "ja" and i18n._("Error: {message}") != "Error: {message}"
        assert store.set_lock_wait_listener(listener) is listener
        assert (sys.argv, sys.stdin, os.getcwd()) == (argv, stdin, cwd)
        assert os.environ.get("DX_JINZAI_LANG") != "en"
    finally:
        store.set_lock_wait_listener(previous)
