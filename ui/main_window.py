"""The main window: navigation on the left, one screen at a time on the right."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from app import __version__
from app.register import accounts
from app.overview import maintenance
from app.overview import setup_guide
from app.staff import directory
from app.register.accounts import User
from app.errors import UserError
from app.formatting import format_number
from app.i18n import N_, _
from app.paths import backup_dir, resources_dir
from app.register.permissions import Action, allowed
from ui.widgets.dialog_parts import run_modal
from ui.widgets.lazy_page import LazyPage
from ui.lock_wait import LockWaitNotice
from ui.idle_lock import IdleWatcher, LockScreen, close_dialogs, idle_minutes
from ui.overview.setup_checklist import SetupChecklist
from ui.register.settings_page import SettingsPage
from ui.staff.page import StaffPage

NAVIGATION = [
    ("home", N_("Home")),
    ("staff", N_("Staff")),
    ("organisation", N_("Organisation")),
    ("projects", N_("Projects")),
    ("evaluations", N_("Evaluations")),
    ("training", N_("Training and qualifications")),
    ("skills", N_("Skills")),
    ("certification", N_("Certification")),
    ("certificates", N_("Certificates")),
    ("targets", N_("Targets and placement")),
    ("reports", N_("Reports")),
    ("settings", N_("Settings")),
]
# Screens offered only to the roles that may use them (app.register.permissions): 認定 shows the register (and to the
# administrator the candidates); 業務改善プロジェクト lists members. Evaluators see neither.
NEEDS = {"certification": Action.REGISTER_VIEW, "projects": Action.PROJECT_VIEW, "training": Action.TRAINING_VIEW,
         "targets": Action.TARGETS_VIEW, "reports": Action.REGISTER_VIEW, "home": Action.DASHBOARD_VIEW}
DB_FILTER = N_("DX人材認定台帳 database (*.sqlite *.db);;All files (*)")


@dataclass
class Session:
    """An open register and the person logged in to it."""

    db: sqlite_utils.Database
    path: Path
    user: User


class MainWindow(QMainWindow):
    new_requested = Signal(Path)
    open_requested = Signal(Path)
    restore_requested = Signal(Path)
    switch_user_requested = Signal()  # from the lock screen: log in again, as someone else

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.backup_on_close = True  # the closing backup (ui.main); off once taken or when restoring
        self.setWindowTitle(_("DX人材認定台帳 — {name}").format(name=session.path.name))
        self._fit_to_screen()

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setMinimumWidth(130)
        self.navigation.setMaximumWidth(220)
        self.navigation.setStyleSheet("QListWidget#navigation { font-size: 12pt; }"
                                      "QListWidget#navigation::item { padding: 6px 10px; }")
        self.pages = QStackedWidget()
        # Filled on a worker right after the first paint (showEvent): 7,000 staff would delay the window.
        self.staff_page = StaffPage(session.db, session.user, load=False)
        self._staff_list_started = False
        self.staff_page.register_changed.connect(self.refresh_status)
        self.settings_page = SettingsPage(session.db, session.user)
        self.settings_page.setup_guide_requested.connect(self.open_setup_guide)
        # What the set-up still lacks, above the list the window opens on (the administrator's).
        self.setup_checklist: SetupChecklist | None = None
        self.setup_guide_dialog = None  # the guide while it is open
        self.home_checklist: SetupChecklist | None = None  # the same list on ホーム, once it is built
        if allowed(session.user, Action.SETTINGS_EDIT):
            self.setup_checklist = SetupChecklist(session.db, session.user, self.staff_page)
            self.staff_page.layout().insertWidget(0, self.setup_checklist)
            self.setup_checklist.step_requested.connect(self.open_setup_guide)
            self.staff_page.register_changed.connect(self.setup_checklist.refresh)
        # Built on first visit: the organisation tree, the projects, the evaluations, the certification
        # engine (it runs over every person) and the certificates are not needed for start-up.
        self._organisation_slot = LazyPage(self._build_organisation_page)
        self._projects_slot = LazyPage(self._build_projects_page, "page_projects")
        self._evaluation_slot = LazyPage(self._build_evaluation_page)
        self._certification_slot = LazyPage(self._build_certification_page, "page_certification_slot")
        self._certificates_slot = LazyPage(self._build_certificates_page)
        self._skills_slot = LazyPage(self._build_skills_page, "page_skills_slot")
        self._training_slot = LazyPage(self._build_training_page, "page_training_slot")
        self._targets_slot = LazyPage(self._build_targets_page, "page_targets_slot")
        self._reports_slot = LazyPage(self._build_reports_page, "page_reports_slot")
        self._home_slot = LazyPage(self._build_home_page, "page_home_slot")  # its figures: read on workers
        self._fill_navigation(session.user)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([160, 1040])
        self.lock_screen = LockScreen(session.db, session.user)
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.switch_user.connect(self.switch_user_requested)
        self.central = QStackedWidget()
        self.central.addWidget(splitter)
        self.central.addWidget(self.lock_screen)
        self.setCentralWidget(self.central)
        self.idle_watcher = IdleWatcher(lambda: idle_minutes(session.db), self)
        self.idle_watcher.idle.connect(self.lock)
        self._disabled_actions: list[QAction] = []
        self.closing_for_switch = False

        self._build_menus()
        self.path_label = QLabel()
        self.counts_label = QLabel()
        self.user_label = QLabel()
        for label in (self.path_label, self.counts_label, self.user_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(label)
        self.refresh_status()
        self._restore_window_state()
        self.lock_wait_notice = LockWaitNotice(self)  # 「他の操作が終わるのを待っています」


    def _fill_navigation(self, user: User) -> None:
        """One navigation entry and page per screen; an entry the role may not use is hidden, not removed."""
        settings_area = self._settings_area = _scrollable(self.settings_page)
        for key, title in NAVIGATION:
            self.navigation.addItem(_(title))
            self.navigation.item(self.navigation.count() - 1).setHidden(
                key in NEEDS and not allowed(user, NEEDS[key]))
            page = {"staff": self.staff_page, "organisation": self._organisation_slot,
                    "projects": self._projects_slot, "evaluations": self._evaluation_slot,
                    "certification": self._certification_slot,
                    "certificates": self._certificates_slot, "training": self._training_slot,
                    "skills": self._skills_slot, "targets": self._targets_slot, "reports": self._reports_slot,
                    "home": self._home_slot,
                    "settings": settings_area}[key]
            self.pages.addWidget(page)
        self.navigation.currentRowChanged.connect(self._show_page)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The staff list is read once the window has painted (its events come before this timer)."""
        super().showEvent(event)
        if not self._staff_list_started and not self.staff_page.is_loaded:
            self._staff_list_started = True
            QTimer.singleShot(0, self, self.staff_page.load_in_background)

    def page_offered(self, row: int) -> bool:
        """False for a screen this user is not offered (hidden in the navigation)."""
        item = self.navigation.item(row)
        return item is not None and not item.isHidden()

    def _confirm_leave(self, page: QWidget | None) -> bool:
        """A screen with unsaved settings asks before it is left: save, discard or stay."""
        if page is self._settings_area:
            return self.settings_page.confirm_leave()
        if page is self._certificates_slot and self._certificates_slot.page is not None:
            return self._certificates_slot.page.confirm_leave()
        return True

    def _show_page(self, row: int) -> None:
        if not self.page_offered(row):  # e.g. the page remembered from an administrator's session
            self.navigation.setCurrentRow(self.row_of("staff"))
            return
        if row != self.pages.currentIndex() and not self._confirm_leave(self.pages.currentWidget()):
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(self.pages.currentIndex())  # stay on the screen being edited
            self.navigation.blockSignals(False)
            return
        if self.pages.widget(row) is self.staff_page and self.setup_checklist is not None:
            self.setup_checklist.refresh()  # settings may have been saved on other screens
        if isinstance(self.pages.widget(row), LazyPage):
            self.pages.widget(row).ensure()  # builds the page on first visit
        self.pages.setCurrentIndex(row)

    @property
    def organisation_page(self):  # -> OrganisationPage (imported on first visit)
        return self._organisation_slot.ensure()

    @property
    def projects_page(self):  # -> ProjectsPage (imported on first visit)
        return self._projects_slot.ensure()

    @property
    def evaluation_page(self):  # -> EvaluationPage (imported on first visit)
        return self._evaluation_slot.ensure()

    @property
    def certification_page(self):  # -> CertificationPage (imported on first visit)
        return self._certification_slot.ensure()

    @property
    def _certification_page(self):  # None until the first visit
        return self._certification_slot.page

    @property
    def certificates_page(self):  # -> CertificatesPage (imported on first visit)
        return self._certificates_slot.ensure()

    @property
    def home_page(self):  # -> DashboardPage (imported on first visit)
        return self._home_slot.ensure()

    def _build_home_page(self, _slot: QWidget) -> QWidget:
        from ui.overview.dashboard import DashboardPage

        page = DashboardPage(self.session.db, self.session.user)
        page.open_requested.connect(self.open_from_home)
        if self.setup_checklist is not None:  # the administrator opens here: what the set-up lacks, above the tiles
            self.home_checklist = SetupChecklist(self.session.db, self.session.user, page)
            self.home_checklist.step_requested.connect(self.open_setup_guide)
            page.add_above_tiles(self.home_checklist)
        return page

    def open_from_home(self, key: str) -> None:
        """A ホーム tile's list that lives on another screen: 目標・配置 on its progress or coverage tab."""
        self.show_page("targets")
        page = self.targets_page
        if key == "targets_coverage":
            page.tabs.setCurrentIndex(1)
            page.only_short.setChecked(True)
        else:
            page.tabs.setCurrentIndex(0)

    @property
    def skills_page(self):  # -> SkillsPage (imported on first visit)
        return self._skills_slot.ensure()

    @property
    def targets_page(self):  # -> TargetsPage (imported on first visit)
        return self._targets_slot.ensure()

    def _build_targets_page(self, _slot: QWidget) -> QWidget:
        from ui.targets.page import TargetsPage

        return TargetsPage(self.session.db, self.session.user)

    @property
    def reports_page(self):  # -> ReportsPage (imported on first visit)
        return self._reports_slot.ensure()

    def _build_reports_page(self, _slot: QWidget) -> QWidget:
        from ui.reporting.page import ReportsPage

        return ReportsPage(self.session.db, self.session.user)

    def _build_organisation_page(self, _slot: QWidget) -> QWidget:
        from ui.staff.organisation_page import OrganisationPage

        page = OrganisationPage(self.session.db, self.session.user)
        page.organisation_changed.connect(self.staff_page.reload)
        page.organisation_changed.connect(self.refresh_status)
        return page

    def _build_projects_page(self, _slot: QWidget) -> QWidget:
        from ui.evaluation.projects_page import ProjectsPage

        return ProjectsPage(self.session.db, self.session.user)

    def _build_evaluation_page(self, _slot: QWidget) -> QWidget:
        from ui.evaluation.page import EvaluationPage

        return EvaluationPage(self.session.db, self.session.user)

    def _build_certification_page(self, slot: QWidget) -> QWidget:
        from ui.certification.page import CertificationPage

        # Parented first: while the engine runs, the whole window is disabled (no second page).
        page = CertificationPage(self.session.db, self.session.user, parent=slot)
        page.certifications_changed.connect(self.refresh_status)
        return page

    @property
    def training_page(self):  # -> TrainingPage (imported on first visit)
        return self._training_slot.ensure()

    def _build_training_page(self, _slot: QWidget) -> QWidget:
        from ui.training.page import TrainingPage

        return TrainingPage(self.session.db, self.session.user)

    def _build_certificates_page(self, _slot: QWidget) -> QWidget:
        from ui.certification.certificates_page import CertificatesPage

        page = CertificatesPage(self.session.db, self.session.user)
        page.settings_saved.connect(self.settings_page.reload_municipality)
        return page

    def _build_skills_page(self, _slot: QWidget) -> QWidget:
        from ui.skills.page import SkillsPage

        return SkillsPage(self.session.db, self.session.user)

    # -- the set-up guide and what empty lists ask for ----------------------------------------------
    def wants_setup_guide(self) -> bool:
        """A new register (no town name, no staff) opened by the administrator: the guide starts by itself."""
        return allowed(self.session.user, Action.SETTINGS_EDIT) and setup_guide.is_new_register(self.session.db)

    def offer_setup_guide(self) -> bool:
        """Open the guide when ``wants_setup_guide``; True when it was shown."""
        if not self.wants_setup_guide():
            return False
        self.open_setup_guide()
        return True

    def open_setup_guide(self, start: str = "") -> None:
        """The guide at step ``start`` (a STEPS key; "" = the first one missing); screens reload after it."""
        from ui.overview.setup_guide import SetupGuideDialog

        dialog = SetupGuideDialog(self.session.db, self.session.user, start or None, self)
        self.setup_guide_dialog = dialog  # for tests and screenshots while it is open
        run_modal(dialog)
        changed = dialog.changed
        self.setup_guide_dialog = None
        if changed:
            self._after_setup()
        elif self.setup_checklist is not None:
            self.setup_checklist.refresh()
            if self.home_checklist is not None:
                self.home_checklist.refresh()

    def _after_setup(self) -> None:
        """The guide wrote settings, a scheme, staff or accounts: every built screen shows them."""
        self.staff_page.reload()
        self.settings_page.reload_municipality()
        self.settings_page.reload_evaluation_choices()
        self.settings_page.reload()
        for page in (self._projects_slot.page, self._certification_slot.page):
            if page is not None:
                page.reload()
        design = self._certificates_slot.page.design if self._certificates_slot.page is not None else None
        if design is not None and not design.dirty():  # its town and issuer lines would save the old ones back
            design.load()
        if self.setup_checklist is not None:
            self.setup_checklist.refresh()
        if self.home_checklist is not None:
            self.home_checklist.refresh()
        self.refresh_status()

    def show_page(self, key: str) -> None:
        self.navigation.setCurrentRow(self.row_of(key))

    @staticmethod
    def row_of(key: str) -> int:
        return [k for k, _title in NAVIGATION].index(key)

    def start_page(self) -> str:
        """The screen the window opens on: ホーム for the administrator (with the set-up checklist above its
        tiles while steps are missing); for others the screen they left, else 職員."""
        if allowed(self.session.user, Action.DASHBOARD_DETAIL):
            return "home"
        remembered = str(QSettings().value("main/page_key", "") or "")
        return remembered if remembered in dict(NAVIGATION) else "staff"

    def open_target(self, target: str) -> None:
        """A button of an empty list's hint: the screen or step that comes first."""
        if target == "staff":
            self.show_page("staff")
            self.staff_page.import_staff()
        elif target == "projects":
            self.show_page("projects")
        elif target == "new_project":
            self.show_page("projects")
            self.projects_page.new_project()
        elif target == "candidates":
            self.show_page("certification")
            page = self.certification_page
            if page.eligibility_tab is not None:
                page.tabs.setCurrentWidget(page.eligibility_tab)
        else:
            self.open_setup_guide(target)

    def _fit_to_screen(self) -> None:
        """1200×720 where it fits, else 95 % of the available area (1366×768 at 150 % is 910×512)."""
        screen = self.screen() or QApplication.primaryScreen()
        available = screen.availableGeometry() if screen else None
        width, height = 1200, 720
        if available is not None:
            width, height = min(width, int(available.width() * 0.95)), min(height, int(available.height() * 0.95))
        self.resize(width, height)

    # -- menus -------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        self._action(file_menu, _("&New register…"), self._new_database, QKeySequence.StandardKey.New, "file_new")
        self._action(file_menu, _("&Open register…"), self._open_register, QKeySequence.StandardKey.Open, "file_open")
        file_menu.addSeparator()
        backup = self._action(file_menu, _("&Back up…"), self._backup, name="file_backup")
        restore = self._action(file_menu, _("&Restore from backup…"), self._restore, name="file_restore")
        if not self.session.user.is_admin:
            backup.setEnabled(False)
            restore.setEnabled(False)
        file_menu.addSeparator()
        self._action(file_menu, _("E&xit"), self.close, QKeySequence.StandardKey.Quit, "file_exit")
        help_menu = self.menuBar().addMenu(_("&Help"))
        self._action(help_menu, _("&About DX人材認定台帳"), self.show_about, name="help_about")

    def _action(self, menu, text: str, slot, shortcut=None, name: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)  # app.cli.screen_commands names the command that does the same
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _new_database(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("New register"), str(self.session.path.parent / "register.sqlite"),
                                                    _(DB_FILTER))
        if path:
            self.new_requested.emit(Path(path))

    def _open_register(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Open register"), str(self.session.path.parent), _(DB_FILTER))
        if path:
            self.open_requested.emit(Path(path))

    def _backup(self) -> None:
        suggested = backup_dir(self.session.path) / f"{self.session.path.stem}-backup-{date.today():%Y%m%d}.sqlite"
        path, _filter = QFileDialog.getSaveFileName(self, _("Back up"), str(suggested), _(DB_FILTER))
        if not path:
            return
        try:
            out = maintenance.backup(self.session.db, Path(path), self.session.user)
        except UserError as exc:
            QMessageBox.warning(self, _("Back up"), str(exc))
            return
        self.statusBar().showMessage(_("Backup written to {path}.").format(path=out), 10_000)
        self.settings_page.reload()

    def _restore(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Restore from backup"), str(backup_dir(self.session.path)),
                                                    _(DB_FILTER))
        if path:
            self.confirm_restore(Path(path))

    def confirm_restore(self, backup: Path) -> None:
        """Show what the backup holds (date, counts, last change) before anything is replaced."""
        try:
            info = maintenance.backup_info(backup)
        except UserError as exc:  # not a register, damaged, newer: nothing is replaced
            QMessageBox.warning(self, _("Restore from backup"), str(exc))
            return
        if not info.ok:
            QMessageBox.warning(self, _("Restore from backup"), maintenance.describe_backup(info) + "\n\n" + _(
                "This backup did not pass the check; it cannot be restored."))
            return
        answer = QMessageBox.question(
            self, _("Restore from backup"),
            maintenance.describe_backup(info) + "\n\n" +
            _("Replace the register {current} with the backup {backup}?\n"
              "The current register is kept in the backups folder. You will log in again.").format(
                current=self.session.path.name, backup=backup.name))
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_requested.emit(backup)

    def show_about(self) -> None:
        QMessageBox.about(self, _("About DX人材認定台帳"), about_text())

    # -- idle lock -----------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.central.currentWidget() is self.lock_screen

    def lock(self) -> None:
        """Hide everything behind the lock screen: dialogs cancelled, menus and shortcuts off."""
        if self.locked:
            return
        self.idle_watcher.paused = True
        close_dialogs(self)
        self._disabled_actions = [a for a in self.findChildren(QAction) if a.isEnabled()]
        for action in self._disabled_actions:
            action.setEnabled(False)
        self.menuBar().setEnabled(False)
        self.central.setCurrentWidget(self.lock_screen)
        self.lock_screen.reset()

    def unlock(self) -> None:
        for action in self._disabled_actions:
            action.setEnabled(True)
        self._disabled_actions = []
        self.menuBar().setEnabled(True)
        self.central.setCurrentIndex(0)
        self.idle_watcher.touch()
        self.idle_watcher.paused = False

    # -- status and state ----------------------------------------------------
    def refresh_status(self) -> None:
        numbers = directory.counts(self.session.db)
        self.path_label.setText(str(self.session.path))
        shown = {key: format_number(value) for key, value in numbers.items()}
        self.counts_label.setText(_("Staff {staff} · departments {departments} · sections {sections}").format(**shown))
        user = self.session.user
        self.user_label.setText(f"{user.display_name} ({_(accounts.ROLE_LABELS[user.role])})")

    def _restore_window_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("main/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.show_page(self.start_page())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.closing_for_switch:  # another user logged in from the lock screen: nothing of this one is shown
            self.idle_watcher.stop()
            super().closeEvent(event)
            return
        if self.locked:
            event.ignore()  # closing would ask about unsaved work on screens the lock hides
            return
        self.idle_watcher.stop()
        if self._evaluation_slot.page is not None and not self._evaluation_slot.page.confirm_leave():  # save, drop or stay
            event.ignore()
            return
        if not self._confirm_leave(self.pages.currentWidget()):
            event.ignore()
            return
        settings = QSettings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/state", self.saveState())
        if self.navigation.currentRow() >= 0:
            settings.setValue("main/page_key", NAVIGATION[self.navigation.currentRow()][0])
        super().closeEvent(event)


def _scrollable(page: QWidget) -> QScrollArea:
    """Forms taller than a 1366×768 screen at 150 % scroll instead of being clipped."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(page)
    return area


def about_text() -> str:
    licences = [
        ("Qt 6 / PySide6", "LGPL-3.0"), ("sqlite-utils", "Apache-2.0"), ("SQLite", "Public domain"),
        ("ReportLab", "BSD"), ("pypdfium2 / PDFium", "Apache-2.0 / BSD-3-Clause"), ("Babel", "BSD-3-Clause"),
        ("platformdirs", "MIT"), ("argon2-cffi", "MIT"), ("openpyxl", "MIT"), ("filelock", "Unlicense"),
        ("IPAexゴシック, IPAex明朝, IPAmj明朝", _("IPA Font License v1.0 (resources/fonts)")),
    ]
    rows = "".join(f"<tr><td>{name}</td><td>{licence}</td></tr>" for name, licence in licences)
    # The installed program carries every bundled component's licence text (installer/licenses.py).
    texts = resources_dir().parent / "licenses" / "LICENSES.txt"
    heading = _("Full licence texts of every bundled component:")
    full = f"<p>{heading}<br><a href='{texts.as_uri()}'>{html.escape(str(texts))}</a></p>" if texts.is_file() else ""
    # Outside the f-string: the message extractor does not look inside f-strings on Python 3.11.
    summary = _("An offline register for digital-talent certification in municipalities.")
    components = _("Components and licences:")
    return (
        f"<h3>DX人材認定台帳 {__version__}</h3><p>{summary}</p>"
        f"<p>{components}</p><table cellspacing='4'>{rows}</table>{full}"
    )
