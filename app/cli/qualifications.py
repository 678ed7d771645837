"""`qualifications …`: people's qualifications (list, expiring, import, add, edit, remove) and the catalogue.

What 研修・資格 → 資格 does, by command. Dates are typed as western or 和暦 (R7.4.1, 令和7年4月1日);
"today" is the machine's date, passed to the services, which never read the clock themselves.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from app.cli.support import EXIT_OK, EXIT_REFUSED, add_json, json_refusal, opened, print_json
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, require
from app.staff.lookup import staff_id
from app.tabular import not_listed
from app.training import qualification_import, qualifications
from app.wareki import parse_date


def _date(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise UserError(_("{option}: {problem}").format(option=option, problem=exc)) from None


def _row_text(row: dict) -> str:
    return "\t".join(str(row[k] or "") for k in ("id", "staff_no", "person", "qualification", "obtained_on",
                                                 "expires_on", "note"))


def cmd_list(args: argparse.Namespace) -> int:
    on = _date(args.date, "--date") or date.today()
    with opened(args) as db:
        person = staff_id(db, args.staff_no) if args.staff_no else None
        entry = qualifications.entry_id(db, args.qualification) if args.qualification else None
        rows = qualifications.records(db, args.user, staff_id=person, qualification_id=entry, query=args.query or "")
    for row in rows:
        row["status"] = qualifications.status(row, on)
    if args.json:
        print_json(rows)
        return EXIT_OK
    for row in rows:
        print(_row_text(row) + "\t" + _(qualifications.STATUS_LABELS[row["status"]]))
    print(_("{n} qualification records").format(n=len(rows)), file=sys.stderr)
    return EXIT_OK


def cmd_expiring(args: argparse.Namespace) -> int:
    on = _date(args.date, "--date") or date.today()
    with opened(args) as db:
        rows = qualifications.expiring(db, args.user, on, args.days)
    if args.json:
        print_json(rows)
        return EXIT_OK
    for row in rows:
        print(_row_text(row) + "\t" + _("{n} days left").format(n=row["days_left"]))
    if not rows:
        print(_("Nothing expires in the next {n} days.").format(n=args.days))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """CSV/xlsx of 職員番号, 資格, 取得日 [, 有効期限, 備考]: all or nothing."""
    require(args.user, Action.QUALIFICATIONS_EDIT)
    name, today = args.file.name, date.today()
    with opened(args) as db:
        try:
            preview = qualification_import.preview_file(db, args.user, args.file, today=today, encoding=args.encoding)
        except UserError as exc:
            if args.json:
                return json_refusal(args.file, exc)
            raise
        committed = None
        if not preview.errors and not args.dry_run:
            committed = qualification_import.commit(db, args.user, preview, today=today)
    summary = committed or {**preview.summary(), "imported": False}
    if args.json:
        print_json(summary)
    else:
        print(_("{file}: {rows} rows ({encoding})").format(file=name, rows=preview.rows, encoding=preview.encoding))
        if preview.unused_headers:
            print(_("Columns not used: {names}").format(names="、".join(preview.unused_headers)))
    for error in preview.errors:
        print(error.text(name), file=sys.stderr)
    if preview.errors_not_listed:
        print(not_listed(name, preview.errors_not_listed), file=sys.stderr)
    if preview.errors:
        if not args.json:
            print(_("Nothing was written: correct the errors and import again."), file=sys.stderr)
        return EXIT_REFUSED
    if not args.json:
        if args.dry_run:
            print(_("{n} staff qualifications can be imported.").format(n=len(preview.records)))
            print(_("Dry run: nothing was written."))
        else:
            print(qualification_import.result_message(summary))
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    obtained = _date(args.obtained, "--obtained")
    with opened(args) as db:
        new_id = qualifications.add_record(
            db, args.user, staff_id(db, args.staff_no), qualifications.entry_id(db, args.qualification), obtained,
            today=date.today(), expires_on=_date(args.expires, "--expires"), note=args.note or "")
        added = qualifications.record(db, args.user, new_id)
    print(_("Entered {qualification} for {name} (record {id}, expires {expires}).").format(
        qualification=added["qualification"], name=added["person"], id=new_id,
        expires=added["expires_on"] or _("never")))
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    with opened(args) as db:
        current = qualifications.record(db, args.user, args.id)
        obtained = _date(args.obtained, "--obtained") or date.fromisoformat(current["obtained_on"])
        expires = None if args.no_expiry else (_date(args.expires, "--expires") or (
            date.fromisoformat(current["expires_on"]) if current["expires_on"] else None))
        note = current["note"] if args.note is None else args.note
        qualifications.edit_record(db, args.user, args.id, obtained, expires, note, today=date.today())
    print(_("Corrected qualification record {id}.").format(id=args.id))
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    with opened(args) as db:
        qualifications.remove_record(db, args.user, args.id)
    print(_("Removed qualification record {id}.").format(id=args.id))
    return EXIT_OK


def cmd_catalogue_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = qualifications.catalogue(db, args.user)
    if args.json:
        print_json(rows)
        return EXIT_OK
    for row in rows:
        validity = _("{n} years").format(n=row["validity_years"]) if row["validity_years"] else _("does not expire")
        print("\t".join([row["name"], row["category"], validity, _("retired") if row["retired"] else "",
                         _("{n} records").format(n=row["holders"])]))
    return EXIT_OK


def cmd_catalogue_add(args: argparse.Namespace) -> int:
    with opened(args) as db:
        qualifications.add_entry(db, args.user, args.name, args.category or "", args.validity_years)
    print(_("Added 「{name}」 to the qualification catalogue.").format(name=args.name))
    return EXIT_OK


def cmd_catalogue_edit(args: argparse.Namespace) -> int:
    with opened(args) as db:
        entry = next(r for r in qualifications.catalogue(db, args.user)
                     if r["id"] == qualifications.entry_id(db, args.name))
        validity = None if args.no_validity else (args.validity_years or entry["validity_years"])
        qualifications.edit_entry(db, args.user, entry["id"], args.new_name or entry["name"],
                                  entry["category"] if args.category is None else args.category, validity)
    print(_("Changed 「{name}」 in the qualification catalogue.").format(name=args.new_name or entry["name"]))
    return EXIT_OK


def cmd_catalogue_retire(args: argparse.Namespace) -> int:
    with opened(args) as db:
        qualifications.set_retired(db, args.user, qualifications.entry_id(db, args.name), not args.restore)
    print((_("「{name}」 is offered again for new records.") if args.restore else
           _("「{name}」 is retired: no longer offered for new records.")).format(name=args.name))
    return EXIT_OK


def register(sub) -> None:
    """The `qualifications` group of app.cli.main."""
    group = sub.add_parser("qualifications", help=_("staff qualifications and the qualification catalogue"))
    actions = group.add_subparsers(dest="qualifications_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", help=_("people's qualifications (with their status on the day)"))
    p.set_defaults(handler=cmd_list)
    p.add_argument("--staff-no", help=_("only this person"))
    p.add_argument("--qualification", help=_("only this qualification (its name in the catalogue)"))
    p.add_argument("--query", help=_("part of a name, reading, staff no. or qualification"))
    p.add_argument("--date", help=_("status as of this date (default today)"))
    add_json(p)
    p = actions.add_parser("expiring", help=_("what expires in the next 90 days (people in service)"))
    p.set_defaults(handler=cmd_expiring)
    p.add_argument("--date", help=_("from this date (default today)"))
    p.add_argument("--days", type=int, default=qualifications.EXPIRING_DAYS, help=_("how many days ahead (default 90)"))
    add_json(p)
    p = actions.add_parser("import", help=_("import staff qualifications from CSV or .xlsx (all or nothing)"),
                           description=_("import staff qualifications from CSV or .xlsx (all or nothing): 職員番号, "
                                         "資格, 取得日, and optionally 有効期限 and 備考"))
    p.set_defaults(handler=cmd_import)
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help=_("check and show the changes without writing"))
    p.add_argument("--encoding", help=_("file encoding (default: detected), e.g. cp932, utf-8-sig"))
    add_json(p)
    _register_records(actions)
    _register_catalogue(actions)


def _register_records(actions) -> None:
    p = actions.add_parser("add", help=_("enter a qualification a person obtained"))
    p.set_defaults(handler=cmd_add)
    p.add_argument("staff_no", metavar="STAFF_NO")
    p.add_argument("qualification", metavar="QUALIFICATION")
    p.add_argument("--obtained", required=True, help=_("the day it was obtained"))
    p.add_argument("--expires", help=_("the last day it is valid (default: from the catalogue's validity)"))
    p.add_argument("--note", help=_("evidence note (certificate or registration number …)"))
    p = actions.add_parser("edit", help=_("correct a qualification record (its id from list)"))
    p.set_defaults(handler=cmd_edit)
    p.add_argument("id", type=int)
    p.add_argument("--obtained")
    expiry = p.add_mutually_exclusive_group()
    expiry.add_argument("--expires")
    expiry.add_argument("--no-expiry", action="store_true", help=_("it does not expire"))
    p.add_argument("--note")
    p = actions.add_parser("remove", help=_("remove a qualification record entered by mistake"))
    p.set_defaults(handler=cmd_remove)
    p.add_argument("id", type=int)


def _register_catalogue(actions) -> None:
    group = actions.add_parser("catalogue", help=_("the qualification catalogue"))
    catalogue = group.add_subparsers(dest="catalogue_command", required=True, metavar="ACTION")
    p = catalogue.add_parser("list", help=_("the catalogue in its order"))
    p.set_defaults(handler=cmd_catalogue_list)
    add_json(p)
    p = catalogue.add_parser("add", help=_("add a qualification to the catalogue"))
    p.set_defaults(handler=cmd_catalogue_add)
    p.add_argument("name")
    p.add_argument("--category")
    p.add_argument("--validity-years", type=int, help=_("years it is valid (default: it does not expire)"))
    p = catalogue.add_parser("edit", help=_("rename a qualification or change its category or validity"))
    p.set_defaults(handler=cmd_catalogue_edit)
    p.add_argument("name")
    p.add_argument("--new-name", dest="new_name")
    p.add_argument("--category")
    validity = p.add_mutually_exclusive_group()
    validity.add_argument("--validity-years", type=int)
    validity.add_argument("--no-validity", action="store_true", help=_("it does not expire"))
    p = catalogue.add_parser("retire", help=_("no longer offer a qualification for new records"))
    p.set_defaults(handler=cmd_catalogue_retire)
    p.add_argument("name")
    p.add_argument("--restore", action="store_true", help=_("offer it again"))
