"""Where things live: bundled resources and the per-user data folders.

Nothing here creates a folder at import time; callers ask when they need one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from app import APP_NAME

_APP_AUTHOR = False  # no vendor folder level on Windows: %LOCALAPPDATA%\dx-jinzai


def resources_dir() -> Path:
    """The bundled resources: fonts, translations, icons, templates."""
    override = os.environ.get("DX_JINZAI_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)  # PyInstaller bundle
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def data_dir(create: bool = True) -> Path:
    """Per-user folder for the database and its backups (never the install folder)."""
    override = os.environ.get("DX_JINZAI_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, _APP_AUTHOR))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir(create: bool = True) -> Path:
    """Per-user folder for rotating logs and crash reports."""
    override = os.environ.get("DX_JINZAI_DATA_DIR")
    path = (Path(override) / "logs") if override else Path(platformdirs.user_log_dir(APP_NAME, _APP_AUTHOR))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    """The register used when no --db is given."""
    return data_dir() / "dx-jinzai.sqlite"


def demo_database_path() -> Path:
    """The demo town that `make run` opens when no --db is given."""
    return data_dir() / "demo-town.sqlite"


def backup_dir(db_path: Path) -> Path:
    """Backups sit beside the database, in a folder the officer can find."""
    path = db_path.resolve().parent / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def key_dir() -> Path:
    """Per-user folder of the sealing key (app.seal_key): never beside a register that may be copied away.

    ``DX_JINZAI_KEY_DIR`` overrides it (tests use it to play "another PC").
    """
    override = os.environ.get("DX_JINZAI_KEY_DIR")
    if override:
        return Path(override)
    return data_dir(create=False) / "keys"
