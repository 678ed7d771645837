"""The project list as the プロジェクト screen shows it: filtering by year, status and words, and cell texts.

Projects number in the tens, so the screen reads them all with ``projects.list_projects`` once and
narrows them here; keeping this out of Qt lets it be tested without widgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from app.i18n import _
from app.kana import search_fold
from app.evaluation.projects import REALISATION, ROLES, STATUSES
from app.staff.directory import query_words, unit_names
from app.wareki import display_date, fiscal_year, format_fiscal_year


@dataclass(frozen=True)
class ProjectFilter:
    """None / empty means "any"."""

    fiscal_year: int | None = None
    status: str = ""
    query: str = ""


def filter_projects(rows: Sequence[dict], wanted: ProjectFilter) -> list[dict]:
    """Rows of ``list_projects`` in that year and status whose name or theme holds every word of the query."""
    words = query_words(wanted.query)
    result = []
    for row in rows:
        if wanted.fiscal_year is not None and row["fiscal_year"] != wanted.fiscal_year:
            continue
        if wanted.status and row["status"] != wanted.status:
            continue
        if words:
            haystack = f"{search_fold(row['name'])}\t{search_fold(row['theme'] or '')}"
            if not all(word in haystack for word in words):
                continue
        result.append(row)
    return result


def fiscal_years(rows: Sequence[dict], today: date | None = None) -> list[int]:
    """Years offered by the year filter: those with projects and the current one, newest first."""
    return sorted({row["fiscal_year"] for row in rows} | {fiscal_year(today or date.today())}, reverse=True)


def status_label(status: str) -> str:
    return _(STATUSES[status]) if status in STATUSES else status


def realisation_label(realisation: str | None) -> str:
    """実現度 or 「未決定」 while the executives have not decided it."""
    if not realisation:
        return _("Not decided")
    return _(REALISATION[realisation]) if realisation in REALISATION else realisation


def role_label(role: str) -> str:
    return _(ROLES[role]) if role in ROLES else role


def members_label(row: dict) -> str:
    """Rated members, with the executives (オーナー) counted apart."""
    if row["owners"]:
        return _("{members} (+{owners} owners)").format(members=row["members"], owners=row["owners"])
    return str(row["members"])


def progress_label(row: dict) -> str:
    """Submitted of assigned ratings, e.g. 「12/40」; a dash before any rater is assigned."""
    if not row["assignments"]:
        return "—"
    return f"{row['submitted']}/{row['assignments']}"


def day_label(value: str | date | None) -> str:
    """An ISO date in 和暦, or a dash; a stored date the product no longer accepts is shown as stored."""
    return display_date(value) or "—"


def period_label(starts_on: str | None, ends_on: str | None) -> str:
    if not starts_on and not ends_on:
        return "—"
    return f"{day_label(starts_on) if starts_on else ''} 〜 {day_label(ends_on) if ends_on else ''}".strip()


def year_label(year: int) -> str:
    return format_fiscal_year(year)


def unit_label(db: sqlite_utils.Database, unit_id: int | None) -> str:
    """「部 課 係」 of any unit, also one abolished since (a project keeps the section it had)."""
    if unit_id is None:
        return ""
    return " ".join(n for n in unit_names(db).get(unit_id, ()) if n)


def optional_number(text: str, field: str, integer: bool = False) -> float | int | None:
    """A number typed in a form: empty means "not known"; full-width digits and 1,234 are accepted."""
    import unicodedata

    from app.errors import UserError

    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    if not cleaned:
        return None
    try:
        return int(cleaned) if integer else float(cleaned)
    except ValueError:
        message = (_("{field}: enter a whole number (or leave it empty).") if integer
                   else _("{field}: enter a number (or leave it empty)."))
        raise UserError(message.format(field=field)) from None
