"""評価: what each role may do with evaluations, as tabs.

* Everyone with a linked staff member (except viewers): 自分の評価 and 自分の評価傾向.
* The administrator: 評価者の割当, 集計結果 and 評価者の傾向 for a chosen project.
* Viewers: 集計結果 only.

Every read goes through a service with the logged-in user, so the screen can
show no more than the services allow that user to see.
"""

from __future__ import annotations

import sqlite_utils
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget, QToolBar, QVBoxLayout, QWidget

from app.evaluation import projects
from app.register.accounts import Role, User
from app.i18n import _
from app.wareki import format_fiscal_year
from ui.evaluation.calibration_view import CalibrationView, OwnCalibrationView
from ui.widgets.dialog_parts import run_modal
from ui.evaluation.my_evaluations import MyEvaluationsTab
from ui.evaluation.results_view import ResultsView


class EvaluationPage(QWidget):
    changed = Signal()  # ratings or assignments changed (other screens may show progress)

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_evaluations")
        self._db, self._user = db, user
        self.my_tab: MyEvaluationsTab | None = None
        self.own_calibration: OwnCalibrationView | None = None
        self.assignments_tab = None
        self.results: ResultsView | None = None
        self.calibration: CalibrationView | None = None

        self.project = QComboBox()
        self.project.setObjectName("evaluationProject")
        self.project.setMinimumContentsLength(12)
        self.project.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.project.currentIndexChanged.connect(self._project_changed)
        # Room for the project-wide actions (the Excel evaluation sheets are added here by the main window).
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("evaluationToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.project_bar = QWidget()
        bar = QHBoxLayout(self.project_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel(_("Project")))
        bar.addWidget(self.project, 1)
        bar.addWidget(self.toolbar)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("evaluationTabs")
        self.tabs.setUsesScrollButtons(True)
        self._project_tabs: list[QWidget] = []
        if user.is_admin:
            from ui.evaluation.assignments_tab import AssignmentsTab

            self.assignments_tab = AssignmentsTab(db, user)
            self.assignments_tab.changed.connect(self._assignments_changed)
            self.results = ResultsView(db, user)
            self.calibration = CalibrationView(db, user)
            self._add_project_tab(self.assignments_tab, _("Evaluator assignments"))
            self._add_project_tab(self.results, _("Results"))
            self._add_project_tab(self.calibration, _("Rater tendencies"))
            self.export_sheets_action = self.toolbar.addAction(_("Export Excel sheets…"), self._export_sheets)
            self.import_sheets_action = self.toolbar.addAction(_("Import Excel sheets…"), self._import_sheets)
            self.export_sheets_action.setObjectName("evaluation_export_sheets")
            self.import_sheets_action.setObjectName("evaluation_import_sheets")
        elif user.role is Role.VIEWER:
            self.results = ResultsView(db, user)
            self._add_project_tab(self.results, _("Results"))
        if user.role is not Role.VIEWER:
            if user.staff_id is not None:
                self.my_tab = MyEvaluationsTab(db, user)
                self.my_tab.changed.connect(self._own_ratings_changed)
                self.own_calibration = OwnCalibrationView(db, user)
                self.tabs.addTab(self.my_tab, _("My evaluations"))
                self.tabs.addTab(self.own_calibration, _("My rating tendency"))
            elif not user.is_admin:
                note = QLabel(_("This account is not linked to a staff member, so no evaluations can reach it. "
                                "Ask the administrator to link it (Settings → Accounts)."))
                note.setObjectName("notLinked")
                note.setContentsMargins(8, 8, 8, 8)
                note.setWordWrap(True)
                note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                self.tabs.addTab(note, _("My evaluations"))
        self.tabs.currentChanged.connect(self._tab_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.project_bar)
        layout.addWidget(self.tabs, 1)
        self._loaded = False
        self._tab_changed()

    def _add_project_tab(self, widget: QWidget, title: str) -> None:
        self._project_tabs.append(widget)
        self.tabs.addTab(widget, title)

    # -- loading -------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Read the data when the screen is shown: not at start-up, and fresh after other screens changed it."""
        super().showEvent(event)
        if not event.spontaneous():
            self.reload()

    def reload(self) -> None:
        self._loaded = True
        self._fill_projects()
        self._reload_project_tabs()
        self._reload_own()

    def _fill_projects(self) -> None:
        current = self.project.currentData()
        self.project.blockSignals(True)
        self.project.clear()
        if self._project_tabs:
            for row in projects.list_projects(self._db, self._user):
                self.project.addItem(f"{format_fiscal_year(row['fiscal_year'])} {row['name']}", row["id"])
        index = self.project.findData(current)
        self.project.setCurrentIndex(index if index >= 0 else (0 if self.project.count() else -1))
        self.project.blockSignals(False)

    def project_id(self) -> int | None:
        return self.project.currentData()

    def set_project(self, project_id: int) -> None:
        index = self.project.findData(project_id)
        if index >= 0:
            self.project.setCurrentIndex(index)

    def _project_changed(self) -> None:
        if self._loaded:
            self._reload_project_tabs()

    def _reload_project_tabs(self) -> None:
        project_id = self.project_id()
        for tab in self._project_tabs:
            tab.set_project(project_id)
        if self.calibration is not None and not self.calibration.project_only.isChecked():
            self.calibration.reload()

    def _reload_own(self) -> None:
        if self.my_tab is not None:
            self.my_tab.reload()
        if self.own_calibration is not None:
            self.own_calibration.reload()

    def _assignments_changed(self) -> None:
        """The officer assigned, removed, reopened or entered a paper form: every other tab may differ."""
        self._reload_project_tabs()
        self._reload_own()
        self.changed.emit()

    def _own_ratings_changed(self) -> None:
        """The user saved or submitted (their own list has already been read again)."""
        self._reload_project_tabs()
        if self.own_calibration is not None:
            self.own_calibration.reload()
        self.changed.emit()

    def _tab_changed(self, _index: int = 0) -> None:
        self.project_bar.setVisible(self.tabs.currentWidget() in self._project_tabs)

    def _export_sheets(self) -> None:
        from ui.evaluation.sheets_dialog import ExportSheetsDialog

        run_modal(ExportSheetsDialog(self._db, self._user, self.project_id(), parent=self))

    def _import_sheets(self) -> None:
        from ui.evaluation.sheets_dialog import ImportSheetsDialog

        if run_modal(ImportSheetsDialog(self._db, self._user, self.project_id(), parent=self)):
            self._assignments_changed()

    def confirm_leave(self) -> bool:
        """Before the window closes or the screen changes: unsaved ratings are saved, dropped or kept on screen."""
        return self.my_tab is None or self.my_tab.form.confirm_leave()
