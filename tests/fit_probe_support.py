"""The start every fit probe shares: Qt in Japanese with the bundled fonts, and the main window at
the size a maximised window has on a 1366×768 screen less the taskbar, at the QT_SCALE_FACTOR given.

The probes run as scripts (so that QT_SCALE_FACTOR applies before Qt starts) from this folder,
which is why they import this module by its bare name.
"""

import os
import sys
from pathlib import Path

# This checkout's app/ and ui/ (a worktree), not the copy the virtual environment was installed from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def start_qt():
    from app import i18n
    from ui.fonts import register_bundled_fonts
    from ui.main import create_application

    i18n.install("ja")
    app = create_application(["probe"])
    register_bundled_fonts(app)
    return app


def scale_tag() -> tuple[float, str]:
    """The scale factor and how screenshots are named for it: "100" or "150"."""
    scale = float(os.environ.get("QT_SCALE_FACTOR", "1"))
    return scale, "150" if scale > 1 else "100"


def show_main_window(db, path: Path, user):
    """The main window shown and sized like a maximised one (the offscreen screen is 800×800)."""
    from ui.main_window import MainWindow, Session

    window = MainWindow(Session(db, path, user))
    window.show()
    scale, _tag = scale_tag()
    window.resize(int(1366 / scale), int((768 - 40) / scale))
    return window
