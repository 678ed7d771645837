"""Helper process for test_gui: 設定 on the demo town at 1366×768, how many rows its tables show, grabbed to PNG.

Run as a script so that QT_SCALE_FACTOR takes effect before QApplication exists.
usage: settings_fit_probe.py DB_PATH OUT_DIR ; prints JSON with the rows each table shows.
"""

import json
import sys
from pathlib import Path

from fit_probe_support import scale_tag, show_main_window, start_qt

from app.register import accounts
from app.register.accounts import Role  # noqa: E402
from app.db import open_database  # noqa: E402
from app.demo.town import ensure_demo_database  # noqa: E402
from ui.main_window import NAVIGATION  # noqa: E402

app = start_qt()
path, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
ensure_demo_database(path)
db = open_database(path).db
user = accounts.setup_administrator(db, "admin", "管理 者", "correct horse 2")[0]
for n in range(6):  # an office has a handful of accounts
    accounts.create_user(db, f"staff{n}", f"職員 {n}", "correct horse 2", Role.EVALUATOR, user)
window = show_main_window(db, path, user)
_scale, tag = scale_tag()
window.navigation.setCurrentRow([key for key, _title in NAVIGATION].index("settings"))
page = window.settings_page
page.reload()
from PySide6.QtWidgets import QTableView, QTabWidget  # noqa: E402


def reveal(widget) -> None:
    """Bring the tab that holds ``widget`` to the front (設定 may be split into tabs)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QTabWidget):
            index = next(i for i in range(parent.count()) if parent.widget(i).isAncestorOf(widget))
            parent.setCurrentIndex(index)
        parent = parent.parentWidget()


result = {}
for name, model in (("accounts", page.users_model), ("audit", page.audit_model)):
    view = next(v for v in page.findChildren(QTableView) if v.model() is model)
    reveal(view)
    for _ in range(3):
        app.processEvents()
    row_height = view.verticalHeader().defaultSectionSize()
    result[name] = {"rows_shown": view.viewport().height() // row_height, "rows": model.rowCount(),
                    "columns": [model.headerData(c, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal)
                                for c in range(model.columnCount())],
                    "first": [model.index(0, c).data() for c in range(model.columnCount())]}
    window.grab().save(str(out / f"settings-{name}-{tag}.png"))
hint = window.minimumSizeHint().expandedTo(window.minimumSize())
result["window"] = [hint.width(), hint.height()]
print(json.dumps(result, ensure_ascii=False))
db.close()
