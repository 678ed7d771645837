"""認定: the scheme in use, the eligibility list with reasons, approval, and the register of certified staff."""

from __future__ import annotations

import sqlite_utils
from PySide6.QtCore import QTimer, Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QStackedWidget, QTabWidget,
                               QVBoxLayout, QWidget)

from app.certification import schemes
from app.register import settings as app_settings
from app.register.accounts import User
from app.errors import UserError
from app.i18n import N_, _
from app.register.permissions import Action, allowed
from app.certification.schemes import SchemeSpec
from ui.widgets.dialog_parts import run_modal
from ui.certification.eligibility_tab import EligibilityTab
from ui.certification.register_tab import RegisterTab

PRESET_BUTTONS = [
    ("moka", N_("Moka city style (advisor, expert, specialist)")),
    ("hokkaido", N_("Hokkaido style (levels 1–4 and digital management)")),
    ("blank", N_("An empty scheme to fill in")),
]


class CertificationPage(QWidget):
    certifications_changed = Signal()

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_certification")
        self._db, self._user = db, user
        self.scheme: SchemeSpec | None = None
        self._stale = False  # set when the page is left; it is built fresh

        self.scheme_label = QLabel()
        self.scheme_label.setObjectName("schemeLabel")
        self.scheme_label.setWordWrap(True)
        self.scheme_heading = QLabel()  # 「認定制度(第2版):」 apart from the name, so that it never breaks
        self.scheme_heading.setObjectName("schemeHeading")
        self.scheme_heading.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.switch_button = QPushButton(_("Switch scheme…"))
        self.switch_button.setObjectName("switchScheme")
        self.switch_button.clicked.connect(self.switch_scheme)
        self.switch_button.setVisible(user.is_admin)
        self.edit_button = QPushButton(_("View or revise the scheme…") if user.is_admin else _("View the scheme…"))
        self.edit_button.setObjectName("editScheme")
        self.edit_button.clicked.connect(self.edit_scheme)
        bar = QHBoxLayout()
        bar.addWidget(self.scheme_heading)
        bar.addWidget(self.scheme_label, 1)
        # The scheme buttons sit beside the tabs, leaving the long scheme name the whole width.
        corner = QWidget()
        corner_layout = QHBoxLayout(corner)
        corner_layout.setContentsMargins(0, 0, 0, 2)
        corner_layout.addWidget(self.switch_button)
        corner_layout.addWidget(self.edit_button)
        # Certifications decided on paper before the register: entered once, when a town starts.
        self.import_past_button = QPushButton(_("Import earlier certifications…"))
        self.import_past_button.setObjectName("importPastCertifications")
        self.import_past_button.setToolTip(_("Certifications decided before the register was used (台帳導入前), "
                                             "from CSV or Excel, with their numbers as printed"))
        self.import_past_button.clicked.connect(self.import_past)
        self.import_past_button.setVisible(allowed(user, Action.CERTIFICATION_IMPORT))
        corner_layout.addWidget(self.import_past_button)

        # Viewers read the register; the candidates (with combined scores) are the administrator's.
        self.eligibility_tab: EligibilityTab | None = None
        if allowed(user, Action.ELIGIBILITY_VIEW):
            self.eligibility_tab = EligibilityTab(db, user)
            self.eligibility_tab.certified.connect(self._certified)
        self.register_tab = RegisterTab(db, user)
        self.register_tab.changed.connect(self._register_changed)
        self.tabs = QTabWidget()
        if self.eligibility_tab is not None:
            self.tabs.addTab(self.eligibility_tab, _("Candidates"))
        self.tabs.addTab(self.register_tab, _("Register of certified staff"))
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._empty_page())
        self.stack.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self.reload()

    def _empty_page(self) -> QWidget:
        """No scheme yet: offer the presets rather than an empty list."""
        page = QWidget()
        layout = QVBoxLayout(page)
        text = QLabel(_("No certification scheme is set up yet. Start from one of these and adjust it to your "
                        "municipality's rules; every change is kept as a new version.") if self._user.is_admin else
                      _("No certification scheme is set up yet. The administrator sets it up."))
        text.setWordWrap(True)
        layout.addWidget(text)
        self.preset_buttons: dict[str, QPushButton] = {}
        for key, label in PRESET_BUTTONS:
            button = QPushButton(_(label))
            button.setObjectName(f"preset_{key}")
            button.setToolTip(schemes.PRESETS[key].note or schemes.PRESETS[key].name)
            button.clicked.connect(lambda _checked=False, key=key: self.install_preset(key))
            button.setVisible(self._user.is_admin)
            layout.addWidget(button)
            self.preset_buttons[key] = button
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        return page

    # -- state ----------------------------------------------------------------------------------------
    # Projects, ratings and staff change on other screens: coming back to this one runs the engine again.
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale and not event.spontaneous():
            self._stale = False
            QTimer.singleShot(0, self.reload)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        if not event.spontaneous():
            self._stale = True

    # -- data ------------------------------------------------------------------------------------------
    def reload(self) -> None:
        scheme_id = schemes.active_scheme_id(self._db)
        self.scheme = schemes.load_scheme(self._db, scheme_id) if scheme_id is not None else None
        if self.scheme is None:
            self.scheme_heading.setText(_("Certification scheme:"))
            self.scheme_label.setText(_("none"))
            self.stack.setCurrentIndex(0)
        else:
            self.scheme_heading.setText(_("Certification scheme (version {version}):").format(version=self.scheme.version))
            self.scheme_label.setText(self.scheme.name)
            self.stack.setCurrentIndex(1)
        self.switch_button.setEnabled(self.scheme is not None)
        self.edit_button.setEnabled(self.scheme is not None)
        self.import_past_button.setEnabled(self.scheme is not None)
        if self.eligibility_tab is not None:
            self.eligibility_tab.set_scheme(self.scheme)
        self.register_tab.set_scheme(self.scheme)

    def _certified(self, _numbers: list) -> None:
        self.register_tab.reload()
        self.certifications_changed.emit()

    def _register_changed(self) -> None:
        if self.eligibility_tab is not None:
            self.eligibility_tab.reload()  # a revocation can make someone a candidate again
        self.certifications_changed.emit()

    # -- scheme actions ------------------------------------------------------------------------------------
    def install_preset(self, key: str) -> None:
        try:
            schemes.install_preset(self._db, key, self._user)
            app_settings.set_value(self._db, "certification_scheme", schemes.PRESETS[key].family, self._user)
        except UserError as exc:
            QMessageBox.warning(self, _("Certification scheme"), str(exc))
            return
        self.reload()
        self.certifications_changed.emit()

    def switch_scheme(self) -> None:
        from ui.certification.dialogs import SwitchSchemeDialog

        if SwitchSchemeDialog(self._db, self._user, self).exec():
            self.reload()
            self.certifications_changed.emit()

    def import_past(self) -> None:
        """Earlier certifications: the register and the candidates change (they count for the next level)."""
        from ui.certification.past_dialog import PastCertificationsImportDialog

        if run_modal(PastCertificationsImportDialog(self._db, self._user, self)) == QDialog.DialogCode.Accepted:
            self.register_tab.reload()
            self._register_changed()

    def edit_scheme(self) -> None:
        from ui.certification.scheme_editor import SchemeEditorDialog

        if self.scheme is None:
            return
        dialog = SchemeEditorDialog(self._db, self.scheme.id, self._user, read_only=not self._user.is_admin,
                                    parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.reload()
            self.certifications_changed.emit()
