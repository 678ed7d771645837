"""CLI commands for certification: schemes, eligibility, approval, revocation and the register."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.certification import decisions
from app.certification import candidates
from app.certification import eligibility
from app.certification import past
from app.certification import schemes
from app.register.accounts import User
from app.cli.support import json_refusal, opened
from app.staff import lookup
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, require
from app.tabular import not_listed
from app.wareki import format_wareki, parse_date

EXIT_OK, EXIT_REFUSED = 0, 1


def _date(text: str | None) -> date:
    return parse_date(text) if text else date.today()


def _scheme(db) -> schemes.SchemeSpec:
    scheme_id = schemes.active_scheme_id(db)
    if scheme_id is None:
        raise UserError(_("The register has no certification scheme yet: run `schemes install moka` (or hokkaido, blank)."))
    return schemes.load_scheme(db, scheme_id)


def _candidates(db, user: User, scheme: schemes.SchemeSpec, as_of: date, level: str | None) -> list[eligibility.Candidate]:
    if level and level not in {lv.code for lv in scheme.levels}:
        raise UserError(_("The scheme has no level {code} (levels: {codes}).").format(
            code=level, codes=", ".join(lv.code for lv in scheme.levels)))
    found = eligibility.eligibility(db, user, scheme, as_of)
    return [c for c in found if level is None or c.level.code == level]


def cmd_schemes_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows, active = schemes.list_schemes(db), schemes.active_scheme_id(db)
    if args.json:
        print(json.dumps([{**r, "in_use": r["id"] == active} for r in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    for r in rows:
        mark = "*" if r["id"] == active else " "
        print(f"{mark} {r['id']}\t{r['family']}\tv{r['version']}\t{r['name']}\t"
              + _("{n} certifications").format(n=r["certifications"]))
    return EXIT_OK


def cmd_schemes_install(args: argparse.Namespace) -> int:
    with opened(args) as db:
        scheme_id = schemes.install_preset(db, args.preset, args.user)
        name = schemes.load_scheme(db, scheme_id).name
    print(_("The scheme {name} is ready (id {id}).").format(name=name, id=scheme_id))
    return EXIT_OK


def cmd_eligibility(args: argparse.Namespace) -> int:
    with opened(args) as db:
        scheme = _scheme(db)
        as_of = _date(args.date)
        found = [c for c in _candidates(db, args.user, scheme, as_of, args.level) if args.all or c.status != "not_yet"]
        people = lookup.staff_labels(db)
    order = {"eligible": 0, "near": 1, "not_yet": 2}
    found.sort(key=lambda c: (order[c.status], c.level.code, people[c.staff_id][2]))
    if args.json:
        print(json.dumps([{"staff_no": people[c.staff_id][0], "name": people[c.staff_id][1], "level": c.level.code,
                           "level_name": c.level.name, "status": c.status,
                           "requirements": [{"kind": r.kind, "met": r.met, "text": r.text} for r in c.results]}
                          for c in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    for c in found:
        staff_no, name, _reading = people[c.staff_id]
        print(f"{staff_no}\t{name}\t{c.level.name}\t{_(eligibility.STATUSES[c.status])}")
        for r in c.results:
            print(f"\t{r.text}")
    return EXIT_OK


def _staff_ids(db, numbers: list[str] | None) -> set[int] | None:
    """Staff ids for --staff-no; a number not in the register is refused by name."""
    if not numbers:
        return None
    return lookup.staff_ids_all_named(db, numbers)


def cmd_certify(args: argparse.Namespace) -> int:
    with opened(args) as db:
        scheme = _scheme(db)
        decided = _date(args.date)
        approver = args.approver or candidates.require_approver(db)  # the settings' 認定者 by default
        if args.override_reason and not args.staff_no:
            raise UserError(_("--override-reason needs --staff-no: an override is decided person by person."))
        wanted = _staff_ids(db, args.staff_no)
        chosen = [c for c in _candidates(db, args.user, scheme, decided, args.level)
                  if (wanted is None or c.staff_id in wanted)
                  and (c.status == "eligible" or (args.override_reason and eligibility.only_revocation_unmet(c.results)))]
        if not chosen:
            print(_("Nobody is eligible on {date}.").format(date=format_wareki(decided)))
            return EXIT_OK
        if args.dry_run:
            print(_("Would certify {n} people (dry run: nothing was written).").format(n=len(chosen)))
            return EXIT_OK
        numbers = decisions.approve(db, args.user, scheme.id, [
            decisions.Approval(c.staff_id, c.level.code) for c in chosen], decided, approver,
            args.override_reason or "")
    print(_("Certified {n} people: {first} – {last}").format(n=len(numbers), first=numbers[0], last=numbers[-1]))
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace) -> int:
    with opened(args) as db:
        decisions.revoke(db, args.user, args.number, args.reason, _date(args.date),
                             parse_date(args.reeligible_from) if args.reeligible_from else None)
    print(_("Revoked {number}.").format(number=args.number))
    return EXIT_OK


def cmd_reissue(args: argparse.Namespace) -> int:
    with opened(args) as db:
        count = decisions.reissue(db, args.user, args.number, args.reason, _date(args.date))
    print(_("Recorded re-issue {count} of {number}.").format(count=count, number=args.number))
    return EXIT_OK


def cmd_register_export(args: argparse.Namespace) -> int:
    if args.out.exists():
        raise UserError(_("{path} already exists. Choose another file name.").format(path=str(args.out)))
    with opened(args) as db:
        n = decisions.export_register(db, args.out, args.user, level_code=args.level,
                                          fiscal_year_filter=args.year, include_revoked=not args.active_only)
    print(_("Wrote {n} certifications to {path}.").format(n=n, path=args.out))
    return EXIT_OK


def cmd_certificates(args: argparse.Namespace) -> int:
    from app.certification import certificates

    with opened(args) as db:
        if args.ceremony_list and args.ceremony_list.suffix.lower() not in certificates.CEREMONY_FORMATS:
            raise UserError(_("The list of recipients can be written as .pdf or .xlsx, not 「{suffix}」: {path}").format(
                suffix=args.ceremony_list.suffix or _("no extension"), path=args.ceremony_list))
        ids = certificates.select(db, args.numbers, new_only=args.new)
        if not ids:
            print(_("There are no certificates to print."))
            return EXIT_OK
        written = certificates.write(db, args.user, ids, args.out, args.template, per_person=args.per_person)
        if args.ceremony_list:
            certificates.ceremony_list(db, args.user, ids, args.ceremony_list)
    print(_("Wrote {n} certificates: {files}").format(n=len(ids), files=", ".join(str(p) for p in written[:5])
                                                       + (" …" if len(written) > 5 else "")))
    if args.ceremony_list:
        print(_("Wrote the list of recipients: {path}").format(path=args.ceremony_list))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from app.certification import certificates

    with opened(args) as db:
        outcome = certificates.verify(db, args.code)
    if args.json:
        print(json.dumps(outcome.__dict__, ensure_ascii=False, indent=2))
    else:
        print(outcome.message, file=sys.stdout if outcome.valid else sys.stderr)
    return EXIT_OK if outcome.valid else EXIT_REFUSED


def cmd_certifications_import(args: argparse.Namespace) -> int:
    """Earlier (paper) certifications from CSV/xlsx: all or nothing, like import-staff."""
    require(args.user, Action.CERTIFICATION_IMPORT)  # before the file is read: it is checked against the register
    name = args.file.name
    with opened(args) as db:
        try:
            preview = past.preview_file(db, args.user, args.file, today=date.today(),
                                                       encoding=args.encoding)
        except UserError as exc:
            if args.json:
                return json_refusal(args.file, exc)
            raise
        committed = None
        if not preview.errors and not args.dry_run:
            committed = past.commit(db, args.user, preview)
    summary = committed or {**preview.summary(), "imported": False}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(_("{file}: {rows} rows ({encoding}), scheme {scheme}").format(
            file=name, rows=preview.rows, encoding=preview.encoding, scheme=preview.scheme_name))
        if preview.unused_headers:
            print(_("Columns not used: {names}").format(names="、".join(preview.unused_headers)))
    for error in preview.errors:  # with --json too, for whoever reads stderr
        print(error.text(name), file=sys.stderr)
    if preview.errors_not_listed:
        print(not_listed(name, preview.errors_not_listed), file=sys.stderr)
    if args.json:
        return EXIT_REFUSED if preview.errors else EXIT_OK
    if preview.errors:
        print(_("Nothing was written: correct the errors and import again."), file=sys.stderr)
    elif args.dry_run:
        levels = "、".join(_("{level} {n}").format(level=level, n=n) for level, n in preview.level_counts().items())
        print(_("{n} earlier certifications can be imported ({levels}); the next certification decided today would "
                "get {number}.").format(n=len(preview.records), levels=levels, number=preview.next_number))
        print(_("Dry run: nothing was written."))
    else:
        print(past.result_message(summary))
    return EXIT_REFUSED if preview.errors else EXIT_OK


def register(sub, add: Callable[..., argparse.ArgumentParser]) -> None:
    group = sub.add_parser("schemes", help=_("certification schemes"))
    actions = group.add_subparsers(dest="schemes_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", help=_("list scheme versions (* = in use)"))
    p.set_defaults(handler=cmd_schemes_list)
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = actions.add_parser("install", help=_("install a preset scheme"))
    p.set_defaults(handler=cmd_schemes_install)
    p.add_argument("preset", choices=sorted(schemes.PRESETS))
    from app.cli import schemes as cli_schemes

    cli_schemes.register(actions)

    p = add("eligibility", cmd_eligibility, _("who qualifies for which level, with the reasons"))
    p.add_argument("--level", help=_("only this level (its code, e.g. advisor)"))
    p.add_argument("--date", help=_("as of this date (default today; 令和 dates accepted)"))
    p.add_argument("--all", action="store_true", help=_("also list people who are not yet near"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = add("certify", cmd_certify, _("approve certifications (all or nothing)"))
    p.add_argument("--approve-eligible", action="store_true", required=True,
                   help=_("certify everyone eligible on the date"))
    p.add_argument("--date", help=_("decision date (default today)"))
    p.add_argument("--approver", help=_("who approves, e.g. 市長 氏名 (default: the certifying official in the settings)"))
    p.add_argument("--level", help=_("only this level (its code)"))
    p.add_argument("--staff-no", action="append", metavar="NUMBER", help=_("only this person (repeatable)"))
    p.add_argument("--override-reason", metavar="TEXT",
                   help=_("certify a level revoked before, ahead of the day set at the revocation, for this reason"))
    p.add_argument("--dry-run", action="store_true", help=_("check and show the changes without writing"))
    p = add("revoke", cmd_revoke, _("revoke a certification; its number is never reused"))
    p.add_argument("number")
    p.add_argument("--reason", required=True)
    p.add_argument("--date", help=_("date of revocation (default today)"))
    p.add_argument("--reeligible-from", metavar="DATE",
                   help=_("the same level can be certified again from this date (default: only with "
                          "certify --override-reason)"))
    p = add("reissue", cmd_reissue, _("record a re-issued certificate (same number, marked 再交付)"))
    p.add_argument("number")
    p.add_argument("--reason", required=True)
    p.add_argument("--date", help=_("date of re-issue (default today)"))
    p = add("certificates", cmd_certificates, _("write certificate PDFs (A4, Mincho, 和暦) and log the prints"))
    p.add_argument("--out", type=Path, required=True, help=_("PDF file to write (a folder with --per-person)"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--numbers", nargs="+", metavar="NUMBER", help=_("these certificate numbers"))
    which.add_argument("--new", action="store_true", help=_("every certification not printed yet"))
    which.add_argument("--all", action="store_true", help=_("every active certification"))
    p.add_argument("--template", choices=["portrait", "landscape", "vertical"],
                   help=_("layout (default: the one chosen in the settings)"))
    p.add_argument("--per-person", action="store_true", help=_("one PDF per person in the folder --out"))
    p.add_argument("--ceremony-list", type=Path, metavar="FILE", help=_("also write the list of recipients (授与者名簿) as .pdf or .xlsx"))
    p = add("verify", cmd_verify, _("check a certificate's verification code against the register"))
    p.add_argument("code")
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    group = sub.add_parser("certifications", help=_("certifications decided before the register (台帳導入前)"))
    actions = group.add_subparsers(dest="certifications_command", required=True, metavar="ACTION")
    p = actions.add_parser("import", help=_("import earlier certifications from CSV or .xlsx (all or nothing)"),
                           description=_("import earlier certifications from CSV or .xlsx (all or nothing): 職員番号, "
                                         "レベル, 認定日, 認定番号 as printed, 認定者, and for a revoked one 取消日 "
                                         "and 取消理由"))
    p.set_defaults(handler=cmd_certifications_import)
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help=_("check and show the changes without writing"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p.add_argument("--encoding", help=_("file encoding (default: detected), e.g. cp932, utf-8-sig"))
    group = sub.add_parser("register", help=_("the register of certified staff"))
    actions = group.add_subparsers(dest="register_command", required=True, metavar="ACTION")
    p = actions.add_parser("export", help=_("write the register to .xlsx or .csv"))
    p.set_defaults(handler=cmd_register_export)
    p.add_argument("out", type=Path)
    p.add_argument("--level", help=_("only this level (its code)"))
    p.add_argument("--year", type=int, help=_("only this fiscal year (e.g. 2025 for 令和7年度)"))
    p.add_argument("--active-only", action="store_true", help=_("leave out revoked certifications"))
    from app.cli import records

    records.register_register(actions)
