"""gui_cold_start: the real start-up path (fonts, catalogue, open + check, staff list) to first paint.

Login is replaced by reading the administrator row, since a benchmark cannot type a password.
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
QTimer.singleShot(0, app.quit)
app.exec()
db.close()
