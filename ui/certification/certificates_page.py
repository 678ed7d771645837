"""証書: certificates written and printed, their design, their verification and the print log.

The administrator gets every tab; other users can only check a certificate's
code (照合), since writing and printing certificates are the administrator's.
"""

from __future__ import annotations

import sqlite_utils
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.register.accounts import User
from app.i18n import _
from ui.certification.certificate_verify_tab import VerifyTab


class CertificatesPage(QWidget):
    settings_saved = Signal()  # the municipality or mayor may have changed (shown on the 設定 screen too)

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_certificates")
        self.output = self.design = self.log = None
        self.tabs = QTabWidget()
        self.tabs.setObjectName("certificateTabs")
        self.tabs.setUsesScrollButtons(True)
        if user.is_admin:
            from ui.certification.certificate_log_tab import PrintLogTab
            from ui.certification.certificate_output_tab import OutputTab
            from ui.certification.certificate_settings_tab import CertificateSettingsTab

            self.output = OutputTab(db, user)
            self.design = CertificateSettingsTab(db, user, self.output.first_selected)
            self.log = PrintLogTab(db, user)
            self.output.printed.connect(self.log.reload)
            self.design.saved.connect(self.output.use_saved_template)
            self.design.saved.connect(self.output.schedule_preview)
            self.design.saved.connect(self.settings_saved)
            self.tabs.addTab(self.output, _("Output"))
            self.tabs.addTab(self.design, _("Layout and text"))
        self.verify = VerifyTab(db)
        self.tabs.addTab(self.verify, _("Verify"))
        if self.log is not None:
            self.tabs.addTab(self.log, _("Output log"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def confirm_leave(self) -> bool:
        """Unsaved certificate settings are saved, dropped or kept before the screen changes."""
        return self.design is None or self.design.confirm_leave()

    def wait_for_previews(self) -> None:
        """Let background previews finish (before closing the register, and in tests)."""
        for tab in (self.output, self.design):
            if tab is not None:
                tab.wait_for_preview()
