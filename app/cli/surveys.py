"""`surveys …`: the participant survey of a training event (its own group; the event by its id).

`surveys questions EVENT (TEXT… | --default)` sets the questions, `surveys sheet EVENT OUT` writes a
blank answer sheet, `surveys import EVENT FILE` reads the answers (all or nothing) and `surveys
results EVENT` shows per question the mean, the number of answers and the 1–5 distribution, then
the comments. ``add_survey_commands`` builds the same commands into any group, should they move
under `training survey`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.support import EXIT_OK, EXIT_REFUSED, add_json, json_refusal, opened, print_json
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, require
from app.tabular import not_listed
from app.training import surveys


def cmd_questions(args: argparse.Namespace) -> int:
    if not args.text and not args.default:
        raise UserError(_("Give the questions, or --default for the usual ones."))
    with opened(args) as db:
        surveys.set_questions(db, args.user, args.event, args.text or surveys.default_questions())
        asked = surveys.questions(db, args.user, args.event)
    for q in asked:
        print(f"Q{q['position']}\t{q['text']}")
    return EXIT_OK


def cmd_sheet(args: argparse.Namespace) -> int:
    with opened(args) as db:
        surveys.write_answer_sheet(db, args.user, args.event, args.out)
    print(_("Wrote the answer sheet {path}.").format(path=args.out))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    require(args.user, Action.SURVEYS_EDIT)
    name = args.file.name
    with opened(args) as db:
        try:
            preview = surveys.preview_file(db, args.user, args.event, args.file, args.encoding)
        except UserError as exc:
            if args.json:
                return json_refusal(args.file, exc)
            raise
        committed = None
        if not preview.errors and not args.dry_run:
            committed = surveys.commit(db, args.user, preview)
    summary = committed or {**preview.summary(), "imported": False}
    if args.json:
        print_json(summary)
    elif preview.unused_headers:
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
        print((_("Dry run: {n} responses can be imported; nothing was written.") if args.dry_run
               else _("Imported {n} survey responses.")).format(n=len(preview.responses)))
    return EXIT_OK


def cmd_results(args: argparse.Namespace) -> int:
    with opened(args) as db:
        result = surveys.results(db, args.user, args.event)
    if args.json:
        print_json(result)
        return EXIT_OK
    print(_("{title}: {n} responses").format(title=result["title"], n=result["responses"]))
    for q in result["questions"]:
        mean = f"{q['mean']:.2f}" if q["mean"] is not None else "—"
        spread = " ".join(f"{v}:{n}" for v, n in q["distribution"].items())
        print(f"Q{q['position']}\t{mean}\t{q['answers']}\t{spread}\t{q['text']}")
    for comment in result["comments"]:
        print("・" + comment.replace("\n", " "))
    return EXIT_OK


def add_survey_commands(actions) -> None:
    """questions / sheet / import / results, added to the sub-parsers ``actions`` of a group."""
    p = actions.add_parser("questions", help=_("set the survey questions of an event (1 to 5)"))
    p.set_defaults(handler=cmd_questions)
    p.add_argument("event", type=int, metavar="EVENT_ID")
    p.add_argument("text", nargs="*", metavar="QUESTION")
    p.add_argument("--default", action="store_true", help=_("the usual four questions"))
    p = actions.add_parser("sheet", help=_("write a blank answer sheet (.xlsx or .csv)"))
    p.set_defaults(handler=cmd_sheet)
    p.add_argument("event", type=int, metavar="EVENT_ID")
    p.add_argument("out", type=Path)
    p = actions.add_parser("import", help=_("import the survey answers from CSV or .xlsx (all or nothing)"))
    p.set_defaults(handler=cmd_import)
    p.add_argument("event", type=int, metavar="EVENT_ID")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help=_("check and show the changes without writing"))
    p.add_argument("--encoding", help=_("file encoding (default: detected), e.g. cp932, utf-8-sig"))
    add_json(p)
    p = actions.add_parser("results", help=_("the results per question: mean, answers, 1–5 distribution, comments"))
    p.set_defaults(handler=cmd_results)
    p.add_argument("event", type=int, metavar="EVENT_ID")
    add_json(p)


def register(sub) -> None:
    """The `surveys` group of app.cli.main."""
    group = sub.add_parser("surveys", help=_("participant surveys of training events"))
    add_survey_commands(group.add_subparsers(dest="surveys_command", required=True, metavar="ACTION"))
