"""dx-jinzai-cli: every maintenance action, scriptable without a screen.

The CLI acts as the administrator on a local file: anyone who can write the
file already controls its data, so it asks for no login. Exit status: 0 done,
1 refused input (message on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import __version__, accounts, demo, i18n, maintenance
from app.accounts import CLI_ACTOR, Role
from app.db import latest_version, open_database
from app.errors import UserError
from app.i18n import _
from app.paths import default_database_path

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _open(args: argparse.Namespace, create: bool = False):
    return open_database(args.db, create=create)


def cmd_init(args: argparse.Namespace) -> int:
    existed = args.db.exists() and args.db.stat().st_size > 0
    result = _open(args, create=True)
    result.db.close()
    if not existed:
        print(_("Created the register {path}.").format(path=args.db))
    else:
        print(_("The register {path} is ready (data format {version}).").format(path=args.db, version=latest_version()))
    if result.backup_path:
        print(_("A backup was taken before updating: {path}").format(path=result.backup_path))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    if args.staff < 1:
        raise UserError(_("--staff must be at least 1."))
    result = _open(args, create=True)
    try:
        demo.load_town(result.db, demo.generate_town(args.staff, args.seed), CLI_ACTOR)
    finally:
        result.db.close()
    print(_("Loaded the demo town with {n} staff into {path}.").format(n=args.staff, path=args.db))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    result = _open(args)
    try:
        report = maintenance.check(result.db, args.db)
    finally:
        result.db.close()
    if args.json:
        print(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
    else:
        print(_("Database: {path}").format(path=report.path))
        print(_("Data format: {found} (this version: {latest})").format(
            found=report.schema_version, latest=report.latest_version))
        print(_("Integrity: {result}").format(result="; ".join(report.integrity)))
        print(_("Foreign key problems: {n}").format(n=report.foreign_key_problems))
        for key, value in report.counts.items():
            print(f"  {key}: {value}")
        print(_("Result: OK") if report.ok else _("Result: problems found"))
    return EXIT_OK if report.ok else EXIT_REFUSED


def cmd_backup(args: argparse.Namespace) -> int:
    result = _open(args)
    try:
        out = maintenance.backup(result.db, args.out, CLI_ACTOR)
    finally:
        result.db.close()
    print(_("Backup written to {path}.").format(path=out))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    if not args.file.exists():
        raise UserError(_("The file {path} does not exist.").format(path=args.file))
    kept = maintenance.restore(args.db, args.file, CLI_ACTOR)
    print(_("Restored {path} from {source}.").format(path=args.db, source=args.file))
    if kept:
        print(_("The previous database was kept as {path}.").format(path=kept))
    return EXIT_OK


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("Password: "))
    if first != getpass.getpass(_("Password (again): ")):
        raise UserError(_("The passwords do not match."))
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    result = _open(args)
    try:
        user = accounts.create_user(result.db, args.login, args.name or args.login, _read_password(args),
                                    Role(args.role), CLI_ACTOR)
    finally:
        result.db.close()
    print(_("Created the account {login} ({role}).").format(login=user.login, role=_(accounts.ROLE_LABELS[user.role])))
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    result = _open(args)
    try:
        users = accounts.list_users(result.db)
    finally:
        result.db.close()
    if args.json:
        print(json.dumps(users, ensure_ascii=False, indent=2))
    else:
        for user in users:
            state = "" if user["active"] else _(" (disabled)")
            print(f"{user['login']}\t{_(accounts.ROLE_LABELS[Role(user['role'])])}\t{user['display_name']}{state}")
    return EXIT_OK


def cmd_user_passwd(args: argparse.Namespace) -> int:
    result = _open(args)
    try:
        accounts.set_password(result.db, args.login, _read_password(args), CLI_ACTOR)
    finally:
        result.db.close()
    print(_("The password of {login} was changed.").format(login=args.login))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dx-jinzai-cli", description=_("DX人材認定台帳: command-line tools"))
    parser.add_argument("--version", action="version", version=f"dx-jinzai {__version__}")
    parser.add_argument("--db", type=Path, default=None,
                        help=_("database file (default: the register in your user data folder)"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    add("init", cmd_init, _("create the register, or update an older one"))
    p = add("demo", cmd_demo, _("fill an empty register with a fictional demo town"))
    p.add_argument("--staff", type=int, default=300, help=_("number of staff (default 300)"))
    p.add_argument("--seed", type=int, default=1, help=_("random seed, for a reproducible town"))
    p = add("check", cmd_check, _("check integrity, foreign keys, data format and counts"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = add("backup", cmd_backup, _("write a consistent copy of the register"))
    p.add_argument("out", type=Path, help=_("backup file to write"))
    p = add("restore", cmd_restore, _("replace the register with a checked backup (the current one is kept)"))
    p.add_argument("file", type=Path, help=_("backup file to restore"))

    user = sub.add_parser("user", help=_("manage accounts"))
    user_sub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = user_sub.add_parser("add", help=_("add an account"))
    p.set_defaults(handler=cmd_user_add)
    p.add_argument("login")
    p.add_argument("--name", help=_("display name"))
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.EVALUATOR.value)
    p.add_argument("--password-stdin", action="store_true", help=_("read the password from standard input"))
    p = user_sub.add_parser("list", help=_("list accounts"))
    p.set_defaults(handler=cmd_user_list)
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = user_sub.add_parser("passwd", help=_("set a new password"))
    p.set_defaults(handler=cmd_user_passwd)
    p.add_argument("login")
    p.add_argument("--password-stdin", action="store_true", help=_("read the password from standard input"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    i18n.install()
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on usage errors
    args.db = (args.db or default_database_path()).expanduser()
    try:
        return args.handler(args)
    except UserError as exc:
        print(_("Error: {message}").format(message=exc), file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
