"""CLI command `dashboard [--date D] [--no-check] [--json]`: the home dashboard's tiles as text or JSON.

The same figures as the window's ホーム (app.overview.dashboard). Run with ``--as`` a viewer's login,
only the aggregate tiles are printed; the administrator also gets who has not rated yet, the
qualifications expiring soon, the last backup and what the register check found.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict

from app.cli.support import EXIT_OK, add_json, day, opened, print_json
from app.formatting import format_number
from app.i18n import _
from app.overview import dashboard
from app.wareki import format_fiscal_year


def _level_line(tile: dashboard.LevelTile) -> str:
    if tile.target is None:
        return "  " + _("{level}: {n}").format(level=tile.name, n=format_number(tile.certified))
    return "  " + _("{level}: {n} / target {target:g}").format(level=tile.name, n=format_number(tile.certified),
                                                          target=tile.target)


def _print(board: dashboard.Dashboard, check: dashboard.CheckTile | None) -> None:
    print(_("Home dashboard on {date} ({fy})").format(date=board.as_of, fy=format_fiscal_year(board.fiscal_year)))
    print(_("Certified people ({scheme}): {n}").format(scheme=board.scheme or "—",
                                                       n=format_number(board.certified_total)))
    for tile in board.levels:
        print(_level_line(tile))
    print(_("Sections short of their DX推進リーダー: {n} of {total}").format(n=len(board.uncovered), total=board.sections))
    for row in board.uncovered:
        print(f"  {row['department']} {row['section']}\t{row['counted']}/{row['needed']}")
    print(_("Evaluations waiting: {n}").format(n=format_number(board.waiting_total)))
    for project in board.waiting_projects:
        print("  " + _("{project}: {n} (raters {raters})").format(project=project.project, n=project.waiting,
                                                             raters=project.raters))
    for rater in board.waiting_raters or []:
        print(f"    {rater.project}\t{rater.rater}\t{rater.waiting}")
    print(_("Qualifications expiring within {days} days: {n}").format(days=dashboard.EXPIRING_DAYS,
                                                                     n=board.expiring_count))
    for row in board.expiring or []:
        print(f"  {row['expires_on']}\t{row['staff_no']}\t{row['person']}\t{row['qualification']}")
    if board.backups_seen:
        seen = board.last_backup
        print(_("Last backup: none") if seen is None else
              _("Last backup: {at} ({days} days ago) {path}").format(at=seen.at, days=seen.days_ago, path=seen.path))
    if check is not None:
        print(_("Register check: no problem found") if check.ok else _("Register check found problems:"))
        for line in check.findings:
            print(f"  {line}")


def cmd_dashboard(args: argparse.Namespace) -> int:
    today = day(args.date)
    with opened(args) as db:
        board = dashboard.dashboard(db, args.user, today)
        check = dashboard.register_check(db, args.user) if board.detailed and not args.no_check else None
    if args.json:
        found = board.as_json()
        found["check"] = asdict(check) if check is not None else None
        print_json(found)
        return EXIT_OK
    _print(board, check)
    return EXIT_OK


def register(sub) -> None:
    """`dashboard`."""
    p = sub.add_parser("dashboard", help=_("the home dashboard: certified per level, coverage, evaluations waiting, "
                                           "expiring qualifications, last backup, check"))
    p.set_defaults(handler=cmd_dashboard)
    p.add_argument("--date", metavar="DATE", help=_("measure on this date (default today; 令和 dates accepted)"))
    p.add_argument("--no-check", action="store_true", help=_("leave out the register check (it reads the whole file)"))
    add_json(p)
