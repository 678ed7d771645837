"""Helper process for test_gui: build the main window and report its minimum size.

Run as a script so that QT_SCALE_FACTOR takes effect before QApplication exists.
"""

import json
import sys
from pathlib import Path

from fit_probe_support import show_main_window, start_qt

from app.register import accounts
from app.db import open_database  # noqa: E402
from app.demo.town import ensure_demo_database  # noqa: E402

app = start_qt()
path = Path(sys.argv[1])
ensure_demo_database(path)
db = open_database(path).db
user = accounts.setup_administrator(db, "admin", "管理 者", "correct horse 2")[0]
window = show_main_window(db, path, user)
# Screens built on first visit (organisation, certification) count too: visit each before measuring.
for row in range(window.navigation.count()):
    window.navigation.setCurrentRow(row)
    app.processEvents()
window.navigation.setCurrentRow(0)
app.processEvents()
window.grab().save(sys.argv[2])
hint = window.minimumSizeHint().expandedTo(window.minimumSize())
print(json.dumps({"min_width": hint.width(), "min_height": hint.height()}))
db.close()
