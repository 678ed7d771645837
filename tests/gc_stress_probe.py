"""The 認定 crash scenario, run as a script: a segmentation fault would kill pytest, so a test runs this
in a fresh process and checks that it exits 0.

    python tests/gc_stress_probe.py DB_PATH [ROUNDS]

Each round, as an officer would: open and close a staff 履歴 dialog, then on 評価 open and close
評価票 four times and both Excel dialogs; force a garbage collection on a worker thread through the app's background helper
(as the engine's allocations used to trigger it there); then open 認定, which runs the engine on a
worker. A closed dialog destroyed by that collection is a Qt object destroyed off the GUI thread.
"""

import gc
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app/ and ui/
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

EVALUATIONS, STAFF, CERTIFICATION = 3, 0, 4  # rows of the main window's navigation


def main(db_path: Path, rounds: int) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app import i18n
    from app.register.accounts import setup_administrator
    from app.db import open_database
    from app.demo.town import ensure_demo_database
    from ui.background import run_in_background
    from ui.main import create_application, start_gui_collector
    from ui.main_window import MainWindow, Session

    i18n.install("ja")
    app = create_application(["probe"])
    start_gui_collector(app)
    ensure_demo_database(db_path)
    db = open_database(db_path).db
    admin = setup_administrator(db, "admin", "情報 太郎", "correct horse 1")[0]
    window = MainWindow(Session(db, db_path, admin))
    window.show()

    def close_next_dialog() -> None:
        def attempt() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                QTimer.singleShot(5, attempt)
            else:
                gc.collect()  # the dialog stayed open a while: its objects have reached the oldest generation
                dialog.reject()
        QTimer.singleShot(0, attempt)

    def visit(row: int) -> None:
        window.navigation.setCurrentRow(row)
        app.processEvents()

    for _round in range(rounds):
        visit(STAFF)
        window.staff_page.view.selectRow(0)
        close_next_dialog()
        window.staff_page.show_history()
        visit(EVALUATIONS)
        page = window.evaluation_page
        page.tabs.setCurrentWidget(page.assignments_tab)
        page.assignments_tab.view.selectRow(0)
        for _time in range(4):
            close_next_dialog()
            page.assignments_tab.enter()
        for action in (page.export_sheets_action, page.import_sheets_action):
            close_next_dialog()
            action.trigger()
        run_in_background(window, "gc", gc.collect)
        visit(CERTIFICATION)
        app.processEvents()
    window.close()
    db.close()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3))
