"""gui_cold_start: the real start-up path (fonts, catalogue, open + check, main window) to first paint.

    cold_start_app.py REGISTER [--list]

Without --list it quits after the first paint (the staff list is read on a worker after it); with
--list it quits once the list has arrived ("list ready"). Login is replaced by reading the
administrator row, since a benchmark cannot type a password.
"""

import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from app import i18n
from app.register.accounts import Role, User
from app.db import open_database
from ui.fonts import register_bundled_fonts
from ui.main import create_application
from ui.main_window import MainWindow, Session

app = create_application(sys.argv[:1])
i18n.install("ja")
register_bundled_fonts(app)
path = Path(sys.argv[1])
db = open_database(path).db
window = MainWindow(Session(db, path, User(0, "bench", "bench", Role.ADMIN)))
window.show()
if "--list" in sys.argv:
    window.staff_page.loaded.connect(app.quit)
else:
    QTimer.singleShot(0, app.quit)  # runs after the first paint events are processed
app.exec()
assert "--list" not in sys.argv or window.staff_page.model.rowCount() > 0
db.close()
