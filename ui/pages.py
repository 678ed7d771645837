"""Screens that later work fills: they say what will come, and show no fake data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.i18n import N_, _

# navigation key -> (title msgid, description msgid)
UPCOMING = {
    "projects": (N_("Projects"), N_(
        "BPR projects (業務改善プロジェクト): themes, members and their roles, workshops attended, "
        "the degree of realisation decided by the executives, and outcomes such as hours saved.")),
    "evaluations": (N_("Evaluations"), N_(
        "Ratings of each project member from the policy, leadership and ICT perspectives on anchored rubrics, "
        "entered in the app or through Excel sheets handed out to evaluators.")),
    "certification": (N_("Certification"), N_(
        "Certification schemes such as アドバイザー → エキスパート → スペシャリスト, an eligibility list that "
        "explains every decision, approval and certificate numbers.")),
    "certificates": (N_("Certificates"), N_(
        "A4 certificates in Mincho with 和暦 dates, exact names (髙, 﨑, 𠮷), printing and offline verification.")),
    "reports": (N_("Reports"), N_("Certified staff by level, section and year against the municipality's targets.")),
}


class UpcomingPage(QWidget):
    """Names the screen and what it will hold; nothing on it pretends to work."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"page_{key}")
        title, description = UPCOMING[key]
        heading = QLabel(_(title))
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        body = QLabel(_(description))
        body.setWordWrap(True)
        note = QLabel(_("This screen is not available in this version yet."))
        note.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        for widget in (heading, body, note):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
