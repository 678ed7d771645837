"""Certificate numbers: a scheme's number pattern filled in, and a printed number read back.

The pattern is part of a scheme (checked when the scheme is saved) and numbers are given when
decisions are recorded, so both use this module; it knows no table.
"""

from __future__ import annotations

import functools
import re
import string

from app.i18n import _
from app.wareki import format_fiscal_year, parse_fiscal_year


def certificate_number(pattern: str, fy: int, seq: int) -> str:
    """{年度和暦} → 令和7年度, {年度} → 2025, {連番:04} → 0001."""
    return pattern.format(**{"年度和暦": format_fiscal_year(fy), "年度": fy, "連番": seq})


def yearly_sequence(pattern: str) -> bool:
    """True when the pattern names the fiscal year, so that the sequence may start again each year.

    A pattern without the year (第{連番:04}号, as many towns numbered on paper) must never start
    again: 第0001号 of the next year would repeat a number already given.
    """
    return "{年度" in pattern


# What each field of a number pattern looks like when printed; {連番} with any width or none.
_FIELD_PATTERNS = {"年度和暦": ("era_year", r"(?:明治|大正|昭和|平成|令和)(?:元|[0-9]{1,2})年度"),
                   "年度": ("year", r"[0-9]{4}"), "連番": ("seq", r"[0-9]+")}
MAX_SEQ = 9_999_999  # far above any town's count; a longer run of digits is a slip, not a serial number


@functools.lru_cache(maxsize=16)
def _number_regex(pattern: str) -> re.Pattern[str]:
    parts, seen = [], set()
    for literal, field, _spec, _conversion in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if field is None:
            continue
        group, regex = _FIELD_PATTERNS.get(field, (None, r".*?"))
        if group is None:
            parts.append(regex)
        elif group in seen:
            parts.append(f"(?P={group})")
        else:
            seen.add(group)
            parts.append(f"(?P<{group}>{regex})")
    return re.compile("".join(parts))


def number_parts(pattern: str, number: str) -> tuple[int, int | None]:
    """(sequence, fiscal year written in it or None) of a certificate number as printed.

    A number written like the scheme's pattern gives its {連番} (and its year); a number of another
    form (第0021号 from the paper days) gives its last run of digits. ValueError (translated) when it
    has none, or a sequence of 0 or beyond MAX_SEQ.
    """
    match = _number_regex(pattern).fullmatch(number)
    written_year = None
    if match:
        seq_text = match["seq"]
        try:
            if "era_year" in match.re.groupindex:
                written_year = parse_fiscal_year(match["era_year"])
            elif "year" in match.re.groupindex:
                written_year = int(match["year"])
        except ValueError:
            written_year = None  # 令和0年度 and the like: read as a number of another form
    else:
        runs = re.findall(r"[0-9]+", number)
        if not runs:
            raise ValueError(_("it has no digits, so the certification sequence cannot continue from it"))
        seq_text = runs[-1]
    digits = seq_text.lstrip("0") or "0"
    if len(digits) > len(str(MAX_SEQ)) or not 1 <= int(digits) <= MAX_SEQ:
        raise ValueError(_("its serial number must be from 1 to {max}").format(max=MAX_SEQ))
    return int(digits), written_year
