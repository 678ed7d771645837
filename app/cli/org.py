"""CLI commands for the organisation and its reforms: `org list|create|rename|merge|split|abolish`.

A reform takes effect on --date (the old unit ends the day before), as on the 組織 screen.
Units are named as the officer knows them: a code, 「企画部 デジタル戦略課」, or a name that is unique.
"""

from __future__ import annotations

import argparse

from app.staff import organisation
from app.cli.support import EXIT_OK, add_json, day, print_json, opened
from app.staff.lookup import staff_id, unit_id
from app.errors import UserError
from app.i18n import _


def _node(node: organisation.UnitNode) -> dict:
    return {"id": node.id, "kind": node.kind, "name": node.name, "staff": node.staff,
            "children": [_node(child) for child in node.children]}


def cmd_org_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        roots = organisation.tree(db, day(args.date))
    if args.json:
        print_json([_node(root) for root in roots])
        return EXIT_OK

    def show(node: organisation.UnitNode, depth: int) -> None:
        print(f"{'  ' * depth}{node.name}\t" + _("{n} staff").format(n=node.staff) + f"\t(id {node.id})")
        for child in node.children:
            show(child, depth + 1)

    for root in roots:
        show(root, 0)
    return EXIT_OK


def cmd_org_create(args: argparse.Namespace) -> int:
    with opened(args) as db:
        parent = unit_id(db, args.parent) if args.parent else None
        new_id = organisation.create_unit(db, parent, args.name, day(args.date), args.user)
    print(_("Created {name} (id {id}).").format(name=args.name, id=new_id))
    return EXIT_OK


def cmd_org_rename(args: argparse.Namespace) -> int:
    with opened(args) as db:
        new_id = organisation.rename_unit(db, unit_id(db, args.unit), args.name, day(args.date), args.user)
    print(_("{old} is called {name} from {date} (id {id}).").format(old=args.unit, name=args.name,
                                                                    date=day(args.date).isoformat(), id=new_id))
    return EXIT_OK


def cmd_org_merge(args: argparse.Namespace) -> int:
    with opened(args) as db:
        target = unit_id(db, args.into)
        organisation.merge_units(db, [unit_id(db, text) for text in args.units], target, day(args.date), args.user)
    print(_("Merged {units} into {target}.").format(units="、".join(args.units), target=args.into))
    return EXIT_OK


def _placement(db, names: list[str], places: list[str] | None) -> dict[int, int]:
    """--place 職員番号=新しい名前: who goes to which new unit (people not listed go to the first)."""
    placement: dict[int, int] = {}
    for item in places or []:
        number, sep, name = item.partition("=")
        if not sep or name.strip() not in [n.strip() for n in names]:
            raise UserError(_("--place needs the form 職員番号=one of the new names ({names}): {value}").format(
                names="、".join(names), value=item))
        placement[staff_id(db, number)] = [n.strip() for n in names].index(name.strip())
    return placement


def cmd_org_split(args: argparse.Namespace) -> int:
    with opened(args) as db:
        organisation.split_unit(db, unit_id(db, args.unit), args.into, _placement(db, args.into, args.place),
                                day(args.date), args.user)
    print(_("Split {unit} into {names}.").format(unit=args.unit, names="、".join(args.into)))
    return EXIT_OK


def cmd_org_abolish(args: argparse.Namespace) -> int:
    with opened(args) as db:
        organisation.abolish_unit(db, unit_id(db, args.unit), day(args.date), args.user)
    print(_("Abolished {unit}.").format(unit=args.unit))
    return EXIT_OK


def _effective(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", metavar="DATE", help=_("the reform takes effect on this date (default today)"))


def register(sub) -> None:
    group = sub.add_parser("org", help=_("the organisation (部・課・係) and its reforms"))
    actions = group.add_subparsers(dest="org_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", help=_("the units in force on a date, with their staff"))
    p.set_defaults(handler=cmd_org_list)
    p.add_argument("--date", metavar="DATE", help=_("as of this date (default today; 令和 dates accepted)"))
    add_json(p)
    p = actions.add_parser("create", help=_("新設: a new department, or a unit under --parent"))
    p.set_defaults(handler=cmd_org_create)
    p.add_argument("name")
    p.add_argument("--parent", help=_("the department or section it belongs to"))
    _effective(p)
    p = actions.add_parser("rename", help=_("名称変更: people and sub-units follow"))
    p.set_defaults(handler=cmd_org_rename)
    p.add_argument("unit")
    p.add_argument("name", help=_("the new name"))
    _effective(p)
    p = actions.add_parser("merge", help=_("統合: the units close, their people continue in --into"))
    p.set_defaults(handler=cmd_org_merge)
    p.add_argument("units", nargs="+", metavar="UNIT")
    p.add_argument("--into", required=True, metavar="UNIT")
    _effective(p)
    p = actions.add_parser("split", help=_("分割: the unit closes, the new units open beside it"))
    p.set_defaults(handler=cmd_org_split)
    p.add_argument("unit")
    p.add_argument("--into", nargs="+", required=True, metavar="NAME", help=_("the new names (at least two)"))
    p.add_argument("--place", action="append", metavar="STAFF_NO=NAME",
                   help=_("who goes to which new unit (repeatable; the others go to the first)"))
    _effective(p)
    p = actions.add_parser("abolish", help=_("廃止: only a unit without staff or sub-units"))
    p.set_defaults(handler=cmd_org_abolish)
    p.add_argument("unit")
    _effective(p)
