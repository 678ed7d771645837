"""Helper process for test_gui_projects: the プロジェクト screen and its dialogs at 1366×768 (QT_SCALE_FACTOR).

Saves a screenshot of every tab and dialog into the folder given and prints, as JSON, the logical size
available and each one's minimum size. Run as a script so that QT_SCALE_FACTOR applies before Qt starts.
"""

import json
import os
import sys
from pathlib import Path

# A 1366×768 screen less a 40 px taskbar (the offscreen platform is 800×800 otherwise), set before Qt starts.
_out = Path(sys.argv[2])
_out.mkdir(parents=True, exist_ok=True)
(_out / "screen.json").write_text(json.dumps({"screens": [
    {"name": "probe", "x": 0, "y": 0, "width": 1366, "height": 728, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_out / 'screen.json'}"

from app import i18n
from app.register import accounts
from app.evaluation import projects
from app.db import open_database
from app.demo.town import ensure_demo_database
from ui.fonts import register_bundled_fonts
from ui.main import create_application, install_qt_translations
from ui.main_window import MainWindow, Session
from tests.conftest import ADMIN_USER

i18n.install("ja")
app = create_application(["probe"])
register_bundled_fonts(app)
install_qt_translations(app, "ja")
path, out = Path(sys.argv[1]), _out
ensure_demo_database(path)
db = open_database(path).db
user = accounts.setup_administrator(db, "admin", "管理 者", "correct horse 2")[0]
scale = float(os.environ.get("QT_SCALE_FACTOR", "1"))
tag = f"{int(scale * 100)}"
window = MainWindow(Session(db, path, user))
window.showMaximized()
app.processEvents()
width, height = window.width(), window.height()
window.navigation.setCurrentRow(2)
page = window.projects_page
app.processEvents()
sizes = {"available": [width, height]}


def record(name: str, widget) -> None:
    app.processEvents()
    widget.grab().save(str(out / f"{name}-{tag}.png"))
    hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    sizes[name] = [hint.width(), hint.height(), widget.width(), widget.height()]


for index, name in enumerate(("overview", "members", "sessions", "externals")):
    page.tabs.setCurrentIndex(index)
    record(f"window-{name}", window)

from ui.evaluation.project_dialogs import (  # noqa: E402
    AddMemberDialog,
    MemberImportDialog,
    ProjectDialog,
    SessionDialog,
)

project_id = page.current_id
dialogs = {
    "dialog-project": ProjectDialog(db, ADMIN_USER, project_id, window),
    "dialog-add-member": AddMemberDialog(db, project_id, ADMIN_USER, window),
    "dialog-session": SessionDialog(db, project_id, ADMIN_USER, parent=window),
}
csv = out / "members.csv"
csv.write_text("職員番号,役割\r\n999999,メンバー\r\n", encoding="cp932")
dialogs["dialog-import"] = MemberImportDialog(db, project_id, projects.preview_member_import(db, ADMIN_USER, project_id, csv),
                                              "probe", window)
for name, dialog in dialogs.items():
    dialog.show()
    record(name, dialog)
    dialog.close()
print(json.dumps(sizes))
db.close()
