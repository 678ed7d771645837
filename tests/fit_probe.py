"""The fit probe: does a screen fit 1366×768 (less a 40 px taskbar), at 100 % and at 150 %?

One tool for every screen. It runs in a fresh process, so that ``QT_SCALE_FACTOR`` applies before Qt
starts; the tests call ``run_probe`` and read one JSON shape back:

    {"screen": "certificates", "scale": 1.5, "tag": "150",
     "available": [w, h],        # logical room the window has (1366×728 divided by the scale)
     "window": {"min": [w, h], "size": [w, h]},
     "parts": {NAME: {"min": [w, h], "size": [w, h], "shot": "file.png" | null, ...}}}

A part is a tab, a dialog or a table; parts add what the screen's test needs (``rows``, ``rows_shown``,
``first``, ``pages``, ``screen``). Screenshots go into the output folder, named NAME-TAG.png.

    python tests/fit_probe.py SCREEN DB_PATH OUT_DIR     (SCREEN: main, settings, evaluation, certificates, projects)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREEN_W, SCREEN_H, TASKBAR = 1366, 768, 40
PASSWORD = "correct horse 2"


def run_probe(screen: str, db_path: Path, out: Path, scale: str, timeout: int = 180) -> dict:
    """The probe of ``screen`` in its own process at ``scale`` ("1", "1.5"); its report, or a failed assert."""
    env = {**os.environ, "QT_SCALE_FACTOR": scale,
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    result = subprocess.run([sys.executable, str(Path(__file__)), screen, str(db_path), str(out)], env=env, cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- inside the probe process ---------------------------------------------------------------------------

def _scale() -> tuple[float, str]:
    """The scale factor and how screenshots are named for it: "100" or "150"."""
    scale = float(os.environ.get("QT_SCALE_FACTOR", "1"))
    return scale, f"{round(scale * 100)}"


def _size(widget) -> dict:
    hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    return {"min": [hint.width(), hint.height()], "size": [widget.width(), widget.height()]}


class Report:
    """What one probe run found, in the one JSON shape (see the module docstring)."""

    def __init__(self, screen: str, app, out: Path) -> None:
        self.app, self.out = app, out
        scale, self.tag = _scale()
        self.data = {"screen": screen, "scale": scale, "tag": self.tag,
                     "available": [int(SCREEN_W / scale), int((SCREEN_H - TASKBAR) / scale)], "parts": {}}

    def settle(self, rounds: int = 3) -> None:
        for _ in range(rounds):
            self.app.processEvents()

    def part(self, name: str, widget, grab=None, shot: bool = True, **extra) -> dict:
        """Record ``widget``'s sizes; ``grab`` (default: the widget) is saved as NAME-TAG.png."""
        entry = {**_size(widget), "shot": None, **extra}
        if shot:
            entry["shot"] = f"{name}-{self.tag}.png"
            (grab or widget).grab().save(str(self.out / entry["shot"]))
        self.data["parts"][name] = entry
        return entry

    def finish(self, window) -> None:
        self.data["window"] = _size(window)
        print(json.dumps(self.data, ensure_ascii=False))


def _start(screen: str, out: Path):
    from app import i18n
    from ui.fonts import register_bundled_fonts
    from ui.main import create_application
    from ui.qt_language import install_qt_translations

    if screen == "projects":
        # A real 1366×728 screen (the offscreen one is 800×800), so that the window can be maximised.
        (out / "screen.json").write_text(json.dumps({"screens": [
            {"name": "probe", "x": 0, "y": 0, "width": SCREEN_W, "height": SCREEN_H - TASKBAR, "logicalDpi": 96,
             "logicalBaseDpi": 96, "dpr": 1}]}))
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={out / 'screen.json'}"
    i18n.install("ja")
    app = create_application(["probe"])
    register_bundled_fonts(app)
    if screen == "projects":
        install_qt_translations(app, "ja")
    return app


def _main_window(db, path: Path, user, maximised: bool = False):
    """The main window, sized like a maximised one (or maximised on the configured screen)."""
    from ui.main_window import MainWindow, Session

    window = MainWindow(Session(db, path, user))
    if maximised:
        window.showMaximized()
        return window
    window.show()
    scale, _tag = _scale()
    window.resize(int(SCREEN_W / scale), int((SCREEN_H - TASKBAR) / scale))
    return window


def _demo_register(path: Path, history: bool = False):
    """The demo town of 300 (with its projects; with ``history`` also its certifications and mayor)."""
    from app.db import open_database
    from app.demo.projects import load_certification_history, load_projects
    from app.demo.town import generate_town, load_town, set_demo_municipality

    db = open_database(path).db
    load_town(db, generate_town(300, seed=1), "probe")
    load_projects(db, "probe")
    if history:
        load_certification_history(db, "probe")
        set_demo_municipality(db, "probe")  # certificates are refused until the town and its mayor are set
    return db


def _navigate(window, key: str) -> None:
    from ui.main_window import NAVIGATION

    window.navigation.setCurrentRow([k for k, _title in NAVIGATION].index(key))


def probe_main(app, path: Path, out: Path) -> None:
    """The main window with every page built (pages are built on first visit: visit each first)."""
    from app.demo.town import ensure_demo_database
    from app.db import open_database
    from app.register import accounts

    ensure_demo_database(path)
    db = open_database(path).db
    user = accounts.setup_administrator(db, "admin", "管理 者", PASSWORD)[0]
    window = _main_window(db, path, user)
    report = Report("main", app, out)
    for row in range(window.navigation.count()):
        window.navigation.setCurrentRow(row)
        app.processEvents()
    window.navigation.setCurrentRow(0)
    app.processEvents()
    report.part("main", window)
    report.finish(window)
    db.close()


def probe_settings(app, path: Path, out: Path) -> None:
    """設定: how many rows the accounts and the 操作記録 show, with a handful of accounts."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView, QTabWidget

    from app.demo.town import ensure_demo_database
    from app.db import open_database
    from app.register import accounts
    from app.register.accounts import Role

    ensure_demo_database(path)
    db = open_database(path).db
    user = accounts.setup_administrator(db, "admin", "管理 者", PASSWORD)[0]
    for n in range(6):  # an office has a handful of accounts
        accounts.create_user(db, f"staff{n}", f"職員 {n}", PASSWORD, Role.EVALUATOR, user)
    window = _main_window(db, path, user)
    report = Report("settings", app, out)
    _navigate(window, "settings")
    page = window.settings_page
    page.reload()

    def reveal(widget) -> None:
        """Bring the tab that holds ``widget`` to the front (設定 may be split into tabs)."""
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QTabWidget):
                parent.setCurrentIndex(next(i for i in range(parent.count()) if parent.widget(i).isAncestorOf(widget)))
            parent = parent.parentWidget()

    for name, model in (("accounts", page.users_model), ("audit", page.audit_model)):
        view = next(v for v in page.findChildren(QTableView) if v.model() is model)
        reveal(view)
        report.settle()
        row_height = view.verticalHeader().defaultSectionSize()
        report.part(f"settings-{name}", view, grab=window, rows_shown=view.viewport().height() // row_height,
                    rows=model.rowCount(),
                    columns=[model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())],
                    first=[model.index(0, c).data() for c in range(model.columnCount())])
    report.finish(window)
    db.close()


def probe_evaluation(app, path: Path, out: Path) -> None:
    """評価: every tab (the administrator is also a rater, so that every tab exists) and the paper-form dialog."""
    from app.register import accounts

    db = _demo_register(path)
    busiest = db.execute("""SELECT evaluator_staff_id FROM evaluation_assignments WHERE evaluator_staff_id IS NOT NULL
                            AND status != 'submitted' GROUP BY evaluator_staff_id ORDER BY count(*) DESC
                            LIMIT 1""").fetchone()[0]
    user = accounts.setup_administrator(db, "admin", "管理 者", PASSWORD)[0]
    accounts.link_staff(db, "admin", busiest, user)
    user = accounts.authenticate(db, "admin", PASSWORD)
    window = _main_window(db, path, user)
    report = Report("evaluation", app, out)
    _navigate(window, "evaluations")
    app.processEvents()
    page = window.evaluation_page
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        tab = page.tabs.widget(index)
        if tab is page.my_tab:
            first = next(r for r in tab._rows if r["status"] != "submitted")
            tab.open_assignment(first["id"])
            tab.form.set_score(next(iter(tab.form.boxes)), 4)
        if tab is page.results:
            tab.show_individual.setChecked(True)
        report.settle()
        report.part(f"evaluation-{index}", tab, grab=window, tab=page.tabs.tabText(index))
    from ui.evaluation.rating_form import RatingDialog

    dialog = RatingDialog(db, user, page.assignments_tab.model.record_at(0)["id"], window)
    dialog.show()
    app.processEvents()
    screen = dialog.screen().availableGeometry()  # the dialog opens within 90 % of its screen
    report.part("rating-dialog", dialog, screen=[screen.width(), screen.height()])
    dialog.form.confirm_leave = lambda: True
    dialog.close()
    report.finish(window)
    db.close()


def probe_certificates(app, path: Path, out: Path) -> None:
    """証書: every tab (a print log, a verified code, a designed certificate with a seal) and the preview."""
    from PySide6.QtGui import QColor, QImage, QPainter, QPen

    from app.certification import certificates
    from app.register import accounts

    db = _demo_register(path, history=True)
    user = accounts.setup_administrator(db, "admin", "管理 者", PASSWORD)[0]
    printed = certificates.select(db)[:3]  # a print log to show, and 再発行 marks in the list
    certificates.write(db, user, printed, out / f"printed-{os.environ.get('QT_SCALE_FACTOR', '1')}.pdf")
    valid_code = certificates.certificates(db, printed[2:3])[0].code
    window = _main_window(db, path, user)
    report = Report("certificates", app, out)
    _navigate(window, "certificates")
    page = window.certificates_page

    def settle() -> None:
        report.settle()
        page.wait_for_previews()
        report.settle()

    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        tab = page.tabs.widget(index)
        if tab is page.verify:
            tab.code.setText(valid_code)
            tab.check()
        if tab is page.design:
            tab.lines["municipality_name"].setText("真岡市")
            tab.lines["mayor_name"].setText("石坂　真一")
            seal = QImage(200, 200, QImage.Format.Format_ARGB32)  # a seal: red ring on transparency
            seal.fill(QColor(0, 0, 0, 0))
            painter = QPainter(seal)
            painter.setPen(QPen(QColor(200, 30, 30), 12))
            painter.drawRect(20, 20, 160, 160)
            painter.end()
            seal.save(str(out / "seal.png"))
            tab.load_seal_file(out / "seal.png")
        settle()
        report.part(f"certificates-{index}", tab, grab=window, tab=page.tabs.tabText(index))
    # The preview itself, on its second page, in the landscape layout.
    page.tabs.setCurrentIndex(0)
    output = page.output
    output.filter.setCurrentIndex(output.filter.findData("all"))
    output.table.selectAll()
    output.template.setCurrentIndex(output.template.findData("landscape"))
    settle()
    output.preview.set_page(1)
    settle()
    report.part("certificates-preview", output.preview, pages=output.preview.page_count())
    report.finish(window)
    db.close()


def probe_projects(app, path: Path, out: Path) -> None:
    """プロジェクト: every tab of the maximised window and every dialog, at the size each opens with."""
    from app.demo.town import ensure_demo_database
    from app.db import open_database
    from app.evaluation import projects
    from app.register import accounts
    from tests.conftest import ADMIN_USER
    from ui.evaluation.project_dialogs import AddMemberDialog, MemberImportDialog, ProjectDialog, SessionDialog

    ensure_demo_database(path)
    db = open_database(path).db
    user = accounts.setup_administrator(db, "admin", "管理 者", PASSWORD)[0]
    window = _main_window(db, path, user, maximised=True)
    app.processEvents()
    report = Report("projects", app, out)
    report.data["available"] = [window.width(), window.height()]  # the maximised window on the 1366×728 screen
    _navigate(window, "projects")
    page = window.projects_page
    app.processEvents()
    for index, name in enumerate(("overview", "members", "sessions", "externals")):
        page.tabs.setCurrentIndex(index)
        app.processEvents()
        report.part(f"window-{name}", window)
    project_id = page.current_id
    csv = out / "members.csv"
    csv.write_text("職員番号,役割\r\n999999,メンバー\r\n", encoding="cp932")
    dialogs = {
        "dialog-project": ProjectDialog(db, ADMIN_USER, project_id, window),
        "dialog-add-member": AddMemberDialog(db, project_id, ADMIN_USER, window),
        "dialog-session": SessionDialog(db, project_id, ADMIN_USER, parent=window),
        "dialog-import": MemberImportDialog(db, project_id, projects.preview_member_import(db, ADMIN_USER, project_id, csv),
                                            "probe", window),
    }
    for name, dialog in dialogs.items():
        dialog.show()
        app.processEvents()
        report.part(name, dialog)
        dialog.close()
    report.finish(window)
    db.close()


PROBES = {"main": probe_main, "settings": probe_settings, "evaluation": probe_evaluation,
          "certificates": probe_certificates, "projects": probe_projects}


def main(argv: list[str]) -> None:
    screen, path, out = argv[0], Path(argv[1]), Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))  # this checkout's app/ and ui/ (a worktree), not the installed copy
    PROBES[screen](_start(screen, out), path, out)


if __name__ == "__main__":
    main(sys.argv[1:])
