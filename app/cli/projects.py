"""CLI commands for projects and evaluation results (`projects ...`, `evaluations ...`).

Like the rest of the CLI they act as the administrator on a local file, or as the account given with --as.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from app.evaluation import projects
from app.cli.support import json_refusal, opened
from app.staff import lookup
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, allowed

EXIT_OK, EXIT_REFUSED = 0, 1

Handler = Callable[[argparse.Namespace], int]


def _section_id(db, text: str | None) -> int | None:
    """A section given by code or by name (「デジタル戦略課」 or 「企画部 デジタル戦略課」)."""
    return lookup.unit_in_force_id(db, text) if text else None


def cmd_projects_list(args: argparse.Namespace) -> int:
    from app.wareki import format_fiscal_year

    with opened(args) as db:
        rows = projects.list_projects(db, args.user, args.year)
        if args.json:  # each project's outcome figures, the town's own fields by name (issue 16)
            from app.reporting.outcomes import project_outcomes

            figures = project_outcomes(db, args.user)
            for row in rows:
                row["outcomes"] = figures.get(row["id"], {})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for r in rows:
        status, realisation = projects.STATUSES[r["status"]], projects.REALISATION.get(r["realisation"])
        print("\t".join(str(v) for v in (
            r["id"], format_fiscal_year(r["fiscal_year"]), r["name"], r["theme"], r["owner_unit"],
            _(status), _(realisation) if realisation else "-",
            _("{members} members, {submitted}/{assignments} ratings submitted").format(**r))))
    return EXIT_OK


def cmd_projects_add(args: argparse.Namespace) -> int:
    with opened(args) as db:
        project_id = projects.create_project(db, projects.ProjectInput(
            name=args.name, fiscal_year=args.year, theme=args.theme or "",
            owner_unit_id=_section_id(db, args.section), status=args.status), args.user)
    print(_("Created the project {name} (id {id}).").format(name=args.name, id=project_id))
    return EXIT_OK


def cmd_projects_import(args: argparse.Namespace) -> int:
    with opened(args) as db:
        try:
            preview = projects.preview_member_import(db, args.user, args.project, args.file)
        except UserError as exc:
            if args.json:
                return json_refusal(args.file, exc)
            raise
        if not preview.errors and not args.dry_run:
            projects.commit_member_import(db, args.project, preview, args.user)
    if args.json:
        print(json.dumps({"file": str(args.file), "added": len(preview.to_add), "role_changes": len(preview.role_changes),
                          "unchanged": preview.unchanged, "errors": preview.errors,
                          "written": not preview.errors and not args.dry_run}, ensure_ascii=False, indent=2))
        for error in preview.errors:  # the same messages as without --json, for whoever reads stderr
            print(error, file=sys.stderr)
    else:
        print(_("{file}: add {added}, change role {roles}, unchanged {unchanged}").format(
            file=args.file.name, added=len(preview.to_add), roles=len(preview.role_changes), unchanged=preview.unchanged))
        for error in preview.errors:
            print(error, file=sys.stderr)
        if preview.errors:
            print(_("Nothing was written: correct the errors and import again."), file=sys.stderr)
        elif args.dry_run:
            print(_("Dry run: nothing was written."))
    return EXIT_REFUSED if preview.errors else EXIT_OK


def cmd_evaluations_summary(args: argparse.Namespace) -> int:
    """Per member and perspective the combined rating, as the acting user may see it.

    The administrator gets exact figures, rater counts and the spread; a viewer the published
    figures only (evaluation_summary's publication rule); an evaluator is refused by the service.
    """
    from app.evaluation import summary
    from app.evaluation import rubrics

    user = args.user
    with opened(args) as db:
        rows = summary.summary(db, user, args.project)  # first: its refusal names the results
        project = projects.project(db, args.project)
        template = rubrics.load_template(db, project["template_id"])
        names = {m["staff_id"]: (m["name"], m["staff_no"]) for m in projects.members(db, args.user, args.project)}
        # 最低・最高・ばらつき come from the single ratings: the administrator's only
        spreads = {(s.target_staff_id, s.perspective_id): s
                   for s in summary.member_spread(db, args.user, args.project)} \
            if allowed(args.user, Action.RATINGS_INDIVIDUAL) else {}
    if args.json:
        print(json.dumps({"project": {"id": project["id"], "name": project["name"]},
                          "aggregation": template.aggregation,
                          "rows": [_summary_fields(r, names, spreads, user.is_admin) for r in rows]},
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    print(_("{project} — {rule} of the raters' ratings, shown from the minimum number of raters").format(
        project=project["name"], rule=_(rubrics.AGGREGATIONS[template.aggregation])))
    for r in rows:
        name, staff_no = names.get(r.target_staff_id, ("?", ""))
        line = f"{staff_no}\t{name}\t{r.perspective}\t{r.display}"
        if user.is_admin:
            line += "\t" + _("{n}/{min} raters").format(n=r.raters, min=r.min_raters) + "\t" + _(
                "viewers see: {value}").format(value=r.public_display)
        print(line)
    return EXIT_OK


def _summary_fields(row, names: dict, spreads: dict, admin: bool) -> dict:
    """One JSON row: the administrator's carries raters, spread and what viewers see; a viewer's only the figure."""
    fields = {"staff_no": names.get(row.target_staff_id, ("", ""))[1],
              "name": names.get(row.target_staff_id, ("?", ""))[0],
              "perspective": row.perspective_code, "perspective_name": row.perspective,
              "min_raters": row.min_raters, "value": row.value, "complete": row.complete}
    if admin:
        fields.update(raters=row.raters, public_value=row.public_value,
                      **_spread_fields(spreads.get((row.target_staff_id, row.perspective_id))))
    return fields


def _spread_fields(spread) -> dict:
    """最低・最高・ばらつき as the administrator sees them on 集計結果; null below the minimum of raters."""
    return {"lowest": spread.lowest if spread else None, "highest": spread.highest if spread else None,
            "spread": spread.spread if spread else None}


def cmd_evaluations_suggest(args: argparse.Namespace) -> int:
    """Who the rules suggest should rate whom, with what they could not find; --apply creates them."""
    from datetime import date

    from app.evaluation import ratings
    from app.evaluation import rubrics
    from app.wareki import parse_date

    on = parse_date(args.date) if args.date else date.today()
    with opened(args) as db:
        found = ratings.suggest(db, args.user, args.project, on)
        names = {m["staff_id"]: m["name"] for m in projects.members(db, args.user, args.project)}
        evaluators = {p.evaluator.key: ratings.evaluator_name(db, p.evaluator) for p in found.proposals}
        template = rubrics.load_template(db, projects.project(db, args.project)["template_id"])
        perspectives = {p.id: p.name for p in template.perspectives}
        applied = ratings.apply_suggestions(db, args.project, args.user, found.proposals, on) \
            if args.apply and found.proposals else 0
    if args.json:
        print(json.dumps({"proposals": [{"member": names.get(p.target_staff_id, "?"),
                                         "perspective": perspectives.get(p.perspective_id, "?"),
                                         "evaluator": evaluators[p.evaluator.key], "kind": p.kind}
                                        for p in found.proposals],
                          "notes": found.notes, "applied": applied}, ensure_ascii=False, indent=2))
    else:
        for p in found.proposals:
            print(f"{names.get(p.target_staff_id, '?')}\t{perspectives.get(p.perspective_id, '?')}\t"
                  f"{evaluators[p.evaluator.key]}")
        print(_("{n} assignments suggested.").format(n=len(found.proposals)))
        if applied:
            print(_("Created {n} assignments.").format(n=applied))
    for note in found.notes:
        print(_("Note: {text}").format(text=note), file=sys.stderr)
    return EXIT_OK


def register(sub, add: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    """Add the `projects` and `evaluations` command groups to the CLI parser."""
    group = sub.add_parser("projects", help=_("BPR projects and their members"))
    actions = group.add_subparsers(dest="projects_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", help=_("list projects, newest fiscal year first"))
    p.set_defaults(handler=cmd_projects_list)
    p.add_argument("--year", type=int, help=_("only this fiscal year (e.g. 2025 for 令和7年度)"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = actions.add_parser("add", help=_("create a project"))
    p.set_defaults(handler=cmd_projects_add)
    p.add_argument("name")
    p.add_argument("--year", type=int, required=True, help=_("fiscal year (e.g. 2025 for 令和7年度)"))
    p.add_argument("--theme")
    p.add_argument("--section", help=_("owning section, by name or unit code"))
    p.add_argument("--status", choices=list(projects.STATUSES), default="planned")
    p = actions.add_parser("import", help=_("add members from CSV or .xlsx (職員番号, 役割; all or nothing)"))
    p.set_defaults(handler=cmd_projects_import)
    p.add_argument("project", type=int, help=_("project id"))
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help=_("check and show the changes without writing"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    from app.cli import project_details
    from app.cli import project_people

    project_details.register(actions)
    project_people.register(actions)

    group = sub.add_parser("evaluations", help=_("evaluation results"))
    actions = group.add_subparsers(dest="evaluations_command", required=True, metavar="ACTION")
    p = actions.add_parser("suggest", help=_("evaluators the rules suggest for a project, with what they cannot find"))
    p.set_defaults(handler=cmd_evaluations_suggest)
    p.add_argument("--project", type=int, required=True, help=_("project id"))
    p.add_argument("--date", help=_("as of this date (default today; 令和 dates accepted)"))
    p.add_argument("--apply", action="store_true", help=_("create the suggested assignments"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = actions.add_parser("summary", help=_("combined rating per member and perspective"))
    p.set_defaults(handler=cmd_evaluations_summary)
    p.add_argument("--project", type=int, required=True, help=_("project id"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
