"""Japanese era (wareki) dates and April–March fiscal years.

Municipal documents write dates as 令和7年4月1日 or R7.4.1 and budgets by
fiscal year (令和7年度), so the app needs one strict place that formats and
parses them.  Parsing never guesses: anything ambiguous or impossible raises
ValueError with a translated message (gettext, Japanese by default) that can be
shown to the user as is.

The product supports dates from SUPPORTED_FIRST to SUPPORTED_LAST only (see
check_supported); display code uses display_date, which never raises, so that
a stored date outside that range can still be shown and corrected.

Standard library, app.i18n and app.errors only; no Qt.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.errors import UserError
from app.i18n import _

__all__ = [
    "SUPPORTED_FIRST",
    "SUPPORTED_LAST",
    "check_supported",
    "require_supported",
    "display_date",
    "format_western",
    "written_in_era",
    "EraYear",
    "era_of",
    "format_era_year",
    "format_wareki",
    "parse_date",
    "fiscal_year",
    "fiscal_year_range",
    "format_fiscal_year",
    "parse_fiscal_year",
    "next_april_first",
]


@dataclass(frozen=True, slots=True)
class _Era:
    """One era with its first day; the last day is derived from the next era."""

    name: str
    letter: str
    start: date
    end: date | None  # last day in force; None for the current era


def _build_eras() -> tuple[_Era, ...]:
    """Derive each era's last day from the next era's start so they cannot disagree."""
    starts = [
        ("明治", "M", date(1868, 1, 25)),
        ("大正", "T", date(1912, 7, 30)),
        ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1)),
    ]
    eras = []
    for i, (name, letter, start) in enumerate(starts):
        end = starts[i + 1][2] - timedelta(days=1) if i + 1 < len(starts) else None
        eras.append(_Era(name, letter, start, end))
    return tuple(eras)


_ERAS: tuple[_Era, ...] = _build_eras()
_ERA_BY_KEY: dict[str, _Era] = {e.name: e for e in _ERAS} | {e.letter: e for e in _ERAS}


@dataclass(frozen=True, slots=True)
class EraYear:
    """Era of a date: name (令和), letter (R) and year within the era (1 = 元年)."""

    name: str
    letter: str
    year: int


# --------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------


def _as_date(d: date) -> date:
    """Drop the time part: comparing datetime with date raises TypeError."""
    if isinstance(d, datetime):
        return d.date()
    if not isinstance(d, date):
        raise TypeError(f"date expected, got {type(d).__name__}")
    return d


def _year_label(year: int) -> str:
    """Year 1 of an era is written 元 in kanji-style text."""
    return "元" if year == 1 else str(year)


def _era_containing(d: date) -> _Era:
    for era in reversed(_ERAS):
        if d >= era.start:
            return era
    raise ValueError(_("Dates before Meiji cannot be written in the Japanese calendar: {date} "
                       "(Meiji began on {start})").format(date=d.isoformat(), start=format_western(_ERAS[0].start)))


def era_of(d: date) -> EraYear:
    """Return the era in force on d; ValueError before 明治 (1868-01-25)."""
    d = _as_date(d)
    era = _era_containing(d)
    return EraYear(era.name, era.letter, d.year - era.start.year + 1)


def format_era_year(d: date) -> str:
    """Era and year only, e.g. 令和7年 / 令和元年."""
    ey = era_of(d)
    return f"{ey.name}{_year_label(ey.year)}年"


def format_wareki(d: date, *, style: str = "kanji") -> str:
    """Format d as 令和7年4月1日 (style="kanji") or R7.4.1 (style="short").

    The short style writes year 1 as 1 (R1.5.1), as forms and spreadsheets do;
    the kanji style writes it as 元年.
    """
    d = _as_date(d)
    ey = era_of(d)
    if style == "kanji":
        return f"{ey.name}{_year_label(ey.year)}年{d.month}月{d.day}日"
    if style == "short":
        return f"{ey.letter}{ey.year}.{d.month}.{d.day}"
    if style == "numerals":  # for vertical writing: 令和七年四月一日, 令和元年五月一日
        year = "元" if ey.year == 1 else kanji_number(ey.year)
        return f"{ey.name}{year}年{kanji_number(d.month)}月{kanji_number(d.day)}日"
    raise ValueError(f"unknown style: {style!r} (expected 'kanji', 'short' or 'numerals')")  # programming error


_DIGITS = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    """1..99 as written in vertical documents: 七, 十, 十二, 二十, 三十一."""
    if not 0 < n < 100:
        raise ValueError(f"kanji_number supports 1..99, not {n}")
    tens, ones = divmod(n, 10)
    return (("" if tens < 2 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


# --------------------------------------------------------------------------
# The dates the product supports, and display that never fails
# --------------------------------------------------------------------------

# The one place that bounds every date the app accepts (hire dates, decisions, effective dates).
# Japan adopted the Gregorian calendar on 明治6年1月1日 (1873-01-01): an earlier Western date has
# no true 和暦 and no personnel record of a living scheme goes back that far.  The late bound only
# catches slips of the keyboard (20277 for 2027, 2927 for 2027); no decision is planned 175 years out.
SUPPORTED_FIRST = date(1873, 1, 1)
SUPPORTED_LAST = date(2200, 12, 31)


def check_supported(d: date) -> date:
    """Return d when the product supports it; ValueError (translated) naming the range otherwise."""
    d = _as_date(d)
    if SUPPORTED_FIRST <= d <= SUPPORTED_LAST:
        return d
    raise ValueError(_("{date} is outside the dates this program handles ({first} to {last})").format(
        date=format_western(d), first=format_western(SUPPORTED_FIRST), last=format_western(SUPPORTED_LAST)))


def require_supported(d: date, field: str) -> date:
    """check_supported for services: a UserError that names the field (採用日: 1800年4月1日は…)."""
    try:
        return check_supported(d)
    except ValueError as exc:
        raise UserError(_("{field}: {problem}").format(field=field, problem=exc)) from None


def display_date(value: date | str | None, *, style: str = "kanji") -> str:
    """The 和暦 of a stored date for screens and lists; never raises.

    A row written by an older version, another tool or a hand edit may hold a date the product no
    longer accepts (1800-01-01) or no date at all; showing it as stored keeps the record open for
    correction instead of crashing the window that lists it.  None and "" give "".
    """
    if value is None or value == "":
        return ""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return format_wareki(check_supported(day), style=style)
    except (TypeError, ValueError):
        return value.isoformat() if isinstance(value, date) else str(value)


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------

# Only these characters go through NFKC.  Normalising the whole string would
# also turn things like "²" or "①" into digits, which would be guessing.
_ERA_SQUARES = frozenset("㍾㍽㍼㍻㋿")  # single-character era ligatures


def _normalize(text: object, unreadable: str) -> str:
    """Strip and fold full-width ASCII / ideographic space / era ligatures to ASCII.

    ``unreadable`` is the (translated) message with a {text} placeholder for a non-string.
    """
    if not isinstance(text, str):
        raise ValueError(unreadable.format(text=repr(text)))
    chars = []
    for ch in text:
        if "\uff01" <= ch <= "\uff5e" or ch == "\u3000" or ch in _ERA_SQUARES:
            chars.append(unicodedata.normalize("NFKC", ch))
        else:
            chars.append(ch)
    return "".join(chars).strip()


# re.ASCII so that \d-like classes and spaces never match non-ASCII digits;
# digits are spelled [0-9] anyway because int() would accept e.g. Arabic-Indic.
_SP = r"[ \t]*"
_ERA = r"(?P<era>明治|大正|昭和|平成|令和|[MTSHRmtshr])"
_ERA_YEAR = r"(?P<year>元|[0-9]{1,2})"
_WEST_YEAR = r"(?P<year>[1-9][0-9]{3})"
_MD_SEP = rf"(?P<sep>[./-]){_SP}(?P<month>[0-9]{{1,2}}){_SP}(?P=sep){_SP}(?P<day>[0-9]{{1,2}})"
_MD_KANJI = rf"年{_SP}(?P<month>[0-9]{{1,2}}){_SP}月{_SP}(?P<day>[0-9]{{1,2}}){_SP}日"

_ERA_DATE_RES = (
    re.compile(rf"{_ERA}{_SP}{_ERA_YEAR}{_SP}{_MD_KANJI}", re.ASCII),
    re.compile(rf"{_ERA}{_SP}{_ERA_YEAR}{_SP}{_MD_SEP}", re.ASCII),
)
_WEST_DATE_RES = (
    re.compile(rf"{_WEST_YEAR}{_SP}{_MD_KANJI}", re.ASCII),
    re.compile(rf"{_WEST_YEAR}{_SP}{_MD_SEP}", re.ASCII),
    re.compile(r"(?P<year>[1-9][0-9]{3})(?P<month>[0-9]{2})(?P<day>[0-9]{2})", re.ASCII),
)
_ERA_FY_RE = re.compile(rf"{_ERA}{_SP}{_ERA_YEAR}{_SP}年{_SP}度", re.ASCII)
_WEST_FY_RE = re.compile(rf"{_WEST_YEAR}{_SP}年{_SP}度", re.ASCII)


def _era_for_key(key: str) -> _Era:
    return _ERA_BY_KEY[key.upper() if len(key) == 1 else key]


def _era_year_number(era: _Era, year_text: str, source: str) -> int:
    """Turn 元 / digits into an era year; 0年 does not exist."""
    if year_text == "元":
        return 1
    n = int(year_text)
    if n == 0:
        raise ValueError(_("{era} 0 does not exist (the first year is written 元年): {text}").format(
            era=era.name, text=repr(source)))
    return n


def format_western(d: date) -> str:
    """A Western date for people (messages, beside a 和暦 entry): 1868年1月25日 in Japanese."""
    return _("{year}/{month}/{day}").format(year=d.year, month=d.month, day=d.day)


def _era_year_text(era_name: str, year: int | str) -> str:
    """An era year in messages: 令和7年 in Japanese."""
    return _("{era} {year}").format(era=era_name, year=year)


def _format_day_in_era(d: date) -> str:
    """Like format_wareki(kanji) but without the era name: 31年4月30日."""
    ey = era_of(d)
    return _("{year}/{month}/{day}").format(year=_year_label(ey.year), month=d.month, day=d.day)


def _make_date(year: int, month: int, day: int, label: str, source: str) -> date:
    """Build a date, explaining in Japanese which part is impossible."""
    if not 1 <= month <= 12:
        raise ValueError(_("Month {month} does not exist: {text}").format(month=month, text=repr(source)))
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(_("{year_label} {month}/{day} does not exist ({year_label} {month} has {last} days): "
                           "{text}").format(year_label=label, month=month, day=day, last=last, text=repr(source)))
    return date(year, month, day)


def _parse_era_date(m: re.Match[str], source: str) -> date:
    era = _era_for_key(m["era"])
    n = _era_year_number(era, m["year"], source)
    if era.end is not None:
        last_n = era.end.year - era.start.year + 1
        if n > last_n:
            raise ValueError(_("{era_year} does not exist ({era} ended on {last})").format(
                era_year=_era_year_text(era.name, n), era=era.name, last=_format_day_in_era(era.end)))
    label = _era_year_text(era.name, _year_label(n))
    d = _make_date(era.start.year + n - 1, int(m["month"]), int(m["day"]), label, source)
    written = _("{year_label} {month}/{day}").format(year_label=label, month=d.month, day=d.day)
    if d < era.start:
        actual = format_wareki(d) if d >= _ERAS[0].start else _("before Meiji")
        raise ValueError(_("{written} does not exist ({era} began on {first}; {western} is {actual})").format(
            written=written, era=era.name, first=_format_day_in_era(era.start), western=format_western(d), actual=actual))
    if era.end is not None and d > era.end:
        raise ValueError(_("{written} does not exist ({era} ended on {last}; {western} is {actual})").format(
            written=written, era=era.name, last=_format_day_in_era(era.end), western=format_western(d),
            actual=format_wareki(d)))
    return d


def parse_date(text: str) -> date:
    """Parse a Western or Japanese-era date written by a person; strict, never guesses.

    Accepted (full-width characters are folded first, surrounding spaces ignored):
    2024-04-01, 2024/4/1, 2024.4.1, 2024年4月1日, 20240401,
    令和7年4月1日, 平成元年4月1日, 令和 7 年 4 月 1 日, R7.4.1, r7.4.1, R07/04/01, R7-4-1.
    Western years must have four digits (24/4/1 is rejected: which century?).
    Era dates must exist within that era (平成元年1月7日 and 平成32年 are errors).
    Western dates before 明治 are valid dates and are returned as is.
    """
    s = _normalize(text, _("Not a date: {text}"))
    for rx in _ERA_DATE_RES:
        m = rx.fullmatch(s)
        if m:
            return _parse_era_date(m, text)
    for rx in _WEST_DATE_RES:
        m = rx.fullmatch(s)
        if m:
            y = int(m["year"])
            return _make_date(y, int(m["month"]), int(m["day"]), _("year {year}").format(year=y), text)
    raise ValueError(_("Not a date: {text}").format(text=repr(text)))


# --------------------------------------------------------------------------
# Fiscal years (April 1 – March 31, named after the calendar year they start in)
# --------------------------------------------------------------------------


def fiscal_year(d: date) -> int:
    """Fiscal year containing d: January–March belong to the previous year's FY."""
    d = _as_date(d)
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """First and last day of fiscal year fy: (fy-04-01, fy+1-03-31)."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def format_fiscal_year(fy: int) -> str:
    """Era name of fiscal year fy, e.g. 2025 -> 令和7年度, 2019 -> 令和元年度.

    Convention chosen: a fiscal year is written the way its starting calendar
    year is written at that year's end (era in force on December 31 of fy).
    This gives 令和元年度 for FY2019 (which started in 平成31年 but is, by
    municipal practice, called 令和元年度) and 昭和63年度 for FY1988 (its
    January–March 1989 part fell in 平成, yet it was never 平成元年度; the
    rule "era at the FY's last day" would wrongly give 平成0年度 there).
    """
    return f"{format_era_year(date(fy, 12, 31))}度"


def written_in_era(text: str) -> bool:
    """True when text is a date written with an era (R9.4.1, 令和9年4月1日): the widget then shows the Western date."""
    try:
        s = _normalize(text, "{text}")
    except ValueError:
        return False
    return any(rx.fullmatch(s) for rx in _ERA_DATE_RES)


def parse_fiscal_year(text: str) -> int:
    """Parse 令和7年度 / R7年度 / 2025年度 into the fiscal year (2025).

    An era name is accepted if that era was in force on any day of the fiscal
    year that falls in its starting calendar year, so both 平成31年度 (the
    official name when FY2019 began) and 令和元年度 give 2019, while 昭和64年度
    (FY1989 began in 平成) and 平成32年度 are rejected.
    """
    s = _normalize(text, _("Not a fiscal year: {text}"))
    m = _WEST_FY_RE.fullmatch(s)
    if m:
        return int(m["year"])
    m = _ERA_FY_RE.fullmatch(s)
    if not m:
        raise ValueError(_("Not a fiscal year: {text}").format(text=repr(text)))
    era = _era_for_key(m["era"])
    n = _era_year_number(era, m["year"], text)
    fy = era.start.year + n - 1
    if era.end is not None and era.end < date(fy, 4, 1):
        raise ValueError(_("Fiscal year {era_year} does not exist ({era} ended on {last})").format(
            era_year=_era_year_text(era.name, n), era=era.name, last=_format_day_in_era(era.end)))
    return fy


def next_april_first(d: date) -> date:
    """April 1 on or after d (d itself if it is April 1), e.g. the next FY start."""
    d = _as_date(d)
    this_year = date(d.year, 4, 1)
    return this_year if d <= this_year else date(d.year + 1, 4, 1)
