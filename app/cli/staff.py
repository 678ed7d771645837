"""CLI commands for one person at a time: `staff add|edit|history` (the staff screen's 追加・編集・履歴)."""

from __future__ import annotations

import argparse
from datetime import date

from app.staff import directory as staff_service
from app.staff import edit
from app.cli.support import EXIT_OK, add_json, print_json, opened
from app.staff.lookup import position_id, staff_id, unit_id
from app.i18n import _
from app.wareki import parse_date


def _optional_day(text: str | None) -> date | None:
    return parse_date(text) if text else None


def cmd_staff_add(args: argparse.Namespace) -> int:
    with opened(args) as db:
        data = edit.PersonInput(args.staff_no, args.family_name, args.given_name, args.family_reading,
                                      args.given_reading, _optional_day(args.hire_date), unit_id(db, args.section),
                                      position_id(db, args.position))
        edit.create_person(db, data, args.user, on=_optional_day(args.date))
    print(_("Added {name} ({no}).").format(name=f"{args.family_name} {args.given_name}", no=args.staff_no))
    return EXIT_OK


def cmd_staff_edit(args: argparse.Namespace) -> int:
    """Only the fields given change; a new section or position is a transfer from --date (default today)."""
    with opened(args) as db:
        person_id = staff_id(db, args.staff_no)
        row, seat = edit.person(db, args.user, person_id)
        hire = row["hire_date"] and date.fromisoformat(row["hire_date"])
        data = edit.PersonInput(
            args.new_staff_no or row["staff_no"], args.family_name or row["family_name"],
            args.given_name or row["given_name"], args.family_reading or row["family_reading"],
            args.given_reading or row["given_reading"], _optional_day(args.hire_date) or hire or None,
            unit_id(db, args.section) if args.section else (seat or {}).get("unit_id"),
            None if args.no_position else position_id(db, args.position) if args.position
            else (seat or {}).get("position_id"))
        edit.update_person(db, person_id, data, args.user, transfer_on=_optional_day(args.date))
    print(_("Saved {no}.").format(no=data.staff_no))
    return EXIT_OK


def cmd_staff_history(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = staff_service.staff_history(db, args.user, staff_id(db, args.staff_no))
    if args.json:
        print_json([{"from": r["valid_from"], "to": r["valid_to"], "primary": bool(r["is_primary"]),
                     "department": r["department"], "section": r["section"], "position": r["position"]} for r in rows])
        return EXIT_OK
    for r in rows:
        print(f"{r['valid_from']}\t{r['valid_to'] or ''}\t{r['department']}\t{r['section']}\t{r['position'] or ''}")
    return EXIT_OK


def _person_fields(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--family-name", required=required, help=_("family name (姓)"))
    p.add_argument("--given-name", required=required, help=_("given name (名)"))
    p.add_argument("--family-reading", required=required, help=_("reading of the family name, in kana"))
    p.add_argument("--given-reading", required=required, help=_("reading of the given name, in kana"))
    p.add_argument("--hire-date", metavar="DATE", help=_("hire date (令和 dates accepted)"))
    p.add_argument("--section", required=required, help=_("affiliation, by name or unit code"))
    p.add_argument("--position", help=_("position, e.g. 主事"))
    p.add_argument("--date", metavar="DATE",
                   help=_("a new affiliation or position applies from this date (default today)"))


def register(staff_sub) -> None:
    """Add add/edit/history to the `staff` command group made in app.cli.main."""
    p = staff_sub.add_parser("add", help=_("add one person with their affiliation"))
    p.set_defaults(handler=cmd_staff_add)
    p.add_argument("staff_no", metavar="STAFF_NO")
    _person_fields(p, required=True)
    p = staff_sub.add_parser("edit", help=_("correct a person's data, or transfer them (only the fields given change)"))
    p.set_defaults(handler=cmd_staff_edit)
    p.add_argument("staff_no", metavar="STAFF_NO")
    p.add_argument("--new-staff-no", help=_("a corrected staff number"))
    _person_fields(p, required=False)
    p.add_argument("--no-position", action="store_true", help=_("no position"))
    p = staff_sub.add_parser("history", help=_("a person's affiliations and positions over time"))
    p.set_defaults(handler=cmd_staff_history)
    p.add_argument("staff_no", metavar="STAFF_NO")
    add_json(p)
