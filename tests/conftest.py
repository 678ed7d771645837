"""Shared fixtures: real SQLite files in temporary folders, Qt offscreen, Japanese UI."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import zipfile
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

# Set before Qt or the app read them: offscreen rendering and a throw-away per-user folder
# (QSettings, logs), so that tests never touch the developer's own data.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_session_home = tempfile.mkdtemp(prefix="dx-jinzai-tests-")
os.environ["XDG_CONFIG_HOME"] = str(Path(_session_home) / "config")
os.environ["DX_JINZAI_DATA_DIR"] = str(Path(_session_home) / "data")

from app import i18n  # noqa: E402
from app.register.accounts import Role, User, setup_administrator  # noqa: E402
from app.db import open_database  # noqa: E402
from app.demo.projects import load_certification_history, load_projects  # noqa: E402
from app.demo.town import generate_town, load_town, set_demo_municipality  # noqa: E402
from app.demo.officer import officer as admin_as  # noqa: E402
from app.register.permissions import CLI_USER  # noqa: E402
from app import db as store  # noqa: E402
from app.cli import main as cli_main  # noqa: E402

ADMIN_PASSWORD = "correct horse 1"
# The administrator that test set-up acts as (services take the acting user and check its role).
ADMIN_USER = admin_as("test")
# The CLI's acting administrator (no account row), as login's tests name it.
OFFICER = CLI_USER


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """The app runs on closed LGWAN PCs: any network connection in the suite is a defect.

    Local (AF_UNIX) sockets stay allowed; Qt's single-instance socket is native code anyway.
    """
    import socket

    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address):
        if sock.family != getattr(socket, "AF_UNIX", None):
            raise AssertionError(f"network connection attempted: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: guarded(socket.socket(), a[0]))


@pytest.fixture(autouse=True)
def gui_thread_collection(request):
    """GUI tests run under the app's rule: garbage collection only on the GUI thread (ui.gui_gc).

    With automatic collection on, a worker of the test (the eligibility engine, a PDF preview)
    could free a closed dialog off the GUI thread and kill the whole run (issue 12 item 1).
    """
    if "qtbot" not in request.fixturenames:
        yield
        return
    from ui import gui_gc

    gui_gc.start(request.getfixturevalue("qapp"))
    yield
    gui_gc.stop()


@pytest.fixture(autouse=True)
def japanese() -> None:
    i18n.install("ja")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "register.sqlite"


@pytest.fixture
def db(db_path: Path):
    result = open_database(db_path)
    yield result.db
    result.db.close()


@pytest.fixture
def demo_db(db):
    load_town(db, generate_town(300, seed=1), "test")
    return db


@pytest.fixture
def town(demo_db):
    """The demo town with its projects and certification history, its name and mayor set (a real town has
    them before printing). Modules whose tests need another town define their own ``town``."""
    load_projects(demo_db, "test")
    load_certification_history(demo_db, "test")
    set_demo_municipality(demo_db, "test")
    return demo_db


@pytest.fixture
def admin(db):
    return setup_administrator(db, "admin", "情報 太郎", ADMIN_PASSWORD)[0]


@pytest.fixture
def window(qtbot, demo_db, db_path, admin):
    """The main window on the demo town, logged in as the administrator."""
    from ui.main_window import MainWindow, Session

    win = MainWindow(Session(demo_db, db_path, admin))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.staff_page.is_loaded)  # the list arrives from a worker after the first paint
    return win


def truncate_worksheet_xml(path: Path) -> None:
    """A workbook cut off in transfer: every worksheet's XML stops in the middle (the zip itself is valid)."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                data = data[: len(data) // 2]
            archive.writestr(info, data)


# -- dx-jinzai-cli in this process ----------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, stdin: str | None = None, env: Mapping[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``dx-jinzai-cli ARGS`` run in this process, answered like ``subprocess.run(..., text=True)``.

    A new interpreter costs about a second per command (Python, sqlite-utils, reportlab imports); the
    suite runs hundreds, so most CLI tests call ``app.cli.main.main`` here instead. What a separate
    process gives for free is rebuilt: UTF-8 stdout/stderr of their own, stdin with the given text
    (the ``--as`` password, passphrases), Japanese messages (``DX_JINZAI_LANG=ja``) plus ``env``,
    ``sys.argv`` for the exit-3 log line, warnings on stderr (Python's last-resort handler), and the
    exit code of ``SystemExit`` (argparse's usage errors and ``--version``). Everything the CLI changes
    globally (environment, language, the lock-wait listener, working folder) is put back afterwards,
    so one run cannot leak into the next test. What it cannot give is a cold start: caches of the
    process (``functools.cache`` on resource files such as the password list) stay warm, so a test that
    swaps the resources clears them itself. Tests of the process itself (the console script, exit codes,
    broken pipes, kills, output encoding) keep a real subprocess.
    """
    out, err = _utf8_stream(), _utf8_stream()
    with _cli_process_state(args, stdin, env, cwd, err):
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = _exit_code(lambda: cli_main.main(list(args)), err)
    return subprocess.CompletedProcess(["dx-jinzai-cli", *args], code, _text(out), _text(err))


@pytest.fixture
def cli_runner():
    """The in-process ``dx-jinzai-cli`` (see ``run_cli``) for tests that take it as a fixture."""
    return run_cli


def _utf8_stream() -> io.TextIOWrapper:
    """A stream like a piped stdout with PYTHONIOENCODING=utf-8: it has an encoding and a buffer."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8")


def _exit_code(call, err: io.TextIOWrapper) -> int:
    """main()'s return value, or the code of the SystemExit that a process would have ended with."""
    try:
        return call()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=err)
        return 1


@contextlib.contextmanager
def _cli_process_state(args, stdin: str | None, env: Mapping[str, str] | None, cwd: Path | None,
                       err: io.TextIOWrapper) -> Iterator[None]:
    """The process-wide things a CLI run reads or sets, given for the run and restored after it."""
    overrides = {"DX_JINZAI_LANG": "ja", **(env or {})}
    saved_env = {key: os.environ.get(key) for key in overrides}
    saved = (sys.argv, sys.stdin, os.getcwd(), i18n._translations, i18n._language)
    listener = store.set_lock_wait_listener(None)
    warnings_to_stderr = logging.StreamHandler(err)
    warnings_to_stderr.setLevel(logging.WARNING)
    os.environ.update(overrides)
    sys.argv, sys.stdin = ["dx-jinzai-cli", *args], io.StringIO(stdin or "")
    logging.getLogger().addHandler(warnings_to_stderr)
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(warnings_to_stderr)
        store.set_lock_wait_listener(listener)
        sys.argv, sys.stdin, cwd_before, i18n._translations, i18n._language = saved
        os.chdir(cwd_before)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
