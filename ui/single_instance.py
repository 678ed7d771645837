"""One window per database: a second start hands over to the first and exits.

A QLocalServer named after the user and the database path (as in Anki) lets the
second process ask the first to raise its window.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_ACTIVATE = b"activate\n"


def server_name(db_path: Path) -> str:
    key = f"{getpass.getuser()}|{db_path.resolve()}".encode()
    return "dx-jinzai-" + hashlib.sha256(key).hexdigest()[:24]


def notify_running_instance(db_path: Path, timeout_ms: int = 500) -> bool:
    """True when another instance holds this database (it was asked to come forward)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(db_path))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(_ACTIVATE)
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later starts on the same database and emits ``activate_requested``."""

    activate_requested = Signal()

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(db_path)
        if not self._server.listen(name) and not notify_running_instance(db_path):
            # Nobody answers on it: a socket left behind by a crash. A live one is never removed.
            QLocalServer.removeServer(name)
            self._server.listen(name)
        self._server.newConnection.connect(self._on_connection)

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_ready(s))

    def _on_ready(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_ACTIVATE.strip()):
            self.activate_requested.emit()
        socket.disconnectFromServer()

    def close(self) -> None:
        self._server.close()
