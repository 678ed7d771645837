"""Helper process for test_gui: build the main window and report its minimum size.

Run as a script so that QT_SCALE_FACTOR takes effect before QApplication exists.
"""

import json
import os
import sys
from pathlib import Path

# This checkout's app/ and ui/ (a worktree), not the copy the virtual environment was installed from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import accounts, i18n  # noqa: E402
from app.db import open_database  # noqa: E402
from app.demo import ensure_demo_database  # noqa: E402
from ui.fonts import register_bundled_fonts  # noqa: E402
from ui.main import create_application  # noqa: E402
from ui.main_window import MainWindow, Session  # noqa: E402

i18n.install("ja")
app = create_application(["probe"])
register_bundled_fonts(app)
path = Path(sys.argv[1])
ensure_demo_database(path)
db = open_database(path).db
user = accounts.create_user(db, "admin", "管理 者", "password123", accounts.Role.ADMIN, "probe")
window = MainWindow(Session(db, path, user))
window.show()
# Screens built on first visit (organisation, certification) count too: visit each before measuring.
for row in range(window.navigation.count()):
    window.navigation.setCurrentRow(row)
    app.processEvents()
window.navigation.setCurrentRow(0)
# The offscreen screen is 800×800; size the window as a maximised one on 1366×768 (less the taskbar).
scale = float(os.environ.get("QT_SCALE_FACTOR", "1"))
window.resize(int(1366 / scale), int((768 - 40) / scale))
app.processEvents()
window.grab().save(sys.argv[2])
hint = window.minimumSizeHint().expandedTo(window.minimumSize())
print(json.dumps({"min_width": hint.width(), "min_height": hint.height()}))
db.close()
