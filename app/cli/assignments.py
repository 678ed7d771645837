"""CLI commands for who rates whom: `assignments list|suggest|add|remove` and `ratings reopen`.

The 評価 screen's 割当 tab, by command: members and staff evaluators by 職員番号, outside raters by
their id (`projects externals list`), perspectives by their code in the project's template (policy, ict …).
"""

from __future__ import annotations

import argparse

from app.evaluation import ratings
from app.evaluation import projects
from app.evaluation import rubrics
from app.cli.projects import cmd_evaluations_suggest
from app.cli.support import EXIT_OK, add_json, print_json, opened
from app.staff.lookup import staff_id
from app.errors import UserError
from app.i18n import _, label
from app.register.permissions import Action, require


def cmd_assignments_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = ratings.project_assignments(db, args.user, args.project)
    if args.json:
        print_json([{"id": r["id"], "member_staff_no": r["target_no"], "member": r["target"],
                     "perspective": r["perspective"], "evaluator": r["evaluator"],
                     "external": r["evaluator_external_id"] is not None, "kind": r["evaluator_kind"],
                     "status": r["status"]} for r in rows])
        return EXIT_OK
    for r in rows:
        print(f"{r['id']}\t{r['target_no']}\t{r['target']}\t{r['perspective']}\t{r['evaluator']}\t"
              f"{label(rubrics.EVALUATOR_KINDS, r['evaluator_kind'])}\t"
              f"{label(ratings.ASSIGNMENT_STATUSES, r['status'])}")
    return EXIT_OK


def _perspective(template: rubrics.TemplateSpec, code: str) -> rubrics.PerspectiveSpec:
    found = next((p for p in template.perspectives if p.code == code or p.name == code), None)
    if found is None:
        raise UserError(_("The project's template has no perspective {code} (perspectives: {codes}).").format(
            code=code, codes="、".join(p.code for p in template.perspectives)))
    return found


def cmd_assignments_add(args: argparse.Namespace) -> int:
    require(args.user, Action.ASSIGNMENT_EDIT)  # before the template's perspectives are named in a refusal
    with opened(args) as db:
        template = rubrics.load_template(db, projects.project(db, args.project)["template_id"])
        perspective = _perspective(template, args.perspective)
        if args.external is not None:
            evaluator = ratings.Evaluator(external_id=args.external)
        else:
            evaluator = ratings.Evaluator(staff_id=staff_id(db, args.evaluator))
        kinds = [k for k in perspective.rater_kinds if perspective.criteria_for(k)]
        # As the add dialog: an outside rater is rated as external where the perspective allows it.
        kind = args.kind or ("external" if args.external is not None and "external" in kinds else
                             kinds[0] if kinds else "")
        assignment_id = ratings.add_assignment(db, args.project, staff_id(db, args.member), perspective.id,
                                                   evaluator, kind, args.user)
    print(_("Created the assignment {id}.").format(id=assignment_id))
    return EXIT_OK


def cmd_assignments_remove(args: argparse.Namespace) -> int:
    with opened(args) as db:
        ratings.remove_assignment(db, args.assignment, args.user)
    print(_("Removed the assignment {id}.").format(id=args.assignment))
    return EXIT_OK


def cmd_ratings_reopen(args: argparse.Namespace) -> int:
    with opened(args) as db:
        ratings.reopen(db, args.user, args.assignment, args.reason)
    print(_("Reopened the evaluation {id}; its evaluator can correct and submit it again.").format(id=args.assignment))
    return EXIT_OK


def register(sub) -> None:
    group = sub.add_parser("assignments", help=_("who rates whom on a project"))
    actions = group.add_subparsers(dest="assignments_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", help=_("every assignment of a project with its state"))
    p.set_defaults(handler=cmd_assignments_list)
    p.add_argument("--project", type=int, required=True, help=_("project id"))
    add_json(p)
    p = actions.add_parser("suggest", help=_("evaluators the rules suggest for a project, with what they cannot find"))
    p.set_defaults(handler=cmd_evaluations_suggest)
    p.add_argument("--project", type=int, required=True, help=_("project id"))
    p.add_argument("--date", help=_("as of this date (default today; 令和 dates accepted)"))
    p.add_argument("--apply", action="store_true", help=_("create the suggested assignments"))
    add_json(p)
    p = actions.add_parser("add", help=_("one evaluator for one member and perspective"))
    p.set_defaults(handler=cmd_assignments_add)
    p.add_argument("--project", type=int, required=True, help=_("project id"))
    p.add_argument("--member", required=True, metavar="STAFF_NO", help=_("the member rated"))
    p.add_argument("--perspective", required=True, metavar="CODE", help=_("the perspective's code, e.g. ict"))
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--evaluator", metavar="STAFF_NO", help=_("a member of staff who rates"))
    who.add_argument("--external", type=int, metavar="RATER_ID", help=_("an outside rater who rates"))
    p.add_argument("--kind", choices=list(rubrics.EVALUATOR_KINDS),
                   help=_("rated as (default: the first the perspective allows; external for outside raters)"))
    p = actions.add_parser("remove", help=_("drop an assignment that is not submitted"))
    p.set_defaults(handler=cmd_assignments_remove)
    p.add_argument("assignment", type=int, metavar="ASSIGNMENT_ID")

    group = sub.add_parser("ratings", help=_("entered evaluations"))
    actions = group.add_subparsers(dest="ratings_command", required=True, metavar="ACTION")
    p = actions.add_parser("reopen", help=_("unlock a submitted evaluation so that it can be corrected"))
    p.set_defaults(handler=cmd_ratings_reopen)
    p.add_argument("assignment", type=int, metavar="ASSIGNMENT_ID")
    p.add_argument("--reason", required=True, help=_("why it is reopened (kept in the audit log)"))
