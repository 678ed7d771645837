"""Baseline for gui_cold_start: a bare PySide6 window with an empty table, first paint, quit."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QTableView())
window.resize(1200, 720)
window.show()
QTimer.singleShot(0, app.quit)  # runs after the first paint events are processed
app.exec()
