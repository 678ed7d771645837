"""CLI commands for the register's settings: `settings list|get|set` (declared settings only)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from app.overview import setting_values
from app.overview import setup_guide
from app.cli.support import opened
from app.i18n import _
from app.wareki import parse_date

EXIT_OK = 0


def _text(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)


def cmd_settings_list(args: argparse.Namespace) -> int:
    with opened(args) as db:
        rows = setting_values.listing(db)
    if args.json:
        print(json.dumps({row["key"]: row["value"] for row in rows}, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        print(f"{row['key']}\t{row['label']}\t{_text(row['value'])}")
    return EXIT_OK


def cmd_settings_get(args: argparse.Namespace) -> int:
    with opened(args) as db:
        value = setting_values.shown(args.key, setting_values.get(db, args.key))
    print(json.dumps(value, ensure_ascii=False) if args.json else _text(value))
    return EXIT_OK


def cmd_settings_set(args: argparse.Namespace) -> int:
    with opened(args) as db:
        changed = setting_values.set_text(db, args.user, args.key, args.value)
        value = setting_values.shown(args.key, setting_values.get(db, args.key))
    label = setting_values.label(args.key)
    print((_("{setting} is now {value}.") if changed else _("{setting} was already {value}.")).format(
        setting=label, value=_text(value) or "—"))
    return EXIT_OK


def cmd_settings_missing(args: argparse.Namespace) -> int:
    """The set-up guide's checklist: every step, done or still missing (the start screen shows the missing ones)."""
    on = parse_date(args.date) if args.date else date.today()
    with opened(args) as db:
        states = setup_guide.checklist(db, args.user, on)
    if args.json:
        print(json.dumps([{"key": s.key, "title": s.title, "done": s.done, "detail": s.detail,
                           "missing": "" if s.done else s.missing} for s in states], ensure_ascii=False, indent=2))
        return EXIT_OK
    for state in states:
        print(f"{'✓' if state.done else '✗'} {state.key}\t{state.title}\t{state.detail if state.done else state.missing}")
    return EXIT_OK


def register(sub) -> None:
    group = sub.add_parser("settings", help=_("read or change the register's settings (town, issuer, certificates)"))
    actions = group.add_subparsers(dest="settings_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", help=_("every setting with its value"))
    p.set_defaults(handler=cmd_settings_list)
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = actions.add_parser("get", help=_("the value of one setting"))
    p.set_defaults(handler=cmd_settings_get)
    p.add_argument("key", metavar="KEY")
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = actions.add_parser("missing", help=_("the set-up steps, done or still missing (the set-up guide's checklist)"))
    p.set_defaults(handler=cmd_settings_missing)
    p.add_argument("--date", help=_("as of this date (default today; 令和 dates accepted)"))
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = actions.add_parser("set", help=_("change one setting (checked as on the screen)"))
    p.set_defaults(handler=cmd_settings_set)
    p.add_argument("key", metavar="KEY")
    p.add_argument("value", metavar="VALUE", help=_("the new value (a PNG file for certificate_seal_png; \"\" clears)"))
