"""照合: is a certificate genuine? A code typed in or read by a QR reader, checked against the register."""

from __future__ import annotations

import sqlite_utils
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.certification import certificates
from app.certification.certificates import Verification
from app.i18n import _
from ui.widgets.dialog_parts import ERROR_COLOUR

# status ("" = no such certificate) -> (symbol, colour): readable without the colour too
_LOOKS = {"active": ("✔", "#1b7a2f"), "revoked": ("✖", ERROR_COLOUR), "": ("？", "#a15c00")}


class VerifyTab(QWidget):
    def __init__(self, db: sqlite_utils.Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.result: Verification | None = None
        self.code = QLineEdit()
        self.code.setObjectName("verificationCode")
        self.code.setPlaceholderText(_("e.g. ABCD-EFGH-JKMN, or scan the QR code"))
        self.code.setClearButtonEnabled(True)
        self.code.returnPressed.connect(self.check)
        check = QPushButton(_("Check"))
        check.setObjectName("verifyButton")
        check.clicked.connect(self.check)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Verification code")))
        row.addWidget(self.code, 1)
        row.addWidget(check)
        explanation = QLabel(_("The code is printed at the foot of each certificate and held in its QR code. A QR "
                               "reader that types into this field can be used as well."))
        explanation.setWordWrap(True)
        explanation.setStyleSheet("color: #555;")

        self.panel = QFrame()
        self.panel.setObjectName("verificationPanel")
        self.panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.headline = QLabel()
        self.headline.setObjectName("verificationHeadline")
        self.headline.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("verificationMessage")
        self.message.setWordWrap(True)
        self.details = QFormLayout()
        self.detail_labels: dict[str, QLabel] = {}
        for key, title in (("number", _("Certificate no.")), ("name", _("Name")), ("level", _("Level")),
                           ("decided_on", _("Decided on"))):
            label = QLabel()
            label.setObjectName(f"verification_{key}")
            self.detail_labels[key] = label
            self.details.addRow(title, label)
        panel_layout = QVBoxLayout(self.panel)
        panel_layout.addWidget(self.headline)
        panel_layout.addWidget(self.message)
        panel_layout.addLayout(self.details)
        self.panel.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(explanation)
        layout.addWidget(self.panel)
        layout.addStretch(1)

    def check(self) -> Verification | None:
        text = self.code.text().strip()
        if not text:
            return None
        self.result = outcome = certificates.verify(self._db, text)
        status = outcome.status if outcome.number else ""
        headline = {"active": _("Valid certificate"), "revoked": _("Revoked certificate"),
                    "": _("Not found in this register")}[status]
        symbol, colour = _LOOKS[status]
        self.headline.setText(f"{symbol} {headline}")
        self.headline.setStyleSheet(f"color: {colour}; font-size: 16pt; font-weight: bold;")
        self.panel.setStyleSheet(f"QFrame#verificationPanel {{ border: 2px solid {colour}; border-radius: 4px; }}")
        self.message.setText(outcome.message)
        for key, label in self.detail_labels.items():
            label.setText(getattr(outcome, key))
            self.details.setRowVisible(label, bool(outcome.number))
        self.panel.show()
        self.code.selectAll()  # the next scan replaces this code
        return outcome
