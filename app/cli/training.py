"""CLI commands for training events: `training list|show|add|edit|remove|attendance|import`.

People are named by 職員番号 and whole sections by name or unit code (as the screen picks them by
section); events by the id `training list` shows. The same services and checks as the 研修 screen.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.cli.support import EXIT_OK, EXIT_REFUSED, add_json, json_refusal, opened, print_json
from app.errors import UserError
from app.i18n import _
from app.staff import lookup
from app.training import attendance, attendance_import, events
from app.training.events import EventInput
from app.wareki import parse_date

Handler = Callable[[argparse.Namespace], int]


def cmd_training_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        kind = events.kind_from_text(args.kind) if args.kind else None
        rows = events.list_events(db, args.user, args.year, kind)
    if args.json:
        print_json([{k: r[k] for k in ("id", "title", "kind", "kind_label", "starts_on", "ends_on", "hours", "organiser",
                                       "target_group", "project_id", "project_name", "attendees")} for r in rows])
        return EXIT_OK
    for r in rows:
        days = r["starts_on"] if r["ends_on"] == r["starts_on"] else f"{r['starts_on']}〜{r['ends_on']}"
        hours = "" if r["hours"] is None else _("{hours} h").format(hours=r["hours"])
        print(f"{r['id']}\t{days}\t{r['kind_label']}\t{r['title']}\t{hours}\t" + _("{n} attended").format(n=r["attendees"]))
    return EXIT_OK


def cmd_training_show(args: argparse.Namespace) -> int:
    with opened(args) as db:
        row = events.event(db, args.event)
        people = attendance.attendees(db, args.user, args.event)
    if args.json:
        print_json(row | {"kind_label": events.kind_label(row["kind"]),
                          "attendees": [{k: p[k] for k in ("staff_no", "name", "unit", "hours", "source")} for p in people]})
        return EXIT_OK
    print(f"{row['id']}\t{row['title']}\t{events.kind_label(row['kind'])}\t{row['starts_on']}〜{row['ends_on']}")
    for p in people:
        print(f"{p['staff_no']}\t{p['name']}\t{p['unit']}\t{'' if p['hours'] is None else p['hours']}")
    return EXIT_OK


def _input(args: argparse.Namespace, base: EventInput | None = None) -> EventInput:
    data = base or EventInput("", "", date.today())
    for name, value in (("title", args.title), ("organiser", args.organiser), ("target_group", args.target),
                        ("note", args.note), ("hours", args.hours), ("project_id", args.project)):
        if value is not None:
            setattr(data, name, value)
    if args.kind is not None:
        data.kind = events.kind_from_text(args.kind)
    if args.date is not None:
        data.starts_on = parse_date(args.date)
        if base is not None and args.ends is None and data.ends_on is not None and data.ends_on < data.starts_on:
            data.ends_on = data.starts_on
    if args.ends is not None:
        data.ends_on = parse_date(args.ends) if args.ends else None
    return data


def _people(db, args: argparse.Namespace) -> list[int]:
    """The people named: staff numbers, and everyone in the sections given (on the event's first day)."""
    ids = set(lookup.staff_ids(db, args.attended or []))
    if args.section:
        on = date.fromisoformat(events.event(db, args.event)["starts_on"])
        ids |= set(attendance.staff_in_units(db, args.user, [lookup.unit_id(db, s) for s in args.section], on))
    return sorted(ids)


def cmd_training_add(args: argparse.Namespace) -> int:
    with opened(args) as db:
        event_id = events.create_event(db, _input(args), args.user)
        args.event = event_id
        if args.attended or args.section:
            attendance.set_attendance(db, event_id, _people(db, args), args.user)
        count = len(attendance.attendee_ids(db, args.user, event_id))
    if args.json:
        print_json({"id": event_id, "attendees": count})
    else:
        print(_("Added the training event {title} (id {id}, {n} attended).").format(title=args.title, id=event_id, n=count))
    return EXIT_OK


def cmd_training_edit(args: argparse.Namespace) -> int:
    with opened(args) as db:
        events.update_event(db, args.event, _input(args, events.event_input(db, args.event)), args.user)
    print(_("Saved the training event {id}.").format(id=args.event))
    return EXIT_OK


def cmd_training_remove(args: argparse.Namespace) -> int:
    with opened(args) as db:
        events.remove_event(db, args.event, args.user)
    print(_("Deleted the training event {id} and its attendance.").format(id=args.event))
    return EXIT_OK


def cmd_training_attendance(args: argparse.Namespace) -> int:
    """Replace the attendance with the people named (or, with --add, add them); all of them or none."""
    if not (args.attended or args.section or args.clear):
        raise UserError(_("Name who attended (--attended STAFF_NO… or --section 課), or give --clear."))
    with opened(args) as db:
        people = [] if args.clear else _people(db, args)
        if args.add:
            added = attendance.add_attendance(db, args.event, people, args.user, args.hours)
            result = {"added": added, "removed": 0}
        else:
            result = attendance.set_attendance(db, args.event, people, args.user, args.hours)
        total = len(attendance.attendee_ids(db, args.user, args.event))
    if args.json:
        print_json(result | {"attendees": total})
    else:
        print(_("Training event {id}: {n} attended (added {added}, removed {removed}).").format(
            id=args.event, n=total, added=result["added"], removed=result["removed"]))
    return EXIT_OK


def cmd_training_import(args: argparse.Namespace) -> int:
    with opened(args) as db:
        try:
            preview = attendance_import.preview_file(db, args.user, args.file, date.today(), encoding=args.encoding)
        except UserError as exc:
            if args.json:
                return json_refusal(args.file, exc)
            raise
        written = not preview.errors and not args.dry_run
        if written:
            attendance_import.commit(db, args.user, preview)
    if args.json:
        print(json.dumps(preview.summary() | {"imported": written}, ensure_ascii=False, indent=2))
    else:
        print(_("{file}: add {added}, change hours {updated}, unchanged {unchanged} ({events} events)").format(
            file=args.file.name, added=preview.added, updated=preview.updated, unchanged=preview.unchanged,
            events=len(preview.events)))
    for error in preview.errors:  # also with --json, for whoever reads stderr
        print(error, file=sys.stderr)
    if preview.errors:
        print(_("Nothing was written: correct the errors and import again."), file=sys.stderr)
    elif args.dry_run and not args.json:
        print(_("Dry run: nothing was written."))
    return EXIT_REFUSED if preview.errors else EXIT_OK


def _event_fields(p: argparse.ArgumentParser, adding: bool) -> None:
    if adding:
        p.add_argument("title")
        p.add_argument("--kind", required=True, help=_("研修, 勉強会, ワークショップ, 講演会, e-learning or 外部講座"))
        p.add_argument("--date", required=True, help=_("first day (令和 dates accepted)"))
    else:
        p.add_argument("event", type=int, help=_("training event id"))
        p.add_argument("--title")
        p.add_argument("--kind", help=_("研修, 勉強会, ワークショップ, 講演会, e-learning or 外部講座"))
        p.add_argument("--date", help=_("first day (令和 dates accepted)"))
    p.add_argument("--ends", help=_("last day of an event of several days"))
    p.add_argument("--hours", type=float, help=_("hours of a full attendance"))
    p.add_argument("--organiser")
    p.add_argument("--target", help=_("target group (e.g. 全職員, 新規採用職員)"))
    p.add_argument("--project", type=int, help=_("the project the event belongs to (id)"))
    p.add_argument("--note")


def _who(p: argparse.ArgumentParser) -> None:
    p.add_argument("--attended", nargs="+", metavar="STAFF_NO", help=_("who attended"))
    p.add_argument("--section", action="append", metavar="UNIT",
                   help=_("everyone in this section (name or unit code) on the first day; may be repeated"))


def register(sub, add: Callable[[str, Handler, str], argparse.ArgumentParser] | None = None) -> None:
    """Add the `training` group (lane 2 adds `training survey …` to the same sub-parsers: see below)."""
    group = sub.add_parser("training", help=_("training events (研修・勉強会・講演会 …) and who attended"))
    actions = group.add_subparsers(dest="training_command", required=True, metavar="COMMAND")
    p = actions.add_parser("list", help=_("training events, newest first, with the number who attended"))
    p.set_defaults(handler=cmd_training_list)
    p.add_argument("--year", type=int, help=_("only this fiscal year (e.g. 2025 for 令和7年度)"))
    p.add_argument("--kind", help=_("only this kind"))
    add_json(p)
    p = actions.add_parser("show", help=_("an event and who attended it"))
    p.set_defaults(handler=cmd_training_show)
    p.add_argument("event", type=int, help=_("training event id"))
    add_json(p)
    p = actions.add_parser("add", help=_("record a training event (and who attended)"))
    p.set_defaults(handler=cmd_training_add)
    _event_fields(p, adding=True)
    _who(p)
    add_json(p)
    p = actions.add_parser("edit", help=_("change a training event (only what is given)"))
    p.set_defaults(handler=cmd_training_edit)
    _event_fields(p, adding=False)
    p = actions.add_parser("remove", help=_("delete a training event and its attendance"))
    p.set_defaults(handler=cmd_training_remove)
    p.add_argument("event", type=int, help=_("training event id"))
    p = actions.add_parser("attendance", help=_("set who attended an event (all of them or none)"))
    p.set_defaults(handler=cmd_training_attendance)
    p.add_argument("event", type=int, help=_("training event id"))
    _who(p)
    p.add_argument("--add", action="store_true", help=_("add these people and keep those already recorded"))
    p.add_argument("--clear", action="store_true", help=_("nobody attended"))
    p.add_argument("--hours", type=float, help=_("hours for the people added, when they attended part of the event"))
    add_json(p)
    p = actions.add_parser("import", help=_("import attendance from CSV or .xlsx (職員番号, 研修, 日付, 時間; all or nothing)"))
    p.set_defaults(handler=cmd_training_import)
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help=_("check and show the changes without writing"))
    p.add_argument("--encoding", help=_("the CSV's encoding when it is not recognised (e.g. cp932)"))
    add_json(p)
    # Lane 2 (qualifications) adds `training survey import|results` here at merge: surveys.register(actions).
