"""CLI commands that read the register's records, and switch accounts on and off.

`register path STAFF_NO` (認定の経緯), `certificate-log` (the 出力記録 tab), `audit` (the audit log
in 設定) and `user disable|enable LOGIN` (設定 → アカウント): what the screens show and do, by command.
"""

from __future__ import annotations

import argparse

from app.register import accounts
from app.overview import audit_log
from app import audit
from app.certification import certificates
from app.certification import decisions
from app.cli.support import EXIT_OK, add_json, print_json, opened
from app.staff.lookup import staff_id
from app.i18n import _


def cmd_register_path(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = decisions.person_path(db, args.user, staff_id(db, args.staff_no))
    fields = ("certificate_no", "level_code", "level", "decided_on", "approver", "status", "revoked_on",
              "revoke_reason", "reissues")
    if args.json:
        print_json([{key: row[key] for key in fields} for row in rows])
        return EXIT_OK
    if not rows:
        print(_("{no} holds no certification.").format(no=args.staff_no))
    for row in rows:
        print("\t".join(str(row[key] or "") for key in ("certificate_no", "level", "decided_on", "approver", "status",
                                                        "revoked_on")))
    return EXIT_OK


def cmd_certificate_log(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = certificates.print_log(db, args.user)
    if args.json:
        print_json(rows)
        return EXIT_OK
    for row in rows:
        print("\t".join(str(row[key] or "") for key in ("printed_at", "certificate_no", "name", "kind", "template",
                                                        "file_name", "printed_by")))
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    with opened(args) as db:
        entries = audit_log.recent(db, args.user, args.limit)
        sentences = audit_log.describe(db, entries)
    if args.json:
        print_json([{"at": e["at"], "actor": e["actor"], "action": e["action"], "text": text}
                    for e, text in zip(entries, sentences)])
        return EXIT_OK
    for entry, text in zip(entries, sentences):
        print(f"{entry['at']}\t{entry['actor']}\t{audit.action_label(entry['action'])}\t{text}")
    return EXIT_OK


def _set_active(args: argparse.Namespace, active: bool) -> int:
    with opened(args) as db:
        accounts.set_active(db, args.login, active, args.user)
    print((_("The account {login} was enabled.") if active else _("The account {login} was disabled.")).format(
        login=args.login))
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace) -> int:
    return _set_active(args, False)


def cmd_user_enable(args: argparse.Namespace) -> int:
    return _set_active(args, True)


def register_user(user_sub) -> None:
    """Add disable/enable to the `user` group of app.cli.main."""
    for name, handler, help_text in (("disable", cmd_user_disable, _("disable an account (it can no longer log in)")),
                                     ("enable", cmd_user_enable, _("enable a disabled account again"))):
        p = user_sub.add_parser(name, help=help_text)
        p.set_defaults(handler=handler)
        p.add_argument("login")


def register_register(actions) -> None:
    """Add `path` to the `register` group of app.cli.certification."""
    p = actions.add_parser("path", help=_("one person's certifications in the order they were decided"))
    p.set_defaults(handler=cmd_register_path)
    p.add_argument("staff_no", metavar="STAFF_NO")
    add_json(p)


def register(sub) -> None:
    """The top-level `certificate-log` and `audit` commands."""
    p = sub.add_parser("certificate-log", help=_("every certificate output, newest first"))
    p.set_defaults(handler=cmd_certificate_log)
    add_json(p)
    p = sub.add_parser("audit", help=_("the audit log, newest first, in sentences"))
    p.set_defaults(handler=cmd_audit)
    p.add_argument("--limit", type=int, default=200, help=_("how many entries (default 200)"))
    add_json(p)
