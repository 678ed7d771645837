"""CLI commands for who takes part in a project: `projects members|sessions|externals ...`.

People are named by 職員番号; sessions (workshops) and external raters by the id their list shows.
Each command is one service call, so it is all or nothing, with the project screen's checks.
"""

from __future__ import annotations

import argparse

from app.evaluation import projects
from app.cli.support import EXIT_OK, add_json, day, opened, print_json
from app.staff import lookup
from app.staff.lookup import staff_id, staff_ids
from app.i18n import _, label


def cmd_members_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = projects.members(db, args.user, args.project)
    if args.json:
        print_json([{"staff_no": m["staff_no"], "name": m["name"], "role": m["role"], "unit": m["unit"],
                     "position": m["position"], "sessions_attended": m["sessions_attended"]} for m in rows])
        return EXIT_OK
    for m in rows:
        print(f"{m['staff_no']}\t{m['name']}\t{label(projects.ROLES, m['role'])}\t{m['unit']}\t{m['position'] or ''}\t"
              + _("{n} sessions").format(n=m["sessions_attended"]))
    return EXIT_OK


def cmd_members_add(args: argparse.Namespace) -> int:
    """Everyone listed or nobody when a number is unknown or retired; people already on the project are skipped
    and named (they keep their role), as in the screen's picker."""
    with opened(args) as db:
        result = projects.add_members(db, args.project, staff_ids(db, args.staff_no), args.role, args.user,
                                      joined_on=day(args.date))
    print(_("Added {n} members to project {id}.").format(n=len(result.added), id=args.project))
    if result.already:
        print(_("Already on the project (left as they were): {names}").format(names="、".join(result.already)))
    return EXIT_OK


def cmd_members_role(args: argparse.Namespace) -> int:
    with opened(args) as db:
        projects.set_member_role(db, args.project, staff_id(db, args.staff_no), args.role, args.user)
    print(_("{no} is now {role}.").format(no=args.staff_no, role=label(projects.ROLES, args.role)))
    return EXIT_OK


def cmd_members_remove(args: argparse.Namespace) -> int:
    with opened(args) as db:
        projects.remove_member(db, args.project, staff_id(db, args.staff_no), args.user)
    print(_("Took {no} off project {id}.").format(no=args.staff_no, id=args.project))
    return EXIT_OK


def cmd_sessions_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = projects.sessions(db, args.user, args.project)
        numbers = lookup.staff_numbers(db)
    if args.json:
        print_json([{"id": s["id"], "held_on": s["held_on"], "title": s["title"], "hours": s["hours"],
                     "attendees": [numbers[i] for i in s["attendee_ids"]]} for s in rows])
        return EXIT_OK
    for s in rows:
        print(f"{s['id']}\t{s['held_on']}\t{s['title']}\t{'' if s['hours'] is None else s['hours']}\t"
              + _("{n} attended").format(n=s["attendees"]))
    return EXIT_OK


def _attendees(db, args: argparse.Namespace, project_id: int) -> list[int]:
    if args.all_members:
        return [m["staff_id"] for m in projects.members(db, args.user, project_id) if m["role"] != "owner"]
    return staff_ids(db, args.attended or [])


def cmd_sessions_add(args: argparse.Namespace) -> int:
    with opened(args) as db:
        session_id = projects.add_session(db, args.project, day(args.date), args.title, args.hours,
                                          _attendees(db, args, args.project), args.user)
    print(_("Added the session {title} (id {id}).").format(title=args.title, id=session_id))
    return EXIT_OK


def cmd_sessions_attendance(args: argparse.Namespace) -> int:
    """The attendance becomes exactly the people listed (as the attendance dialog saves it)."""
    with opened(args) as db:
        attendees = _attendees(db, args, projects.session_project(db, args.session))
        projects.set_attendance(db, args.session, attendees, args.user)
    print(_("Session {id}: {n} attended.").format(id=args.session, n=len(set(attendees))))
    return EXIT_OK


def cmd_sessions_remove(args: argparse.Namespace) -> int:
    with opened(args) as db:
        projects.remove_session(db, args.session, args.user)
    print(_("Deleted the session {id} and its attendance.").format(id=args.session))
    return EXIT_OK


def cmd_externals_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = projects.list_external_raters(db, args.user, args.project)
    if args.json:
        print_json([{"id": r["id"], "name": r["name"], "organisation": r["organisation"]} for r in rows])
        return EXIT_OK
    for r in rows:
        print(f"{r['id']}\t{r['name']}\t{r['organisation']}")
    return EXIT_OK


def cmd_externals_add(args: argparse.Namespace) -> int:
    """An outside rater registered now (--name) or already registered (--rater), put on the project."""
    with opened(args) as db:
        if args.rater is not None:
            rater = args.rater
            projects.attach_external_rater(db, args.project, rater, args.user)
        else:
            rater = projects.register_external_rater(db, args.project, args.name, args.organisation or "", args.user)
    print(_("The external rater {id} rates on project {project}.").format(id=rater, project=args.project))
    return EXIT_OK


def cmd_externals_remove(args: argparse.Namespace) -> int:
    with opened(args) as db:
        projects.detach_external_rater(db, args.project, args.rater, args.user)
    print(_("Took the external rater {id} off project {project}.").format(id=args.rater, project=args.project))
    return EXIT_OK


def _group(actions, name: str, help_text: str):
    group = actions.add_parser(name, help=help_text)
    return group.add_subparsers(dest=f"projects_{name}_command", required=True, metavar="ACTION")


def _project(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", type=int, help=_("project id"))


def _attendance(p: argparse.ArgumentParser) -> None:
    who = p.add_mutually_exclusive_group()
    who.add_argument("--attended", nargs="+", metavar="STAFF_NO", help=_("who attended"))
    who.add_argument("--all-members", action="store_true", help=_("every member of the project attended"))


def register(actions) -> None:
    """Add the members, sessions and externals groups to the `projects` group of app.cli.projects."""
    members = _group(actions, "members", _("the members of a project and their roles"))
    p = members.add_parser("list", help=_("members with role, section and sessions attended"))
    p.set_defaults(handler=cmd_members_list)
    _project(p)
    add_json(p)
    p = members.add_parser("add", help=_("put staff on the project (all or nothing)"))
    p.set_defaults(handler=cmd_members_add)
    _project(p)
    p.add_argument("staff_no", nargs="+", metavar="STAFF_NO")
    p.add_argument("--role", choices=list(projects.ROLES), default="member")
    p.add_argument("--date", metavar="DATE", help=_("joined on (default today)"))
    p = members.add_parser("role", help=_("change a member's role"))
    p.set_defaults(handler=cmd_members_role)
    _project(p)
    p.add_argument("staff_no", metavar="STAFF_NO")
    p.add_argument("role", choices=list(projects.ROLES))
    p = members.add_parser("remove", help=_("take someone off the project (with their attendance and assignments)"))
    p.set_defaults(handler=cmd_members_remove)
    _project(p)
    p.add_argument("staff_no", metavar="STAFF_NO")

    sessions = _group(actions, "sessions", _("workshops and study sessions of a project, with attendance"))
    p = sessions.add_parser("list", help=_("sessions with their date and attendance"))
    p.set_defaults(handler=cmd_sessions_list)
    _project(p)
    add_json(p)
    p = sessions.add_parser("add", help=_("record a session and who attended"))
    p.set_defaults(handler=cmd_sessions_add)
    _project(p)
    p.add_argument("--date", metavar="DATE", required=True, help=_("the day it was held"))
    p.add_argument("--title", required=True)
    p.add_argument("--hours", type=float)
    _attendance(p)
    p = sessions.add_parser("attendance", help=_("set who attended a session (replaces the list)"))
    p.set_defaults(handler=cmd_sessions_attendance)
    p.add_argument("session", type=int, help=_("session id"))
    _attendance(p)
    p = sessions.add_parser("remove", help=_("delete a session and its attendance"))
    p.set_defaults(handler=cmd_sessions_remove)
    p.add_argument("session", type=int, help=_("session id"))

    externals = _group(actions, "externals", _("outside raters (no login) of a project"))
    p = externals.add_parser("list", help=_("the project's outside raters, or every registered one"))
    p.set_defaults(handler=cmd_externals_list)
    p.add_argument("project", type=int, nargs="?", help=_("project id (none: every registered rater)"))
    add_json(p)
    p = externals.add_parser("add", help=_("register an outside rater and put them on the project, or add a registered one"))
    p.set_defaults(handler=cmd_externals_add)
    _project(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--name", help=_("a new rater's name"))
    which.add_argument("--rater", type=int, metavar="ID", help=_("a registered rater's id"))
    p.add_argument("--organisation", help=_("the new rater's organisation"))
    p = externals.add_parser("remove", help=_("take an outside rater off the project"))
    p.set_defaults(handler=cmd_externals_remove)
    _project(p)
    p.add_argument("rater", type=int, metavar="RATER_ID")
