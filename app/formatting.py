"""Numbers and timestamps for display, through babel in the UI language (ja_JP by default).

Japanese era dates are app.wareki's job; this covers everything else.
"""

from __future__ import annotations

from datetime import datetime

from app.i18n import current_language

_BABEL_LOCALES = {"ja": "ja_JP", "en": "en_US"}


def _locale() -> str:
    return _BABEL_LOCALES.get(current_language(), "ja_JP")


def format_number(value: int | float) -> str:
    """12,345 — grouped as the locale writes it."""
    from babel.numbers import format_decimal  # loads locale data; kept off the start-up path

    return format_decimal(value, locale=_locale())


def format_timestamp(text: str | None) -> str:
    """An ISO timestamp from the database as 2026/11/23 12:57:07; empty stays empty."""
    if not text:
        return ""
    from babel.dates import format_datetime

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return format_datetime(moment.replace(microsecond=0), "medium", locale=_locale())
