"""What each ホーム tile says, and the list behind it: text made from the service's figures.

Kept apart from the page so that the page module stays small and imports nothing of the core at
start-up (the dashboard's dataclasses arrive from the worker; only their fields are read here).
"""

from __future__ import annotations

from typing import Any

from app.formatting import format_number
from app.i18n import _
from app.wareki import display_date


def _levels(board) -> tuple[str, list[str], bool]:
    lines = []
    short = False
    for tile in board.levels:
        if tile.target is None:
            lines.append(_("{level}: {n}").format(level=tile.name, n=format_number(tile.certified)))
        else:
            short = short or tile.certified < tile.target
            lines.append(_("{level}: {n} / target {target:g}").format(
                level=tile.name, n=format_number(tile.certified), target=tile.target))
    if not board.levels:
        lines.append(_("No certification scheme in use yet"))
    return _("{n} people").format(n=format_number(board.certified_total)), lines, short


def _coverage(board) -> tuple[str, list[str], bool]:
    lines = [f"{row['department']} {row['section']}" for row in board.uncovered]
    if not board.uncovered:
        lines = [_("Every section is covered")]
    return _("{n} of {total} sections").format(n=len(board.uncovered), total=board.sections), lines, bool(board.uncovered)


def _waiting(board) -> tuple[str, list[str], bool]:
    lines = [_("{project}: {n}").format(project=p.project, n=p.waiting) for p in board.waiting_projects]
    if not lines:
        lines = [_("Nothing waiting")]
    return format_number(board.waiting_total), lines, False


def _expiring(board) -> tuple[str, list[str], bool]:
    if board.expiring is not None:
        lines = [f"{display_date(r['expires_on'])} {r['person']}" for r in board.expiring]
    else:
        lines = [_("{qualification}: {n}").format(qualification=r["qualification"], n=r["count"])
                 for r in board.expiring_by_qualification]
    if not lines:
        lines = [_("None within {days} days").format(days=board.expiring_days)]
    return format_number(board.expiring_count), lines, bool(board.expiring_count)


def _backup(board) -> tuple[str, list[str], bool]:
    seen = board.last_backup
    if seen is None:
        return _("None"), [_("No backup has been made yet")], True
    figure = _("Today") if seen.days_ago == 0 else _("{n} days ago").format(n=seen.days_ago)
    return figure, [seen.at.replace("T", " "), seen.path], seen.days_ago > 7


def fill(tiles: dict, board, check_pending: bool = True) -> None:
    """Every tile's figure and lines from ``board`` (the check tile shows its own worker's result)."""
    for key, make in (("levels", _levels), ("coverage", _coverage), ("waiting", _waiting),
                      ("expiring", _expiring), ("backup", _backup)):
        figure, lines, alarm = make(board)
        tiles[key].show_figures(figure, lines, alarm)
    if board.detailed and check_pending:
        tiles["check"].show_figures(_("Checking…"), [])


def list_for(key: str, board, check) -> tuple[str, list[tuple[str, Any]], list, str] | None:
    """(title, columns, rows, text when empty) of the dialog behind a tile; None when it has none."""
    if key == "waiting":
        if board.waiting_raters is not None:
            return (_("Evaluations waiting, by project and rater"),
                    [(_("Project"), lambda r: r.project), (_("Rater"), lambda r: r.rater),
                     (_("Waiting"), lambda r: r.waiting), (_("Of them drafts"), lambda r: r.drafts)],
                    board.waiting_raters, _("No evaluation is waiting."))
        return (_("Evaluations waiting, by project"),
                [(_("Project"), lambda p: p.project), (_("Waiting"), lambda p: p.waiting),
                 (_("Raters"), lambda p: p.raters)], board.waiting_projects, _("No evaluation is waiting."))
    if key == "expiring":
        if board.expiring is not None:
            return (_("Qualifications expiring within {days} days").format(days=board.expiring_days),
                    [(_("Expires on"), lambda r: display_date(r["expires_on"])), (_("Days left"), lambda r: r["days_left"]),
                     (_("Staff no."), lambda r: r["staff_no"]), (_("Name"), lambda r: r["person"]),
                     (_("Qualification"), lambda r: r["qualification"])],
                    board.expiring, _("No qualification expires soon."))
        return (_("Qualifications expiring within {days} days").format(days=board.expiring_days),
                [(_("Qualification"), lambda r: r["qualification"]), (_("People"), lambda r: r["count"])],
                board.expiring_by_qualification, _("No qualification expires soon."))
    if key == "backup" and board.backups is not None:
        return (_("Backups"), [(_("Made at"), lambda b: b.at.replace("T", " ")), (_("File"), lambda b: b.path)],
                board.backups, _("No backup has been made yet."))
    if key == "check" and check is not None:
        return (_("Register check"), [(_("Finding"), lambda line: line)], check.findings,
                _("The check found no problem."))
    return None
