"""The one date entry of the app: typed as 2027-04-01, 2027/4/1, R9.4.1 or 令和9年4月1日, with a calendar.

Officers copy dates from decisions written in 和暦 and from spreadsheets written in 西暦, so the
field takes either (full-width digits too; parsing is app.wareki's) and shows the other calendar
beside it. A QDateEdit cannot do this, and typing over its selected text kept the old year
(2099-12-31 became 2026-12-31): here the text is plain text, read whole.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from app.errors import UserError
from app.i18n import _
from app.wareki import (
    SUPPORTED_FIRST,
    SUPPORTED_LAST,
    check_supported,
    format_wareki,
    format_western,
    parse_date,
    written_in_era,
)
from ui.widgets.dialog_parts import ERROR_STYLE


class DateEdit(QWidget):
    """A date typed in either calendar, the other calendar beside it, and a calendar popup.

    ``optional=True`` lets the field be empty (value None). The text is read on every keystroke
    (the other calendar or the problem appears beside it at once) and ``value()`` follows it,
    refusing wrong text with that message, so a dialog cannot save what the officer sees as wrong.
    ``date_changed`` fires only when a date is finished (leaving the field, Enter, the calendar,
    set_value), so screens that recompute on it do not run for 2027-04-1 on the way to 2027-04-10;
    ``date()`` is that last finished date and never fails.
    """

    date_changed = Signal(object)  # datetime.date, or None when an optional field is emptied

    def __init__(self, day: date | None = None, parent: QWidget | None = None, *, optional: bool = False,
                 field: str = "") -> None:
        super().__init__(parent)
        self.optional, self.field = optional, field
        self._accepted: date | None = None  # what the text says now
        self._committed: date | None = None  # the last finished date, announced by date_changed
        self._problem = ""
        self.edit = QLineEdit()
        self.edit.setObjectName("dateText")
        self.edit.setPlaceholderText(_("e.g. R9.4.1"))
        self.edit.setToolTip(_("Type 2027-04-01, 2027/4/1, R9.4.1 or 令和9年4月1日 (full-width digits too); "
                               "leave empty when not known") if optional else
                             _("Type 2027-04-01, 2027/4/1, R9.4.1 or 令和9年4月1日 (full-width digits too)"))
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("令和10年12月31日") + 16)
        self.edit.textChanged.connect(self._reread)
        self.edit.editingFinished.connect(self._commit)
        self.popup_button = QToolButton()
        self.popup_button.setObjectName("calendarButton")
        self.popup_button.setArrowType(Qt.ArrowType.DownArrow)
        self.popup_button.setToolTip(_("Choose from a calendar"))
        self.popup_button.clicked.connect(self.show_calendar)
        self.calendar = QCalendarWidget()
        self.calendar.setMinimumDate(_qdate(SUPPORTED_FIRST))
        self.calendar.setMaximumDate(_qdate(SUPPORTED_LAST))
        self.calendar.clicked.connect(self._picked)
        self._menu = QMenu(self)
        action = QWidgetAction(self._menu)
        action.setDefaultWidget(self.calendar)
        self._menu.addAction(action)
        self.wareki = QLabel()  # the other calendar, or what is wrong with the text
        self.wareki.setWordWrap(True)
        self.wareki.setObjectName("otherCalendar")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.popup_button)
        layout.addWidget(self.wareki, 1)
        self.set_value(day)

    # -- reading ---------------------------------------------------------------------------------

    def value(self) -> date | None:
        """The date typed (None for an empty optional field); UserError naming the field otherwise."""
        if self._problem:
            raise UserError(_("{field}: {problem}").format(field=self.field, problem=self._problem)
                            if self.field else self._problem)
        return self._accepted

    def date(self) -> date:
        """The last finished date, for screens that must always have one (a required field never lacks it)."""
        return self._committed or date.today()

    def is_valid(self) -> bool:
        return not self._problem

    # -- writing ---------------------------------------------------------------------------------

    def set_value(self, day: date | str | None) -> None:
        """Show a date, or a stored ISO text as it is (even 1800-01-01 or garbage), so that it can be corrected.

        None empties an optional field; a required one shows today instead, as a starting point.
        """
        if day is None and not self.optional:
            day = date.today()
        self.edit.setText(day.isoformat() if isinstance(day, date) else (day or ""))
        self._commit()

    def set_date(self, day: date) -> None:
        self.set_value(day)

    def show_calendar(self) -> None:
        shown = self._accepted or date.today()
        self.calendar.setSelectedDate(_qdate(min(max(shown, SUPPORTED_FIRST), SUPPORTED_LAST)))
        self._menu.popup(self.popup_button.mapToGlobal(self.popup_button.rect().bottomLeft()))

    def _picked(self, day: QDate) -> None:
        self._menu.hide()
        self.set_value(day.toPython())

    def _reread(self, text: str) -> None:
        """Parse the whole text on every change; accept it only when the product supports the date."""
        if not text.strip():
            self._problem = "" if self.optional else _("Enter a date.")
            self._accepted = None if self.optional else self._accepted
            self._show(self._problem, error=bool(self._problem))
        else:
            try:
                day = check_supported(parse_date(text))
            except ValueError as exc:
                self._problem = str(exc)
                self._show(self._problem, error=True)
            else:
                self._problem, self._accepted = "", day
                self._show(format_western(day) if written_in_era(text) else format_wareki(day), error=False)

    def _commit(self) -> None:
        """Announce a finished, valid date once; wrong text keeps the last finished one."""
        if not self._problem and self._accepted != self._committed:
            self._committed = self._accepted
            self.date_changed.emit(self._committed)

    def _show(self, text: str, error: bool) -> None:
        self.wareki.setText(text)
        self.wareki.setStyleSheet(ERROR_STYLE if error else "")
        self.wareki.setToolTip(text if error else "")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
