"""Uncaught exceptions: a rotating log, a Japanese dialog, and native crashes on file."""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import sys
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import UserError
from app.i18n import _
from app.paths import log_dir

log = logging.getLogger("dx_jinzai")
_fault_file = None


def take_previous_native_crash(folder: Path) -> Path | None:
    """A native crash recorded by the last run, moved aside so that it is reported once."""
    fault_path = folder / "native-crash.log"
    if not fault_path.exists() or fault_path.stat().st_size == 0:
        return None
    kept = folder / f"native-crash-{datetime.now():%Y%m%d-%H%M%S}.log"
    fault_path.replace(kept)
    return kept


def setup_logging(folder: Path | None = None) -> Path:
    """Rotating application log (1 MB × 5) and a faulthandler file for hard crashes."""
    global _fault_file
    folder = folder or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / "dx-jinzai.log"
    handler = logging.handlers.RotatingFileHandler(log_path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _fault_file = (folder / "native-crash.log").open("w", encoding="utf-8")
    faulthandler.enable(_fault_file)
    return log_path


def install_excepthook(log_path: Path) -> None:
    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("Unhandled exception\n%s", text)
        if QApplication.instance() is None:
            sys.__excepthook__(exc_type, exc, tb)
            return
        if isinstance(exc, UserError):  # a refusal with its own Japanese message (a full disk): not a bug
            QMessageBox.warning(QApplication.activeWindow(), _("Not done"), str(exc))
            return
        box = QMessageBox(QMessageBox.Icon.Critical, _("Unexpected error"),
                          _("An unexpected error occurred. Your data has not been changed by the failed action.\n"
                            "The details were written to the log file:\n{path}").format(path=log_path))
        box.setDetailedText(text)
        box.exec()

    sys.excepthook = hook


def report_previous_native_crash(crash_file: Path | None) -> None:
    """Tell the user, once, that the last run ended abnormally and where the record is."""
    if crash_file is None:
        return
    log.warning("previous run crashed; record kept in %s", crash_file)
    QMessageBox.warning(None, _("The application ended abnormally last time"), _(
        "DX人材認定台帳 ended abnormally the last time it ran. Your register is protected by its journal, "
        "but please check the last changes you made.\nThe record of the crash was kept in:\n{path}"
    ).format(path=crash_file))
