"""CLI command for the reports (issue 16): `report NAME --year FY --out FILE.(pdf|xlsx) [--json]`.

NAME is the report's key (annual, certification, targets, outcomes, training, skills, evaluation) or its
Japanese title (年度報告, 部署別認定状況, …); the file's suffix chooses PDF or xlsx. --json prints the
report's figures (and still writes --out when given).
"""

from __future__ import annotations

import argparse

from app.cli.support import EXIT_OK, add_json, day, opened, print_json
from app.cli.targets import fiscal_year_option
from app.errors import UserError
from app.i18n import _
from app.reporting import document, reports


def report_key(name: str) -> str:
    """The key of the report named by its key or its title as the screen shows it."""
    wanted = name.strip()
    for kind in reports.KINDS.values():
        if wanted in (kind.key, _(kind.title), kind.title):
            return kind.key
    names = "、".join(f"{k.key}（{_(k.title)}）" for k in reports.KINDS.values())
    raise UserError(_("Unknown report: {name} (reports: {names}).").format(name=name, names=names))


def cmd_report(args: argparse.Namespace) -> int:
    today = day(args.date)
    key = report_key(args.name)
    if args.out is None and not args.json:
        raise UserError(_("Give --out FILE.pdf or FILE.xlsx (or --json)."))
    if args.out is not None and args.out.suffix.lower() not in (".pdf", ".xlsx"):
        raise UserError(_("Save the report as .pdf or .xlsx (not {suffix}).").format(suffix=args.out.suffix or "—"))
    with opened(args) as db:
        report = reports.build(db, args.user, key, fiscal_year_option(args.year, today), today)
    if args.out is not None:
        document.save(report, args.out)
    if args.json:
        print_json(document.as_json(report) | {"file": str(args.out) if args.out else None})
    else:
        print(_("Wrote {title} to {path}.").format(title=report.heading, path=args.out))
    return EXIT_OK


def register(sub) -> None:
    """`report NAME --year FY --out FILE`."""
    from pathlib import Path

    p = sub.add_parser("report", help=_("write a report as PDF (A4) or xlsx"),
                       description=_("write a report as PDF (A4) or xlsx"))
    p.set_defaults(handler=cmd_report)
    p.add_argument("name", metavar="NAME",
                   help=_("annual, certification, targets, outcomes, training, skills or evaluation (administrator)"))
    p.add_argument("--year", metavar="FY", help=_("fiscal year (default: this one)"))
    p.add_argument("--out", type=Path, metavar="FILE", help=_("the file to write: .pdf or .xlsx"))
    p.add_argument("--date", help=_("the day the report is made on (default: today)"))
    add_json(p)
