"""A date field that also shows the date in 和暦, as decisions and certificates are written."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QWidget

from app.wareki import format_wareki


class WarekiDateEdit(QWidget):
    """yyyy-MM-dd with a calendar, and 令和8年4月1日 beside it."""

    date_changed = Signal(object)  # datetime.date

    def __init__(self, day: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QDateEdit()
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setCalendarPopup(True)
        self.wareki = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.wareki)
        layout.addStretch(1)
        self.set_date(day or date.today())
        self.edit.dateChanged.connect(self._changed)

    def date(self) -> date:
        return self.edit.date().toPython()

    def set_date(self, day: date) -> None:
        self.edit.setDate(QDate(day.year, day.month, day.day))
        self.wareki.setText(format_wareki(day))

    def _changed(self) -> None:
        self.wareki.setText(format_wareki(self.date()))
        self.date_changed.emit(self.date())
