"""Is the register on a network share? SQLite's WAL needs shared memory that SMB/NFS do not give.

A register on a file server works until two PCs (or one PC and a stale lock on the server) touch
it, then it can be damaged. The app keeps working there, but says so at open: a warning, not a
refusal, since some towns have nowhere else to put it.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

from app.i18n import _

NETWORK_FILE_SYSTEMS = frozenset({"cifs", "smb3", "smbfs", "nfs", "nfs4", "ncpfs", "afs", "9p", "fuse.sshfs",
                                  "davfs", "fuse.davfs2", "glusterfs", "ceph"})
_DRIVE_REMOTE = 4  # GetDriveTypeW


def _unescape_mount(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash in octal (\\040 ...)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def linux_file_system(path: Path, mounts: str) -> str | None:
    """The file-system type of the mount holding ``path``, from the text of /proc/mounts."""
    best, kind = "", None
    target = path.as_posix()
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = _unescape_mount(parts[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind


def _windows_remote(path: str) -> bool:
    if path.startswith("\\\\") or path.startswith("//"):
        return True  # \\server\share\... (also \\?\UNC\...)
    drive = os.path.splitdrive(path)[0]
    if not drive:
        return False
    return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == _DRIVE_REMOTE  # type: ignore[attr-defined]


def is_network_path(path: Path | str, *, platform: str | None = None, mounts: str | None = None) -> bool:
    """True when ``path`` lies on a network share (UNC or mapped drive on Windows; cifs/nfs/smb on Linux)."""
    platform = platform or sys.platform
    raw = str(path)
    if platform.startswith("win"):
        try:
            return _windows_remote(raw if raw.startswith(("\\\\", "//")) else str(Path(raw).absolute()))
        except (OSError, AttributeError, ValueError):
            return False
    if raw.startswith("//"):
        return True
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    try:
        resolved = Path(raw).resolve()
    except OSError:
        resolved = Path(raw).absolute()
    return (linux_file_system(resolved, mounts) or "") in NETWORK_FILE_SYSTEMS


def network_warning(path: Path | str) -> str | None:
    """The Japanese warning shown at open when the register is on a network share, else None."""
    if not is_network_path(path):
        return None
    return _("{path} is on a network share. SQLite cannot keep a register safe there if the connection drops "
             "or another PC opens it; keep the register on this PC's own disk and use a backup folder on the "
             "server instead (設定 → バックアップ).").format(path=path)
