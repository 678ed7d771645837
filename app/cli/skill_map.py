"""CLI for the skill map's demand and gap: `skills map`, `skills demand list|add|edit|remove`, `skills candidates`.

These are sub-commands of the `skills` group (app/cli/skills.py owns the group). ``register(sub)`` adds them
to that group when it exists and makes the group when it does not, so it is called once, after the other
groups are built, and works whichever way the group arrived.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, replace

import sqlite_utils

from app.cli.support import EXIT_OK, add_json, day, opened, print_json
from app.errors import UserError
from app.i18n import _
from app.skills import demand, map_export, supply
from app.staff import lookup


def _family(db: sqlite_utils.Database, given: str | None) -> str:
    family = given or demand.default_family(db)
    if family is None:
        raise UserError(_("The register has no skill catalogue yet: install one with `skills catalogue install`."))
    return family


def _section(db: sqlite_utils.Database, text: str | None) -> int | None:
    return lookup.unit_id(db, text) if text else None


def cmd_map(args: argparse.Namespace) -> int:
    with opened(args) as db:
        family = _family(db, args.family)
        options = {"section": _section(db, args.section), "fiscal_year": args.year, "demanded_only": args.demanded_only}
        on = day(args.date)
        if args.out:
            heat = map_export.write_map(db, args.user, args.out, family, on, **options)
        else:
            heat = supply.heat_map(db, args.user, family, on, **options)
    if args.json:
        print_json(heat.as_json())
    else:
        _print_map(heat)
    if args.out:
        print(_("Wrote the skill map to {path}.").format(path=args.out), file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def _print_map(heat: supply.HeatMap) -> None:
    print(_("{catalogue} on {day}: {rows} rows, {items} skills").format(
        catalogue=heat.catalogue_name, day=heat.on.isoformat(), rows=len(heat.rows), items=len(heat.items)))
    for row, cells in zip(heat.rows, heat.cells):
        needs = [(item, need) for item, cell in zip(heat.items, cells) for need in cell.needs]
        if not needs:
            continue
        name = row.name if row.kind == "unit" else _("Project: {name}").format(name=row.name)
        print(f"{name}（{row.people}）")
        for item, need in needs:
            short = _("short {n}").format(n=need.shortfall) if need.shortfall else "✓"
            print(f"  {item.name} L{need.level}: {need.have}/{need.needed} {short}")
    print(_("Demand lines not met: {n}").format(n=len(heat.shortages())))


def _target(db: sqlite_utils.Database, args: argparse.Namespace) -> dict:
    if args.section and args.project:
        raise UserError(_("A demand is for one project or for one section, not both and not neither."))
    if args.section:
        return {"unit_id": lookup.unit_id(db, args.section), "project_id": None}
    if args.project:
        return {"project_id": args.project, "unit_id": None}
    return {}


def cmd_demand_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        lines = demand.list_demands(db, args.user, args.family, fiscal_year=args.year)
    if args.json:
        print_json([asdict(line) for line in lines])
        return EXIT_OK
    for line in lines:
        year = _("FY{year}").format(year=line.fiscal_year) if line.fiscal_year else _("standing")
        print(f"{line.id}\t{line.target_name}\t{line.item_name} L{line.level} × {line.people}\t{year}\t{line.note}")
    if not lines:
        print(_("No skill demand has been entered."))
    return EXIT_OK


def cmd_demand_add(args: argparse.Namespace) -> int:
    with opened(args) as db:
        target = _target(db, args)
        if not target:
            raise UserError(_("A demand is for one project or for one section, not both and not neither."))
        demand_id = demand.add_demand(db, args.user, demand.DemandInput(
            _family(db, args.family), args.item, args.level, args.people if args.people is not None else 1,
            fiscal_year=args.year, note=args.note or "", **target))
    print(_("Added the skill demand {id}.").format(id=demand_id))
    return EXIT_OK


def cmd_demand_edit(args: argparse.Namespace) -> int:
    with opened(args) as db:
        current = next((d for d in demand.list_demands(db, args.user) if d.id == args.id), None)
        if current is None:
            raise UserError(_("There is no skill demand {id}.").format(id=args.id))
        changes = {key: value for key, value in (("item_code", args.item), ("level", args.level),
                                                 ("people", args.people), ("fiscal_year", args.year),
                                                 ("note", args.note)) if value is not None}
        data = replace(current, **changes, **_target(db, args))
        demand.edit_demand(db, args.user, args.id, demand.DemandInput(
            data.catalogue_family, data.item_code, data.level, data.people, data.project_id, data.unit_id,
            None if args.standing else data.fiscal_year, data.note))
    print(_("Changed the skill demand {id}.").format(id=args.id))
    return EXIT_OK


def cmd_demand_remove(args: argparse.Namespace) -> int:
    with opened(args) as db:
        demand.remove_demand(db, args.user, args.id)
    print(_("Removed the skill demand {id}.").format(id=args.id))
    return EXIT_OK


def cmd_candidates(args: argparse.Namespace) -> int:
    with opened(args) as db:
        family = _family(db, args.family)
        on = day(args.date)
        row = None
        if args.section:
            unit = lookup.unit_id(db, args.section)
            row = supply.MapRow("unit", unit, args.section, "", 0)
        elif args.project:
            row = supply.MapRow("project", args.project, "", "", 0)
        found = supply.candidates(db, args.user, family, args.item, args.level, on, row=row,
                                  include_near=not args.exact)
    if args.json:
        print_json([asdict(c) for c in found])
        return EXIT_OK
    for c in found:
        mark = _("(one level short)") if c.near else ""
        print(f"{c.staff_no}\t{c.name}\t{c.section}\tL{c.level} {mark}".rstrip())
    if not found:
        print(_("Nobody outside holds this skill at that level."))
    return EXIT_OK


def _demand_fields(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--level", type=int, required=required, help=_("needed level (people at or above it count)"))
    p.add_argument("--people", type=int, help=_("number of people needed (default 1)"))
    p.add_argument("--section", metavar=_("UNIT"), help=_("the section that needs it (code or name)"))
    p.add_argument("--project", type=int, metavar="ID", help=_("the project that needs it"))
    p.add_argument("--year", type=int, metavar="FY", help=_("fiscal year (default: standing demand)"))
    p.add_argument("--note", help=_("note"))


def register(sub: argparse._SubParsersAction) -> None:
    """Add `map`, `demand` and `candidates` to the `skills` group (made here if no other module made it)."""
    group = sub.choices.get("skills") or sub.add_parser("skills", help=_("skill map: catalogues, skills, demand"))
    found = [a for a in group._actions if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001 - argparse's own
    actions = found[0] if found else group.add_subparsers(dest="skills_command", required=True, metavar="ACTION")
    p = actions.add_parser("map", help=_("supply against demand: sections × skills (people at the level / needed)"))
    p.set_defaults(handler=cmd_map)
    p.add_argument("--family", help=_("skill catalogue family (default: the one with most demand)"))
    p.add_argument("--section", metavar=_("UNIT"), help=_("only this section (code or name) and its projects"))
    p.add_argument("--year", type=int, metavar="FY", help=_("demand of this fiscal year and the standing demand"))
    p.add_argument("--date", help=_("whose seat counts on this day (default today)"))
    p.add_argument("--demanded-only", action="store_true", help=_("only skills some section or project needs"))
    p.add_argument("--out", metavar="FILE.xlsx", help=_("also write the map to an Excel workbook"))
    add_json(p)
    _add_demand_commands(actions)
    p = actions.add_parser("candidates", help=_("who could fill a gap: people elsewhere at or near the level"))
    p.set_defaults(handler=cmd_candidates)
    p.add_argument("item", metavar=_("ITEM"))
    p.add_argument("--level", type=int, required=True)
    p.add_argument("--family")
    p.add_argument("--section", metavar=_("UNIT"), help=_("leave out the people of this section"))
    p.add_argument("--project", type=int, metavar="ID", help=_("leave out the members of this project"))
    p.add_argument("--exact", action="store_true", help=_("only people at or above the level (not one short)"))
    p.add_argument("--date")
    add_json(p)


def _add_demand_commands(actions: argparse._SubParsersAction) -> None:
    group = actions.add_parser("demand", help=_("skill demand of sections and projects"))
    demand_sub = group.add_subparsers(dest="demand_command", required=True, metavar="ACTION")
    p = demand_sub.add_parser("list", help=_("list the demand lines"))
    p.set_defaults(handler=cmd_demand_list)
    p.add_argument("--family")
    p.add_argument("--year", type=int, metavar="FY")
    add_json(p)
    p = demand_sub.add_parser("add", help=_("add a demand line"))
    p.set_defaults(handler=cmd_demand_add)
    p.add_argument("item", metavar=_("ITEM"))
    p.add_argument("--family")
    _demand_fields(p, required=True)
    p = demand_sub.add_parser("edit", help=_("change a demand line (only the options given)"))
    p.set_defaults(handler=cmd_demand_edit)
    p.add_argument("id", type=int)
    p.add_argument("--item")
    _demand_fields(p, required=False)
    p.add_argument("--standing", action="store_true", help=_("no fiscal year: standing demand"))
    p = demand_sub.add_parser("remove", help=_("remove a demand line"))
    p.set_defaults(handler=cmd_demand_remove)
    p.add_argument("id", type=int)
