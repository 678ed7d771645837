"""CLI commands for one project's own data: `projects show|edit|status|realise|outcomes`.

Each changes only what it names and saves the rest as stored, through the same service and checks
as the project dialog (projects.update_project); the realisation needs the date the executives decided it.
"""

from __future__ import annotations

import argparse

from app.evaluation import projects
from app.cli.support import EXIT_OK, add_json, print_json, opened
from app.staff.lookup import unit_id
from app.i18n import _, label
from app.wareki import parse_date


def _save(args: argparse.Namespace, **changes) -> None:
    with opened(args) as db:
        data = projects.project_input(db, args.project)
        if "owner_unit" in changes:
            text = changes.pop("owner_unit")
            changes["owner_unit_id"] = unit_id(db, text) if text else None
        for key, value in changes.items():
            setattr(data, key, value)
        projects.update_project(db, args.project, data, args.user)


def cmd_projects_show(args: argparse.Namespace) -> int:
    with opened(args) as db:
        row = projects.overview(db, args.user, args.project)
    if args.json:
        print_json(row)
        return EXIT_OK
    fields = [(_("Project name"), row["name"]), (_("Theme"), row["theme"]), (_("Fiscal year"), row["fiscal_year"]),
              (_("Owning section"), row["owner_unit"]), (_("Project status"), label(projects.STATUSES, row["status"])),
              (_("Degree of realisation"), label(projects.REALISATION, row["realisation"]) if row["realisation"] else "—"),
              (_("Decided on"), row["realisation_decided_on"] or "—"), (_("Decided by"), row["realisation_decided_by"]),
              (_("Hours saved per year"), row["hours_saved_per_year"]),
              (_("Procedures moved online"), row["procedures_online"]), (_("Systems built"), row["systems_built"]),
              (_("Outcome"), row["outcome_summary"])]
    for title, value in fields:
        print(f"{title}\t{'' if value is None else value}")
    return EXIT_OK


def cmd_projects_edit(args: argparse.Namespace) -> int:
    changes = {key: value for key, value in (("name", args.name), ("theme", args.theme), ("fiscal_year", args.year))
               if value is not None}
    if args.section is not None:
        changes["owner_unit"] = args.section
    for key, text in (("starts_on", args.starts), ("ends_on", args.ends)):
        if text is not None:
            changes[key] = parse_date(text) if text else None
    _save(args, **changes)
    print(_("Saved the project {id}.").format(id=args.project))
    return EXIT_OK


def cmd_projects_status(args: argparse.Namespace) -> int:
    _save(args, status=args.status)
    print(_("The project {id} is now {status}.").format(id=args.project, status=label(projects.STATUSES, args.status)))
    return EXIT_OK


def cmd_projects_realise(args: argparse.Namespace) -> int:
    """The degree of realisation the executives decided, on --date; `none` clears it."""
    if args.level == "none":
        _save(args, realisation=None, realisation_decided_on=None, realisation_decided_by="")
        print(_("The degree of realisation of project {id} was cleared.").format(id=args.project))
        return EXIT_OK
    _save(args, realisation=args.level, realisation_decided_on=parse_date(args.date) if args.date else None,
          realisation_decided_by=args.by or "")
    print(_("Project {id}: {level}, decided on {date}.").format(
        id=args.project, level=label(projects.REALISATION, args.level), date=parse_date(args.date).isoformat()))
    return EXIT_OK


def cmd_projects_outcomes(args: argparse.Namespace) -> int:
    names = {"hours_saved": "hours_saved_per_year", "procedures_online": "procedures_online",
             "systems_built": "systems_built", "summary": "outcome_summary"}
    changes = {field: getattr(args, option) for option, field in names.items() if getattr(args, option) is not None}
    _save(args, **changes)
    print(_("Saved the outcomes of project {id}.").format(id=args.project))
    return EXIT_OK


def register(actions) -> None:
    """Add these commands to the `projects` group of app.cli.projects."""
    p = actions.add_parser("show", help=_("one project's overview"))
    p.set_defaults(handler=cmd_projects_show)
    p.add_argument("project", type=int, help=_("project id"))
    add_json(p)
    p = actions.add_parser("edit", help=_("change a project's name, theme, year, section or period"))
    p.set_defaults(handler=cmd_projects_edit)
    p.add_argument("project", type=int, help=_("project id"))
    p.add_argument("--name")
    p.add_argument("--theme")
    p.add_argument("--year", type=int, help=_("fiscal year (e.g. 2025 for 令和7年度)"))
    p.add_argument("--section", help=_("owning section, by name or unit code (\"\" for none)"))
    p.add_argument("--starts", metavar="DATE", help=_("start date (\"\" clears it)"))
    p.add_argument("--ends", metavar="DATE", help=_("end date (\"\" clears it)"))
    p = actions.add_parser("status", help=_("set a project's status"))
    p.set_defaults(handler=cmd_projects_status)
    p.add_argument("project", type=int, help=_("project id"))
    p.add_argument("status", choices=list(projects.STATUSES))
    p = actions.add_parser("realise", help=_("record the degree of realisation the executives decided, with the date"))
    p.set_defaults(handler=cmd_projects_realise)
    p.add_argument("project", type=int, help=_("project id"))
    p.add_argument("level", choices=[*projects.REALISATION, "none"])
    p.add_argument("--date", metavar="DATE", help=_("the date it was decided (required unless none)"))
    p.add_argument("--by", help=_("who decided, e.g. 市長・副市長・部長会議"))
    p = actions.add_parser("outcomes", help=_("record a project's outcomes (only the figures given change)"))
    p.set_defaults(handler=cmd_projects_outcomes)
    p.add_argument("project", type=int, help=_("project id"))
    p.add_argument("--hours-saved", type=float, metavar="HOURS", help=_("hours saved per year"))
    p.add_argument("--procedures-online", type=int, metavar="N", help=_("procedures moved online"))
    p.add_argument("--systems-built", type=int, metavar="N", help=_("systems built"))
    p.add_argument("--summary", help=_("the outcome in words"))
