"""CLI commands for the skill map (スキル screen): `skills catalogue …`, `skills list|add|import|sheets|derive`.

`skills import` takes either a list of people's skills (CSV/xlsx: 職員番号, 項目, レベル, 評価日, 出所, 備考) or
returned self-assessment sheets (recognised by their signed hidden sheet); each file all or nothing.
Lane 5's `skills map` and `skills demand` join this group through their own module's register function.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from app.cli.support import EXIT_OK, EXIT_REFUSED, add_json, day, opened, print_json
from app.errors import UserError
from app.i18n import _
from app.skills import catalogue_files, catalogues, importer, presets, records, self_assessment
from app.staff import lookup


def _catalogue(db, family: str | None) -> catalogues.CatalogueSpec:
    spec = catalogues.current(db, family)
    if spec is None:
        raise UserError(_("There is no skill catalogue yet; install one first (skills catalogue install dss-p|dss-l|"
                          "tokyo|blank)."))
    return spec


def cmd_catalogue_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = catalogues.list_catalogues(db)
    if args.json:
        print_json(rows)
        return EXIT_OK
    if not rows:
        print(_("No skill catalogue yet."))
    for r in rows:
        print(f"{'*' if r['latest'] else ' '} {r['id']}\t{r['family']}\tv{r['version']}\t{r['name']}\t"
              + _("{items} items, {roles} roles").format(items=r["items"], roles=r["roles"]))
    return EXIT_OK


def cmd_catalogue_install(args: argparse.Namespace) -> int:
    with opened(args) as db:
        catalogue_id = presets.install_preset(db, args.preset, args.user)
        spec = catalogues.load_catalogue(db, catalogue_id)
    print(_("The skill catalogue {name} is installed (version {version}, id {id}).").format(
        name=spec.name, version=spec.version, id=catalogue_id))
    return EXIT_OK


def cmd_catalogue_show(args: argparse.Namespace) -> int:
    with opened(args) as db:
        spec = _catalogue(db, args.catalogue)
    if args.json:
        print_json(catalogue_files.to_dict(spec) | {"id": spec.id, "version": spec.version})
        return EXIT_OK
    print(f"{spec.name} ({spec.family} v{spec.version})")
    if spec.note:
        print(spec.note)
    print(_("Levels:"))
    for level in spec.levels:
        print(f"  {level.level} {level.name}: {level.description}")
    names = {c.code: c.name for c in spec.categories}
    for item in spec.items:
        print(f"  {item.code}\t{names.get(item.category, '')}\t{item.name}")
    for role in spec.roles:
        print(f"  [{role.type_name}] {role.code}\t{role.name}")
    return EXIT_OK


def cmd_catalogue_export(args: argparse.Namespace) -> int:
    with opened(args) as db:
        spec = _catalogue(db, args.catalogue)
        catalogue_files.export_catalogue(db, args.user, spec.id, args.out)
    print(_("Wrote the skill catalogue {name} to {path}.").format(name=spec.name, path=args.out))
    return EXIT_OK


def cmd_catalogue_import(args: argparse.Namespace) -> int:
    with opened(args) as db:
        catalogue_id = catalogue_files.import_catalogue(db, args.user, args.file)
        spec = catalogues.load_catalogue(db, catalogue_id)
    print(_("Loaded the skill catalogue {name} as version {version} (id {id}).").format(
        name=spec.name, version=spec.version, id=catalogue_id))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    on = day(args.date)
    with opened(args) as db:
        spec = _catalogue(db, args.catalogue)
        staff_id = lookup.staff_id(db, args.staff) if args.staff else None
        rows = records.people_skills(db, args.user, spec.family, on, staff_id=staff_id, item_code=args.item)
    if args.json:
        print_json(rows)
        return EXIT_OK
    if not rows:
        print(_("No skills are recorded yet."))
    for r in rows:
        print(f"{r['staff_no']}\t{r['name']}\t{r['section']}\t{r['item']}\t{r['level']} {r['level_name']}\t"
              f"{r['assessed_on']}\t{r['source_label']}")
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    on = day(args.date)
    with opened(args) as db:
        spec = _catalogue(db, args.catalogue)
        entry = records.SkillEntry(lookup.staff_id(db, args.staff_no), args.item, args.level, on, args.source,
                                   args.note or "")
        records.record_skills(db, args.user, spec.family, [entry], origin="cli")
    print(_("Recorded level {level} of {item} for {staff_no}.").format(level=args.level, item=args.item,
                                                                       staff_no=args.staff_no))
    return EXIT_OK


def _import_one(db, args: argparse.Namespace, path: Path, today: date) -> dict:
    try:
        if self_assessment.is_self_assessment_sheet(path):
            preview = self_assessment.preview_sheet(db, args.user, path, today)
            commit = self_assessment.commit_sheet
        else:
            preview = importer.preview_file(db, args.user, path, today, args.catalogue, args.encoding)
            commit = importer.commit
    except UserError as exc:
        return {"file": str(path), "ok": False, "records": 0, "errors": [str(exc)], "imported": False}
    report = preview.summary()
    report["imported"] = False
    if preview.ok and not args.dry_run:
        try:
            commit(db, args.user, preview)
            report["imported"] = True
        except UserError as exc:
            report["ok"], report["errors"] = False, [str(exc)]
    return report


def cmd_import(args: argparse.Namespace) -> int:
    today = date.today()
    with opened(args) as db:
        reports = [_import_one(db, args, Path(path), today) for path in args.files]
    if args.json:
        print_json(reports)
    for report in reports:
        name = Path(report["file"]).name
        if report["ok"] and not args.json:
            state = _("checked, nothing written (dry run)") if args.dry_run else _("imported")
            print(_("{file}: {records} records, {state}.").format(file=name, records=report["records"], state=state))
        for error in report["errors"]:
            print(error, file=sys.stderr)
    if any(not r["ok"] for r in reports):
        print(_("Nothing was written from a file with errors: correct them and import it again."), file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def cmd_sheets(args: argparse.Namespace) -> int:
    with opened(args) as db:
        if args.all:
            staff_ids = [row.id for row in _in_service(db, args.user)]
        else:
            staff_ids = [lookup.staff_id(db, number) for number in args.staff]
        written = self_assessment.export_sheets(db, args.user, staff_ids, args.out, date.today(), args.catalogue)
    print(_("Wrote {n} self-assessment sheets to {path}.").format(n=len(written), path=args.out))
    return EXIT_OK


def _in_service(db, user):
    from app.staff import directory

    return [row for row in directory.load_directory(db, user, date.today()) if row.status in ("active", "leave")]


def cmd_derive(args: argparse.Namespace) -> int:
    with opened(args) as db:
        spec = _catalogue(db, args.catalogue)
        written = records.derive(db, args.user, spec.family, day(args.date))
    print(_("Recorded {n} skills derived from qualifications and training.").format(n=written))
    return EXIT_OK


def _register_catalogue(actions) -> None:
    group = actions.add_parser("catalogue", help=_("skill catalogues (levels, items, roles)"))
    sub = group.add_subparsers(dest="catalogue_command", required=True, metavar="ACTION")
    p = sub.add_parser("list", help=_("every catalogue version (* = in use)"))
    p.set_defaults(handler=cmd_catalogue_list)
    add_json(p)
    p = sub.add_parser("install", help=_("install a preset catalogue"))
    p.set_defaults(handler=cmd_catalogue_install)
    p.add_argument("preset", choices=list(presets.PRESETS))
    p = sub.add_parser("show", help=_("levels, items and roles of a catalogue"))
    p.set_defaults(handler=cmd_catalogue_show)
    p.add_argument("catalogue", nargs="?", metavar="FAMILY")
    add_json(p)
    p = sub.add_parser("export", help=_("write a catalogue to a JSON file"))
    p.set_defaults(handler=cmd_catalogue_export)
    p.add_argument("out", type=Path, metavar="FILE.json")
    p.add_argument("--catalogue", metavar="FAMILY")
    p = sub.add_parser("import", help=_("load a catalogue from a JSON file (checked; saved as a new version)"))
    p.set_defaults(handler=cmd_catalogue_import)
    p.add_argument("file", type=Path, metavar="FILE.json")


def register(sub) -> None:
    group = sub.add_parser("skills", help=_("the skill map: catalogues and people's skills"))
    actions = group.add_subparsers(dest="skills_command", required=True, metavar="ACTION")
    _register_catalogue(actions)
    p = actions.add_parser("list", help=_("current skill levels of the staff"))
    p.set_defaults(handler=cmd_list)
    for option, meta in (("--catalogue", "FAMILY"), ("--staff", "NO"), ("--item", "CODE"), ("--date", "DATE")):
        p.add_argument(option, metavar=meta)
    add_json(p)
    p = actions.add_parser("add", help=_("record one person's level of a skill item"))
    p.set_defaults(handler=cmd_add)
    p.add_argument("staff_no", metavar="NO")
    p.add_argument("item", metavar="ITEM")
    p.add_argument("level", type=int, metavar="LEVEL")
    p.add_argument("--source", choices=list(records.SOURCES), default="confirmed")
    for option, meta in (("--date", "DATE"), ("--note", "TEXT"), ("--catalogue", "FAMILY")):
        p.add_argument(option, metavar=meta)
    p = actions.add_parser("import", help=_("import people's skills from a list or returned self-assessment sheets"))
    p.set_defaults(handler=cmd_import)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--catalogue", metavar="FAMILY")
    p.add_argument("--encoding", metavar="ENC")
    p.add_argument("--dry-run", action="store_true", help=_("check only; write nothing"))
    add_json(p)
    p = actions.add_parser("sheets", help=_("write self-assessment sheets (one Excel workbook per person)"))
    p.set_defaults(handler=cmd_sheets)
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--staff", nargs="+", metavar="NO")
    who.add_argument("--all", action="store_true", help=_("everyone in service"))
    p.add_argument("--catalogue", metavar="FAMILY")
    p = actions.add_parser("derive", help=_("record skills from qualifications held and training attended"))
    p.set_defaults(handler=cmd_derive)
    p.add_argument("--catalogue", metavar="FAMILY")
    p.add_argument("--date", metavar="DATE")
