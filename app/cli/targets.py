"""CLI commands for targets, designations and coverage (issue 16): `targets set|list|remove|progress`,
`coverage`, `designations add|list|remove|roles|role-add`.

Fiscal years are typed as 2026, 2026年度 or 令和8年度; a year is measured on its last day once it is
over and on --date (default today) while it runs, as the 目標・配置 screen does.
"""

from __future__ import annotations

import argparse
from datetime import date

from app.cli.support import EXIT_OK, add_json, day, opened, print_json
from app.errors import UserError
from app.i18n import _
from app.staff.lookup import staff_id, unit_id
from app.targets import coverage, designations, progress, targets
from app.wareki import fiscal_year, format_fiscal_year, parse_fiscal_year


def fiscal_year_option(text: str | None, today: date) -> int:
    """--year as typed (2026, 2026年度, 令和8年度); this fiscal year when none is given."""
    if not text:
        return fiscal_year(today)
    try:
        return int(text) if text.strip().isdigit() else parse_fiscal_year(text)
    except ValueError as exc:
        raise UserError(_("--year: {problem}").format(problem=exc)) from None


def _target_json(db, target: targets.Target) -> dict:
    return {"id": target.id, "fiscal_year": target.fiscal_year, "kind": target.kind, "value": target.value,
            "level_code": target.level_code, "unit_id": target.unit_id, "role_id": target.role_id,
            "counts": target.counts, "description": targets.describe(db, target), "note": target.note}


def cmd_targets_set(args: argparse.Namespace) -> int:
    today = day(args.date)
    with opened(args) as db:
        target = targets.Target(
            None, fiscal_year_option(args.fiscal_year, today), args.kind, args.value, args.level or None,
            unit_id(db, args.group) if args.group else None,
            designations.role_id(db, args.role) if args.role else None, args.counts, args.note or "")
        target_id = targets.set_target(db, args.user, target)
        text = targets.describe(db, targets.target_by_id(db, args.user, target_id))
    print(_("Target {id} set: {target} — {value:g}").format(id=target_id, target=text, value=args.value))
    return EXIT_OK


def cmd_targets_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        fy = fiscal_year_option(args.year, date.today()) if args.year else None
        found = targets.list_targets(db, args.user, fy)
        rows = [_target_json(db, t) for t in found]
    if args.json:
        print_json(rows)
        return EXIT_OK
    for row in rows:
        print(f"{row['id']}\t{row['description']}\t{row['value']:g}")
    if not rows:
        print(_("No targets are set."))
    return EXIT_OK


def cmd_targets_remove(args: argparse.Namespace) -> int:
    with opened(args) as db:
        text = targets.describe(db, targets.target_by_id(db, args.user, args.id))
        targets.remove_target(db, args.user, args.id)
    print(_("Removed the target {id}: {target}").format(id=args.id, target=text))
    return EXIT_OK


def _progress_json(db, item: progress.Progress) -> dict:
    return {**_target_json(db, item.target), "as_of": item.as_of.isoformat(), "actual": item.actual,
            "total": item.total, "gap": item.gap, "met": item.met,
            "trend": [{"fiscal_year": y.fiscal_year, "actual": y.actual, "target": y.target, "total": y.total}
                      for y in item.trend]}


def cmd_targets_progress(args: argparse.Namespace) -> int:
    today = day(args.date)
    with opened(args) as db:
        fy = fiscal_year_option(args.year, today) if args.year else None
        rows = [_progress_json(db, p) for p in progress.progress(db, args.user, today, fy)]
    if args.json:
        print_json(rows)
        return EXIT_OK
    for row in rows:
        reached = f"{row['actual']:g}" + (f" / {row['total']}" if row["total"] is not None else "")
        state = _("met") if row["met"] else _("gap {gap:g}").format(gap=row["gap"])
        trend = " → ".join(f"{format_fiscal_year(y['fiscal_year'])} {y['actual']:g}" for y in row["trend"])
        aim = _("aim {value:g}").format(value=row["value"])
        print(f"{row['id']}\t{row['description']}\t{aim}\t{reached}\t{state}\t{trend}")
    if not rows:
        print(_("No targets are set."))
    return EXIT_OK


def _people(people: list[coverage.Person]) -> list[dict]:
    return [{"staff_id": p.staff_id, "staff_no": p.staff_no, "name": p.name, "detail": p.detail,
             **({"basis": p.basis} if p.basis else {})} for p in people]


def coverage_json(report: coverage.CoverageReport) -> dict:
    sections = [{"unit_id": s.unit_id, "department": s.department, "section": s.section, "staff": s.staff,
                 "certified": _people(s.certified), "designated": _people(s.designated), "counted": s.counted,
                 "covered": s.covered, "nominees": _people(s.nominees)} for s in report.sections]
    rule = report.rule
    return {"fiscal_year": report.fiscal_year, "as_of": report.as_of.isoformat(),
            "rule": {"target_id": rule.id, "minimum": rule.value, "counts": rule.counts, "level_code": rule.level_code,
                     "role_id": rule.role_id},
            "covered": report.covered, "sections_total": len(report.sections), "sections": sections,
            "uncovered": [s for s in sections if not s["covered"]]}


def cmd_coverage(args: argparse.Namespace) -> int:
    today = day(args.date)
    with opened(args) as db:
        report = coverage.coverage(db, args.user, fiscal_year_option(args.year, today), today)
    if args.json:
        print_json(coverage_json(report))
        return EXIT_OK
    print(_("{year}: {covered} of {total} sections covered (as of {day})").format(
        year=format_fiscal_year(report.fiscal_year), covered=report.covered, total=len(report.sections),
        day=report.as_of.isoformat()))
    for s in report.sections:
        mark = "✓" if s.covered else "✗"
        named = {p.staff_id for p in s.designated}
        people = "、".join([p.name for p in s.designated] + [p.name for p in s.certified if p.staff_id not in named])
        line = f"{mark} {s.department} {s.section}\t{s.counted}\t{people}"
        if not s.covered and s.nominees:
            line += "\t" + _("could be named: {names}").format(
                names="、".join(f"{p.name}（{p.detail}）" for p in s.nominees))
        print(line)
    return EXIT_OK


def cmd_designations_add(args: argparse.Namespace) -> int:
    today = day(args.date)
    with opened(args) as db:
        fy = fiscal_year_option(args.year, today)
        new_id = designations.designate(db, args.user, staff_id(db, args.staff_no), unit_id(db, args.section),
                                        designations.role_id(db, args.role), fy, args.note or "")
    print(_("Designation {id}: {no} for {section}, {year}.").format(
        id=new_id, no=args.staff_no, section=args.section, year=format_fiscal_year(fy)))
    return EXIT_OK


def cmd_designations_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        fy = fiscal_year_option(args.year, date.today()) if args.year else None
        rows = designations.list_designations(db, args.user, fy)
    if args.json:
        print_json([r.__dict__ for r in rows])
        return EXIT_OK
    for r in rows:
        print(f"{r.id}\t{format_fiscal_year(r.fiscal_year)}\t{r.unit}\t{r.role}\t{r.staff_no}\t{r.name}")
    return EXIT_OK


def cmd_designations_remove(args: argparse.Namespace) -> int:
    with opened(args) as db:
        designations.remove(db, args.user, args.id)
    print(_("Removed the designation {id}.").format(id=args.id))
    return EXIT_OK


def cmd_designations_roles(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = designations.roles(db, include_retired=True)
    if args.json:
        print_json(rows)
        return EXIT_OK
    for r in rows:
        print(f"{r['id']}\t{r['name']}\t{r['description']}")
    return EXIT_OK


def cmd_designations_role_add(args: argparse.Namespace) -> int:
    with opened(args) as db:
        new_id = designations.add_role(db, args.user, args.name, args.description or "")
    print(_("Added the designation role {name} (id {id}).").format(name=args.name, id=new_id))
    return EXIT_OK


def _date(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", metavar="DATE", help=_("measure on this date (default today; 令和 dates accepted)"))


def _register_targets(sub) -> None:
    group = sub.add_parser("targets", help=_("targets per fiscal year and the progress against them"))
    actions = group.add_subparsers(dest="targets_command", required=True, metavar="ACTION")
    p = actions.add_parser("set", help=_("set a target (the same kind and measure of that year is replaced)"))
    p.set_defaults(handler=cmd_targets_set)
    p.add_argument("fiscal_year", metavar="FY", help=_("fiscal year, e.g. 2026 or 令和8年度"))
    p.add_argument("kind", choices=list(targets.KINDS))
    p.add_argument("value", type=float, help=_("people, %, people per section or hours, by kind"))
    p.add_argument("--level", metavar="CODE", help=_("the level counted (default: any level)"))
    p.add_argument("--group", metavar="UNIT", help=_("count only the staff of this department or section"))
    p.add_argument("--counts", choices=list(targets.COUNTS), default="either",
                   help=_("coverage: count the certified, the designated or either"))
    p.add_argument("--role", help=_("coverage: the designation role counted (default: any role)"))
    p.add_argument("--note")
    _date(p)
    p = actions.add_parser("list", help=_("the targets set"))
    p.set_defaults(handler=cmd_targets_list)
    p.add_argument("--year", metavar="FY")
    add_json(p)
    p = actions.add_parser("remove", help=_("remove a target"))
    p.set_defaults(handler=cmd_targets_remove)
    p.add_argument("id", type=int)
    p = actions.add_parser("progress", help=_("progress against each target: reached, gap, trend over fiscal years"))
    p.set_defaults(handler=cmd_targets_progress)
    p.add_argument("--year", metavar="FY")
    _date(p)
    add_json(p)


def _register_designations(sub) -> None:
    group = sub.add_parser("designations", help=_("people named DX推進リーダー (or another role) for a section and year"))
    actions = group.add_subparsers(dest="designations_command", required=True, metavar="ACTION")
    p = actions.add_parser("add", help=_("name a person to a role for a section and fiscal year"))
    p.set_defaults(handler=cmd_designations_add)
    p.add_argument("staff_no", metavar="STAFF_NO")
    p.add_argument("--section", required=True, metavar="UNIT")
    p.add_argument("--year", metavar="FY", help=_("fiscal year (default: this one)"))
    p.add_argument("--role", help=_("the role (default: the first, DX推進リーダー)"))
    p.add_argument("--note")
    _date(p)
    p = actions.add_parser("list", help=_("designations (of a fiscal year)"))
    p.set_defaults(handler=cmd_designations_list)
    p.add_argument("--year", metavar="FY")
    add_json(p)
    p = actions.add_parser("remove", help=_("remove a designation"))
    p.set_defaults(handler=cmd_designations_remove)
    p.add_argument("id", type=int)
    p = actions.add_parser("roles", help=_("the town's designation roles"))
    p.set_defaults(handler=cmd_designations_roles)
    add_json(p)
    p = actions.add_parser("role-add", help=_("add a designation role"))
    p.set_defaults(handler=cmd_designations_role_add)
    p.add_argument("name")
    p.add_argument("--description")


def register(sub) -> None:
    """`targets …`, `coverage`, `designations …`."""
    _register_targets(sub)
    p = sub.add_parser("coverage", help=_("sections with and without their certified or designated people"))
    p.set_defaults(handler=cmd_coverage)
    p.add_argument("--year", metavar="FY", help=_("fiscal year (default: this one)"))
    _date(p)
    add_json(p)
    _register_designations(sub)
