"""Shared fixtures: real SQLite files in temporary folders, Qt offscreen, Japanese UI."""

from __future__ import annotations

import os
import zipfile
import tempfile
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
from app.demo.town import generate_town, load_town  # noqa: E402
from app.demo.town import officer as admin_as  # noqa: E402
from app.register.permissions import CLI_USER  # noqa: E402

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
