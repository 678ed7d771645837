"""Helper process for test_gui_evaluation: the 評価 screen on the demo teams, every tab, grabbed to PNG.

Run as a script so that QT_SCALE_FACTOR takes effect before QApplication exists.
usage: evaluation_fit_probe.py DB_PATH OUT_DIR ; prints JSON with the minimum sizes.
"""

import json
import sys
from pathlib import Path

from fit_probe_support import scale_tag, show_main_window, start_qt

from app.register import accounts
from app.register.accounts import Role
from app.db import open_database
from app.demo.town import generate_town, load_town
from app.demo.projects import load_projects

app = start_qt()
path, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
db = open_database(path).db
load_town(db, generate_town(300, seed=1), "probe")
load_projects(db, "probe")
# The administrator is also an evaluator (linked to the busiest staff rater), so every tab exists.
busiest = db.execute("""SELECT evaluator_staff_id FROM evaluation_assignments WHERE evaluator_staff_id IS NOT NULL
                        AND status != 'submitted' GROUP BY evaluator_staff_id ORDER BY count(*) DESC LIMIT 1""").fetchone()[0]
user = accounts.setup_administrator(db, "admin", "管理 者", "correct horse 2")[0]
accounts.link_staff(db, "admin", busiest, user)
user = accounts.authenticate(db, "admin", "correct horse 2")
window = show_main_window(db, path, user)
_scale, tag = scale_tag()
window.navigation.setCurrentRow(3)
app.processEvents()
page = window.evaluation_page
sizes = {}
for index in range(page.tabs.count()):
    page.tabs.setCurrentIndex(index)
    tab = page.tabs.widget(index)
    if tab is page.my_tab:
        first = next(r for r in tab._rows if r["status"] != "submitted")
        tab.open_assignment(first["id"])
        criterion = next(iter(tab.form.boxes))
        tab.form.set_score(criterion, 4)
    if tab is page.results:
        tab.show_individual.setChecked(True)
    for _ in range(3):
        app.processEvents()
    window.grab().save(str(out / f"evaluation-{index}-{tag}.png"))
    hint = tab.minimumSizeHint().expandedTo(tab.minimumSize())
    sizes[page.tabs.tabText(index)] = [hint.width(), hint.height()]
# The paper-form dialog of the administrator, at the size it opens with.
from ui.evaluation.rating_form import RatingDialog  # noqa: E402

dialog = RatingDialog(db, user, page.assignments_tab.model.record_at(0)["id"], window)
dialog.show()
app.processEvents()
dialog.grab().save(str(out / f"rating-dialog-{tag}.png"))
hint = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
sizes["dialog"] = [hint.width(), hint.height()]
screen = dialog.screen().availableGeometry()
opened = {"dialog": [dialog.width(), dialog.height()], "screen": [screen.width(), screen.height()]}
dialog.form.confirm_leave = lambda: True
dialog.close()
hint = window.minimumSizeHint().expandedTo(window.minimumSize())
print(json.dumps({"window": [hint.width(), hint.height()], "tabs": sizes, **opened}, ensure_ascii=False))
db.close()
