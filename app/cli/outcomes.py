"""CLI commands for project outcomes added up (issue 16 item 3), and the town's own outcome fields.

`outcomes summary [--year FY] [--json]` prints the sums per fiscal year (with the running total since the first
year), per department and per project, and the total; `outcomes chart --out FILE.(pdf|svg)` writes the
hours-saved chart the 成果の集計 view shows; `outcomes fields list|add|edit` and `outcomes set` keep the
town's fields and a project's values of them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.support import EXIT_OK, add_json, opened, print_json
from app.errors import UserError
from app.formatting import format_number
from app.i18n import _
from app.reporting import outcomes
from app.wareki import parse_fiscal_year


def _year(text: str | None) -> int | None:
    """2025, 2025年度, 令和7年度 or R7年度; None when not given."""
    if not text:
        return None
    if text.strip().isdigit():
        return int(text.strip())
    try:
        return parse_fiscal_year(text)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _figure(value: float | None) -> str:
    return "—" if value is None else format_number(value)


def _table(title: str, group: str, rows: list[outcomes.OutcomeRow], figures: list[outcomes.OutcomeField]) -> None:
    print(f"■ {title}")
    print("\t".join([group, _("Projects"), *(f"{f.label}（{f.unit}）" if f.unit else f.label for f in figures)]))
    for row in rows:
        print("\t".join([row.label, str(row.projects), *(_figure(row.values[f.key]) for f in figures)]))


def cmd_outcomes(args: argparse.Namespace) -> int:
    with opened(args) as db:
        result = outcomes.summary(db, args.user, _year(args.year))
    if args.json:
        print_json(outcomes.as_json(result))
        return EXIT_OK
    figures = result.fields
    _table(_("Per fiscal year (running total since the first year)"), _("Fiscal year"), result.cumulative, figures)
    _table(_("Per department"), _("Department"), result.by_department, figures)
    _table(_("Per project"), _("Project name"), result.by_project, figures)
    _table(_("Total since the start"), "", [result.total], figures)
    return EXIT_OK


def cmd_outcomes_chart(args: argparse.Namespace) -> int:
    from app.reporting import charts

    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".svg"):
        raise UserError(_("Write the chart to a .pdf or .svg file."))
    if args.out.exists():
        raise UserError(_("{file} already exists; choose another name.").format(file=args.out))
    with opened(args) as db:
        result = outcomes.summary(db, args.user)
    chart = charts.outcome_chart(result, args.figure, cumulative=args.cumulative)
    data = charts.to_pdf(chart) if suffix == ".pdf" else charts.to_svg(chart)
    args.out.write_bytes(data)
    print(_("Wrote the chart to {file}.").format(file=args.out))
    return EXIT_OK


def cmd_fields_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        found = outcomes.town_fields(db, include_retired=True)
    if args.json:
        print_json([{"id": f.field_id, "name": f.label, "unit": f.unit, "whole": f.whole, "retired": f.retired}
                    for f in found])
        return EXIT_OK
    for f in found:
        print("\t".join([str(f.field_id), f.label, f.unit, _("whole numbers") if f.whole else "",
                         _("retired") if f.retired else ""]))
    return EXIT_OK


def cmd_fields_add(args: argparse.Namespace) -> int:
    with opened(args) as db:
        field_id = outcomes.define_field(db, args.user, args.name, args.unit or "", args.whole)
    print(_("Added the outcome field {name} (id {id}).").format(name=args.name, id=field_id))
    return EXIT_OK


def cmd_fields_edit(args: argparse.Namespace) -> int:
    with opened(args) as db:
        found = outcomes.field_by_name(db, args.field)
        whole = found.whole if args.whole is None else args.whole
        retired = found.retired if args.retired is None else args.retired
        outcomes.edit_field(db, args.user, found.field_id, args.name if args.name is not None else found.label,
                            args.unit if args.unit is not None else found.unit, whole, retired)
    print(_("Saved the outcome field {name}.").format(name=args.name or found.label))
    return EXIT_OK


def cmd_outcomes_set(args: argparse.Namespace) -> int:
    """`outcomes set ID 削減コスト=1200 帳票=`: an empty value clears the project's figure."""
    with opened(args) as db:
        values: dict[int, float | None] = {}
        for pair in args.values:
            name, sep, text = pair.rpartition("=")  # a value has no "=", a field's name might
            if not sep:
                raise UserError(_("Write each figure as NAME=VALUE: {text}").format(text=pair))
            found = outcomes.field_by_name(db, name)
            values[found.field_id] = outcomes.parse_value(text, found.label, found.whole)
        outcomes.set_project_values(db, args.user, args.project, values)
    print(_("Saved the outcomes of project {id}.").format(id=args.project))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    """`outcomes …`: the sums, the chart, the town's fields and a project's values of them."""
    group = sub.add_parser("outcomes", help=_("project outcomes added up, their chart and the town's own fields"))
    actions = group.add_subparsers(dest="outcomes_command", required=True, metavar="ACTION")
    p = actions.add_parser("summary", help=_("project outcomes added up per year, department and project"))
    p.set_defaults(handler=cmd_outcomes)
    p.add_argument("--year", metavar="FY", help=_("limit the per-project and per-department lists to a fiscal "
                                                   "year (2025 or 令和7年度)"))
    add_json(p)
    p = actions.add_parser("chart", help=_("write the outcome chart per fiscal year as PDF or SVG"))
    p.set_defaults(handler=cmd_outcomes_chart)
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help=_("FILE.pdf or FILE.svg"))
    p.add_argument("--figure", default="hours_saved",
                   help=_("hours_saved, systems_built, procedures_online or field_ID (default hours_saved)"))
    p.add_argument("--cumulative", action="store_true", help=_("running totals since the first year"))
    p = actions.add_parser("set", help=_("set a project's values of the town's outcome fields (NAME=VALUE; "
                                         "an empty VALUE clears)"))
    p.set_defaults(handler=cmd_outcomes_set)
    p.add_argument("project", type=int, help=_("project id"))
    p.add_argument("values", nargs="+", metavar="NAME=VALUE")
    fields = actions.add_parser("fields", help=_("the town's own numeric outcome fields"))
    field_actions = fields.add_subparsers(dest="fields_command", required=True, metavar="ACTION")
    p = field_actions.add_parser("list", help=_("list the town's outcome fields"))
    p.set_defaults(handler=cmd_fields_list)
    add_json(p)
    p = field_actions.add_parser("add", help=_("add an outcome field"))
    p.set_defaults(handler=cmd_fields_add)
    p.add_argument("name")
    p.add_argument("--unit", help=_("unit shown after the figure, e.g. 千円"))
    p.add_argument("--whole", action="store_true", help=_("counted in whole numbers"))
    p = field_actions.add_parser("edit", help=_("rename, change the unit, retire or restore an outcome field"))
    p.set_defaults(handler=cmd_fields_edit)
    p.add_argument("field", help=_("the field's current name"))
    p.add_argument("--name")
    p.add_argument("--unit")
    p.add_argument("--whole", dest="whole", action="store_true", default=None)
    p.add_argument("--fractional", dest="whole", action="store_false")
    p.add_argument("--retire", dest="retired", action="store_true", default=None)
    p.add_argument("--restore", dest="retired", action="store_false")
