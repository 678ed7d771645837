"""Helper process for test_gui_certificates: the 証書 screen on the demo town, every tab, grabbed to PNG.

Run as a script so that QT_SCALE_FACTOR takes effect before QApplication exists.
usage: certificates_fit_probe.py DB_PATH OUT_DIR ; prints JSON with the minimum sizes.
"""

import json
import os
import sys
from pathlib import Path

from fit_probe_support import scale_tag, show_main_window, start_qt

from app.register import accounts
from app.register.accounts import Role
from app.db import open_database
from app.demo.town import generate_town, load_town, set_demo_municipality
from app.demo.projects import load_certification_history, load_projects
from ui.main_window import NAVIGATION

app = start_qt()
path, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
db = open_database(path).db
load_town(db, generate_town(300, seed=1), "probe")
load_projects(db, "probe")
load_certification_history(db, "probe")
set_demo_municipality(db, "probe")  # certificates are refused until the town and its mayor are set
user = accounts.setup_administrator(db, "admin", "管理 者", "correct horse 2")[0]
from app.certification import certificates

printed = certificates.select(db)[:3]  # a print log to show, and 再発行 marks in the list
certificates.write(db, user, printed, out / f"printed-{os.environ.get('QT_SCALE_FACTOR', '1')}.pdf")
valid_code = certificates.certificates(db, printed[2:3])[0].code
window = show_main_window(db, path, user)
_scale, tag = scale_tag()
window.navigation.setCurrentRow([key for key, _title in NAVIGATION].index("certificates"))
page = window.certificates_page


def settle() -> None:
    for _ in range(3):
        app.processEvents()
    page.wait_for_previews()
    for _ in range(3):
        app.processEvents()


sizes = {}
for index in range(page.tabs.count()):
    page.tabs.setCurrentIndex(index)
    tab = page.tabs.widget(index)
    if tab is page.verify:
        tab.code.setText(valid_code)
        tab.check()
    if tab is page.design:
        tab.lines["municipality_name"].setText("真岡市")
        tab.lines["mayor_name"].setText("石坂　真一")
        from PySide6.QtGui import QColor, QImage, QPainter, QPen  # a seal: red ring on transparency

        seal = QImage(200, 200, QImage.Format.Format_ARGB32)
        seal.fill(QColor(0, 0, 0, 0))
        painter = QPainter(seal)
        painter.setPen(QPen(QColor(200, 30, 30), 12))
        painter.drawRect(20, 20, 160, 160)
        painter.end()
        seal.save(str(out / "seal.png"))
        tab.load_seal_file(out / "seal.png")
    settle()
    window.grab().save(str(out / f"certificates-{index}-{tag}.png"))
    hint = tab.minimumSizeHint().expandedTo(tab.minimumSize())
    sizes[page.tabs.tabText(index)] = [hint.width(), hint.height()]
# The preview itself, on its second page, in the landscape layout.
page.tabs.setCurrentIndex(0)
page.output.filter.setCurrentIndex(page.output.filter.findData("all"))
page.output.table.selectAll()
page.output.template.setCurrentIndex(page.output.template.findData("landscape"))
settle()
page.output.preview.set_page(1)
settle()
page.output.preview.grab().save(str(out / f"certificates-preview-{tag}.png"))
preview = {"pages": page.output.preview.page_count(), "size": [page.output.preview.width(), page.output.preview.height()]}
hint = window.minimumSizeHint().expandedTo(window.minimumSize())
print(json.dumps({"window": [hint.width(), hint.height()], "tabs": sizes, "preview": preview}, ensure_ascii=False))
db.close()
