"""dx-jinzai-cli: every maintenance action, scriptable without a screen.

The CLI acts as the administrator on a local file: anyone who can write the
file already controls its data, so it asks for no login. ``--as LOGIN`` (password
on stdin) runs a command with that account's role instead, so that scripts and tests
meet the same permission checks as the screens. Exit status: 0 done, 1 refused
input or not permitted (message on stderr), 2 usage error, 3 unexpected failure (a
defect: the traceback goes to the log, the message names the log file).
"""

from __future__ import annotations

import argparse
import functools
import dataclasses
import getpass
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import datetime
from pathlib import Path

from app import __version__, i18n
from app.register import accounts
from app.demo import town
from app.overview import maintenance
from app import seal_key
from app.overview import self_check
from app.register.accounts import Role, User
from app.db import latest_version, open_database, set_lock_wait_listener
from app.errors import UserError
from app.i18n import _
from app.paths import default_database_path, log_dir
from app.register.permissions import CLI_USER, Action, require
from app.cli.support import json_refusal, open_register, opened
from app.staff import lookup
from app.tabular import not_listed

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNEXPECTED = 0, 1, 2, 3


def cmd_init(args: argparse.Namespace) -> int:
    existed = args.db.exists() and args.db.stat().st_size > 0
    result = open_register(args, create=True)
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
    with opened(args, create=True) as db:
        town.load_demo(db, args.staff, args.seed, args.user.login)
    print(_("Loaded the demo town with {n} staff into {path}.").format(n=args.staff, path=args.db))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    if not args.db.exists():
        raise UserError(_("The database {path} does not exist.").format(path=str(args.db)))
    report = maintenance.check_file(args.db)
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
        print(_("Sealed rows verified: {n}").format(n=report.seal.get("verified", 0)))
        for line in report.findings:
            print(line)
        print(_("Result: OK") if report.ok else _("Result: problems found"))
    return EXIT_OK if report.ok else EXIT_REFUSED


def cmd_self_check(args: argparse.Namespace) -> int:
    report = self_check.run()
    print(report.json() if args.json else report.text())
    return EXIT_OK if report.ok else EXIT_REFUSED


def cmd_backup(args: argparse.Namespace) -> int:
    with opened(args) as db:
        out = args.out
        if out is None:  # into the folder the officer chose (a USB stick, a file server)
            folder = maintenance.chosen_backup_folder(db)
            if folder is None:
                raise UserError(_("No backup folder is set. Give a file name, or set one with "
                                  "`settings set backup_folder FOLDER` (設定 → バックアップ)."))
            if not folder.is_dir():
                raise UserError(_("The backup folder {path} is not available (is the USB stick plugged in, the file "
                                  "server reachable?). Nothing was written.").format(path=folder))
            out = maintenance.manual_backup_path(folder, args.db)
        out = maintenance.backup(db, out, args.user)
    print(_("Backup written to {path}.").format(path=out))
    print(_("The copy passed the check (integrity and register check)."))
    return EXIT_OK


def _print_backup_info(info: maintenance.BackupInfo, as_json: bool) -> None:
    if as_json:
        print(json.dumps(dataclasses.asdict(info), ensure_ascii=False, indent=2))
        return
    print(maintenance.describe_backup(info))
    print(_("Check: OK") if info.ok else _("Check: problems found"))


def cmd_restore(args: argparse.Namespace) -> int:
    if not args.file.exists():
        raise UserError(_("The file {path} does not exist.").format(path=args.file))
    info = maintenance.backup_info(args.file)
    _print_backup_info(info, args.json)
    if args.dry_run:
        if not args.json:
            print(_("Dry run: nothing was replaced."))
        return EXIT_OK if info.ok else EXIT_REFUSED
    note = maintenance.key_note(args.file)
    kept = maintenance.restore(args.db, args.file, args.user)
    print(_("Restored {path} from {source}.").format(path=args.db, source=args.file))
    print(note)
    if kept:
        print(_("The previous database was kept as {path}.").format(path=kept))
    return EXIT_OK


def cmd_key(args: argparse.Namespace) -> int:
    """The sealing key of this installation: show its fingerprint, export it for a new PC, import it there."""
    if args.action == "show":
        ring = seal_key.load(create=True)
        print(_("Sealing key of this PC: {fingerprint} ({path})").format(fingerprint=ring.primary, path=ring.path))
        for fp in sorted(set(ring.keys) - {ring.primary}):
            print(_("Also verifies rows sealed with: {fingerprint}").format(fingerprint=fp))
        return EXIT_OK
    require(args.user, Action.BACKUP)  # carrying the key is part of looking after the file, as backups are
    if args.file is None:
        raise UserError(_("Name the key file: key {action} FILE").format(action=args.action))
    passphrase = sys.stdin.readline().rstrip("\r\n")
    if args.action == "export":
        fingerprint = seal_key.export_keys(args.file, passphrase)
        print(_("Wrote the sealing key {fingerprint} to {path}, protected by the passphrase. Keep the file and "
                "the passphrase apart.").format(fingerprint=fingerprint, path=args.file))
    else:
        fingerprint = seal_key.import_keys(args.file, passphrase)
        print(_("Imported the sealing key {fingerprint}: this PC now seals with it and verifies the rows sealed "
                "with it.").format(fingerprint=fingerprint))
    return EXIT_OK


def _parse_replacements(items: list[str] | None) -> dict[str, str]:
    """--replace U+E001=𠮷 (or the character itself on the left) for 外字 in the file."""
    result = {}
    for item in items or []:
        left, sep, right = item.partition("=")
        if not sep or not right:
            raise UserError(_("--replace needs the form U+E001=文字: {value}").format(value=item))
        char = chr(int(left[2:], 16)) if left.upper().startswith("U+") else left
        result[char] = right
    return result


def cmd_import_staff(args: argparse.Namespace) -> int:
    from datetime import date as date_type

    from app.staff import importer

    # The preview diffs the file against the register (who moves, who is missing): refuse before reading it.
    require(args.user, Action.STAFF_EDIT)
    with opened(args) as db:
        effective = date_type.fromisoformat(args.effective_date) if args.effective_date else None
        session = importer.ImportSession(args.file, args.encoding)
        try:
            preview = session.check(db, effective, _parse_replacements(args.replace))
        except UserError as exc:
            if args.json:
                return json_refusal(args.file, exc)
            raise
        committed = None
        if not preview.errors and not args.dry_run:
            committed = session.commit(db, args.user, retire_missing=args.retire_missing)
    summary = committed or preview.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        for error in preview.errors:  # the same messages as without --json, for whoever reads stderr
            print(error.text(args.file.name), file=sys.stderr)
        if preview.errors_not_listed:
            print(not_listed(args.file.name, preview.errors_not_listed), file=sys.stderr)
    else:
        print(_("{file}: {rows} rows ({encoding}), effective {date}").format(
            file=args.file.name, rows=preview.rows, encoding=preview.encoding, date=preview.effective_date))
        print(_("added {added}, updated {updated}, transferred {transferred}, missing {missing}").format(**summary))
        for warning in preview.warnings:
            print(_("Warning: {problem}").format(problem=warning.text(args.file.name)), file=sys.stderr)
        if preview.unplaced_positions:
            print(importer.unplaced_message(preview))
        for error in preview.errors:
            print(error.text(args.file.name), file=sys.stderr)
        if preview.errors_not_listed:
            print(not_listed(args.file.name, preview.errors_not_listed), file=sys.stderr)
        if preview.errors:
            print(_("Nothing was written: correct the errors and import again."), file=sys.stderr)
        elif args.dry_run:
            print(_("Dry run: nothing was written."))
        else:
            print(importer.result_message(summary, preview.effective_date, date_type.today()))
            if summary["missing"] and not args.retire_missing:
                print(_("Staff missing from the file were left as they are (use --retire-missing to mark them "
                        "retired)."))
    return EXIT_REFUSED if preview.errors else EXIT_OK


def cmd_export_staff(args: argparse.Namespace) -> int:
    from app.staff.export import NeedsDecision, export_staff

    if args.out.exists():
        raise UserError(_("{path} already exists. Choose another file name.").format(path=str(args.out)))
    try:
        with opened(args) as db:
            unencodable = export_staff(db, args.out, args.user, encoding=args.encoding,
                                       accept_replacement=args.accept_question_marks)
    except NeedsDecision as exc:  # nothing written: say which rows, and the two ways on
        print(str(exc), file=sys.stderr)
        print(_("Nothing was written. Use --encoding utf-8-sig, or add --accept-question-marks to write ? for "
                "those characters."), file=sys.stderr)
        return EXIT_REFUSED
    print(_("Exported the register to {path}.").format(path=args.out))
    if unencodable:
        print(_("Warning: {n} rows contain characters that CP932 cannot hold (written as ?): rows {rows}").format(
            n=len(unencodable), rows=", ".join(map(str, unencodable[:20]))), file=sys.stderr)
    return EXIT_OK


def cmd_staff_list(args: argparse.Namespace) -> int:
    from app.staff import directory as staff_service

    from app.wareki import parse_date

    on = parse_date(args.date) if args.date else None
    with opened(args) as db:
        rows = staff_service.filter_rows(staff_service.load_directory(db, args.user, on), args.query or "")
    if args.json:
        print(json.dumps([{"staff_no": r.staff_no, "name": r.name, "reading": r.reading, "department": r.department,
                           "section": r.section, "position": r.position, "status": r.status} for r in rows],
                         ensure_ascii=False, indent=2))
    else:
        for r in rows:
            print(f"{r.staff_no}\t{r.name}\t{r.reading}\t{r.department}\t{r.section}\t{r.position}\t"
                  f"{_(staff_service.STATUS_LABELS.get(r.status, r.status))}")
    return EXIT_OK


def _date_option(text: str | None, option: str):
    """A date typed on the command line (西暦 or 和暦); a wrong one is refused naming the option (exit 1)."""
    from app.wareki import parse_date

    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise UserError(_("{option}: {problem}").format(option=option, problem=exc)) from None


def cmd_staff_set_status(args: argparse.Namespace) -> int:
    from app.staff import edit

    status = edit.STATUS_WORDS.get(args.status)
    if status is None:
        raise UserError(_("Unknown status: {value} (use 在職, 休職 or 退職).").format(value=args.status))
    on, until = _date_option(args.on, "--on"), _date_option(args.until, "--until")
    with opened(args) as db:
        staff_id = edit.staff_id_by_number(db, args.user, args.staff_no)
        change = edit.set_status(db, args.user, staff_id, status, on, until)
        name = edit.person(db, args.user, staff_id)[0]
    if args.json:
        print(json.dumps({"staff_no": change.staff_no, "status": change.status, "on": on.isoformat(),
                          "until": until.isoformat() if until else None, "before": change.before,
                          "after": change.after}, ensure_ascii=False, indent=2))
    else:
        person = f"{name['family_name']}\u3000{name['given_name']} ({change.staff_no})"
        if status == "retired":
            print(_("{name}: retired, last day {day}.").format(name=person, day=on.isoformat()))
        elif status == "leave":
            print(_("{name}: on leave from {day}.").format(name=person, day=on.isoformat())
                  + (" " + _("Until {day}.").format(day=until.isoformat()) if until else ""))
        else:
            print(_("{name}: in service from {day}.").format(name=person, day=on.isoformat()))
    return EXIT_OK


def cmd_staff_show(args: argparse.Namespace) -> int:
    """The person card as text or --json: the tabs the acting user may see (app.overview.person_card)."""
    from app.overview import person_card
    from app.staff import edit

    on = _date_option(args.date, "--date")
    with opened(args) as db:
        staff_id = edit.staff_id_by_number(db, args.user, args.staff_no)
        card = person_card.card(db, args.user, staff_id, on)
        basics = person_card.basics(db, args.user, staff_id, on)
    if args.json:
        print(json.dumps(card, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    print(f"{basics.staff_no}\t{basics.name}\t{basics.reading}")
    print(" ".join(p for p in (basics.department, basics.section, basics.position) if p))
    print(person_card.status_text(basics, on or datetime.now().date()))
    titles = dict(person_card.visible_tabs(args.user))
    for key, rows in card.items():
        if key != "basic":
            print(_("{tab}: {n}").format(tab=titles[key], n=len(rows)))
    return EXIT_OK


def cmd_positions_list(args: argparse.Namespace) -> int:
    from app.staff import positions

    with opened(args) as db:
        rows = positions.ordered(db)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        mark = "" if row["standard"] else "\t" + _("(not in the usual order: place it with `positions move`)")
        print(f"{row['rank']}\t{row['name']}\t" + _("{n} staff").format(n=row["holders"]) + mark)
    return EXIT_OK


def cmd_positions_move(args: argparse.Namespace) -> int:
    from app.staff import positions

    with opened(args) as db:
        rank = positions.move(db, args.name, args.direction, args.user)
    print(_("{name} is now at rank {rank}.").format(name=args.name, rank=rank))
    return EXIT_OK


def cmd_export_evaluation_sheets(args: argparse.Namespace) -> int:
    from app.evaluation.sheets import export_sheets

    if args.out.exists() and not args.out.is_dir():
        raise UserError(_("{path} is not a folder.").format(path=args.out))
    with opened(args) as db:
        args.out.mkdir(parents=True, exist_ok=True)
        files = export_sheets(db, args.user, args.project, args.out, include_submitted=args.all)
    for path in files:
        print(path)
    if files:
        print(_("Wrote {n} evaluation sheets to {path}.").format(n=len(files), path=args.out))
    else:
        print(_("No evaluator of this project has evaluations left to enter; no sheet was written."))
    return EXIT_OK


def cmd_import_evaluation_sheets(args: argparse.Namespace) -> int:
    """Each file on its own, all or nothing; a refused file does not stop the others.

    What was committed is always reported, even when a later file fails unexpectedly: the reports
    of the files done so far are printed (and in --json mode the whole list), then exit 3.
    """
    from app.evaluation.sheets import commit_import, preview_import

    reports: list[dict] = []
    refused, failure = 0, None
    with opened(args) as db:
        for index, path in enumerate(args.files):
            try:
                report = _import_one_sheet(db, args.user, path, args.dry_run, preview_import, commit_import)
            except Exception as exc:  # unexpected: stop here, but say what the earlier files did
                failure = (path, exc)
                reports.append(_sheet_failure_report(path, _("unexpected error: {error}").format(error=repr(exc))))
                reports.extend(_sheet_failure_report(rest, _("not attempted (an earlier file failed)"))
                               for rest in args.files[index + 1:])
                break
            refused += not report["ok"]
            reports.append(report)
            if not args.json:
                _print_sheet_report(path, report, args.dry_run)
    if args.json:
        print(json.dumps(reports, ensure_ascii=False, indent=2))
        for report in reports:  # the same messages as without --json, for whoever reads stderr
            for error in report["errors"]:
                print(error, file=sys.stderr)
    if failure is not None:
        done = [Path(r["file"]).name for r in reports if r.get("imported")]
        print(_("Error: the import stopped at {file} ({error}). Imported before it: {done}").format(
            file=failure[0].name, error=repr(failure[1]), done="、".join(done) or _("none")), file=sys.stderr)
        return _unexpected(failure[1])  # the traceback goes to the log, as for any other defect
    return EXIT_REFUSED if refused else EXIT_OK


def _sheet_failure_report(path: Path, error: str) -> dict:
    return {"file": str(path), "ok": False, "imported": False, "submitted": 0, "drafts": 0, "unchanged": 0,
            "errors": [error], "warnings": []}


def _import_one_sheet(db, user, path: Path, dry_run: bool, preview_import, commit_import) -> dict:
    """Check one sheet and (unless a dry run) commit it; a refusal is part of the report, not an exception."""
    try:
        preview = preview_import(db, user, path)
    except UserError as exc:  # a file that cannot be read at all is refused like any other
        report = _sheet_failure_report(path, str(exc))
        return report
    report = preview.summary()
    if preview.ok and not dry_run:
        try:
            commit_import(db, user, preview)
        except UserError as exc:
            report["errors"].append(str(exc))
            report["ok"] = False
    report["imported"] = report["ok"] and not dry_run
    return report


def _print_sheet_report(path: Path, report: dict, dry_run: bool) -> None:
    counts = _("submitted {submitted}, drafts {drafts}, unchanged {unchanged}").format(**report)
    if report["ok"]:
        state = _("checked, nothing written (dry run)") if dry_run else _("imported")
        print(_("{file}: {state} ({evaluator}): {counts}").format(
            file=path.name, state=state, evaluator=report["evaluator"], counts=counts))
    else:
        print(_("{file}: refused, nothing was written.").format(file=path.name), file=sys.stderr)
        for error in report["errors"]:
            print("  " + error, file=sys.stderr)
    for warning in report["warnings"]:
        print("  " + _("Note: {message}").format(message=warning))


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("Password: "))
    if first != getpass.getpass(_("Password (again): ")):
        raise UserError(_("The passwords do not match."))
    return first


def _linked_staff_id(db, staff_no: str | None) -> int | None:
    """The person an account is linked to (--staff-no), or None when none is given."""
    return lookup.staff_id(db, staff_no) if staff_no else None


def cmd_user_add(args: argparse.Namespace) -> int:
    require(args.user, Action.ACCOUNTS_MANAGE)
    with opened(args) as db:
        staff_id = _linked_staff_id(db, args.staff_no)
        password = _read_password(args)
        code = None
        if not accounts.has_users(db) and args.role == Role.ADMIN.value:
            user, code = accounts.setup_administrator(db, args.login, args.name or args.login, password)
            if staff_id is not None:
                accounts.link_staff(db, user.login, staff_id, args.user)
        else:
            user = accounts.create_user(db, args.login, args.name or args.login, password, Role(args.role),
                                        args.user, staff_id=staff_id)
    print(_("Created the account {login} ({role}).").format(login=user.login, role=_(accounts.ROLE_LABELS[user.role])))
    if code:
        _print_recovery_code(user.login, code)
    return EXIT_OK


def _print_recovery_code(login: str, code: str) -> None:
    print(_("Recovery code of {login} (shown only now; print it and keep it locked away):").format(login=login))
    print(code)


def cmd_user_link(args: argparse.Namespace) -> int:
    require(args.user, Action.ACCOUNTS_MANAGE)
    with opened(args) as db:
        accounts.link_staff(db, args.login, None if args.none else _linked_staff_id(db, args.staff_no),
                            args.user)
    print(_("The account {login} was updated.").format(login=args.login))
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    require(args.user, Action.ACCOUNTS_MANAGE)
    with opened(args) as db:
        users = accounts.list_users(db, args.user)
    if args.json:
        print(json.dumps(users, ensure_ascii=False, indent=2))
    else:
        for user in users:
            state = "" if user["active"] else _(" (disabled)")
            if user["locked_until"]:
                state += _(" (locked until {time})").format(time=user["locked_until"])
            print(f"{user['login']}\t{_(accounts.ROLE_LABELS[Role(user['role'])])}\t{user['display_name']}{state}")
    return EXIT_OK


def cmd_user_passwd(args: argparse.Namespace) -> int:
    require(args.user, Action.ACCOUNTS_MANAGE)
    with opened(args) as db:
        accounts.set_password(db, args.login, _read_password(args), args.user)
    print(_("The password of {login} was changed. It is a temporary password: {login} chooses a new one at "
            "the next login.").format(login=args.login))
    return EXIT_OK


def cmd_user_reset_password(args: argparse.Namespace) -> int:
    with opened(args) as db:
        temporary = accounts.reset_password(db, args.login, args.user)
    print(_("Temporary password of {login} (they choose a new one at the next login):").format(login=args.login))
    print(temporary)
    return EXIT_OK


def cmd_user_unlock(args: argparse.Namespace) -> int:
    with opened(args) as db:
        cleared = accounts.unlock(db, args.login, args.user)
    print(_("The failed logins of {login} were cleared.").format(login=args.login) if cleared
          else _("{login} has no failed logins to clear.").format(login=args.login))
    return EXIT_OK


def cmd_user_recovery_code(args: argparse.Namespace) -> int:
    with opened(args) as db:
        code = accounts.issue_recovery_code(db, args.login, args.user)
    _print_recovery_code(args.login, code)
    print(_("The previous recovery code of {login} no longer works.").format(login=args.login))
    return EXIT_OK


def cmd_user_recover(args: argparse.Namespace) -> int:
    """The recovery code, then the new password, one a line on standard input (never as arguments)."""
    if sys.stdin.isatty():
        code = getpass.getpass(_("Recovery code: "))
        password = _read_password(argparse.Namespace(password_stdin=False))
    else:
        code = sys.stdin.readline().strip()
        password = sys.stdin.readline().rstrip("\r\n")
    with opened(args) as db:
        user, next_code = accounts.recover(db, args.login, code, password)
    print(_("The password of {login} was changed with the recovery code.").format(login=user.login))
    print(_("That recovery code is now used up. A new one was issued:"))
    print(next_code)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Every command: the register's upkeep, file imports and exports, then one group per feature."""
    parser = argparse.ArgumentParser(prog="dx-jinzai-cli", description=_("DX人材認定台帳: command-line tools"))
    parser.add_argument("--version", action="version", version=f"dx-jinzai {__version__}")
    parser.add_argument("--db", type=Path, default=None,
                        help=_("database file (default: the register in your user data folder)"))
    parser.add_argument("--as", dest="as_login", metavar="LOGIN",
                        help=_("run the command with this account's role (password on standard input; "
                               "default: as the administrator)"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = functools.partial(_add_command, sub)
    _add_upkeep_commands(add)
    _add_file_commands(add)
    _add_staff_commands(sub)
    user_sub = _add_user_commands(sub)
    from app.cli import assignments
    from app.cli import certification
    from app.cli import org
    from app.cli import outcomes
    from app.cli import projects
    from app.cli import records
    from app.cli import settings
    from app.cli import skills
    from app.cli import templates
    from app.cli import training
    from app.cli import targets

    records.register_user(user_sub)

    projects.register(sub, add)
    certification.register(sub, add)
    settings.register(sub)
    org.register(sub)
    assignments.register(sub)
    records.register(sub)
    templates.register(sub)
    skills.register(sub)
    training.register(sub, add)
    from app.cli import qualifications as cli_qualifications
    from app.cli import surveys as cli_surveys

    cli_qualifications.register(sub)
    cli_surveys.register(sub)
    outcomes.register(sub)
    targets.register(sub)
    from app.cli import reports as cli_reports

    cli_reports.register(sub)
    from app.cli import dashboard as cli_dashboard

    cli_dashboard.register(sub)
    from app.cli import skill_map

    skill_map.register(sub)  # last: joins the `skills` group whichever module made it
    return parser


def _add_command(sub: argparse._SubParsersAction, name: str, handler: Callable[[argparse.Namespace], int],
                 help_text: str) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_text, description=help_text)
    p.set_defaults(handler=handler)
    return p


def _add_upkeep_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """The register file itself: create, fill with a demo, check, back up, restore, carry the key."""
    add("init", cmd_init, _("create the register, or update an older one"))
    p = add("demo", cmd_demo, _("fill an empty register with a fictional demo town"))
    p.add_argument("--staff", type=int, default=300, help=_("number of staff (default 300)"))
    p.add_argument("--seed", type=int, default=1, help=_("random seed, for a reproducible town"))
    p = add("check", cmd_check, _("check integrity, foreign keys, data format and counts"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = add("self-check", cmd_self_check,
            _("check that this installation has its fonts, translations, migrations and modules"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = add("backup", cmd_backup, _("write a consistent, checked copy of the register"))
    p.add_argument("out", type=Path, nargs="?",
                   help=_("backup file to write (default: a new file in the chosen backup folder)"))
    p = add("restore", cmd_restore, _("replace the register with a checked backup (the current one is kept)"))
    p.add_argument("file", type=Path, help=_("backup file to restore"))
    p.add_argument("--dry-run", action="store_true",
                   help=_("only show what the backup holds (date, counts, last change); replace nothing"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = add("key", cmd_key, _("the sealing key of this PC: show it, or carry it to a new PC (passphrase on stdin)"))
    p.add_argument("action", choices=("show", "export", "import"))
    p.add_argument("file", type=Path, nargs="?", help=_("key file to write or read"))


def _add_file_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Files the officer hands over or gets back: the staff list and the evaluation sheets."""
    p = add("import-staff", cmd_import_staff, _("import the staff list from CSV or .xlsx (all or nothing)"))
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help=_("check and show the changes without writing"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p.add_argument("--effective-date", metavar="YYYY-MM-DD",
                   help=_("date the transfers take effect (default: the next April 1)"))
    p.add_argument("--encoding", help=_("file encoding (default: detected), e.g. cp932, utf-8-sig"))
    p.add_argument("--retire-missing", action="store_true", help=_("mark staff missing from the file as retired"))
    p.add_argument("--replace", action="append", metavar="U+E001=文字",
                   help=_("the proper character for a user-defined character (外字) in the file"))
    p = add("export-staff", cmd_export_staff, _("export the register to CSV or .xlsx"))
    p.add_argument("out", type=Path)
    p.add_argument("--encoding", default="utf-8-sig", choices=["utf-8-sig", "cp932"])
    p.add_argument("--accept-question-marks", action="store_true",
                   help=_("with cp932: write characters it cannot hold as ? (without this, such rows are listed "
                          "and nothing is written)"))
    p = add("export-evaluation-sheets", cmd_export_evaluation_sheets,
            _("write one Excel evaluation sheet per evaluator of a project"))
    p.add_argument("--project", type=int, required=True, metavar="ID", help=_("project id"))
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help=_("folder for the sheets"))
    p.add_argument("--all", action="store_true",
                   help=_("every evaluator, with submitted evaluations shown locked for reference"))
    p = add("import-evaluation-sheets", cmd_import_evaluation_sheets,
            _("read filled-in evaluation sheets (each file all or nothing)"))
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help=_("check and show the changes without writing"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))


def _add_staff_commands(sub: argparse._SubParsersAction) -> None:
    """`staff ...` and `positions ...`."""
    staff_parser = sub.add_parser("staff", help=_("browse the staff register"))
    staff_sub = staff_parser.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    p = staff_sub.add_parser("list", help=_("list staff in 五十音 order"))
    p.set_defaults(handler=cmd_staff_list)
    p.add_argument("--query", help=_("search by name, reading or staff no."))
    p.add_argument("--date", help=_("as of this date (default today; 令和 dates accepted)"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = staff_sub.add_parser("show", help=_("a person's card: basic information and the tabs your role may see"))
    p.set_defaults(handler=cmd_staff_show)
    p.add_argument("staff_no", metavar="STAFF_NO", help=_("staff number"))
    p.add_argument("--date", help=_("as of this date (default today; 令和 dates accepted)"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = staff_sub.add_parser("set-status", help=_("set 在職, 休職 or 退職 by hand (as HR's notice says)"))
    p.set_defaults(handler=cmd_staff_set_status)
    p.add_argument("staff_no", metavar="STAFF_NO", help=_("staff number"))
    p.add_argument("status", metavar="在職|休職|退職")
    p.add_argument("--on", required=True, metavar="DATE",
                   help=_("休職: first day; 退職: last day; 在職: first day back (令和 dates accepted)"))
    p.add_argument("--until", metavar="DATE", help=_("休職 only: the last day of the leave (default: open-ended)"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    from app.cli import staff

    staff.register(staff_sub)
    positions_parser = sub.add_parser("positions", help=_("the order of positions (部長 > 次長 > 課長 …)"))
    positions_sub = positions_parser.add_subparsers(dest="positions_command", required=True, metavar="ACTION")
    p = positions_sub.add_parser("list", help=_("list positions, most senior first, with their rank"))
    p.set_defaults(handler=cmd_positions_list)
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = positions_sub.add_parser("move", help=_("move a position one step up (more senior) or down"))
    p.set_defaults(handler=cmd_positions_move)
    p.add_argument("name", help=_("the position, e.g. 主幹"))
    p.add_argument("direction", choices=["up", "down"])


def _add_user_commands(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """`user ...`: accounts, passwords and recovery (the records module adds enable/disable)."""
    user = sub.add_parser("user", help=_("manage accounts"))
    user_sub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = user_sub.add_parser("add", help=_("add an account"))
    p.set_defaults(handler=cmd_user_add)
    p.add_argument("login")
    p.add_argument("--name", help=_("display name"))
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.EVALUATOR.value)
    p.add_argument("--password-stdin", action="store_true", help=_("read the password from standard input"))
    p.add_argument("--staff-no", help=_("the staff member this account belongs to (for evaluators)"))
    p = user_sub.add_parser("link", help=_("say which staff member an account belongs to"))
    p.set_defaults(handler=cmd_user_link)
    p.add_argument("login")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--staff-no", help=_("staff number"))
    group.add_argument("--none", action="store_true", help=_("remove the link"))
    p = user_sub.add_parser("list", help=_("list accounts"))
    p.set_defaults(handler=cmd_user_list)
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = user_sub.add_parser("passwd", help=_("set a temporary password (changed by its owner at the next login)"))
    p.set_defaults(handler=cmd_user_passwd)
    p.add_argument("login")
    p.add_argument("--password-stdin", action="store_true", help=_("read the password from standard input"))
    p = user_sub.add_parser("reset-password", help=_("give an account a random temporary password and print it"))
    p.set_defaults(handler=cmd_user_reset_password)
    p.add_argument("login")
    p = user_sub.add_parser("unlock", help=_("clear the failed logins that make a login name wait"))
    p.set_defaults(handler=cmd_user_unlock)
    p.add_argument("login")
    p = user_sub.add_parser("recovery-code", help=_("issue a new recovery code for an administrator account"))
    p.set_defaults(handler=cmd_user_recovery_code)
    p.add_argument("login")
    p = user_sub.add_parser("recover", help=_(
        "set a new administrator password with the recovery code (code, then new password, on standard input)"))
    p.set_defaults(handler=cmd_user_recover)
    p.add_argument("login")
    return user_sub


class _LockWaitNotice:
    """Says once on stderr that a write waits for another one (a window saving, another command)."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, waiting: bool) -> None:
        if waiting and not self.shown:
            print(_("Waiting for another operation to finish…"), file=sys.stderr, flush=True)
        self.shown = waiting


def main(argv: Sequence[str] | None = None) -> int:
    i18n.ensure_japanese_output()
    i18n.install()
    set_lock_wait_listener(_LockWaitNotice())
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on usage errors
    args.db = (args.db or default_database_path()).expanduser()
    try:
        args.user = _acting_user(args)
        code = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's own flush at exit
        return code
    except BrokenPipeError:
        return _reader_went_away()
    except UserError as exc:
        print(_("Error: {message}").format(message=exc), file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # noqa: BLE001 - exit 3 with the log, never a bare traceback with exit 1
        return _unexpected(exc)


def _unexpected(exc: BaseException) -> int:
    """A defect, not a refusal: the traceback goes to the log, the user gets a Japanese message naming it (exit 3)."""
    where = _("(the log could not be written)")
    try:
        path = log_dir() / "dx-jinzai-cli.log"
        if path.exists() and path.stat().st_size > 1_000_000:
            path.replace(path.with_suffix(".log.1"))
        with path.open("a", encoding="utf-8") as log:
            log.write(f"{datetime.now().isoformat(timespec='seconds')} {' '.join(sys.argv)}\n"
                      + "".join(traceback.format_exception(exc)) + "\n")
        where = str(path)
    except OSError:
        pass
    print(_("Unexpected error ({kind}): the action was not completed. The details were written to the log file "
            "{path}; please send it to whoever maintains the register.").format(kind=type(exc).__name__, path=where),
          file=sys.stderr)
    return EXIT_UNEXPECTED


def _acting_user(args: argparse.Namespace) -> User:
    """The administrator at the file, or with --as the account whose password comes first on stdin."""
    if args.as_login is None:
        return CLI_USER
    if not args.db.exists():
        raise UserError(_("The database {path} does not exist.").format(path=str(args.db)))
    password = sys.stdin.readline().rstrip("\r\n")
    with closing(open_database(args.db, create=False).db) as db:  # quietly: the command's own open speaks
        return accounts.authenticate(db, args.as_login, password)


def _reader_went_away() -> int:
    """`dx-jinzai-cli staff list | head`: the reader took what it wanted and closed the pipe.

    That is the reader's choice, not a failure; the rest of the output goes nowhere, so that
    Python's flush at exit does not print a traceback of its own.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
