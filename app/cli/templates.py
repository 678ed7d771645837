"""CLI commands for evaluation templates (設定 → 評価テンプレート): `templates list|export|import`.

Revising or copying a template without the screen is export, edit the JSON (a new "family" makes a new
template), import: checked field by field and saved as the next version, as the template editor saves.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.evaluation import rubrics
from app.evaluation import template_files
from app.cli.support import EXIT_OK, add_json, print_json, opened
from app.i18n import _


def cmd_templates_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = rubrics.list_templates(db)
    if args.json:
        print_json(rows)
        return EXIT_OK
    for r in rows:
        mark = "*" if r["latest"] else " "
        print(f"{mark} {r['id']}\t{r['family']}\tv{r['version']}\t{r['name']}\t{rubrics.aggregation_label(r['aggregation'])}\t"
              + _("{n} projects").format(n=r["projects"]))
    return EXIT_OK


def cmd_templates_export(args: argparse.Namespace) -> int:
    with opened(args) as db:
        template_files.export_template(db, args.user, args.template, args.out)
    print(_("Wrote the template {id} to {path}.").format(id=args.template, path=args.out))
    return EXIT_OK


def cmd_templates_import(args: argparse.Namespace) -> int:
    with opened(args) as db:
        template_id = template_files.import_template(db, args.user, args.file)
        spec = rubrics.load_template(db, template_id)
    print(_("Loaded the template {name} as version {version} (id {id}).").format(
        name=spec.name, version=spec.version, id=template_id))
    return EXIT_OK


def register(sub) -> None:
    group = sub.add_parser("templates", help=_("evaluation templates (perspectives, criteria, scales)"))
    actions = group.add_subparsers(dest="templates_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", help=_("every template version (* = used for new projects)"))
    p.set_defaults(handler=cmd_templates_list)
    add_json(p)
    p = actions.add_parser("export", help=_("write a template to a JSON file"))
    p.set_defaults(handler=cmd_templates_export)
    p.add_argument("template", type=int, metavar="ID")
    p.add_argument("out", type=Path, metavar="FILE.json")
    p = actions.add_parser("import", help=_("load a template from a JSON file (checked; saved as a new version)"))
    p.set_defaults(handler=cmd_templates_import)
    p.add_argument("file", type=Path, metavar="FILE.json")
